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
    /// <summary>
    /// Probe set options for tests whose floods come from the test process itself: probe sets
    /// leave their reading process's own events out unless asked to include them.
    /// </summary>
    public static TpGen.Probes.ProbeOptions SameProcess => new() { IncludeOwnProcess = true };

    /// <summary>The kernel's Udp NoPorts counter.</summary>
    public static long NoPorts()
    {
        string[] udp = File.ReadAllLines("/proc/net/snmp").Where(line => line.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        string[] names = udp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = udp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, "NoPorts")]);
    }

    /// <summary>
    /// The kernel's Udp6NoPorts counter (/proc/net/snmp6). Datagrams to a closed port on ::1 are
    /// told apart from other programs' IPv4 floods (a benchmark on the same machine) by the
    /// record's protocol, ETH_P_IPV6, so a test that uses IPv6 counts only its own traffic.
    /// </summary>
    public static long NoPorts6()
    {
        string line = File.ReadLines("/proc/net/snmp6").First(l => l.StartsWith("Udp6NoPorts", StringComparison.Ordinal));
        return long.Parse(line.AsSpan("Udp6NoPorts".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>skb->protocol of an IPv6 packet: ETH_P_IPV6.</summary>
    public const ushort Ipv6Protocol = 0x86DD;

    /// <summary>A port on ::1 that nothing listens on.</summary>
    public static int ClosedPort6() => FreePort(IPAddress.IPv6Loopback);

    /// <summary>Sends <paramref name="count"/> datagrams to ::1 as fast as one socket can.</summary>
    public static void Flood6(int count, int port) => Send6(count, port, burst: int.MaxValue);

    /// <summary>Sends <paramref name="count"/> datagrams to ::1 in bursts of <paramref name="burst"/> a millisecond apart.</summary>
    public static void Send6(int count, int port, int burst) => Send(count, new IPEndPoint(IPAddress.IPv6Loopback, port), burst);

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    public static int ClosedPort() => FreePort(IPAddress.Loopback);

    // A port the kernel just gave out and took back: nothing listens on it.
    private static int FreePort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Sends <paramref name="count"/> datagrams as fast as one socket can.</summary>
    public static void Flood(int count, int port) => Send(count, port, burst: int.MaxValue);

    /// <summary>Sends <paramref name="count"/> datagrams in bursts of <paramref name="burst"/> a millisecond apart: a rate any reader keeps up with.</summary>
    public static void Send(int count, int port, int burst) => Send(count, new IPEndPoint(IPAddress.Loopback, port), burst);

    private static void Send(int count, IPEndPoint target, int burst)
    {
        using Socket socket = Sender(target);
        byte[] payload = new byte[16];
        for (int i = 0; i < count; i++)
        {
            socket.SendTo(payload, target);
            if ((i + 1) % burst == 0)
                System.Threading.Thread.Sleep(1);
        }
    }

    /// <summary>
    /// A socket to send to <paramref name="target"/> from a port of its own. The closed target
    /// port is free, so the kernel could hand it to the sender itself, and the datagrams would then
    /// arrive instead of being dropped; a sender that drew it is kept open while another is made.
    /// </summary>
    public static Socket Sender(IPEndPoint target)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(target.Address, 0));
        if (((IPEndPoint)socket.LocalEndPoint!).Port != target.Port)
            return socket;
        using (socket)
            return Sender(target);
    }
}
