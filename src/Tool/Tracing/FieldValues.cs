using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TpGen.Decoding;
using TpGen.Schema;

namespace TpGen.Tool.Tracing;

/// <summary>
/// Reads an event's fields by its schema for <c>--output json</c> and <c>--count-by</c>: numbers as
/// numbers, addresses as hex, strings as strings, and values the print fmt names by their names.
/// </summary>
internal sealed class FieldValues
{
    private readonly TracepointSchema _schema;
    private readonly Dictionary<string, SymbolTable> _names = new();

    public FieldValues(TracepointSchema schema)
    {
        _schema = schema;
        if (schema.Print is null)
            return;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            if (PrintExprWalker.FieldRead(table.Value) is { } field && !_names.ContainsKey(field))
                _names[field] = table;
        }
    }

    public TracepointSchema Schema => _schema;

    /// <summary>Writes the event's own fields (not the common ones) as JSON properties.</summary>
    public void WriteFields(Utf8JsonWriter json, ReadOnlySpan<byte> record)
    {
        foreach (FieldSpec field in _schema.Fields)
        {
            if (field.IsCommon)
                continue;
            json.WritePropertyName(field.Name);
            WriteValue(json, field, record);
        }
    }

    /// <summary>A field's value as text, the way <c>--count-by</c> groups it.</summary>
    public string Text(string fieldName, ReadOnlySpan<byte> record)
    {
        FieldSpec field = _schema.FindField(fieldName)!;
        switch (field.Kind)
        {
            case FieldKind.CharArray when field.ElementCount > 0:
                return RecordReader.CharArray(record, field.Offset, field.Size).ToString();
            case FieldKind.DynamicString:
                return RecordReader.DynamicString(record, field.Offset, field.Location == DynamicLocation.RelLoc).ToString();
            case FieldKind.Pointer:
                return "0x" + Integer(field, record).ToString("x", CultureInfo.InvariantCulture);
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool:
                ulong bits = Integer(field, record);
                return Name(field, bits) ?? (field.IsSigned ? unchecked((long)bits).ToString(CultureInfo.InvariantCulture) : bits.ToString(CultureInfo.InvariantCulture));
            default:
                return Convert.ToHexString(Bytes(field, record)).ToLowerInvariant();
        }
    }

    private void WriteValue(Utf8JsonWriter json, FieldSpec field, ReadOnlySpan<byte> record)
    {
        switch (field.Kind)
        {
            case FieldKind.Scalar or FieldKind.Enum:
            {
                ulong bits = Integer(field, record);
                if (Name(field, bits) is { } name)
                    json.WriteStringValue(name);
                else if (field.IsSigned)
                    json.WriteNumberValue(unchecked((long)bits));
                else
                    json.WriteNumberValue(bits);
                break;
            }
            case FieldKind.Bool:
                json.WriteBooleanValue(Integer(field, record) != 0);
                break;
            case FieldKind.Pointer:
                json.WriteStringValue("0x" + Integer(field, record).ToString("x", CultureInfo.InvariantCulture));
                break;
            case FieldKind.CharArray or FieldKind.DynamicString:
                json.WriteStringValue(Text(field.Name, record));
                break;
            case FieldKind.FixedArray or FieldKind.DynamicArray when field.ElementSize is 1 or 2 or 4 or 8:
            {
                ReadOnlySpan<byte> bytes = Bytes(field, record);
                json.WriteStartArray();
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
                json.WriteStringValue(Convert.ToHexString(Bytes(field, record)).ToLowerInvariant());
                break;
        }
    }

    // __print_symbolic gives one name; __print_flags names each set bit, joined the kernel's way.
    private string? Name(FieldSpec field, ulong bits)
    {
        if (!_names.TryGetValue(field.Name, out SymbolTable? table))
            return null;
        if (!table.IsFlags)
        {
            foreach (SymbolEntry entry in table.Entries)
            {
                if (entry.IsResolved && entry.Value == bits)
                    return entry.Name;
            }
            return null;
        }
        var names = new StringBuilder();
        ulong rest = bits;
        foreach (SymbolEntry entry in table.Entries)
        {
            if (!entry.IsResolved || rest == 0 || (rest & entry.Value) != entry.Value)
                continue;
            rest &= ~entry.Value;
            if (names.Length > 0)
                names.Append(table.Delimiter);
            names.Append(entry.Name);
        }
        if (rest != 0)
            names.Append(names.Length > 0 ? table.Delimiter : "").Append("0x").Append(rest.ToString("x", CultureInfo.InvariantCulture));
        return names.ToString();
    }

    private static ulong Integer(FieldSpec field, ReadOnlySpan<byte> record) =>
        Element(RecordReader.Bytes(record, field.Offset, field.Size), field.Size, field.IsSigned && field.Kind != FieldKind.Pointer);

    private static ulong Element(ReadOnlySpan<byte> bytes, int size, bool signed) => size switch
    {
        1 => signed ? unchecked((ulong)(sbyte)bytes[0]) : bytes[0],
        2 => signed ? unchecked((ulong)BitConverter.ToInt16(bytes)) : BitConverter.ToUInt16(bytes),
        4 => signed ? unchecked((ulong)BitConverter.ToInt32(bytes)) : BitConverter.ToUInt32(bytes),
        _ => BitConverter.ToUInt64(bytes),
    };

    private static ReadOnlySpan<byte> Bytes(FieldSpec field, ReadOnlySpan<byte> record) => field.Kind switch
    {
        FieldKind.DynamicArray or FieldKind.DynamicString => RecordReader.Dynamic(record, field.Offset, field.Location == DynamicLocation.RelLoc, out _),
        FieldKind.FixedArray or FieldKind.CharArray when field.ElementCount == 0 => RecordReader.Tail(record, field.Offset),
        _ => RecordReader.Bytes(record, field.Offset, field.Size),
    };
}
