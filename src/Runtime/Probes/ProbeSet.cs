using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Aggregations;
using TpGen.Decoding;

namespace TpGen.Probes;

/// <summary>
/// A loaded and attached probe set: its BPF programs on their tracepoints, one ring buffer, and
/// the reader that hands records to generated decoders. Disposing it detaches and frees
/// everything (links, programs, maps, descriptors).
/// </summary>
public sealed unsafe class ProbeSet : IAsyncDisposable, IDisposable
{
    private readonly BpfObject _object;
    private readonly ProbeOptions _options;
    private readonly int[] _payloadOffsets;
    private readonly object _gate = new();

    private int _readerThread;
    private bool _reading;
    private bool _disposed;
    private bool _disposerWaits;
    private long _delivered;
    private long _truncated;
    private long _malformed;
    private long _droppedReported;
    private long _droppedAtDispose;
    private readonly CancellationTokenSource _disposing = new();

    private ProbeSet(ProbeSetDefinition definition, ProbeOptions options, BpfObject bpfObject, AttachPlan plan)
    {
        Definition = definition;
        _options = options;
        _object = bpfObject;
        // Per event: the context (process, strings, packet) between the header and the record.
        _payloadOffsets = new int[definition.Probes.Count];
        for (int i = 0; i < _payloadOffsets.Length; i++)
            _payloadOffsets[i] = plan.Context.RecordOffset(i);
        Relocation = plan.Relocation;
        Layouts = plan.Layouts;
        Aggregations = new AggregationSet(definition.Name, plan.Aggregations, bpfObject.Aggregations, Layouts, definition.Probes.Select(p => p.FullName).ToArray());
    }

    /// <summary>The probe set's aggregations, computed in the kernel (<see cref="ProbeSetDefinition.Aggregations"/>); empty when it declares none.</summary>
    public AggregationSet Aggregations { get; }

    /// <summary>What was loaded.</summary>
    public ProbeSetDefinition Definition { get; }

    /// <summary>Per event: whether it is attached, and what was relocated, converted, absent or translated on this kernel.</summary>
    public ProbeSetRelocation Relocation { get; }

    /// <summary>The layouts the running kernel's records are read with, one per event in handler order.</summary>
    public IReadOnlyList<EventLayout> Layouts { get; }

    /// <summary>Records delivered, dropped in the kernel (ring buffer full), cut short and malformed (not delivered) so far.</summary>
    public ProbeStatistics Statistics =>
        new(Volatile.Read(ref _delivered), Volatile.Read(ref _disposed) ? Volatile.Read(ref _droppedAtDispose) : _object.ReadDropped(), Volatile.Read(ref _truncated))
        {
            Malformed = Volatile.Read(ref _malformed),
        };

    /// <summary>
    /// Checks the running kernel (permissions, tracefs), relocates each event's fields and named
    /// values by name onto the running kernel's description, loads the probe set's BPF object
    /// configured for it and attaches every handler.
    /// </summary>
    /// <exception cref="ProbeException">Something is missing, or a field cannot be relocated; the message says what and what to do.</exception>
    public static ProbeSet Attach(ProbeSetDefinition definition, ProbeOptions? options = null)
    {
        options ??= ProbeOptions.Default;
        Privileges.Require();
        if (!NativeDependencies.IsLibbpfInstalled())
            throw new ProbeException(ProbeFailure.LibbpfMissing, $"libbpf 1.x ({NativeDependencies.Libbpf}) is not installed. Install it: {NativeDependencies.LibbpfAdvice}.");
        AttachPlan plan = AttachPlan.Create(definition, options);
        BpfObject loaded = BpfObject.Load(plan, options);
        var probes = new ProbeSet(definition, options, loaded, plan);
        try
        {
            loaded.OpenRingBuffer();
            return probes;
        }
        catch
        {
            probes.Release();
            throw;
        }
    }

    /// <summary>
    /// Reads records on the calling thread until <paramref name="cancellationToken"/> is
    /// cancelled or the set is disposed, handing each to <paramref name="handler"/> in place.
    /// An exception from the handler stops reading and is rethrown here.
    /// </summary>
    /// <typeparam name="THandler">
    /// The handler's type. A struct (as generated probe sets pass) gets a reading loop compiled for
    /// it, with its <see cref="IRecordHandler.OnRecord(ReadOnlySpan{byte}, in RecordHeader, ReadOnlySpan{byte})"/>
    /// inlined: no interface call per record (it should implement every member of the interface: a
    /// default member called on a struct boxes it). A class is called through the interface.
    /// </typeparam>
    public void Run<THandler>(THandler handler, CancellationToken cancellationToken = default) where THandler : IRecordHandler
    {
        BeginReading();
        try
        {
            Read(handler, cancellationToken);
        }
        finally
        {
            EndReading();
        }
    }

    // The reading loop. Fully optimized from the start: it is entered once and loops for as long as
    // the set is read, so tiered compilation would run it unoptimized until on-stack replacement,
    // seconds later, and compile it again while records stream in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Read<THandler>(THandler handler, CancellationToken cancellationToken) where THandler : IRecordHandler
    {
        // The loop makes no system call but the wait: records are read where the kernel wrote
        // them, and the drop counter from shared memory.
        var sink = new Sink<THandler>(this, handler);
        int timeout = Math.Max(1, (int)_options.PollInterval.TotalMilliseconds);
        while (!cancellationToken.IsCancellationRequested && !Volatile.Read(ref _disposed))
        {
            long delivered = _object.Poll(timeout, ref sink);
            if (ReportDrops(ref sink.Handler) || delivered > 0)
                sink.Handler.OnDrained();
        }
        // Whatever arrived before the stop is still delivered.
        if (!Volatile.Read(ref _disposed))
        {
            long delivered = _object.Consume(ref sink);
            if (ReportDrops(ref sink.Handler) || delivered > 0)
                sink.Handler.OnDrained();
        }
    }

    /// <summary>Runs <see cref="Run"/> on a thread of its own.</summary>
    public Task RunAsync<THandler>(THandler handler, CancellationToken cancellationToken = default) where THandler : IRecordHandler =>
        Task.Factory.StartNew(() => Run(handler, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Reads owned records as they arrive, with <see cref="LostRecords"/> where the kernel
    /// dropped some. A consumer slower than the events fills the buffer and then the ring, and
    /// the kernel drops what does not fit; the drops are reported, never silent.
    /// </summary>
    public IAsyncEnumerable<TraceRecord> ReadAllAsync(RecordDecoder decode, CancellationToken cancellationToken = default) =>
        ReadAllAsync((ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> _) => decode(record, header), cancellationToken);

    /// <summary>
    /// Reads owned records as they arrive, decoded with their context (see <see cref="Context.RecordContext"/>),
    /// with <see cref="LostRecords"/> where the kernel dropped some. Each enumeration reads on a thread
    /// of its own, and resumes a loop that waits for records on that thread: a loop that keeps up runs
    /// there, with no hand-over between threads per batch.
    /// </summary>
    public IAsyncEnumerable<TraceRecord> ReadAllAsync(RecordContextDecoder decode, CancellationToken cancellationToken = default) =>
        new RecordStreamSource(this, decode, _options.ReadBufferCapacity, cancellationToken);

    /// <summary>Cancelled when the set is disposed: stops a <c>ReadAllAsync</c> reader that waits for room in its buffer, too.</summary>
    /// <exception cref="ObjectDisposedException">The set is disposed.</exception>
    internal CancellationToken Disposing
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
            return _disposing.Token;
        }
    }

    /// <summary>Detaches every program and frees the object, its maps and the ring buffer.</summary>
    public void Dispose()
    {
        bool release;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _droppedAtDispose = _object.ReadDropped();
            _disposing.Cancel();
            // The reading loop sees the flag within one poll interval and releases on its way out;
            // from inside a handler (the reading thread itself) that is the only safe place to do it.
            // Another thread's reading ends first, and this thread releases (not both: EndReading
            // leaves it to a disposer that waits).
            release = !_reading;
            if (_reading && _readerThread != Environment.CurrentManagedThreadId)
            {
                _disposerWaits = true;
                while (_reading)
                    Monitor.Wait(_gate);
                _disposerWaits = false;
                release = true;
            }
        }
        if (release)
            Release();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void BeginReading()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_reading)
                throw new InvalidOperationException($"Probe set {Definition.Name} is already being read; one reader at a time.");
            _reading = true;
            _readerThread = Environment.CurrentManagedThreadId;
        }
    }

    private void EndReading()
    {
        bool release;
        lock (_gate)
        {
            _reading = false;
            release = _disposed && !_disposerWaits;
            Monitor.PulseAll(_gate);
        }
        if (release)
            Release();
    }

    private void Release()
    {
        Aggregations.Dispose();
        _object.Dispose();
        _disposing.Dispose();
    }

    // Whether there were new drops to report.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per poll: see Read
    private bool ReportDrops<THandler>(ref THandler handler) where THandler : IRecordHandler
    {
        long dropped = _object.ReadDropped();
        long fresh = dropped - _droppedReported;
        if (fresh <= 0)
            return false;
        _droppedReported = dropped;
        if (!handler.OnLost(fresh))
            _options.LostRecordsLog?.WriteLine($"tpgen: {Definition.Name} lost {fresh} records: the ring buffer was full (raise ProbeOptions.RingBufferSize or read faster).");
        return true;
    }

    // What the ring buffer reader hands each record to, on the reading thread: a struct, so that the
    // reader's loop is compiled for it with the dispatch inlined, and with the handler's OnRecord
    // too when the handler is a struct (see RingBufferReader.ConsumeRecords).
    private struct Sink<THandler>(ProbeSet probes, THandler handler) : IRingBufferSink where THandler : IRecordHandler
    {
        public THandler Handler = handler;

        // An exception from the handler stops Run.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnSample(byte* data, int size)
        {
            if (size < RecordHeader.Size)
            {
                probes._malformed++;
                return;
            }
            ref readonly RecordHeader header = ref Unsafe.AsRef<RecordHeader>(data);
            int[] payloadOffsets = probes._payloadOffsets;
            int offset = header.EventIndex < (uint)payloadOffsets.Length ? payloadOffsets[header.EventIndex] : RecordHeader.Size;
            if (size < offset)
            {
                probes._malformed++;
                return;
            }
            int length = (int)Math.Min(header.RecordSize, (uint)(size - offset));
            probes._delivered++;
            if ((header.Flags & RecordFlags.Truncated) != 0)
                probes._truncated++;
            Handler.OnRecord(new ReadOnlySpan<byte>(data + offset, length), header, new ReadOnlySpan<byte>(data + RecordHeader.Size, offset - RecordHeader.Size));
        }
    }
}
