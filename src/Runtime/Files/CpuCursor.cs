using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;

namespace TpGen.Files;

/// <summary>
/// Walks one CPU's ring-buffer pages (read from the file in blocks, or decompressed a chunk at a
/// time) and yields its records and losses in order. Every length read from a page is checked
/// against the page before it is used, so damaged data stops with a <see cref="TraceFileException"/>
/// that names the CPU, the page and the file offset, and every step moves forward, so no input
/// makes it loop.
/// </summary>
internal sealed class CpuCursor
{
    private const int BlockPages = 64;

    private readonly TraceDataFile _file;
    private readonly TraceFileCpu _cpu;
    private readonly int _pageSize;
    private readonly int _headerSize;
    private readonly int _commitSize;
    private readonly bool _adjustTime;
    private byte[] _block = Array.Empty<byte>();
    private int _blockLength;
    private long _blockDataOffset;
    private long _nextDataOffset;
    private int _nextChunk;
    private int _nextPage;
    private long _chunkFileOffset;
    private int _page = -1;
    private int _position;
    private int _end;
    private ulong _time;
    private bool _pendingLoss;
    private long? _pendingCount;
    private bool _heldRecord;

    public CpuCursor(TraceDataFile file, TraceFileCpu cpu)
    {
        _file = file;
        _cpu = cpu;
        _pageSize = file.PageSize;
        _headerSize = file.PageDataOffset;
        _commitSize = file.KernelLongSize;
        _adjustTime = file.HasTimeAdjustment;
    }

    public int Cpu => _cpu.Cpu;

    /// <summary>Whether the current item is a loss rather than a record.</summary>
    public bool IsLoss { get; private set; }

    /// <summary>The current item's time (for a loss, its page's time).</summary>
    public ulong Timestamp { get; private set; }

    public byte[] Block => _block;

    public int RecordOffset { get; private set; }

    public int RecordLength { get; private set; }

    /// <summary>For a loss: how many events, or null when the kernel did not store the count.</summary>
    public long? LossCount { get; private set; }

    /// <summary>For a loss: where the page that reports it begins in the CPU's (decompressed) data.</summary>
    public long LossDataOffset { get; private set; }

    /// <summary>For a loss: the file offset of the page that reports it, or of its compressed chunk.</summary>
    public long LossFileOffset { get; private set; }

    /// <summary>Where the current page begins in the CPU's (decompressed) data.</summary>
    public long PageDataOffset => _blockDataOffset + _page;

    /// <summary>The file offset of the current page, or of its compressed chunk.</summary>
    public long PageFileOffset => _cpu.IsCompressed ? _chunkFileOffset : _cpu.FileOffset + PageDataOffset;

    /// <summary>
    /// Moves to the next record or loss; false at the end of the CPU's data. A loss comes just
    /// before the first record of the page that reports it, with that record's time (where
    /// trace-cmd report prints it), or at the page's end when the page holds no record.
    /// </summary>
    public bool Next()
    {
        if (_heldRecord)
        {
            _heldRecord = false;
            IsLoss = false;
            return true;
        }
        while (true)
        {
            if (_page >= 0 && NextEvent())
                return true;
            if (!NextPage())
                return false;
        }
    }

    private bool NextEvent()
    {
        byte[] block = _block;
        while (_position + 4 <= _end)
        {
            uint header = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(_position));
            uint type = header & 0x1F;
            uint delta = header >> 5;
            if (type - 1 < TraceFileLayout.TypeDataMax)
            {
                int length = (int)type * 4;
                int start = _position + 4;
                if (start + length > _end)
                    throw Damaged($"an event of {length} bytes at byte {start - _page} runs past the page's {_end - _page} bytes");
                _time += delta;
                _position = start + length;
                return Record(start, length);
            }
            if (_position + 8 > _end)
                throw Damaged($"an event header of type {type} at byte {_position - _page} runs past the page's {_end - _page} bytes");
            uint word = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(_position + 4));
            switch (type)
            {
                case 0:
                {
                    if (word < 4)
                        throw Damaged($"an event at byte {_position - _page} gives its length as {word}, less than its own length word");
                    long length = word - 4;
                    int start = _position + 8;
                    long next = start + ((length + 3) & ~3L);
                    if (next > _end)
                        throw Damaged($"an event of {length} bytes at byte {start - _page} runs past the page's {_end - _page} bytes");
                    _time += delta;
                    _position = (int)next;
                    return Record(start, (int)length);
                }
                case TraceFileLayout.TypePadding:
                {
                    // A padding without a delta fills the rest of the page; with one, it is a discarded event.
                    if (delta == 0)
                    {
                        _position = _end;
                        break;
                    }
                    long next = (long)_position + 4 + word;
                    if (next > _end)
                        throw Damaged($"a discarded event of {word} bytes at byte {_position - _page} runs past the page's {_end - _page} bytes");
                    _position = (int)next;
                    break;
                }
                case TraceFileLayout.TypeTimeExtend:
                    _time += ((ulong)word << TraceFileLayout.TimeShift) + delta;
                    _position += 8;
                    break;
                default:
                    _time = (((ulong)word << TraceFileLayout.TimeShift) + delta) | (_time & TraceFileLayout.TimeStampHighBits);
                    _position += 8;
                    break;
            }
        }
        if (_pendingLoss)
        {
            _pendingLoss = false;
            IsLoss = true;
            LossCount = _pendingCount;
            Timestamp = _adjustTime ? _file.AdjustTimestamp(_time) : _time;
            _position = _end;
            return true;
        }
        _page = -1;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Record(int start, int length)
    {
        if (length < TraceFileLayout.CommonFieldsSize)
            throw Damaged($"a record of {length} bytes at byte {start - _page} is shorter than the {TraceFileLayout.CommonFieldsSize} bytes every record begins with");
        IsLoss = false;
        Timestamp = _adjustTime ? _file.AdjustTimestamp(_time) : _time;
        RecordOffset = start;
        RecordLength = length;
        if (_pendingLoss)
        {
            _pendingLoss = false;
            IsLoss = true;
            LossCount = _pendingCount;
            _heldRecord = true;
        }
        return true;
    }

    private bool NextPage()
    {
        if (_nextPage + _pageSize > _blockLength && !NextBlock())
            return false;
        _page = _nextPage;
        _nextPage += _pageSize;
        ReadOnlySpan<byte> page = _block.AsSpan(_page, _pageSize);
        _time = BinaryPrimitives.ReadUInt64LittleEndian(page);
        ulong commit = _commitSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(page.Slice(8)) : BinaryPrimitives.ReadUInt32LittleEndian(page.Slice(8));
        ulong size = commit & TraceFileLayout.CommitMask;
        if ((ulong)_headerSize + size > (ulong)_pageSize)
            throw Damaged($"its commit word gives {size} bytes of events, more than the {_pageSize - _headerSize} a page holds");
        _position = _page + _headerSize;
        _end = _position + (int)size;
        if ((commit & TraceFileLayout.MissedEvents) == 0)
            return true;
        long? count = null;
        if ((commit & TraceFileLayout.MissedStored) != 0)
        {
            if (_end + _commitSize > _page + _pageSize)
                throw Damaged("the count of missed events lies past the end of the page");
            count = _commitSize == 8
                ? (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(_end)), long.MaxValue)
                : BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(_end));
        }
        _pendingLoss = true;
        _pendingCount = count;
        LossDataOffset = PageDataOffset;
        LossFileOffset = PageFileOffset;
        return true;
    }

    private bool NextBlock()
    {
        if (_cpu.Chunks is { } chunks)
        {
            if (_nextChunk >= chunks.Count)
                return false;
            TraceFileChunk chunk = chunks[_nextChunk++];
            _chunkFileOffset = chunk.FileOffset - 8;
            byte[] compressed = new byte[chunk.CompressedSize];
            ReadFile(chunk.FileOffset, compressed, compressed.Length);
            _block = _file.CompressionCodec!.Decompress(compressed, chunk.Size, _chunkFileOffset, $"CPU {_cpu.Cpu}'s compressed chunk {_nextChunk - 1}");
            _blockLength = _block.Length;
            _blockDataOffset = chunk.DataOffset;
        }
        else
        {
            long remaining = _cpu.DataSize - _nextDataOffset;
            if (remaining <= 0)
                return false;
            if (remaining < _pageSize)
                throw new TraceFileException(TraceFileProblem.CorruptPage, _file.Path, _cpu.FileOffset + _nextDataOffset,
                    $"CPU {_cpu.Cpu}'s data ends in a partial page: {remaining} bytes left where a page is {_pageSize}");
            int length = (int)Math.Min(BlockPages * (long)_pageSize, remaining - remaining % _pageSize);
            if (_block.Length < length)
                _block = new byte[length];
            ReadFile(_cpu.FileOffset + _nextDataOffset, _block, length);
            _blockLength = length;
            _blockDataOffset = _nextDataOffset;
            _nextDataOffset += length;
        }
        _nextPage = 0;
        return _blockLength >= _pageSize;
    }

    private void ReadFile(long offset, byte[] destination, int length)
    {
        int done = 0;
        while (done < length)
        {
            int read;
            try
            {
                read = RandomAccess.Read(_file.Handle, destination.AsSpan(done, length - done), offset + done);
            }
            catch (IOException e)
            {
                throw new TraceFileException(TraceFileProblem.Unreadable, _file.Path, offset + done, "cannot read: " + e.Message, e);
            }
            if (read <= 0)
                throw new TraceFileException(TraceFileProblem.Truncated, _file.Path, offset + done, $"the file ends inside CPU {_cpu.Cpu}'s data (it changed while being read?)");
            done += read;
        }
    }

    private TraceFileException Damaged(string detail) =>
        new(TraceFileProblem.CorruptPage, _file.Path, PageFileOffset,
            $"CPU {_cpu.Cpu}, the page at byte {PageDataOffset} of its data{(_cpu.IsCompressed ? " (in a compressed chunk)" : "")}: {detail}");
}
