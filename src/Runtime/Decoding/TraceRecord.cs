using System;
using TpGen.Formatting;

namespace TpGen;

/// <summary>
/// An owned copy of one event's record: safe to keep, queue and read from any thread. Each
/// generated event has a sealed subclass (e.g. <c>SkbDrops.KfreeSkbRecord</c>) with typed
/// properties; <see cref="ToString"/> is the kernel's own text for the event.
/// </summary>
public abstract class TraceRecord : ISpanFormattable, ITraceFormattable
{
    // Records are copied into blocks shared by the records a thread makes one after another, so
    // an owned record costs one allocation (the object) and a share of a block, not two. A record
    // kept alive keeps its block (at most BlockSize bytes) alive; records of more than
    // LargeRecord bytes get an array of their own.
    private const int BlockSize = 4096;
    private const int LargeRecord = BlockSize / 8;

    [ThreadStatic]
    private static byte[]? t_block;
    [ThreadStatic]
    private static int t_used;

    private readonly byte[] _buffer;
    private readonly int _offset;
    private readonly int _length;

    /// <summary>Copies <paramref name="record"/>; the subclass has checked it.</summary>
    protected TraceRecord(ReadOnlySpan<byte> record, in RecordHeader header)
    {
        (_buffer, _offset) = Copy(record);
        _length = record.Length;
        Header = header;
    }

    /// <summary>When and where the event fired.</summary>
    public RecordHeader Header { get; }

    /// <summary>The raw tracepoint record, as the kernel wrote it (common fields first).</summary>
    public ReadOnlySpan<byte> RawRecord => new(_buffer, _offset, _length);

    /// <summary>The event's system, e.g. <c>skb</c>.</summary>
    public abstract string SystemName { get; }

    /// <summary>The event's name, e.g. <c>kfree_skb</c>.</summary>
    public abstract string EventName { get; }

    /// <summary>Writes the event's text, as the kernel's trace output shows it, into <paramref name="destination"/>.</summary>
    public abstract bool TryFormat(scoped Span<char> destination, out int charsWritten);

    /// <summary>The event's text, as the kernel's trace output shows it.</summary>
    public override string ToString() => TraceText.ToString(this);

    private static (byte[] Buffer, int Offset) Copy(ReadOnlySpan<byte> record)
    {
        if (record.IsEmpty)
            return (Array.Empty<byte>(), 0);
        if (record.Length > LargeRecord)
            return (record.ToArray(), 0);
        // Eight-byte aligned, as the kernel's records are.
        int size = (record.Length + 7) & ~7;
        byte[]? block = t_block;
        int offset = t_used;
        if (block is null || offset + size > block.Length)
        {
            block = t_block = new byte[BlockSize];
            offset = 0;
        }
        t_used = offset + size;
        record.CopyTo(block.AsSpan(offset));
        return (block, offset);
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);
}
