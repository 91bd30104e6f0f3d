using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

[Collection(KernelCollection.Name)]
public sealed class SkbDropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NoSocketDropsSeenThroughTheGeneratedTypes_EqualTheKernelsNoPortsDelta()
    {
        KernelFacility.RequireBpf();
        const int Sent = 100_000;
        int port = UdpWorkload.ClosedPort();
        using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        long noSocket = 0, otherProtocol = 0;
        using var stop = new CancellationTokenSource();
        Task reading = probes.RunAsync(
            onKfreeSkb: (in SkbProbes.KfreeSkb drop) =>
            {
                if (drop.Reason != SkbProbes.SkbDropReason.NO_SOCKET)
                    return;
                noSocket++;
                if (drop.Protocol != 0x0800)
                    otherProtocol++;
            },
            cancellationToken: stop.Token);

        long before = UdpWorkload.NoPorts();
        var clock = Stopwatch.StartNew();
        UdpWorkload.Flood(Sent, port);
        double seconds = clock.Elapsed.TotalSeconds;
        long delta = UdpWorkload.NoPorts() - before;
        await Eventually.Settles(() => Volatile.Read(ref noSocket), delta);
        stop.Cancel();
        await reading;

        output.WriteLine($"sent {Sent} in {seconds:0.00} s ({Sent / seconds:0} packets/s); NoPorts delta {delta}; NO_SOCKET seen {noSocket}; {probes.Statistics}");
        Assert.Equal(Sent, delta);
        Assert.Equal(delta, noSocket);
        Assert.Equal(0, otherProtocol);
        Assert.Equal(0, probes.Statistics.Dropped);
    }

    [Fact]
    public async Task TheCallbackPath_AllocatesNothingPerRecord()
    {
        KernelFacility.RequireBpf();
        int port = UdpWorkload.ClosedPort();
        using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        long seen = 0, firstAllocated = -1, lastAllocated = -1;
        using var stop = new CancellationTokenSource();
        Task reading = probes.RunAsync(
            onKfreeSkb: (in SkbProbes.KfreeSkb drop) =>
            {
                if (drop.Reason != SkbProbes.SkbDropReason.NO_SOCKET)
                    return;
                // Measured on the reading thread, from the 10,000th record (after one-time warm-up) to the last.
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                if (++seen == 10_000)
                    firstAllocated = allocated;
                lastAllocated = allocated;
            },
            cancellationToken: stop.Token);

        UdpWorkload.Flood(50_000, port);
        await Eventually.Settles(() => Volatile.Read(ref seen), 50_000);
        stop.Cancel();
        await reading;

        output.WriteLine($"{seen} records; {lastAllocated - firstAllocated} bytes allocated on the reading thread over the last {seen - 10_000}");
        Assert.Equal(50_000, seen);
        Assert.Equal(0, lastAllocated - firstAllocated);
    }

    [Fact]
    public async Task ConsumeSkb_IsSeenForDeliveredTraffic_WithPlausibleFields()
    {
        KernelFacility.RequireBpf();
        const int Datagrams = 2000;
        using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        long consumed = 0, zeroAddresses = 0, unresolved = 0;
        using var stop = new CancellationTokenSource();
        Task reading = probes.RunAsync(
            onConsumeSkb: (in SkbProbes.ConsumeSkb consume) =>
            {
                consumed++;
                if (consume.Skbaddr == 0)
                    zeroAddresses++;
                if (!KernelSymbols.Default.TryLookup(consume.Location, out _, out _, out _, out _))
                    unresolved++;
            },
            cancellationToken: stop.Token);

        // Each datagram to a closed port makes the kernel answer with an ICMP port-unreachable
        // message, which is delivered to the local ICMP layer and consumed there: one consume_skb
        // each. (A UDP socket's own receive path no longer frees through consume_skb on recent kernels.)
        UdpWorkload.Flood(Datagrams, UdpWorkload.ClosedPort());
        await Eventually.Settles(() => Volatile.Read(ref consumed), Datagrams);
        stop.Cancel();
        await reading;

        output.WriteLine($"consume_skb {consumed} for {Datagrams} ICMP replies delivered; {unresolved} locations without a kernel symbol");
        Assert.True(consumed >= Datagrams, $"only {consumed} consume_skb for {Datagrams} delivered ICMP replies");
        Assert.Equal(0, zeroAddresses);
        Assert.Equal(0, unresolved);
    }

    [Fact]
    public async Task ReadAllAsync_DeliversOwnedRecordsWithKernelText()
    {
        KernelFacility.RequireBpf();
        const int Sent = 1000;
        int port = UdpWorkload.ClosedPort();
        await using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int seen = 0;
        string? text = null;

        Task flood = Task.Run(async () =>
        {
            await Task.Delay(200, timeout.Token);
            UdpWorkload.Flood(Sent, port);
        }, timeout.Token);
        await foreach (TraceRecord record in probes.ReadAllAsync(timeout.Token))
        {
            if (record is SkbProbes.KfreeSkbRecord { Reason: SkbProbes.SkbDropReason.NO_SOCKET } drop)
            {
                text ??= drop.ToString();
                Assert.True(drop.Header.TimestampNanoseconds > 0);
                if (++seen == Sent)
                    break;
            }
        }
        await flood;

        Assert.Equal(Sent, seen);
        Assert.Contains("reason: NO_SOCKET", text);
        Assert.StartsWith("skbaddr=", text);
    }

    [Fact]
    public async Task ReadAllAsync_AfterItsEnumeratorIsDisposed_HasEndedAndDisposesAgainQuietly()
    {
        KernelFacility.RequireBpf();
        await using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        IAsyncEnumerator<TraceRecord> records = probes.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        await records.DisposeAsync();

        Assert.False(await records.MoveNextAsync());
        await records.DisposeAsync();
    }

    [Fact]
    public async Task ReadAllAsync_AConsumerThatAwaitsElsewhere_GetsEveryRecordWhileTheReaderWaitsForIt()
    {
        KernelFacility.RequireBpf();
        const int Sent = 1000;
        int port = UdpWorkload.ClosedPort();
        // Room for 8 owned records: the reading thread soon waits for the consumer, which leaves the
        // reading thread at every record (Task.Yield) and comes back on the thread pool.
        await using SkbProbes probes = SkbProbes.Attach(new ProbeOptions { IncludeOwnProcess = true, ReadBufferCapacity = 8 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int seen = 0;
        var distinct = new HashSet<(ulong Time, uint Cpu)>();

        Task flood = Task.Run(async () =>
        {
            await Task.Delay(200, timeout.Token);
            UdpWorkload.Flood(Sent, port);
        }, timeout.Token);
        await foreach (TraceRecord record in probes.ReadAllAsync(timeout.Token))
        {
            await Task.Yield();
            if (record is SkbProbes.KfreeSkbRecord { Reason: SkbProbes.SkbDropReason.NO_SOCKET } drop)
            {
                distinct.Add((drop.Header.TimestampNanoseconds, drop.Header.Cpu));
                if (++seen == Sent)
                    break;
            }
        }
        await flood;

        // Each record once: a record handed over twice would stand in for a lost one.
        Assert.Equal(Sent, distinct.Count);
        Assert.Equal(0, probes.Statistics.Dropped);
    }
}
