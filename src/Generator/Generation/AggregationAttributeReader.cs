using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using TpGen.Aggregations;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>
/// One aggregation attribute on a probe set class (<c>[Count]</c>, <c>[Sum]</c>, <c>[Min]</c>,
/// <c>[Max]</c>, <c>[Histogram]</c>, <c>[Latency]</c>), as written: checked against the events by the
/// resolver, which has their descriptions. <paramref name="Location"/> is for its diagnostics only.
/// </summary>
internal sealed record AggregationDeclaration(
    string Attribute,
    string? Name,
    AggregationKind Kind,
    string? Event,
    string? By,
    string? Field,
    string? Start,
    string? StartKey,
    string? EndKey,
    long Min,
    long Max,
    long Step,
    int MaxEntries,
    LocationInfo? Location);

/// <summary>Reads the aggregation attributes of a probe set class.</summary>
internal static class AggregationAttributeReader
{
    /// <summary>The attributes' metadata names, by the kind they declare (a histogram may turn linear).</summary>
    private static readonly Dictionary<string, AggregationKind> Kinds = new()
    {
        ["TpGen.CountAttribute"] = AggregationKind.Count,
        ["TpGen.SumAttribute"] = AggregationKind.Sum,
        ["TpGen.MinAttribute"] = AggregationKind.Min,
        ["TpGen.MaxAttribute"] = AggregationKind.Max,
        ["TpGen.HistogramAttribute"] = AggregationKind.Histogram,
        ["TpGen.LatencyAttribute"] = AggregationKind.Histogram,
    };

    public static EquatableArray<AggregationDeclaration> Read(INamedTypeSymbol type, System.Threading.CancellationToken token)
    {
        var declarations = new List<AggregationDeclaration>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            string? metadataName = attribute.AttributeClass?.ToDisplayString();
            if (metadataName is null || !Kinds.TryGetValue(metadataName, out AggregationKind kind))
                continue;
            var arguments = attribute.ConstructorArguments;
            string? Argument(int index) => index < arguments.Length ? arguments[index].Value as string : null;
            bool latency = metadataName == "TpGen.LatencyAttribute";
            string? field = latency || kind == AggregationKind.Count ? null : Argument(1);
            string? start = latency ? Argument(1) : null;
            string? eventName = latency ? Argument(2) : null;
            string? by = null, startKey = latency ? "tid" : null, endKey = latency ? "tid" : null;
            long min = 0, max = 0, step = 0;
            int maxEntries = 0;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                object? value = named.Value.Value;
                switch (named.Key)
                {
                    case "Event" when !latency:
                        eventName = value as string;
                        break;
                    case "By":
                        by = value as string;
                        break;
                    case "MaxEntries":
                        maxEntries = value is int entries ? entries : 0;
                        break;
                    case "StartKey":
                        startKey = value as string;
                        break;
                    case "EndKey":
                        endKey = value as string;
                        break;
                    case "Min":
                        min = value is long low ? low : 0;
                        break;
                    case "Max":
                        max = value is long high ? high : 0;
                        break;
                    case "Step":
                        step = value is long width ? width : 0;
                        break;
                }
            }
            if (kind == AggregationKind.Histogram && step != 0)
                kind = AggregationKind.LinearHistogram;
            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(token).GetLocation());
            declarations.Add(new AggregationDeclaration(attribute.AttributeClass!.Name, Argument(0), kind, eventName, by, field, start, startKey, endKey,
                min, max, step, maxEntries, location));
        }
        return declarations.ToEquatableArray();
    }
}
