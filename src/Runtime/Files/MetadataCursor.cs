using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TpGen.Files;

/// <summary>
/// Reads the metadata of a trace.dat file (little-endian numbers, NUL-terminated strings, sized
/// blocks) from the file itself or from a decompressed section, and turns every overrun into a
/// <see cref="TraceFileException"/> that names the place. No size read from the file is trusted
/// beyond what remains of the file or section.
/// </summary>
internal abstract class MetadataCursor
{
    protected MetadataCursor(string path) => Path = path;

    public string Path { get; }

    /// <summary>Bytes left to read.</summary>
    public abstract long Remaining { get; }

    /// <summary>The file offset to name in errors about the next byte.</summary>
    public abstract long ErrorOffset { get; }

    /// <summary>Words for where the next byte is, when it is not simply a file offset (a compressed section).</summary>
    public virtual string Where => "";

    public ushort U16(string what)
    {
        Span<byte> bytes = stackalloc byte[2];
        Read(bytes, what);
        return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    public uint U32(string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        Read(bytes, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public ulong U64(string what)
    {
        Span<byte> bytes = stackalloc byte[8];
        Read(bytes, what);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A NUL-terminated string of at most <paramref name="maxLength"/> bytes.</summary>
    public string CString(string what, int maxLength = 4096)
    {
        var bytes = new System.Collections.Generic.List<byte>();
        Span<byte> one = stackalloc byte[1];
        long start = ErrorOffset;
        while (true)
        {
            if (Remaining <= 0)
                throw Fail(TraceFileProblem.Truncated, start, $"{what} has no terminating NUL before the end of the {Container}");
            Read(one, what);
            if (one[0] == 0)
                break;
            if (bytes.Count >= maxLength)
                throw Fail(TraceFileProblem.Corrupt, start, $"{what} is longer than {maxLength} bytes; the file is corrupt");
            bytes.Add(one[0]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Checks that the next bytes are exactly <paramref name="expected"/> (ASCII, including any NUL).</summary>
    public void Expect(string expected, string what)
    {
        long start = ErrorOffset;
        byte[] actual = new byte[expected.Length];
        Read(actual, what);
        if (Encoding.ASCII.GetString(actual) != expected)
            throw Fail(TraceFileProblem.Corrupt, start, $"expected {what} (\"{Printable(expected)}\") but found \"{Printable(Encoding.ASCII.GetString(actual))}\"");
    }

    /// <summary>A block whose size the file gave; the size is checked against what is left before anything is allocated.</summary>
    public byte[] Block(ulong size, string what)
    {
        if (size > (ulong)Remaining)
            throw Fail(TraceFileProblem.Truncated, ErrorOffset, $"{what} is {size} bytes but only {Remaining} remain in the {Container}");
        if (size > int.MaxValue - 64)
            throw Fail(TraceFileProblem.Corrupt, ErrorOffset, $"{what} is {size} bytes, more than one part of a trace file may hold");
        byte[] block = new byte[(int)size];
        Read(block, what);
        return block;
    }

    /// <summary>A block of text (a format file, kallsyms, ...).</summary>
    public string Text(ulong size, string what) => Encoding.UTF8.GetString(Block(size, what)).TrimEnd('\0');

    public void Skip(ulong size, string what)
    {
        if (size > (ulong)Remaining)
            throw Fail(TraceFileProblem.Truncated, ErrorOffset, $"{what} is {size} bytes but only {Remaining} remain in the {Container}");
        SkipCore((long)size);
    }

    public TraceFileException Fail(TraceFileProblem problem, long offset, string detail) =>
        new(problem, Path, offset, Where.Length == 0 ? detail : detail + " (" + Where + ")");

    protected abstract string Container { get; }

    protected abstract void SkipCore(long count);

    /// <summary>Fills <paramref name="destination"/> or throws Truncated.</summary>
    protected abstract void ReadCore(Span<byte> destination);

    private void Read(Span<byte> destination, string what)
    {
        if (destination.Length > Remaining)
            throw Fail(TraceFileProblem.Truncated, ErrorOffset, $"the {Container} ends inside {what}");
        ReadCore(destination);
    }

    internal static string Printable(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
            builder.Append(c >= ' ' && c < 127 ? c.ToString() : c == '\0' ? "\\0" : $"\\x{(int)c:x2}");
        return builder.ToString();
    }
}

/// <summary>Reads the file itself, from an offset up to a limit (the end of the file or of a section).</summary>
internal sealed class FileCursor : MetadataCursor
{
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private long _position;

    public FileCursor(SafeFileHandle file, string path, long position, long end)
        : base(path)
    {
        _file = file;
        _position = position;
        _end = end;
    }

    public long Position => _position;

    public override long Remaining => Math.Max(0, _end - _position);

    public override long ErrorOffset => _position;

    protected override string Container => "file";

    protected override void SkipCore(long count) => _position += count;

    protected override void ReadCore(Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int read;
            try
            {
                read = RandomAccess.Read(_file, destination.Slice(done), _position + done);
            }
            catch (IOException e)
            {
                throw new TraceFileException(TraceFileProblem.Unreadable, Path, _position + done, "cannot read: " + e.Message, e);
            }
            if (read <= 0)
                throw Fail(TraceFileProblem.Truncated, _position + done, "the file ends early (it changed while being read?)");
            done += read;
        }
        _position += destination.Length;
    }
}

/// <summary>Reads a section held in memory (a decompressed section of a version 7 file).</summary>
internal sealed class MemoryCursor : MetadataCursor
{
    private readonly byte[] _data;
    private readonly long _sectionOffset;
    private readonly string _section;
    private int _position;

    public MemoryCursor(byte[] data, string path, long sectionOffset, string section)
        : base(path)
    {
        _data = data;
        _sectionOffset = sectionOffset;
        _section = section;
    }

    public override long Remaining => _data.Length - _position;

    public override long ErrorOffset => _sectionOffset;

    public override string Where => $"byte {_position} of the decompressed {_section}";

    protected override string Container => "decompressed " + _section;

    protected override void SkipCore(long count) => _position += (int)count;

    protected override void ReadCore(Span<byte> destination)
    {
        _data.AsSpan(_position, destination.Length).CopyTo(destination);
        _position += destination.Length;
    }
}
