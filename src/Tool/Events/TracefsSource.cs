using System;
using System.Collections.Generic;
using System.IO;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>Format files: the running kernel's tracefs, or a directory laid out like it (a dump of another kernel).</summary>
internal sealed class TracefsSource : EventSource
{
    private readonly string _events;
    private readonly bool _live;

    private TracefsSource(string events, bool live)
    {
        _events = events;
        _live = live;
    }

    public override string Description => "tracefs " + _events;

    public override bool IsRunningKernel => _live;

    /// <summary>The running kernel's tracefs, or <paramref name="eventsDirectory"/> when given.</summary>
    /// <exception cref="TracefsException">tracefs is missing, or the directory does not exist.</exception>
    public static TracefsSource Open(string? eventsDirectory)
    {
        if (eventsDirectory is not null)
        {
            if (!Directory.Exists(eventsDirectory))
                throw new TracefsException(TracefsProblem.DirectoryMissing, $"{eventsDirectory} does not exist.");
            return new TracefsSource(eventsDirectory, live: false);
        }
        if (!Tracefs.IsMounted)
            throw new TracefsException(TracefsProblem.NotMounted, $"tracefs is not mounted. Mount it with: {Tracefs.MountCommand}");
        return new TracefsSource(Tracefs.EventsDirectory, live: true);
    }

    public override IReadOnlyList<(string System, string Name)> List(EventSpec? spec)
    {
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

    public override TracepointSchema Read(string system, string name) => Tracefs.ReadEvent(_events, system, name);

    public override string FormatText(string system, string name) => File.ReadAllText(Path.Combine(_events, system, name, "format"));
}
