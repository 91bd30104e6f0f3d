using System;
using System.Collections.Generic;
using System.Linq;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// Where tpgen reads tracepoint descriptions: the running kernel's tracefs (or a directory laid
/// out like it), a kernel's BTF, or a kernel's headers. Every source gives the same Schema.
/// </summary>
internal abstract class EventSource
{
    /// <summary>Says which source this is, for messages: "tracefs /sys/kernel/tracing/events".</summary>
    public abstract string Description { get; }

    /// <summary>Whether these are the running kernel's own, live descriptions (only those can be attached).</summary>
    public virtual bool IsRunningKernel => false;

    /// <summary>The events in scope of <paramref name="spec"/> (all when null), sorted.</summary>
    public abstract IReadOnlyList<(string System, string Name)> List(EventSpec? spec);

    /// <summary>One event's schema.</summary>
    public abstract TracepointSchema Read(string system, string name);

    /// <summary>One event as format file text: the source's own text where it has one.</summary>
    public virtual string FormatText(string system, string name) => TpGen.Frontends.Tracefs.FormatFileWriter.Write(Read(system, name));

    /// <summary>The events <paramref name="specs"/> name; a spec that matches nothing is a usage error naming the nearest events.</summary>
    public IReadOnlyList<(string System, string Name)> Resolve(IEnumerable<EventSpec> specs)
    {
        var chosen = new List<(string, string)>();
        foreach (EventSpec spec in specs)
        {
            IReadOnlyList<(string System, string Name)> scope = List(spec);
            var matches = scope.Where(e => spec.Matches(e.System, e.Name)).ToList();
            if (matches.Count == 0)
                throw new UsageException($"no event matches '{spec.Text}' in {Description}{Suggestion(spec, scope)}; 'tpgen list' shows them");
            foreach (var match in matches)
            {
                if (!chosen.Contains(match))
                    chosen.Add(match);
            }
        }
        return chosen;
    }

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
