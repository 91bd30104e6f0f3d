using System;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

/// <summary>
/// A reader far slower than the events: the kernel drops what does not fit and counts it, so
/// delivered + dropped is exactly the number of events, checked against the kernel's own
/// Udp6NoPorts counter. The probe's filter (IPv6 NO_SOCKET drops only) runs in the kernel before
/// the ring buffer, so other programs' traffic on the machine — an IPv4 benchmark, say — is neither
/// delivered nor dropped and cannot disturb the count.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class OverloadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASlowReaderDuringAFlood_DeliveredPlusDroppedIsTheKernelsCount_DropsAreReported_AndItRecovers()
    {
        KernelFacility.RequireBpf();
        TracepointSchema kfree = Tracefs.ReadEvent("skb", "kfree_skb");
        var definition = ProbeSetDefinition.FromProbes("Overload",
            [new ProbeDefinition(kfree.System, kfree.Name, FormatFileWriter.Write(kfree), $"reason == NO_SOCKET && protocol == {UdpWorkload.Ipv6Protocol}")]);
        // One page of ring: a few dozen records, so a slow reader loses most of a flood.
        using ProbeSet probes = ProbeSet.Attach(definition, new ProbeOptions { RingBufferSize = 4096, LostRecordsLog = null, IncludeOwnProcess = true });
        var reader = new SlowReader();
        using var stop = new CancellationTokenSource();
        Task reading = probes.RunAsync(reader, stop.Token);
        int port = UdpWorkload.ClosedPort6();

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(20_000, port);
        long delta = UdpWorkload.NoPorts6() - before;
        await Eventually.Settles(() => Volatile.Read(ref reader.Delivered) + probes.Statistics.Dropped, delta);
        long deliveredInFlood = Volatile.Read(ref reader.Delivered), droppedInFlood = probes.Statistics.Dropped;

        // The flood is over and the reader at full speed: a rate it keeps up with loses nothing.
        Volatile.Write(ref reader.Slow, false);
        await Eventually.Settles(() => Volatile.Read(ref reader.Reported), droppedInFlood);
        UdpWorkload.Send6(500, port, burst: 10);
        await Eventually.Settles(() => Volatile.Read(ref reader.Delivered), deliveredInFlood + 500);
        stop.Cancel();
        await reading;

        output.WriteLine($"Udp6NoPorts delta {delta}: delivered {deliveredInFlood}, dropped {droppedInFlood}, reported {reader.Reported}; then 500 more at a gentle rate: {probes.Statistics}");
        Assert.Equal(20_000, delta);
        Assert.True(droppedInFlood > 0, "a one-page ring and a slow reader should lose records");
        Assert.True(deliveredInFlood > 0, "the slow reader should still read some");
        Assert.Equal(delta, deliveredInFlood + droppedInFlood);
        Assert.Equal(droppedInFlood, Volatile.Read(ref reader.Reported));
        Assert.Equal(droppedInFlood, probes.Statistics.Dropped);
        Assert.Equal(deliveredInFlood + 500, probes.Statistics.Delivered);
    }

    private sealed class SlowReader : IRecordHandler
    {
        public long Delivered;
        public long Reported;
        public bool Slow = true;

        public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header)
        {
            Volatile.Write(ref Delivered, Delivered + 1);
            if (Volatile.Read(ref Slow))
                Thread.SpinWait(20_000);
        }

        public bool OnLost(long count)
        {
            Interlocked.Add(ref Reported, count);
            return true;
        }
    }
}
