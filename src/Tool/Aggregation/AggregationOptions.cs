using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using TpGen.Aggregations;
using TpGen.Schema;
using TpGen.Text;
using TpGen.Tool.Commands;
using TpGen.Tool.Events;

namespace TpGen.Tool.Aggregation;

/// <summary>
/// The options of <c>tpgen trace</c> and <c>tpgen serve</c> that aggregate in the kernel:
/// <c>--count-by</c>, <c>--sum</c>, <c>--min</c>, <c>--max</c>, <c>--hist</c>, <c>--latency</c>, with
/// <c>--by</c> for the keys of all but the count, and <c>--max-keys</c>.
/// </summary>
internal sealed partial class AggregationOptions
{
    private AggregationOptions()
    {
    }

    public Option<string?> CountBy { get; } = new("--count-by")
    {
        HelpName = "KEY[,KEY...]",
        Description = "Count events in the kernel by these keys, and print the counts as bpftrace does (@[KEY]: COUNT). A key is a field of the event, or comm, pid, tid, cgroup, cpu, kstack (the kernel stack) or event; a field of the event wins over those names, current.comm and the like always mean the task. No event is sent to user space.",
    };

    public Option<string?> Sum { get; } = new("--sum") { HelpName = "FIELD", Description = "Sum a numeric field in the kernel (by the --by keys)." };

    public Option<string?> Min { get; } = new("--min") { HelpName = "FIELD", Description = "The smallest value of a numeric field (by the --by keys)." };

    public Option<string?> Max { get; } = new("--max") { HelpName = "FIELD", Description = "The largest value of a numeric field (by the --by keys)." };

    public Option<string?> Hist { get; } = new("--hist")
    {
        HelpName = "FIELD[,MIN,MAX,STEP]",
        Description = "A histogram of a numeric field (by the --by keys): power-of-two buckets, or with MIN,MAX,STEP buckets of STEP from MIN to MAX (MAX - MIN a multiple of STEP), as bpftrace's hist() and lhist().",
    };

    public Option<string?> Latency { get; } = new("--latency")
    {
        HelpName = "'START[(KEY,...)] -> END[(KEY,...)]'",
        Description = "A power-of-two histogram of the nanoseconds from START to the next END with the same key (default tid), by the --by keys, e.g. 'sched:sched_wakeup(pid) -> sched:sched_switch(next_pid)' or 'block:block_rq_issue(dev,sector) -> block:block_rq_complete(dev,sector)'. Both events are traced.",
    };

    public Option<string?> By { get; } = new("--by") { HelpName = "KEY[,KEY...]", Description = "The keys of --sum, --min, --max, --hist and --latency (as for --count-by)." };

    public Option<int?> MaxKeys { get; } = new("--max-keys")
    {
        HelpName = "N",
        Description = "How many keys each aggregation's map holds (default 10240, histograms 1024); events of keys beyond are counted and reported, not kept.",
    };

    /// <summary>Makes the options and adds them to <paramref name="command"/>.</summary>
    public static AggregationOptions AddTo(Command command)
    {
        var options = new AggregationOptions();
        foreach (Option option in new Option[] { options.CountBy, options.Sum, options.Min, options.Max, options.Hist, options.Latency, options.By, options.MaxKeys })
            command.Options.Add(option);
        return options;
    }

    /// <summary>What was asked for, or null when nothing aggregates.</summary>
    /// <exception cref="UsageException">An option's text is malformed.</exception>
    public AggregationRequest? Read(ParseResult parse)
    {
        var wanted = new List<AggregationChoice>();
        IReadOnlyList<string> by = AggregationSpec.SplitKeys(parse.GetValue(By));
        if (parse.GetValue(CountBy) is { } countBy)
        {
            IReadOnlyList<string> keys = AggregationSpec.SplitKeys(countBy);
            if (keys.Count == 0)
                throw new UsageException("--count-by needs at least one key, e.g. --count-by reason");
            wanted.Add(new AggregationChoice("events", "--count-by", AggregationKind.Count, keys, null));
        }
        if (parse.GetValue(Sum) is { } sum)
            wanted.Add(new AggregationChoice(Field("--sum", sum) + "_sum", "--sum", AggregationKind.Sum, by, sum.Trim()));
        if (parse.GetValue(Min) is { } min)
            wanted.Add(new AggregationChoice(Field("--min", min) + "_min", "--min", AggregationKind.Min, by, min.Trim()));
        if (parse.GetValue(Max) is { } max)
            wanted.Add(new AggregationChoice(Field("--max", max) + "_max", "--max", AggregationKind.Max, by, max.Trim()));
        if (parse.GetValue(Hist) is { } hist)
            wanted.Add(HistogramChoice(hist, by));
        LatencyText? latency = parse.GetValue(Latency) is { } text ? ParseLatency(text) : null;
        if (latency is not null)
            wanted.Add(new AggregationChoice("latency_ns", "--latency", AggregationKind.Histogram, by, null) { Latency = latency });
        if (wanted.Count == 0)
        {
            if (parse.GetValue(By) is not null)
                throw new UsageException("--by gives the keys of --sum, --min, --max, --hist or --latency; add one of them (or count with --count-by)");
            return null;
        }
        int? maxKeys = parse.GetValue(MaxKeys);
        if (maxKeys is <= 0)
            throw new UsageException("--max-keys must be at least 1");
        return new AggregationRequest(wanted, maxKeys ?? 0);
    }

    private static string Field(string option, string text)
    {
        string field = text.Trim();
        if (!TraceNames.IsIdentifier(field))
            throw new UsageException($"{option} takes a field name, not '{TraceNames.Printable(text)}'");
        return field;
    }

    private static AggregationChoice HistogramChoice(string text, IReadOnlyList<string> by)
    {
        string[] parts = text.Split(',');
        string field = Field("--hist", parts[0]);
        if (parts.Length == 1)
            return new AggregationChoice(field, "--hist", AggregationKind.Histogram, by, field);
        if (parts.Length != 4)
            throw new UsageException($"--hist takes FIELD or FIELD,MIN,MAX,STEP, not '{TraceNames.Printable(text)}'");
        long[] numbers = new long[3];
        for (int i = 0; i < 3; i++)
        {
            if (!long.TryParse(parts[i + 1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]))
                throw new UsageException($"--hist {field},MIN,MAX,STEP: '{TraceNames.Printable(parts[i + 1])}' is not a whole number");
        }
        return new AggregationChoice(field, "--hist", AggregationKind.LinearHistogram, by, field) { Min = numbers[0], Max = numbers[1], Step = numbers[2] };
    }

    /// <summary>Parses <c>START[(KEYS)] -> END[(KEYS)]</c>.</summary>
    public static LatencyText ParseLatency(string text)
    {
        Match match = LatencyPattern().Match(text);
        if (!match.Success)
            throw new UsageException($"--latency takes 'START -> END' or 'START(KEY,...) -> END(KEY,...)', e.g. 'sched:sched_wakeup(pid) -> sched:sched_switch(next_pid)'; not '{TraceNames.Printable(text)}'");
        IReadOnlyList<string> startKeys = match.Groups["startKeys"].Success ? AggregationSpec.SplitKeys(match.Groups["startKeys"].Value) : new[] { "tid" };
        IReadOnlyList<string> endKeys = match.Groups["endKeys"].Success ? AggregationSpec.SplitKeys(match.Groups["endKeys"].Value) : new[] { "tid" };
        return new LatencyText(match.Groups["start"].Value, startKeys, match.Groups["end"].Value, endKeys);
    }

    [GeneratedRegex(@"^\s*(?<start>[A-Za-z0-9_]+:[A-Za-z0-9_]+)\s*(\((?<startKeys>[A-Za-z0-9_.,\s]*)\))?\s*->\s*(?<end>[A-Za-z0-9_]+:[A-Za-z0-9_]+)\s*(\((?<endKeys>[A-Za-z0-9_.,\s]*)\))?\s*$")]
    private static partial Regex LatencyPattern();
}

/// <summary>A latency as written on the command line.</summary>
internal sealed record LatencyText(string Start, IReadOnlyList<string> StartKeys, string End, IReadOnlyList<string> EndKeys);

/// <summary>One aggregation asked for on the command line.</summary>
internal sealed record AggregationChoice(string Name, string Option, AggregationKind Kind, IReadOnlyList<string> Keys, string? Value)
{
    public long Min { get; init; }

    public long Max { get; init; }

    public long Step { get; init; }

    public LatencyText? Latency { get; init; }
}

/// <summary>The aggregations <c>tpgen trace</c> or <c>tpgen serve</c> was asked for.</summary>
internal sealed record AggregationRequest(IReadOnlyList<AggregationChoice> Choices, int MaxKeys)
{
    /// <summary>The events a latency adds to those named on the command line.</summary>
    public IEnumerable<string> LatencyEvents => Choices.Where(c => c.Latency is not null).SelectMany(c => new[] { c.Latency!.Start, c.Latency.End });

    /// <summary>
    /// The aggregations over <paramref name="events"/>: each updated by every event but a latency's
    /// (its end updates it), keyed by <c>event</c> first when several events update it.
    /// </summary>
    /// <exception cref="UsageException">An aggregation does not fit the events.</exception>
    public IReadOnlyList<AggregationSpec> Specs(IReadOnlyList<TracepointSchema> events)
    {
        var specs = new List<AggregationSpec>();
        foreach (AggregationChoice choice in Choices)
        {
            var updated = new List<string>();
            LatencySpec? latency = null;
            if (choice.Latency is { } l)
            {
                updated.Add(l.End);
                latency = new LatencySpec(l.Start, l.StartKeys.ToEquatableArray(), l.EndKeys.ToEquatableArray());
            }
            else
            {
                updated.AddRange(events.Select(e => e.FullName).Where(e => !LatencyEvents.Contains(e)));
            }
            var keys = new List<string>(choice.Keys);
            if (updated.Count > 1 && !keys.Contains("event"))
                keys.Insert(0, "event");
            specs.Add(new AggregationSpec(choice.Name, choice.Kind, updated.ToEquatableArray(), keys.ToEquatableArray(), choice.Value, latency,
                choice.Min, choice.Max, choice.Step, MaxKeys));
        }
        try
        {
            AggregationPlan.Create(specs, events);
        }
        catch (AggregationException e)
        {
            AggregationChoice choice = Choices.First(c => c.Name == e.Aggregation);
            throw new UsageException($"{choice.Option}: {e.Problem}");
        }
        return specs;
    }
}
