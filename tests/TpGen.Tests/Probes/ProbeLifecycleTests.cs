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
    /// <summary>
    /// Attach/dispose cycles for the leak test. Each cycle loads, verifies and attaches a program
    /// (about 0.1 s), so the count is what the test's time is made of; it was 1000. 200 still shows
    /// a leak of one of anything per cycle far beyond every allowance below: BPF and perf descriptors
    /// and the ring buffers' mappings must come back exactly, a program or link per cycle would be
    /// 200 against an allowance of 10, and a descriptor per cycle 200 against Cycles / 4 (50), which
    /// is itself well above what the rest of this process opens meanwhile (its kernel-collection
    /// tests run alone).
    /// </summary>
    private const int Cycles = 200;

    [Fact]
    public void ManyAttachDisposeCycles_LeaveNoProgramsLinksDescriptorsOrMappingsBehind()
    {
        KernelFacility.RequireBpf();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        // Warm up everything that opens files once (assemblies, libbpf) before counting descriptors.
        using (SkbProbes.Attach(UdpWorkload.SameProcess))
        {
        }
        int programs = Count(bpftool, "prog"), links = Count(bpftool, "link");
        int descriptors = OpenDescriptors(), kernelObjects = BpfDescriptors(), mappings = BpfMappings();

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cycles; i++)
        {
            using SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
            if (i == 0)
                Assert.True(BpfMappings() > mappings, "an attached probe set shows no BPF mapping in /proc/self/maps: the count below would see no leak");
        }
        double seconds = clock.Elapsed.TotalSeconds;

        output.WriteLine($"{Cycles} attach/dispose cycles in {seconds:0.0} s; fds {descriptors} -> {OpenDescriptors()}; BPF and perf fds {kernelObjects} -> {BpfDescriptors()}; " +
                         $"BPF mappings {mappings} -> {BpfMappings()}; tpgen programs {programs} -> {Count(bpftool, "prog")}; links {links} -> {Count(bpftool, "link")}");
        Assert.Equal(kernelObjects, BpfDescriptors());
        // A ring buffer (or any BPF map) left mapped by a cycle shows here, even with its descriptor closed.
        Assert.Equal(mappings, BpfMappings());
        // The runner's own threads may open and close a few files meanwhile; a descriptor leaked per
        // cycle would show as Cycles more.
        Assert.InRange(OpenDescriptors(), 0, descriptors + Cycles / 4);
        // Other TpGen processes may start or end programs meanwhile (a few); a leak would add Cycles.
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

    // Mappings of BPF maps (ring buffers, mmapable arrays) in this process's address space.
    private static int BpfMappings() => File.ReadLines("/proc/self/maps").Count(line => line.Contains("anon_inode:bpf", StringComparison.Ordinal));

    // TpGen's programs are named tpgen_handle_N; count those the kernel has loaded (or linked).
    private static int Count(string bpftool, string what)
    {
        using JsonDocument document = BpfResources.BpftoolJson(bpftool, "--json", what, "show");
        if (what == "prog")
            return document.RootElement.EnumerateArray().Count(p => p.TryGetProperty("name", out JsonElement name) && name.GetString()!.StartsWith("tpgen_handle", StringComparison.Ordinal));
        return document.RootElement.GetArrayLength();
    }
}
