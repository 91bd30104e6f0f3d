using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Files;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Files;

/// <summary>
/// Recording on the real kernel, with trace-cmd and the kernel's own counters as the oracles:
/// tpgen record's files are read by trace-cmd as tpgen report reads them, trace-cmd record's files
/// are read by TraceDataFile as trace-cmd reads them, and events the kernel lost are in the file
/// for both to see. NoPorts counts the machine's datagrams: run these alone (the Kernel collection
/// keeps the suite's own tests apart; other floods on the machine must wait).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class RecordTests(ITestOutputHelper output) : IDisposable
{
    private const int Datagrams = 200_000;

    private readonly string _directory = SyntheticTrace.TemporaryDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RecordDuringAFlood_TraceCmdCountsTheNoPortsDelta_AndPrintsWhatTpGenReportPrints()
    {
        KernelFacility.RequireBpf();
        TraceCmd.Require();
        string path = Path.Combine(_directory, "drops.dat");
        using RunningProgram record = StartRecord(path, "skb:kfree_skb");
        await record.StartedAsync();
        long before = UdpWorkload.NoPorts();
        UdpWorkload.Flood(Datagrams, UdpWorkload.ClosedPort());
        Thread.Sleep(500);
        long delta = UdpWorkload.NoPorts() - before;
        record.Signal("INT");
        ProgramResult recorded = record.Finish();
        output.WriteLine(recorded.Error);
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        Assert.Contains("none lost", recorded.Error);

        List<string> theirs = TraceCmd.Report(path);
        int noSocket = theirs.Count(l => l.Contains(" kfree_skb:", StringComparison.Ordinal) && l.EndsWith("reason: NO_SOCKET", StringComparison.Ordinal));
        Assert.Equal(delta, noSocket);

        List<string> ours = TraceCmd.TpGenReport(path);
        using TraceDataFile file = TraceDataFile.Open(path);
        int explained = TraceCmd.AssertSameReport(theirs, ours, file);
        output.WriteLine($"{theirs.Count} lines agree; the text of {explained} differs only as docs/event-text.md lists for libtraceevent (plain %p, the size in %pS)");
    }

    [Theory]
    [InlineData("6", "none")]
    [InlineData("7", "none")]
    [InlineData("7", "zstd")]
    public async Task TraceCmdRecordsFile_ReadThroughTraceDataFile_CountsWhatTraceCmdReportCounts(string version, string compression)
    {
        KernelFacility.RequireBpf();
        TraceCmd.Require();
        string path = Path.Combine(_directory, "trace.dat");
        using TraceCmd.Recording record = TraceCmd.StartRecord(path, "--file-version", version, "--compression", compression, "-e", "skb:kfree_skb");
        UdpWorkload.Flood(20_000, UdpWorkload.ClosedPort());
        await Task.Delay(500, TestContext.Current.CancellationToken);
        ProgramResult recorded = record.Stop();
        Assert.True(recorded.ExitCode == 0, recorded.Output + recorded.Error);

        using TraceDataFile file = TraceDataFile.Open(path);
        Assert.Equal(int.Parse(version), file.Version);
        Assert.Equal(compression, file.Compression);
        var reasons = new Dictionary<string, int>();
        long records = 0, lost = 0;
        TraceFileReader reader = file.CreateReader();
        while (reader.MoveNext())
        {
            if (reader.Kind == TraceFileItemKind.Loss)
            {
                lost += reader.Loss.Count ?? 0;
                continue;
            }
            TraceFileRecord drop = reader.Record;
            Assert.Equal("skb:kfree_skb", drop.Event?.FullName);
            records++;
            string reason = Reason(file, drop);
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        List<string> theirs = TraceCmd.Report(path);
        output.WriteLine($"version {version} {compression}: {records} records, {lost} lost; trace-cmd report: {theirs.Count} lines");
        Assert.Equal(theirs.Count(l => l.Contains(" kfree_skb:", StringComparison.Ordinal)), records);
        Assert.Equal(theirs.Count(l => l.EndsWith("reason: NO_SOCKET", StringComparison.Ordinal)), reasons.GetValueOrDefault("NO_SOCKET"));
        Assert.True(records >= 20_000, $"{records} records of a 20,000-datagram flood");
        Assert.Equal(SumOfDrops(theirs), lost);
    }

    [Fact]
    public async Task ATinyBufferUnderAFlood_LosesEvents_AndTheFileShowsTheLossesToTraceCmdAndTpGen()
    {
        KernelFacility.RequireBpf();
        TraceCmd.Require();
        string path = Path.Combine(_directory, "tiny.dat");
        using RunningProgram record = StartRecord(path, "skb:kfree_skb", "--buffer-size", "8");
        await record.StartedAsync();
        long before = UdpWorkload.NoPorts();
        UdpWorkload.Flood(Datagrams, UdpWorkload.ClosedPort());
        Thread.Sleep(500);
        long delta = UdpWorkload.NoPorts() - before;
        record.Signal("INT");
        ProgramResult recorded = record.Finish();
        output.WriteLine(recorded.Error);
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        Match said = Regex.Match(recorded.Error, @"tpgen record: (\d+) events .*; (\d+) lost \(ring buffer full");
        Assert.True(said.Success, "tpgen record did not report lost events: " + recorded.Error);

        using TraceDataFile file = TraceDataFile.Open(path);
        TraceFileReader reader = file.CreateReader();
        long noSocket = 0;
        while (reader.MoveNext())
        {
            if (reader.Kind == TraceFileItemKind.Record && Reason(file, reader.Record) == "NO_SOCKET")
                noSocket++;
        }
        long lost = reader.LostEventsByCpu.Values.Sum();
        Assert.True(lost > 0);
        Assert.Equal(long.Parse(said.Groups[2].Value), lost);

        List<string> theirs = TraceCmd.Report(path);
        Assert.Equal(lost, SumOfDrops(theirs));
        List<string> ours = TraceCmd.TpGenReport(path);
        Assert.Equal(theirs.Where(l => l.StartsWith("CPU:", StringComparison.Ordinal)), ours.Where(l => l.StartsWith("CPU:", StringComparison.Ordinal)));
        TraceCmd.AssertSameReport(theirs, ours, file);
        // Every datagram is a record or a lost event: nothing went missing unannounced.
        if (reader.LossesOfUnknownCount == 0)
            Assert.Equal(delta, noSocket + lost);
    }

    [Fact]
    public async Task ReportIntoAPipeWhoseReaderGoes_StopsThere_AndSaysSo()
    {
        KernelFacility.RequireBpf();
        string path = Path.Combine(_directory, "many.dat");
        string errors = Path.Combine(_directory, "report.err");
        using RunningProgram record = StartRecord(path, "skb:kfree_skb");
        await record.StartedAsync();
        UdpWorkload.Flood(20_000, UdpWorkload.ClosedPort());
        await Task.Delay(500, TestContext.Current.CancellationToken);
        record.Signal("INT");
        ProgramResult recorded = record.Finish();
        Assert.True(recorded.ExitCode == 0, recorded.Error);

        // tpgen report FILE | head -2: the text of 20,000 events is far more than a pipe holds, so
        // tpgen is still writing when head has gone. The exit status is tpgen's.
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        foreach (string argument in (string[])["-c", "\"$1\" \"$2\" report \"$3\" 2>\"$4\" | head -2; exit ${PIPESTATUS[0]}", "report-into-head", ToolRunner.Dotnet, ToolRunner.TpGen, path, errors])
            start.ArgumentList.Add(argument);
        using Process piped = Process.Start(start)!;
        string printed = await piped.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await piped.WaitForExitAsync(TestContext.Current.CancellationToken);
        string error = File.ReadAllText(errors);
        output.WriteLine(error);

        Assert.Equal(2, printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" kfree_skb:", StringComparison.Ordinal)));
        Assert.Equal(0, piped.ExitCode);
        Assert.Contains("tpgen report: standard output was closed; stopped reading the file", error);
        Assert.DoesNotContain("events from", error);
    }

    [Fact]
    public void RecordOfAnUnknownEvent_OrWithABadFilter_IsAUsageErrorAndLeavesNoInstance()
    {
        KernelFacility.RequireBpf();
        string path = Path.Combine(_directory, "never.dat");

        ProgramResult unknown = ToolRunner.Run("record", "-o", path, "skb:no_such_event", "--duration", "1");
        ProgramResult filter = ToolRunner.Run("record", "-o", path, "skb:kfree_skb", "--filter", "reason == NO_SOCKT", "--duration", "1");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no event matches 'skb:no_such_event'", unknown.Error);
        Assert.Equal(2, filter.ExitCode);
        Assert.Contains("'NO_SOCKT' is not a name of 'reason' values", filter.Error);
        Assert.False(File.Exists(path));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(TpGen.Kernel.Tracefs.Root, "instances")), d => Path.GetFileName(d).StartsWith("tpgen-record-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordWithAFilter_KeepsOnlyMatchingEvents_DecidedInTheKernel()
    {
        KernelFacility.RequireBpf();
        string path = Path.Combine(_directory, "v6.dat");
        using RunningProgram record = StartRecord(path, "skb:kfree_skb", "--filter", $"protocol == {UdpWorkload.Ipv6Protocol}");
        await record.StartedAsync();
        UdpWorkload.Flood(2_000, UdpWorkload.ClosedPort());
        UdpWorkload.Flood6(3_000, UdpWorkload.ClosedPort6());
        Thread.Sleep(300);
        record.Signal("INT");
        Assert.Equal(0, record.Finish().ExitCode);

        ProgramResult counted = ToolRunner.Run("report", path, "--count-by", "protocol");
        Assert.True(counted.ExitCode == 0, counted.Error);
        string[] lines = counted.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["protocol COUNT", $"{UdpWorkload.Ipv6Protocol} 3000"], lines);
    }

    [Fact]
    public async Task RecordWithACommGlobAndABitMask_HandsTheKernelFiltersThatMeanTheSame_AndReportFiltersByTheFilesCommands()
    {
        KernelFacility.RequireBpf();
        string path = Path.Combine(_directory, "exec.dat");
        // sched_process_exec has no comm field: comm is the task's command, which exec has just set.
        // The mask holds for every pid but 0, so it keeps what the glob keeps; the same mask read as
        // "pid >= 0x7fffffff" would keep nothing.
        using RunningProgram record = StartRecord(path, "sched:sched_process_exec", "--filter", "comm ~ \"tru*\" && pid & 0x7fffffff");
        await record.StartedAsync();
        for (int i = 0; i < 3; i++)
        {
            Process.Start("/usr/bin/true")!.WaitForExit();
            Process.Start("/usr/bin/false")!.WaitForExit();
        }
        Thread.Sleep(300);
        record.Signal("INT");
        Assert.Equal(0, record.Finish().ExitCode);

        ProgramResult all = ToolRunner.Run("report", path);
        Assert.True(all.ExitCode == 0, all.Error);
        Assert.Equal(3, all.Output.Split('\n').Count(line => line.Contains("filename=/usr/bin/true", StringComparison.Ordinal)));
        Assert.DoesNotContain("filename=/usr/bin/false", all.Output);

        ProgramResult none = ToolRunner.Run("report", path, "--filter", "comm ~ \"*ue\" && comm != \"true\"");
        Assert.True(none.ExitCode == 0, none.Error);
        Assert.DoesNotContain("sched_process_exec:", none.Output);
        Assert.Contains("did not match --filter", none.Error);
    }

    private static RunningProgram StartRecord(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in (string[])["--default-signal=INT,TERM", ToolRunner.Dotnet, ToolRunner.TpGen, "record", "-o", path, .. arguments])
            start.ArgumentList.Add(argument);
        return new RunningProgram(Process.Start(start)!, "tpgen record: recording");
    }

    // The reason's name, from the file's own print fmt.
    private static string Reason(TraceDataFile file, in TraceFileRecord record)
    {
        TpGen.Schema.TracepointSchema schema = record.Event!.Schema!;
        uint value = BitConverter.ToUInt32(record.Data.Slice(schema.FindField("reason")!.Offset, 4));
        foreach (TpGen.Schema.SymbolTable table in TpGen.Schema.PrintExprWalker.SymbolTables(schema.Print!))
        {
            foreach (TpGen.Schema.SymbolEntry entry in table.Entries)
            {
                if (entry.IsResolved && entry.Value == value)
                    return entry.Name;
            }
        }
        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long SumOfDrops(IEnumerable<string> lines) =>
        lines.Select(l => Regex.Match(l, @"^CPU:\d+ \[(\d+) EVENTS DROPPED\]$")).Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value));
}
