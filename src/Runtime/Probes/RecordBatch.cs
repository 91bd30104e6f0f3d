using System;

namespace TpGen.Probes;

/// <summary>Records decoded in one pass over the ring buffer, read by <c>ReadAllAsync</c>'s consumer.</summary>
internal sealed class RecordBatch(int capacity)
{
    private readonly TraceRecord?[] _records = new TraceRecord?[capacity];

    public int Count { get; private set; }

    public int Capacity => _records.Length;

    public void Add(TraceRecord record) => _records[Count++] = record;

    /// <summary>The record at <paramref name="index"/>, let go of so the batch keeps no record alive once reused.</summary>
    public TraceRecord Take(int index)
    {
        TraceRecord record = _records[index]!;
        _records[index] = null;
        return record;
    }

    public void Clear()
    {
        Array.Clear(_records, 0, Count);
        Count = 0;
    }
}
