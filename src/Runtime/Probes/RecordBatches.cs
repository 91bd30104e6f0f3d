using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace TpGen.Probes;

/// <summary>
/// Owned records on their way from the reading thread to <c>ReadAllAsync</c>'s consumer, a batch
/// at a time: the reading thread decodes a pass over the ring buffer into one batch and hands it
/// over when the pass ends (<see cref="OnDrained"/>) or the batch is full, so the two threads meet
/// once per batch rather than once per record. Batches go back to the reading thread once read
/// (<see cref="Recycle"/>), so passing records costs no allocation; the records themselves are
/// the only allocation per event. At most about <c>capacity</c> records wait; beyond that the
/// reading thread waits for the consumer (and the ring buffer fills, and the kernel drops and
/// counts what does not fit).
/// </summary>
internal sealed class RecordBatches : IRecordHandler
{
    private const int MaxBatchSize = 4096;

    private readonly RecordContextDecoder _decode;
    private readonly CancellationToken _stop;
    private readonly int _batchSize;
    private readonly Channel<RecordBatch> _full = Channel.CreateUnbounded<RecordBatch>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
    });
    private readonly ConcurrentQueue<RecordBatch> _free = new();
    private readonly SemaphoreSlim _slots;
    private RecordBatch? _current;

    public RecordBatches(RecordContextDecoder decode, int capacity, CancellationToken stop)
    {
        _decode = decode;
        _stop = stop;
        capacity = Math.Max(1, capacity);
        // Several batches, so the reading thread fills one while the consumer reads another.
        _batchSize = Math.Clamp(capacity / 4, 1, MaxBatchSize);
        _slots = new SemaphoreSlim(Math.Max(1, capacity / _batchSize));
    }

    /// <summary>Completes when the reading thread has stopped and every batch has been read.</summary>
    public Task Completion => _full.Reader.Completion;

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => Add(_decode(record, header, default));

    // Called for every record on the reading thread: optimized from the first one, as the reading
    // loop is (see RingBufferReader.Consume), so that tiered compilation does not recompile the
    // path twice while records stream in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context) => Add(_decode(record, header, context));

    public bool OnLost(long count)
    {
        Add(new LostRecords(count));
        return true;
    }

    public void OnDrained() => Publish();

    /// <summary>The full batches, in order, on the consumer's side.</summary>
    public IAsyncEnumerable<RecordBatch> ReadAllAsync(CancellationToken cancellationToken) => _full.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Gives a read batch back to the reading thread.</summary>
    public void Recycle(RecordBatch batch)
    {
        batch.Clear();
        _free.Enqueue(batch);
        _slots.Release();
    }

    /// <summary>
    /// The reading thread has stopped: what it decoded is still read, then the records end, with
    /// <paramref name="error"/> if it failed. A stop (cancellation or disposal) is not an error.
    /// </summary>
    public void Complete(Exception? error)
    {
        if (error is null or OperationCanceledException)
        {
            Publish();
            _full.Writer.TryComplete();
        }
        else
        {
            _full.Writer.TryComplete(error);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(TraceRecord record)
    {
        RecordBatch batch = _current ??= TakeFree();
        batch.Add(record);
        if (batch.Count == batch.Capacity)
            Publish();
    }

    private void Publish()
    {
        RecordBatch? batch = _current;
        if (batch is null || batch.Count == 0)
            return;
        _current = null;
        _full.Writer.TryWrite(batch);
    }

    // Waits, on the reading thread, while every batch is full and unread; a stop ends the wait with OperationCanceledException.
    private RecordBatch TakeFree()
    {
        _slots.Wait(_stop);
        return _free.TryDequeue(out RecordBatch? batch) ? batch : new RecordBatch(_batchSize);
    }
}

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
