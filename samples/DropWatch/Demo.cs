using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace DropWatch;

/// <summary>Traffic for a first run: UDP datagrams to a port nobody listens on, which the kernel drops as NO_SOCKET.</summary>
internal static class Demo
{
    public static async Task SendToClosedPortAsync(CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var target = new IPEndPoint(IPAddress.Loopback, port);
        byte[] payload = new byte[16];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < 1000; i++)
                    socket.SendTo(payload, target);
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
