using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.PortableExecutable;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Packaging;

/// <summary>
/// A newcomer's first ten minutes, from the packages alone: a project made by the template or by
/// hand with <c>dotnet add package</c>, built against a feed holding nothing but TpGen's packages,
/// counts the kernel's drops as the kernel does; the tool installs and traces.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class PackageTests(LocalFeed feed, ITestOutputHelper output) : IClassFixture<LocalFeed>
{
    private const int Nobody = 65534;

    private const string HandWrittenProgram = """
        using TpGen;

        // Counts NO_SOCKET drops for the given number of seconds, in place (no copy per record).
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(int.Parse(args[0])));
        using var drops = SkbDrops.Attach();
        Console.Error.WriteLine("attached");
        long noSocket = 0;
        drops.Run(
            onKfreeSkb: (in SkbDrops.KfreeSkb drop) =>
            {
                if (drop.Reason == SkbDrops.SkbDropReason.NO_SOCKET)
                    noSocket++;
            },
            cancellationToken: stop.Token);
        Console.WriteLine($"NO_SOCKET {noSocket}");
        Console.WriteLine($"lost {drops.Statistics.Dropped}");

        [Tracepoint("skb", "kfree_skb")]
        public partial class SkbDrops;
        """;

    [Fact]
    public void TheBuildTasks_ArePackedReadyToRun_SoNoBuildJitCompilesThem()
    {
        using ZipArchive package = ZipFile.OpenRead(feed.Package("TpGen"));
        ZipArchiveEntry[] tasks = package.Entries.Where(e => e.FullName.StartsWith("tasks/net10.0/", StringComparison.Ordinal) && e.Name.EndsWith(".dll", StringComparison.Ordinal)).ToArray();

        Assert.Contains(tasks, e => e.Name == "TpGen.Build.dll");
        foreach (ZipArchiveEntry task in tasks)
        {
            using var bytes = new MemoryStream();
            using (Stream stream = task.Open())
                stream.CopyTo(bytes);
            bytes.Position = 0;
            using var pe = new PEReader(bytes);
            // A ReadyToRun image has a managed native header: the precompiled code beside the IL.
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{task.FullName} is not ReadyToRun");
        }
    }

    [Fact]
    public async Task AProjectFromTheTemplate_BuiltFromTheLocalFeedAlone_CountsNoSocketDropsAsTheKernelDoes()
    {
        RequireEverything();
        using var sandbox = new PackageSandbox(feed);

        sandbox.Run(".", "new", "install", feed.Package("TpGen.Templates"));
        ProgramResult created = sandbox.Run(".", "new", "tpgen-probe", "-n", "DropCounter");
        ProgramResult build = sandbox.Run("DropCounter", "build", "-v:n");
        // The next step the template prints works as printed: no placeholder, and the command names the app built.
        Assert.DoesNotContain("<project name>", created.Output);
        Assert.Contains("dotnet msbuild -getProperty:RunCommand", created.Output);
        Assert.Equal(Path.Combine(sandbox.Root, "DropCounter", "bin", "Debug", "net10.0", "DropCounter"), sandbox.Run("DropCounter", "msbuild", "-getProperty:RunCommand").Output.Trim());

        // The template's probe set has no filter: it runs the runtime's shared BPF object, so the build needs no clang.
        Assert.DoesNotContain("TpGen: compiled the BPF program", build.Output);
        AssertBinHoldsNoCompilerAssemblies(Path.Combine(sandbox.Root, "DropCounter", "bin", "Debug", "net10.0"));
        await AssertCountsNoSocketDropsAsync(sandbox, "DropCounter", ready: "Counting packet drops", "--duration", "8s");
    }

    [Fact]
    public async Task AProjectMadeByHand_WithDotnetAddPackage_CountsNoSocketDrops_AndASnapshotBuildWithoutTracefsGeneratesTheSameCode()
    {
        RequireEverything();
        KernelFacility.RequireProgram("setpriv", "util-linux");
        using var sandbox = new PackageSandbox(feed);

        sandbox.Run(".", "new", "console", "-n", "Drops");
        sandbox.Run("Drops", "add", "package", "TpGen");
        File.WriteAllText(Path.Combine(sandbox.Root, "Drops", "Program.cs"), HandWrittenProgram);
        ProgramResult fromTracefs = sandbox.Run("Drops", "build", "-v:n", "-p:EmitCompilerGeneratedFiles=true");
        await AssertCountsNoSocketDropsAsync(sandbox, "Drops", ready: "attached", "8");

        // The same project with a committed snapshot, built by a user who cannot read tracefs.
        string copy = Path.Combine("snapshot", "Drops");
        Directory.CreateDirectory(Path.Combine(sandbox.Root, copy));
        foreach (string file in new[] { "Drops.csproj", "Program.cs" })
            File.Copy(Path.Combine(sandbox.Root, "Drops", file), Path.Combine(sandbox.Root, copy, file));
        string snapshot = Path.Combine(sandbox.Root, copy, "Tracepoints", "skb", "kfree_skb", "format");
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        File.Copy(Path.Combine(KernelFacility.RequireTracefs(), "skb", "kfree_skb", "format"), snapshot);
        ProgramResult fromSnapshot = sandbox.RunAs(Nobody, copy, "build", "-v:n", "-p:EmitCompilerGeneratedFiles=true");

        Assert.Contains("TpGen: tracepoint formats from /sys/kernel/tracing/events", fromTracefs.Output);
        Assert.Contains("TpGen: not using the build machine's tracefs", fromSnapshot.Output);
        Assert.Contains("TpGen: skb:kfree_skb from snapshot", fromSnapshot.Output);
        IReadOnlyDictionary<string, string> expected = sandbox.GeneratedSources("Drops");
        IReadOnlyDictionary<string, string> actual = sandbox.GeneratedSources(copy);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string name, string text) in expected)
            Assert.True(text == actual[name], $"{name} differs between the tracefs build and the snapshot build");
    }

    [Fact]
    public async Task TheToolPackage_InstallsWithDotnetToolInstall_AndItsDoctorAndTraceWork()
    {
        RequireEverything();
        using var sandbox = new PackageSandbox(feed);
        string tools = Path.Combine(sandbox.Root, "tools");

        sandbox.Run(".", "tool", "install", "--tool-path", tools, "--add-source", feed.Directory, "TpGen.Tool");
        string tpgen = Path.Combine(tools, "tpgen");
        ProgramResult doctor = sandbox.Dotnet.Start(tpgen, sandbox.Root, ["doctor"]).Finish();
        output.WriteLine(doctor.Output + doctor.Error);
        IsolatedDotnet.Succeeded(doctor, "tpgen doctor");
        Assert.Contains("Everything TpGen needs is here.", doctor.Output);

        using RunningProgram trace = sandbox.Dotnet.Start(tpgen, sandbox.Root, ["trace", "skb:kfree_skb", "--duration", "2"]);
        await trace.TracingAsync();
        long before = UdpWorkload.NoPorts();
        UdpWorkload.Send(200, UdpWorkload.ClosedPort(), burst: 50);
        long delta = UdpWorkload.NoPorts() - before;
        ProgramResult traced = trace.Finish();

        output.WriteLine(traced.Error);
        IsolatedDotnet.Succeeded(traced, "tpgen trace skb:kfree_skb --duration 2");
        Assert.Equal(delta, traced.Output.Split('\n').Count(line => line.Contains(" kfree_skb: ", StringComparison.Ordinal) && line.EndsWith("reason: NO_SOCKET", StringComparison.Ordinal)));
        Assert.Contains(" 0 lost", traced.Error);
    }

    /// <summary>A user's application carries the runtime and the core, never the generator or Roslyn.</summary>
    private static void AssertBinHoldsNoCompilerAssemblies(string bin)
    {
        string[] assemblies = Directory.GetFiles(bin, "*.dll").Select(Path.GetFileName).ToArray()!;
        Assert.Contains("TpGen.Runtime.dll", assemblies);
        Assert.Contains("TpGen.Core.dll", assemblies);
        Assert.DoesNotContain("TpGen.Generator.dll", assemblies);
        Assert.DoesNotContain(assemblies, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    private static void RequireEverything()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireClang();
    }

    /// <summary>Runs the built app as root through a UDP flood to a closed port; its NO_SOCKET count must be the kernel's NoPorts delta.</summary>
    private async Task AssertCountsNoSocketDropsAsync(PackageSandbox sandbox, string project, string ready, params string[] arguments)
    {
        string app = Path.Combine(sandbox.Root, project, "bin", "Debug", "net10.0", project);
        using RunningProgram run = sandbox.Dotnet.Start(app, Path.Combine(sandbox.Root, project), arguments, ready: ready);
        await run.TracingAsync();

        long before = UdpWorkload.NoPorts();
        UdpWorkload.Send(2000, UdpWorkload.ClosedPort(), burst: 100);
        long delta = UdpWorkload.NoPorts() - before;
        ProgramResult result = run.Finish(TimeSpan.FromMinutes(2));

        output.WriteLine(result.Output + result.Error);
        IsolatedDotnet.Succeeded(result, project);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(delta >= 2000, $"NoPorts grew by {delta}, fewer than the 2000 datagrams sent");
        Assert.Contains($"NO_SOCKET {delta}", lines);
        Assert.Contains("lost 0", lines);
    }
}
