using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace TpGen.Probes;

/// <summary>
/// One <c>await foreach</c> over <c>ReadAllAsync</c>: a reading thread of its own decodes the ring
/// buffer's records into owned ones, a batch per pass over the ring, and the consumer takes them a
/// batch at a time. The records are the only allocation per event; batches are reused.
/// </summary>
/// <remarks>
/// A consumer that waits for records is resumed on the reading thread itself, as soon as a batch is
/// ready (a pass over the ring ended, or a batch filled during one): while it keeps up, its loop runs
/// there, and no record waits for a thread-pool thread to wake (that hand-over cost microseconds per
/// batch, more than the records themselves). A consumer that awaits something else moves off the
/// reading thread by itself; the reading thread then goes on filling batches (a batch per pass, at
/// most a quarter of the capacity each, four or more of them), and beyond that waits for the
/// consumer (the ring buffer fills, and the kernel drops and counts what does not fit). A
/// cancellation resumes a waiting consumer on the thread pool, not inside the canceller's call.
/// The hand-over is a lock and a reusable value-task source rather than a channel and a semaphore:
/// a few small methods of this class, compiled optimized once, instead of the dozens of library
/// methods that tiered compilation recompiled while the first seconds of records streamed in.
/// </remarks>
internal sealed class RecordStream : IAsyncEnumerator<TraceRecord>, IValueTaskSource<bool>, IRecordHandler
{
    private const int MaxBatchSize = 4096;

    private readonly ProbeSet _probes;
    private readonly RecordContextDecoder _decode;
    private readonly int _batchSize;
    private readonly int _maxBatches;
    // The consumer's cancellation (ReadAllAsync's token and the enumerator's).
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationToken _readAllToken;
    private readonly CancellationToken _enumeratorToken;
    // Stops the reading thread: the consumer's cancellation, the probe set's disposal, or this enumerator's.
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenRegistration _onCancel;
    private readonly CancellationTokenRegistration _onStop;

    private readonly object _gate = new();
    private readonly Queue<RecordBatch> _full = new();
    private readonly Stack<RecordBatch> _free = new();
    private int _made;
    private ManualResetValueTaskSourceCore<bool> _waiter; // mutable struct: never readonly
    private bool _consumerWaits;
    private bool _ended;
    private Exception? _error;
    private Task? _reader;
    private int _disposed;

    // The consumer's side: the batch it reads and the next record in it.
    private RecordBatch? _reading;
    private int _next;

    // The reading thread's side: the batch it fills.
    private RecordBatch? _filling;

    public RecordStream(ProbeSet probes, RecordContextDecoder decode, int capacity, CancellationToken cancellationToken, CancellationToken enumeratorToken)
    {
        _probes = probes;
        _decode = decode;
        capacity = Math.Max(1, capacity);
        // Several batches, so the reading thread fills one while the consumer reads another.
        _batchSize = Math.Clamp(capacity / 4, 1, MaxBatchSize);
        _maxBatches = Math.Max(1, capacity / _batchSize);
        _readAllToken = cancellationToken;
        _enumeratorToken = enumeratorToken;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorToken);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token, probes.Disposing);
        _onCancel = _cancel.Token.UnsafeRegister(static stream => ((RecordStream)stream!).OnCancelled(), this);
        _onStop = _stop.Token.UnsafeRegister(static stream => ((RecordStream)stream!).OnStopped(), this);
    }

    /// <inheritdoc/>
    public TraceRecord Current { get; private set; } = null!;

    /// <summary>The next record: at once from the batch being read, else the next batch, waiting for one if none is ready.</summary>
    // Once per record: optimized from the first call (see RingBufferReader.ConsumeRecords).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask<bool> MoveNextAsync()
    {
        RecordBatch? batch = _reading;
        if (batch is not null && _next < batch.Count)
        {
            Current = batch.Take(_next++);
            return new ValueTask<bool>(true);
        }
        return NextBatch();
    }

    /// <summary>Stops the reading thread, waits for it, and frees what the enumeration held.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Cancel();
        if (_reader is not null)
            await _reader.ConfigureAwait(false);
        _onCancel.Dispose();
        _onStop.Dispose();
        _stop.Dispose();
        _cancel.Dispose();
        lock (_gate)
        {
            _reading = null;
            _full.Clear();
            _free.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask<bool> NextBatch()
    {
        // After DisposeAsync the records have ended; checked before the start below, which reads the disposed stop token.
        if (Volatile.Read(ref _disposed) != 0)
            return new ValueTask<bool>(false);
        // The reading thread starts with the first MoveNextAsync, as an async iterator's body would.
        _reader ??= _probes.RunAsync(this, _stop.Token).ContinueWith(
            static (task, stream) => ((RecordStream)stream!).Complete(task.Exception?.InnerException),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        lock (_gate)
        {
            if (_reading is not null)
            {
                Recycle(_reading);
                _reading = null;
            }
            if (_cancel.IsCancellationRequested)
                return ValueTask.FromCanceled<bool>(CancelledToken);
            if (TakeFull())
                return new ValueTask<bool>(true);
            if (_ended)
                return _error is null ? new ValueTask<bool>(false) : ValueTask.FromException<bool>(_error);
            _waiter.Reset();
            // Resumed on the reading thread by Publish (see the remarks); OnCancelled sends it elsewhere.
            _waiter.RunContinuationsAsynchronously = false;
            _consumerWaits = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    // Under _gate: makes the oldest full batch the one being read, and its first record current.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per batch, as the methods below: see MoveNextAsync
    private bool TakeFull()
    {
        if (!_full.TryDequeue(out RecordBatch? batch))
            return false;
        _reading = batch;
        _next = 1;
        Current = batch.Take(0);
        return true;
    }

    // Under _gate: gives a read batch back to the reading thread, waking it if it waits for one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Recycle(RecordBatch batch)
    {
        batch.Clear();
        _free.Push(batch);
        Monitor.Pulse(_gate);
    }

    // ---- the reading thread's side (IRecordHandler)

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => Add(_decode(record, header, default));

    // Called for every record on the reading thread: optimized from the first one, as the reading loop is.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context) => Add(_decode(record, header, context));

    public bool OnLost(long count)
    {
        Add(new LostRecords(count));
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnDrained() => Publish();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(TraceRecord record)
    {
        RecordBatch batch = _filling ??= TakeFree();
        batch.Add(record);
        if (batch.Count == batch.Capacity)
            Publish();
    }

    // Hands the filled batch over; a waiting consumer is resumed here, on the reading thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Publish()
    {
        RecordBatch? batch = _filling;
        if (batch is null || batch.Count == 0)
            return;
        _filling = null;
        bool resume;
        lock (_gate)
        {
            _full.Enqueue(batch);
            resume = _consumerWaits && TakeFull();
            if (resume)
                _consumerWaits = false;
        }
        // Outside the lock: the consumer's loop runs inside this call until it waits again.
        if (resume)
            _waiter.SetResult(true);
    }

    // A batch to fill; waits while every batch is full and unread. A stop ends the wait with OperationCanceledException.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RecordBatch TakeFree()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_free.TryPop(out RecordBatch? batch))
                    return batch;
                if (_made < _maxBatches)
                {
                    _made++;
                    return new RecordBatch(_batchSize);
                }
                _stop.Token.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
        }
    }

    // The reading thread has stopped: what it decoded is still read, then the records end, with
    // the error if it failed. A stop (cancellation or disposal) is not an error.
    private void Complete(Exception? error)
    {
        if (error is OperationCanceledException)
            error = null;
        if (error is null)
            Publish();
        bool resume;
        lock (_gate)
        {
            _ended = true;
            _error = error;
            resume = _consumerWaits;
            _consumerWaits = false;
        }
        if (!resume)
            return;
        if (error is null)
            _waiter.SetResult(false);
        else
            _waiter.SetException(error);
    }

    private void OnCancelled()
    {
        bool resume;
        lock (_gate)
        {
            resume = _consumerWaits;
            _consumerWaits = false;
        }
        if (!resume)
            return;
        // Not inside the canceller's Cancel() (a signal handler, a timer, code holding a lock): on the thread pool.
        _waiter.RunContinuationsAsynchronously = true;
        _waiter.SetException(new OperationCanceledException(CancelledToken));
    }

    // The caller's own token, so that `catch (OperationCanceledException e) when (e.CancellationToken == token)` holds.
    private CancellationToken CancelledToken => _readAllToken.IsCancellationRequested ? _readAllToken : _enumeratorToken;

    // Wakes a reading thread that waits for a free batch, so that it sees the stop.
    private void OnStopped()
    {
        lock (_gate)
            Monitor.PulseAll(_gate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}

/// <summary>What <c>ReadAllAsync</c> returns: each enumeration reads the probe set on a thread of its own.</summary>
internal sealed class RecordStreamSource(ProbeSet probes, RecordContextDecoder decode, int capacity, CancellationToken readAllToken) : IAsyncEnumerable<TraceRecord>
{
    public IAsyncEnumerator<TraceRecord> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new RecordStream(probes, decode, capacity, readAllToken, cancellationToken);
}
