using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// The programs every kernel runs, built once here: samples/DropWatch as the repository builds it
/// (from this kernel's tracefs), the same sample published with NativeAOT, and an application
/// built from nothing but Debian 6.1's description of kfree_skb (a snapshot, no tracefs, no BTF).
/// They live under the repository's artifacts/ folder, which the VMs see (their /tmp is their own).
/// </summary>
public sealed class CrossKernelPrograms : IDisposable
{
    /// <summary>Datagrams the 6.1-built application sends to a closed port.</summary>
    public const int Datagrams = 3000;

    /// <summary>Where the NativeAOT program's home and cache are, to show it compiles and caches nothing.</summary>
    public const string AotHome = "/tmp/tpgen-aot-home";

    /// <summary>Counts kfree_skb drops by reason while it floods a closed port itself; prints what relocation found.</summary>
    internal const string DropCounter = """
        using System;
        using System.Net;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;
        using TpGen;
        using TpGen.Probes;

        int datagrams = int.Parse(args[0]);
        using var drops = Drops.Attach(new ProbeOptions { IncludeOwnProcess = true });
        Console.Write(drops.Relocation);
        long noSocket = 0;
        string? name = null;
        using var stop = new CancellationTokenSource();
        Task reading = drops.RunAsync(onKfreeSkb: (in Drops.KfreeSkb drop) =>
        {
            if (drop.Reason == Drops.SkbDropReason.NO_SOCKET)
            {
                noSocket++;
                name = drop.ReasonName;
            }
        }, cancellationToken: stop.Token);

        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            for (int i = 0; i < datagrams; i++)
                sender.SendTo(new byte[1], new IPEndPoint(IPAddress.Loopback, port));
        }
        Thread.Sleep(500);
        stop.Cancel();
        await reading;
        Console.WriteLine($"NO_SOCKET {noSocket}");
        Console.WriteLine($"NAME {name}");
        Console.WriteLine($"LOST {drops.Statistics.Dropped}");

        [Tracepoint("skb", "kfree_skb")]
        public partial class Drops;
        """;

    private readonly Lazy<Task<IReadOnlyList<(string, string[])>>> _commands;
    private readonly List<ScratchProject> _projects = new();

    public CrossKernelPrograms() => _commands = new(BuildAsync);

    /// <summary>Where the NativeAOT publish of DropWatch lands.</summary>
    public static string AotDirectory => Path.Combine(Fixtures.RepositoryRoot, "samples", "DropWatch", "bin", "Release", "net10.0", "linux-x64", "publish");

    private static string ScratchParent => Directory.CreateDirectory(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "cross-kernel")).FullName;

    /// <summary>Each program's name and command line, building them the first time.</summary>
    internal Task<IReadOnlyList<(string Name, string[] Command)>> CommandsAsync() => _commands.Value;

    public void Dispose()
    {
        foreach (ScratchProject project in _projects)
            project.Dispose();
    }

    private async Task<IReadOnlyList<(string, string[])>> BuildAsync()
    {
        string dotnet = ToolRunner.Dotnet;
        string aot = await PublishAotAsync();

        string debian61 = File.ReadAllText(Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"));
        var from61 = new ScratchProject("From61", DropCounter, "<OutputType>Exe</OutputType><TpGenUseTracefs>false</TpGenUseTracefs><TpGenUseBtf>false</TpGenUseBtf>", ScratchParent);
        _projects.Add(from61);
        from61.AddSnapshot("skb", "kfree_skb", debian61);
        ProgramResult built = from61.Build();
        Assert.True(built.ExitCode == 0, $"the 6.1-snapshot build failed:\n{built.Output}\n{built.Error}");

        return
        [
            ("dropwatch", ["timeout", "--preserve-status", "-s", "TERM", "45", dotnet, ToolRunner.DropWatch, "--demo"]),
            ("aot-clean", ["rm", "-rf", AotHome]),
            ("aot-prepare", ["mkdir", "-p", AotHome]),
            // No clang or dotnet on its PATH, a home and cache of its own that must stay empty.
            ("dropwatch-aot", ["timeout", "--preserve-status", "-s", "TERM", "30", "env", "-i", "PATH=/nonexistent", "HOME=" + AotHome, "XDG_CACHE_HOME=" + AotHome + "/cache", Path.Combine(aot, "DropWatch"), "--demo"]),
            ("aot-home", ["find", AotHome]),
            ("from61", [dotnet, from61.Assembly, Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
        ];
    }

    // The publish a user makes for a machine without .NET: one native file.
    private static async Task<string> PublishAotAsync()
    {
        string project = Path.Combine(Fixtures.RepositoryRoot, "samples", "DropWatch");
        var start = new ProcessStartInfo(ToolRunner.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
        foreach (string argument in (string[])["publish", "-c", "Release", "-r", "linux-x64", "-nodeReuse:false", "-v:q", "-clp:NoSummary"])
            start.ArgumentList.Add(argument);
        using Process publish = Process.Start(start)!;
        Task<string> output = publish.StandardOutput.ReadToEndAsync();
        Task<string> error = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, $"dotnet publish -r linux-x64 (PublishAot) failed:\n{await output}\n{await error}");
        Assert.DoesNotContain("warning", (await output) + (await error), StringComparison.OrdinalIgnoreCase);
        return AotDirectory;
    }
}
