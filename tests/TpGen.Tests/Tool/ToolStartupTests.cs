using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

/// <summary>
/// What a first <c>tpgen trace</c> has to do before it traces (bench/startup measures how long it
/// takes): without a filter nothing is compiled for the kernel, the BPF object TpGen carries does
/// the work; only the text formatter is compiled, once, and kept in the cache.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ToolStartupTests(ITestOutputHelper output) : IDisposable
{
    // A cache of its own, as on the first run after install; a clang that is not there, so that a
    // run that needed one would fail instead of compiling.
    private readonly string _cache = Directory.CreateTempSubdirectory("tpgen-startup-").FullName;

    private string[] Environment => ["XDG_CACHE_HOME=" + _cache, "TPGEN_CLANG=" + Path.Combine(_cache, "no-such-clang")];

    private string BpfCache => Path.Combine(_cache, "tpgen", "bpf");

    private string FormatterCache => Path.Combine(_cache, "tpgen", "cs");

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task TraceWithoutAFilter_RunsNoClang_AndCompilesNoBpf_AndItsSecondRunReusesTheFormatter()
    {
        KernelFacility.RequireBpf();
        ProgramResult first = await TraceThreeDropsAsync();
        Assert.False(Directory.Exists(BpfCache), "a trace without a filter compiled a BPF object");
        string[] formatters = Directory.GetFiles(FormatterCache);
        Assert.Single(formatters);

        ProgramResult second = await TraceThreeDropsAsync();
        Assert.False(Directory.Exists(BpfCache));
        Assert.Equal(formatters, Directory.GetFiles(FormatterCache));
        // Events that come while the first run's formatter compiles wait for it and print as the second run's do.
        Assert.All(new[] { first, second }, run => Assert.Equal(3, run.Output.Split('\n').Count(line => line.Contains(" kfree_skb: skbaddr=", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task AFirstTrace_HoldsWhatComesWhileItsFormatterCompiles_SoASmallRingLosesNothing()
    {
        KernelFacility.RequireBpf();
        // 64 KiB hold about 700 of these records; 3,000 come, paced so the reader can drain them as they
        // come (a burst would overflow so small a ring whatever the reader did), all within the
        // second or more Roslyn takes to compile the formatter: left in the ring, most would be lost.
        using RunningProgram trace = ToolRunner.StartWithEnvironment(Environment, "trace", "skb:kfree_skb", "--ring-size", "64K", "--duration", "6");
        await trace.TracingAsync();
        long before = UdpWorkload.NoPorts();
        int port = UdpWorkload.ClosedPort();
        for (int i = 0; i < 30; i++)
        {
            UdpWorkload.Flood(100, port);
            await Task.Delay(15, TestContext.Current.CancellationToken);
        }
        long sent = UdpWorkload.NoPorts() - before;
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.True(Directory.GetFiles(FormatterCache).Length == 1, "this was not the first trace of the event");
        Assert.Equal(sent, result.Output.Split('\n').Count(line => line.Contains(" kfree_skb: skbaddr=", StringComparison.Ordinal) && line.EndsWith("reason: NO_SOCKET", StringComparison.Ordinal)));
        Assert.Contains(" 0 lost (ring buffer full)", result.Error);
    }

    [Fact]
    public async Task TraceCountBy_WithoutAFilter_CompilesNothingAtAll()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.StartWithEnvironment(Environment, "trace", "skb:kfree_skb", "--count-by", "reason", "--duration", "2");
        await trace.TracingAsync();
        UdpWorkload.Flood(10, UdpWorkload.ClosedPort());
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("@[NO_SOCKET]: ", result.Output);
        Assert.False(Directory.Exists(Path.Combine(_cache, "tpgen")), "tpgen trace --count-by wrote to its cache: " + string.Join(", ", Directory.GetFileSystemEntries(_cache, "*", SearchOption.AllDirectories)));
    }

    [Fact]
    public void TraceWithAFilter_NeedsClang_SoTheTestsAboveWouldSeeACompile()
    {
        KernelFacility.RequireBpf();
        ProgramResult result = ToolRunner.RunUnder(["env", .. Environment], "trace", "skb:kfree_skb", "--filter", "reason == NO_SOCKET", "--duration", "1");

        output.WriteLine(result.Output + result.Error);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("clang", result.Error);
        Assert.False(Directory.Exists(BpfCache));
    }

    private async Task<ProgramResult> TraceThreeDropsAsync()
    {
        using RunningProgram trace = ToolRunner.StartWithEnvironment(Environment, "trace", "skb:kfree_skb", "--limit", "3");
        await trace.TracingAsync();
        UdpWorkload.Flood(10, UdpWorkload.ClosedPort());
        ProgramResult result = trace.Finish();
        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        return result;
    }
}
