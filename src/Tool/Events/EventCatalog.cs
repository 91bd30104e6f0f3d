using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>Where tpgen reads tracepoint descriptions: the running kernel's tracefs, or a directory laid out like it.</summary>
internal sealed class EventCatalog
{
    private readonly string _eventsDirectory;

    private EventCatalog(string eventsDirectory, string description)
    {
        _eventsDirectory = eventsDirectory;
        Description = description;
    }

    /// <summary>Says where the descriptions come from, for messages.</summary>
    public string Description { get; }

    /// <summary>The running kernel's tracefs, or <paramref name="eventsDirectory"/> when given.</summary>
    /// <exception cref="TracefsException">tracefs is missing or unreadable.</exception>
    public static EventCatalog Open(string? eventsDirectory)
    {
        if (eventsDirectory is not null)
        {
            if (!Directory.Exists(eventsDirectory))
                throw new TracefsException($"{eventsDirectory} does not exist.");
            return new EventCatalog(eventsDirectory, eventsDirectory);
        }
        if (!Tracefs.IsMounted)
            throw new TracefsException($"tracefs is not mounted. Mount it with: {Tracefs.MountCommand}");
        return new EventCatalog(Tracefs.EventsDirectory, "tracefs " + Tracefs.EventsDirectory);
    }

    /// <summary>Every event, as (system, name), sorted.</summary>
    public IReadOnlyList<(string System, string Name)> List()
    {
        var events = new List<(string, string)>();
        try
        {
            foreach (string system in Directory.GetDirectories(_eventsDirectory))
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
            throw new TracefsException($"Cannot list {_eventsDirectory}: permission denied. tracefs is readable by root only on most systems; run as root.");
        }
        events.Sort((a, b) => string.CompareOrdinal(a.Item1 + ":" + a.Item2, b.Item1 + ":" + b.Item2));
        return events;
    }

    /// <summary>The events <paramref name="specs"/> name; a spec that matches nothing is an error naming the nearest events.</summary>
    /// <exception cref="UsageException">A spec matches no event.</exception>
    public IReadOnlyList<(string System, string Name)> Resolve(IEnumerable<EventSpec> specs)
    {
        IReadOnlyList<(string System, string Name)> all = List();
        var chosen = new List<(string, string)>();
        foreach (EventSpec spec in specs)
        {
            var matches = all.Where(e => spec.Matches(e.System, e.Name)).ToList();
            if (matches.Count == 0)
                throw new UsageException($"no event matches '{spec.Text}' in {Description}{Suggestion(spec, all)}; 'tpgen list' shows them all");
            foreach (var match in matches)
            {
                if (!chosen.Contains(match))
                    chosen.Add(match);
            }
        }
        return chosen;
    }

    /// <summary>One event's schema.</summary>
    /// <exception cref="TracefsException">It does not exist or cannot be read.</exception>
    /// <exception cref="FormatParseException">Its format is malformed.</exception>
    public TracepointSchema Read(string system, string name) => Tracefs.ReadEvent(_eventsDirectory, system, name);

    /// <summary>One event's format file exactly as the source has it.</summary>
    public string ReadText(string system, string name) => File.ReadAllText(Path.Combine(_eventsDirectory, system, name, "format"));

    private static string Suggestion(EventSpec spec, IReadOnlyList<(string System, string Name)> all)
    {
        if (!spec.IsExact)
            return "";
        var near = all.Where(e => e.Name == spec.Name || e.System == spec.System && Close(e.Name, spec.Name))
            .Take(3).Select(e => $"'{e.System}:{e.Name}'").ToList();
        return near.Count == 0 ? "" : "; did you mean " + string.Join(" or ", near);
    }

    private static bool Close(string a, string b) =>
        a.Contains(b, StringComparison.Ordinal) || b.Contains(a, StringComparison.Ordinal) ||
        a.Length == b.Length && a.Zip(b).Count(p => p.First != p.Second) <= 2;
}

/// <summary>The command line asked for something that cannot be: exit code 2, with this message.</summary>
internal sealed class UsageException(string message) : Exception(message);
