using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using TpGen.Aggregations;
using TpGen.Schema;

namespace TpGen.Emitters.Bpf;

/// <summary>
/// The aggregation part of the BPF object's configuration (<c>struct tpgen_aggregation_config</c>
/// at the end of <c>tpgen_config</c>, bpf/templates/aggregation.bpf.c) and the names of its maps:
/// the one description the template and the runtime share. Everything is configuration, so the
/// object every probe set without filters shares aggregates too.
/// </summary>
/// <remarks>
/// Layout (little-endian, 8-aligned):
/// <code>
/// 0    u32 enabled, u32 reserved
/// 8    aggregations[MaxAggregations]   24 bytes each: u8 kind, 3 reserved, u32 buckets, s64 min, u64 step
/// 200  inputs[EventCount][InputsPerEvent]  48 bytes each: u8 role, u8 aggregation, u8 parts, 5 reserved,
///                                      then value and key[PartsPerKey], 8 bytes each:
///                                      u16 offset, u8 size, u8 source, u8 flags, u8 dest, 2 reserved
/// .    quiet[EventCount]               u8 each: the event sends no records
/// </code>
/// </remarks>
public static class AggregationConfigLayout
{
    /// <summary>The map of aggregation <paramref name="index"/>'s values by key (a per-CPU hash).</summary>
    public static string ValuesMap(int index) => "tpgen_agg_" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The map of a latency aggregation's start times by key (a hash).</summary>
    public static string StartsMap(int index) => "tpgen_agg_start_" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The kernel stacks by id (a stack trace map).</summary>
    public const string StacksMap = "tpgen_agg_stacks";

    /// <summary>What did not fit, counted (an array).</summary>
    public const string CountersMap = "tpgen_agg_counters";

    /// <summary>The frames a kernel stack holds.</summary>
    public const int StackDepth = 127;

    /// <summary>The counter of updates of aggregation <paramref name="index"/> whose key did not fit its map.</summary>
    public static int KeysLostCounter(int index) => 2 * index;

    /// <summary>The counter of a latency's starts that did not fit its start map.</summary>
    public static int StartsLostCounter(int index) => 2 * index + 1;

    /// <summary>The counter of kernel stacks that could not be stored.</summary>
    public const int StacksLostCounter = 2 * AggregationPlan.MaxAggregations;

    /// <summary>The value slots the BPF side's zero source holds (the most any aggregation's value may take).</summary>
    public const int MaxValueSlots = AggregationPlan.MaxBuckets + 2;

    private const int HeaderSize = 8;
    private const int SpecSize = 24;
    private const int PartSize = 8;
    private const int InputSize = 8 + PartSize * (1 + AggregationPlan.PartsPerKey);
    private const int InputsOffset = HeaderSize + SpecSize * AggregationPlan.MaxAggregations;

    /// <summary>The bytes of the aggregation configuration for <paramref name="eventCount"/> events (the C struct's sizeof).</summary>
    public static int Size(int eventCount) => Align8(InputsOffset + InputSize * AggregationPlan.InputsPerEvent * eventCount + eventCount);

    /// <summary>The kind's number in the BPF side's configuration.</summary>
    public static byte KindCode(AggregationKind kind) => kind switch
    {
        AggregationKind.Count => 1,
        AggregationKind.Sum => 2,
        AggregationKind.Min => 3,
        AggregationKind.Max => 4,
        AggregationKind.Histogram => 5,
        _ => 6,
    };

    /// <summary>
    /// Writes <paramref name="plan"/> into <paramref name="config"/> (<see cref="Size"/> bytes):
    /// each field it reads resolved by name on the kernel whose events <paramref name="running"/>
    /// describes (null for an event that is not attached).
    /// </summary>
    /// <exception cref="AggregationException">The running kernel lacks a field an aggregation reads, or holds it so that it cannot.</exception>
    public static void Write(Span<byte> config, AggregationPlan plan, IReadOnlyList<TracepointSchema?> running)
    {
        int eventCount = running.Count;
        if (config.Length < Size(eventCount))
            throw new ArgumentException($"the aggregation configuration of {eventCount} events takes {Size(eventCount)} bytes, not {config.Length}", nameof(config));
        config.Slice(0, Size(eventCount)).Clear();
        if (plan.Inputs.Count == 0)
            return;
        BinaryPrimitives.WriteUInt32LittleEndian(config, 1);
        foreach (PlannedAggregation aggregation in plan.Aggregations)
        {
            Span<byte> spec = config.Slice(HeaderSize + SpecSize * aggregation.Index, SpecSize);
            spec[0] = KindCode(aggregation.Spec.Kind);
            BinaryPrimitives.WriteUInt32LittleEndian(spec.Slice(4), (uint)aggregation.Buckets);
            BinaryPrimitives.WriteInt64LittleEndian(spec.Slice(8), aggregation.Spec.Min);
            BinaryPrimitives.WriteUInt64LittleEndian(spec.Slice(16), (ulong)Math.Max(1, aggregation.Spec.Step));
        }

        var next = new int[eventCount];
        foreach (PlannedInput input in plan.Inputs)
        {
            if (input.Event >= eventCount || running[input.Event] is not { } schema)
                continue;
            int k = next[input.Event]++;
            Span<byte> entry = config.Slice(InputsOffset + InputSize * (AggregationPlan.InputsPerEvent * input.Event + k), InputSize);
            string name = plan.Aggregations[input.Aggregation].Spec.Name;
            entry[0] = (byte)input.Role;
            entry[1] = (byte)input.Aggregation;
            entry[2] = (byte)input.Key.Count;
            if (input.ValueSource == AggregationSource.Latency)
                entry[8 + 3] = (byte)AggregationSource.Latency;
            else if (input.ValueSource == AggregationSource.Field)
                WritePart(entry.Slice(8, PartSize), new AggregationKeyPart(input.ValueField!, AggregationSource.Field, input.ValueField, 0, 8, false), schema, name);
            for (int p = 0; p < input.Key.Count; p++)
                WritePart(entry.Slice(8 + PartSize * (1 + p), PartSize), input.Key[p], schema, name);
            config[InputsOffset + InputSize * AggregationPlan.InputsPerEvent * eventCount + input.Event] = 1;
        }
    }

    private static void WritePart(Span<byte> entry, AggregationKeyPart part, TracepointSchema schema, string aggregation)
    {
        int offset = 0, size = part.Size;
        byte flags = 0;
        if (part.Field is { } name)
        {
            FieldSpec field = schema.FindField(name)
                ?? throw new AggregationException(aggregation, $"reads field '{name}', which this kernel's {schema.FullName} does not have");
            if (field.Offset > ushort.MaxValue)
                throw new AggregationException(aggregation, $"field '{name}' of {schema.FullName} is at offset {field.Offset} on this kernel, beyond what the handler reads");
            offset = field.Offset;
            if (part.Source == AggregationSource.Field)
            {
                if (!AggregationPlan.IsNumber(field))
                    throw new AggregationException(aggregation, $"field '{name}' of {schema.FullName} is not a number on this kernel");
                size = field.Size;
                if (Relocation.Relocator.IsSigned(field))
                    flags |= BpfConfigLayout.SignedFieldFlag;
            }
            else
            {
                if (field.Kind == FieldKind.DynamicString)
                {
                    flags |= BpfConfigLayout.DynamicFieldFlag;
                    if (field.Location == DynamicLocation.RelLoc)
                        flags |= BpfConfigLayout.RelativeFieldFlag;
                }
                else if (field.Kind != FieldKind.CharArray)
                {
                    throw new AggregationException(aggregation, $"field '{name}' of {schema.FullName} is not a string on this kernel");
                }
                else
                {
                    size = Math.Min(part.Size, field.Size);
                }
            }
        }
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)offset);
        entry[2] = (byte)size;
        entry[3] = (byte)part.Source;
        entry[4] = flags;
        entry[5] = (byte)part.Offset;
    }

    /// <summary>
    /// The template with the aggregation code put in: its declarations ahead of
    /// <c>tpgen_config</c>, its functions ahead of the handlers.
    /// </summary>
    public static string Insert(string template)
    {
        const string Split = "/* TPGEN:AGGREGATION-FUNCTIONS */";
        string code = LoadTemplate();
        int split = code.IndexOf(Split, StringComparison.Ordinal);
        if (split < 0)
            throw new InvalidOperationException("The aggregation template has no " + Split + " line.");
        return template
            .Replace("{{AGGREGATION_DECLARATIONS}}", code.Substring(0, split).TrimEnd() + "\n")
            .Replace("{{AGGREGATION_FUNCTIONS}}", code.Substring(split + Split.Length).Trim() + "\n");
    }

    private static string LoadTemplate()
    {
        using Stream stream = typeof(AggregationConfigLayout).Assembly.GetManifestResourceStream("TpGen.Templates.aggregation.bpf.c")
            ?? throw new InvalidOperationException("The aggregation BPF template is missing from the TpGen.Core assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static int Align8(int value) => (value + 7) & ~7;
}
