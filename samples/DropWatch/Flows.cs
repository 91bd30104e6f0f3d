using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using TpGen.Packets;
using TpGen.Probes;

namespace DropWatch;

/// <summary>One flow of dropped packets: the reason, the transport protocol, both ends.</summary>
internal readonly record struct Flow(uint Reason, int Protocol, UInt128 Source, UInt128 Destination, int SourcePort, int DestinationPort, int IpVersion);

/// <summary>--by-flow: counts drops by reason and flow, in place, with no allocation for a flow already seen.</summary>
internal static class FlowCounts
{
    public static void Run(FlowDrops drops, CancellationToken stop)
    {
        var counts = new Dictionary<Flow, long>();
        drops.Run(
            onKfreeSkb: (in FlowDrops.KfreeSkb drop) =>
            {
                PacketView packet = drop.Packet;
                var flow = new Flow((uint)drop.Reason, packet.L4Protocol, Address(packet.SourceAddressBytes), Address(packet.DestinationAddressBytes),
                    packet.SourcePort, packet.DestinationPort, packet.IpVersion);
                counts[flow] = counts.GetValueOrDefault(flow) + 1;
            },
            cancellationToken: stop);

        Console.WriteLine("REASON PROTOCOL SOURCE DESTINATION COUNT");
        foreach ((Flow flow, long count) in counts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key.Reason))
        {
            var name = (FlowDrops.SkbDropReason)flow.Reason;
            string reason = Enum.IsDefined(name) ? name.ToString() : flow.Reason.ToString(CultureInfo.InvariantCulture);
            string protocol = flow.IpVersion == 0 ? "-" : IpProtocols.Name(flow.Protocol);
            Console.WriteLine($"{reason} {protocol} {End(flow.Source, flow.SourcePort, flow.IpVersion)} {End(flow.Destination, flow.DestinationPort, flow.IpVersion)} {count}");
        }
        ProbeStatistics statistics = drops.Statistics;
        Console.WriteLine($"delivered {statistics.Delivered} dropped {statistics.Dropped} truncated {statistics.Truncated}");
    }

    private static UInt128 Address(ReadOnlySpan<byte> bytes)
    {
        UInt128 value = 0;
        foreach (byte b in bytes)
            value = (value << 8) | b;
        return value;
    }

    // 127.0.0.1:9, [::1]:9, or "-" for a packet that is not IP.
    private static string End(UInt128 address, int port, int version)
    {
        if (version == 0)
            return "-";
        byte[] bytes = new byte[version == 4 ? 4 : 16];
        for (int i = bytes.Length - 1; i >= 0; i--, address >>= 8)
            bytes[i] = (byte)address;
        var ip = new IPAddress(bytes);
        string text = version == 4 ? ip.ToString() : "[" + ip + "]";
        return port >= 0 ? text + ":" + port.ToString(CultureInfo.InvariantCulture) : text;
    }
}
