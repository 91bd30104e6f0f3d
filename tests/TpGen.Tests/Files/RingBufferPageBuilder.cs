using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace TpGen.Tests.Files;

/// <summary>
/// Writes ring-buffer pages the way the kernel lays them out (kernel/trace/ring_buffer.c and
/// events/header_event): a 64-bit page time stamp, a 64-bit commit word (the length of the events,
/// with bit 31 set when events were lost before the page and bit 30 when their count follows the
/// events), then events behind a 32-bit header: type_len in the low 5 bits, a 27-bit time delta
/// above. type_len 1-28 is the record's length in words; 0 keeps the length (plus 4) in the next
/// word; 29 is padding (a discarded event when its delta is not 0), 30 a time extend, 31 an
/// absolute time stamp. The tests' own encoder: the oracle the reader is checked against.
/// </summary>
internal sealed class RingBufferPageBuilder
{
    public const int PageSize = 4096;
    private const int Header = 16;

    private readonly List<byte[]> _pages = new();
    private byte[] _page = new byte[PageSize];
    private int _used;
    private ulong _time;
    private ulong _missed;
    private long? _missedCount;
    private bool _open;

    /// <summary>The pages written so far, as one CPU's data.</summary>
    public byte[] Data()
    {
        Flush();
        var data = new byte[_pages.Count * PageSize];
        for (int i = 0; i < _pages.Count; i++)
            _pages[i].CopyTo(data, i * PageSize);
        return data;
    }

    /// <summary>Starts a page at <paramref name="time"/>; <paramref name="lost"/> marks events lost before it (null count: not stored).</summary>
    public RingBufferPageBuilder Page(ulong time, bool lost = false, long? lostCount = null)
    {
        Flush();
        _page = new byte[PageSize];
        _used = 0;
        _time = time;
        _missed = lost ? 1UL << 31 : 0;
        _missedCount = lostCount;
        _open = true;
        BinaryPrimitives.WriteUInt64LittleEndian(_page, time);
        return this;
    }

    /// <summary>A record <paramref name="delta"/> ns after the previous event, in the short or long form as the kernel chooses.</summary>
    public RingBufferPageBuilder Record(uint delta, byte[] record)
    {
        int length = (record.Length + 3) & ~3;
        if (length <= 28 * 4)
        {
            Word((uint)(length / 4) | delta << 5);
        }
        else
        {
            Word(delta << 5);
            Word((uint)length + 4);
        }
        Bytes(record, length);
        return this;
    }

    /// <summary>A time extend: adds <paramref name="delta"/> (more than 27 bits) to the clock.</summary>
    public RingBufferPageBuilder TimeExtend(ulong delta)
    {
        Word(30 | (uint)(delta & ((1 << 27) - 1)) << 5);
        Word((uint)(delta >> 27));
        return this;
    }

    /// <summary>An absolute time stamp.</summary>
    public RingBufferPageBuilder TimeStamp(ulong time)
    {
        Word(31 | (uint)(time & ((1 << 27) - 1)) << 5);
        Word((uint)(time >> 27));
        return this;
    }

    /// <summary>A record the kernel discarded after writing it (a filter said no): padding with a delta and its length.</summary>
    public RingBufferPageBuilder Discarded(int length)
    {
        Word(29 | 1u << 5);
        Word((uint)length);
        Bytes(new byte[length - 4], length - 4);
        return this;
    }

    private void Flush()
    {
        if (!_open)
            return;
        _open = false;
        int used = _used;
        ulong commit = (uint)used | _missed;
        if (_missedCount is long count)
        {
            if (Header + used + 8 > PageSize)
                throw new InvalidOperationException("no room after the events for the count of lost events");
            BinaryPrimitives.WriteInt64LittleEndian(_page.AsSpan(Header + used), count);
            commit |= 1UL << 30;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(_page.AsSpan(8), commit);
        _pages.Add(_page);
    }

    private void Word(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_page.AsSpan(Header + _used), value);
        _used += 4;
    }

    private void Bytes(byte[] bytes, int length)
    {
        Ensure(length);
        bytes.CopyTo(_page, Header + _used);
        _used += length;
    }

    private void Ensure(int length)
    {
        if (!_open || Header + _used + length > PageSize - 8)
            throw new InvalidOperationException("start a page first, and keep within it");
    }
}
