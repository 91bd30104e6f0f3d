using System.Collections.Generic;
using System.Linq;
using System.Text;
using TpGen.Decoding;
using TpGen.Relocation;

namespace TpGen.Probes;

/// <summary>How one event of a probe set attached on the running kernel.</summary>
public sealed class EventAttachment
{
    internal EventAttachment(ProbeDefinition probe, EventRelocation? relocation, EventLayout layout, string? skipReason)
    {
        Probe = probe;
        Relocation = relocation;
        Layout = layout;
        SkipReason = skipReason;
    }

    /// <summary>The event, as the build described it.</summary>
    public ProbeDefinition Probe { get; }

    /// <summary>Whether its handler is attached; false for an optional event the running kernel lacks.</summary>
    public bool IsAttached => SkipReason is null;

    /// <summary>Why it was not attached, or null.</summary>
    public string? SkipReason { get; }

    /// <summary>Its fields and named values matched by name with the running kernel's; null when not attached.</summary>
    public EventRelocation? Relocation { get; }

    /// <summary>The layout its records are read with.</summary>
    public EventLayout Layout { get; }

    /// <summary>What was relocated, converted, absent or translated, a line each; one line saying so when nothing changed.</summary>
    public IReadOnlyList<string> Describe()
    {
        if (SkipReason is not null)
            return [$"not attached: {SkipReason}"];
        IReadOnlyList<string> lines = Relocation!.Describe();
        return lines.Count == 0 ? ["as built"] : lines;
    }
}

/// <summary>
/// What attaching a probe set found on the running kernel: per event, whether it is attached and
/// what was relocated, converted, absent or translated. <see cref="ToString"/> is the report
/// <c>tpgen doctor</c> prints.
/// </summary>
public sealed class ProbeSetRelocation
{
    internal ProbeSetRelocation(string probeSet, IReadOnlyList<EventAttachment> events)
    {
        ProbeSet = probeSet;
        Events = events;
    }

    /// <summary>The probe set's name.</summary>
    public string ProbeSet { get; }

    /// <summary>Each event, in handler order.</summary>
    public IReadOnlyList<EventAttachment> Events { get; }

    /// <summary>Whether every event attached and the running kernel lays out and numbers all of them as the build did.</summary>
    public bool IsIdentity => Events.All(e => e.IsAttached && e.Relocation!.IsIdentity);

    /// <summary>The report: a line per event, then its changes indented.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (EventAttachment attachment in Events)
        {
            IReadOnlyList<string> lines = attachment.Describe();
            text.Append(attachment.Probe.FullName).Append(lines.Count == 1 ? ": " + lines[0] : ":").Append('\n');
            if (lines.Count > 1)
            {
                foreach (string line in lines)
                    text.Append("  ").Append(line).Append('\n');
            }
        }
        return text.ToString();
    }
}
