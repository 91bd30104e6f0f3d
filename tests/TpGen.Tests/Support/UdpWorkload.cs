using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace TpGen.Tests.Support;

/// <summary>
/// UDP datagrams to a closed port on 127.0.0.1: each one is a kfree_skb with reason NO_SOCKET,
/// and the kernel counts it in the NoPorts column of the Udp line of /proc/net/snmp, the oracle.
/// </summary>
internal static class UdpWorkload
{
    /// <summary>The kernel's Udp NoPorts counter.</summary>
    public static long NoPorts()
    {
        string[] udp = File.ReadAllLines("/proc/net/snmp").Where(line => line.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        string[] names = udp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = udp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, "NoPorts")]);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    public static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Sends <paramref name="count"/> datagrams as fast as one socket can.</summary>
    public static void Flood(int count, int port) => Send(count, port, burst: int.MaxValue);

    /// <summary>Sends <paramref name="count"/> datagrams in bursts of <paramref name="burst"/> a millisecond apart: a rate any reader keeps up with.</summary>
    public static void Send(int count, int port, int burst)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        byte[] payload = new byte[16];
        for (int i = 0; i < count; i++)
        {
            socket.SendTo(payload, target);
            if ((i + 1) % burst == 0)
                System.Threading.Thread.Sleep(1);
        }
    }
}
