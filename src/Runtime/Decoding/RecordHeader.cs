using System.Runtime.InteropServices;

namespace TpGen;

/// <summary>
/// What TpGen's BPF handler writes in front of each record in the ring buffer: when and where
/// the event fired. Its layout is the C <c>struct tpgen_header</c> of bpf/templates.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public readonly struct RecordHeader
{
    /// <summary>The header's size in bytes; the tracepoint record follows it.</summary>
    public const int Size = 24;

    // Named as the C struct's fields (timestamp_ns, ..., tgid), which a test compares with these.
    private readonly ulong _timestampNs;
    private readonly uint _cpu;
    private readonly ushort _eventIndex;
    private readonly ushort _flags;
    private readonly uint _tgid;
    private readonly uint _recordSize;

    /// <summary>Creates a header (for tests and for records that did not come from a ring buffer).</summary>
    public RecordHeader(ulong timestampNanoseconds, uint cpu, ushort eventIndex, RecordFlags flags, uint processId, uint recordSize)
    {
        _timestampNs = timestampNanoseconds;
        _cpu = cpu;
        _eventIndex = eventIndex;
        _flags = (ushort)flags;
        _tgid = processId;
        _recordSize = recordSize;
    }

    /// <summary>When the event fired: nanoseconds of CLOCK_MONOTONIC (the kernel's <c>bpf_ktime_get_ns</c>).</summary>
    public ulong TimestampNanoseconds => _timestampNs;

    /// <summary>The CPU the event fired on.</summary>
    public uint Cpu => _cpu;

    /// <summary>Which event of the probe set this is (its attribute's position).</summary>
    public ushort EventIndex => _eventIndex;

    /// <summary>Flags, e.g. whether a dynamic payload was cut to fit the ring buffer's bound.</summary>
    public RecordFlags Flags => (RecordFlags)_flags;

    /// <summary>The process (thread group) that was running; <c>common_pid</c> in the record is the thread.</summary>
    public uint ProcessId => _tgid;

    /// <summary>The number of record bytes that follow the header.</summary>
    public uint RecordSize => _recordSize;
}

/// <summary>Flags of a <see cref="RecordHeader"/>.</summary>
[System.Flags]
public enum RecordFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>A <c>__data_loc</c> payload was longer than the ring buffer's bound and was cut.</summary>
    Truncated = 1,
}
