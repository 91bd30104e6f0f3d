using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TpGen.Files;

/// <summary>
/// Writes a version 6 trace.dat file (trace-cmd.dat.v6(5)): what trace-cmd 2.x and 3.x,
/// KernelShark and libtracecmd read. The caller supplies the recording kernel's descriptions
/// (header_page, header_event, the event formats, kallsyms, printk formats, saved command lines)
/// and each CPU's ring-buffer pages exactly as tracefs' <c>trace_pipe_raw</c> gave them.
/// </summary>
public sealed class TraceDataWriter
{
    private readonly List<string> _ftraceFormats = new();
    private readonly List<(string System, List<string> Formats)> _systems = new();
    private readonly List<string> _cpuStatistics = new();

    /// <summary>Creates a writer for pages of <paramref name="pageSize"/> bytes.</summary>
    /// <param name="pageSize">The ring buffer's page (sub-buffer) size: a power of two.</param>
    /// <param name="cpuCount">The number of CPUs of the recording machine.</param>
    public TraceDataWriter(int pageSize, int cpuCount)
    {
        if (pageSize < 64 || (pageSize & (pageSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "a page size is a power of two of at least 64 bytes");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpuCount);
        PageSize = pageSize;
        CpuCount = cpuCount;
    }

    /// <summary>The page size.</summary>
    public int PageSize { get; }

    /// <summary>The number of CPUs.</summary>
    public int CpuCount { get; }

    /// <summary>The text of tracefs <c>events/header_page</c>.</summary>
    public string HeaderPage { get; set; } = "";

    /// <summary>The text of tracefs <c>events/header_event</c>.</summary>
    public string HeaderEvent { get; set; } = "";

    /// <summary>The text of /proc/kallsyms, for symbols in the event text.</summary>
    public string Kallsyms { get; set; } = "";

    /// <summary>The text of tracefs <c>printk_formats</c>.</summary>
    public string PrintkFormats { get; set; } = "";

    /// <summary>The text of tracefs <c>saved_cmdlines</c>: <c>pid command</c> lines.</summary>
    public string SavedCmdlines { get; set; } = "";

    /// <summary>The trace clock of the pages' timestamps (e.g. <c>local</c>), or null to leave it unsaid.</summary>
    public string? Clock { get; set; }

    /// <summary>The recording machine, as <c>uname -srm</c> prints it, or null.</summary>
    public string? Uname { get; set; }

    /// <summary>The recording program and its version, or null.</summary>
    public string? RecorderVersion { get; set; }

    /// <summary>Adds one of ftrace's own event formats (tracefs <c>events/ftrace/*/format</c>).</summary>
    public void AddFtraceFormat(string format) => _ftraceFormats.Add(format ?? throw new ArgumentNullException(nameof(format)));

    /// <summary>Adds the format of a recorded event of <paramref name="system"/>.</summary>
    public void AddEventFormat(string system, string format)
    {
        TpGen.Schema.TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        ArgumentNullException.ThrowIfNull(format);
        foreach ((string name, List<string> formats) in _systems)
        {
            if (name == system)
            {
                formats.Add(format);
                return;
            }
        }
        _systems.Add((system, new List<string> { format }));
    }

    /// <summary>Adds the statistics tracefs gave for a CPU when recording stopped (saved as trace-cmd's CPUSTAT option).</summary>
    public void AddCpuStatistics(int cpu, string statistics) => _cpuStatistics.Add($"CPU: {cpu}\n{statistics}");

    /// <summary>
    /// Writes the file to <paramref name="output"/>: the descriptions, then each CPU's pages from
    /// <paramref name="cpuData"/> (indexed by CPU, null for none), each a whole number of pages.
    /// </summary>
    public void Write(Stream output, IReadOnlyList<Stream?> cpuData)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(cpuData);
        if (cpuData.Count != CpuCount)
            throw new ArgumentException($"there are {CpuCount} CPUs but {cpuData.Count} data streams", nameof(cpuData));
        var sizes = new long[CpuCount];
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            long size = cpuData[cpu] is { } stream ? stream.Length - stream.Position : 0;
            if (size % PageSize != 0)
                throw new ArgumentException($"CPU {cpu}'s data is {size} bytes, not a whole number of {PageSize}-byte pages", nameof(cpuData));
            sizes[cpu] = size;
        }

        var header = new MemoryStream();
        header.Write(TraceFileLayout.Magic);
        Ascii(header, TraceFileLayout.Tracing);
        Ascii(header, "6\0");
        header.WriteByte(0);
        header.WriteByte((byte)IntPtr.Size);
        U32(header, (uint)PageSize);

        Ascii(header, "header_page\0");
        Sized64(header, HeaderPage);
        Ascii(header, "header_event\0");
        Sized64(header, HeaderEvent);

        U32(header, (uint)_ftraceFormats.Count);
        foreach (string format in _ftraceFormats)
            Sized64(header, format);

        U32(header, (uint)_systems.Count);
        foreach ((string system, List<string> formats) in _systems)
        {
            Ascii(header, system + "\0");
            U32(header, (uint)formats.Count);
            foreach (string format in formats)
                Sized64(header, format);
        }

        Sized32(header, Kallsyms);
        Sized32(header, PrintkFormats);
        Sized64(header, SavedCmdlines);
        U32(header, (uint)CpuCount);

        Ascii(header, "options  \0");
        if (Clock is not null)
            Option(header, TraceFileLayout.OptionTraceClock, "[" + Clock + "]");
        if (Uname is not null)
            Option(header, TraceFileLayout.OptionUname, Uname);
        if (RecorderVersion is not null)
            Option(header, TraceFileLayout.OptionVersion, RecorderVersion);
        foreach (string statistics in _cpuStatistics)
            Option(header, TraceFileLayout.OptionCpuStat, statistics);
        U16(header, TraceFileLayout.OptionDone);

        Ascii(header, "flyrecord\0");
        // The CPU table: each CPU's data starts on a page boundary after the header.
        long tableEnd = header.Length + 16L * CpuCount + (Clock is null ? 0 : 8 + Clock.Length + 2);
        var offsets = new long[CpuCount];
        long next = Align(tableEnd);
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            offsets[cpu] = next;
            next = Align(next + sizes[cpu]);
        }
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            U64(header, (ulong)offsets[cpu]);
            U64(header, (ulong)sizes[cpu]);
        }
        if (Clock is not null)
        {
            // trace-cmd reads the clock here too, without a NUL.
            U64(header, (ulong)(Clock.Length + 2));
            Ascii(header, "[" + Clock + "]");
        }

        header.Position = 0;
        header.CopyTo(output);
        long position = header.Length;
        byte[] zeros = new byte[PageSize];
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            output.Write(zeros, 0, (int)(offsets[cpu] - position));
            position = offsets[cpu];
            if (cpuData[cpu] is { } stream && sizes[cpu] > 0)
            {
                stream.CopyTo(output, 1 << 20);
                position += sizes[cpu];
            }
        }
        output.Flush();
    }

    private long Align(long offset) => (offset + PageSize - 1) & ~(long)(PageSize - 1);

    private static void Option(Stream stream, ushort id, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text + "\0");
        U16(stream, id);
        U32(stream, (uint)bytes.Length);
        stream.Write(bytes);
    }

    private static void Sized64(Stream stream, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        U64(stream, (ulong)bytes.Length);
        stream.Write(bytes);
    }

    private static void Sized32(Stream stream, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        U32(stream, (uint)bytes.Length);
        stream.Write(bytes);
    }

    private static void Ascii(Stream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));

    private static void U16(Stream stream, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void U32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void U64(Stream stream, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
