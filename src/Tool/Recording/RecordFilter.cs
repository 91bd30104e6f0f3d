using System;
using System.Buffers.Binary;
using TpGen.Filters;
using TpGen.Schema;

namespace TpGen.Tool.Recording;

/// <summary>
/// Decides a checked filter (<see cref="FilterExpr"/>) on a record read from a file, with the
/// semantics the BPF filters of <c>tpgen trace</c> have: numbers in the field's own signedness,
/// strings up to their NUL, whole or by glob; <c>comm</c> the command of the record's thread as the
/// file names it. A field that lies outside a damaged record does not match.
/// </summary>
internal static class RecordFilter
{
    /// <summary>Whether <paramref name="record"/>, written while <paramref name="command"/> ran, passes <paramref name="filter"/>.</summary>
    public static bool Matches(FilterExpr filter, ReadOnlySpan<byte> record, ReadOnlySpan<byte> command) => filter switch
    {
        AndFilter and => Matches(and.Left, record, command) && Matches(and.Right, record, command),
        OrFilter or => Matches(or.Left, record, command) || Matches(or.Right, record, command),
        NotFilter not => !Matches(not.Operand, record, command),
        CompareFilter compare => Compare(compare, record),
        StringFilter text => StringMatches(text, record, command) == text.Equal,
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

    // The string the filter reads: the current task's command for comm, else the record's field up to its NUL.
    private static bool StringMatches(StringFilter text, ReadOnlySpan<byte> record, ReadOnlySpan<byte> command)
    {
        FieldSpec field = text.Field;
        ReadOnlySpan<byte> bytes;
        if (FilterParser.IsComm(field))
        {
            bytes = command;
        }
        else if (field.Kind == FieldKind.CharArray)
        {
            if (field.Offset < 0 || field.Offset + field.Size > record.Length)
                return false;
            bytes = record.Slice(field.Offset, field.Size);
        }
        else
        {
            if (field.Offset < 0 || field.Offset + 4 > record.Length)
                return false;
            uint location = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(field.Offset));
            int start = (int)(location & 0xFFFF) + (field.Location == DynamicLocation.RelLoc ? field.Offset + 4 : 0);
            int length = (int)(location >> 16);
            if (start + length > record.Length)
                return false;
            bytes = record.Slice(start, length);
        }
        int end = bytes.IndexOf((byte)0);
        return Matches(text, end >= 0 ? bytes.Slice(0, end) : bytes);
    }

    // The places a match may look, as the BPF filter looks: the whole string, its start, its end, or anywhere.
    private static bool Matches(StringFilter text, ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> pattern = text.Value.AsSpan();
        if (value.Length < pattern.Length)
            return false;
        switch (text.Match)
        {
            case StringMatch.Whole:
                return value.Length == pattern.Length && Same(value, pattern, text.AnyCharacter);
            case StringMatch.Prefix:
                return Same(value.Slice(0, pattern.Length), pattern, text.AnyCharacter);
            case StringMatch.Suffix:
                return Same(value.Slice(value.Length - pattern.Length), pattern, text.AnyCharacter);
            default:
                for (int start = 0; start + pattern.Length <= value.Length; start++)
                {
                    if (Same(value.Slice(start, pattern.Length), pattern, text.AnyCharacter))
                        return true;
                }
                return false;
        }
    }

    // Equal bytes, a '?' of a glob matching any one.
    private static bool Same(ReadOnlySpan<byte> value, ReadOnlySpan<byte> pattern, bool anyCharacter)
    {
        if (!anyCharacter)
            return value.SequenceEqual(pattern);
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != (byte)'?' && pattern[i] != value[i])
                return false;
        }
        return true;
    }
}
