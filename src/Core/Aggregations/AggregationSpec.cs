using System;
using TpGen.Text;

namespace TpGen.Aggregations;

/// <summary>What an aggregation keeps for each key.</summary>
public enum AggregationKind
{
    /// <summary>How many events.</summary>
    Count,

    /// <summary>The sum of a value.</summary>
    Sum,

    /// <summary>The smallest value.</summary>
    Min,

    /// <summary>The largest value.</summary>
    Max,

    /// <summary>A histogram of a value with power-of-two buckets: <c>[0]</c>, <c>[1]</c>, <c>[2, 4)</c>, <c>[4, 8)</c>, ... (and one for values below 0).</summary>
    Histogram,

    /// <summary>A histogram of a value with buckets of equal width from a minimum to a maximum, and one below and one above.</summary>
    LinearHistogram,
}

/// <summary>
/// A latency: the time from a start event to an end event that share a key (a thread id, a
/// device and sector); what the aggregation keeps is of those nanoseconds.
/// </summary>
/// <param name="StartEvent">The event that starts the clock, <c>system:event</c>.</param>
/// <param name="StartKeys">The key on the start event: field names or context names (<c>tid</c>).</param>
/// <param name="EndKeys">The same key on the end event, part for part.</param>
public sealed record LatencySpec(string StartEvent, EquatableArray<string> StartKeys, EquatableArray<string> EndKeys);

/// <summary>
/// One aggregation of a probe set, as declared: computed in the kernel by the probe set's BPF
/// program, read by user space as snapshots. Plain data, so the generator can cache it; checked
/// against the events' descriptions by <see cref="AggregationPlan.Create"/>.
/// </summary>
/// <param name="Name">Its name: a C# identifier (the generated property's).</param>
/// <param name="Kind">What it keeps per key.</param>
/// <param name="Events">The events that update it, <c>system:event</c>; for a latency, the end event.</param>
/// <param name="Keys">
/// What it is keyed by, in order: a field of the events, or <c>comm</c>, <c>pid</c> (the process),
/// <c>tid</c> (the thread), <c>cgroup</c>, <c>cpu</c>, <c>kstack</c> (the kernel stack) or
/// <c>event</c>. A field of the event wins over a context name; <c>current.comm</c> and the like
/// always mean the context. Empty: one total.
/// </param>
/// <param name="Value">For sums, minimums, maximums and histograms: the numeric field, or null for a latency's nanoseconds.</param>
/// <param name="Latency">The start of a latency, or null.</param>
/// <param name="Min">A linear histogram's lowest bucket's lower bound.</param>
/// <param name="Max">A linear histogram's upper bound: values from here on share the last bucket.</param>
/// <param name="Step">A linear histogram's bucket width; <c>Max - Min</c> must be a multiple of it.</param>
/// <param name="MaxEntries">How many keys its map holds (0: the default); updates of keys beyond are counted, not kept.</param>
public sealed record AggregationSpec(
    string Name,
    AggregationKind Kind,
    EquatableArray<string> Events,
    EquatableArray<string> Keys,
    string? Value = null,
    LatencySpec? Latency = null,
    long Min = 0,
    long Max = 0,
    long Step = 0,
    int MaxEntries = 0)
{
    /// <summary>Whether it keeps a histogram.</summary>
    public bool IsHistogram => Kind is AggregationKind.Histogram or AggregationKind.LinearHistogram;

    /// <summary>The keys a map holds when <see cref="MaxEntries"/> is 0: histograms hold more per key.</summary>
    public int EffectiveMaxEntries => MaxEntries > 0 ? MaxEntries : IsHistogram ? 1024 : 10240;

    /// <summary>Splits <c>"comm, reason"</c> into key names.</summary>
    public static EquatableArray<string> SplitKeys(string? keys)
    {
        if (keys is null)
            return EquatableArray<string>.Empty;
        string[] parts = keys.Split(',');
        var names = new System.Collections.Generic.List<string>();
        foreach (string part in parts)
        {
            string name = part.Trim();
            if (name.Length > 0)
                names.Add(name);
        }
        return names.ToEquatableArray();
    }
}

/// <summary>An aggregation that does not fit its events, or cannot be computed in the kernel.</summary>
public sealed class AggregationException : Exception
{
    /// <summary>Makes one.</summary>
    /// <param name="aggregation">The aggregation's name.</param>
    /// <param name="problem">What is wrong, and what to do.</param>
    public AggregationException(string aggregation, string problem)
        : base($"aggregation '{aggregation}': {problem}")
    {
        Aggregation = aggregation;
        Problem = problem;
    }

    /// <summary>The aggregation's name.</summary>
    public string Aggregation { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
