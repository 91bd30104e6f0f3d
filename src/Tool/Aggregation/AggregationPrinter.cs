using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TpGen.Aggregations;

namespace TpGen.Tool.Aggregation;

/// <summary>
/// Prints aggregation snapshots as bpftrace prints its maps: <c>@[KEY]: VALUE</c> lines sorted by
/// value, smallest first, and histograms as <c>[LOW, HIGH)  COUNT |@@@@|</c> lines per key; or, in
/// JSON, one object per aggregation as <c>bpftrace -f json</c> writes them.
/// </summary>
internal sealed class AggregationPrinter
{
    private readonly TextWriter _output;
    private readonly bool _json;
    private readonly bool _named;
    private readonly AggregationKeyText _keys;

    /// <param name="output">Where to print.</param>
    /// <param name="json">JSON rather than text.</param>
    /// <param name="named">Whether there are several aggregations, so each is printed with its name (<c>@events[...]</c>), as bpftrace names maps.</param>
    /// <param name="keys">Shows key parts read from address fields as the event's text shows them.</param>
    public AggregationPrinter(TextWriter output, bool json, bool named, AggregationKeyText keys)
    {
        _keys = keys;
        _output = output;
        _json = json;
        _named = named;
    }

    public void Write(AggregationSnapshot snapshot)
    {
        if (_json)
            WriteJson(snapshot);
        else
            WriteText(snapshot);
    }

    private string MapName(AggregationSnapshot snapshot) => "@" + (_named ? snapshot.Aggregation.Name : "");

    private void WriteText(AggregationSnapshot snapshot)
    {
        string map = MapName(snapshot);
        var text = new StringBuilder();
        if (snapshot.Aggregation.Spec.IsHistogram)
        {
            foreach (AggregationEntry entry in snapshot.OrderBy(e => e.Value.Count).ThenBy(e => e.Key.ToString(), StringComparer.Ordinal))
            {
                text.Append(map).Append(Key(entry.Key)).Append(":\n");
                text.Append(entry.Value.Histogram).Append('\n');
            }
        }
        else
        {
            foreach (AggregationEntry entry in snapshot.OrderBy(e => Sortable(snapshot, e)).ThenBy(e => e.Key.ToString(), StringComparer.Ordinal))
                text.Append(map).Append(Key(entry.Key)).Append(": ").Append(Value(snapshot, entry)).Append('\n');
            if (snapshot.Count > 0)
                text.Append('\n');
        }
        _output.Write(text.ToString());
    }

    // "" for no key, "[sshd, NO_SOCKET]" otherwise; a stack prints on lines of its own, as bpftrace's kstack.
    private string Key(AggregationKey key) => key.Count == 0 ? "" : "[" + string.Join(", ", key.Select(p => _keys.Address(p) ?? p.ToString())) + "]";

    private static string Value(AggregationSnapshot snapshot, AggregationEntry entry) => snapshot.Aggregation.Kind switch
    {
        AggregationKind.Count => entry.Value.Count.ToString(CultureInfo.InvariantCulture),
        _ when snapshot.Aggregation.IsValueSigned => entry.Value.Value.ToString(CultureInfo.InvariantCulture),
        _ => ((ulong)entry.Value.Value).ToString(CultureInfo.InvariantCulture),
    };

    private static decimal Sortable(AggregationSnapshot snapshot, AggregationEntry entry) => snapshot.Aggregation.Kind switch
    {
        AggregationKind.Count => entry.Value.Count,
        _ when snapshot.Aggregation.IsValueSigned => entry.Value.Value,
        _ => (ulong)entry.Value.Value,
    };

    private void WriteJson(AggregationSnapshot snapshot)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", snapshot.Aggregation.Spec.IsHistogram ? "hist" : "map");
            json.WriteStartObject("data");
            string map = MapName(snapshot);
            if (snapshot.Aggregation.Key.Count == 0 && snapshot.Count <= 1)
            {
                json.WritePropertyName(map);
                if (snapshot.Count == 1)
                    WriteJsonValue(json, snapshot, snapshot[0]);
                else
                    json.WriteNullValue();
            }
            else
            {
                json.WriteStartObject(map);
                foreach (AggregationEntry entry in snapshot.OrderBy(e => e.Value.Count))
                {
                    json.WritePropertyName(string.Join(",", entry.Key.Select(JsonKey)));
                    WriteJsonValue(json, snapshot, entry);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            if (snapshot.HasLosses)
            {
                json.WriteStartObject("lost");
                json.WriteNumber("keys", snapshot.KeysLost);
                json.WriteNumber("starts", snapshot.StartsLost);
                json.WriteNumber("stacks", snapshot.StacksLost);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        _output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private string JsonKey(AggregationKeyValue part) => part.Stack is { } stack ? string.Join(";", stack.Frames) : _keys.Address(part) ?? part.ToString();

    private static void WriteJsonValue(Utf8JsonWriter json, AggregationSnapshot snapshot, AggregationEntry entry)
    {
        if (entry.Value.Histogram is not { } histogram)
        {
            if (snapshot.Aggregation.Kind == AggregationKind.Count || snapshot.Aggregation.IsValueSigned)
                json.WriteNumberValue(snapshot.Aggregation.Kind == AggregationKind.Count ? entry.Value.Count : entry.Value.Value);
            else
                json.WriteNumberValue((ulong)entry.Value.Value);
            return;
        }
        json.WriteStartArray();
        foreach (HistogramBucket bucket in histogram.Buckets)
        {
            json.WriteStartObject();
            if (bucket.Low is { } low)
                json.WriteNumber("min", low);
            if (bucket.High is { } high)
                json.WriteNumber("max", high - 1);
            json.WriteNumber("count", bucket.Count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
