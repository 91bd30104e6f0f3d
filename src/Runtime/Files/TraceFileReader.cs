using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace TpGen.Files;

/// <summary>What a <see cref="TraceFileReader"/> is positioned on.</summary>
public enum TraceFileItemKind
{
    /// <summary>A record: <see cref="TraceFileReader.Record"/>.</summary>
    Record,

    /// <summary>Events the kernel lost before the next records of a CPU: <see cref="TraceFileReader.Loss"/>.</summary>
    Loss,
}

/// <summary>
/// One record of a trace file: when and where the event fired, and its raw bytes as the recording
/// kernel wrote them (common fields first), laid out as <see cref="Event"/>'s format says.
/// </summary>
public readonly ref struct TraceFileRecord
{
    internal TraceFileRecord(ulong timestamp, int cpu, TraceFileEvent? @event, ReadOnlySpan<byte> data)
    {
        Timestamp = timestamp;
        Cpu = cpu;
        Event = @event;
        Data = data;
    }

    /// <summary>When the event fired, in nanoseconds of the file's <see cref="TraceDataFile.Clock"/>.</summary>
    public ulong Timestamp { get; }

    /// <summary>The CPU the event fired on.</summary>
    public int Cpu { get; }

    /// <summary>The event id (<c>common_type</c>).</summary>
    public int EventId => BinaryPrimitives.ReadUInt16LittleEndian(Data);

    /// <summary>The event's format in the file, or null when the file has no format for <see cref="EventId"/>.</summary>
    public TraceFileEvent? Event { get; }

    /// <summary>The thread that was running (<c>common_pid</c>).</summary>
    public int ProcessId => BinaryPrimitives.ReadInt32LittleEndian(Data.Slice(4));

    /// <summary>The record's bytes (at least the 8 bytes of common fields; the ring buffer rounds the length up to 4 bytes).</summary>
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>
/// Events the kernel lost on one CPU while the file was recorded (the ring buffer was full and
/// its oldest pages were overwritten): the page that follows the loss carries it.
/// </summary>
/// <param name="Cpu">The CPU whose events were lost.</param>
/// <param name="Count">How many, or null where the kernel flagged the loss without room on the page to store the count.</param>
/// <param name="Timestamp">The time of the first record after the loss (the loss happened before it).</param>
/// <param name="DataOffset">Where the page that reports the loss begins in the CPU's (decompressed) data.</param>
/// <param name="FileOffset">Where that page (or, compressed, its chunk) begins in the file.</param>
public readonly record struct TraceFileLoss(int Cpu, long? Count, ulong Timestamp, long DataOffset, long FileOffset);

/// <summary>
/// Reads a trace file's records and losses in time order, merging its CPUs (records of equal time
/// in CPU order). Allocation-free per record: <see cref="Record"/>'s bytes are valid until the next
/// <see cref="MoveNext"/>. Not thread-safe; open several readers to read in parallel.
/// </summary>
public sealed class TraceFileReader
{
    private readonly TraceDataFile _file;
    private readonly CpuCursor[] _cursors;
    private readonly int[] _heap;
    private readonly Dictionary<int, long> _lostByCpu = new();
    private int _heapCount;
    private int _current = -1;
    private bool _started;

    internal TraceFileReader(TraceDataFile file)
    {
        _file = file;
        _cursors = new CpuCursor[file.Cpus.Count];
        for (int i = 0; i < _cursors.Length; i++)
            _cursors[i] = new CpuCursor(file, file.Cpus[i]);
        _heap = new int[_cursors.Length];
    }

    /// <summary>The file being read.</summary>
    public TraceDataFile File => _file;

    /// <summary>What the reader is positioned on.</summary>
    public TraceFileItemKind Kind { get; private set; }

    /// <summary>The current record (when <see cref="Kind"/> is <see cref="TraceFileItemKind.Record"/>).</summary>
    public TraceFileRecord Record
    {
        get
        {
            CpuCursor cursor = _cursors[_current];
            ReadOnlySpan<byte> data = cursor.Block.AsSpan(cursor.RecordOffset, cursor.RecordLength);
            return new TraceFileRecord(cursor.Timestamp, cursor.Cpu, _file.FindEvent(BinaryPrimitives.ReadUInt16LittleEndian(data)), data);
        }
    }

    /// <summary>The current loss (when <see cref="Kind"/> is <see cref="TraceFileItemKind.Loss"/>).</summary>
    public TraceFileLoss Loss
    {
        get
        {
            CpuCursor cursor = _cursors[_current];
            return new TraceFileLoss(cursor.Cpu, cursor.LossCount, cursor.Timestamp, cursor.LossDataOffset, cursor.LossFileOffset);
        }
    }

    /// <summary>Records read so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Losses seen so far (each a page that follows lost events).</summary>
    public int LossCount { get; private set; }

    /// <summary>Events lost so far whose count the kernel stored, per CPU.</summary>
    public IReadOnlyDictionary<int, long> LostEventsByCpu => _lostByCpu;

    /// <summary>Losses seen so far whose count the kernel could not store.</summary>
    public int LossesOfUnknownCount { get; private set; }

    /// <summary>Moves to the next record or loss; false at the end of the file.</summary>
    /// <exception cref="TraceFileException">The trace data is damaged at the next item; the exception names the CPU, page and offset.</exception>
    public bool MoveNext()
    {
        if (!_started)
        {
            _started = true;
            for (int i = 0; i < _cursors.Length; i++)
            {
                if (_cursors[i].Next())
                    Push(i);
            }
        }
        else if (_current >= 0)
        {
            if (_cursors[_current].Next())
                Push(_current);
        }
        if (_heapCount == 0)
        {
            _current = -1;
            return false;
        }
        _current = Pop();
        CpuCursor cursor = _cursors[_current];
        if (cursor.IsLoss)
        {
            Kind = TraceFileItemKind.Loss;
            LossCount++;
            if (cursor.LossCount is long count)
                _lostByCpu[cursor.Cpu] = _lostByCpu.GetValueOrDefault(cursor.Cpu) + count;
            else
                LossesOfUnknownCount++;
        }
        else
        {
            Kind = TraceFileItemKind.Record;
            RecordCount++;
        }
        return true;
    }

    // A binary min-heap of cursor indices by (time, CPU).
    private bool Before(int a, int b)
    {
        ulong x = _cursors[a].Timestamp, y = _cursors[b].Timestamp;
        return x < y || x == y && _cursors[a].Cpu < _cursors[b].Cpu;
    }

    private void Push(int cursor)
    {
        int at = _heapCount++;
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Before(cursor, _heap[parent]))
                break;
            _heap[at] = _heap[parent];
            at = parent;
        }
        _heap[at] = cursor;
    }

    private int Pop()
    {
        int top = _heap[0];
        int last = _heap[--_heapCount];
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= _heapCount)
                break;
            if (child + 1 < _heapCount && Before(_heap[child + 1], _heap[child]))
                child++;
            if (!Before(_heap[child], last))
                break;
            _heap[at] = _heap[child];
            at = child;
        }
        if (_heapCount > 0)
            _heap[at] = last;
        return top;
    }
}
