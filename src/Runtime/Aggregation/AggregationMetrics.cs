using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace TpGen.Aggregations;

/// <summary>
/// A probe set's aggregations as <see cref="System.Diagnostics.Metrics"/> instruments, on a
/// <see cref="Meter"/> named after the probe set, so any listener (the OpenTelemetry SDK, with its
/// Prometheus or OTLP exporters, <c>dotnet-counters</c>) reads them as they are: each key part is a
/// tag, and the event is the <c>event</c> tag. The kernel's maps are read only when a listener
/// collects.
/// </summary>
/// <remarks>
/// Instruments, for an aggregation named <c>DropsByReason</c> (its name in snake case, after <c>tpgen.</c>):
/// a count is the counter <c>tpgen.drops_by_reason</c> (Prometheus: <c>tpgen_drops_by_reason_total</c>);
/// a sum a counter (an up-down counter for a signed field); a minimum or maximum a gauge; a
/// histogram three counters, <c>tpgen.NAME.bucket</c> with the cumulative count of values at most
/// its <c>le</c> tag (<c>+Inf</c> for all), <c>tpgen.NAME.count</c> and <c>tpgen.NAME.sum</c>:
/// System.Diagnostics.Metrics has no observable histogram, and Prometheus's
/// <c>histogram_quantile</c> reads buckets by their <c>le</c> label. Counters are cumulative since
/// attach; <see cref="Aggregation.Reset"/> starts them again from zero, which Prometheus's
/// <c>rate()</c> treats as a counter reset.
/// </remarks>
internal static class AggregationMetrics
{
    /// <summary>Makes the meter and its instruments for <paramref name="aggregations"/>.</summary>
    public static Meter Create(string meterName, AggregationSet aggregations)
    {
        var meter = new Meter(meterName);
        foreach (Aggregation aggregation in aggregations)
        {
            string name = InstrumentName(aggregation.Name);
            string description = Describe(aggregation);
            switch (aggregation.Kind)
            {
                case AggregationKind.Count:
                    meter.CreateObservableCounter(name, () => Scalars(aggregation, e => e.Value.Count), description: description);
                    break;
                case AggregationKind.Sum when aggregation.IsValueSigned:
                    meter.CreateObservableUpDownCounter(name, () => Scalars(aggregation, e => e.Value.Value), description: description);
                    break;
                case AggregationKind.Sum:
                    meter.CreateObservableCounter(name, () => Scalars(aggregation, e => e.Value.Value), description: description);
                    break;
                case AggregationKind.Min or AggregationKind.Max:
                    meter.CreateObservableGauge(name, () => Scalars(aggregation, e => e.Value.Value), description: description);
                    break;
                default:
                    meter.CreateObservableCounter(name + ".bucket", () => Buckets(aggregation), description: description + ": events with values at most le");
                    meter.CreateObservableCounter(name + ".count", () => Scalars(aggregation, e => e.Value.Count), description: description + ": events");
                    meter.CreateObservableCounter(name + ".sum", () => Scalars(aggregation, e => e.Value.Value), description: description + ": the sum of their values");
                    break;
            }
        }
        return meter;
    }

    /// <summary><c>DropsByReason</c> as an instrument name: <c>tpgen.drops_by_reason</c>.</summary>
    public static string InstrumentName(string aggregation)
    {
        var name = new StringBuilder("tpgen.");
        for (int i = 0; i < aggregation.Length; i++)
        {
            char c = aggregation[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && aggregation[i - 1] != '_' && (!char.IsUpper(aggregation[i - 1]) || i + 1 < aggregation.Length && char.IsLower(aggregation[i + 1])))
                    name.Append('_');
                name.Append(char.ToLowerInvariant(c));
            }
            else
            {
                name.Append(c);
            }
        }
        return name.ToString();
    }

    private static string Describe(Aggregation aggregation) =>
        $"{AggregationPlan.Describe(aggregation.Kind)} of {string.Join(", ", aggregation.Events)}" +
        (aggregation.Spec.Value is { } value ? $" {value}" : aggregation.Spec.Latency is not null ? " latency in nanoseconds" : "") +
        (aggregation.Key.Count == 0 ? "" : " by " + string.Join(", ", aggregation.Spec.Keys)) + ", computed in the kernel by TpGen";

    private static IEnumerable<Measurement<long>> Scalars(Aggregation aggregation, Func<AggregationEntry, long> value)
    {
        AggregationSnapshot snapshot = aggregation.Read();
        var measurements = new List<Measurement<long>>(snapshot.Count);
        foreach (AggregationEntry entry in snapshot)
            measurements.Add(new Measurement<long>(value(entry), Tags(aggregation, entry.Key, null)));
        return measurements;
    }

    private static IEnumerable<Measurement<long>> Buckets(Aggregation aggregation)
    {
        AggregationSnapshot snapshot = aggregation.Read();
        var measurements = new List<Measurement<long>>();
        foreach (AggregationEntry entry in snapshot)
        {
            long cumulative = 0;
            foreach (HistogramBucket bucket in entry.Value.Histogram!.Buckets)
            {
                cumulative += bucket.Count;
                if (bucket.High is { } high)
                    measurements.Add(new Measurement<long>(cumulative, Tags(aggregation, entry.Key, (high - 1).ToString(CultureInfo.InvariantCulture))));
            }
            measurements.Add(new Measurement<long>(entry.Value.Count, Tags(aggregation, entry.Key, "+Inf")));
        }
        return measurements;
    }

    // event first (unless a key part is the event), then a tag per key part, then le.
    private static KeyValuePair<string, object?>[] Tags(Aggregation aggregation, AggregationKey key, string? le)
    {
        bool keyedByEvent = false;
        foreach (AggregationKeyValue part in key)
            keyedByEvent |= part.Source == AggregationSource.Event;
        var tags = new List<KeyValuePair<string, object?>>(key.Count + 2);
        if (!keyedByEvent)
            tags.Add(new("event", string.Join(",", aggregation.Events)));
        foreach (AggregationKeyValue part in key)
        {
            string value = part.Stack is { } stack ? stack.Folded : part.ToString();
            tags.Add(new(part.Source == AggregationSource.Event ? "event" : AggregationKeyPart.WithoutContextPrefix(part.Name), value));
        }
        if (le is not null)
            tags.Add(new("le", le));
        return tags.ToArray();
    }
}
