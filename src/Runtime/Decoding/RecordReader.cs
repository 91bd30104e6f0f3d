using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TpGen.Decoding;

/// <summary>
/// Reads the fields of a raw tracepoint record. Generated decoders call these; every read is
/// bounds-checked against the record, so a short or corrupt record throws
/// <see cref="TraceRecordException"/> instead of reading past it.
/// </summary>
public static class RecordReader
{
    /// <summary>Reads a value of type <typeparamref name="T"/> at <paramref name="offset"/> (native byte order, any alignment).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(ReadOnlySpan<byte> record, int offset) where T : unmanaged
    {
        if ((ulong)(uint)offset + (ulong)Unsafe.SizeOf<T>() > (ulong)(uint)record.Length)
            throw Outside(offset, Unsafe.SizeOf<T>(), record.Length);
        return Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref MemoryMarshal.GetReference(record), (nint)(uint)offset));
    }

    /// <summary>Reads a C <c>bool</c> (any non-zero byte is true).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ReadBool(ReadOnlySpan<byte> record, int offset, int size) => size switch
    {
        1 => Read<byte>(record, offset) != 0,
        2 => Read<ushort>(record, offset) != 0,
        4 => Read<uint>(record, offset) != 0,
        _ => Read<ulong>(record, offset) != 0,
    };

    /// <summary>The bytes of a fixed-size field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> record, int offset, int size)
    {
        if ((ulong)(uint)offset + (ulong)(uint)size > (ulong)(uint)record.Length)
            throw Outside(offset, size, record.Length);
        return record.Slice(offset, size);
    }

    /// <summary>The elements of a fixed-size array field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<T> Array<T>(ReadOnlySpan<byte> record, int offset, int size) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(Bytes(record, offset, size));

    /// <summary>The bytes from <paramref name="offset"/> to the end of the record: a flexible <c>[]</c> tail.</summary>
    public static ReadOnlySpan<byte> Tail(ReadOnlySpan<byte> record, int offset)
        => offset <= record.Length ? record.Slice(offset) : ReadOnlySpan<byte>.Empty;

    /// <summary>A <c>char[N]</c> field as a string, ending at its first NUL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KernelString CharArray(ReadOnlySpan<byte> record, int offset, int size)
        => new(Bytes(record, offset, size));

    /// <summary>
    /// The payload of a <c>__data_loc</c> (<paramref name="relative"/> false) or <c>__rel_loc</c>
    /// field. A payload that runs past the end of the record (the ring-buffer copy cut it) is
    /// clamped to the record and <paramref name="truncated"/> is set; <see cref="CheckDynamic"/>
    /// has already rejected locations that cannot be right.
    /// </summary>
    public static ReadOnlySpan<byte> Dynamic(ReadOnlySpan<byte> record, int fieldOffset, bool relative, out bool truncated)
    {
        uint location = Read<uint>(record, fieldOffset);
        int start = (int)(location & 0xFFFF) + (relative ? fieldOffset + 4 : 0);
        int length = (int)(location >> 16);
        truncated = false;
        if (start > record.Length)
        {
            truncated = length > 0;
            return ReadOnlySpan<byte>.Empty;
        }
        if (start + length > record.Length)
        {
            truncated = true;
            length = record.Length - start;
        }
        return record.Slice(start, length);
    }

    /// <summary>A dynamic string field.</summary>
    public static KernelString DynamicString(ReadOnlySpan<byte> record, int fieldOffset, bool relative)
    {
        ReadOnlySpan<byte> bytes = Dynamic(record, fieldOffset, relative, out bool truncated);
        return new KernelString(bytes, truncated);
    }

    /// <summary>A dynamic array field, as whole elements.</summary>
    public static ReadOnlySpan<T> DynamicArray<T>(ReadOnlySpan<byte> record, int fieldOffset, bool relative) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = Dynamic(record, fieldOffset, relative, out _);
        return MemoryMarshal.Cast<byte, T>(bytes);
    }

    /// <summary>
    /// Checks a dynamic field's location word when a record is read: its payload must start
    /// after the fixed part and inside the record. Returns the problem, or null.
    /// </summary>
    public static string? CheckDynamic(ReadOnlySpan<byte> record, int fieldOffset, bool relative, int fixedSize, string fieldName)
    {
        if (IsDynamicInside(record, fieldOffset, relative, fixedSize))
            return null;
        uint location = Read<uint>(record, fieldOffset);
        int start = (int)(location & 0xFFFF) + (relative ? fieldOffset + 4 : 0);
        return start < fixedSize
            ? $"field '{fieldName}' points at offset {start}, inside the fixed part (0..{fixedSize})"
            : $"field '{fieldName}' points at offset {start}, past the end of the {record.Length}-byte record";
    }

    /// <summary>
    /// The test of <see cref="CheckDynamic"/> without its message, for the check of every record:
    /// whether the field's payload is empty or starts after the fixed part and inside the record.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsDynamicInside(ReadOnlySpan<byte> record, int fieldOffset, bool relative, int fixedSize)
    {
        uint location = Read<uint>(record, fieldOffset);
        int start = (int)(location & 0xFFFF) + (relative ? fieldOffset + 4 : 0);
        return location >> 16 == 0 || (start >= fixedSize && start <= record.Length);
    }

    /// <summary>Checks that a record holds at least the event's fixed part. Returns the problem, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? CheckFixed(ReadOnlySpan<byte> record, int fixedSize)
        => record.Length >= fixedSize ? null : $"the record has {record.Length} bytes; the event's fixed part needs {fixedSize}";

    // Made out of line and thrown by the caller: with the throw in the inlined read, the JIT knows
    // that path does not come back, and keeps the caller's values in registers. A call to a
    // NoInlining method that throws hides its IL from the JIT, which then plans for it returning:
    // spills around every field read.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TraceRecordException Outside(int offset, int size, int length)
        => new("record", $"a read of {size} bytes at offset {offset} lies outside the {length}-byte record");
}
