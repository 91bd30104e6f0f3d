using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TpGen.Aggregations;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

/// <summary>
/// Aggregations declared on probe set classes, computed in the kernel and read as typed snapshots,
/// against the kernel's own counters; and the same counts through System.Diagnostics.Metrics and
/// the OpenTelemetry SDK.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class AggregationTests(ITestOutputHelper output)
{
    [Fact]
    public void CountsByTheGeneratedEnum_EqualTheKernelsNoPortsDelta_AndNoRecordReachesUserSpace()
    {
        KernelFacility.RequireBpf();
        const int Sent = 50_000;
        using SkbAggregates drops = SkbAggregates.Attach(UdpWorkload.SameProcess);

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(Sent, UdpWorkload.ClosedPort6());
        long delta = UdpWorkload.NoPorts6() - before;

        AggregationSnapshot<SkbAggregates.SkbDropReason, long> byReason = drops.DropsByReason.Read();
        AggregationSnapshot<SkbAggregates.DropsByReasonAndProtocolKey, long> byBoth = drops.DropsByReasonAndProtocol.Read();
        output.WriteLine($"NoPorts6 delta {delta}; " + string.Join(", ", byBoth.Select(e => $"{e.Key}: {e.Value}")));
        Assert.Equal(Sent, delta);
        Assert.Equal(delta, byBoth[new(SkbAggregates.SkbDropReason.NO_SOCKET, UdpWorkload.Ipv6Protocol)]);
        Assert.True(byReason[SkbAggregates.SkbDropReason.NO_SOCKET] >= delta);
        Assert.Equal(byReason.Values.Sum(), drops.Drops.Read()[Unkeyed.Value]);
        Assert.Equal("NO_SOCKET", byReason.Untyped.Single(e => e.Key[0].Value == (ulong)SkbAggregates.SkbDropReason.NO_SOCKET).Key[0].Text);
        Assert.False(byReason.HasLosses);
        // The events feed aggregations only: none went through the ring buffer.
        Assert.Equal(0, drops.Statistics.Delivered);
    }

    [Fact]
    public void SumMaximumAndLinearHistogram_OfAField_AreWhatTheFloodSent()
    {
        KernelFacility.RequireBpf();
        const int Sent = 10_000;
        using SkbAggregates drops = SkbAggregates.Attach(UdpWorkload.SameProcess);
        string comm = File.ReadAllText("/proc/thread-self/comm").Trim();

        UdpWorkload.Flood6(Sent, UdpWorkload.ClosedPort6());

        // Our thread's drops: each has protocol ETH_P_IPV6.
        Assert.Equal((long)Sent * UdpWorkload.Ipv6Protocol, drops.ProtocolSum.Read()[comm]);
        Assert.True(drops.LargestProtocol.Read()[Unkeyed.Value] >= UdpWorkload.Ipv6Protocol);
        Histogram protocols = drops.Protocols.Read()[Unkeyed.Value];
        output.WriteLine(protocols.ToString());
        Assert.True(protocols.CountAt(UdpWorkload.Ipv6Protocol) >= Sent);
        Assert.Contains(protocols.Buckets, b => b.Low == 32768 && b.High == 36864);
    }

    [Fact]
    public void ReadAndReset_StartsAgainFromZero_WithoutLosingACount()
    {
        KernelFacility.RequireBpf();
        using SkbAggregates drops = SkbAggregates.Attach(UdpWorkload.SameProcess);
        int port = UdpWorkload.ClosedPort6();

        UdpWorkload.Flood6(3000, port);
        long first = drops.DropsByReasonAndProtocol.ReadAndReset().GetValueOrDefault(new(SkbAggregates.SkbDropReason.NO_SOCKET, UdpWorkload.Ipv6Protocol));
        UdpWorkload.Flood6(2000, port);
        long second = drops.DropsByReasonAndProtocol.Read().GetValueOrDefault(new(SkbAggregates.SkbDropReason.NO_SOCKET, UdpWorkload.Ipv6Protocol));
        drops.DropsByReasonAndProtocol.Reset();
        long third = drops.DropsByReasonAndProtocol.Read().GetValueOrDefault(new(SkbAggregates.SkbDropReason.NO_SOCKET, UdpWorkload.Ipv6Protocol));

        Assert.Equal(3000, first);
        Assert.Equal(2000, second);
        Assert.Equal(0, third);
    }

    [Fact]
    public void KernelStacks_AreSymbolizedFromKallsyms()
    {
        KernelFacility.RequireBpf();
        using SkbAggregates drops = SkbAggregates.Attach(UdpWorkload.SameProcess);

        UdpWorkload.Flood(5000, UdpWorkload.ClosedPort());

        KeyValuePair<KernelStack, long> top = drops.DropsByStack.Read().MaxBy(e => e.Value);
        output.WriteLine($"{top.Value}:{top.Key}");
        Assert.True(top.Value >= 5000);
        Assert.Contains(top.Key.Frames, f => f.StartsWith("__udp4_lib_rcv+0x", StringComparison.Ordinal));
        Assert.Contains("udp_sendmsg", top.Key.Folded);
    }

    [Fact]
    public void AMapTooSmallForItsKeys_CountsTheEventsItCouldNotKeep()
    {
        KernelFacility.RequireBpf();
        using TinyAggregate drops = TinyAggregate.Attach(UdpWorkload.SameProcess);

        // Two protocols, one slot: whichever came first holds it, the other's drops are counted as lost.
        UdpWorkload.Flood(1000, UdpWorkload.ClosedPort());
        UdpWorkload.Flood6(1000, UdpWorkload.ClosedPort6());

        AggregationSnapshot<ushort, long> snapshot = drops.ByProtocol.Read();
        output.WriteLine(snapshot.Untyped.LossReport() ?? "nothing lost");
        Assert.Single(snapshot);
        Assert.True(snapshot.KeysLost >= 1000, $"{snapshot.KeysLost} lost");
        Assert.Contains("did not fit (the map holds 1 keys", snapshot.Untyped.LossReport() ?? "");
    }

    [Fact]
    public void ALatencyBetweenTwoEvents_PutsKnownSleepsInTheirBuckets()
    {
        KernelFacility.RequireBpf();
        string directory = Directory.CreateTempSubdirectory("tpgen-offcpu-").FullName;
        string sleeper = Path.Combine(directory, "tpgoffcpu");
        File.Copy("/bin/sleep", sleeper);
        try
        {
            // A sleeper's wakeup runs in whichever task the timer interrupts, this process's too: keep those events.
            using OffCpuTime offCpu = OffCpuTime.Attach(UdpWorkload.SameProcess);
            for (int i = 0; i < 3; i++)
                Process.Start(sleeper, "0.05").WaitForExit();
            for (int i = 0; i < 2; i++)
                Process.Start(sleeper, "0.3").WaitForExit();

            AggregationSnapshot<string, Histogram> offCpuByComm = offCpu.OffCpu.Read();
            output.WriteLine(offCpuByComm.Untyped.LossReport() ?? "nothing lost");
            Histogram ours = offCpuByComm["tpgoffcpu"];
            output.WriteLine(ours.ToString());
            // Off the CPU from its switch away to its wakeup: 50 ms is in [32M, 64M) ns, 300 ms in [256M, 512M).
            Assert.True(ours.CountAt(50_000_000) >= 3, ours.ToString());
            Assert.True(ours.CountAt(300_000_000) >= 2, ours.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TheMeter_PublishesTheCountsTheOpenTelemetrySdkExports()
    {
        KernelFacility.RequireBpf();
        using SkbAggregates drops = SkbAggregates.Attach(UdpWorkload.SameProcess);
        var exported = new List<Metric>();
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(drops.Aggregations.Meter!.Name)
            .AddInMemoryExporter(exported)
            .Build();

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(20_000, UdpWorkload.ClosedPort6());
        long delta = UdpWorkload.NoPorts6() - before;
        provider.ForceFlush();

        Assert.Equal(typeof(SkbAggregates).FullName, drops.Aggregations.Meter.Name);
        Metric counts = exported.Last(m => m.Name == "tpgen.drops_by_reason_and_protocol");
        Assert.Equal(MetricType.LongSum, counts.MetricType);
        long noSocket = 0;
        foreach (ref readonly MetricPoint point in counts.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (KeyValuePair<string, object?> tag in point.Tags)
                tags[tag.Key] = tag.Value;
            output.WriteLine(string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}")) + " " + point.GetSumLong());
            if (tags["reason"] is "NO_SOCKET" && tags["protocol"] is "34525")
            {
                Assert.Equal("skb:kfree_skb", tags["event"]);
                noSocket = point.GetSumLong();
            }
        }
        Assert.Equal(20_000, delta);
        Assert.Equal(delta, noSocket);
        Assert.Contains(exported, m => m.Name == "tpgen.protocols.bucket");
        Assert.Contains(exported, m => m.Name == "tpgen.largest_protocol" && m.MetricType == MetricType.LongGauge);
    }
}
