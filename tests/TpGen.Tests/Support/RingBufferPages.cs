using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace TpGen.Tests.Support;

/// <summary>
/// Reads the kernel's own raw trace records from tracefs' per-CPU <c>trace_pipe_raw</c>: pages of
/// the ring buffer as <c>events/header_page</c> and <c>events/header_event</c> describe them
/// (a 64-bit timestamp, a commit word whose low bits are the data length, then events with a
/// 32-bit header: type_len in the low 5 bits, the time delta above; type_len 0 keeps the length
/// in the next word, 1-28 is the length in 4-byte units, 29 padding, 30 and 31 time stamps).
/// </summary>
internal static partial class RingBufferPages
{
    private const int DataOffset = 16;

    /// <summary>Drains <paramref name="path"/> (without blocking) and returns the records in order.</summary>
    public static List<byte[]> ReadAll(string path)
    {
        var records = new List<byte[]>();
        int fd = Open(path, 0x800 /* O_RDONLY | O_NONBLOCK */);
        if (fd < 0)
            throw new IOException($"cannot open {path}: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            byte[] page = new byte[Environment.SystemPageSize];
            while (true)
            {
                nint read = Read(fd, page, (nuint)page.Length);
                if (read <= 0)
                    break;
                Parse(page.AsSpan(0, (int)read), records);
            }
        }
        finally
        {
            Close(fd);
        }
        return records;
    }

    /// <summary>The records in one page.</summary>
    public static void Parse(ReadOnlySpan<byte> page, List<byte[]> records)
    {
        if (page.Length < DataOffset)
            return;
        // The commit word's high bits flag missed events; the data length is in the low 20 bits.
        int length = (int)(BinaryPrimitives.ReadUInt64LittleEndian(page.Slice(8)) & 0xFFFFF);
        ReadOnlySpan<byte> data = page.Slice(DataOffset, Math.Min(length, page.Length - DataOffset));
        int offset = 0;
        while (offset + 4 <= data.Length)
        {
            uint header = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset));
            uint typeLength = header & 0x1F;
            uint timeDelta = header >> 5;
            switch (typeLength)
            {
                case 0:
                {
                    int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4)) - 4;
                    records.Add(data.Slice(offset + 8, size).ToArray());
                    offset += 8 + size;
                    break;
                }
                case <= 28:
                    records.Add(data.Slice(offset + 4, (int)typeLength * 4).ToArray());
                    offset += 4 + (int)typeLength * 4;
                    break;
                case 29:
                    if (timeDelta == 0)
                        return;
                    offset += 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4));
                    break;
                default:
                    offset += 8;
                    break;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, [Out] byte[] buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
