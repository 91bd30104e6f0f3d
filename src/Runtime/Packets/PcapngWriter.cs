using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace TpGen.Packets;

/// <summary>
/// Writes captured packets as pcapng (the format Wireshark and tshark read): one interface per
/// device (name, interface index and network namespace), each packet from its network header
/// (link type RAW: IPv4 or IPv6) with its time and, as a packet comment, what the event said
/// (for a drop, its reason and location). Packets that are not IP are counted in
/// <see cref="Skipped"/>, not written.
/// </summary>
public sealed class PcapngWriter : IDisposable
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlock = 1;
    private const uint EnhancedPacketBlock = 6;
    private const ushort LinkTypeRaw = 101;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Dictionary<(int Index, uint Namespace, string Name), uint> _interfaces = new();
    private readonly long _realtimeOffset;
    private readonly int _snapLength;
    private readonly MemoryStream _block = new();

    /// <summary>Starts a pcapng section on <paramref name="stream"/>.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="snapLength">The most bytes of a packet a capture holds (<c>ProbeOptions.PacketBytes</c>).</param>
    /// <param name="application">Names the writer in the file's header.</param>
    /// <param name="leaveOpen">Whether disposing leaves <paramref name="stream"/> open.</param>
    public PcapngWriter(Stream stream, int snapLength, string application = "TpGen", bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
        _snapLength = snapLength;
        // Records carry CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns), which Stopwatch reads on Linux; pcapng wants time since 1970.
        long now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        _realtimeOffset = now - (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

        Begin(SectionHeaderBlock);
        Write32(0x1A2B3C4D);
        Write16(1);
        Write16(0);
        Write64(ulong.MaxValue); // section length: not known
        Option(4, Encoding.UTF8.GetBytes(application)); // shb_userappl
        EndOptions();
        End();
    }

    /// <summary>Packets written.</summary>
    public long Written { get; private set; }

    /// <summary>Packets not written: not IP, or without their bytes.</summary>
    public long Skipped { get; private set; }

    /// <summary>The interfaces written so far.</summary>
    public int Interfaces => _interfaces.Count;

    /// <summary>Writes <paramref name="packet"/>, captured at <paramref name="monotonicNanoseconds"/> (a record header's time), with <paramref name="comment"/>.</summary>
    public void Write(scoped in PacketView packet, ulong monotonicNanoseconds, string? comment)
    {
        ReadOnlySpan<byte> captured = packet.Captured;
        int length = packet.NetworkLength;
        if (packet.IpVersion == 0 || captured.IsEmpty || length <= 0)
        {
            Skipped++;
            return;
        }
        uint id = Interface(packet.InterfaceIndex, packet.NetworkNamespace, packet.Device.ToString());
        ReadOnlySpan<byte> bytes = captured.Slice(0, Math.Min(captured.Length, length));
        ulong time = (ulong)((long)monotonicNanoseconds + _realtimeOffset);

        Begin(EnhancedPacketBlock);
        Write32(id);
        Write32((uint)(time >> 32));
        Write32((uint)time);
        Write32((uint)bytes.Length);
        Write32((uint)length);
        _block.Write(bytes);
        Pad();
        if (!string.IsNullOrEmpty(comment))
            Option(1, Encoding.UTF8.GetBytes(comment!)); // opt_comment
        EndOptions();
        End();
        Written++;
    }

    /// <summary>Writes what is buffered to the stream's device.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen)
            _stream.Dispose();
    }

    private uint Interface(int index, uint netns, string name)
    {
        if (_interfaces.TryGetValue((index, netns, name), out uint id))
            return id;
        id = (uint)_interfaces.Count;
        _interfaces[(index, netns, name)] = id;
        Begin(InterfaceDescriptionBlock);
        Write16(LinkTypeRaw);
        Write16(0);
        Write32((uint)_snapLength);
        Option(2, Encoding.UTF8.GetBytes(name.Length == 0 ? "(no device)" : name)); // if_name
        Option(3, Encoding.UTF8.GetBytes($"ifindex {index}, network namespace net:[{netns}]")); // if_description
        Option(9, new byte[] { 9 }); // if_tsresol: nanoseconds
        EndOptions();
        End();
        return id;
    }

    private void Begin(uint type)
    {
        _block.SetLength(0);
        Write32(type);
        Write32(0); // total length, set in End
    }

    private void End()
    {
        uint total = (uint)_block.Length + 4;
        Write32(total);
        byte[] buffer = _block.GetBuffer();
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), total);
        _stream.Write(buffer, 0, (int)_block.Length);
    }

    private void Option(ushort code, byte[] value)
    {
        Write16(code);
        Write16((ushort)value.Length);
        _block.Write(value, 0, value.Length);
        Pad();
    }

    private void EndOptions()
    {
        Write16(0);
        Write16(0);
    }

    private void Pad()
    {
        while (_block.Length % 4 != 0)
            _block.WriteByte(0);
    }

    private void Write16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        _block.Write(bytes);
    }

    private void Write32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _block.Write(bytes);
    }

    private void Write64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _block.Write(bytes);
    }
}
