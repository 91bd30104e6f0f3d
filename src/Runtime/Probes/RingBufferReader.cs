using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace TpGen.Probes;

/// <summary>Receives each record of a ring buffer where it lies, on the reading thread.</summary>
internal unsafe interface IRingBufferSink
{
    /// <summary>One record: <paramref name="size"/> bytes at <paramref name="data"/>, valid only during the call.</summary>
    void OnSample(byte* data, int size);
}

/// <summary>
/// The consumer side of a BPF ring buffer (<c>BPF_MAP_TYPE_RINGBUF</c>), read in this process's
/// memory as libbpf's <c>ring_buffer</c> reads it (and as cilium/ebpf's Go reader does): the
/// consumer position page mapped read-write, the producer position and the data (mapped twice
/// in a row, so a record that wraps around is contiguous) read-only, and an epoll instance to
/// wait on. Reading calls the sink directly for each record, with no transition into native
/// code and no system call; only <see cref="Wait"/> makes one.
/// </summary>
internal sealed unsafe class RingBufferReader : IDisposable
{
    // include/uapi/linux/bpf.h: each record starts with an 8-byte header whose first word is its length and two flags.
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;
    private const int HeaderSize = 8;

    private readonly SafeMemoryMappingHandle _consumer;
    private readonly SafeMemoryMappingHandle _producer;
    private readonly SafeFileDescriptorHandle _epoll;
    private readonly ulong _mask;
    private readonly nuint _pageSize;

    private RingBufferReader(SafeMemoryMappingHandle consumer, SafeMemoryMappingHandle producer, SafeFileDescriptorHandle epoll, ulong size, nuint pageSize)
    {
        _consumer = consumer;
        _producer = producer;
        _epoll = epoll;
        _mask = size - 1;
        _pageSize = pageSize;
    }

    /// <summary>Maps the ring buffer map <paramref name="mapFd"/> of <paramref name="size"/> data bytes and watches it.</summary>
    /// <exception cref="ProbeException">A mapping or the epoll instance could not be made.</exception>
    public static RingBufferReader Open(int mapFd, uint size)
    {
        if (size == 0 || (size & (size - 1)) != 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The ring buffer's size, {size} bytes, is not a power of two.");
        nuint page = (nuint)Environment.SystemPageSize;
        SafeMemoryMappingHandle? consumer = null, producer = null;
        SafeFileDescriptorHandle? epoll = null;
        try
        {
            consumer = SafeMemoryMappingHandle.Map(mapFd, page, Interop.Libc.ProtectionRead | Interop.Libc.ProtectionWrite, 0);
            if (consumer.IsInvalid)
                throw Failure("map the ring buffer's consumer page");
            producer = SafeMemoryMappingHandle.Map(mapFd, page + 2 * (nuint)size, Interop.Libc.ProtectionRead, (nint)page);
            if (producer.IsInvalid)
                throw Failure("map the ring buffer's data");
            epoll = Interop.Libc.EpollCreate(Interop.Libc.EpollCloseOnExec);
            if (epoll.IsInvalid)
                throw Failure("create an epoll instance");
            // Edge-triggered: the wait returns when the kernel wakes the reader (the ring passed its
            // threshold) or the poll interval ends, not whenever a record is waiting. Level-triggered,
            // a busy ring makes every wait return at once: a system call per few records.
            var watch = new Interop.Libc.EpollEvent { Events = Interop.Libc.EpollIn | Interop.Libc.EpollEdgeTriggered };
            if (Interop.Libc.EpollControl(epoll, Interop.Libc.EpollControlAdd, mapFd, &watch) != 0)
                throw Failure("wait on the ring buffer");
            return new RingBufferReader(consumer, producer, epoll, size, page);
        }
        catch
        {
            epoll?.Dispose();
            producer?.Dispose();
            consumer?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until the kernel wakes the reader or <paramref name="timeoutMilliseconds"/> pass;
    /// a signal ends the wait early. The only system call of the reading loop.
    /// </summary>
    /// <exception cref="ProbeException">The wait failed for another reason than a signal.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per poll: see Consume
    public void Wait(int timeoutMilliseconds)
    {
        Interop.Libc.EpollEvent ready;
        if (Interop.Libc.EpollWait(_epoll, &ready, 1, timeoutMilliseconds) < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error != Interop.Libc.EINTR)
                throw new ProbeException(ProbeFailure.ReadFailed, $"Waiting on the ring buffer failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }
    }

    /// <summary>
    /// Hands every committed record to <paramref name="sink"/>, in order, until the ring is empty
    /// or a record is still being written; returns how many. Each record's space goes back to the
    /// kernel as soon as the sink returns (or throws: an exception from the sink leaves this
    /// method with that record consumed, as libbpf does when a callback fails).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per poll: see ConsumeRecords
    public long Consume<TSink>(ref TSink sink) where TSink : struct, IRingBufferSink
    {
        bool consumerAdded = false, producerAdded = false;
        try
        {
            _consumer.DangerousAddRef(ref consumerAdded);
            _producer.DangerousAddRef(ref producerAdded);
            ulong* producerPosition = (ulong*)_producer.DangerousGetHandle();
            return ConsumeAt(ref sink, (ulong*)_consumer.DangerousGetHandle(), producerPosition, (byte*)producerPosition + _pageSize, _mask);
        }
        finally
        {
            if (producerAdded)
                _producer.DangerousRelease();
            if (consumerAdded)
                _consumer.DangerousRelease();
        }
    }

    /// <summary>
    /// <see cref="Consume{TSink}(ref TSink)"/> over a ring laid out in memory as the kernel maps it:
    /// the positions, and the data (of <paramref name="mask"/> + 1 bytes, mapped twice in a row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per poll: see ConsumeRecords
    internal static long ConsumeAt<TSink>(ref TSink sink, ulong* consumerPosition, ulong* producerPosition, byte* data, ulong mask)
        where TSink : struct, IRingBufferSink
    {
        try
        {
            return ConsumeRecords(ref sink, consumerPosition, producerPosition, data, mask);
        }
        catch
        {
            // The sink threw, and the record it was handed is the one at the consumer position (the
            // position passes a record only once the sink returned): give it back. The check is a
            // guard only: it keeps the position on record boundaries whatever threw, but an exception
            // from outside the sink (the loop's compilation, memory) would still skip one record.
            ulong consumer = Volatile.Read(ref *consumerPosition);
            if (consumer < Volatile.Read(ref *producerPosition))
            {
                uint length = Volatile.Read(ref *(uint*)(data + (consumer & mask)));
                if ((length & (BusyBit | DiscardBit)) == 0)
                    Volatile.Write(ref *consumerPosition, consumer + RecordSpace(length));
            }
            throw;
        }
    }

    // The loop. Generic over a struct sink so that the JIT compiles a copy of it per sink with the
    // sink's OnSample inlined: no interface call per record. Fully optimized from the first call:
    // it runs once per poll, so tiered compilation would take seconds of events to promote it
    // (tier 0, then instrumented, then tier 1), compiling while records stream in. Not inlined, and
    // with no exception handler of its own: in a method with a handler, every value the handler
    // reads (the consumer position, advanced per record) is stored to the stack at each change and
    // read back, a memory round trip in each record's path.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long ConsumeRecords<TSink>(ref TSink sink, ulong* consumerPosition, ulong* producerPosition, byte* data, ulong mask)
        where TSink : struct, IRingBufferSink
    {
        ulong consumer = Volatile.Read(ref *consumerPosition);
        long count = 0;
        while (true)
        {
            ulong producer = Volatile.Read(ref *producerPosition);
            if (consumer >= producer)
                return count;
            do
            {
                byte* header = data + (consumer & mask);
                uint length = Volatile.Read(ref *(uint*)header);
                if ((length & BusyBit) != 0)
                    return count; // reserved, not yet committed: the next pass reads it
                ulong next = consumer + RecordSpace(length);
                if ((length & DiscardBit) == 0)
                {
                    count++;
                    sink.OnSample(header + HeaderSize, (int)(length & ~DiscardBit));
                }
                // The kernel may reuse the record's space only now that the sink is done with it.
                Volatile.Write(ref *consumerPosition, next);
                consumer = next;
            }
            while (consumer < producer);
        }
    }

    // A record's whole space in the ring: its header and data, rounded up to 8 bytes.
    private static ulong RecordSpace(uint length) => ((length & ~DiscardBit) + HeaderSize + 7) & ~7UL;

    /// <summary>Unmaps the ring buffer and closes the epoll instance.</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _producer.Dispose();
        _consumer.Dispose();
    }

    private static ProbeException Failure(string what)
    {
        int error = Marshal.GetLastPInvokeError();
        return new ProbeException(ProbeFailure.LoadFailed, $"Could not {what}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
    }
}
