using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using TpGen.Files;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Files;

/// <summary>
/// <c>tpgen report</c> and trace-cmd on the same file: a file TpGen wrote by hand is one trace-cmd
/// reads, line for line as tpgen report prints it; and the report's other outputs.
/// </summary>
public sealed class ReportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = SyntheticTrace.TemporaryDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TraceCmd_ReadsAFileTpGenWrote_AndPrintsWhatTpGenReportPrints()
    {
        TraceCmd.Require();
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);

        var theirs = TraceCmd.Report(path);
        var ours = TraceCmd.TpGenReport(path);
        output.WriteLine(string.Join("\n", theirs) + "\n\n" + string.Join("\n", ours));

        Assert.Equal(trace.Records.Count + trace.Losses.Count, theirs.Count);
        Assert.Contains("CPU:0 [42 EVENTS DROPPED]", theirs);
        Assert.Contains("CPU:1 [EVENTS DROPPED]", theirs);
        TraceCmd.AssertSameReport(theirs, ours, file);
    }

    [Fact]
    public void ReportCountBy_CountsTheFilesEvents_AndSaysWhatWasLost()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);

        ProgramResult result = ToolRunner.Run("report", path, "--count-by", "common_pid");

        Assert.True(result.ExitCode == 0, result.Error);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("common_pid COUNT", lines[0]);
        foreach (var group in trace.Records.GroupBy(r => r.Pid))
            Assert.Contains($"{group.Key} {group.Count()}", lines);
        Assert.Contains("42 events lost while recording (CPU 0: 42; 1 losses of unknown size)", result.Error);
    }

    [Fact]
    public void ReportFilter_KeepsTheMatchingEvents_AndJsonHasTypedFieldsAndTheLosses()
    {
        string path = Path.Combine(_directory, "drops.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);

        ProgramResult result = ToolRunner.Run("report", path, "--output", "json", "--filter", "common_pid == 200");

        Assert.True(result.ExitCode == 0, result.Error);
        var objects = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var events = objects.Where(o => o.TryGetProperty("event", out _)).ToList();
        Assert.Equal(trace.Records.Count(r => r.Pid == 200), events.Count);
        Assert.All(events, e => Assert.Equal(200, e.GetProperty("tid").GetInt32()));
        JsonElement drop = events.First(e => e.GetProperty("event").GetString() == "skb:kfree_skb");
        Assert.Equal("NO_SOCKET", drop.GetProperty("fields").GetProperty("reason").GetString());
        Assert.Equal("bash", drop.GetProperty("comm").GetString());
        var losses = objects.Where(o => o.TryGetProperty("lost", out _)).ToList();
        Assert.Equal(2, losses.Count);
        Assert.Equal(42, losses[0].GetProperty("lost").GetInt64());
        Assert.Equal(JsonValueKind.Null, losses[1].GetProperty("lost").ValueKind);
        // "time" is seconds, as System.Text.Json writes the double nanoseconds / 1e9 (tpgen writes it from the integer).
        Assert.Equal(trace.Records.Where(r => r.Pid == 200).Select(r => JsonSerializer.Serialize(r.Time / 1e9)), events.Select(e => e.GetProperty("time").GetRawText()));
        Assert.All(objects, o => Assert.Equal(JsonSerializer.Serialize(o.GetProperty("time").GetDouble()), o.GetProperty("time").GetRawText()));
    }

    [Theory]
    [InlineData("nope.dat", "cannot open")]
    [InlineData("not-a-trace.dat", "this is not a trace.dat file")]
    public void ReportOfABadFile_IsOneLineNamingTheFileAndTheProblem(string name, string message)
    {
        string path = Path.Combine(_directory, name);
        if (name.StartsWith("not-", StringComparison.Ordinal))
            File.WriteAllText(path, "hello, not a trace");

        ProgramResult result = ToolRunner.Run("report", path);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"tpgen report: {path}", result.Error);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
