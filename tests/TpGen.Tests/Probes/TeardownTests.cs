using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Probes;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

/// <summary>
/// However a probe set stops — Ctrl-C, SIGTERM, a handler that throws, disposal while a read
/// waits — nothing stays attached: the process holds no BPF program, map, link or perf event
/// descriptor (/proc/PID/fd and fdinfo), and bpftool no longer lists the objects it held. The
/// ids come from the kernel, so other processes' BPF objects do not confuse the count.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TeardownTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> ProgramsAndSignals => new()
    {
        { "tpgen trace", "INT" },
        { "tpgen trace", "TERM" },
        { "dropwatch", "INT" },
        { "dropwatch", "TERM" },
    };

    [Theory]
    [MemberData(nameof(ProgramsAndSignals))]
    public async Task AProgramStoppedBySigintOrSigterm_ExitsZeroAfterItsSummary_AndLeavesNothingLoaded(string program, string signal)
    {
        KernelFacility.RequireBpf();
        using RunningProgram running = program == "dropwatch"
            ? ToolRunner.StartDropWatch()
            : ToolRunner.Start("trace", "skb:kfree_skb");
        await running.StartedAsync();
        BpfHandles held = BpfResources.Of(running.Id);
        output.WriteLine($"{program} holds {held}");
        Assert.NotEmpty(held.Programs);
        Assert.NotEmpty(held.Maps);
        Assert.NotEmpty(held.Links);

        running.Signal(signal);
        ProgramResult result = running.Finish(TimeSpan.FromSeconds(30));

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        // It stopped the way it stops on its own: the summary is printed, not cut off.
        if (program == "dropwatch")
            Assert.StartsWith("REASON COUNT", result.Output);
        else
            Assert.Contains("lost (ring buffer full)", result.Error);
        BpfHandles left = await BpfResources.GoneAsync(held);
        Assert.True(left.IsEmpty, $"still loaded after {program} exited: {left}");
    }

    public static TheoryData<string> WaysToStop => new() { "a handler throws", "disposed during Run", "disposed while ReadAllAsync waits", "ReadAllAsync cancelled" };

    [Theory]
    [MemberData(nameof(WaysToStop))]
    public async Task HoweverReadingStops_DisposingReleasesEveryProgramMapLinkAndDescriptor(string way)
    {
        KernelFacility.RequireBpf();
        int port = UdpWorkload.ClosedPort6();
        UdpWorkload.Flood6(1, port); // the socket engine's descriptors open once, before counting
        int self = Environment.ProcessId;
        BpfHandles before = BpfResources.Of(self);
        BpfHandles held;
        CancellationToken test = TestContext.Current.CancellationToken;

        SkbProbes probes = SkbProbes.Attach(UdpWorkload.SameProcess);
        try
        {
            held = before.Added(BpfResources.Of(self));
            Assert.NotEmpty(held.Programs);
            Assert.NotEmpty(held.Links);
            switch (way)
            {
                case "a handler throws":
                {
                    Task reading = probes.RunAsync(onKfreeSkb: (in SkbProbes.KfreeSkb _) => throw new InvalidOperationException("handler failed"), cancellationToken: test);
                    UdpWorkload.Flood6(10, port);
                    Assert.Equal("handler failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => reading)).Message);
                    break;
                }
                case "disposed during Run":
                {
                    Task reading = probes.RunAsync(onKfreeSkb: (in SkbProbes.KfreeSkb _) => { }, cancellationToken: test);
                    await Task.Delay(100, test);
                    probes.Dispose();
                    await reading.WaitAsync(TimeSpan.FromSeconds(10), test);
                    break;
                }
                case "disposed while ReadAllAsync waits":
                {
                    // No traffic matches: the enumerator waits for a record that never comes.
                    IAsyncEnumerator<TraceRecord> records = probes.ReadAllAsync(test).GetAsyncEnumerator(test);
                    ValueTask<bool> next = records.MoveNextAsync();
                    await Task.Delay(100, test);
                    probes.Dispose();
                    // The pending read ends: no record, no hang.
                    while (await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10), test))
                        next = records.MoveNextAsync();
                    await records.DisposeAsync();
                    break;
                }
                case "ReadAllAsync cancelled":
                {
                    using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                    await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                    {
                        await foreach (TraceRecord _ in probes.ReadAllAsync(cancel.Token))
                        {
                        }
                    });
                    break;
                }
            }
        }
        finally
        {
            probes.Dispose();
        }

        BpfHandles added = before.Added(BpfResources.Of(self));
        output.WriteLine($"held {held}; after disposal the process holds {added} more than before");
        Assert.Empty(added.Programs);
        Assert.Empty(added.Maps);
        Assert.Empty(added.Links);
        Assert.Equal(0, added.PerfEvents);
        BpfHandles left = await BpfResources.GoneAsync(held);
        Assert.True(left.IsEmpty, $"bpftool still lists {left}");
    }
}
