using System;
using System.Buffers.Binary;
using System.Text;

namespace Decoders;

/// <summary>Raw records laid out as the kernel writes them (and as TpGen's ring buffer delivers them).</summary>
internal static class Records
{
    public const int Count = 1024;
    public const int KfreeSkbSize = 40;

    /// <summary>A code address on the machine these were taken from (a kfree_skb location in the UDP receive path).</summary>
    public const ulong Location = 0xffffffff82046f4c;

    /// <summary><see cref="Count"/> kfree_skb records back to back: distinct skb addresses, protocol IPv4, reason NO_SOCKET.</summary>
    public static byte[] KfreeSkb(ushort eventId, uint reason)
    {
        var buffer = new byte[Count * KfreeSkbSize];
        for (int i = 0; i < Count; i++)
        {
            Span<byte> record = buffer.AsSpan(i * KfreeSkbSize, KfreeSkbSize);
            BinaryPrimitives.WriteUInt16LittleEndian(record, eventId);
            BinaryPrimitives.WriteInt32LittleEndian(record.Slice(4), 1000 + i);
            BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), 0xffff888104783e00UL + (ulong)i * 0x100);
            BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(16), Location);
            BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(24), 0);
            BinaryPrimitives.WriteUInt16LittleEndian(record.Slice(32), 0x800);
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(36), i % 16 == 15 ? reason + 1 : reason);
        }
        return buffer;
    }

    /// <summary>
    /// <see cref="Count"/> sched_process_exec records: the fixed part (20 bytes), then the
    /// __data_loc filename, NUL-terminated, each record padded to 8 bytes as the ring buffer does.
    /// </summary>
    public static (byte[] Buffer, int[] Offsets, int[] Lengths) SchedProcessExec(ushort eventId)
    {
        string[] names = { "/usr/bin/bash", "/usr/lib/systemd/systemd-journald", "/usr/bin/dotnet", "/bin/sh" };
        var offsets = new int[Count];
        var lengths = new int[Count];
        var buffer = new byte[Count * 64];
        int position = 0;
        for (int i = 0; i < Count; i++)
        {
            byte[] name = Encoding.ASCII.GetBytes(names[i % names.Length] + "\0");
            int length = 20 + name.Length;
            Span<byte> record = buffer.AsSpan(position, length);
            BinaryPrimitives.WriteUInt16LittleEndian(record, eventId);
            BinaryPrimitives.WriteInt32LittleEndian(record.Slice(4), 2000 + i);
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(8), (uint)(name.Length << 16 | 20));
            BinaryPrimitives.WriteInt32LittleEndian(record.Slice(12), 2000 + i);
            BinaryPrimitives.WriteInt32LittleEndian(record.Slice(16), 2000 + i);
            name.CopyTo(record.Slice(20));
            offsets[i] = position;
            lengths[i] = length;
            position += (length + 7) & ~7;
        }
        return (buffer, offsets, lengths);
    }
}
