using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Context;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Context;

/// <summary>kfree_skb with the process that freed the packet and the packet itself.</summary>
[Tracepoint("skb", "kfree_skb", Packet = true)]
[ProcessContext(ProcessContext.Command | ProcessContext.CgroupId)]
public partial class ContextDrops;

[Collection(KernelCollection.Name)]
public sealed class ContextProbeTests(ITestOutputHelper output)
{
    private sealed record Drop(string Command, ulong CgroupId, int IpVersion, IPAddress? Source, IPAddress? Destination, int SourcePort, int DestinationPort, int L4Protocol, string Device, int InterfaceIndex, uint NetworkNamespace);

    [Fact]
    public async Task EachDrop_CarriesTheSendingThreadsCommandAndCgroup_AndItsFlow_InViewsAndRecords()
    {
        KernelFacility.RequireBpf();
        CancellationToken test = TestContext.Current.CancellationToken;
        using ContextDrops drops = ContextDrops.Attach(UdpWorkload.SameProcess);
        var views = new ConcurrentQueue<Drop>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(test);
        Task reading = drops.RunAsync(onKfreeSkb: (in ContextDrops.KfreeSkb e) =>
        {
            if (e.Reason != ContextDrops.SkbDropReason.NO_SOCKET)
                return;
            var packet = e.Packet;
            if (packet.SourcePort != Flows.Source4.Port && packet.SourcePort != Flows.Source6.Port)
                return;
            views.Enqueue(new Drop(e.Command.ToString(), e.CgroupId, packet.IpVersion, packet.SourceAddress, packet.DestinationAddress,
                packet.SourcePort, packet.DestinationPort, packet.L4Protocol, packet.Device.ToString(), packet.InterfaceIndex, packet.NetworkNamespace));
        }, cancellationToken: stop.Token);

        // From a thread of a name of its own: its comm is what each record must carry.
        string command = "";
        long before4 = UdpWorkload.NoPorts(), before6 = UdpWorkload.NoPorts6();
        var sender = new Thread(() =>
        {
            command = Flows.ThreadCommand();
            Flows.Send(Flows.Source4, 5);
            Flows.Send(Flows.Source6, 5);
        }) { Name = "ctx-sender" };
        sender.Start();
        sender.Join();
        long delta4 = UdpWorkload.NoPorts() - before4, delta6 = UdpWorkload.NoPorts6() - before6;
        await Eventually.Settles(() => views.Count, delta4 + delta6, timeoutSeconds: 10);
        await stop.CancelAsync();
        await reading;

        Drop[] seen = views.ToArray();
        foreach (Drop drop in seen)
            output.WriteLine(drop.ToString());
        Assert.Equal("ctx-sender", command);
        Assert.Equal(delta4, seen.Count(d => d.IpVersion == 4));
        Assert.Equal(delta6, seen.Count(d => d.IpVersion == 6));
        ulong cgroup = Flows.CgroupId();
        uint netns = Flows.NetworkNamespace();
        int lo = Flows.LoopbackIndex();
        foreach (Drop drop in seen)
        {
            IPEndPoint source = drop.IpVersion == 4 ? Flows.Source4 : Flows.Source6;
            Assert.Equal(new Drop(command, cgroup, drop.IpVersion, source.Address, source.Address, source.Port, Flows.ClosedPort, 17, "lo", lo, netns), drop);
        }

        // The owned records of ReadAllAsync carry the same context.
        using var second = CancellationTokenSource.CreateLinkedTokenSource(test);
        second.CancelAfter(TimeSpan.FromSeconds(10));
        var records = new Thread(() => Flows.Send(Flows.Source4, 1)) { Name = "ctx-record" };
        records.Start();
        records.Join();
        ContextDrops.KfreeSkbRecord? record = null;
        await foreach (TraceRecord any in drops.ReadAllAsync(second.Token))
        {
            if (any is ContextDrops.KfreeSkbRecord drop && drop.Reason == ContextDrops.SkbDropReason.NO_SOCKET && drop.Packet.SourcePort == Flows.Source4.Port)
            {
                record = drop;
                break;
            }
        }
        Assert.NotNull(record);
        Assert.Equal("ctx-record", record.Command);
        Assert.Equal(cgroup, record.CgroupId);
        Assert.Equal(Flows.Source4.Address, record.Packet.SourceAddress);
        Assert.Equal(netns, record.Packet.NetworkNamespace);
    }
}
