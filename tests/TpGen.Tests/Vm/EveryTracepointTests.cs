using System;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// Every tracepoint of Debian's 6.1 and 6.12 kernels loads and attaches there, through the BPF
/// object TpGen ships (built here, once, for every kernel): what `tpgen check --load-only` finds
/// inside each VM. Nothing is compiled inside (emulation makes compilers slow). The two kernels'
/// VMs run side by side (each keeps about one core busy), started when the first test asks.
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

        ProgramResult check = await CheckAsync(release);

        output.WriteLine(check.Output);
        using JsonDocument report = JsonDocument.Parse(check.Output);
        JsonElement root = report.RootElement;
        int events = root.GetProperty("events").GetInt32(), notTracepoints = root.GetProperty("notTracepoints").GetInt32();
        output.WriteLine($"{release}: {events} events, {root.GetProperty("loaded").GetInt32()} loaded and attached, {notTracepoints} ftrace records");
        Assert.Equal(0, root.GetProperty("failures").GetArrayLength());
        Assert.True(events > 1000, $"only {events} events");
        Assert.Equal(events - notTracepoints, root.GetProperty("loaded").GetInt32());
        Assert.Equal(0, check.ExitCode);
    }

    private static readonly ConcurrentDictionary<string, Lazy<Task<ProgramResult>>> Checks = new(StringComparer.Ordinal);

    // Starts the check in every kernel the class tests (those that can boot here), then returns this one's.
    private static Task<ProgramResult> CheckAsync(string release)
    {
        foreach (string kernel in KernelVm.Releases)
        {
            if (kernel == release || KernelVm.CanBoot(kernel))
                _ = Checks.GetOrAdd(kernel, k => new Lazy<Task<ProgramResult>>(() => Task.Run(() =>
                    KernelVm.RunAsync(k, ToolRunner.Dotnet, [ToolRunner.TpGen, "check", "--load-only", "--json"], TimeSpan.FromMinutes(12))))).Value;
        }
        return Checks[release].Value;
    }
}
