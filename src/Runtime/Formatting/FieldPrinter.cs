using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TpGen.Decoding;
using TpGen.Schema;

namespace TpGen.Formatting;

/// <summary>
/// Writes one field of a record the way the event's own text shows it (<see cref="FieldDisplay"/>):
/// names from its <c>__print_symbolic</c>/<c>__print_flags</c> table, <c>%pS</c> addresses as
/// symbols, <c>%pI4</c> and socket addresses as addresses, strings as text, with the same
/// <see cref="TraceTextWriter"/> the generated <c>ToString()</c> uses. Plain numbers are their
/// values, in decimal. For schemas known only at run time: tpgen's JSON and <c>--count-by</c>.
/// </summary>
public sealed class FieldPrinter
{
    private readonly Dictionary<string, Field> _byName = new(StringComparer.Ordinal);
    private readonly Field[] _own;

    /// <summary>A printer for the records of <paramref name="schema"/>.</summary>
    public FieldPrinter(TracepointSchema schema)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        var displays = new List<FieldDisplay>();
        var own = new List<Field>();
        foreach (FieldSpec field in schema.Fields)
        {
            var entry = new Field(FieldDisplay.For(schema, field));
            _byName[field.Name] = entry;
            if (!field.IsCommon)
            {
                displays.Add(entry.Display);
                own.Add(entry);
            }
        }
        Displays = displays;
        _own = own.ToArray();
    }

    /// <summary>The event.</summary>
    public TracepointSchema Schema { get; }

    /// <summary>How each of the event's own fields is shown, in field order.</summary>
    public IReadOnlyList<FieldDisplay> Displays { get; }

    /// <summary>How field <paramref name="field"/> (its own or a common one) is shown.</summary>
    /// <exception cref="ArgumentException">The event has no such field.</exception>
    public FieldDisplay Display(string field) => Find(field).Display;

    /// <summary>The field's value as text: as the event's text shows it, numbers in decimal.</summary>
    /// <exception cref="TraceRecordException">The record is too short for the field.</exception>
    public string Text(string field, ReadOnlySpan<byte> record) => Text(Find(field), record);

    private Field Find(string field) =>
        _byName.TryGetValue(field, out Field? entry) ? entry : throw new ArgumentException($"{Schema.FullName} has no field '{field}'", nameof(field));

    /// <summary>
    /// Writes the event's own fields as JSON properties, each named as the field: numbers as
    /// numbers, bools as booleans, arrays of numbers as arrays, everything else as the text shows it.
    /// </summary>
    /// <exception cref="TraceRecordException">The record is too short for a field; the properties before it are written.</exception>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public void WriteJson(Utf8JsonWriter json, ReadOnlySpan<byte> record)
    {
        ArgumentNullException.ThrowIfNull(json);
        // Most fields' text fits here; the text is written from it without a string in between.
        Span<char> text = stackalloc char[256];
        bool relaxed = ReferenceEquals(json.Options.Encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        foreach (Field entry in _own)
        {
            FieldSpec field = entry.Display.Field;
            // Each value is read before its name is written, so a record that ends early leaves whole properties.
            switch (entry.Display.Show)
            {
                case FieldShow.Number:
                {
                    ulong bits = Integer(field, record);
                    json.WritePropertyName(entry.JsonName);
                    if (IsSigned(field))
                        json.WriteNumberValue(unchecked((long)bits));
                    else
                        json.WriteNumberValue(bits);
                    break;
                }
                case FieldShow.Bool:
                {
                    bool value = Integer(field, record) != 0;
                    json.WriteBoolean(entry.JsonName, value);
                    break;
                }
                case FieldShow.Array:
                {
                    ReadOnlySpan<byte> bytes = Payload(field, record);
                    json.WriteStartArray(entry.JsonName);
                    for (int at = 0; at + field.ElementSize <= bytes.Length; at += field.ElementSize)
                    {
                        ulong element = Element(bytes.Slice(at), field.ElementSize, field.IsSigned);
                        if (field.IsSigned)
                            json.WriteNumberValue(unchecked((long)element));
                        else
                            json.WriteNumberValue(element);
                    }
                    json.WriteEndArray();
                    break;
                }
                default:
                    if (TryWrite(entry, record, text, out int written))
                    {
                        if (!relaxed || !TryWriteAsciiString(json, entry.JsonName, text.Slice(0, written)))
                            json.WriteString(entry.JsonName, text.Slice(0, written));
                    }
                    else
                        json.WriteString(entry.JsonName, Text(entry, record));
                    break;
            }
        }
    }

    // Printable ASCII that relaxed JSON escaping leaves as it is: all but the quote and the backslash.
    private static readonly SearchValues<char> s_plainJson = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// Writes <paramref name="text"/> as a JSON string without the encoder's scan and transcoding,
    /// when every character is one that <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>
    /// leaves alone (the usual field text: names, hex, symbols); false, having written nothing, otherwise.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static bool TryWriteAsciiString(Utf8JsonWriter json, JsonEncodedText name, ReadOnlySpan<char> text)
    {
        if (text.Length > 254 || text.ContainsAnyExcept(s_plainJson))
            return false;
        Span<byte> quoted = stackalloc byte[256];
        quoted[0] = (byte)'"';
        Ascii.FromUtf16(text, quoted.Slice(1), out int length);
        quoted[length + 1] = (byte)'"';
        json.WritePropertyName(name);
        json.WriteRawValue(quoted.Slice(0, length + 2), skipInputValidation: true);
        return true;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static string Text(Field display, ReadOnlySpan<byte> record)
    {
        Span<char> stack = stackalloc char[256];
        if (TryWrite(display, record, stack, out int written))
            return new string(stack.Slice(0, written));
        // A field's text is bounded by its record (at most 64 KiB), so this ends well before the limit.
        for (int size = 1024; size <= 1 << 24; size *= 4)
        {
            char[] rented = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (TryWrite(display, record, rented, out written))
                    return new string(rented, 0, written);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
        return "(field text longer than 16 Mi characters)";
    }

    private static bool TryWrite(Field entry, ReadOnlySpan<byte> record, Span<char> destination, out int written)
    {
        FieldDisplay display = entry.Display;
        FieldSpec field = display.Field;
        var w = new TraceTextWriter(destination);
        var text = new FormatSpec(FormatFlags.None, -1, display.Precision, 8, 's');
        switch (display.Show)
        {
            case FieldShow.Names:
            {
                ulong value = entry.NamedValue(record);
                if (entry.Flags is { } flags)
                    w.Flags(value, display.Delimiter ?? "|", flags);
                else
                    w.Symbol(entry.NameOf(value), value);
                break;
            }
            case FieldShow.Symbol:
                w.Symbol(Integer(field, record), display.WithOffset, default);
                break;
            case FieldShow.Address:
                w.Pointer(Integer(field, record), default);
                break;
            case FieldShow.KernelString:
                w.KernelString(Integer(field, record), text);
                break;
            case FieldShow.AddressBytes:
                w.PointerBytes(RecordReader.Bytes(record, field.Offset, field.Size), display.Extension, default);
                break;
            case FieldShow.String:
                w.String(field.Kind == FieldKind.DynamicString
                    ? RecordReader.DynamicString(record, field.Offset, field.Location == DynamicLocation.RelLoc).Utf8
                    : field.ElementCount == 0 ? Terminated(RecordReader.Tail(record, field.Offset)) : RecordReader.CharArray(record, field.Offset, field.Size).Utf8, text);
                break;
            case FieldShow.Bool:
                w.Literal(Integer(field, record) != 0 ? "true" : "false");
                break;
            case FieldShow.Number:
            {
                w.Integer(Integer(field, record), IsSigned(field) ? s_signed : s_unsigned);
                break;
            }
            case FieldShow.Array:
            {
                ReadOnlySpan<byte> bytes = Payload(field, record);
                w.Char('[');
                for (int at = 0; at + field.ElementSize <= bytes.Length; at += field.ElementSize)
                {
                    if (at > 0)
                        w.Char(',');
                    ulong element = Element(bytes.Slice(at), field.ElementSize, field.IsSigned);
                    w.Integer(element, field.IsSigned ? s_signed : s_unsigned);
                }
                w.Char(']');
                break;
            }
            default:
                w.Literal(Convert.ToHexString(Payload(field, record)).ToLowerInvariant());
                break;
        }
        return w.TryComplete(out written);
    }

    private static ulong Integer(FieldSpec field, ReadOnlySpan<byte> record) =>
        Element(RecordReader.Bytes(record, field.Offset, field.Size), field.Size, IsSigned(field));

    // Addresses and bools are unsigned whatever the format's signed: says.
    private static bool IsSigned(FieldSpec field) => field.IsSigned && field.Kind is not (FieldKind.Pointer or FieldKind.Bool);

    private static ulong Element(ReadOnlySpan<byte> bytes, int size, bool signed) => size switch
    {
        1 => signed ? unchecked((ulong)(sbyte)bytes[0]) : bytes[0],
        2 => signed ? unchecked((ulong)BinaryPrimitives.ReadInt16LittleEndian(bytes)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => signed ? unchecked((ulong)BinaryPrimitives.ReadInt32LittleEndian(bytes)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    // A number in decimal, as C prints a 64-bit value with %lld or %llu.
    private static readonly FormatSpec s_signed = new(FormatFlags.None, -1, -1, 8, 'd');
    private static readonly FormatSpec s_unsigned = new(FormatFlags.None, -1, -1, 8, 'u');

    private static ulong Extend(ulong value, int size, bool signed)
    {
        if (size >= 8)
            return value;
        ulong mask = (1UL << (size * 8)) - 1;
        value &= mask;
        return signed && (value >> (size * 8 - 1) & 1) != 0 ? value | ~mask : value;
    }

    private static ReadOnlySpan<byte> Payload(FieldSpec field, ReadOnlySpan<byte> record) => field.Kind switch
    {
        FieldKind.DynamicArray or FieldKind.DynamicString => RecordReader.Dynamic(record, field.Offset, field.Location == DynamicLocation.RelLoc, out _),
        FieldKind.FixedArray or FieldKind.CharArray when field.ElementCount == 0 => RecordReader.Tail(record, field.Offset),
        _ => RecordReader.Bytes(record, field.Offset, field.Size),
    };

    private static ReadOnlySpan<byte> Terminated(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return end >= 0 ? bytes.Slice(0, end) : bytes;
    }

    /// <summary>One field, with what showing it needs worked out once rather than at every record.</summary>
    private sealed class Field
    {
        private readonly SymbolNames? _names;
        private readonly (int Size, bool Signed)[] _casts;

        public Field(FieldDisplay display)
        {
            Display = display;
            FieldSpec field = display.Field;
            JsonName = JsonEncodedText.Encode(field.Name, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            if (display.Names is { } table)
            {
                // The decoder's reading of the table: the first entry of a value is the name the kernel prints.
                _names = new SymbolNames(table);
                if (table.IsFlags)
                    Flags = _names.Flags;
            }
            // The casts of the print fmt's expression, innermost first: the order they apply in.
            var casts = new List<(int, bool)>();
            for (PrintExpr? expression = display.NamedValue; expression is CastExpr cast; expression = cast.Operand)
            {
                CType type = cast.Type;
                if (type.PointerDepth > 0)
                    casts.Add((8, false));
                else if (CTypeFacts.TryGet(type.BaseType, out int castSize, out bool castSigned))
                    casts.Add((castSize, castSigned));
            }
            casts.Reverse();
            _casts = casts.ToArray();
        }

        public FieldDisplay Display { get; }

        /// <summary>The field's name as a JSON property name, escaped as tpgen's JSON escapes (field names are C identifiers, so any encoder agrees).</summary>
        public JsonEncodedText JsonName { get; }

        /// <summary>The <c>__print_flags</c> table, in its order; null for others.</summary>
        public FlagName[]? Flags { get; }

        /// <summary>The <c>__print_symbolic</c> name of <paramref name="value"/>, or null.</summary>
        public string? NameOf(ulong value) => _names?.NameOf(value);

        /// <summary>
        /// The value the field's table is given, as the kernel passes it (<c>unsigned long</c>): the
        /// field's value through the casts of the print fmt's expression, sign-extended from the last.
        /// </summary>
        public ulong NamedValue(ReadOnlySpan<byte> record)
        {
            FieldSpec field = Display.Field;
            ulong value = Integer(field, record);
            foreach ((int size, bool signed) in _casts)
                value = Extend(value, size, signed);
            return value;
        }
    }
}
