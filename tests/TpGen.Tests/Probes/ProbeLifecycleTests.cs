using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Probes;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

[Collection(KernelCollection.Name)]
public sealed class ProbeLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public void AThousandAttachDisposeCycles_LeaveNoProgramsLinksOrDescriptorsBehind()
    {
        KernelFacility.RequireBpf();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        // Warm up everything that opens files once (assemblies, libbpf) before counting descriptors.
        using (SkbProbes.Attach(UdpWorkload.SameProcess))
        {
        }
        int programs = Count(bpftool, "prog"), links = Count(bpftool, "link");
        int descriptors = OpenDescriptors(), kernelObjects = BpfDescriptors();

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        }
        double seconds = clock.Elapsed.TotalSeconds;

        output.WriteLine($"1000 attach/dispose cycles in {seconds:0.0} s; fds {descriptors} -> {OpenDescriptors()}; BPF and perf fds {kernelObjects} -> {BpfDescriptors()}; " +
                         $"tpgen programs {programs} -> {Count(bpftool, "prog")}; links {links} -> {Count(bpftool, "link")}");
        Assert.Equal(kernelObjects, BpfDescriptors());
        // Tests of other classes run meanwhile and open and close files of their own; a descriptor
        // leaked per cycle would show as a thousand more.
        Assert.InRange(OpenDescriptors(), 0, descriptors + 100);
        // Other TpGen processes may start or end programs meanwhile (a few); a leak would add a thousand.
        Assert.InRange(Count(bpftool, "prog"), 0, programs + 10);
        Assert.InRange(Count(bpftool, "link"), 0, links + 10);
    }

    [Fact]
    public async Task DisposingWhileAReaderRuns_StopsItAndReleasesEverything()
    {
        KernelFacility.RequireBpf();
        int descriptors = BpfDescriptors();
        SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        Task reading = probes.RunAsync(onKfreeSkb: (in SkbProbes.KfreeSkb _) => { }, cancellationToken: TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);

        await probes.DisposeAsync();
        await reading;

        Assert.Equal(descriptors, BpfDescriptors());
        Assert.Throws<ObjectDisposedException>(() => probes.Run(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnExceptionInAHandler_StopsReadingAndSurfacesToTheCaller()
    {
        KernelFacility.RequireBpf();
        UdpWorkload.Flood(1, UdpWorkload.ClosedPort()); // .NET's socket engine opens its epoll descriptor once
        int descriptors = BpfDescriptors();
        using (SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess))
        {
            Task reading = probes.RunAsync(onKfreeSkb: (in SkbProbes.KfreeSkb _) => throw new InvalidOperationException("handler failed"), cancellationToken: TestContext.Current.CancellationToken);
            UdpWorkload.Flood(10, UdpWorkload.ClosedPort());

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reading);
            Assert.Equal("handler failed", error.Message);
        }
        Assert.Equal(descriptors, BpfDescriptors());
    }

    [Fact]
    public async Task TwoProbeSetsOnTheSameEvent_EachSeeEveryRecordOnce()
    {
        KernelFacility.RequireBpf();
        using SkbProbes first = SkbProbes.Attach(UdpWorkload.SameProcess);
        using KfreeSkbOnly second = KfreeSkbOnly.Attach(UdpWorkload.SameProcess);
        long a = 0, b = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // IPv6, so that IPv4 floods of other programs on the machine are not counted.
        Task readingA = first.RunAsync(onKfreeSkb: (in SkbProbes.KfreeSkb e) => { if (e.Reason == SkbProbes.SkbDropReason.NO_SOCKET && e.Protocol == UdpWorkload.Ipv6Protocol) a++; }, cancellationToken: stop.Token);
        Task readingB = second.RunAsync(onKfreeSkb: (in KfreeSkbOnly.KfreeSkb e) => { if (e.Reason == KfreeSkbOnly.SkbDropReason.NO_SOCKET && e.Protocol == UdpWorkload.Ipv6Protocol) b++; }, cancellationToken: stop.Token);

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(5000, UdpWorkload.ClosedPort6());
        long delta = UdpWorkload.NoPorts6() - before;
        await Eventually.Settles(() => Math.Min(Volatile.Read(ref a), Volatile.Read(ref b)), delta);
        stop.Cancel();
        await Task.WhenAll(readingA, readingB);

        Assert.Equal(delta, a);
        Assert.Equal(delta, b);
    }

    [Fact]
    public async Task TwoProcessesTracingTheSameEvent_EachCountEveryRecordOnce()
    {
        KernelFacility.RequireBpf();
        // Two tpgen trace processes, each with its own programs and ring buffer on skb:kfree_skb.
        string[] trace = ["trace", "skb:kfree_skb", "--count-by", "reason", "--filter", $"protocol == {UdpWorkload.Ipv6Protocol}"];
        using RunningProgram first = ToolRunner.Start(trace);
        using RunningProgram second = ToolRunner.Start(trace);
        await Task.WhenAll(first.TracingAsync(), second.TracingAsync());

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(5000, UdpWorkload.ClosedPort6());
        long delta = UdpWorkload.NoPorts6() - before;
        await Task.Delay(500, TestContext.Current.CancellationToken); // both readers poll every 10 ms
        first.Signal("INT");
        second.Signal("INT");
        ProgramResult a = first.Finish(TimeSpan.FromSeconds(30)), b = second.Finish(TimeSpan.FromSeconds(30));

        output.WriteLine(a.Output + a.Error + b.Output + b.Error);
        Assert.Equal(5000, delta);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        // Each counted in maps of its own, in the kernel.
        Assert.Contains($"@[NO_SOCKET]: {delta}", a.Output.Split('\n'));
        Assert.Contains($"@[NO_SOCKET]: {delta}", b.Output.Split('\n'));
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    // Descriptors of BPF programs, maps and links, perf events and epoll instances: what a probe set opens.
    private static int BpfDescriptors() => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try
        {
            string target = new FileInfo(fd).LinkTarget ?? "";
            return target.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || target.Contains("perf_event") || target.Contains("eventpoll");
        }
        catch (IOException)
        {
            return false;
        }
    });

    // TpGen's programs are named tpgen_handle_N; count those the kernel has loaded (or linked).
    private static int Count(string bpftool, string what)
    {
        using JsonDocument document = BpfResources.BpftoolJson(bpftool, "--json", what, "show");
        if (what == "prog")
            return document.RootElement.EnumerateArray().Count(p => p.TryGetProperty("name", out JsonElement name) && name.GetString()!.StartsWith("tpgen_handle", StringComparison.Ordinal));
        return document.RootElement.GetArrayLength();
    }
}
