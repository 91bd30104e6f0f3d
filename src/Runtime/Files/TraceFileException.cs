using System;

namespace TpGen.Files;

/// <summary>What is wrong with a trace.dat file.</summary>
public enum TraceFileProblem
{
    /// <summary>The file could not be opened or read (missing, permissions, an I/O error).</summary>
    Unreadable,

    /// <summary>The file does not start with trace-cmd's magic bytes and "tracing".</summary>
    NotATraceFile,

    /// <summary>The file's version is not 6 or 7, the versions trace-cmd documents.</summary>
    UnsupportedVersion,

    /// <summary>The file was written on a big-endian machine; records would decode as garbage here.</summary>
    UnsupportedByteOrder,

    /// <summary>The file ends before a part that its headers say is there.</summary>
    Truncated,

    /// <summary>A header, section or option holds something the format does not allow.</summary>
    Corrupt,

    /// <summary>A part is compressed with an algorithm this machine cannot decompress.</summary>
    UnsupportedCompression,

    /// <summary>Compressed data does not decompress to what its header says.</summary>
    CorruptCompressedData,

    /// <summary>The file holds latency-tracer text instead of ring-buffer pages (trace-cmd record of a latency tracer).</summary>
    LatencyTrace,

    /// <summary>A ring-buffer page of the trace data is inconsistent (its size, an event header or a record runs past the page).</summary>
    CorruptPage,

    /// <summary>Two event formats in the file claim the same event id.</summary>
    DuplicateEventId,
}

/// <summary>
/// A trace.dat file cannot be read: <see cref="Problem"/> says what is wrong and
/// <see cref="Offset"/> where (a byte offset into the file, -1 when no place applies).
/// </summary>
public sealed class TraceFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TraceFileException(TraceFileProblem problem, string path, long offset, string detail, Exception? inner = null)
        : base(Describe(path, offset, detail), inner)
    {
        Problem = problem;
        Path = path;
        Offset = offset;
        Detail = detail;
    }

    /// <summary>What is wrong.</summary>
    public TraceFileProblem Problem { get; }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The byte offset in the file where the problem is, or -1.</summary>
    public long Offset { get; }

    /// <summary>The problem in words, without the file and offset.</summary>
    public string Detail { get; }

    private static string Describe(string path, long offset, string detail) =>
        offset >= 0 ? $"{path}: at byte {offset}: {detail}" : $"{path}: {detail}";
}
