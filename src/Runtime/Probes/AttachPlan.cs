using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using TpGen.Decoding;
using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Frontends;
using TpGen.Kernel;
using TpGen.Relocation;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// A probe set matched with the running kernel before anything is loaded: each event's running
/// description, its relocation, the layout its records are read with, its filter, and the
/// read-only configuration the BPF object is loaded with. What cannot be relocated is refused
/// here, with the field named.
/// </summary>
internal sealed partial class AttachPlan
{
    private readonly TracepointSchema?[] _running;
    private readonly FilterExpr?[] _filters;

    private AttachPlan(ProbeSetDefinition definition, TracepointSchema?[] running, FilterExpr?[] filters, IReadOnlyList<EventAttachment> events)
    {
        Definition = definition;
        _running = running;
        _filters = filters;
        Relocation = new ProbeSetRelocation(definition.Name, events);
    }

    public ProbeSetDefinition Definition { get; }

    /// <summary>Per event: attached or skipped, and what was relocated.</summary>
    public ProbeSetRelocation Relocation { get; }

    /// <summary>Whether any event has a filter (a probe set without filters can use the shared object).</summary>
    public bool HasFilters => _filters.Any(f => f is not null);

    /// <summary>The layouts records are read with, in handler order.</summary>
    public EventLayout[] Layouts => Relocation.Events.Select(e => e.Layout).ToArray();

    /// <summary>Whether event <paramref name="index"/> is attached.</summary>
    public bool IsAttached(int index) => _running[index] is not null;

    /// <summary>Reads the running kernel's description of each event and relocates the build onto it.</summary>
    /// <exception cref="ProbeException">A tracepoint is missing (and not optional), tracefs cannot be read, a field cannot be relocated, or a filter reads what the kernel lacks.</exception>
    public static AttachPlan Create(ProbeSetDefinition definition, ProbeOptions options)
    {
        if (!Tracefs.IsMounted)
            throw new ProbeException(ProbeFailure.TracefsUnavailable, $"tracefs is not mounted; attaching to tracepoints needs it. Mount it with: {Tracefs.MountCommand}");
        int count = definition.Probes.Count;
        var running = new TracepointSchema?[count];
        var filters = new FilterExpr?[count];
        var events = new List<EventAttachment>(count);
        for (int i = 0; i < count; i++)
        {
            ProbeDefinition probe = definition.Probes[i];
            TracepointSchema built = Built(probe);
            filters[i] = ParseFilter(probe, built);
            running[i] = ReadRunning(probe);
            if (running[i] is not { } live)
            {
                events.Add(new EventAttachment(probe, null, EventLayout.Absent(built), "this kernel has no such tracepoint (the event is optional)"));
                continue;
            }
            EventRelocation relocation = Relocator.Relocate(built, live);
            if (options.CheckLayout)
            {
                IReadOnlyList<string> problems = relocation.Problems(options.AllowLossyConversions);
                if (problems.Count > 0)
                {
                    throw new ProbeException(ProbeFailure.LayoutMismatch,
                        $"{probe.FullName} cannot be read on this kernel as built: {string.Join("; ", problems)}. " +
                        $"Add this kernel's description to the build (tpgen pull {probe.FullName} into the snapshot folder) and rebuild.")
                    {
                        Event = probe.FullName,
                        UnreadableFields = relocation.Unreadable(options.AllowLossyConversions),
                    };
                }
            }
            events.Add(new EventAttachment(probe, relocation, EventLayout.Relocate(relocation), null));
        }
        var plan = new AttachPlan(definition, running, filters, events);
        plan.Context = TpGen.Context.ContextPlan.Create(definition, running, options);
        for (int i = 0; i < count; i++)
            events[i].Layout.Context = plan.Context.Events[i];
        return plan;
    }

    /// <summary>How each event's handler captures its context on this kernel (the context section).</summary>
    public TpGen.Context.ContextPlan Context { get; private set; } = null!;

    /// <summary>
    /// The bytes of <c>tpgen_config</c> for an object with <paramref name="handlers"/> handlers and a
    /// <paramref name="size"/>-byte configuration: each event as the running kernel lays it out,
    /// filter fields and names resolved on it.
    /// </summary>
    public byte[] Configuration(int handlers, int size, ProbeOptions options, BpfOptions bpf)
    {
        BpfConfigLayout layout = BpfConfigLayout.Plan(handlers, _filters);
        if (size < layout.Size || handlers < _running.Length)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {Definition.Name} has {handlers} handlers and a {size}-byte configuration; {Definition.Probes.Count} events need {layout.Size} bytes: it was not generated by this version of TpGen.");
        var bytes = new byte[size];
        Span<byte> config = bytes;
        BinaryPrimitives.WriteUInt64LittleEndian(config, (ulong)options.EffectiveWakeupThreshold);
        BinaryPrimitives.WriteUInt32LittleEndian(config.Slice(8), options.IncludeOwnProcess ? 0u : (uint)Environment.ProcessId);
        BinaryPrimitives.WriteUInt32LittleEndian(config.Slice(12), Context.ProcessFlags);
        for (int i = 0; i < _running.Length; i++)
        {
            if (_running[i] is { } live)
                WriteEvent(config.Slice(layout.EventOffset(i), BpfConfigLayout.EventSize), live, bpf, Definition.Probes[i]);
        }
        for (int slot = 0; slot < layout.Fields.Count; slot++)
            WriteField(config.Slice(layout.FieldsOffset + BpfConfigLayout.FieldSize * slot, BpfConfigLayout.FieldSize), layout.Fields[slot]);
        for (int slot = 0; slot < layout.Symbols.Count; slot++)
        {
            BpfSymbolReference symbol = layout.Symbols[slot];
            TracepointSchema? live = _running[symbol.Event];
            // A name the running kernel lacks names no value: the filter compares it as such.
            if (live is not null && FieldSymbols.For(live, symbol.Field) is { } table && table.TryGetValue(symbol.Symbol, out ulong value))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(config.Slice(layout.ConstantsOffset + 8 * slot), value);
                config[layout.ValidOffset + slot] = 1;
            }
        }
        WriteAggregations(config.Slice(layout.AggregationOffset), handlers);
        return bytes;
    }

    private void WriteEvent(Span<byte> entry, TracepointSchema live, BpfOptions bpf, ProbeDefinition probe)
    {
        var dynamic = live.Fields.Where(f => f.IsDynamic).ToList();
        if (dynamic.Count > BpfConfigLayout.MaxDynamicFields)
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} has {dynamic.Count} dynamic fields on this kernel; TpGen's handler follows at most {BpfConfigLayout.MaxDynamicFields}.");
        if (live.FixedSize > ushort.MaxValue || live.Id < 0 || live.Id > ushort.MaxValue)
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} on this kernel has a {live.FixedSize}-byte record and id {live.Id}, which TpGen's handler cannot hold.");
        BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)BpfEmitter.RecordReserve(live, bpf));
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(4), (ushort)live.FixedSize);
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(6), (ushort)live.Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(8), (ushort)BpfEmitter.PayloadBound(live, bpf));
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(10), (ushort)dynamic.Count);
        for (int d = 0; d < dynamic.Count; d++)
        {
            int where = dynamic[d].Offset | (dynamic[d].Location == DynamicLocation.RelLoc ? BpfConfigLayout.RelativeLocationFlag : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(12 + 2 * d), (ushort)where);
        }
    }

    private void WriteField(Span<byte> entry, BpfFieldReference reference)
    {
        TracepointSchema? live = _running[reference.Event];
        if (live is null)
            return;
        ProbeDefinition probe = Definition.Probes[reference.Event];
        FieldSpec field = live.FindField(reference.Field)
            ?? throw new ProbeException(ProbeFailure.LayoutMismatch, $"The filter of {probe.FullName} ('{probe.Filter}') reads field '{reference.Field}', which this kernel's {probe.FullName} does not have.");
        bool number = field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool;
        if (number && field.Size is not (1 or 2 or 4 or 8) || field.Offset > ushort.MaxValue || field.Size > ushort.MaxValue)
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"The filter of {probe.FullName} reads field '{reference.Field}', which is {field.Size} bytes on this kernel: a filter cannot compare it.");
        byte flags = 0;
        if (number && Relocator.IsSigned(field))
            flags |= BpfConfigLayout.SignedFieldFlag;
        if (field.IsDynamic)
            flags |= BpfConfigLayout.DynamicFieldFlag;
        if (field.Location == DynamicLocation.RelLoc)
            flags |= BpfConfigLayout.RelativeFieldFlag;
        // A tp_btf program's context is the arguments, which its records hold after their 8 common bytes.
        int offset = field.Offset - (Frontends.Btf.BtfTracepoints.IsBtf(live) ? Frontends.Btf.BtfTracepoints.ArgumentsOffset : 0);
        if (offset < 0 || Frontends.Btf.BtfTracepoints.IsBtf(live) && probe.Members.Any(m => m.FieldName == field.Name))
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"The filter of {probe.FullName} reads '{reference.Field}', which the kernel does not pass to the tracepoint: a filter of a tp_btf event reads its arguments only.");
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)offset);
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(2), (ushort)field.Size);
        entry[4] = flags;
    }

    private static TracepointSchema Built(ProbeDefinition probe)
    {
        try
        {
            return probe.BuiltSchema;
        }
        catch (TraceRecordException e)
        {
            throw new ProbeException(ProbeFailure.LoadFailed, $"The build's description of {probe.FullName} does not parse ({e.Message}); the assembly is damaged or from another TpGen version.", e);
        }
    }

    private static FilterExpr? ParseFilter(ProbeDefinition probe, TracepointSchema built)
    {
        if (probe.Filter is null)
            return null;
        try
        {
            return FilterParser.Parse(probe.Filter, built);
        }
        catch (FilterException e)
        {
            throw new ProbeException(ProbeFailure.LoadFailed, $"The filter of {probe.FullName} does not fit the build's description: {e.Message}", e);
        }
    }

    // The running kernel's description; null for an optional event it lacks.
    private static TracepointSchema? ReadRunning(ProbeDefinition probe)
    {
        if (Frontends.Btf.BtfTracepoints.IsBtf(probe.System))
            return TpGen.Context.ContextPlan.ReadBtfEvent(probe);
        try
        {
            TracepointSchema live = Tracefs.ReadEvent(probe.System, probe.Name);
            // Constants the print fmt names but does not define (TCP states) take the running kernel's values from its BTF, as the build did.
            if (KernelConstants.Unresolved(live).Count > 0 && KernelBtf.RunningKernelConstants is { } constants)
                live = KernelConstants.Resolve(live, constants);
            return live;
        }
        catch (TracefsException e) when (e.Problem == TracefsProblem.EventMissing)
        {
            if (probe.Optional)
                return null;
            throw new ProbeException(ProbeFailure.TracepointMissing, e.Message, e);
        }
        catch (TracefsException e)
        {
            throw new ProbeException(ProbeFailure.TracefsUnavailable, e.Message, e);
        }
        catch (FormatParseException e)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"The running kernel's format of {probe.FullName} could not be read: {e.Message}", e);
        }
    }
}
