using System;
using System.Collections.Generic;
using TpGen.Filters;
using TpGen.Schema;

namespace TpGen.Emitters.Bpf;

/// <summary>A field a filter reads, by name: the runtime writes where the running kernel puts it.</summary>
/// <param name="Event">The event's index in the probe set.</param>
/// <param name="Field">The field's name.</param>
public sealed record BpfFieldReference(int Event, string Field);

/// <summary>A named constant of a filter (<c>reason == NO_SOCKET</c>): the runtime writes the running kernel's value.</summary>
/// <param name="Event">The event's index in the probe set.</param>
/// <param name="Field">The field whose values the name names.</param>
/// <param name="Symbol">The name.</param>
public sealed record BpfSymbolReference(int Event, string Field, string Symbol);

/// <summary>
/// What the BPF object's read-only configuration (<c>tpgen_config</c> in <c>.rodata</c>) holds and
/// where: the one description the emitter writes the C struct from and the runtime fills before
/// loading. Everything the handlers would otherwise fix at build time (record sizes, where the
/// dynamic payloads are, event ids, the offsets filters read, the values of named constants) is
/// here, so one object runs on every kernel; the verifier still sees constants, because
/// <c>.rodata</c> is frozen before the programs load.
/// </summary>
/// <remarks>
/// Layout (little-endian, C's natural alignment):
/// <code>
/// 0   u64 wakeup_bytes
/// 8   u32 exclude_tgid        records of this process are not written (0: none)
/// 12  u32 flags               CaptureCommandFlag
/// 16  events[EventCount]      EventSize bytes each: u32 record_size, u16 fixed_size, u16 id,
///                             u16 payload_bound, u16 dynamic_count, u16 dynamic[MaxDynamicFields]
/// .   fields[max(1, Fields)]  8 bytes each: u16 offset, u16 size, u8 flags, 3 reserved
/// .   constants[max(1, Symbols)]  u64 each (8-aligned)
/// .   valid[max(1, Symbols)]  u8 each: whether the running kernel has the name
/// .   aggregation             AggregationConfigLayout (8-aligned)
/// </code>
/// </remarks>
public sealed class BpfConfigLayout
{
    /// <summary>How many dynamic fields of one event the handler follows to find where its payload ends.</summary>
    public const int MaxDynamicFields = 8;

    /// <summary>Marks a dynamic field entry whose location word is relative to its own end (<c>__rel_loc</c>).</summary>
    public const int RelativeLocationFlag = 0x8000;

    /// <summary>The configuration's flag: each record carries the task's command name (16 bytes) after its header.</summary>
    public const uint CaptureCommandFlag = 1;

    /// <summary>A filter field entry's flag: the field is signed.</summary>
    public const byte SignedFieldFlag = 1;

    /// <summary>A filter field entry's flag: a dynamic field (offset is its location word).</summary>
    public const byte DynamicFieldFlag = 2;

    /// <summary>A filter field entry's flag: the location word is relative (<c>__rel_loc</c>).</summary>
    public const byte RelativeFieldFlag = 4;

    /// <summary>The bytes of one event entry.</summary>
    public const int EventSize = 12 + 2 * MaxDynamicFields;

    /// <summary>The bytes of one filter field entry.</summary>
    public const int FieldSize = 8;

    private const int HeaderSize = 16;

    private BpfConfigLayout(int eventCount, List<BpfFieldReference> fields, List<BpfSymbolReference> symbols)
    {
        EventCount = eventCount;
        Fields = fields;
        Symbols = symbols;
    }

    /// <summary>How many events the probe set has.</summary>
    public int EventCount { get; }

    /// <summary>The fields filters read, in slot order.</summary>
    public IReadOnlyList<BpfFieldReference> Fields { get; }

    /// <summary>The named constants filters compare with, in slot order.</summary>
    public IReadOnlyList<BpfSymbolReference> Symbols { get; }

    /// <summary>Where event <paramref name="index"/>'s entry starts.</summary>
    public int EventOffset(int index) => HeaderSize + EventSize * index;

    /// <summary>Where the filter field entries start.</summary>
    public int FieldsOffset => HeaderSize + EventSize * EventCount;

    /// <summary>Where the named constants start.</summary>
    public int ConstantsOffset => Align8(FieldsOffset + FieldSize * Math.Max(1, Fields.Count));

    /// <summary>Where the named constants' validity bytes start.</summary>
    public int ValidOffset => ConstantsOffset + 8 * Math.Max(1, Symbols.Count);

    /// <summary>Where the aggregation configuration starts (<see cref="AggregationConfigLayout"/>).</summary>
    public int AggregationOffset => Align8(ValidOffset + Math.Max(1, Symbols.Count));

    /// <summary>The configuration's size in bytes (the C struct's sizeof).</summary>
    public int Size => AggregationOffset + AggregationConfigLayout.Size(EventCount);

    /// <summary>The slot of the field <paramref name="field"/> of event <paramref name="eventIndex"/>.</summary>
    public int FieldSlot(int eventIndex, string field) => IndexOf(Fields, new BpfFieldReference(eventIndex, field));

    /// <summary>The slot of a filter's named constant.</summary>
    public int SymbolSlot(int eventIndex, string field, string symbol) => IndexOf(Symbols, new BpfSymbolReference(eventIndex, field, symbol));

    /// <summary>
    /// The configuration of a probe set whose events have <paramref name="filters"/> (null where an
    /// event has none). The emitter and the runtime call this with the same filters, parsed from the
    /// same text against the same schemas, and so agree on every slot.
    /// </summary>
    public static BpfConfigLayout Plan(int eventCount, IReadOnlyList<FilterExpr?>? filters)
    {
        var fields = new List<BpfFieldReference>();
        var symbols = new List<BpfSymbolReference>();
        for (int i = 0; filters is not null && i < filters.Count; i++)
        {
            if (filters[i] is { } filter)
                Collect(filter, i, fields, symbols);
        }
        return new BpfConfigLayout(eventCount, fields, symbols);
    }

    // Left to right, so the emitter's and the runtime's walks agree; each field and name once per event.
    private static void Collect(FilterExpr filter, int eventIndex, List<BpfFieldReference> fields, List<BpfSymbolReference> symbols)
    {
        var pending = new Stack<FilterExpr>();
        pending.Push(filter);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case AndFilter and:
                    pending.Push(and.Right);
                    pending.Push(and.Left);
                    break;
                case OrFilter or:
                    pending.Push(or.Right);
                    pending.Push(or.Left);
                    break;
                case NotFilter not:
                    pending.Push(not.Operand);
                    break;
                case CompareFilter compare:
                    if (!IsHelperField(compare.Field))
                        AddOnce(fields, new BpfFieldReference(eventIndex, compare.Field.Name));
                    if (compare.Symbol is not null)
                        AddOnce(symbols, new BpfSymbolReference(eventIndex, compare.Field.Name, compare.Symbol));
                    break;
                case StringFilter text:
                    if (!IsHelperField(text.Field))
                        AddOnce(fields, new BpfFieldReference(eventIndex, text.Field.Name));
                    break;
            }
        }
    }

    /// <summary>Fields a handler takes from helpers rather than the record: the pid, the event's id and the current task's command.</summary>
    public static bool IsHelperField(FieldSpec field) => field.Name is "common_pid" or "common_type" || FilterParser.IsComm(field);

    private static void AddOnce<T>(List<T> list, T item)
    {
        if (!list.Contains(item))
            list.Add(item);
    }

    private static int IndexOf<T>(IReadOnlyList<T> list, T item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(list[i], item))
                return i;
        }
        throw new ArgumentException($"{item} is not in the configuration");
    }

    private static int Align8(int value) => (value + 7) & ~7;
}
