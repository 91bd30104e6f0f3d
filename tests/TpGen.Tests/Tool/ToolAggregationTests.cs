using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

/// <summary>
/// <c>tpgen trace</c> aggregating in the kernel, against oracles from outside: the kernel's own
/// NoPorts counter, bpftool's view of the maps, programs whose reads and sleeps are known.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ToolAggregationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CountByReason_DuringAFlood_CountsNoSocketAsTheKernelsNoPortsDelta_InABpfMapBpftoolSees()
    {
        KernelFacility.RequireBpf();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        const int Sent = 200_000;
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--count-by", "reason", "--duration", "5");
        await trace.TracingAsync();

        long before = UdpWorkload.NoPorts();
        var clock = Stopwatch.StartNew();
        UdpWorkload.Flood(Sent, UdpWorkload.ClosedPort());
        double seconds = clock.Elapsed.TotalSeconds;
        // The kernel's view of the counts while they are kept: a per-CPU hash map of the trace process.
        long inMap = MapCounts(bpftool, trace.Id).Sum();
        ProgramResult result = trace.Finish();
        long delta = UdpWorkload.NoPorts() - before;

        output.WriteLine($"sent {Sent} in {seconds:0.00} s; NoPorts delta {delta}; counted in the map {inMap}\n{result.Output}{result.Error}");
        Assert.Equal(0, result.ExitCode);
        Assert.True(delta >= Sent, $"NoPorts moved by {delta} for {Sent} datagrams");
        Assert.Contains($"@[NO_SOCKET]: {delta}", result.Output.Split('\n'));
        Assert.True(inMap >= Sent, $"the maps held {inMap} events while {Sent} were sent");
        Assert.Contains("0 sent to user space", result.Error);
        Assert.DoesNotContain("lost:", result.Error);
    }

    [Fact]
    public async Task HistOfReadSizes_PutsEveryFourKilobyteReadOfDdInTheFourKBucket()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "syscalls:sys_exit_read", "--hist", "ret", "--by", "comm", "--filter", "ret == 4096", "--duration", "4");
        await trace.TracingAsync();

        Run("dd", "if=/dev/zero", "of=/dev/null", "bs=4096", "count=1000");
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        string dd = Section(result.Output, "@[dd]:");
        Match bucket = Regex.Match(dd, @"^\[4K, 8K\)\s+(\d+) \|@+\s*\|$", RegexOptions.Multiline);
        Assert.True(bucket.Success, dd);
        Assert.True(int.Parse(bucket.Groups[1].Value, CultureInfo.InvariantCulture) >= 1000, dd);
    }

    [Fact]
    public async Task HistWithoutAFilter_DrawsTheWholeRangeAsBpftraceDoes()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "syscalls:sys_exit_read", "--hist", "ret", "--duration", "3");
        await trace.TracingAsync();

        Run("dd", "if=/dev/zero", "of=/dev/null", "bs=4096", "count=1000");
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output);
        Assert.Equal("@:", result.Output.Split('\n')[0]);
        Match bucket = Regex.Match(result.Output, @"^\[4K, 8K\)\s+(\d+) \|(@*)\s*\|$", RegexOptions.Multiline);
        Assert.True(bucket.Success, result.Output);
        Assert.True(int.Parse(bucket.Groups[1].Value, CultureInfo.InvariantCulture) >= 1000);
        // Every line is the label padded to 16, the count to 8, and a 52-wide bar.
        foreach (string line in result.Output.Split('\n').Skip(1).TakeWhile(l => l.Length > 0))
            Assert.Matches(@"^.{16}[ \d]{8} \|[@ ]{52}\|$", line);
    }

    [Fact]
    public async Task LatencyBetweenTwoEvents_OfKnownSleeps_LandsInTheirPowerOfTwoBuckets()
    {
        KernelFacility.RequireBpf();
        // A sleep of our own name, so the key tells its sleeps from every other program's.
        string directory = Directory.CreateTempSubdirectory("tpgen-latency-").FullName;
        string sleeper = Path.Combine(directory, "tpgsleeper");
        File.Copy("/bin/sleep", sleeper);
        try
        {
            using RunningProgram trace = ToolRunner.Start("trace", "--latency", "syscalls:sys_enter_clock_nanosleep(tid) -> syscalls:sys_exit_clock_nanosleep(tid)",
                "--by", "comm", "--duration", "5");
            await trace.TracingAsync();

            for (int i = 0; i < 3; i++)
                Run(sleeper, "0.05");
            for (int i = 0; i < 2; i++)
                Run(sleeper, "0.3");
            ProgramResult result = trace.Finish();

            output.WriteLine(result.Output + result.Error);
            Assert.Equal(0, result.ExitCode);
            string ours = Section(result.Output, "@[tpgsleeper]:");
            // 50 ms is 5e7 ns, in [32M, 64M) (2^25 to 2^26); 300 ms is 3e8 ns, in [256M, 512M).
            Assert.Matches(@"(?m)^\[32M, 64M\)\s+3 \|", ours);
            Assert.Matches(@"(?m)^\[256M, 512M\)\s+2 \|", ours);
            Assert.Equal(5, Regex.Matches(ours, @"(?m)^\[.*?\)\s+(\d+) \|").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CountByKernelStack_DuringAUdpFlood_NamesTheUdpReceivePathInTheTopStack()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--count-by", "kstack", "--duration", "4");
        await trace.TracingAsync();

        UdpWorkload.Flood(20_000, UdpWorkload.ClosedPort());
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        // Sorted as bpftrace sorts, smallest first: the last stack is the flood's.
        MatchCollection stacks = Regex.Matches(result.Output, @"@\[\n((?:        .*\n)+)\]: (\d+)");
        Assert.NotEmpty(stacks);
        Match top = stacks[^1];
        Assert.True(long.Parse(top.Groups[2].Value, CultureInfo.InvariantCulture) >= 20_000, result.Output);
        string[] frames = top.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim()).ToArray();
        Assert.Contains(frames, f => f.StartsWith("__udp4_lib_rcv+0x", StringComparison.Ordinal));
        Assert.Contains(frames, f => f.StartsWith("udp_sendmsg+0x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountByCallSite_NamesEachKeyAsTheKernelsTextDoes_WithSymbolsOfKallsyms()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "kmem:kmalloc", "--count-by", "call_site", "--duration", "3");
        await trace.TracingAsync();
        for (int i = 0; i < 5; i++)
            System.Diagnostics.Process.Start("true")!.WaitForExit();
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        // %pS, as kmem:kmalloc's print fmt shows call_site: symbol+0xoffset/0xsize, never a number.
        string[] keys = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(keys);
        var kallsyms = File.ReadLines("/proc/kallsyms").Select(line => line.Split(' ', '\t')[2]).ToHashSet(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            Match named = Regex.Match(key, @"^@\[([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+\]: \d+$");
            Assert.True(named.Success, $"not a symbol key: {key}");
            Assert.Contains(named.Groups[1].Value, kallsyms);
        }
    }

    [Fact]
    public async Task AMapTooSmallForItsKeys_CountsWhatDidNotFit_AndSaysSo()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "syscalls:sys_exit_read", "--count-by", "comm", "--max-keys", "1", "--duration", "3", "--output", "json");
        await trace.TracingAsync();

        // At least two programs read meanwhile: dd and cat, besides whatever else runs.
        Run("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=100");
        Run("cat", "/proc/self/stat");
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        using JsonDocument map = JsonDocument.Parse(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Single(map.RootElement.GetProperty("data").GetProperty("@").EnumerateObject());
        long lost = map.RootElement.GetProperty("lost").GetProperty("keys").GetInt64();
        Assert.True(lost >= 100, $"{lost} events lost");
        Assert.Contains($"lost: events: {lost} events whose key did not fit (the map holds 1 keys; raise MaxEntries)", result.Error);
    }

    [Fact]
    public void AggregationOptions_AreCheckedAgainstTheEvents_BeforeAnythingLoads()
    {
        KernelFacility.RequireTracefs();

        ProgramResult noField = ToolRunner.Run("trace", "skb:kfree_skb", "--sum", "nope");
        ProgramResult notANumber = ToolRunner.Run("trace", "sched:sched_switch", "--hist", "prev_comm");
        ProgramResult linear = ToolRunner.Run("trace", "syscalls:sys_exit_read", "--hist", "ret,0,100,7");
        ProgramResult latency = ToolRunner.Run("trace", "--latency", "sched:sched_wakeup pid -> sched:sched_switch");
        ProgramResult by = ToolRunner.Run("trace", "skb:kfree_skb", "--by", "reason");

        Assert.Equal(2, noField.ExitCode);
        Assert.Contains("--sum: skb:kfree_skb has no field 'nope'", noField.Error);
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("'prev_comm' of sched:sched_switch is not a number it can histogram", notANumber.Error);
        Assert.Equal(2, linear.ExitCode);
        Assert.Contains("must be a multiple of its step (7)", linear.Error);
        Assert.Equal(2, latency.ExitCode);
        Assert.Contains("--latency takes 'START -> END'", latency.Error);
        Assert.Equal(2, by.ExitCode);
        Assert.Contains("--by gives the keys of", by.Error);
    }

    // The text from a header line ("@[dd]:") to the blank line after it.
    private static string Section(string text, string header)
    {
        int start = text.IndexOf(header + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {header} in:\n{text}");
        int end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        return text.Substring(start, (end < 0 ? text.Length : end) - start);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    // The first 8 bytes of every value of every per-CPU hash map the process holds (each count), as bpftool dumps them.
    private static List<long> MapCounts(string bpftool, int pid)
    {
        var counts = new List<long>();
        foreach (int id in BpfResources.Of(pid).Maps)
        {
            using JsonDocument map = BpfResources.BpftoolJson(bpftool, "--json", "map", "show", "id", id.ToString(CultureInfo.InvariantCulture));
            if (map.RootElement.GetProperty("type").GetString() != "percpu_hash" || !map.RootElement.GetProperty("name").GetString()!.StartsWith("tpgen_agg_", StringComparison.Ordinal))
                continue;
            using JsonDocument dump = BpfResources.BpftoolJson(bpftool, "--json", "map", "dump", "id", id.ToString(CultureInfo.InvariantCulture));
            foreach (JsonElement entry in dump.RootElement.EnumerateArray())
            {
                foreach (JsonElement cpu in entry.GetProperty("values").EnumerateArray())
                {
                    byte[] bytes = cpu.GetProperty("value").EnumerateArray().Take(8).Select(b => Convert.ToByte(b.GetString(), 16)).ToArray();
                    counts.Add(BitConverter.ToInt64(bytes));
                }
            }
        }
        return counts;
    }
}
