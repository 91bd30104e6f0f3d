using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Datagrams of known flows to the closed discard port (9) on loopback, and the facts about this
/// process that the kernel's context must match: its network namespace, its cgroup, a thread's comm.
/// </summary>
internal static class Flows
{
    /// <summary>The port datagrams go to: discard, which nothing on these machines listens on.</summary>
    public const int ClosedPort = 9;

    /// <summary>The source of the IPv4 flow.</summary>
    public static readonly IPEndPoint Source4 = new(IPAddress.Loopback, 40001);

    /// <summary>The source of the IPv6 flow.</summary>
    public static readonly IPEndPoint Source6 = new(IPAddress.IPv6Loopback, 40002);

    /// <summary>UDP payload bytes of each datagram.</summary>
    public const int Payload = 16;

    /// <summary>Sends <paramref name="count"/> datagrams from <paramref name="source"/> to the closed port of the same address.</summary>
    public static void Send(IPEndPoint source, int count)
    {
        using var socket = new Socket(source.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(source);
        var target = new IPEndPoint(source.Address, ClosedPort);
        byte[] payload = new byte[Payload];
        for (int i = 0; i < count; i++)
            socket.SendTo(payload, target);
    }

    /// <summary>The inode of this process's network namespace (<c>/proc/self/ns/net</c> links to <c>net:[INODE]</c>).</summary>
    public static uint NetworkNamespace()
    {
        string target = new FileInfo("/proc/self/ns/net").LinkTarget!;
        Assert.Matches(@"^net:\[\d+\]$", target);
        return uint.Parse(target.AsSpan(5, target.Length - 6), CultureInfo.InvariantCulture);
    }

    /// <summary>The interface index of lo (<c>/sys/class/net/lo/ifindex</c>).</summary>
    public static int LoopbackIndex() => int.Parse(File.ReadAllText("/sys/class/net/lo/ifindex").Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// The id of this process's cgroup v2: the inode of its directory under the cgroup2 mount
    /// (/proc/self/mountinfo), at the path the <c>0::</c> line of /proc/self/cgroup gives, read by stat(1).
    /// </summary>
    public static ulong CgroupId()
    {
        string? mount = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.SkipWhile(f => f != "-").Skip(1).FirstOrDefault() == "cgroup2")
            .Select(fields => fields[4])
            .FirstOrDefault();
        if (mount is null)
            Assert.Skip("no cgroup2 file system is mounted");
        string path = File.ReadLines("/proc/self/cgroup").First(l => l.StartsWith("0::", StringComparison.Ordinal)).Substring(3);
        string directory = Path.Join(mount, path);
        var stat = new ProcessStartInfo("stat", ["-c", "%i", directory]) { RedirectStandardOutput = true };
        using Process process = Process.Start(stat)!;
        string inode = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return ulong.Parse(inode, CultureInfo.InvariantCulture);
    }

    /// <summary>The kernel's comm of the calling thread.</summary>
    public static string ThreadCommand() => File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n');
}
