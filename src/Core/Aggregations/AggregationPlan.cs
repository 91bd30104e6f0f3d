using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TpGen.Schema;

namespace TpGen.Aggregations;

/// <summary>Where a key part or a value comes from (the BPF side's <c>TPGEN_AGG_FROM_*</c>).</summary>
public enum AggregationSource : byte
{
    /// <summary>A number in the record.</summary>
    Field = 1,

    /// <summary>A string in the record (a <c>char</c> array or a <c>__data_loc</c> string).</summary>
    String = 2,

    /// <summary>The current task's command name.</summary>
    Comm = 3,

    /// <summary>The current process id (the kernel's tgid).</summary>
    Pid = 4,

    /// <summary>The current thread id (the kernel's pid, the events' <c>common_pid</c>).</summary>
    Tid = 5,

    /// <summary>The current task's cgroup (v2) id.</summary>
    Cgroup = 6,

    /// <summary>The CPU the event fired on.</summary>
    Cpu = 7,

    /// <summary>The kernel stack where the event fired.</summary>
    KernelStack = 8,

    /// <summary>Which event of the probe set fired.</summary>
    Event = 9,

    /// <summary>A value only: the nanoseconds since a latency's start.</summary>
    Latency = 10,
}

/// <summary>One part of an aggregation's key: what it is and where it is in the key's bytes.</summary>
/// <param name="Name">The name it was declared with (<c>reason</c>, <c>comm</c>).</param>
/// <param name="Source">Where its value comes from.</param>
/// <param name="Field">The field it reads, or null for a context value.</param>
/// <param name="Offset">Its offset in the key.</param>
/// <param name="Size">Its bytes in the key: 8 for numbers, the bound for strings.</param>
/// <param name="IsSigned">Whether the field is signed (numbers are sign-extended to 8 bytes).</param>
public sealed record AggregationKeyPart(string Name, AggregationSource Source, string? Field, int Offset, int Size, bool IsSigned)
{
    /// <summary>The prefix that names a context value where the event has a field of the same name (<c>current.comm</c>).</summary>
    public const string ContextPrefix = "current.";

    /// <summary>The name without <see cref="ContextPrefix"/>: what tags and generated members call it (<c>comm</c>).</summary>
    public string ShortName => WithoutContextPrefix(Name);

    /// <summary><paramref name="name"/> without <see cref="ContextPrefix"/>, or as it is.</summary>
    public static string WithoutContextPrefix(string name) =>
        name.StartsWith(ContextPrefix, StringComparison.Ordinal) ? name.Substring(ContextPrefix.Length) : name;
}

/// <summary>An aggregation placed in the BPF object: its index (and so its maps), its key's layout, its value's.</summary>
public sealed class PlannedAggregation
{
    internal PlannedAggregation(AggregationSpec spec, int index, IReadOnlyList<AggregationKeyPart> key, IReadOnlyList<AggregationKeyPart> matchKey,
        IReadOnlyList<int> events, int startEvent, int buckets, bool valueSigned)
    {
        Spec = spec;
        Index = index;
        Key = key;
        MatchKey = matchKey;
        Events = events;
        StartEvent = startEvent;
        Buckets = buckets;
        IsValueSigned = valueSigned;
    }

    /// <summary>As declared.</summary>
    public AggregationSpec Spec { get; }

    /// <summary>Its index: its maps are <c>tpgen_agg_INDEX</c> and <c>tpgen_agg_start_INDEX</c>.</summary>
    public int Index { get; }

    /// <summary>Its key's parts, in order.</summary>
    public IReadOnlyList<AggregationKeyPart> Key { get; }

    /// <summary>A latency's key that matches an end with its start; empty otherwise.</summary>
    public IReadOnlyList<AggregationKeyPart> MatchKey { get; }

    /// <summary>The indexes of the events that update it.</summary>
    public IReadOnlyList<int> Events { get; }

    /// <summary>A latency's start event's index, or -1.</summary>
    public int StartEvent { get; }

    /// <summary>A histogram's buckets; 0 otherwise.</summary>
    public int Buckets { get; }

    /// <summary>Whether the value (a field) is signed: sums, minimums and maximums read as signed.</summary>
    public bool IsValueSigned { get; }

    /// <summary>The bytes of its map's keys (at least 8).</summary>
    public int KeySize => KeyBytes(Key);

    /// <summary>The bytes of its start map's keys.</summary>
    public int MatchKeySize => KeyBytes(MatchKey);

    /// <summary>The 8-byte slots of its map's values: the count, the sum (or minimum, maximum), then the buckets.</summary>
    public int ValueSlots => 2 + Buckets;

    /// <summary>Whether any key part is a kernel stack.</summary>
    public bool UsesStacks => Key.Any(p => p.Source == AggregationSource.KernelStack);

    internal static int KeyBytes(IReadOnlyList<AggregationKeyPart> parts) =>
        Math.Max(8, parts.Count == 0 ? 8 : parts.Max(p => p.Offset + p.Size));
}

/// <summary>One thing an event does for an aggregation: the BPF side's <c>struct tpgen_agg_input</c>.</summary>
/// <param name="Event">The event's index.</param>
/// <param name="Role">What it does.</param>
/// <param name="Aggregation">Which aggregation.</param>
/// <param name="Key">The key parts it reads, laid out as the aggregation's key (or match key).</param>
/// <param name="ValueSource">Where an update's value comes from; 0 for a count.</param>
/// <param name="ValueField">The value's field, or null.</param>
public sealed record PlannedInput(int Event, AggregationRole Role, int Aggregation, IReadOnlyList<AggregationKeyPart> Key, AggregationSource ValueSource, string? ValueField);

/// <summary>What an input does (the BPF side's <c>TPGEN_AGG_ROLE_*</c>).</summary>
public enum AggregationRole : byte
{
    /// <summary>Adds the event to the aggregation.</summary>
    Update = 1,

    /// <summary>Remembers when a latency started.</summary>
    Start = 2,

    /// <summary>Takes a latency's start: the value of the update after it.</summary>
    Stop = 3,
}

/// <summary>
/// A probe set's aggregations checked against its events' descriptions and laid out for the BPF
/// side: one map per aggregation, each event's inputs, each key's bytes. The generator runs it on
/// the build's descriptions (its errors are build errors), the runtime on the same ones to lay out
/// keys, and then resolves every field by name on the running kernel when it writes the configuration.
/// </summary>
public sealed class AggregationPlan
{
    /// <summary>How many aggregations one probe set can have (one map each in the BPF object).</summary>
    public const int MaxAggregations = 8;

    /// <summary>How many inputs one event can have (each aggregation it updates takes one, a latency's end two).</summary>
    public const int InputsPerEvent = 8;

    /// <summary>How many parts one key can have.</summary>
    public const int PartsPerKey = 4;

    /// <summary>How many bytes one key can have.</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>How many buckets a linear histogram can have, with the one below its minimum and the one from its maximum.</summary>
    public const int MaxBuckets = 512;

    /// <summary>Buckets of a power-of-two histogram: below 0, 0, then [2^n, 2^(n+1)) for n from 0 to 63.</summary>
    public const int Log2Buckets = 66;

    /// <summary>How many bytes of a string key are kept at most (with the NUL).</summary>
    public const int MaxStringBytes = 32;

    /// <summary>The names that mean the context rather than a field, unless the event has a field of the name.</summary>
    public static IReadOnlyList<string> ContextNames { get; } = new[] { "comm", "pid", "tid", "cgroup", "cpu", "kstack", "event" };

    private AggregationPlan(IReadOnlyList<PlannedAggregation> aggregations, IReadOnlyList<PlannedInput> inputs)
    {
        Aggregations = aggregations;
        Inputs = inputs;
    }

    /// <summary>The aggregations, in declaration order (their index is their place).</summary>
    public IReadOnlyList<PlannedAggregation> Aggregations { get; }

    /// <summary>Every event's inputs, by event, in the order they run.</summary>
    public IReadOnlyList<PlannedInput> Inputs { get; }

    /// <summary>An empty plan: no aggregations.</summary>
    public static AggregationPlan None { get; } = new(Array.Empty<PlannedAggregation>(), Array.Empty<PlannedInput>());

    /// <summary>Whether any key is a kernel stack.</summary>
    public bool UsesStacks => Aggregations.Any(a => a.UsesStacks);

    /// <summary>The inputs of event <paramref name="eventIndex"/>, in order.</summary>
    public IEnumerable<PlannedInput> InputsOf(int eventIndex) => Inputs.Where(i => i.Event == eventIndex);

    /// <summary>Checks <paramref name="specs"/> against the probe set's <paramref name="events"/> and lays them out.</summary>
    /// <exception cref="AggregationException">An aggregation names an event the set lacks, a field an event lacks or cannot key by, or does not fit the BPF side's bounds.</exception>
    public static AggregationPlan Create(IReadOnlyList<AggregationSpec> specs, IReadOnlyList<TracepointSchema> events)
    {
        if (specs.Count == 0)
            return None;
        if (specs.Count > MaxAggregations)
            throw new AggregationException(specs[MaxAggregations].Name, $"a probe set has at most {MaxAggregations} aggregations; split them over several probe sets");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var aggregations = new List<PlannedAggregation>();
        var inputs = new List<PlannedInput>();
        for (int j = 0; j < specs.Count; j++)
        {
            AggregationSpec spec = specs[j];
            if (!TraceNames.IsIdentifier(spec.Name))
                throw new AggregationException(TraceNames.Printable(spec.Name), "a name is a C# identifier: letters, digits and '_', not starting with a digit");
            if (!names.Add(spec.Name))
                throw new AggregationException(spec.Name, "declared twice; give each aggregation its own name");
            PlannedAggregation planned = Plan(spec, j, events);
            aggregations.Add(planned);
            if (planned.StartEvent >= 0)
                inputs.Add(new PlannedInput(planned.StartEvent, AggregationRole.Start, j, Resolve(spec, planned.MatchKey, events[planned.StartEvent], spec.Latency!.StartKeys), 0, null));
            foreach (int e in planned.Events)
            {
                if (planned.StartEvent >= 0)
                    inputs.Add(new PlannedInput(e, AggregationRole.Stop, j, Resolve(spec, planned.MatchKey, events[e], spec.Latency!.EndKeys), 0, null));
                AggregationSource valueSource = spec.Kind == AggregationKind.Count ? 0 : spec.Value is null ? AggregationSource.Latency : AggregationSource.Field;
                inputs.Add(new PlannedInput(e, AggregationRole.Update, j, Resolve(spec, planned.Key, events[e], spec.Keys), valueSource, spec.Value));
            }
        }
        for (int e = 0; e < events.Count; e++)
        {
            int count = inputs.Count(i => i.Event == e);
            if (count > InputsPerEvent)
                throw new AggregationException(specs[inputs.Last(i => i.Event == e).Aggregation].Name,
                    $"{events[e].FullName} feeds {count} aggregation inputs; one event feeds at most {InputsPerEvent} (a latency's end takes two)");
        }
        return new AggregationPlan(aggregations, inputs);
    }

    private static PlannedAggregation Plan(AggregationSpec spec, int index, IReadOnlyList<TracepointSchema> events)
    {
        if (spec.Events.Count == 0)
            throw new AggregationException(spec.Name, "names no event");
        var updated = new List<int>();
        foreach (string name in spec.Events)
            updated.Add(EventIndex(spec, name, events));

        int start = -1;
        if (spec.Latency is { } latency)
        {
            start = EventIndex(spec, latency.StartEvent, events);
            if (latency.StartKeys.Count == 0 || latency.StartKeys.Count != latency.EndKeys.Count)
                throw new AggregationException(spec.Name, $"a latency matches its start and its end by a key of as many parts on each ({latency.StartKeys.Count} on the start, {latency.EndKeys.Count} on the end)");
            if (spec.Kind == AggregationKind.Count)
                throw new AggregationException(spec.Name, "a latency keeps a histogram, a sum, a minimum or a maximum of its nanoseconds, not a count");
            if (spec.Value is not null)
                throw new AggregationException(spec.Name, "a latency's value is its nanoseconds; it takes no value field");
        }
        else if (spec.Kind != AggregationKind.Count && spec.Value is null)
        {
            throw new AggregationException(spec.Name, $"a {Describe(spec.Kind)} needs a value: a numeric field of the event");
        }
        else if (spec.Kind == AggregationKind.Count && spec.Value is not null)
        {
            throw new AggregationException(spec.Name, "a count takes no value field");
        }

        bool valueSigned = false;
        if (spec.Value is { } value)
        {
            foreach (int e in updated)
            {
                FieldSpec field = events[e].FindField(value)
                    ?? throw new AggregationException(spec.Name, $"{events[e].FullName} has no field '{value}' (its fields: {FieldList(events[e])})");
                if (!IsNumber(field) || field.IsCommon)
                    throw new AggregationException(spec.Name, $"'{value}' of {events[e].FullName} is not a number it can {Describe(spec.Kind)}");
                valueSigned |= Relocation.Relocator.IsSigned(field);
            }
        }

        int buckets = spec.Kind switch
        {
            AggregationKind.Histogram => Log2Buckets,
            AggregationKind.LinearHistogram => LinearBuckets(spec),
            _ => 0,
        };
        if (spec.MaxEntries < 0)
            throw new AggregationException(spec.Name, "MaxEntries cannot be negative");

        IReadOnlyList<AggregationKeyPart> key = Layout(spec, spec.Keys, updated.Select(e => events[e]).ToList());
        IReadOnlyList<AggregationKeyPart> match = spec.Latency is { } l
            ? Layout(spec, l.StartKeys, new[] { events[start] }, l.EndKeys, updated.Select(e => events[e]).ToList())
            : Array.Empty<AggregationKeyPart>();
        return new PlannedAggregation(spec, index, key, match, updated, start, buckets, valueSigned);
    }

    private static int LinearBuckets(AggregationSpec spec)
    {
        if (spec.Step <= 0)
            throw new AggregationException(spec.Name, $"a linear histogram's step must be at least 1, not {Number(spec.Step)}");
        if (spec.Max <= spec.Min)
            throw new AggregationException(spec.Name, $"a linear histogram's maximum ({Number(spec.Max)}) must be above its minimum ({Number(spec.Min)})");
        decimal width = (decimal)spec.Max - spec.Min;
        if (width % spec.Step != 0)
            throw new AggregationException(spec.Name, $"a linear histogram's maximum minus its minimum ({width.ToString(CultureInfo.InvariantCulture)}) must be a multiple of its step ({Number(spec.Step)})");
        decimal buckets = width / spec.Step + 2;
        if (buckets > MaxBuckets)
            throw new AggregationException(spec.Name, $"({Number(spec.Max)} - {Number(spec.Min)}) / {Number(spec.Step)} makes {(buckets - 2).ToString(CultureInfo.InvariantCulture)} buckets; at most {MaxBuckets - 2}: take a larger step");
        return (int)buckets;
    }

    // The key's parts on every event that updates it (a field in each, of one sort), laid out: numbers 8 bytes, strings their bound.
    private static IReadOnlyList<AggregationKeyPart> Layout(AggregationSpec spec, IReadOnlyList<string> names, IReadOnlyList<TracepointSchema> events,
        IReadOnlyList<string>? otherNames = null, IReadOnlyList<TracepointSchema>? otherEvents = null)
    {
        if (names.Count > PartsPerKey)
            throw new AggregationException(spec.Name, $"keys by {names.Count} parts; at most {PartsPerKey}");
        var parts = new List<AggregationKeyPart>();
        int offset = 0;
        for (int p = 0; p < names.Count; p++)
        {
            var found = new List<AggregationKeyPart>();
            foreach (TracepointSchema schema in events)
                found.Add(Part(spec, names[p], schema));
            if (otherNames is not null)
            {
                foreach (TracepointSchema schema in otherEvents!)
                    found.Add(Part(spec, otherNames[p], schema));
            }
            AggregationKeyPart first = found[0];
            foreach (AggregationKeyPart other in found)
            {
                if ((other.Source == AggregationSource.String) != (first.Source == AggregationSource.String))
                    throw new AggregationException(spec.Name, $"key part {p + 1} is a string on one event and a number on another: key parts matched across events must be of one sort");
            }
            int size = found.Max(f => f.Size);
            if (offset + size > MaxKeyBytes)
                throw new AggregationException(spec.Name, $"its key takes {offset + size} bytes or more; at most {MaxKeyBytes} (numbers take 8, comm 16, strings up to {MaxStringBytes})");
            parts.Add(first with { Offset = offset, Size = size, IsSigned = found.Any(f => f.IsSigned) });
            offset += size;
        }
        return parts;
    }

    // One key name on one event: a field of the event, else a context name.
    private static AggregationKeyPart Part(AggregationSpec spec, string name, TracepointSchema schema)
    {
        string context = name.StartsWith(AggregationKeyPart.ContextPrefix, StringComparison.Ordinal) ? AggregationKeyPart.WithoutContextPrefix(name) : "";
        FieldSpec? field = context.Length == 0 ? schema.FindField(name) : null;
        if (field is null)
        {
            string word = context.Length > 0 ? context : name;
            AggregationSource? source = word switch
            {
                "comm" => AggregationSource.Comm,
                "pid" => AggregationSource.Pid,
                "tid" => AggregationSource.Tid,
                "cgroup" => AggregationSource.Cgroup,
                "cpu" => AggregationSource.Cpu,
                "kstack" => AggregationSource.KernelStack,
                "event" => AggregationSource.Event,
                _ => null,
            };
            if (source is null)
                throw new AggregationException(spec.Name, context.Length > 0
                    ? $"'{TraceNames.Printable(name)}' is not one of current.{string.Join(", current.", ContextNames)}"
                    : $"{schema.FullName} has no field '{TraceNames.Printable(name)}' (its fields: {FieldList(schema)}), and it is none of {string.Join(", ", ContextNames)}");
            return new AggregationKeyPart(name, source.Value, null, 0, source == AggregationSource.Comm ? 16 : 8, false);
        }
        switch (field.Name)
        {
            // The handler cannot read the record's first 8 bytes: these come from helpers, as in filters.
            case "common_pid":
                return new AggregationKeyPart(name, AggregationSource.Tid, null, 0, 8, false);
            case "common_type":
                return new AggregationKeyPart(name, AggregationSource.Event, null, 0, 8, false);
        }
        if (field.IsCommon)
            throw new AggregationException(spec.Name, $"'{field.Name}' of {schema.FullName} is not available to BPF programs");
        if (IsNumber(field))
            return new AggregationKeyPart(name, AggregationSource.Field, field.Name, 0, 8, Relocation.Relocator.IsSigned(field));
        if (field.Kind == FieldKind.CharArray && field.ElementCount > 0 || field.Kind == FieldKind.DynamicString)
        {
            int size = field.Kind == FieldKind.CharArray ? Math.Min(MaxStringBytes, (field.Size + 7) / 8 * 8) : MaxStringBytes;
            return new AggregationKeyPart(name, AggregationSource.String, field.Name, 0, size, false);
        }
        throw new AggregationException(spec.Name, $"'{field.Name}' of {schema.FullName} is an array; keys are numbers and strings");
    }

    // The parts as an event reads them: the layout's offsets and sizes, the event's own sources (a field here may be a context value elsewhere).
    private static IReadOnlyList<AggregationKeyPart> Resolve(AggregationSpec spec, IReadOnlyList<AggregationKeyPart> layout, TracepointSchema schema, IReadOnlyList<string> names)
    {
        var parts = new List<AggregationKeyPart>();
        for (int p = 0; p < layout.Count; p++)
        {
            AggregationKeyPart own = Part(spec, names[p], schema);
            parts.Add(own with { Offset = layout[p].Offset, Size = layout[p].Size });
        }
        return parts;
    }

    private static int EventIndex(AggregationSpec spec, string name, IReadOnlyList<TracepointSchema> events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i].FullName == name)
                return i;
        }
        throw new AggregationException(spec.Name, $"names event '{TraceNames.Printable(name)}', which is not in the probe set ({string.Join(", ", events.Select(e => e.FullName))}); add [Tracepoint] for it");
    }

    internal static bool IsNumber(FieldSpec field) =>
        field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool && field.Size is 1 or 2 or 4 or 8;

    private static string FieldList(TracepointSchema schema) => string.Join(", ", schema.Fields.Where(f => !f.IsCommon).Select(f => f.Name));

    /// <summary>How a kind reads in a sentence: "count", "sum", "histogram", ...</summary>
    public static string Describe(AggregationKind kind) => kind switch
    {
        AggregationKind.Count => "count",
        AggregationKind.Sum => "sum",
        AggregationKind.Min => "minimum",
        AggregationKind.Max => "maximum",
        AggregationKind.Histogram => "histogram",
        _ => "linear histogram",
    };

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
