using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

[Collection(KernelCollection.Name)]
public sealed class ToolTraceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TraceCountByReason_DuringAFlood_CountsNoSocketAsTheKernelsNoPortsDelta()
    {
        KernelFacility.RequireBpf();
        // IPv6 only, filtered in the kernel: other programs' IPv4 floods on the machine are not counted.
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--count-by", "reason", "--duration", "5", "--filter", $"protocol == {UdpWorkload.Ipv6Protocol}");
        await trace.TracingAsync();

        long before = UdpWorkload.NoPorts6();
        UdpWorkload.Flood6(20_000, UdpWorkload.ClosedPort6());
        long delta = UdpWorkload.NoPorts6() - before;
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Counted in the kernel, printed as bpftrace prints a map.
        Assert.Contains($"@[NO_SOCKET]: {delta}", lines);
        Assert.Contains("0 sent to user space", result.Error);
    }

    [Fact]
    public async Task TraceJson_PrintsOneTypedObjectPerEvent_AndStopsAtTheLimit()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--output", "json", "--filter", $"reason == NO_SOCKET && protocol == {UdpWorkload.Ipv6Protocol}", "--limit", "100");
        await trace.TracingAsync();

        UdpWorkload.Flood6(500, UdpWorkload.ClosedPort6());
        ProgramResult result = trace.Finish();

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        JsonElement root = first.RootElement;
        Assert.Equal("skb:kfree_skb", root.GetProperty("event").GetString());
        Assert.Equal(Environment.ProcessId, root.GetProperty("pid").GetInt32());
        Assert.Equal("NO_SOCKET", root.GetProperty("fields").GetProperty("reason").GetString());
        Assert.Equal(UdpWorkload.Ipv6Protocol, root.GetProperty("fields").GetProperty("protocol").GetInt32());
        // Addresses and symbols as the kernel's text shows them (%p, %pS), not as numbers.
        Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("fields").GetProperty("skbaddr").GetString());
        Assert.Matches(@"^[A-Za-z_][\w.]*\+0x[0-9a-f]+/0x[0-9a-f]+$", root.GetProperty("fields").GetProperty("location").GetString());
    }

    [Fact]
    public async Task TraceText_PrintsTheKernelsLineFormat()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--filter", "reason == NO_SOCKET", "--limit", "3");
        await trace.TracingAsync();

        UdpWorkload.Flood(10, UdpWorkload.ClosedPort());
        ProgramResult result = trace.Finish();

        Assert.Equal(0, result.ExitCode);
        string line = result.Output.Split('\n')[0];
        // task-pid [cpu] seconds.micros: event: text (a task's name may hold spaces, as ".NET TP Worker")
        Assert.Matches(@"^.{16}-\d+\s+\[\d{3}\]\s+\d+\.\d{6}: kfree_skb: skbaddr=[0-9a-f]{16} rx_sk=0{16} protocol=2048 location=\S+ reason: NO_SOCKET$", line);
    }

    [Fact]
    public async Task TraceText_WithOutputAndErrorIntoOneFile_KeepsEveryLineWhole()
    {
        KernelFacility.RequireBpf();
        // As `tpgen trace ... > trace.log 2>&1`: both descriptors share the file's offset, so each
        // line lands after what came before, the events and the trace's own messages alike.
        string log = Path.Combine(Path.GetTempPath(), $"tpgen-one-file-{Guid.NewGuid():N}.log");
        try
        {
            using RunningProgram trace = ToolRunner.StartIntoOneFile(log, "trace", "skb:kfree_skb", "--filter", $"reason == NO_SOCKET && protocol == {UdpWorkload.Ipv6Protocol}", "--limit", "20");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!(File.Exists(log) && File.ReadAllText(log).Contains("Ctrl-C to stop", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
                await Task.Delay(100, TestContext.Current.CancellationToken);

            UdpWorkload.Flood6(20, UdpWorkload.ClosedPort6());
            ProgramResult result = trace.Finish();

            string[] lines = File.ReadAllLines(log);
            output.WriteLine(string.Join("\n", lines));
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("tpgen trace: tracing skb:kfree_skb", lines[0]);
            Assert.Equal(20, lines.Count(line => System.Text.RegularExpressions.Regex.IsMatch(line,
                @"^.{16}-\d+\s+\[\d{3}\]\s+\d+\.\d{6}: kfree_skb: skbaddr=[0-9a-f]{16} rx_sk=0{16} protocol=34525 location=\S+ reason: NO_SOCKET$")));
            Assert.StartsWith("tpgen trace: 20 events in ", lines[^1]);
            Assert.Equal(22, lines.Length);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Theory]
    [InlineData("reason == NO_SOCKT", "'NO_SOCKT' is not a name of 'reason' values", 11)]
    [InlineData("protocol == 1); system(\"reboot\"", "unexpected character ';'", 15)]
    [InlineData("protocol == 1 /* */", "unexpected character '/'", 15)]
    [InlineData("nope > 3", "'nope' is not a field of skb:kfree_skb", 1)]
    public void BadFilters_AreUsageErrorsThatPointAtTheColumn(string filter, string message, int column)
    {
        KernelFacility.RequireTracefs();

        ProgramResult result = ToolRunner.Run("trace", "skb:kfree_skb", "--filter", filter);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Contains($"column {column}", result.Error);
        string[] lines = result.Error.Split('\n');
        int caret = Array.FindIndex(lines, l => l.TrimEnd().EndsWith('^') && l.Trim() == "^");
        Assert.True(caret > 0, result.Error);
        Assert.Equal(lines[caret - 1].IndexOf(filter, StringComparison.Ordinal) + column - 1, lines[caret].IndexOf('^'));
    }

    [Fact]
    public void TraceAsAnOrdinaryUser_ExitsOneNamingTheMissingCapabilities_BeforeGeneratingOrLoadingAnything()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("setpriv", "util-linux");

        // nobody, with no capabilities at all: what a user without sudo has.
        ProgramResult result = ToolRunner.RunUnder(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"], "trace", "skb:kfree_skb");

        output.WriteLine(result.Error);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("needs CAP_BPF and CAP_PERFMON (or root); this process lacks CAP_BPF and CAP_PERFMON", result.Error);
        Assert.Contains("setcap cap_bpf,cap_perfmon", result.Error);
        // Refused first: no format read, no BPF generated, nothing loaded.
        Assert.DoesNotContain("generating BPF", result.Error);
        Assert.DoesNotContain("loading and attaching", result.Error);
        Assert.DoesNotContain("tracefs", result.Error);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void CountByAFieldTheEventLacks_IsAUsageError()
    {
        KernelFacility.RequireTracefs();

        ProgramResult result = ToolRunner.Run("trace", "skb:consume_skb", "--count-by", "reason");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("skb:consume_skb has no field 'reason'", result.Error);
    }

    [Fact]
    public async Task RingSize_SetsTheKernelRingBufferTheTraceReadsFrom()
    {
        KernelFacility.RequireBpf();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--ring-size", "64K", "--duration", "60", "--filter", "reason == NO_SOCKET && protocol == 0");
        await trace.TracingAsync();

        // The kernel's own description of the maps the process holds (bpftool), not ours.
        var ringSizes = new List<long>();
        foreach (int id in BpfResources.Of(trace.Id).Maps)
        {
            using JsonDocument map = BpfResources.BpftoolJson(bpftool, "--json", "map", "show", "id", id.ToString(CultureInfo.InvariantCulture));
            if (map.RootElement.GetProperty("type").GetString() == "ringbuf")
                ringSizes.Add(map.RootElement.GetProperty("max_entries").GetInt64());
        }
        trace.Signal("INT");
        ProgramResult result = trace.Finish();

        Assert.Equal([64 * 1024], ringSizes);
        Assert.Equal(0, result.ExitCode);
    }

    [Theory]
    [InlineData("3000", "power of two")]
    [InlineData("2K", "power of two")]
    [InlineData("lots", "not a size")]
    [InlineData("99999999M", "not a size")]
    public void RingSize_ThatTheKernelCannotHave_IsAUsageErrorBeforeAnythingLoads(string size, string message)
    {
        ProgramResult result = ToolRunner.Run("trace", "skb:kfree_skb", "--ring-size", size);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("loading and attaching", result.Error);
    }

    [Theory]
    [InlineData("5x", "'5x' is not a duration")]
    [InlineData("s", "'s' is not a duration")]
    [InlineData("1.5.2s", "'1.5.2s' is not a duration")]
    [InlineData("-2s", "more than 0")]
    [InlineData("0ms", "more than 0")]
    [InlineData("100000000h", "too long")]
    public void Duration_ThatIsNotOne_IsAUsageErrorThatShowsTheForms(string duration, string message)
    {
        ProgramResult result = ToolRunner.Run("trace", "skb:kfree_skb", "--duration", duration);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("System.Nullable", result.Error);
        Assert.DoesNotContain("loading and attaching", result.Error);
        if (message.Contains("not a duration", StringComparison.Ordinal))
            Assert.Contains("500ms", result.Error);
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("1s", 1.0)]
    [InlineData("500ms", 0.5)]
    [InlineData("0.02m", 1.2)]
    public void Duration_InSecondsMillisecondsOrMinutes_StopsTheTraceThen(string duration, double seconds)
    {
        KernelFacility.RequireBpf();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--duration", duration, "--filter", "reason == NO_SOCKET && protocol == 0");
        ProgramResult result = trace.Finish();

        output.WriteLine(result.Error);
        Assert.Equal(0, result.ExitCode);
        // The trace's own account of how long it traced (the start-up before it is excluded).
        double traced = double.Parse(System.Text.RegularExpressions.Regex.Match(result.Error, @"events in ([0-9.]+) s").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(traced, seconds - 0.05, seconds + 1.0);
        Assert.True(clock.Elapsed.TotalSeconds >= seconds);
    }
}
