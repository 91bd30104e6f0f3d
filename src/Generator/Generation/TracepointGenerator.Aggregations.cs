using System.Collections.Generic;
using TpGen.Aggregations;
using TpGen.Emitters.CSharp;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>
    /// Turns a probe set's aggregation attributes into specs and checks them against its events'
    /// descriptions, as the runtime will (<see cref="AggregationPlan.Create"/>): what does not fit is
    /// TPGEN0050 on the attribute.
    /// </summary>
    internal static class Aggregations
    {
        public static EquatableArray<AggregationSpec> Resolve(ProbeSetRequest request, IReadOnlyList<TracepointSchema> events, List<DiagnosticInfo> diagnostics, out bool failed)
        {
            failed = false;
            var specs = new List<AggregationSpec>();
            var locations = new List<LocationInfo?>();
            foreach (AggregationDeclaration declaration in request.Aggregations)
            {
                string name = declaration.Name ?? "";
                string? eventName = declaration.Event ?? (events.Count == 1 ? events[0].FullName : null);
                if (eventName is null)
                {
                    failed = true;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AggregationDoesNotFit, declaration.Location, name,
                        "the probe set has several events: say which one it reads with Event = \"system:event\""));
                    continue;
                }
                if (AggregationMembers.NameProblem(name, request.TypeName, events) is { } clash)
                {
                    failed = true;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AggregationDoesNotFit, declaration.Location, name, clash));
                    continue;
                }
                LatencySpec? latency = declaration.Start is { } start
                    ? new LatencySpec(start, AggregationSpec.SplitKeys(declaration.StartKey), AggregationSpec.SplitKeys(declaration.EndKey))
                    : null;
                specs.Add(new AggregationSpec(name, declaration.Kind, new EquatableArray<string>(new[] { eventName }), AggregationSpec.SplitKeys(declaration.By),
                    declaration.Field, latency, declaration.Min, declaration.Max, declaration.Step, declaration.MaxEntries));
                locations.Add(declaration.Location);
            }
            if (failed || specs.Count == 0)
                return specs.ToEquatableArray();
            try
            {
                AggregationPlan.Create(specs, events);
            }
            catch (AggregationException e)
            {
                failed = true;
                int index = specs.FindIndex(s => s.Name == e.Aggregation);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AggregationDoesNotFit, index >= 0 ? locations[index] : null, e.Aggregation, e.Problem));
            }
            return specs.ToEquatableArray();
        }
    }
}
