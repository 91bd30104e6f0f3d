using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Files;

/// <summary>
/// A trace.dat file as trace-cmd writes it (versions 6 and 7, including compressed version 7
/// sections and trace data) and as <c>tpgen record</c> writes it: the events' own formats, the
/// recording machine's symbols, printk formats and command names, and the per-CPU ring-buffer
/// pages. Records come back in time order across CPUs through <see cref="CreateReader"/>,
/// <see cref="Read"/> or <see cref="ReadAllAsync{T}"/>; events the kernel lost while recording are
/// reported where they happened, never skipped silently.
/// </summary>
/// <remarks>
/// Only the top-level buffer of a file is read (trace-cmd's <c>-B</c> instances are listed in
/// <see cref="OtherBuffers"/>). Little-endian files only: a big-endian machine's records would not
/// decode here.
/// </remarks>
public sealed class TraceDataFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly TraceFileEvent?[] _byId = new TraceFileEvent?[ushort.MaxValue + 1];
    private readonly List<TraceFileEvent> _events = new();
    private readonly Dictionary<int, string> _commands = new();
    private readonly List<string> _cpuStatistics = new();
    private readonly List<string> _otherBuffers = new();
    private string _kallsyms = "";
    private string _printk = "";
    private KernelSymbols? _symbols;
    private PrintkFormats? _printkFormats;
    private TraceFileCompression? _compression;
    private int _cpuCountOption = -1;
    private bool _hasClockOption;
    private ulong _tscMultiplier;
    private int _tscShift;
    private long _tscOffset;

    private TraceDataFile(string path, SafeFileHandle handle, long length)
    {
        Path = path;
        _handle = handle;
        Length = length;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Length { get; }

    /// <summary>The format version: 6 or 7.</summary>
    public int Version { get; private set; }

    /// <summary>"none", or the algorithm that compresses parts of a version 7 file ("zstd", "zlib").</summary>
    public string Compression => _compression?.Name ?? "none";

    /// <summary>Bytes per <c>long</c> in the recording machine's user space (4 or 8).</summary>
    public int UserLongSize { get; private set; }

    /// <summary>Bytes per <c>long</c> in the recording kernel: the size of the page header's commit word.</summary>
    public int KernelLongSize { get; private set; }

    /// <summary>The size of one ring-buffer page of the trace data.</summary>
    public int PageSize { get; private set; }

    /// <summary>Where the events begin in a page (after its time stamp and commit word).</summary>
    internal int PageDataOffset { get; private set; }

    /// <summary>The number of CPUs of the recording machine, as the file states it.</summary>
    public int CpuCount { get; private set; }

    /// <summary>The trace clock of the timestamps (<c>local</c>, <c>global</c>, <c>mono</c>, ...), or null where the file does not say.</summary>
    public string? Clock { get; private set; }

    /// <summary>The recording machine (<c>uname</c>), where the file says it.</summary>
    public string? Uname { get; private set; }

    /// <summary>The program and version that wrote the file, where the file says it.</summary>
    public string? RecorderVersion { get; private set; }

    /// <summary>Nanoseconds added to every timestamp, from the file's DATE and OFFSET options (as trace-cmd report adds them).</summary>
    public long TimestampOffset { get; private set; }

    /// <summary>The kernel's ring-buffer page header description (<c>events/header_page</c>).</summary>
    public string HeaderPage { get; private set; } = "";

    /// <summary>The kernel's event header description (<c>events/header_event</c>).</summary>
    public string HeaderEvent { get; private set; } = "";

    /// <summary>Every event format in the file: ftrace's own (system <c>ftrace</c>) and the recorded events'.</summary>
    public IReadOnlyList<TraceFileEvent> Events => _events;

    /// <summary>The command name of each process id, from the recording kernel's saved_cmdlines.</summary>
    public IReadOnlyDictionary<int, string> Commands => _commands;

    /// <summary>The per-CPU statistics the recorder saved when it stopped (tracefs <c>per_cpu/cpuN/stats</c>).</summary>
    public IReadOnlyList<string> CpuStatistics => _cpuStatistics;

    /// <summary>Names of buffers other than the top-level one (trace-cmd <c>-B</c> instances); they are not read.</summary>
    public IReadOnlyList<string> OtherBuffers => _otherBuffers;

    /// <summary>The trace data of each CPU that has any.</summary>
    public IReadOnlyList<TraceFileCpu> Cpus { get; private set; } = Array.Empty<TraceFileCpu>();

    /// <summary>The recording machine's kernel symbols (its /proc/kallsyms), parsed on first use.</summary>
    public KernelSymbols Symbols => LazyInitializer.EnsureInitialized(ref _symbols, () => KernelSymbols.Parse(new StringReader(_kallsyms)));

    /// <summary>The recording kernel's printk formats (tracefs <c>printk_formats</c>), parsed on first use.</summary>
    public PrintkFormats PrintkFormats => LazyInitializer.EnsureInitialized(ref _printkFormats, () => PrintkFormats.Parse(new StringReader(_printk)));

    internal SafeFileHandle Handle => _handle;

    internal TraceFileCompression? CompressionCodec => _compression;

    /// <summary>Opens and checks <paramref name="path"/>: every header, section and option, and where each CPU's data lies.</summary>
    /// <exception cref="TraceFileException">The file is missing, unreadable, not a trace.dat file, or damaged; the exception names the offset and the problem.</exception>
    public static TraceDataFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeFileHandle handle;
        long length;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            length = RandomAccess.GetLength(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TraceFileException(TraceFileProblem.Unreadable, path, -1, "cannot open: " + e.Message, e);
        }
        var file = new TraceDataFile(path, handle, length);
        try
        {
            file.ReadMetadata();
            return file;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The event whose records carry <paramref name="id"/> in <c>common_type</c>, or null.</summary>
    public TraceFileEvent? FindEvent(int id) => (uint)id < (uint)_byId.Length ? _byId[id] : null;

    /// <summary>The event <paramref name="system"/>:<paramref name="name"/>, or null when the file has no format for it.</summary>
    public TraceFileEvent? FindEvent(string system, string name)
    {
        foreach (TraceFileEvent candidate in _events)
        {
            if (candidate.System == system && candidate.Name == name)
                return candidate;
        }
        return null;
    }

    /// <summary>The command name the file records for <paramref name="pid"/>, or null.</summary>
    public string? FindCommand(int pid) => _commands.TryGetValue(pid, out string? command) ? command : null;

    /// <summary>A reader of every record and loss in time order, merged across CPUs. Each reader reads the file on its own.</summary>
    public TraceFileReader CreateReader() => new(this);

    /// <summary>
    /// Calls <paramref name="onRecord"/> for every record in time order (the record's bytes are valid
    /// only during the call) and <paramref name="onLoss"/> where the kernel lost events.
    /// </summary>
    /// <exception cref="TraceFileException">The trace data is damaged; records before the damage have been delivered.</exception>
    public void Read(TraceFileRecordHandler onRecord, Action<TraceFileLoss> onLoss, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRecord);
        ArgumentNullException.ThrowIfNull(onLoss);
        TraceFileReader reader = CreateReader();
        int countdown = 4096;
        while (reader.MoveNext())
        {
            if (--countdown == 0)
            {
                countdown = 4096;
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (reader.Kind == TraceFileItemKind.Record)
                onRecord(reader.Record);
            else
                onLoss(reader.Loss);
        }
    }

    /// <summary>
    /// Every record turned into an owned value by <paramref name="decode"/> (return null to skip a
    /// record), with <paramref name="onLoss"/>'s value where the kernel lost events, in time order.
    /// </summary>
    public async IAsyncEnumerable<T> ReadAllAsync<T>(TraceFileDecoder<T> decode, Func<TraceFileLoss, T> onLoss, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(onLoss);
        TraceFileReader reader = CreateReader();
        int countdown = 4096;
        while (Next(reader, decode, onLoss, out T? item))
        {
            if (item is not null)
                yield return item;
            if (--countdown == 0)
            {
                countdown = 4096;
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
            }
        }
    }

    private static bool Next<T>(TraceFileReader reader, TraceFileDecoder<T> decode, Func<TraceFileLoss, T> onLoss, out T? item)
        where T : class
    {
        item = null;
        if (!reader.MoveNext())
            return false;
        item = reader.Kind == TraceFileItemKind.Record ? decode(reader.Record) : onLoss(reader.Loss);
        return true;
    }

    /// <summary>
    /// Makes kernel-text formatting on the calling thread (<c>%pS</c> symbols, <c>%s</c> of printk
    /// strings) use this file's kallsyms and printk formats, which are the recording machine's,
    /// until the returned scope is disposed.
    /// </summary>
    public IDisposable UseForFormatting() => new FormattingScope(KernelSymbols.Use(Symbols), PrintkFormats.Use(PrintkFormats));

    private sealed class FormattingScope(IDisposable symbols, IDisposable printk) : IDisposable
    {
        public void Dispose()
        {
            printk.Dispose();
            symbols.Dispose();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>Applies the file's time options (TSC conversion, DATE, OFFSET) to a raw ring-buffer timestamp.</summary>
    internal ulong AdjustTimestamp(ulong raw)
    {
        ulong value = raw;
        if (_tscMultiplier != 0)
            value = (ulong)(((UInt128)value * _tscMultiplier) >> _tscShift) + unchecked((ulong)_tscOffset);
        return unchecked(value + (ulong)TimestampOffset);
    }

    internal bool HasTimeAdjustment => _tscMultiplier != 0 || TimestampOffset != 0;

    private void ReadMetadata()
    {
        var cursor = new FileCursor(_handle, Path, 0, Length);
        ReadPreamble(cursor);
        if (Version == 6)
            ReadVersion6(cursor);
        else
            ReadVersion7(cursor);
        if (PageSize <= PageDataOffset + KernelLongSize || PageSize > (1 << 24))
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, -1, $"the page size {PageSize} cannot hold the page header that header_page describes ({PageDataOffset} bytes)");
    }

    private void ReadPreamble(FileCursor cursor)
    {
        if (Length < 3)
            throw new TraceFileException(TraceFileProblem.NotATraceFile, Path, 0, $"the file is {Length} bytes long, too short for a trace.dat file");
        byte[] magic = cursor.Block(3, "the magic bytes");
        if (magic[0] != TraceFileLayout.Magic[0] || magic[1] != TraceFileLayout.Magic[1] || magic[2] != TraceFileLayout.Magic[2])
            throw new TraceFileException(TraceFileProblem.NotATraceFile, Path, 0, "this is not a trace.dat file (it does not start with trace-cmd's magic bytes 17 08 44)");
        if (cursor.Remaining < 7 || Encoding.ASCII.GetString(cursor.Block(7, "\"tracing\"")) != TraceFileLayout.Tracing)
            throw new TraceFileException(TraceFileProblem.NotATraceFile, Path, 3, "this is not a trace.dat file (\"tracing\" does not follow the magic bytes)");
        long versionOffset = cursor.Position;
        string versionText = cursor.CString("the version", 16);
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version is not (6 or 7))
            throw new TraceFileException(TraceFileProblem.UnsupportedVersion, Path, versionOffset, $"the file's version is '{MetadataCursor.Printable(versionText)}'; TpGen reads versions 6 and 7 (trace-cmd 2.x writes 6, 3.x writes 6 or 7)");
        Version = version;
        long endianOffset = cursor.Position;
        byte endian = cursor.Block(1, "the byte order")[0];
        if (endian == 1)
            throw new TraceFileException(TraceFileProblem.UnsupportedByteOrder, Path, endianOffset, "the file was recorded on a big-endian machine; TpGen reads little-endian files only");
        if (endian != 0)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, endianOffset, $"the byte-order flag is {endian}, neither 0 (little-endian) nor 1 (big-endian)");
        long longOffset = cursor.Position;
        UserLongSize = cursor.Block(1, "the size of a long")[0];
        if (UserLongSize is not (4 or 8))
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, longOffset, $"the size of a long is {UserLongSize}, neither 4 nor 8");
        KernelLongSize = UserLongSize;
        long pageOffset = cursor.Position;
        uint pageSize = cursor.U32("the page size");
        if (pageSize < 64 || pageSize > (1 << 24) || (pageSize & (pageSize - 1)) != 0)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, pageOffset, $"the page size is {pageSize}, not a power of two from 64 bytes to 16 MiB");
        PageSize = (int)pageSize;
        if (Version == 7)
        {
            long compressionOffset = cursor.Position;
            string name = cursor.CString("the compression's name", 64);
            string algorithmVersion = cursor.CString("the compression's version", 64);
            _compression = name == "none" ? null : TraceFileCompression.Create(name, algorithmVersion, Path, compressionOffset);
        }
    }

    private void ReadVersion6(FileCursor cursor)
    {
        ReadHeaderInfo(cursor);
        ReadFtraceFormats(cursor);
        ReadEventFormats(cursor);
        ReadKallsyms(cursor);
        ReadPrintk(cursor);
        ReadCmdlines(cursor);
        CpuCount = (int)Math.Min(cursor.U32("the CPU count"), 1u << 20);

        long kindOffset = cursor.Position;
        string kind = Encoding.ASCII.GetString(cursor.Block(10, "the kind of trace data"));
        if (kind == "options  \0")
        {
            ReadOptions(cursor, sectioned: false);
            kindOffset = cursor.Position;
            kind = Encoding.ASCII.GetString(cursor.Block(10, "the kind of trace data"));
        }
        if (kind == "latency  \0")
            throw new TraceFileException(TraceFileProblem.LatencyTrace, Path, kindOffset, "the file holds a latency tracer's text, not ring-buffer pages; read it with trace-cmd report");
        if (kind != "flyrecord\0")
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, kindOffset, $"expected \"options\", \"latency\" or \"flyrecord\" but found \"{MetadataCursor.Printable(kind)}\"");
        if (_cpuCountOption >= 0)
            CpuCount = _cpuCountOption;

        var cpus = new List<TraceFileCpu>();
        for (int cpu = 0; cpu < CpuCount; cpu++)
        {
            long entry = cursor.Position;
            ulong offset = cursor.U64($"CPU {cpu}'s data offset");
            ulong size = cursor.U64($"CPU {cpu}'s data size");
            if (size == 0)
                continue;
            if (offset > (ulong)Length || size > (ulong)Length - offset)
                throw new TraceFileException(TraceFileProblem.Truncated, Path, entry, $"CPU {cpu}'s data is {size} bytes at byte {offset}, past the end of the {Length}-byte file (is the file cut short?)");
            cpus.Add(TraceFileCpu.Uncompressed(cpu, (long)offset, (long)size));
        }
        Cpus = cpus;
        // With a TRACECLOCK option, the clock follows the CPU table; a damaged one is ignored as trace-cmd does.
        if (_hasClockOption && cursor.Remaining >= 8)
        {
            ulong clockSize = cursor.U64("the trace clock's size");
            if (clockSize <= 256 && clockSize <= (ulong)cursor.Remaining)
                Clock = ParseClock(cursor.Text(clockSize, "the trace clock")) ?? Clock;
        }
    }

    private void ReadVersion7(FileCursor cursor)
    {
        long startOffset = cursor.Position;
        ulong options = cursor.U64("the offset of the first options section");
        var sections = new Dictionary<ushort, (long Offset, long At)>();
        var visited = new HashSet<ulong>();
        long pointer = startOffset;
        Buffer? top = null;
        while (options != 0)
        {
            if (!visited.Add(options) || visited.Count > 1024)
                throw new TraceFileException(TraceFileProblem.Corrupt, Path, pointer, $"the options sections loop back to byte {options}");
            (MetadataCursor section, long next) = OpenSection((long)options, TraceFileLayout.OptionDone, "options section", pointer);
            _ = next;
            (ulong following, List<Buffer> buffers) = ReadOptions(section, sectioned: true, sections);
            foreach (Buffer buffer in buffers)
            {
                if (buffer.Name.Length == 0)
                    top = buffer;
                else
                    _otherBuffers.Add(buffer.Name);
            }
            pointer = section.ErrorOffset;
            options = following;
        }

        if (!sections.TryGetValue(TraceFileLayout.OptionHeaderInfo, out var headers))
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, startOffset, "the file has no header info section (the ring buffer's page and event headers)");
        ReadHeaderInfo(OpenSection(headers.Offset, TraceFileLayout.OptionHeaderInfo, "header info section", headers.At).Cursor);
        if (sections.TryGetValue(TraceFileLayout.OptionFtraceEvents, out var ftrace))
            ReadFtraceFormats(OpenSection(ftrace.Offset, TraceFileLayout.OptionFtraceEvents, "ftrace formats section", ftrace.At).Cursor);
        if (sections.TryGetValue(TraceFileLayout.OptionEventFormats, out var events))
            ReadEventFormats(OpenSection(events.Offset, TraceFileLayout.OptionEventFormats, "event formats section", events.At).Cursor);
        if (sections.TryGetValue(TraceFileLayout.OptionKallsyms, out var kallsyms))
            ReadKallsyms(OpenSection(kallsyms.Offset, TraceFileLayout.OptionKallsyms, "kallsyms section", kallsyms.At).Cursor);
        if (sections.TryGetValue(TraceFileLayout.OptionPrintk, out var printk))
            ReadPrintk(OpenSection(printk.Offset, TraceFileLayout.OptionPrintk, "printk section", printk.At).Cursor);
        if (sections.TryGetValue(TraceFileLayout.OptionCmdlines, out var cmdlines))
            ReadCmdlines(OpenSection(cmdlines.Offset, TraceFileLayout.OptionCmdlines, "saved command lines section", cmdlines.At).Cursor);

        if (top is null)
        {
            Cpus = Array.Empty<TraceFileCpu>();
            CpuCount = Math.Max(_cpuCountOption, 0);
            return;
        }
        if (top.Latency)
            throw new TraceFileException(TraceFileProblem.LatencyTrace, Path, top.At, "the file holds a latency tracer's text, not ring-buffer pages; read it with trace-cmd report");
        if (top.Clock.Length > 0)
            Clock = top.Clock;
        if (top.PageSize != 0)
        {
            if (top.PageSize < 64 || top.PageSize > (1 << 24) || (top.PageSize & (top.PageSize - 1)) != 0)
                throw new TraceFileException(TraceFileProblem.Corrupt, Path, top.At, $"the top buffer's page size is {top.PageSize}, not a power of two from 64 bytes to 16 MiB");
            PageSize = (int)top.PageSize;
        }

        // The buffer's section header says whether its pages are compressed.
        if (top.Offset < 0 || top.Offset > Length - TraceFileLayout.SectionHeaderSize)
            throw new TraceFileException(TraceFileProblem.Truncated, Path, top.At, $"the trace data section is said to be at byte {top.Offset}, past the end of the {Length}-byte file (is the file cut short?)");
        var header = new FileCursor(_handle, Path, top.Offset, Length);
        ushort id = header.U16("the trace data section's id");
        ushort flags = header.U16("the trace data section's flags");
        if (id != TraceFileLayout.OptionBuffer)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, top.Offset, $"the trace data section has id {id}, not {TraceFileLayout.OptionBuffer}");
        bool compressed = (flags & TraceFileLayout.SectionCompressed) != 0;
        if (compressed && _compression is null)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, top.Offset, "the trace data is marked compressed but the file names no compression");

        var cpus = new List<TraceFileCpu>();
        var seen = new HashSet<int>();
        int highest = -1;
        foreach ((int cpu, long offset, long size) in top.Cpus)
        {
            if (!seen.Add(cpu))
                throw new TraceFileException(TraceFileProblem.Corrupt, Path, top.At, $"the trace data describes CPU {cpu} twice");
            highest = Math.Max(highest, cpu);
            if (size == 0)
                continue;
            if (offset < 0 || offset > Length || size > Length - offset)
                throw new TraceFileException(TraceFileProblem.Truncated, Path, top.At, $"CPU {cpu}'s data is {size} bytes at byte {offset}, past the end of the {Length}-byte file (is the file cut short?)");
            cpus.Add(compressed ? ReadChunks(cpu, offset, size) : TraceFileCpu.Uncompressed(cpu, offset, size));
        }
        Cpus = cpus;
        CpuCount = Math.Max(_cpuCountOption, highest + 1);
    }

    /// <summary>Reads the chunk table of one CPU's compressed data: a count, then (compressed size, size, bytes) per chunk.</summary>
    private TraceFileCpu ReadChunks(int cpu, long offset, long size)
    {
        // trace-cmd 3.1 records the size of compressed data 4 bytes short, and its own reader
        // ignores the size: the chunks are bounded by the file instead.
        var cursor = new FileCursor(_handle, Path, offset, Length);
        uint count = cursor.U32($"CPU {cpu}'s chunk count");
        if (count > cursor.Remaining / 8)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, offset, $"CPU {cpu}'s data claims {count} compressed chunks, more than the rest of the file can hold");
        var chunks = new TraceFileChunk[count];
        long dataOffset = 0;
        for (int i = 0; i < count; i++)
        {
            long at = cursor.Position;
            uint compressedSize = cursor.U32($"the compressed size of CPU {cpu}'s chunk {i}");
            uint chunkSize = cursor.U32($"the size of CPU {cpu}'s chunk {i}");
            if (chunkSize == 0 || chunkSize % PageSize != 0 || chunkSize > TraceFileCompression.MaxBlock)
                throw new TraceFileException(TraceFileProblem.Corrupt, Path, at, $"CPU {cpu}'s chunk {i} decompresses to {chunkSize} bytes, not a whole number of {PageSize}-byte pages");
            chunks[i] = new TraceFileChunk(cursor.Position, compressedSize, chunkSize, dataOffset);
            cursor.Skip(compressedSize, $"CPU {cpu}'s chunk {i}");
            dataOffset += chunkSize;
        }
        return TraceFileCpu.Compressed(cpu, offset, size, chunks, dataOffset);
    }

    /// <summary>Opens a version 7 section: checks its header and hands back a cursor over its (decompressed) data.</summary>
    private (MetadataCursor Cursor, long End) OpenSection(long offset, ushort expectedId, string what, long referencedFrom)
    {
        if (offset < 0 || offset > Length - TraceFileLayout.SectionHeaderSize)
            throw new TraceFileException(TraceFileProblem.Truncated, Path, referencedFrom, $"the {what} is said to be at byte {offset}, past the end of the {Length}-byte file (is the file cut short?)");
        var header = new FileCursor(_handle, Path, offset, Length);
        ushort id = header.U16($"the {what}'s id");
        ushort flags = header.U16($"the {what}'s flags");
        header.U32($"the {what}'s description");
        long sizeOffset = header.Position;
        ulong size = header.U64($"the {what}'s size");
        if (id != expectedId)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, offset, $"the {what} has id {id}, not {expectedId}");
        long start = header.Position;
        if (size > (ulong)(Length - start))
            throw new TraceFileException(TraceFileProblem.Truncated, Path, sizeOffset, $"the {what} is {size} bytes but only {Length - start} remain in the file (is the file cut short?)");
        long end = start + (long)size;
        if ((flags & TraceFileLayout.SectionCompressed) == 0)
            return (new FileCursor(_handle, Path, start, end), end);
        if (_compression is null)
            throw new TraceFileException(TraceFileProblem.Corrupt, Path, offset, $"the {what} is marked compressed but the file names no compression");
        var data = new FileCursor(_handle, Path, start, end);
        uint compressedSize = data.U32($"the {what}'s compressed size");
        uint plainSize = data.U32($"the {what}'s decompressed size");
        byte[] compressed = data.Block(compressedSize, $"the {what}'s compressed data");
        byte[] plain = _compression.Decompress(compressed, plainSize, offset, "the " + what);
        return (new MemoryCursor(plain, Path, offset, what), end);
    }

    private void ReadHeaderInfo(MetadataCursor cursor)
    {
        long at = cursor.ErrorOffset;
        cursor.Expect("header_page\0", "\"header_page\"");
        HeaderPage = cursor.Text(cursor.U64("the size of header_page"), "header_page");
        cursor.Expect("header_event\0", "\"header_event\"");
        HeaderEvent = cursor.Text(cursor.U64("the size of header_event"), "header_event");

        (EquatableArray<FieldSpec>? fields, EquatableArray<FormatDiagnostic> diagnostics) = FormatFileReader.ReadHeaderPage(HeaderPage, Path + " header_page");
        FieldSpec? commit = null, data = null;
        foreach (FieldSpec field in fields ?? EquatableArray<FieldSpec>.Empty)
        {
            if (field.Name == "commit")
                commit = field;
            else if (field.Name == "data")
                data = field;
        }
        if (commit is null || data is null || commit.Size is not (4 or 8) || data.Offset < commit.Offset + commit.Size)
        {
            string reason = fields is null ? FirstError(diagnostics) : "it has no commit word and data field";
            throw cursor.Fail(TraceFileProblem.Corrupt, at, $"header_page does not describe a ring-buffer page: {reason}");
        }
        KernelLongSize = commit.Size;
        PageDataOffset = data.Offset;
    }

    private void ReadFtraceFormats(MetadataCursor cursor)
    {
        uint count = cursor.U32("the number of ftrace formats");
        if (count > cursor.Remaining / 8)
            throw cursor.Fail(TraceFileProblem.Corrupt, cursor.ErrorOffset, $"the file claims {count} ftrace formats, more than the rest of it can hold");
        for (int i = 0; i < count; i++)
        {
            long at = cursor.ErrorOffset;
            string text = cursor.Text(cursor.U64("an ftrace format's size"), "an ftrace format");
            AddEvent("ftrace", text, at, cursor);
        }
    }

    private void ReadEventFormats(MetadataCursor cursor)
    {
        uint systems = cursor.U32("the number of event systems");
        if (systems > cursor.Remaining / 5)
            throw cursor.Fail(TraceFileProblem.Corrupt, cursor.ErrorOffset, $"the file claims {systems} event systems, more than the rest of it can hold");
        for (int s = 0; s < systems; s++)
        {
            long systemOffset = cursor.ErrorOffset;
            string system = cursor.CString("an event system's name", 256);
            if (!TraceNames.IsSystem(system))
                throw cursor.Fail(TraceFileProblem.Corrupt, systemOffset, $"'{MetadataCursor.Printable(system)}' is not an event system's name");
            uint count = cursor.U32($"the number of {system} events");
            if (count > cursor.Remaining / 8)
                throw cursor.Fail(TraceFileProblem.Corrupt, cursor.ErrorOffset, $"the file claims {count} {system} events, more than the rest of it can hold");
            for (int i = 0; i < count; i++)
            {
                long at = cursor.ErrorOffset;
                string text = cursor.Text(cursor.U64($"a {system} format's size"), $"a {system} event format");
                AddEvent(system, text, at, cursor);
            }
        }
    }

    private void AddEvent(string system, string text, long offset, MetadataCursor cursor)
    {
        if (!TraceFileEvent.TryReadHeader(text, out string name, out int id, out string problem))
            throw cursor.Fail(TraceFileProblem.Corrupt, offset, problem);
        if (_byId[id] is { } other)
            throw cursor.Fail(TraceFileProblem.DuplicateEventId, offset, $"event id {id} is given to both {other.FullName} and {system}:{name}");
        var added = new TraceFileEvent(id, system, name, text, $"{Path} ({system}:{name} format at byte {offset})");
        _byId[id] = added;
        _events.Add(added);
    }

    private void ReadKallsyms(MetadataCursor cursor) => _kallsyms = cursor.Text(cursor.U32("the size of kallsyms"), "kallsyms");

    private void ReadPrintk(MetadataCursor cursor) => _printk = cursor.Text(cursor.U32("the size of the printk formats"), "the printk formats");

    private void ReadCmdlines(MetadataCursor cursor)
    {
        string text = cursor.Text(cursor.U64("the size of the saved command lines"), "the saved command lines");
        foreach (string line in text.Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space > 0 && int.TryParse(line.AsSpan(0, space), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pid))
                _commands[pid] = line.Substring(space + 1);
        }
    }

    /// <summary>A buffer that a version 7 BUFFER or BUFFER_TEXT option at <paramref name="At"/> describes.</summary>
    private sealed record Buffer(string Name, long Offset, string Clock, uint PageSize, bool Latency, List<(int Cpu, long Offset, long Size)> Cpus, long At);

    private void ReadOptions(MetadataCursor cursor, bool sectioned) => ReadOptions(cursor, sectioned, null);

    /// <summary>Reads options up to DONE: returns the next options section's offset (version 7) and the buffers described.</summary>
    private (ulong Next, List<Buffer> Buffers) ReadOptions(MetadataCursor cursor, bool sectioned, Dictionary<ushort, (long Offset, long At)>? sections)
    {
        var buffers = new List<Buffer>();
        for (int count = 0; ; count++)
        {
            if (count > 100_000)
                throw cursor.Fail(TraceFileProblem.Corrupt, cursor.ErrorOffset, "more than 100,000 options; the file is corrupt");
            long at = cursor.ErrorOffset;
            ushort id = cursor.U16("an option's id");
            if (!sectioned && id == TraceFileLayout.OptionDone)
                return (0, buffers);
            uint size = cursor.U32($"option {id}'s size");
            byte[] data = cursor.Block(size, $"option {id}");
            var option = new MemoryCursor(data, Path, at, $"option {id}");
            switch (id)
            {
                case TraceFileLayout.OptionDone:
                    return (option.U64("the next options section's offset"), buffers);
                case TraceFileLayout.OptionDate:
                    TimestampOffset += ParseNumber(OptionText(data)) * 1000;
                    break;
                case TraceFileLayout.OptionOffset:
                    TimestampOffset += ParseNumber(OptionText(data));
                    break;
                case TraceFileLayout.OptionCpuStat:
                    _cpuStatistics.Add(OptionText(data));
                    break;
                case TraceFileLayout.OptionTraceClock:
                    _hasClockOption = true;
                    Clock = ParseClock(OptionText(data)) ?? Clock;
                    break;
                case TraceFileLayout.OptionUname:
                    Uname = OptionText(data);
                    break;
                case TraceFileLayout.OptionVersion:
                    RecorderVersion = OptionText(data);
                    break;
                case TraceFileLayout.OptionCpuCount:
                    _cpuCountOption = (int)Math.Min(option.U32("the CPU count"), 1u << 20);
                    break;
                case TraceFileLayout.OptionTsc2Nsec:
                    _tscMultiplier = option.U32("the TSC multiplier");
                    _tscShift = (int)Math.Min(option.U32("the TSC shift"), 63u);
                    _tscOffset = unchecked((long)option.U64("the TSC offset"));
                    break;
                case TraceFileLayout.OptionBuffer or TraceFileLayout.OptionBufferText:
                {
                    ulong offset = option.U64("a buffer's offset");
                    string name = option.CString("a buffer's name");
                    if (!sectioned)
                    {
                        if (name.Length > 0)
                            _otherBuffers.Add(name);
                        break;
                    }
                    string clock = option.CString("a buffer's clock");
                    var cpus = new List<(int, long, long)>();
                    uint pageSize = 0;
                    if (id == TraceFileLayout.OptionBuffer)
                    {
                        pageSize = option.U32("a buffer's page size");
                        uint cpuCount = option.U32("a buffer's CPU count");
                        if (cpuCount > option.Remaining / 20)
                            throw cursor.Fail(TraceFileProblem.Corrupt, at, $"buffer '{name}' claims {cpuCount} CPUs, more than its option holds");
                        for (int i = 0; i < cpuCount; i++)
                        {
                            uint cpu = option.U32("a CPU id");
                            ulong cpuOffset = option.U64($"CPU {cpu}'s data offset");
                            ulong cpuSize = option.U64($"CPU {cpu}'s data size");
                            if (cpu > (1u << 20) || cpuOffset > long.MaxValue || cpuSize > long.MaxValue)
                                throw cursor.Fail(TraceFileProblem.Corrupt, at, $"buffer '{name}' describes CPU {cpu} at byte {cpuOffset} with {cpuSize} bytes, which cannot be");
                            cpus.Add(((int)cpu, (long)cpuOffset, (long)cpuSize));
                        }
                    }
                    buffers.Add(new Buffer(name, offset > long.MaxValue ? -1 : (long)offset, clock, pageSize, id == TraceFileLayout.OptionBufferText, cpus, at));
                    break;
                }
                case >= TraceFileLayout.OptionHeaderInfo and <= TraceFileLayout.OptionCmdlines when sectioned && sections is not null:
                {
                    ulong offset = option.U64($"section {id}'s offset");
                    sections[id] = (offset > long.MaxValue ? -1 : (long)offset, at);
                    break;
                }
            }
        }
    }

    private static string OptionText(byte[] data) => Encoding.UTF8.GetString(data).TrimEnd('\0').TrimEnd();

    // strtoll with base 0, as trace-cmd reads DATE and OFFSET.
    private static long ParseNumber(string text)
    {
        string value = text.Trim();
        bool negative = value.StartsWith('-');
        if (negative)
            value = value.Substring(1);
        long parsed = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? (long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long hex) ? hex : 0)
            : (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long dec) ? dec : 0);
        return negative ? -parsed : parsed;
    }

    // The current clock is the bracketed one: "[local] global counter ...".
    private static string? ParseClock(string text)
    {
        int open = text.IndexOf('[');
        int close = open < 0 ? -1 : text.IndexOf(']', open);
        if (close > open + 1)
            return text.Substring(open + 1, close - open - 1);
        string trimmed = text.Trim();
        return trimmed.Length > 0 && trimmed.Length < 64 && !trimmed.Contains(' ') ? trimmed : null;
    }

    private static string FirstError(EquatableArray<FormatDiagnostic> diagnostics)
    {
        foreach (FormatDiagnostic diagnostic in diagnostics)
        {
            if (diagnostic.IsError)
                return $"line {diagnostic.Line}: {diagnostic.Message}";
        }
        return "it does not parse";
    }
}

/// <summary>Receives one record of a trace file; the record's bytes are valid only during the call.</summary>
public delegate void TraceFileRecordHandler(in TraceFileRecord record);

/// <summary>Turns one record of a trace file into an owned value, or null to skip it.</summary>
public delegate T? TraceFileDecoder<T>(in TraceFileRecord record)
    where T : class;
