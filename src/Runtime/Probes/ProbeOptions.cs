using System;
using System.IO;

namespace TpGen.Probes;

/// <summary>When the kernel wakes the reader of the ring buffer.</summary>
public enum WakeupPolicy
{
    /// <summary>
    /// Wake the reader only once <see cref="ProbeOptions.WakeupThresholdBytes"/> are waiting; the
    /// reader also polls every <see cref="ProbeOptions.PollInterval"/>. Cheapest for the traced
    /// workload; a record waits at most one poll interval.
    /// </summary>
    Batched,

    /// <summary>Wake the reader for every record: lowest latency, highest cost per event.</summary>
    EveryRecord,
}

/// <summary>How a probe set is loaded and read.</summary>
public sealed class ProbeOptions
{
    private int _ringBufferSize = 4 << 20;

    /// <summary>The defaults.</summary>
    public static ProbeOptions Default { get; } = new();

    /// <summary>
    /// Bytes of the kernel ring buffer all the set's events share: a power of two, at least a page.
    /// Size it for the longest stall of the reader: events per second × bytes per record
    /// (header 24 + record) × seconds. The 4 MiB default holds about 60,000 kfree_skb records.
    /// </summary>
    public int RingBufferSize
    {
        get => _ringBufferSize;
        init
        {
            if (value < 4096 || (value & (value - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(RingBufferSize), value, "The ring buffer size must be a power of two of at least 4096 bytes.");
            _ringBufferSize = value;
        }
    }

    /// <summary>When the kernel wakes the reader.</summary>
    public WakeupPolicy Wakeup { get; init; } = WakeupPolicy.Batched;

    /// <summary>With <see cref="WakeupPolicy.Batched"/>, the bytes waiting that wake the reader; default an eighth of the ring.</summary>
    public int? WakeupThresholdBytes { get; init; }

    /// <summary>How often the reader looks at the ring buffer without a wakeup; also bounds how long stopping takes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Whether to refuse a running kernel on which some field cannot be read as built (it changed
    /// kind, or a conversion can lose values) rather than read it as absent; default true.
    /// </summary>
    public bool CheckLayout { get; init; } = true;

    /// <summary>
    /// Whether a field the running kernel holds in a type whose values may not fit the build's
    /// (wider, or with another sign) is read anyway, converted as C converts; default false:
    /// attaching fails and names the field.
    /// </summary>
    public bool AllowLossyConversions { get; init; }

    /// <summary>
    /// Whether the probe set also records the events of the process that reads it. Default false:
    /// a reader that traced its own system calls or allocations would feed on itself.
    /// </summary>
    public bool IncludeOwnProcess { get; init; }

    /// <summary>Bytes of <c>__data_loc</c> payload copied per dynamic field; longer payloads are cut and marked truncated. Default 256.</summary>
    public int PayloadBytesPerField { get; init; } = 256;

    /// <summary>
    /// Bytes of each user-space string a syscall argument points to that the handler reads (NUL
    /// included; longer strings are cut and marked, <see cref="KernelString.IsTruncated"/>). Default 256; 0 reads none.
    /// </summary>
    public int UserStringBytes
    {
        get => _userStringBytes;
        init => _userStringBytes = value is >= 0 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(UserStringBytes), value, "User strings are read up to 0 to 4096 bytes.");
    }

    /// <summary>Bytes of each packet, from its network header, that events with packets capture (enough for IPv6 and TCP headers by default). Default 128.</summary>
    public int PacketBytes
    {
        get => _packetBytes;
        init => _packetBytes = value is >= 40 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(PacketBytes), value, "Packets are captured with 40 to 4096 bytes.");
    }

    private int _userStringBytes = 256;
    private int _packetBytes = 128;

    /// <summary>Where to look for the object the build compiled; default a bpf folder beside the application.</summary>
    public string? ObjectDirectory { get; init; }

    /// <summary>The clang for compiling the object at run time when the build did not; default from PATH or TPGEN_CLANG.</summary>
    public string? ClangPath { get; init; }

    /// <summary>Where lost records are reported when the reading code has no handler for them; default standard error, null for nowhere.</summary>
    public TextWriter? LostRecordsLog { get; init; } = Console.Error;

    /// <summary>How many owned records <c>ReadAllAsync</c> buffers before the reader waits for the consumer.</summary>
    public int ReadBufferCapacity { get; init; } = 65536;

    internal int EffectiveWakeupThreshold => Wakeup == WakeupPolicy.EveryRecord ? 0 : WakeupThresholdBytes ?? RingBufferSize / 8;
}

/// <summary>A probe set's counts: nothing is lost without being counted.</summary>
/// <param name="Delivered">Records handed to the reader.</param>
/// <param name="Dropped">Records the kernel could not write because the ring buffer was full.</param>
/// <param name="Truncated">Delivered records whose dynamic payload was cut to the ring buffer's bound.</param>
public readonly record struct ProbeStatistics(long Delivered, long Dropped, long Truncated)
{
    /// <summary>
    /// Ring buffer records too short for their header and context, so not delivered: none unless
    /// the BPF object and the runtime disagree about the record's layout (an object from another
    /// TpGen version).
    /// </summary>
    public long Malformed { get; init; }
}
