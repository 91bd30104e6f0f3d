using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TpGen.Formatting;
using TpGen.Frontends.Tracefs;
using TpGen.Relocation;
using TpGen.Schema;

namespace TpGen.Decoding;

/// <summary>
/// Where each field of a build's event is in the records of one kernel, and how its values
/// translate: resolved once, by name, when a probe set attaches (or a recording is opened), and
/// then read by the generated views at every record. The build's own layout is the same thing
/// for the kernel it was built from. Reads never go outside the record: an absent field reads
/// as the type's default and <see cref="Has"/> says so; a short record throws
/// <see cref="TraceRecordException"/>.
/// </summary>
public sealed class EventLayout
{
    private readonly FieldSlot[] _slots;
    private readonly string[] _names;
    private readonly SymbolMap?[]? _translations;
    private readonly SymbolNames?[]? _valueNames;
    private readonly int[] _dynamic;
    // A record at least this long needs no other check: the fixed size when the event has no
    // dynamic fields, else more than any record (their locations are checked one by one).
    private readonly int _checkedLength;

    private EventLayout(int fixedSize, FieldSlot[] slots, string[] names, SymbolMap?[]? translations, SymbolNames?[]? valueNames, EventRelocation? relocation, bool asBuilt)
    {
        FixedSize = fixedSize;
        IsAsBuilt = asBuilt;
        _slots = slots;
        _names = names;
        _translations = translations;
        _valueNames = valueNames;
        Relocation = relocation;
        var dynamic = new List<int>();
        for (int i = 0; i < slots.Length; i++)
        {
            if ((slots[i].Flags & FieldSlotFlags.Dynamic) != 0 && slots[i].IsPresent)
                dynamic.Add(i);
        }
        _dynamic = dynamic.ToArray();
        _checkedLength = _dynamic.Length == 0 ? fixedSize : int.MaxValue;
    }

    /// <summary>Where the context of the records (process, user strings, packet) is, between their header and the record; set at attach.</summary>
    public Context.EventContextLayout Context { get; internal set; } = TpGen.Context.EventContextLayout.None;

    /// <summary>The size of the records' fixed part on this kernel; a shorter record is rejected.</summary>
    public int FixedSize { get; }

    /// <summary>How many fields the build has (the slots' count).</summary>
    public int FieldCount => _slots.Length;

    /// <summary>
    /// Whether every field is where, and as, the build's description has it, and every named value
    /// numbered the same: generated code then reads the build's offsets directly, as fast as code
    /// written for one kernel.
    /// </summary>
    public bool IsAsBuilt { get; }

    /// <summary>What was relocated, converted, absent or translated; null for a build's own layout.</summary>
    public EventRelocation? Relocation { get; }

    /// <summary>The build's name of field <paramref name="field"/> (its index in the build's field order).</summary>
    public string FieldName(int field) => _names[field];

    /// <summary>Where field <paramref name="field"/> is and how it is read.</summary>
    public FieldSlot Slot(int field) => _slots[field];

    /// <summary>Whether the records have field <paramref name="field"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int field) => _slots[field].IsPresent;

    /// <summary>Whether field <paramref name="field"/>'s named values are numbered differently here than in the build.</summary>
    public bool Translates(int field) => _translations?[field] is not null;

    /// <summary>The layout of the kernel (the first of several) a build was generated from, computed from its descriptions.</summary>
    /// <param name="system">The event's system.</param>
    /// <param name="name">The event's name.</param>
    /// <param name="descriptions">The build's descriptions of the event in tracefs format, one per kernel, the first leading.</param>
    /// <param name="kernels">The kernels' names, in the same order.</param>
    /// <exception cref="ArgumentException">No descriptions, or not one per kernel.</exception>
    /// <exception cref="TraceRecordException">A description does not parse (it was written by the generator, so this means a damaged assembly).</exception>
    public static EventLayout ForBuild(string system, string name, IReadOnlyList<string> descriptions, IReadOnlyList<string> kernels)
    {
        TracepointSchema built = BuiltSchema(system, name, descriptions, kernels);
        TracepointSchema first = Parse(system, name, descriptions[0]);
        return Relocate(Relocator.Relocate(built, first), buildsOwn: true);
    }

    /// <summary>The schema a build generated its types from: the union of its kernels' descriptions.</summary>
    /// <param name="system">The event's system.</param>
    /// <param name="name">The event's name.</param>
    /// <param name="descriptions">The build's descriptions of the event in tracefs format, one per kernel, the first leading.</param>
    /// <param name="kernels">The kernels' names, in the same order.</param>
    /// <exception cref="ArgumentException">No descriptions, or not one per kernel.</exception>
    /// <exception cref="TraceRecordException">A description does not parse.</exception>
    public static TracepointSchema BuiltSchema(string system, string name, IReadOnlyList<string> descriptions, IReadOnlyList<string> kernels)
    {
        if (descriptions.Count == 0 || descriptions.Count != kernels.Count)
            throw new ArgumentException("one description per kernel, at least one", nameof(descriptions));
        if (descriptions.Count == 1)
            return Parse(system, name, descriptions[0]);
        var schemas = new List<KernelSchema>();
        for (int i = 0; i < descriptions.Count; i++)
            schemas.Add(new KernelSchema(kernels[i], Parse(system, name, descriptions[i])));
        return SchemaUnion.Of(schemas).Schema;
    }

    /// <summary>The layout that reads a running kernel's records with a build's types, from their relocation.</summary>
    public static EventLayout Relocate(EventRelocation relocation) => Relocate(relocation, buildsOwn: false);

    /// <summary>The layout of records described by <paramref name="schema"/>, read with types generated from that same schema.</summary>
    public static EventLayout Of(TracepointSchema schema) => Relocate(Relocator.Relocate(schema, schema), buildsOwn: true);

    /// <summary>A layout in which every field is absent: for an optional event the running kernel does not have.</summary>
    public static EventLayout Absent(TracepointSchema built)
    {
        var slots = new FieldSlot[built.Fields.Count];
        var names = new string[slots.Length];
        for (int i = 0; i < slots.Length; i++)
            names[i] = built.Fields[i].Name;
        return new EventLayout(built.FixedSize, slots, names, null, null, null, asBuilt: false);
    }

    // buildsOwn: the layout of the kernel the build was generated from, which keeps no relocation to report.
    private static EventLayout Relocate(EventRelocation relocation, bool buildsOwn)
    {
        var slots = new FieldSlot[relocation.Fields.Count];
        var names = new string[slots.Length];
        SymbolMap?[]? translations = null;
        SymbolNames?[]? valueNames = null;
        for (int i = 0; i < slots.Length; i++)
        {
            FieldRelocation field = relocation.Fields[i];
            names[i] = field.Name;
            slots[i] = SlotOf(field);
            if (!field.IsPresent || relocation.SymbolsOf(field.Name) is not { } translation || FieldSymbols.For(relocation.Running, field.Name) is not { } running)
                continue;
            // Values are named by the running kernel's own table, so text names them as the kernel does.
            valueNames ??= new SymbolNames?[slots.Length];
            valueNames[i] = new SymbolNames(running);
            if (!translation.IsIdentity)
            {
                translations ??= new SymbolMap?[slots.Length];
                translations[i] = new SymbolMap(translation);
            }
        }
        bool same = translations is null && relocation.Fields.All(f => f.Kind == FieldRelocationKind.Same);
        return new EventLayout(relocation.Running.FixedSize, slots, names, translations, valueNames, buildsOwn ? null : relocation, same);
    }

    private static FieldSlot SlotOf(FieldRelocation field)
    {
        if (!field.IsPresent)
            return default;
        FieldSpec running = field.Running!;
        FieldSlotFlags flags = FieldSlotFlags.Present;
        switch (running.Kind)
        {
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool:
                if (Relocator.IsSigned(running))
                    flags |= FieldSlotFlags.Signed;
                if (field.Kind is FieldRelocationKind.Same or FieldRelocationKind.Moved)
                    flags |= FieldSlotFlags.Exact;
                break;
            case FieldKind.DynamicString or FieldKind.DynamicArray:
                flags |= FieldSlotFlags.Dynamic;
                if (running.Location == DynamicLocation.RelLoc)
                    flags |= FieldSlotFlags.RelativeLocation;
                break;
            case FieldKind.FixedArray or FieldKind.CharArray when running.ElementCount == 0:
                flags |= FieldSlotFlags.Tail;
                break;
        }
        return new FieldSlot(running.Offset, running.Size, flags);
    }

    private static TracepointSchema Parse(string system, string name, string description)
    {
        FormatReadResult read = FormatFileReader.Read(description, system, $"{system}:{name} (as built)", name);
        return read.Schema ?? throw new TraceRecordException(system + ":" + name, "the build's description of the event does not parse: " + string.Join("; ", read.Diagnostics));
    }

    /// <summary>Checks a record: it must hold the fixed part, and its dynamic fields must point after it and inside the record. Returns the problem, or null.</summary>
    public string? Check(ReadOnlySpan<byte> record) =>
        record.Length >= _checkedLength ? null : CheckDynamic(record);

    private string? CheckDynamic(ReadOnlySpan<byte> record) =>
        record.Length < FixedSize ? ShortProblem(record) : AreDynamicFieldsInside(record) ? null : DynamicProblem(record);

    /// <summary>
    /// Whether <see cref="Check"/> finds no problem, without making its message: what generated
    /// readers test each record with, asking <see cref="Check"/> for the words only when it fails.
    /// </summary>
    // Inlined with no call on the way through (the loop is over dynamic fields only): a call that
    // can return would keep the caller's values in memory across it, a spill per record.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWellFormed(ReadOnlySpan<byte> record) =>
        record.Length >= _checkedLength || (record.Length >= FixedSize && AreDynamicFieldsInside(record));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AreDynamicFieldsInside(ReadOnlySpan<byte> record)
    {
        // The test of RecordReader.CheckDynamic without its messages: every record passes through
        // here, and only a bad one needs words.
        foreach (int field in _dynamic)
        {
            ref readonly FieldSlot slot = ref _slots[field];
            if (!RecordReader.IsDynamicInside(record, slot.Offset, slot.IsRelative, FixedSize))
                return false;
        }
        return true;
    }

    // The message is built out of line: inlined into generated code, its formatting would use up the JIT's inlining budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string? ShortProblem(ReadOnlySpan<byte> record) => RecordReader.CheckFixed(record, FixedSize);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string? DynamicProblem(ReadOnlySpan<byte> record)
    {
        string? problem = null;
        for (int i = 0; problem is null && i < _dynamic.Length; i++)
        {
            FieldSlot slot = _slots[_dynamic[i]];
            problem = RecordReader.CheckDynamic(record, slot.Offset, slot.IsRelative, FixedSize, _names[_dynamic[i]]);
        }
        return problem;
    }

    /// <summary>
    /// Reads a number as the build's type <typeparamref name="T"/>: directly where the running
    /// kernel's field has that size and sign, else as the kernel lays it out, converted as C
    /// converts; the default when the field is absent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read<T>(ReadOnlySpan<byte> record, int field) where T : unmanaged, IBinaryInteger<T>
    {
        ref readonly FieldSlot slot = ref _slots[field];
        return slot.IsExact ? RecordReader.Read<T>(record, slot.Offset) : T.CreateTruncating(Convert(record, slot));
    }

    /// <summary>
    /// Reads a field with named values as the build numbers them: a value the running kernel
    /// names the way the build does is translated; any other keeps the running kernel's number.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T ReadSymbol<T>(ReadOnlySpan<byte> record, int field) where T : unmanaged, IBinaryInteger<T>
    {
        T value = Read<T>(record, field);
        return _translations is null ? value : Translate(value, field);
    }

    private T Translate<T>(T value, int field) where T : unmanaged, IBinaryInteger<T> =>
        _translations![field] is { } map ? T.CreateTruncating(map.Translate(ulong.CreateTruncating(value))) : value;

    /// <summary>Reads a C <c>bool</c> (any non-zero value is true); false when absent.</summary>
    public bool ReadBool(ReadOnlySpan<byte> record, int field) => Convert(record, _slots[field]) != 0;

    /// <summary>Reads a number as the record holds it (sign-extended where it is signed), untranslated; 0 when absent.</summary>
    public ulong ReadRaw(ReadOnlySpan<byte> record, int field) => Convert(record, _slots[field]);

    /// <summary>The name the records' kernel gives <paramref name="raw"/> (a value as <see cref="ReadRaw"/> reads it) in field <paramref name="field"/>: what its own text prints; null when it names none.</summary>
    public string? ValueName(int field, ulong raw) => _valueNames?[field]?.NameOf(raw);

    /// <summary>The name the records' kernel gives field <paramref name="field"/>'s value in <paramref name="record"/>, or null.</summary>
    public string? ValueName(ReadOnlySpan<byte> record, int field) => _valueNames?[field]?.NameOf(Convert(record, _slots[field]));

    /// <summary>The records' kernel's flag names of field <paramref name="field"/> (a <c>__print_flags</c> table), in its order; empty when it has none.</summary>
    public ReadOnlySpan<FlagName> FlagNames(int field) => _valueNames?[field]?.Flags;

    /// <summary>The bytes of a fixed-size field (or of a flexible array, to the record's end); empty when absent.</summary>
    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> record, int field)
    {
        FieldSlot slot = _slots[field];
        if (!slot.IsPresent)
            return default;
        return (slot.Flags & FieldSlotFlags.Tail) != 0 ? RecordReader.Tail(record, slot.Offset) : RecordReader.Bytes(record, slot.Offset, slot.Size);
    }

    /// <summary>The elements of a fixed-size array field.</summary>
    public ReadOnlySpan<T> Array<T>(ReadOnlySpan<byte> record, int field) where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes(record, field));

    /// <summary>Element <paramref name="index"/> of an array field, or the default when the array is shorter here.</summary>
    public T Element<T>(ReadOnlySpan<byte> record, int field, int index) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = Bytes(record, field);
        int offset = index * Unsafe.SizeOf<T>();
        return offset >= 0 && offset + Unsafe.SizeOf<T>() <= bytes.Length ? RecordReader.Read<T>(bytes, offset) : default;
    }

    /// <summary>A <c>char[N]</c> field as a string, ending at its first NUL.</summary>
    public KernelString CharArray(ReadOnlySpan<byte> record, int field) => new(Bytes(record, field));

    /// <summary>The payload of a dynamic field; empty when absent.</summary>
    public ReadOnlySpan<byte> Dynamic(ReadOnlySpan<byte> record, int field, out bool truncated)
    {
        FieldSlot slot = _slots[field];
        truncated = false;
        return slot.IsPresent ? RecordReader.Dynamic(record, slot.Offset, slot.IsRelative, out truncated) : default;
    }

    /// <summary>A dynamic string field.</summary>
    public KernelString DynamicString(ReadOnlySpan<byte> record, int field)
    {
        ReadOnlySpan<byte> bytes = Dynamic(record, field, out bool truncated);
        return new KernelString(bytes, truncated);
    }

    /// <summary>A dynamic array field, as whole elements.</summary>
    public ReadOnlySpan<T> DynamicArray<T>(ReadOnlySpan<byte> record, int field) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(Dynamic(record, field, out _));

    /// <summary>The length word of a dynamic field (what <c>__get_dynamic_array_len</c> gives); 0 when absent.</summary>
    public uint DynamicLength(ReadOnlySpan<byte> record, int field)
    {
        FieldSlot slot = _slots[field];
        return slot.IsPresent ? RecordReader.Read<uint>(record, slot.Offset) >> 16 : 0;
    }

    // A number as the running kernel lays it out: its size, sign-extended where it is signed.
    private static ulong Convert(ReadOnlySpan<byte> record, in FieldSlot slot)
    {
        if (!slot.IsPresent)
            return 0;
        bool signed = slot.IsSigned;
        return slot.Size switch
        {
            1 => signed ? unchecked((ulong)RecordReader.Read<sbyte>(record, slot.Offset)) : RecordReader.Read<byte>(record, slot.Offset),
            2 => signed ? unchecked((ulong)RecordReader.Read<short>(record, slot.Offset)) : RecordReader.Read<ushort>(record, slot.Offset),
            4 => signed ? unchecked((ulong)RecordReader.Read<int>(record, slot.Offset)) : RecordReader.Read<uint>(record, slot.Offset),
            8 => RecordReader.Read<ulong>(record, slot.Offset),
            _ => 0,
        };
    }
}
