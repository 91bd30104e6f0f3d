using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TpGen.Aggregations;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>
/// The members a probe set's aggregations add to its class: a typed property per aggregation
/// (keys as the generated enums, several parts as a generated record struct), the untyped set
/// with its meter, and the specs in the definition.
/// </summary>
public static class AggregationMembers
{
    private const string Namespace = "global::TpGen.Aggregations";

    /// <summary>Why <paramref name="name"/> cannot be an aggregation's property in class <paramref name="typeName"/>, or null when it can.</summary>
    public static string? NameProblem(string name, string typeName, IReadOnlyList<TracepointSchema> events)
    {
        var taken = new HashSet<string>(ProbeSetMembers.Reserved) { "Aggregations", typeName };
        foreach (TracepointSchema schema in events)
        {
            string view = CSharpNames.ToPascalCase(schema.Name);
            taken.Add(view);
            taken.Add(view + "Record");
            taken.Add(view + "Handler");
        }
        if (taken.Contains(name) || name.EndsWith("Key", System.StringComparison.Ordinal) && taken.Contains(name.Substring(0, name.Length - 3)))
            return $"'{name}' is a member TpGen generates in the class already; give the aggregation another name";
        return null;
    }

    /// <summary>The object initializer that gives the definition its aggregations, or an empty string.</summary>
    internal static string DefinitionInitializer(ProbeSetSpec probeSet)
    {
        if (probeSet.Aggregations.Count == 0)
            return "";
        var specs = new List<string>();
        foreach (AggregationSpec spec in probeSet.Aggregations)
        {
            string latency = spec.Latency is { } l
                ? $"new {Namespace}.LatencySpec({CSharpNames.StringLiteral(l.StartEvent)}, {Strings(l.StartKeys)}, {Strings(l.EndKeys)})"
                : "null";
            specs.Add($"new {Namespace}.AggregationSpec({CSharpNames.StringLiteral(spec.Name)}, {Namespace}.AggregationKind.{spec.Kind}, {Strings(spec.Events)}, {Strings(spec.Keys)}, " +
                $"{(spec.Value is null ? "null" : CSharpNames.StringLiteral(spec.Value))}, {latency}, {Number(spec.Min)}, {Number(spec.Max)}, {Number(spec.Step)}, {Number(spec.MaxEntries)})");
        }
        return $" {{ Aggregations = new {Namespace}.AggregationSpec[] {{ {string.Join(", ", specs)} }} }}";
    }

    /// <summary>Writes the typed properties (nothing when the probe set has no aggregations).</summary>
    internal static void Write(SourceWriter output, ProbeSetSpec probeSet, IReadOnlyList<string> viewNames, EnumPlanner enums)
    {
        if (probeSet.Aggregations.Count == 0)
            return;
        AggregationPlan plan = AggregationPlan.Create(probeSet.Aggregations, probeSet.Events);
        output.Line("/// <summary>The aggregations the kernel computes for this probe set, untyped, and their <see cref=\"global::System.Diagnostics.Metrics.Meter\"/> (named after this class).</summary>");
        output.Line($"public {Namespace}.AggregationSet Aggregations => _probes.Aggregations;");
        foreach (PlannedAggregation aggregation in plan.Aggregations)
        {
            int first = aggregation.Events[0];
            EventPlan eventPlan = EventPlan.Create(probeSet.Events[first], first, viewNames[first], enums);
            var types = new List<string>();
            var reads = new List<string>();
            for (int p = 0; p < aggregation.Key.Count; p++)
            {
                (string type, string read) = Part(aggregation.Key[p], p, eventPlan);
                types.Add(type);
                reads.Add(read);
            }
            string name = aggregation.Spec.Name;
            string keyType = types.Count switch
            {
                0 => $"{Namespace}.Unkeyed",
                1 => types[0],
                _ => name + "Key",
            };
            string keyRead = types.Count switch
            {
                0 => "default",
                1 => reads[0],
                _ => $"new {name}Key({string.Join(", ", reads)})",
            };
            (string valueType, string valueRead) = aggregation.Spec.Kind switch
            {
                AggregationKind.Count => ("long", "value.Count"),
                AggregationKind.Histogram or AggregationKind.LinearHistogram => ($"{Namespace}.Histogram", "value.Histogram!"),
                _ => ("long", "value.Value"),
            };
            string field = "_aggregation" + Number(aggregation.Index);
            string property = $"{Namespace}.Aggregation<{keyType}, {valueType}>";
            output.Line();
            output.Line($"/// <summary>{CSharpNames.XmlText(Describe(aggregation.Spec))}, computed in the kernel: read it with <c>Read()</c>, <c>ReadAndReset()</c>.</summary>");
            output.Line($"public {property} {name} => {field} ??= new(_probes.Aggregations[{Number(aggregation.Index)}], static key => {keyRead}, static value => {valueRead});");
            output.Line();
            output.Line($"private {property}? {field};");
            if (types.Count > 1)
            {
                var names = new List<string>();
                var used = new HashSet<string>();
                for (int p = 0; p < types.Count; p++)
                {
                    string partName = CSharpNames.ToPascalCase(aggregation.Key[p].ShortName);
                    string unique = partName;
                    for (int i = 2; !used.Add(unique); i++)
                        unique = partName + i.ToString(CultureInfo.InvariantCulture);
                    names.Add($"{types[p]} {unique}");
                }
                output.Line();
                output.Line($"/// <summary>A key of <see cref=\"{name}\"/>: {CSharpNames.XmlText(string.Join(", ", aggregation.Spec.Keys))}.</summary>");
                output.Line($"public readonly record struct {name}Key({string.Join(", ", names)});");
            }
        }
        output.Line();
    }

    // A key part's C# type and how it is read from key[p].
    private static (string Type, string Read) Part(AggregationKeyPart part, int p, EventPlan eventPlan)
    {
        string value = $"key[{Number(p)}]";
        switch (part.Source)
        {
            case AggregationSource.Field:
                FieldPlan? field = eventPlan.Fields.FirstOrDefault(f => f.Field.Name == part.Field);
                string type = field?.ViewType ?? (part.IsSigned ? "long" : "ulong");
                return type == "bool" ? ("bool", $"{value}.Value != 0") : (type, $"unchecked(({type}){value}.Value)");
            case AggregationSource.String or AggregationSource.Comm or AggregationSource.Event:
                return ("string", $"{value}.Text ?? \"\"");
            case AggregationSource.Pid or AggregationSource.Tid or AggregationSource.Cpu:
                return ("int", $"unchecked((int){value}.Value)");
            case AggregationSource.KernelStack:
                return ($"{Namespace}.KernelStack", $"{value}.Stack!");
            default:
                return ("ulong", $"{value}.Value");
        }
    }

    private static string Describe(AggregationSpec spec) =>
        $"The {AggregationPlan.Describe(spec.Kind)} of {(spec.Latency is { } l ? $"the nanoseconds from {l.StartEvent} to {spec.Events[0]}" : spec.Value is { } v ? $"{spec.Events[0]} {v}" : spec.Events[0])}" +
        (spec.Keys.Count == 0 ? "" : " by " + string.Join(", ", spec.Keys));

    private static string Strings(EquatableArray<string> values) =>
        $"new global::TpGen.Text.EquatableArray<string>(new string[] {{ {string.Join(", ", values.Select(CSharpNames.StringLiteral))} }})";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
