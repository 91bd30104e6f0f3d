using System;

namespace TpGen;

/// <summary>
/// What every aggregation attribute has: a name (the generated property's), the event it reads,
/// its keys and its bound. Put aggregation attributes on a probe set class beside its
/// <see cref="TracepointAttribute"/>s; the generated BPF computes them in the kernel and the
/// generated property reads them as typed snapshots. An event an aggregation reads sends no records.
/// </summary>
public abstract class AggregationAttribute : Attribute
{
    private protected AggregationAttribute(string name) => Name = name;

    /// <summary>The aggregation's name: the generated property's, and (in snake case, after <c>tpgen.</c>) its metric's.</summary>
    public string Name { get; }

    /// <summary>The event it reads, <c>"system:event"</c>; may be left out when the probe set has one event.</summary>
    public string? Event { get; set; }

    /// <summary>
    /// Its keys, comma-separated: fields of the event (<c>"reason"</c>), or <c>comm</c>, <c>pid</c>
    /// (the process), <c>tid</c> (the thread), <c>cgroup</c>, <c>cpu</c>, <c>kstack</c> (the kernel
    /// stack); a field wins over those names, <c>current.comm</c> and the like always mean the
    /// task. Left out: one total.
    /// </summary>
    public string? By { get; set; }

    /// <summary>How many keys its map holds (default 10,240; histograms 1,024). Events of keys beyond are counted (<c>KeysLost</c>), not kept.</summary>
    public int MaxEntries { get; set; }
}

/// <summary>Counts events by key, in the kernel: <c>[Count("DropsByReason", By = "reason")]</c>, as bpftrace's <c>@[args.reason] = count()</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CountAttribute : AggregationAttribute
{
    /// <summary>Counts events.</summary>
    /// <param name="name">The aggregation's name (the generated property's).</param>
    public CountAttribute(string name)
        : base(name)
    {
    }
}

/// <summary>Sums a numeric field by key, in the kernel: <c>[Sum("BytesByComm", "len", By = "comm")]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SumAttribute : AggregationAttribute
{
    /// <summary>Sums <paramref name="field"/>.</summary>
    /// <param name="name">The aggregation's name.</param>
    /// <param name="field">A numeric field of the event.</param>
    public SumAttribute(string name, string field)
        : base(name) => Field = field;

    /// <summary>The field summed.</summary>
    public string Field { get; }
}

/// <summary>The smallest value of a numeric field by key, in the kernel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MinAttribute : AggregationAttribute
{
    /// <summary>Keeps the smallest <paramref name="field"/>.</summary>
    /// <param name="name">The aggregation's name.</param>
    /// <param name="field">A numeric field of the event.</param>
    public MinAttribute(string name, string field)
        : base(name) => Field = field;

    /// <summary>The field.</summary>
    public string Field { get; }
}

/// <summary>The largest value of a numeric field by key, in the kernel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxAttribute : AggregationAttribute
{
    /// <summary>Keeps the largest <paramref name="field"/>.</summary>
    /// <param name="name">The aggregation's name.</param>
    /// <param name="field">A numeric field of the event.</param>
    public MaxAttribute(string name, string field)
        : base(name) => Field = field;

    /// <summary>The field.</summary>
    public string Field { get; }
}

/// <summary>
/// A histogram of a numeric field by key, in the kernel: power-of-two buckets as bpftrace's
/// <c>hist()</c>, or, with <see cref="Step"/>, buckets of equal width from <see cref="Min"/> to
/// <see cref="Max"/> as <c>lhist()</c>: <c>[Histogram("ReadSizes", "ret", Min = 0, Max = 8192, Step = 512)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HistogramAttribute : AggregationAttribute
{
    /// <summary>A histogram of <paramref name="field"/>.</summary>
    /// <param name="name">The aggregation's name.</param>
    /// <param name="field">A numeric field of the event.</param>
    public HistogramAttribute(string name, string field)
        : base(name) => Field = field;

    /// <summary>The field.</summary>
    public string Field { get; }

    /// <summary>A linear histogram's lowest bound (values below share one bucket).</summary>
    public long Min { get; set; }

    /// <summary>A linear histogram's upper bound (values from here on share one bucket).</summary>
    public long Max { get; set; }

    /// <summary>A linear histogram's bucket width; 0 (the default): power-of-two buckets.</summary>
    public long Step { get; set; }
}

/// <summary>
/// A histogram of the nanoseconds from a start event to the next end event with the same key, by
/// the end event's keys, in the kernel: <c>[Latency("WakeupToRun", "sched:sched_wakeup",
/// "sched:sched_switch", StartKey = "pid", EndKey = "next_pid")]</c>. Both events must be in the
/// probe set.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LatencyAttribute : AggregationAttribute
{
    /// <summary>The latency from <paramref name="start"/> to <paramref name="end"/>.</summary>
    /// <param name="name">The aggregation's name.</param>
    /// <param name="start">The event that starts the clock, <c>"system:event"</c>.</param>
    /// <param name="end">The event that stops it, <c>"system:event"</c>; <see cref="AggregationAttribute.By"/> keys are read on it.</param>
    public LatencyAttribute(string name, string start, string end)
        : base(name)
    {
        Start = start;
        End = end;
        Event = end;
    }

    /// <summary>The event that starts the clock.</summary>
    public string Start { get; }

    /// <summary>The event that stops it.</summary>
    public string End { get; }

    /// <summary>The key on the start event, comma-separated (default <c>tid</c>: the same thread).</summary>
    public string StartKey { get; set; } = "tid";

    /// <summary>The same key on the end event, part for part (default <c>tid</c>).</summary>
    public string EndKey { get; set; } = "tid";

    /// <summary>A linear histogram's lowest bound, in nanoseconds.</summary>
    public long Min { get; set; }

    /// <summary>A linear histogram's upper bound, in nanoseconds.</summary>
    public long Max { get; set; }

    /// <summary>A linear histogram's bucket width in nanoseconds; 0 (the default): power-of-two buckets.</summary>
    public long Step { get; set; }
}
