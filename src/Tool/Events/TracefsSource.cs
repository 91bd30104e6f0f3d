using System;
using System.Collections.Generic;
using System.IO;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// Format files: the running kernel's tracefs, or a directory laid out like it (a dump of another
/// kernel). Constants the print fmts name without defining take their values from the same
/// kernel's BTF: the running kernel's, or the one given for a dump (<see cref="KernelConstants"/>).
/// </summary>
internal sealed class TracefsSource : EventSource
{
    private readonly string _events;
    private readonly bool _live;
    private readonly Func<IReadOnlyDictionary<string, long>?> _constants;

    private TracefsSource(string events, bool live, Func<IReadOnlyDictionary<string, long>?> constants)
    {
        _events = events;
        _live = live;
        _constants = constants;
    }

    public override string Description => "tracefs " + _events;

    public override bool IsRunningKernel => _live;

    /// <summary>
    /// The running kernel's tracefs, or <paramref name="eventsDirectory"/> when given; the
    /// constants come from <paramref name="btf"/> when given, else, for the running kernel, its own BTF.
    /// </summary>
    /// <exception cref="TracefsException">tracefs is missing, or the directory does not exist.</exception>
    public static TracefsSource Open(string? eventsDirectory, string? btf = null)
    {
        var given = new Lazy<IReadOnlyDictionary<string, long>?>(() => btf is null ? null : BtfSchemaReader.EnumConstants(KernelBtf.Read(btf)));
        Func<IReadOnlyDictionary<string, long>?> constants = () => given.Value;
        if (eventsDirectory is not null)
        {
            if (!Directory.Exists(eventsDirectory))
                throw new TracefsException(TracefsProblem.DirectoryMissing, $"{eventsDirectory} does not exist.");
            return new TracefsSource(eventsDirectory, live: false, constants);
        }
        if (!Tracefs.IsMounted)
            throw new TracefsException(TracefsProblem.NotMounted, $"tracefs is not mounted. Mount it with: {Tracefs.MountCommand}");
        return new TracefsSource(Tracefs.EventsDirectory, live: true, btf is not null ? constants : () => KernelBtf.RunningKernelConstants);
    }

    public override IReadOnlyList<(string System, string Name)> List(EventSpec? spec)
    {
        // An event named in full needs only its own directory, not a look into the kernel's 2,000
        // others (a start-up cost of every trace); the whole list is for patterns and for suggestions.
        if (spec is { IsExact: true } && File.Exists(Path.Combine(_events, spec.System, spec.Name, "format")))
            return [(spec.System, spec.Name)];
        var events = new List<(string, string)>();
        try
        {
            foreach (string system in Directory.GetDirectories(_events))
            {
                foreach (string eventDirectory in Directory.GetDirectories(system))
                {
                    if (File.Exists(Path.Combine(eventDirectory, "format")))
                        events.Add((Path.GetFileName(system), Path.GetFileName(eventDirectory)));
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw new TracefsException(TracefsProblem.PermissionDenied, $"Cannot list {_events}: permission denied. tracefs is readable by root only on most systems; run as root, or read the kernel's BTF instead (--source btf).");
        }
        events.Sort((a, b) => string.CompareOrdinal(a.Item1 + ":" + a.Item2, b.Item1 + ":" + b.Item2));
        return events;
    }

    public override TracepointSchema Read(string system, string name) => Resolve(Tracefs.ReadEvent(_events, system, name));

    // The kernel's own file, with the values of the constants its print fmt names written in.
    public override string FormatText(string system, string name)
    {
        string text = File.ReadAllText(Path.Combine(_events, system, name, "format"));
        return _constants() is { } constants ? KernelConstants.ResolveFormatText(text, system, name, constants) : text;
    }

    private TracepointSchema Resolve(TracepointSchema schema) =>
        _constants() is { } constants ? KernelConstants.Resolve(schema, constants) : schema;
}
