using System.Text.Json;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// Every tracepoint of Debian's 6.1 and 6.12 kernels loads and attaches there, through the BPF
/// object TpGen ships (built here, once, for every kernel): what `tpgen check --load-only` finds
/// inside each VM. Nothing is compiled inside (emulation makes compilers slow).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class EveryTracepointTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task EveryTracepointOfTheKernel_LoadsAndAttachesThere_WithNoFailure(string release)
    {
        KernelVm.Require(release);

        ProgramResult check = await KernelVm.RunAsync(release, ToolRunner.Dotnet, [ToolRunner.TpGen, "check", "--load-only", "--json"], System.TimeSpan.FromMinutes(12));

        output.WriteLine(check.Output);
        Assert.False(string.IsNullOrWhiteSpace(check.Output), $"tpgen check in the {release} VM printed no report (exit {check.ExitCode}):\n{check.Error}");
        using JsonDocument report = JsonDocument.Parse(check.Output);
        JsonElement root = report.RootElement;
        int events = root.GetProperty("events").GetInt32(), notTracepoints = root.GetProperty("notTracepoints").GetInt32();
        output.WriteLine($"{release}: {events} events, {root.GetProperty("loaded").GetInt32()} loaded and attached, {notTracepoints} ftrace records");
        Assert.Equal(0, root.GetProperty("failures").GetArrayLength());
        Assert.True(events > 1000, $"only {events} events");
        Assert.Equal(events - notTracepoints, root.GetProperty("loaded").GetInt32());
        Assert.Equal(0, check.ExitCode);
    }
}
