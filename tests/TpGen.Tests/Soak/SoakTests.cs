using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Soak;

/// <summary>
/// A long flood through the zero-copy callback path (tests/soak/run.sh builds and runs it; the
/// test project compiles it only with -p:TpGenSoak=true, so the normal suite does not hold it): memory stays flat once warmed up, nothing is lost at the
/// rate a C reader sustains, and the count is the kernel's own. The flood goes to ::1 so that
/// other programs' IPv4 traffic on the machine neither adds to the count nor to the oracle.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    /// <summary>Memory use is judged from this point on: the first samples include JIT, tiering and the GC finding its budget.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AContinuousFlood_KeepsMemoryFlat_LosesNothing_AndCountsExactly()
    {
        KernelFacility.RequireBpf();
        TimeSpan duration = TimeSpan.FromSeconds(Setting("TPGEN_SOAK_SECONDS", 600));
        int rate = (int)Setting("TPGEN_SOAK_RATE", 0); // datagrams per second; 0: as fast as one socket sends
        int port = UdpWorkload.ClosedPort6();

        using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        long noSocket = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Task reading = probes.RunAsync(
            onKfreeSkb: (in SkbProbes.KfreeSkb drop) =>
            {
                if (drop.Reason == SkbProbes.SkbDropReason.NO_SOCKET && drop.Protocol == UdpWorkload.Ipv6Protocol)
                    noSocket++;
            },
            cancellationToken: stop.Token);

        long before = UdpWorkload.NoPorts6();
        var clock = Stopwatch.StartNew();
        using var flooding = new CancellationTokenSource();
        Task<long> flood = Task.Factory.StartNew<long>(() => Flood(port, rate, flooding.Token), TaskCreationOptions.LongRunning);

        output.WriteLine("seconds  sent/s     rss_MiB  heap_MiB  gc0  gc1  gc2  delivered     dropped");
        long warmRss = 0, warmHeap = 0, maxRss = 0, maxHeap = 0, lastNoPorts = before;
        TimeSpan lastSample = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            await Task.Delay(SampleEvery, TestContext.Current.CancellationToken);
            long noPorts = UdpWorkload.NoPorts6();
            TimeSpan now = clock.Elapsed;
            long rss = ResidentBytes();
            long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{now.TotalSeconds,7:0}  {(noPorts - lastNoPorts) / (now - lastSample).TotalSeconds,9:0}  {rss / 1048576.0,7:0.0}  {heap / 1048576.0,8:0.0}  {GC.CollectionCount(0),3}  {GC.CollectionCount(1),3}  {GC.CollectionCount(2),3}  {Volatile.Read(ref noSocket),11}  {probes.Statistics.Dropped,7}"));
            (lastNoPorts, lastSample) = (noPorts, now);
            if (now < WarmUp)
                continue;
            if (warmRss == 0)
                (warmRss, warmHeap) = (rss, heap);
            (maxRss, maxHeap) = (Math.Max(maxRss, rss), Math.Max(maxHeap, heap));
        }
        flooding.Cancel();
        long sent = await flood;
        long delta = UdpWorkload.NoPorts6() - before;
        await Eventually.Settles(() => Volatile.Read(ref noSocket) + probes.Statistics.Dropped, delta);
        stop.Cancel();
        await reading;

        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds:0} s: sent {sent} ({sent / seconds:0}/s), NoPorts delta {delta}, delivered {noSocket}, dropped {probes.Statistics.Dropped}; " +
            $"RSS after warm-up {warmRss / 1048576.0:0.0} MiB, at most {maxRss / 1048576.0:0.0} MiB; GC heap after warm-up {warmHeap / 1048576.0:0.0} MiB, at most {maxHeap / 1048576.0:0.0} MiB"));
        Assert.Equal(sent, delta);
        Assert.Equal(delta, noSocket);
        Assert.Equal(0, probes.Statistics.Dropped);
        // Flat: what grows with time grows without bound. A few MiB of slack covers the GC's budget moving and pages the runtime touches late.
        Assert.True(maxRss - warmRss < 16 << 20, $"RSS grew by {(maxRss - warmRss) / 1048576.0:0.0} MiB after warm-up");
        Assert.True(maxHeap - warmHeap < 8 << 20, $"the GC heap grew by {(maxHeap - warmHeap) / 1048576.0:0.0} MiB after warm-up");
    }

    private static long Flood(int port, int rate, CancellationToken stop)
    {
        long sent = 0;
        var target = new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, port);
        using System.Net.Sockets.Socket socket = UdpWorkload.Sender(target);
        byte[] payload = new byte[16];
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < 1000; i++)
                socket.SendTo(payload, target);
            sent += 1000;
            // Paced: sleep while ahead of the schedule.
            if (rate > 0)
            {
                double ahead = sent / (double)rate - clock.Elapsed.TotalSeconds;
                if (ahead > 0)
                    Thread.Sleep(TimeSpan.FromSeconds(ahead));
            }
        }
        return sent;
    }

    private static long ResidentBytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static long Setting(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out long value) ? value : fallback;
}
