using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Files;

/// <summary>
/// Recordings read through a probe set's generated types (<c>ReadFile</c>, <c>ReadFileAsync</c>):
/// the same callbacks and records as a live probe set, each event relocated by name onto the
/// recording's description, so a file recorded on Debian's 6.1 reads with this 6.18 build.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class GeneratedReadFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateDirectory(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "recordings", Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ARecordingOfThisKernel_ReadThroughTheGeneratedTypes_CountsTheNoPortsDelta()
    {
        KernelFacility.RequireBpf();
        string path = Path.Combine(_directory, "drops.dat");
        using RunningProgram record = StartRecord(path, "skb:kfree_skb");
        await record.StartedAsync();
        long before = UdpWorkload.NoPorts();
        UdpWorkload.Flood(20_000, UdpWorkload.ClosedPort());
        Thread.Sleep(500);
        long delta = UdpWorkload.NoPorts() - before;
        record.Signal("INT");
        Assert.Equal(0, record.Finish().ExitCode);

        long noSocket = 0, lost = 0;
        SkbProbes.ReadFile(path,
            onKfreeSkb: (in SkbProbes.KfreeSkb drop) => noSocket += drop.Reason == SkbProbes.SkbDropReason.NO_SOCKET ? 1 : 0,
            onLost: count => lost += count,
            cancellationToken: TestContext.Current.CancellationToken);
        long owned = 0;
        await foreach (TraceRecord item in SkbProbes.ReadFileAsync(path, TestContext.Current.CancellationToken))
            owned += item is SkbProbes.KfreeSkbRecord { ReasonName: "NO_SOCKET" } ? 1 : 0;

        Assert.Equal(delta, noSocket);
        Assert.Equal(delta, owned);
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task AFileRecordedInsideDebian61_ReadsHereWithThisBuild_RelocatedAndNamedRight()
    {
        KernelVm.Require(KernelVm.Debian61);
        // In the guest: tpgen record during a flood of its own, NoPorts before and after.
        const string Script = """
            out="$1"; dotnet="$2"; tpgen="$3"
            "$dotnet" "$tpgen" record -o "$out/drops.dat" skb:kfree_skb 2> "$out/record.err" &
            recorder=$!
            for ((i = 0; i < 900; i++)); do grep -q "tpgen record: recording" "$out/record.err" && break; sleep 0.2; done
            noports() { awk '/^Udp:/ { if (++row == 2) print $3 }' /proc/net/snmp; }
            before="$(noports)"
            for ((i = 0; i < 2000; i++)); do printf x 2> /dev/null > /dev/udp/127.0.0.1/9; done
            sleep 1
            echo "$(( $(noports) - before ))" > "$out/noports"
            kill -TERM "$recorder"
            wait "$recorder"
            echo "$?" > "$out/record.status"
            """;

        ProgramResult run = await KernelVm.RunAsync(KernelVm.Debian61, "bash", ["-c", Script, "record", KernelVm.GuestOutDirectory, ToolRunner.Dotnet, ToolRunner.TpGen], TimeSpan.FromMinutes(6), _directory);
        output.WriteLine(run.Output + run.Error + File.ReadAllText(Path.Combine(_directory, "record.err")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(_directory, "record.status")).Trim());
        long delta = long.Parse(File.ReadAllText(Path.Combine(_directory, "noports")), CultureInfo.InvariantCulture);

        string path = Path.Combine(_directory, "drops.dat");
        using (var file = TpGen.Files.ProbeSetFile.Open(path, SkbProbes.Definition))
        {
            output.WriteLine(file.Relocation.ToString());
            Assert.Contains("moved reason", file.Relocation.ToString());
            Assert.False(file.Layouts[0].Has(6), "Debian 6.1's kfree_skb has no rx_sk");
        }
        long noSocket = 0;
        SkbProbes.ReadFile(path, onKfreeSkb: (in SkbProbes.KfreeSkb drop) =>
        {
            if (drop.Reason == SkbProbes.SkbDropReason.NO_SOCKET)
            {
                Assert.Equal("NO_SOCKET", drop.ReasonName);
                Assert.EndsWith("reason: NO_SOCKET", drop.ToString());
                noSocket++;
            }
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(delta >= 2000, $"the guest's NoPorts rose by {delta}");
        Assert.Equal(delta, noSocket);
    }

    private static RunningProgram StartRecord(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in (string[])["--default-signal=INT,TERM", ToolRunner.Dotnet, ToolRunner.TpGen, "record", "-o", path, .. arguments])
            start.ArgumentList.Add(argument);
        return new RunningProgram(Process.Start(start)!, "tpgen record: recording");
    }
}
