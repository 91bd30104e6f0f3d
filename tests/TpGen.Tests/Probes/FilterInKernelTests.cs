using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
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

[Collection(KernelCollection.Name)]
public sealed class FilterInKernelTests
{
    [Fact]
    public async Task AFilterOnNumbersAndNames_DropsEverythingElseInTheKernel()
    {
        KernelFacility.RequireBpf();
        TracepointSchema kfree = Tracefs.ReadEvent("skb", "kfree_skb");
        // A separate shell sends 300 datagrams when told to (bash writes /dev/udp itself): common_pid is its id.
        using Process sender = Process.Start(new ProcessStartInfo("bash", ["-c", "read -r _; for ((i = 0; i < 300; i++)); do echo x > /dev/udp/127.0.0.1/9; done"])
        {
            RedirectStandardInput = true,
        })!;
        string filter = $"reason == NO_SOCKET && protocol == 0x0800 && common_pid == {sender.Id}";

        var (count, statistics) = await CountAsync(kfree, filter, () =>
        {
            sender.StandardInput.WriteLine("go");
            sender.StandardInput.Flush();
            UdpWorkload.Flood(700, UdpWorkload.ClosedPort()); // this process's drops: rejected in the kernel
            sender.WaitForExit();
        });

        Assert.Equal(300, count);
        Assert.Equal(300, statistics.Delivered);
    }

    [Fact]
    public async Task AFilterOnADynamicString_MatchesOnlyThatString()
    {
        KernelFacility.RequireBpf();
        TracepointSchema exec = Tracefs.ReadEvent("sched", "sched_process_exec");
        string truePath = File.Exists("/usr/bin/true") ? "/usr/bin/true" : "/bin/true";
        string filter = $"filename == \"{truePath}\"";

        var (count, _) = await CountAsync(exec, filter, () =>
        {
            for (int i = 0; i < 5; i++)
            {
                Process.Start(truePath).WaitForExit();
                Process.Start(truePath.Replace("true", "false")).WaitForExit();
            }
        });

        Assert.Equal(5, count);
    }

    [Fact]
    public async Task AFilterOnACharArray_MatchesOnlyThatCommand()
    {
        KernelFacility.RequireBpf();
        TracepointSchema exit = Tracefs.ReadEvent("sched", "sched_process_exit");
        const string filter = "comm == \"true\"";

        var (count, _) = await CountAsync(exit, filter, () =>
        {
            for (int i = 0; i < 4; i++)
            {
                Process.Start("true").WaitForExit();
                Process.Start("false").WaitForExit();
            }
        });

        Assert.Equal(4, count);
    }

    [Theory]
    [InlineData("comm == \"true\"", 3)]
    [InlineData("comm ~ \"fal*\"", 2)]
    [InlineData("current.comm == \"false\"", 2)]
    [InlineData("comm != \"true\" && filename ~ \"*/?rue\"", 0)]
    public async Task Comm_FiltersByTheCurrentTasksCommand_OnAnEventThatDoesNotRecordIt(string filter, int expected)
    {
        KernelFacility.RequireBpf();
        // sched_process_exec has no comm field; by the time it fires, exec has named the task after its file.
        TracepointSchema exec = Tracefs.ReadEvent("sched", "sched_process_exec");
        Assert.Null(exec.FindField("comm"));

        var (count, _) = await CountAsync(exec, filter, RunTrueThriceAndFalseTwice);

        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("filename ~ \"*/true\"", 3)]
    [InlineData("filename ~ \"/usr/bin/*\"", 5)]
    [InlineData("filename ~ \"*/fals*\"", 2)]
    [InlineData("filename ~ \"/usr/bin/tr?e\"", 3)]
    public async Task AGlobFilter_MatchesTheStartTheEndOrAnywhere_InTheKernel(string filter, int expected)
    {
        KernelFacility.RequireBpf();
        TracepointSchema exec = Tracefs.ReadEvent("sched", "sched_process_exec");

        var (count, _) = await CountAsync(exec, filter, RunTrueThriceAndFalseTwice);

        Assert.Equal(expected, count);
    }

    [Fact]
    public async Task ABitwiseAndFilter_PassesTheEventsWhoseFieldSharesABitWithTheMask()
    {
        KernelFacility.RequireBpf();
        TracepointSchema kfree = Tracefs.ReadEvent("skb", "kfree_skb");
        // ETH_P_IP (0x0800) has bit 0x0800 and ETH_P_IPV6 (0x86DD) does not; neither has 0x1000.
        void Both()
        {
            UdpWorkload.Flood(50, UdpWorkload.ClosedPort());
            UdpWorkload.Flood6(30, UdpWorkload.ClosedPort6());
        }

        long before = UdpWorkload.NoPorts();
        var (ipv4, _) = await CountAsync(kfree, "reason == NO_SOCKET && protocol & 0x0800", Both);
        long delta = UdpWorkload.NoPorts() - before;
        var (none, _) = await CountAsync(kfree, "reason == NO_SOCKET && protocol & 0x1000", Both);

        Assert.Equal(delta, ipv4);
        Assert.Equal(0, none);
    }

    [Fact]
    public async Task AFilterBuiltForDebian61_ReadsThisKernelsFieldsAndNoSocketValue_AndCountsExactly()
    {
        KernelFacility.RequireBpf();
        // 6.1 puts protocol and reason at 24 and 28 and numbers NO_SOCKET 2; this kernel, 32, 36 and 3.
        string description = File.ReadAllText(Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"));
        var probe = new ProbeDefinition("skb", "kfree_skb", [description], ["6.1.0-56-amd64"], filter: "reason == NO_SOCKET && protocol == 0x0800");
        ProbeSetDefinition definition = ProbeSetDefinition.FromProbes("FilterFrom61", [probe]);
        int port = UdpWorkload.ClosedPort();

        long before = UdpWorkload.NoPorts();
        var (count, statistics) = await CountAsync(definition, () =>
        {
            UdpWorkload.Flood(400, port);
            UdpWorkload.Flood6(100, UdpWorkload.ClosedPort6()); // IPv6: the protocol test drops these in the kernel
        });
        long delta = UdpWorkload.NoPorts() - before;

        Assert.Equal(delta, count);
        Assert.Equal(0, statistics.Dropped);
    }

    [Fact]
    public async Task CurrentComm_IsTheWaker_WhereTheEventsOwnCommIsTheWokenTask()
    {
        KernelFacility.RequireBpf();
        // sched_wakeup records the woken task's comm; the running task is the one that wakes it.
        TracepointSchema wakeup = Tracefs.ReadEvent("sched", "sched_wakeup");
        Assert.NotNull(wakeup.FindField("comm"));

        // Through a pipe, dd and cat wake each other (a full pipe stops dd, an empty one cat), never themselves.
        var (ddWakesCat, _) = await CountAsync(wakeup, "current.comm == \"dd\" && comm == \"cat\"", PipeDdIntoCat);
        var (catWakesDd, _) = await CountAsync(wakeup, "current.comm == \"cat\" && comm == \"dd\"", PipeDdIntoCat);
        var (ddWakesDd, _) = await CountAsync(wakeup, "current.comm == \"dd\" && comm == \"dd\"", PipeDdIntoCat);

        Assert.True(ddWakesCat + catWakesDd > 0, "no wakeup between dd and cat was seen");
        Assert.Equal(0, ddWakesDd);
    }

    private static void PipeDdIntoCat() =>
        Process.Start("/bin/sh", ["-c", "dd if=/dev/zero bs=512 count=20000 2>/dev/null | cat >/dev/null"])!.WaitForExit();

    // Five execs: /usr/bin/true three times, /usr/bin/false twice.
    private static void RunTrueThriceAndFalseTwice()
    {
        for (int i = 0; i < 3; i++)
            Process.Start("/usr/bin/true")!.WaitForExit();
        for (int i = 0; i < 2; i++)
            Process.Start("/usr/bin/false")!.WaitForExit();
    }

    // Attaches one filtered handler, runs the workload, and counts what the kernel let through.
    private static Task<(long Count, ProbeStatistics Statistics)> CountAsync(TracepointSchema schema, string filter, Action workload) =>
        CountAsync(ProbeSetDefinition.FromProbes("FilterTest", [new ProbeDefinition(schema.System, schema.Name, FormatFileWriter.Write(schema), filter)]), workload);

    private static async Task<(long Count, ProbeStatistics Statistics)> CountAsync(ProbeSetDefinition definition, Action workload)
    {
        using ProbeSet probes = ProbeSet.Attach(definition, UdpWorkload.SameProcess);
        var counter = new Counter();
        using var stop = new CancellationTokenSource();
        Task reading = probes.RunAsync(counter, stop.Token);
        workload();
        await Task.Delay(300);
        stop.Cancel();
        await reading;
        return (counter.Count, probes.Statistics);
    }

    private sealed class Counter : IRecordHandler
    {
        public long Count;

        public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => Count++;

        public bool OnLost(long count) => false;
    }
}
