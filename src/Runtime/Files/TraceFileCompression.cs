using System;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace TpGen.Files;

/// <summary>
/// The compression of a version 7 file, named in its header: "none", "zlib" (zlib's format, as
/// trace-cmd's compress2 writes it) or "zstd" (through libzstd, loaded when first needed).
/// </summary>
internal sealed class TraceFileCompression
{
    /// <summary>No part of a trace file decompresses to more than this (trace-cmd compresses in chunks of a few pages).</summary>
    public const int MaxBlock = 256 * 1024 * 1024;

    private readonly string _path;

    private TraceFileCompression(string name, string version, string path)
    {
        Name = name;
        Version = version;
        _path = path;
    }

    public string Name { get; }

    public string Version { get; }

    public static TraceFileCompression Create(string name, string version, string path, long offset)
    {
        if (name is not ("none" or "zlib" or "zstd"))
            throw new TraceFileException(TraceFileProblem.UnsupportedCompression, path, offset, $"the file is compressed with '{MetadataCursor.Printable(name)}', which TpGen cannot decompress (it reads zlib and zstd)");
        return new TraceFileCompression(name, version, path);
    }

    /// <summary>Decompresses <paramref name="source"/>, which must give exactly <paramref name="size"/> bytes.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> source, uint size, long offset, string what)
    {
        if (size > MaxBlock)
            throw new TraceFileException(TraceFileProblem.Corrupt, _path, offset, $"{what} claims {size} bytes when decompressed, more than any part of a trace file holds");
        byte[] output = new byte[size];
        int written = Name switch
        {
            "zlib" => Zlib(source, output, offset, what),
            "zstd" => Zstandard(source, output, offset, what),
            _ => throw new TraceFileException(TraceFileProblem.Corrupt, _path, offset, $"{what} is marked compressed but the file names no compression"),
        };
        if (written != size)
            throw new TraceFileException(TraceFileProblem.CorruptCompressedData, _path, offset, $"{what} decompresses to {written} bytes, not the {size} its header gives");
        return output;
    }

    private int Zlib(ReadOnlySpan<byte> source, byte[] output, long offset, string what)
    {
        try
        {
            using var input = new MemoryStream(source.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            int total = 0;
            while (total < output.Length)
            {
                int read = zlib.Read(output, total, output.Length - total);
                if (read == 0)
                    break;
                total += read;
            }
            // One byte more than promised is as wrong as one less.
            if (total == output.Length && zlib.ReadByte() >= 0)
                total++;
            return total;
        }
        catch (InvalidDataException e)
        {
            throw new TraceFileException(TraceFileProblem.CorruptCompressedData, _path, offset, $"{what} is not valid zlib data: {e.Message}", e);
        }
    }

    private unsafe int Zstandard(ReadOnlySpan<byte> source, byte[] output, long offset, string what)
    {
        nuint result;
        try
        {
            fixed (byte* input = source)
            fixed (byte* destination = output)
                result = Interop.Zstd.Decompress(destination, (nuint)output.Length, input, (nuint)source.Length);
        }
        catch (DllNotFoundException e)
        {
            throw new TraceFileException(TraceFileProblem.UnsupportedCompression, _path, offset, $"the file is compressed with zstd and {Interop.Zstd.Library} is not installed (apt-get install libzstd1)", e);
        }
        if (Interop.Zstd.IsError(result) != 0)
            throw new TraceFileException(TraceFileProblem.CorruptCompressedData, _path, offset, $"{what} is not valid zstd data: {Marshal.PtrToStringUTF8(Interop.Zstd.GetErrorName(result))}");
        return (int)result;
    }
}
