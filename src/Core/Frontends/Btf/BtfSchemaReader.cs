using System;
using System.Collections.Generic;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Btf;

/// <summary>
/// Reads a tracepoint's record layout from BTF into the same <see cref="TracepointSchema"/> that
/// the tracefs format of the event gives, and kernel enums into <see cref="EnumSpec"/>s.
/// </summary>
/// <remarks>
/// <para>
/// The kernel's trace-event macros declare one <c>struct trace_event_raw_&lt;class&gt;</c> per
/// event class: <c>struct trace_entry ent</c> (the common fields), the event's fields in order,
/// and a flexible <c>char __data[]</c> for the dynamic payloads. This reader turns <c>ent</c>
/// into <c>common_type</c>, <c>common_flags</c>, <c>common_preempt_count</c> and <c>common_pid</c>,
/// and drops <c>__data</c>.
/// </para>
/// <para>
/// What BTF does not hold: the print fmt (the schema has none, and says so in
/// <see cref="TracepointSchema.PrintProblem"/>), the event id (-1), which class a
/// <c>DEFINE_EVENT</c> event uses (see <see cref="BtfEventCatalog"/>), and what a dynamic field
/// holds: a <c>__data_loc</c> is a bare <c>u32 __data_loc_&lt;name&gt;</c>, read as a string
/// (<c>__data_loc char[]</c>, signed as BTF's <c>char</c> is) unless <see cref="DynamicFieldHints"/>
/// say otherwise: an array such as <c>__data_loc u64[]</c> needs a hint to read right. C type text
/// is rebuilt from BTF, so where the kernel's source spelled a type differently (<c>unsigned</c>
/// for <c>unsigned int</c>, a macro for a typedef) the text differs from tracefs' while size,
/// sign and kind agree.
/// </para>
/// </remarks>
public static class BtfSchemaReader
{
    /// <summary>The prefix of the struct that holds an event class's record.</summary>
    public const string ClassStructPrefix = "trace_event_raw_";

    /// <summary>Why a schema read from BTF has no print fmt.</summary>
    public const string NoPrintFmt =
        "BTF describes the record's layout but not its print fmt; take the print fmt from a snapshot, tracefs or the kernel headers";

    private const string DataLocPrefix = "__data_loc_";
    private const string RelLocPrefix = "__rel_loc_";

    /// <summary>Whether BTF has <c>struct trace_event_raw_&lt;<paramref name="className"/>&gt;</c>.</summary>
    public static bool HasClass(BtfData btf, string className) =>
        btf.FindByName(BtfKind.Struct, ClassStructPrefix + className).Count > 0;

    /// <summary>
    /// Reads event <paramref name="eventName"/> whose class has the same name, as for every
    /// <c>TRACE_EVENT</c>. For a <c>DEFINE_EVENT</c>, pass the class name. (Should a
    /// <c>DEFINE_EVENT</c> share its name with an unrelated class, this reads that class; the
    /// kernel's naming makes that unlikely, and BTF cannot tell.)
    /// </summary>
    /// <exception cref="FormatParseException">BTF has no such class, or its description is corrupt.</exception>
    public static TracepointSchema Read(BtfData btf, string system, string eventName, DynamicFieldHints? hints = null) =>
        Read(btf, system, eventName, eventName, hints);

    /// <summary>Reads event <paramref name="eventName"/> with the record of class <paramref name="className"/>.</summary>
    /// <param name="btf">The kernel's BTF.</param>
    /// <param name="system">The event's system, e.g. <c>skb</c>; BTF does not know it.</param>
    /// <param name="eventName">The event's name, e.g. <c>kfree_skb</c>.</param>
    /// <param name="className">The event's class: from a snapshot, tracefs, the kernel headers or <see cref="BtfEventCatalog.FindClass"/>.</param>
    /// <param name="hints">What the dynamic fields hold; without a hint a dynamic field is a string.</param>
    /// <exception cref="FormatParseException">BTF has no such class, or its description is corrupt.</exception>
    public static TracepointSchema Read(BtfData btf, string system, string eventName, string className, DynamicFieldHints? hints = null) =>
        TryRead(btf, system, eventName, className, hints)
        ?? throw NotFound(btf, $"BTF has no struct {ClassStructPrefix}{className}: the event's class is named otherwise (a DEFINE_EVENT shares its template's class; pass the class name) or the event is not in this BTF (syscall and ftrace events have no such struct; module events are in the module's BTF)");

    /// <summary>Like <see cref="Read(BtfData, string, string, string, DynamicFieldHints?)"/>, but null when BTF has no such class.</summary>
    /// <exception cref="FormatParseException">the class's description is corrupt.</exception>
    public static TracepointSchema? TryRead(BtfData btf, string system, string eventName, string className, DynamicFieldHints? hints = null)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        TraceNames.ThrowIfInvalidEvent(eventName, nameof(eventName));
        TraceNames.ThrowIfInvalidClass(className, nameof(className));

        IReadOnlyList<BtfType> found = btf.FindByName(BtfKind.Struct, ClassStructPrefix + className);
        if (found.Count == 0)
            return null;
        BtfType raw = found[0];
        var reader = new RecordReader(btf, raw, hints ?? DynamicFieldHints.None);
        List<FieldSpec> fields = reader.ReadFields();
        return new TracepointSchema(system, eventName, -1, fields.ToEquatableArray(), null, null, NoPrintFmt, reader.Enums.ToEquatableArray());
    }

    /// <summary>
    /// The kernel enum <paramref name="name"/> (with or without <c>enum </c>), e.g.
    /// <c>skb_drop_reason</c>: BTF names values where a print fmt has no table for them. Null
    /// when BTF has no such enum.
    /// </summary>
    public static EnumSpec? FindEnum(BtfData btf, string name)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        if (name is null)
            throw new ArgumentNullException(nameof(name));
        string tag = name.StartsWith("enum ", StringComparison.Ordinal) ? name.Substring(5).Trim() : name;
        foreach (BtfKind kind in new[] { BtfKind.Enum, BtfKind.Enum64 })
        {
            IReadOnlyList<BtfType> found = btf.FindByName(kind, tag);
            if (found.Count > 0)
                return ToEnumSpec(btf, found[0], tag);
        }
        return null;
    }

    /// <summary>
    /// Every enumerator of every enum in <paramref name="btf"/> (named or anonymous, such as the
    /// TCP states), by name: the values of kernel constants that print fmts name without defining
    /// them (see <see cref="KernelConstants"/>). A name that two enums give different values is
    /// left out, since BTF cannot say which one a print fmt means.
    /// </summary>
    public static IReadOnlyDictionary<string, long> EnumConstants(BtfData btf)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        var constants = new Dictionary<string, long>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        for (int id = 1; id < btf.TypeCount; id++)
        {
            if (btf.KindOf(id) is not (BtfKind.Enum or BtfKind.Enum64))
                continue;
            foreach (BtfEnumerator enumerator in btf.TypeById(id).Enumerators)
            {
                if (constants.TryGetValue(enumerator.Name, out long value) && value != enumerator.Value)
                    ambiguous.Add(enumerator.Name);
                else
                    constants[enumerator.Name] = enumerator.Value;
            }
        }
        foreach (string name in ambiguous)
            constants.Remove(name);
        return constants;
    }

    internal static EnumSpec ToEnumSpec(BtfData btf, BtfType type, string name)
    {
        // C enums, and so BTF's (the kernel's verifier checks it), are 1, 2, 4 or 8 bytes.
        if (type.Size is not (1 or 2 or 4 or 8))
            throw btf.Error(type.Id, $"{btf.Describe(type.Id)} is {type.Size} bytes; an enum is 1, 2, 4 or 8");
        var members = new EnumMember[type.Enumerators.Count];
        for (int i = 0; i < members.Length; i++)
            members[i] = new EnumMember(type.Enumerators[i].Name, type.Enumerators[i].Value);
        return new EnumSpec(name, type.Size, type.IsSignedEnum, new EquatableArray<EnumMember>(members));
    }

    private static FormatParseException NotFound(BtfData btf, string message) =>
        new(new FormatDiagnostic(btf.File, 1, 1, message, IsError: true));

    /// <summary>Turns the members of one <c>trace_event_raw_*</c> struct into fields.</summary>
    private sealed class RecordReader
    {
        private readonly BtfData _btf;
        private readonly BtfType _raw;
        private readonly DynamicFieldHints _hints;
        private readonly List<FieldSpec> _fields = new();
        private readonly HashSet<string> _enumNames = new(StringComparer.Ordinal);

        public RecordReader(BtfData btf, BtfType raw, DynamicFieldHints hints)
        {
            _btf = btf;
            _raw = raw;
            _hints = hints;
        }

        public List<EnumSpec> Enums { get; } = new();

        public List<FieldSpec> ReadFields()
        {
            if (_raw.Size > FormatFileReader.MaxRecordSize)
                throw Error($"is {_raw.Size} bytes, larger than a trace record can be ({FormatFileReader.MaxRecordSize})");
            IReadOnlyList<BtfMember> members = _raw.Members;
            if (members.Count == 0 || members[0].Name != "ent")
                throw Error("does not start with 'struct trace_entry ent', so it is not a trace event record");

            ReadCommonFields(members[0]);
            for (int i = 1; i < members.Count; i++)
            {
                BtfMember member = members[i];
                // The kernel ends every record with "char __data[0]", the start of the dynamic payloads.
                if (i == members.Count - 1 && member.Name == "__data" && IsFlexibleArray(member.Type))
                    break;
                ReadField(member, _raw, 0, isCommon: false);
            }
            CheckLayout();
            return _fields;
        }

        private void ReadCommonFields(BtfMember ent)
        {
            int entOffset = ByteOffset(ent, _raw);
            BtfType entry = _btf.TypeById(StripTypedefs(ent.Type));
            if (entry.Kind != BtfKind.Struct || entry.Members.Count == 0)
                throw Error($"member 'ent' is {_btf.Describe(entry.Id)}, not struct trace_entry with the common fields");
            foreach (BtfMember member in entry.Members)
                ReadField(member with { Name = "common_" + member.Name }, entry, entOffset, isCommon: true);
        }

        private void ReadField(BtfMember member, BtfType owner, int baseOffset, bool isCommon)
        {
            if (!TraceNames.IsField(member.Name))
                throw Error($"has a member named '{BtfData.Printable(member.Name)}', which is not a C identifier");
            int offset = baseOffset + ByteOffset(member, owner);

            string? dynamicName = null;
            DynamicLocation location = DynamicLocation.None;
            if (member.Name.StartsWith(DataLocPrefix, StringComparison.Ordinal) && member.Name.Length > DataLocPrefix.Length)
                (dynamicName, location) = (member.Name.Substring(DataLocPrefix.Length), DynamicLocation.DataLoc);
            else if (member.Name.StartsWith(RelLocPrefix, StringComparison.Ordinal) && member.Name.Length > RelLocPrefix.Length)
                (dynamicName, location) = (member.Name.Substring(RelLocPrefix.Length), DynamicLocation.RelLoc);

            if (dynamicName is not null && !isCommon)
            {
                if (!TraceNames.IsField(dynamicName))
                    throw Error($"has a member named '{BtfData.Printable(member.Name)}', whose field name '{BtfData.Printable(dynamicName)}' is not a C identifier");
                long size = BtfFieldType.SizeOf(_btf, member.Type, _raw, member.Name);
                if (size != 4)
                    throw Error($"member '{member.Name}' is {size} bytes; a __data_loc/__rel_loc word is 4");
                CheckInside(member.Name, offset, 4);
                // BTF has only the u32 location word. The hint says what it points at; a string's
                // sign is that of char (unsigned in kernels built with -funsigned-char, 6.2 on).
                (CType type, bool? hintSigned) = _hints.TypeOf(dynamicName, location);
                bool signed = hintSigned ?? CharIsSigned();
                _fields.Add(FieldRules.Dynamic(dynamicName, type, offset, signed, isCommon));
                return;
            }

            BtfFieldType described = BtfFieldType.Describe(_btf, member.Type, owner, member.Name);
            CType ctype = described.Type;
            // As in a format file: only a flexible array is empty.
            if (described.Size == 0 && ctype.ArrayLength != 0)
                throw Error($"member '{member.Name}' has size 0 ({BtfData.Printable(ctype.Text)}); only a flexible array can be empty");
            CheckInside(member.Name, offset, described.Size);
            FieldSpec field = ctype.ArrayLength is int count
                ? new FieldSpec(member.Name, ctype, offset, described.Size, described.IsSigned, FieldRules.ArrayKind(ctype), described.ElementSize, count, isCommon)
                : new FieldSpec(member.Name, ctype, offset, described.Size, described.IsSigned, FieldRules.ScalarKind(ctype, described.Size), described.Size, 1, isCommon);
            _fields.Add(field);

            if (!isCommon && described.Enum is { } enumType && described.EnumName is { } enumName && _enumNames.Add(enumName))
                Enums.Add(ToEnumSpec(_btf, enumType, enumName));
        }

        private int ByteOffset(BtfMember member, BtfType owner)
        {
            if (member.BitfieldSize != 0)
                throw _btf.Error(owner.Id, $"{_btf.Describe(owner.Id)}: member '{BtfData.Printable(member.Name)}' is a {member.BitfieldSize}-bit bitfield; trace records have none");
            if (member.BitOffset % 8 != 0)
                throw _btf.Error(owner.Id, $"{_btf.Describe(owner.Id)}: member '{BtfData.Printable(member.Name)}' starts at bit {member.BitOffset}, not on a byte");
            return member.BitOffset / 8;
        }

        private void CheckInside(string name, int offset, long size)
        {
            if (offset + size > _raw.Size)
                throw Error($"member '{name}' (offset {offset}, size {size}) runs past the end of the {_raw.Size}-byte struct");
        }

        // The same rules as a format file: unique names, no overlaps.
        private void CheckLayout()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (FieldSpec field in _fields)
            {
                if (!names.Add(field.Name))
                    throw Error($"defines field '{field.Name}' twice");
            }
            var sorted = new List<FieldSpec>(_fields);
            sorted.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Size.CompareTo(b.Size));
            for (int i = 1; i < sorted.Count; i++)
            {
                FieldSpec previous = sorted[i - 1], current = sorted[i];
                if (current.Size > 0 && current.Offset < previous.Offset + previous.Size)
                    throw Error($"field '{current.Name}' (offset {current.Offset}, size {current.Size}) overlaps field '{previous.Name}' (offset {previous.Offset}, size {previous.Size})");
            }
        }

        private bool IsFlexibleArray(int typeId)
        {
            BtfType type = _btf.TypeById(StripTypedefs(typeId));
            return type.Kind == BtfKind.Array && type.Array.Count == 0;
        }

        private int StripTypedefs(int typeId)
        {
            int id = typeId;
            while (_btf.TypeById(id) is { Kind: BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag } type)
                id = type.ReferencedType;
            return id;
        }

        private bool CharIsSigned()
        {
            IReadOnlyList<BtfType> chars = _btf.FindByName(BtfKind.Int, "char");
            return chars.Count > 0 && chars[0].Int.IsSigned;
        }

        private FormatParseException Error(string message) => _btf.Error(_raw.Id, $"{_btf.Describe(_raw.Id)} {message}");
    }
}
