using System;
using System.Collections.Generic;

namespace TpGen.Files;

/// <summary>Where one CPU's trace data lies in a trace.dat file.</summary>
public sealed class TraceFileCpu
{
    private TraceFileCpu(int cpu, long fileOffset, long fileSize, long dataSize, TraceFileChunk[]? chunks)
    {
        Cpu = cpu;
        FileOffset = fileOffset;
        FileSize = fileSize;
        DataSize = dataSize;
        Chunks = chunks;
    }

    /// <summary>The CPU.</summary>
    public int Cpu { get; }

    /// <summary>Where its data begins in the file.</summary>
    public long FileOffset { get; }

    /// <summary>How many bytes of the file its data takes (compressed, where it is).</summary>
    public long FileSize { get; }

    /// <summary>The size of its ring-buffer pages, decompressed.</summary>
    public long DataSize { get; }

    /// <summary>Whether the pages are stored compressed, in chunks.</summary>
    public bool IsCompressed => Chunks is not null;

    internal IReadOnlyList<TraceFileChunk>? Chunks { get; }

    internal static TraceFileCpu Uncompressed(int cpu, long offset, long size) => new(cpu, offset, size, size, null);

    internal static TraceFileCpu Compressed(int cpu, long offset, long size, TraceFileChunk[] chunks, long dataSize) => new(cpu, offset, size, dataSize, chunks);
}

/// <summary>One compressed chunk of a CPU's pages: its bytes in the file and the pages it holds.</summary>
internal readonly record struct TraceFileChunk(long FileOffset, uint CompressedSize, uint Size, long DataOffset);
