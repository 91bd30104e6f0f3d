using System;
using System.Collections.Generic;
using TpGen.Aggregations;
using TpGen.Emitters.Bpf;
using TpGen.Schema;

namespace TpGen.Probes;

internal sealed partial class AttachPlan
{
    private AggregationPlan? _aggregations;

    /// <summary>The probe set's aggregations laid out on the build's descriptions: its maps' keys and values.</summary>
    /// <exception cref="ProbeException">An aggregation does not fit the events as built (the generator checks this; a hand-made definition may not).</exception>
    public AggregationPlan Aggregations => _aggregations ??= PlanAggregations();

    private AggregationPlan PlanAggregations()
    {
        if (Definition.Aggregations.Count == 0)
            return AggregationPlan.None;
        var built = new List<TracepointSchema>();
        foreach (ProbeDefinition probe in Definition.Probes)
            built.Add(Built(probe));
        try
        {
            return AggregationPlan.Create(Definition.Aggregations, built);
        }
        catch (AggregationException e)
        {
            throw new ProbeException(ProbeFailure.LoadFailed, $"The aggregations of {Definition.Name} do not fit its events: {e.Message}", e);
        }
    }

    // Each aggregation input's fields, resolved by name on the running kernel.
    private void WriteAggregations(Span<byte> config, int handlers)
    {
        var running = new TracepointSchema?[handlers];
        Array.Copy(_running, running, _running.Length);
        try
        {
            AggregationConfigLayout.Write(config, Aggregations, running);
        }
        catch (AggregationException e)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"The aggregations of {Definition.Name} cannot read this kernel's events: {e.Message}", e);
        }
    }
}
