using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using TpGen.Decoding;
using TpGen.Emitters.Bpf;
using TpGen.Kernel;
using TpGen.Probes;

namespace TpGen.Aggregations;

/// <summary>
/// One aggregation of an attached probe set, computed in the kernel: read it as a snapshot
/// (<see cref="Read"/>), reset it, or both at once. Reading makes a few system calls per key and
/// nothing per event; the kernel keeps counting meanwhile.
/// </summary>
public sealed unsafe class Aggregation
{
    private readonly PlannedAggregation _plan;
    private readonly AggregationSet _set;
    private readonly KeyDecoder _keys;
    private readonly object _gate = new();

    internal Aggregation(PlannedAggregation plan, AggregationSet set, KeyDecoder keys)
    {
        _plan = plan;
        _set = set;
        _keys = keys;
    }

    /// <summary>Its name.</summary>
    public string Name => _plan.Spec.Name;

    /// <summary>As declared.</summary>
    public AggregationSpec Spec => _plan.Spec;

    /// <summary>What it keeps per key.</summary>
    public AggregationKind Kind => _plan.Spec.Kind;

    /// <summary>Its key's parts.</summary>
    public IReadOnlyList<AggregationKeyPart> Key => _plan.Key;

    /// <summary>The events that update it, <c>system:event</c>.</summary>
    public IReadOnlyList<string> Events => _keys.EventNames(_plan.Events);

    /// <summary>Whether a sum, minimum or maximum reads as signed.</summary>
    public bool IsValueSigned => _plan.IsValueSigned;

    /// <summary>Every key and its value now.</summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public AggregationSnapshot Read() => ReadCore(reset: false);

    /// <summary>
    /// Every key and its value now, removing each as it is read, so the next read starts from zero and
    /// no event is counted twice. An event the kernel counts into a key in the instant that key is
    /// read and removed can be lost with it (the BPF side adds in place); for exact totals, read
    /// without resetting and take differences.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public AggregationSnapshot ReadAndReset() => ReadCore(reset: true);

    /// <summary>Removes every key.</summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public void Reset()
    {
        lock (_gate)
        {
            int fd = _set.Descriptor(_set.Maps.Values[_plan.Index]);
            foreach (byte[] key in Keys(fd))
            {
                fixed (byte* k = key)
                    Interop.Libbpf.MapDeleteElement(fd, k);
            }
        }
    }

    private AggregationSnapshot ReadCore(bool reset)
    {
        lock (_gate)
        {
            int fd = _set.Descriptor(_set.Maps.Values[_plan.Index]);
            int stride = 8 * _plan.ValueSlots;
            int cpus = _set.PossibleCpus;
            var values = new byte[stride * cpus];
            // Raw keys the decoder reads as one (stacks the kernel could not store, each under its own
            // error id, are all "[stack lost]") are one entry, their values accumulated as the CPUs' are.
            var accumulated = new Dictionary<AggregationKey, Accumulator>();
            var order = new List<AggregationKey>();
            var stacks = new Dictionary<long, KernelStack>();
            foreach (byte[] key in Keys(fd))
            {
                int result;
                fixed (byte* k = key)
                fixed (byte* v = values)
                    result = reset ? Interop.Libbpf.MapLookupAndDeleteElement(fd, k, v) : Interop.Libbpf.MapLookupElement(fd, k, v);
                if (result != 0)
                    continue; // removed meanwhile
                AggregationKey decoded = _keys.Decode(key, stacks);
                if (!accumulated.TryGetValue(decoded, out Accumulator? into))
                {
                    accumulated.Add(decoded, into = new Accumulator(_plan.ValueSlots));
                    order.Add(decoded);
                }
                Accumulate(values, stride, cpus, into);
            }
            var entries = new AggregationEntry[order.Count];
            for (int i = 0; i < entries.Length; i++)
                entries[i] = new AggregationEntry(order[i], ToValue(accumulated[order[i]]));
            return new AggregationSnapshot(this, entries, _set.Counter(AggregationConfigLayout.KeysLostCounter(_plan.Index)),
                _set.Counter(AggregationConfigLayout.StartsLostCounter(_plan.Index)), _plan.UsesStacks ? _set.Counter(AggregationConfigLayout.StacksLostCounter) : 0);
        }
    }

    // Every key of the map: collected first, so removing them as they are read does not upset the walk.
    private List<byte[]> Keys(int fd)
    {
        var keys = new List<byte[]>();
        var current = new byte[_plan.KeySize];
        var next = new byte[_plan.KeySize];
        bool first = true;
        // A map changes while it is walked: bound the walk by what it can hold.
        for (int i = 0; i <= 2 * _plan.Spec.EffectiveMaxEntries; i++)
        {
            int result;
            fixed (byte* c = current)
            fixed (byte* n = next)
                result = Interop.Libbpf.MapGetNextKey(fd, first ? null : c, n);
            if (result != 0)
                break;
            first = false;
            keys.Add((byte[])next.Clone());
            (current, next) = (next, current);
        }
        return keys;
    }

    // What is kept for one key while its per-CPU values are read: slot 0 the count, 1 the sum or
    // extreme, 2.. the histogram's buckets.
    private sealed class Accumulator(int slots)
    {
        public readonly long[] Sums = new long[slots];
        public bool HasExtreme;
    }

    // Adds per-CPU values into an accumulator: counts, sums and buckets add; a minimum or maximum keeps the extreme.
    private void Accumulate(byte[] values, int stride, int cpus, Accumulator into)
    {
        long[] sums = into.Sums;
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            ReadOnlySpan<byte> slots = values.AsSpan(cpu * stride, stride);
            long cpuCount = BinaryPrimitives.ReadInt64LittleEndian(slots);
            long value = BinaryPrimitives.ReadInt64LittleEndian(slots.Slice(8));
            sums[0] += cpuCount;
            if (Kind is AggregationKind.Min or AggregationKind.Max)
            {
                if (cpuCount == 0)
                    continue;
                // A minimum keeps a value below the extreme so far, a maximum one that is not below it.
                if (!into.HasExtreme || (Kind == AggregationKind.Min) == Below(value, sums[1]))
                    sums[1] = value;
                into.HasExtreme = true;
                continue;
            }
            sums[1] += value;
            for (int b = 2; b < sums.Length; b++)
                sums[b] += BinaryPrimitives.ReadInt64LittleEndian(slots.Slice(8 * b));
        }
    }

    private AggregationValue ToValue(Accumulator accumulated)
    {
        long[] sums = accumulated.Sums;
        if (!_plan.Spec.IsHistogram || Kind is AggregationKind.Min or AggregationKind.Max)
            return new AggregationValue(sums[0], sums[1], null);
        Histogram histogram = Histogram.FromBuckets(sums.AsSpan(2), Kind == AggregationKind.Histogram, _plan.Spec.Min, _plan.Spec.Step, sums[0], sums[1]);
        return new AggregationValue(sums[0], sums[1], histogram);
    }

    private bool Below(long a, long b) => _plan.IsValueSigned ? a < b : (ulong)a < (ulong)b;
}

/// <summary>A probe set's aggregations, in declaration order.</summary>
public sealed unsafe class AggregationSet : IReadOnlyList<Aggregation>
{
    private readonly Aggregation[] _aggregations;
    private readonly object _gate = new();
    private bool _disposed;

    internal AggregationSet(string probeSet, AggregationPlan plan, AggregationMaps? maps, IReadOnlyList<EventLayout> layouts, IReadOnlyList<string> eventNames)
    {
        Plan = plan;
        Maps = maps!;
        _aggregations = new Aggregation[plan.Aggregations.Count];
        foreach (PlannedAggregation aggregation in plan.Aggregations)
            _aggregations[aggregation.Index] = new Aggregation(aggregation, this, new KeyDecoder(aggregation, this, layouts, eventNames));
        if (_aggregations.Length > 0)
            Meter = AggregationMetrics.Create(probeSet, this);
    }

    /// <summary>
    /// The aggregations as <see cref="System.Diagnostics.Metrics"/> instruments, on a meter named
    /// after the probe set (its class's full name): each key part a tag, the event the <c>event</c>
    /// tag. Give the name to the OpenTelemetry SDK (<c>AddMeter</c>) to export them; null when the
    /// probe set has no aggregations. Disposed with the probe set.
    /// </summary>
    public System.Diagnostics.Metrics.Meter? Meter { get; }

    internal AggregationPlan Plan { get; }

    internal AggregationMaps Maps { get; }

    internal int PossibleCpus { get; } = Math.Max(1, Interop.Libbpf.NumberOfPossibleCpus());

    /// <summary>How many aggregations.</summary>
    public int Count => _aggregations.Length;

    /// <summary>Aggregation <paramref name="index"/>, in declaration order.</summary>
    public Aggregation this[int index] => _aggregations[index];

    /// <summary>The aggregation named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public Aggregation this[string name] => Array.Find(_aggregations, a => a.Name == name)
        ?? throw new KeyNotFoundException($"the probe set has no aggregation '{name}'");

    /// <inheritdoc/>
    public IEnumerator<Aggregation> GetEnumerator() => ((IEnumerable<Aggregation>)_aggregations).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _aggregations.GetEnumerator();

    internal void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            Meter?.Dispose();
            Maps?.Dispose();
        }
    }

    internal int Descriptor(SafeFileHandle handle)
    {
        ObjectDisposedException.ThrowIf(_disposed || handle.IsClosed, this);
        return (int)handle.DangerousGetHandle();
    }

    internal long Counter(int index)
    {
        int fd = Descriptor(Maps.Counters);
        uint key = (uint)index;
        ulong value = 0;
        return Interop.Libbpf.MapLookupElement(fd, &key, &value) == 0 ? (long)value : 0;
    }

    internal KernelStack Stack(long id, Dictionary<long, KernelStack> cache)
    {
        if (cache.TryGetValue(id, out KernelStack? known))
            return known;
        KernelStack stack = KernelStack.Lost(id);
        if (id >= 0 && id <= uint.MaxValue)
        {
            var addresses = new ulong[AggregationConfigLayout.StackDepth];
            uint key = (uint)id;
            fixed (ulong* a = addresses)
            {
                if (Interop.Libbpf.MapLookupElement(Descriptor(Maps.Stacks), &key, a) == 0)
                    stack = KernelStack.Symbolize(id, addresses, KernelSymbols.Default);
            }
        }
        cache[id] = stack;
        return stack;
    }
}

/// <summary>Turns a key's bytes into its parts: numbers (named values translated to the build's), strings, stacks, event names.</summary>
internal sealed class KeyDecoder
{
    private readonly PlannedAggregation _plan;
    private readonly AggregationSet _set;
    private readonly IReadOnlyList<string> _eventNames;
    private readonly PartNames?[] _names;

    public KeyDecoder(PlannedAggregation plan, AggregationSet set, IReadOnlyList<EventLayout> layouts, IReadOnlyList<string> eventNames)
    {
        _plan = plan;
        _set = set;
        _eventNames = eventNames;
        _names = new PartNames?[plan.Key.Count];
        for (int p = 0; p < plan.Key.Count; p++)
        {
            if (plan.Key[p].Field is not { } field || plan.Key[p].Source != AggregationSource.Field)
                continue;
            // Named values are read as the aggregation's (first) event's kernel names them.
            EventLayout layout = layouts[plan.Events[0]];
            for (int i = 0; i < layout.FieldCount; i++)
            {
                if (layout.FieldName(i) != field)
                    continue;
                SymbolMap? map = layout.Relocation?.SymbolsOf(field) is { IsIdentity: false } translation ? new SymbolMap(translation) : null;
                _names[p] = new PartNames(layout, i, map);
            }
        }
    }

    public IReadOnlyList<string> EventNames(IReadOnlyList<int> events)
    {
        var names = new string[events.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = _eventNames[events[i]];
        return names;
    }

    public AggregationKey Decode(byte[] key, Dictionary<long, KernelStack> stacks)
    {
        var parts = new AggregationKeyValue[_plan.Key.Count];
        for (int p = 0; p < parts.Length; p++)
        {
            AggregationKeyPart part = _plan.Key[p];
            ReadOnlySpan<byte> bytes = key.AsSpan(part.Offset, part.Size);
            switch (part.Source)
            {
                case AggregationSource.String or AggregationSource.Comm:
                    int end = bytes.IndexOf((byte)0);
                    parts[p] = new AggregationKeyValue(part, 0, Encoding.UTF8.GetString(end >= 0 ? bytes.Slice(0, end) : bytes), null);
                    break;
                case AggregationSource.KernelStack:
                    long id = BinaryPrimitives.ReadInt64LittleEndian(bytes);
                    parts[p] = new AggregationKeyValue(part, (ulong)id, null, _set.Stack(id, stacks));
                    break;
                case AggregationSource.Event:
                    ulong index = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                    parts[p] = new AggregationKeyValue(part, index, index < (ulong)_eventNames.Count ? _eventNames[(int)index] : null, null);
                    break;
                default:
                    ulong raw = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                    PartNames? names = _names[p];
                    ulong value = names?.Map?.Translate(raw) ?? raw;
                    parts[p] = new AggregationKeyValue(part, value, names?.Layout.ValueName(names.Field, raw), null);
                    break;
            }
        }
        return new AggregationKey(parts);
    }

    private sealed record PartNames(EventLayout Layout, int Field, SymbolMap? Map);
}
