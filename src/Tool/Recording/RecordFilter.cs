using System;
using System.Buffers.Binary;
using TpGen.Filters;
using TpGen.Schema;

namespace TpGen.Tool.Recording;

/// <summary>
/// Decides a checked filter (<see cref="FilterExpr"/>) on a record read from a file, with the
/// semantics the BPF filters of <c>tpgen trace</c> have: numbers in the field's own signedness,
/// strings equal up to their NUL. A field that lies outside a damaged record does not match.
/// </summary>
internal static class RecordFilter
{
    public static bool Matches(FilterExpr filter, ReadOnlySpan<byte> record) => filter switch
    {
        AndFilter and => Matches(and.Left, record) && Matches(and.Right, record),
        OrFilter or => Matches(or.Left, record) || Matches(or.Right, record),
        NotFilter not => !Matches(not.Operand, record),
        CompareFilter compare => Compare(compare, record),
        StringFilter text => StringEquals(text, record) == text.Equal,
        _ => throw new ArgumentException("unknown filter node " + filter.GetType().Name, nameof(filter)),
    };

    private static bool Compare(CompareFilter compare, ReadOnlySpan<byte> record)
    {
        FieldSpec field = compare.Field;
        if (field.Offset < 0 || field.Offset + field.Size > record.Length || field.Size is not (1 or 2 or 4 or 8))
            return false;
        ReadOnlySpan<byte> bytes = record.Slice(field.Offset, field.Size);
        bool signed = field.IsSigned && field.Kind != FieldKind.Pointer;
        if (signed)
        {
            long value = field.Size switch
            {
                1 => (sbyte)bytes[0],
                2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
                4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            };
            return Holds(value.CompareTo(unchecked((long)compare.Value)), compare.Operator);
        }
        ulong unsignedValue = field.Size switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        return Holds(unsignedValue.CompareTo(compare.Value), compare.Operator);
    }

    private static bool Holds(int order, FilterOperator op) => op switch
    {
        FilterOperator.Equal => order == 0,
        FilterOperator.NotEqual => order != 0,
        FilterOperator.Less => order < 0,
        FilterOperator.LessOrEqual => order <= 0,
        FilterOperator.Greater => order > 0,
        _ => order >= 0,
    };

    private static bool StringEquals(StringFilter text, ReadOnlySpan<byte> record)
    {
        FieldSpec field = text.Field;
        ReadOnlySpan<byte> value = text.Value.AsSpan();
        ReadOnlySpan<byte> bytes;
        if (field.Kind == FieldKind.CharArray)
        {
            if (field.Offset < 0 || field.Offset + field.Size > record.Length)
                return false;
            bytes = record.Slice(field.Offset, field.Size);
            int end = bytes.IndexOf((byte)0);
            return (end >= 0 ? bytes.Slice(0, end) : bytes).SequenceEqual(value);
        }
        if (field.Offset < 0 || field.Offset + 4 > record.Length)
            return false;
        uint location = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(field.Offset));
        int start = (int)(location & 0xFFFF) + (field.Location == DynamicLocation.RelLoc ? field.Offset + 4 : 0);
        int length = (int)(location >> 16);
        if (start + length > record.Length)
            return false;
        bytes = record.Slice(start, length);
        // The payload holds the string and its NUL.
        return bytes.Length == value.Length + 1 && bytes[^1] == 0 && bytes.Slice(0, value.Length).SequenceEqual(value);
    }
}
