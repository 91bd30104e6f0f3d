using System.Text.RegularExpressions;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

[Collection(KernelCollection.Name)]
public sealed class ToolCheckTests(ITestOutputHelper output)
{
    [Fact]
    public void Check_TakesEveryTracepointOfThisKernelThroughTheWholePipeline()
    {
        KernelFacility.RequireBpf();

        ProgramResult result = ToolRunner.Run("check");

        output.WriteLine(result.Output);
        Assert.Equal(0, result.ExitCode);
        Match counts = Regex.Match(result.Output, @"checked (\d+) events: parsed (\d+), C# compiled (\d+), BPF compiled (\d+), loaded (\d+), failures 0");
        Assert.True(counts.Success, result.Output + result.Error);
        int events = int.Parse(counts.Groups[1].Value);
        Match notTracepoints = Regex.Match(result.Output, @"(\d+) ftrace events are the tracer's own records");
        int ftrace = notTracepoints.Success ? int.Parse(notTracepoints.Groups[1].Value) : 0;
        Assert.True(events > 1000);
        Assert.Equal(events, int.Parse(counts.Groups[2].Value));
        Assert.Equal(events, int.Parse(counts.Groups[3].Value));
        Assert.Equal(events - ftrace, int.Parse(counts.Groups[4].Value));
        Assert.Equal(events - ftrace, int.Parse(counts.Groups[5].Value));
        Assert.Matches(@"time: [\d.]+ s \(parse", result.Output);
    }

    [Fact]
    public void CheckOfAnotherKernelsFormats_CompilesThemWithoutLoading()
    {
        string events = KernelFacility.RequirePath(System.IO.Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");

        ProgramResult result = ToolRunner.Run("check", "--events-dir", events, "--json");

        output.WriteLine(result.Output);
        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.Equal(json.RootElement.GetProperty("events").GetInt32(), json.RootElement.GetProperty("csharpCompiled").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("loaded", out _));
        Assert.Equal(0, json.RootElement.GetProperty("failures").GetArrayLength());
    }
}
