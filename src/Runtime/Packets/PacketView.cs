using System;
using System.Buffers.Binary;
using System.Net;
using TpGen.Context;
using TpGen.Emitters.Bpf;

namespace TpGen.Packets;

/// <summary>
/// The packet of an skb event, as the handler captured it when the event fired: members of its
/// <c>struct sk_buff</c> (device, network namespace, length, protocol) and its first bytes from
/// the network header, from which the IPv4 or IPv6 header and the TCP, UDP, UDP-Lite or SCTP
/// ports are read here. Read in place; nothing is allocated but by the <see cref="IPAddress"/>
/// and <see cref="string"/> helpers.
/// </summary>
public readonly ref struct PacketView
{
    /// <summary>The bytes of the block before the packet's own bytes.</summary>
    public const int BlockSize = 56;

    // The block, as ContextPlan lays it out (PacketPaths.Members in this order).
    internal const int HeadOffset = 0;
    internal const int DataOffset = 8;
    internal const int NetworkNamespaceOffset = 16;
    internal const int SocketNetworkNamespaceOffset = 20;
    internal const int LengthOffset = 24;
    internal const int InterfaceIndexOffset = 28;
    internal const int NetworkHeaderOffset = 32;
    internal const int ProtocolOffset = 34;
    internal const int DeviceNameOffset = 36;

    private readonly ReadOnlySpan<byte> _block;
    private readonly uint _status;
    private readonly int[]? _bits;

    internal PacketView(ReadOnlySpan<byte> block, uint status, int[] bits)
    {
        _block = block;
        _status = status;
        _bits = bits;
    }

    /// <summary>Whether the record carries a packet at all.</summary>
    public bool IsPresent => _bits is not null;

    /// <summary>Whether the packet's bytes were read (else <see cref="Bytes"/> is empty).</summary>
    public bool HasBytes => IsPresent && (_status & ContextConfigLayout.PacketRead) != 0;

    /// <summary>The interface index of <c>skb-&gt;dev</c>; 0 where the packet has no device.</summary>
    public int InterfaceIndex => Read(PacketValue.InterfaceIndex) ? BinaryPrimitives.ReadInt32LittleEndian(_block.Slice(InterfaceIndexOffset)) : 0;

    /// <summary>The name of <c>skb-&gt;dev</c> (<c>lo</c>, <c>eth0</c>); empty where the packet has no device.</summary>
    public KernelString Device => Read(PacketValue.DeviceName) ? new KernelString(_block.Slice(DeviceNameOffset, 16)) : default;

    /// <summary>
    /// The inode number of the packet's network namespace (as <c>readlink /proc/PID/ns/net</c> shows
    /// it): its device's, else its socket's; 0 where it has neither.
    /// </summary>
    public uint NetworkNamespace =>
        Read(PacketValue.NetworkNamespace) ? BinaryPrimitives.ReadUInt32LittleEndian(_block.Slice(NetworkNamespaceOffset)) :
        Read(PacketValue.SocketNetworkNamespace) ? BinaryPrimitives.ReadUInt32LittleEndian(_block.Slice(SocketNetworkNamespaceOffset)) : 0;

    /// <summary><c>skb-&gt;len</c>: the bytes of data the skb holds from where its data now starts.</summary>
    public uint SkbLength => Read(PacketValue.Length) ? BinaryPrimitives.ReadUInt32LittleEndian(_block.Slice(LengthOffset)) : 0;

    /// <summary><c>skb-&gt;protocol</c>, the ethertype (0x0800 IPv4, 0x86DD IPv6), in host order.</summary>
    public ushort Protocol => Read(PacketValue.Protocol) ? BinaryPrimitives.ReadUInt16BigEndian(_block.Slice(ProtocolOffset)) : (ushort)0;

    /// <summary>The packet's first bytes from its network header, as many as the capture holds and the IP header says the packet has.</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            if (!HasBytes)
                return default;
            ReadOnlySpan<byte> bytes = _block.Slice(BlockSize);
            int length = NetworkLength;
            return length > 0 && length < bytes.Length ? bytes.Slice(0, length) : bytes;
        }
    }

    /// <summary>The bytes the capture holds, whatever the headers say (what a pcap's captured length is).</summary>
    internal ReadOnlySpan<byte> Captured => HasBytes ? _block.Slice(BlockSize) : default;

    /// <summary>4 or 6 for an IPv4 or IPv6 packet, else 0.</summary>
    public int IpVersion
    {
        get
        {
            ReadOnlySpan<byte> bytes = Captured;
            if (bytes.Length < 20)
                return 0;
            int version = bytes[0] >> 4;
            if (version == 4 && (bytes[0] & 0xF) >= 5)
                return 4;
            return version == 6 && bytes.Length >= 40 ? 6 : 0;
        }
    }

    /// <summary>The packet's length from its IP header (IPv4 total length, IPv6 payload length + 40), or 0 when it is not IP.</summary>
    public int NetworkLength
    {
        get
        {
            ReadOnlySpan<byte> bytes = _block.IsEmpty ? default : _block.Slice(BlockSize);
            return IpVersion switch
            {
                4 => BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(2)),
                6 => BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(4)) + 40,
                _ => 0,
            };
        }
    }

    /// <summary>The source address: 4 or 16 bytes, empty when the packet is not IP.</summary>
    public ReadOnlySpan<byte> SourceAddressBytes => IpVersion switch
    {
        4 => Captured.Slice(12, 4),
        6 => Captured.Slice(8, 16),
        _ => default,
    };

    /// <summary>The destination address: 4 or 16 bytes, empty when the packet is not IP.</summary>
    public ReadOnlySpan<byte> DestinationAddressBytes => IpVersion switch
    {
        4 => Captured.Slice(16, 4),
        6 => Captured.Slice(24, 16),
        _ => default,
    };

    /// <summary>The source address, or null when the packet is not IP (allocates).</summary>
    public IPAddress? SourceAddress => IpVersion == 0 ? null : new IPAddress(SourceAddressBytes);

    /// <summary>The destination address, or null when the packet is not IP (allocates).</summary>
    public IPAddress? DestinationAddress => IpVersion == 0 ? null : new IPAddress(DestinationAddressBytes);

    /// <summary>The transport protocol's number (6 TCP, 17 UDP, 58 ICMPv6, ...), or -1 when the packet is not IP or its IPv6 extension headers run past the capture.</summary>
    public int L4Protocol => Transport(out _);

    /// <summary>The source port of a TCP, UDP, UDP-Lite or SCTP packet, or -1.</summary>
    public int SourcePort => Port(0);

    /// <summary>The destination port of a TCP, UDP, UDP-Lite or SCTP packet, or -1.</summary>
    public int DestinationPort => Port(2);

    private int Port(int at)
    {
        int protocol = Transport(out int offset);
        if (protocol is not (6 or 17 or 132 or 136) || offset < 0)
            return -1;
        ReadOnlySpan<byte> bytes = Captured;
        return offset + at + 2 <= bytes.Length ? BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(offset + at)) : -1;
    }

    // The transport protocol and where its header starts (-1 for a fragment that has none).
    private int Transport(out int offset)
    {
        offset = -1;
        ReadOnlySpan<byte> bytes = Captured;
        switch (IpVersion)
        {
            case 4:
                // Only the first fragment has the transport header.
                bool later = (BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(6)) & 0x1FFF) != 0;
                offset = later ? -1 : (bytes[0] & 0xF) * 4;
                return bytes[9];
            case 6:
                int next = bytes[6];
                int at = 40;
                // Hop-by-hop, routing, fragment and destination options: walk to the transport header.
                for (int i = 0; i < 8 && next is 0 or 43 or 44 or 60; i++)
                {
                    if (at + 8 > bytes.Length)
                        return -1;
                    if (next == 44 && (BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 2)) & 0xFFF8) != 0)
                    {
                        next = bytes[at];
                        at = -1;
                        break;
                    }
                    int length = next == 44 ? 8 : (bytes[at + 1] + 1) * 8;
                    next = bytes[at];
                    at += length;
                }
                offset = at;
                return next;
            default:
                return -1;
        }
    }

    private bool Read(PacketValue value) => _bits is not null && _bits[(int)value] is int bit && bit >= 0 && (_status & (1u << bit)) != 0;
}
