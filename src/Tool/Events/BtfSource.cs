using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// A kernel's BTF (the running kernel's /sys/kernel/btf/vmlinux, readable without root, or a saved
/// copy). BTF knows record layouts and enums, but not the print fmt, not which class a
/// DEFINE_EVENT event uses (TpGen matches by name or, reporting it, by prototype), and not which
/// system an event is in: for the running kernel's BTF the systems come from its tracefs when that
/// is readable (root); otherwise an event is listed under the system it was asked for, or '*'.
/// </summary>
internal sealed class BtfSource : EventSource
{
    private readonly string _path;
    private readonly BtfData _btf;
    private readonly BtfEventCatalog _catalog;
    private readonly Lazy<Dictionary<string, string>?> _systems;

    private BtfSource(string path, BtfData btf)
    {
        _path = path;
        _btf = btf;
        _catalog = new BtfEventCatalog(btf);
        _systems = new Lazy<Dictionary<string, string>?>(() => path == KernelBtf.VmlinuxPath ? RunningSystems() : null);
    }

    public override string Description => "BTF " + _path;

    /// <summary>Whether the events' systems are known (from the running kernel's tracefs).</summary>
    public bool KnowsSystems => _systems.Value is not null;

    /// <exception cref="KernelBtfException">The file is missing or unreadable.</exception>
    /// <exception cref="TpGen.Frontends.FormatParseException">The file is not valid BTF.</exception>
    public static BtfSource Open(string? path)
    {
        string file = path ?? KernelBtf.VmlinuxPath;
        return new BtfSource(file, KernelBtf.Read(file));
    }

    /// <summary>What a read had to guess or leave out; shown to the user.</summary>
    public List<string> Notes { get; } = new();

    /// <exception cref="UsageException">The spec names a system by a pattern, and BTF cannot tell systems.</exception>
    public override IReadOnlyList<(string System, string Name)> List(EventSpec? spec)
    {
        IEnumerable<string> names = _catalog.Tracepoints;
        if (_systems.Value is { } systems)
        {
            // Tracepoints without an event (bare DECLARE_TRACE) have no system, and are not events.
            return names.Where(systems.ContainsKey).Select(name => (systems[name], name))
                .Where(e => spec is null || spec.MatchesSystem(e.Item1))
                .OrderBy(e => e.Item1 + ":" + e.name, StringComparer.Ordinal).ToList();
        }
        if (spec is not null && spec.System != "*" && !spec.IsExact)
            throw new UsageException(
                $"BTF does not say which system an event belongs to, so it cannot tell which events '{spec.Text}' means; name the events ('{spec.System}:kfree_skb'), " +
                $"match by name alone ('*:{spec.Name}'), or read the systems from tracefs (as root) or the kernel headers (--kernel-headers DIR)");
        // Asked for by its full name, an event is listed under the system given: the user vouches for it.
        string system = spec is not null && spec.IsExact ? spec.System : "*";
        return names.Select(name => (system, name)).OrderBy(e => e.name, StringComparer.Ordinal).ToList();
    }

    /// <exception cref="EventUnavailableException">BTF cannot say which class the event uses, or which system it is in.</exception>
    public override TracepointSchema Read(string system, string name)
    {
        if (!TraceNames.IsSystem(system))
            throw new EventUnavailableException($"BTF does not say which system {name} is in; name it, as SYSTEM:{name}");
        BtfClassMatch match = _catalog.FindClass(name);
        if (match.ClassName is null)
            throw new EventUnavailableException($"{match.Explanation}. BTF does not say which class a DEFINE_EVENT uses; take this event from a snapshot (tpgen pull on a machine with tracefs) or the kernel headers (--kernel-headers DIR)");
        if (match.IsGuess)
            Notes.Add($"{system}:{name}: {match.Explanation}");
        TracepointSchema schema = BtfSchemaReader.Read(_btf, system, name, match.ClassName);
        Notes.Add($"{system}:{name}: {BtfPrintFormat.Synthesized}");
        return BtfPrintFormat.WithFieldList(schema);
    }

    // Event name -> system, from the running kernel's tracefs; null where it cannot be read (not root).
    private static Dictionary<string, string>? RunningSystems()
    {
        try
        {
            if (!Tracefs.IsMounted)
                return null;
            var systems = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string system in Directory.GetDirectories(Tracefs.EventsDirectory).OrderBy(d => d, StringComparer.Ordinal))
            {
                foreach (string eventDirectory in Directory.GetDirectories(system))
                    systems.TryAdd(Path.GetFileName(eventDirectory), Path.GetFileName(system));
            }
            return systems;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
