using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using TpGen.Emitters.Bpf;
using TpGen.Probes;

namespace TpGen.Aggregations;

/// <summary>
/// The maps of a probe set's aggregations: sized before the object loads (each key's and value's
/// bytes, each bound), then held through descriptors of their own, so they are read the same way
/// whichever object (the shared one or the probe set's) holds them.
/// </summary>
internal sealed class AggregationMaps : IDisposable
{
    /// <summary>How many kernel stacks the stack map holds when an aggregation keys by them.</summary>
    public const int StackEntries = 8192;

    private AggregationMaps(SafeFileHandle[] values, SafeFileHandle?[] starts, SafeFileHandle stacks, SafeFileHandle counters)
    {
        Values = values;
        Starts = starts;
        Stacks = stacks;
        Counters = counters;
    }

    /// <summary>Per aggregation, its values by key.</summary>
    public SafeFileHandle[] Values { get; }

    /// <summary>Per aggregation, a latency's starts by key (null for the rest).</summary>
    public SafeFileHandle?[] Starts { get; }

    /// <summary>Kernel stacks by id.</summary>
    public SafeFileHandle Stacks { get; }

    /// <summary>What did not fit, counted.</summary>
    public SafeFileHandle Counters { get; }

    /// <summary>Sizes every aggregation map of the opened (not yet loaded) object for <paramref name="plan"/>; unused ones stay at one entry.</summary>
    /// <exception cref="ProbeException">The object has no aggregation maps (another TpGen version), or libbpf refused a size.</exception>
    public static void Configure(SafeBpfObjectHandle bpfObject, AggregationPlan plan, string probeSet)
    {
        foreach (PlannedAggregation aggregation in plan.Aggregations)
        {
            int entries = aggregation.Spec.EffectiveMaxEntries;
            Size(BpfObject.FindMap(bpfObject, AggregationConfigLayout.ValuesMap(aggregation.Index), probeSet), aggregation.KeySize, 8 * aggregation.ValueSlots, entries, probeSet);
            if (aggregation.StartEvent >= 0)
                Size(BpfObject.FindMap(bpfObject, AggregationConfigLayout.StartsMap(aggregation.Index), probeSet), aggregation.MatchKeySize, 8, Math.Max(entries, 10240), probeSet);
        }
        if (plan.UsesStacks && Interop.Libbpf.MapSetMaxEntries(BpfObject.FindMap(bpfObject, AggregationConfigLayout.StacksMap, probeSet), StackEntries) != 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused the stack map's size for {probeSet}.");
    }

    /// <summary>Descriptors of its own for each map <paramref name="plan"/> uses, once the object is loaded.</summary>
    public static AggregationMaps Open(SafeBpfObjectHandle bpfObject, AggregationPlan plan, string probeSet)
    {
        var values = new SafeFileHandle[plan.Aggregations.Count];
        var starts = new SafeFileHandle?[plan.Aggregations.Count];
        var opened = new List<SafeFileHandle>();
        try
        {
            foreach (PlannedAggregation aggregation in plan.Aggregations)
            {
                opened.Add(values[aggregation.Index] = Duplicate(BpfObject.FindMap(bpfObject, AggregationConfigLayout.ValuesMap(aggregation.Index), probeSet), probeSet));
                if (aggregation.StartEvent >= 0)
                    opened.Add((starts[aggregation.Index] = Duplicate(BpfObject.FindMap(bpfObject, AggregationConfigLayout.StartsMap(aggregation.Index), probeSet), probeSet))!);
            }
            SafeFileHandle stacks = Duplicate(BpfObject.FindMap(bpfObject, AggregationConfigLayout.StacksMap, probeSet), probeSet);
            opened.Add(stacks);
            SafeFileHandle counters = Duplicate(BpfObject.FindMap(bpfObject, AggregationConfigLayout.CountersMap, probeSet), probeSet);
            return new AggregationMaps(values, starts, stacks, counters);
        }
        catch
        {
            foreach (SafeFileHandle handle in opened)
                handle.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle handle in Values)
            handle.Dispose();
        foreach (SafeFileHandle? handle in Starts)
            handle?.Dispose();
        Stacks.Dispose();
        Counters.Dispose();
    }

    private static void Size(nint map, int keySize, int valueSize, int entries, string probeSet)
    {
        if (Interop.Libbpf.MapSetKeySize(map, (uint)keySize) != 0 || Interop.Libbpf.MapSetValueSize(map, (uint)valueSize) != 0
            || Interop.Libbpf.MapSetMaxEntries(map, (uint)entries) != 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused the sizes of an aggregation map of {probeSet} ({keySize}-byte keys, {valueSize}-byte values, {entries} entries).");
    }

    private static SafeFileHandle Duplicate(nint map, string probeSet)
    {
        int fd = Interop.Libc.Duplicate(Interop.Libbpf.MapFileDescriptor(map), Interop.Libc.DuplicateWithCloseOnExec, 0);
        if (fd < 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"Could not keep a descriptor of an aggregation map of {probeSet}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
