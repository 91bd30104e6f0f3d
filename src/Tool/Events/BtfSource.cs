using System.Collections.Generic;
using System.Linq;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// A kernel's BTF (the running kernel's /sys/kernel/btf/vmlinux, readable without root, or a saved
/// copy). BTF knows record layouts and enums, but not the print fmt, not which class a
/// DEFINE_EVENT event uses (TpGen matches by name or, reporting it, by prototype), and not which
/// system an event is in: the system is taken as given.
/// </summary>
internal sealed class BtfSource : EventSource
{
    private readonly string _path;
    private readonly BtfData _btf;
    private readonly BtfEventCatalog _catalog;

    private BtfSource(string path, BtfData btf)
    {
        _path = path;
        _btf = btf;
        _catalog = new BtfEventCatalog(btf);
    }

    public override string Description => "BTF " + _path;

    /// <exception cref="KernelBtfException">The file is missing or unreadable.</exception>
    /// <exception cref="TpGen.Frontends.FormatParseException">The file is not valid BTF.</exception>
    public static BtfSource Open(string? path)
    {
        string file = path ?? KernelBtf.VmlinuxPath;
        return new BtfSource(file, KernelBtf.Read(file));
    }

    /// <summary>What a read had to guess or leave out; shown to the user.</summary>
    public List<string> Notes { get; } = new();

    // BTF has no systems: an event is listed under the system the spec asked for, or '*'.
    public override IReadOnlyList<(string System, string Name)> List(EventSpec? spec)
    {
        string system = spec is not null && spec.System.IndexOfAny(['*', '?']) < 0 ? spec.System : "*";
        return _catalog.Tracepoints.Select(name => (system, name)).OrderBy(e => e.name, System.StringComparer.Ordinal).ToList();
    }

    public override TracepointSchema Read(string system, string name)
    {
        BtfClassMatch match = _catalog.FindClass(name);
        if (match.ClassName is null)
            throw new UsageException($"{system}:{name}: {match.Explanation}. BTF does not say which class a DEFINE_EVENT uses; take this event from a snapshot (tpgen pull on a machine with tracefs) or the kernel headers (--kernel-headers DIR)");
        if (match.IsGuess)
            Notes.Add($"{system}:{name}: {match.Explanation}");
        TracepointSchema schema = BtfSchemaReader.Read(_btf, system, name, match.ClassName);
        Notes.Add($"{system}:{name}: {BtfPrintFormat.Synthesized}");
        return BtfPrintFormat.WithFieldList(schema);
    }
}
