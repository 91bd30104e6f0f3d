namespace TpGen.Files;

/// <summary>The numbers of trace-cmd's file format (trace-cmd.dat(5), versions 6 and 7).</summary>
internal static class TraceFileLayout
{
    /// <summary>The first three bytes of every trace.dat file, before "tracing".</summary>
    public static readonly byte[] Magic = [0x17, 0x08, 0x44];

    public const string Tracing = "tracing";

    // Option ids; in version 7 the ids of sections are the ids of the options that point at them.
    public const ushort OptionDone = 0;
    public const ushort OptionDate = 1;
    public const ushort OptionCpuStat = 2;
    public const ushort OptionBuffer = 3;
    public const ushort OptionTraceClock = 4;
    public const ushort OptionUname = 5;
    public const ushort OptionOffset = 7;
    public const ushort OptionCpuCount = 8;
    public const ushort OptionVersion = 9;
    public const ushort OptionTsc2Nsec = 14;
    public const ushort OptionHeaderInfo = 16;
    public const ushort OptionFtraceEvents = 17;
    public const ushort OptionEventFormats = 18;
    public const ushort OptionKallsyms = 19;
    public const ushort OptionPrintk = 20;
    public const ushort OptionCmdlines = 21;
    public const ushort OptionBufferText = 22;

    /// <summary>Section flag: the section's data is compressed.</summary>
    public const ushort SectionCompressed = 1;

    /// <summary>The section header of version 7: id (2), flags (2), description string id (4), size (8).</summary>
    public const int SectionHeaderSize = 16;

    // The ring buffer's page header (kernel/trace/ring_buffer.c): the commit word's top bits.
    public const ulong MissedEvents = 1UL << 31;
    public const ulong MissedStored = 1UL << 30;
    public const ulong CommitMask = (1UL << 27) - 1;

    // Event header: type_len in the low 5 bits, time delta in the 27 above.
    public const int TimeShift = 27;
    public const uint TypePadding = 29;
    public const uint TypeTimeExtend = 30;
    public const uint TypeTimeStamp = 31;
    public const uint TypeDataMax = 28;

    /// <summary>The top bits of a clock that absolute time stamps in the buffer leave out.</summary>
    public const ulong TimeStampHighBits = 0xf8UL << 56;

    /// <summary>common_type and common_pid: where every record begins.</summary>
    public const int CommonFieldsSize = 8;
}
