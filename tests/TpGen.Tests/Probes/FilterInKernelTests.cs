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
        // A separate process sends 300 datagrams when told to; common_pid is its (main thread's) id.
        using Process sender = Process.Start(new ProcessStartInfo("python3", "-c \"import socket,sys; sys.stdin.readline(); s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x', ('127.0.0.1', 9)) for i in range(300)]\"")
        {
            RedirectStandardInput = true,
        })!;
        FilterExpr filter = FilterParser.Parse($"reason == NO_SOCKET && protocol == 0x0800 && common_pid == {sender.Id}", kfree);

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
        FilterExpr filter = FilterParser.Parse($"filename == \"{truePath}\"", exec);

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
        FilterExpr filter = FilterParser.Parse("comm == \"true\"", exit);

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

    // Attaches one filtered handler, runs the workload, and counts what the kernel let through.
    private static async Task<(long Count, ProbeStatistics Statistics)> CountAsync(TracepointSchema schema, FilterExpr filter, Action workload)
    {
        string source = BpfEmitter.Emit("FilterTest", new[] { schema }, filters: new FilterExpr?[] { filter });
        var definition = new ProbeSetDefinition("FilterTest", source, BpfEmitter.Hash(source), new[] { new ProbeDefinition(schema.System, schema.Name, FormatFileWriter.Write(schema)) });
        using ProbeSet probes = ProbeSet.Attach(definition);
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
