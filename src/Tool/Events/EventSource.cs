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

    /// <summary>
    /// What a listing over many systems could not read (a system whose header does not compile),
    /// and, with <c>tolerant</c> resolving, the specs that matched nothing: the command reports
    /// them after doing the rest.
    /// </summary>
    public List<EventProblem> Problems { get; } = new();

    /// <summary>
    /// The events <paramref name="specs"/> name. A spec that matches nothing is a usage error naming
    /// the nearest events; when <paramref name="tolerant"/>, it is a <see cref="Problems"/> entry
    /// instead, unless no spec matches anything.
    /// </summary>
    public IReadOnlyList<(string System, string Name)> Resolve(IEnumerable<EventSpec> specs, bool tolerant = false)
    {
        var chosen = new List<(string, string)>();
        var seen = new HashSet<(string, string)>();
        var unmatched = new List<UsageException>();
        bool sourceFailed = false;
        foreach (EventSpec spec in specs)
        {
            int before = Problems.Count;
            IReadOnlyList<(string System, string Name)> scope = List(spec);
            sourceFailed |= Problems.Count > before;
            var matches = scope.Where(e => spec.Matches(e.System, e.Name)).ToList();
            if (matches.Count == 0)
            {
                // The source already said why (a system it could not read).
                if (Problems.Count > before)
                    continue;
                var problem = new UsageException($"no event matches '{spec.Text}' in {Description}{Suggestion(spec, scope)}; 'tpgen list' shows them");
                if (!tolerant)
                    throw problem;
                unmatched.Add(problem);
                Problems.Add(new EventProblem("", problem.Message));
                continue;
            }
            foreach (var match in matches)
            {
                if (seen.Add(match))
                    chosen.Add(match);
            }
        }
        // Nothing matched, and not because the source could not read something: the command line is wrong.
        if (chosen.Count == 0 && unmatched.Count > 0 && !sourceFailed)
            throw unmatched[0];
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
