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

    /// <summary>IPv6 datagrams the filtered application also sends to a closed port, which its filter on IPv4 leaves in the kernel.</summary>
    public const int Datagrams6 = 500;

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
        int datagrams6 = args.Length > 1 ? int.Parse(args[1]) : 0;
        using var drops = Drops.Attach(new ProbeOptions { IncludeOwnProcess = true });
        Console.Write(drops.Relocation);
        long noSocket = 0;
        string? name = null;
        bool? more = null;
        using var stop = new CancellationTokenSource();
        Task reading = drops.RunAsync(onKfreeSkb: (in Drops.KfreeSkb drop) =>
        {
            if (drop.Reason == Drops.SkbDropReason.NO_SOCKET)
            {
                noSocket++;
                name = drop.ReasonName;
                more = MORE;
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
        // IPv6 drops when asked, which a filter on IPv4 leaves in the kernel (and Udp NoPorts does not count).
        try
        {
            using var sender6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            for (int i = 0; i < datagrams6; i++)
                sender6.SendTo(new byte[1], new IPEndPoint(IPAddress.IPv6Loopback, port));
        }
        catch (SocketException)
        {
        }
        Thread.Sleep(500);
        stop.Cancel();
        await reading;
        Console.WriteLine($"NO_SOCKET {noSocket}");
        Console.WriteLine($"NAME {name}");
        Console.WriteLine($"LOST {drops.Statistics.Dropped}");
        Console.WriteLine($"MORE {more}");

        [ATTRIBUTE]
        public partial class Drops;
        """;

    /// <summary><see cref="DropCounter"/> with a [Tracepoint] attribute and an expression its handler prints after MORE.</summary>
    internal static string DropCounterWith(string attribute, string more = "null") =>
        DropCounter.Replace("ATTRIBUTE", attribute).Replace("more = MORE;", $"more = {more};");

    /// <summary>
    /// Reads kfree_skb through tp_btf with struct members captured (skb-&gt;len, skb-&gt;dev-&gt;ifindex,
    /// skb-&gt;dev-&gt;name, skb-&gt;protocol), built from this machine's BTF, while it sends datagrams of
    /// 16 bytes to a closed port on 127.0.0.1; counts the drops whose members read as the kernel
    /// built the packet (UDP length 24, lo, ETH_P_IP) and the context of each (its comm).
    /// </summary>
    internal const string MemberReader = """
        using System;
        using System.IO;
        using System.Net;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;
        using TpGen;
        using TpGen.Probes;

        int datagrams = int.Parse(args[0]);
        int lo = int.Parse(File.ReadAllText("/sys/class/net/lo/ifindex").Trim());
        using var drops = Members.Attach(new ProbeOptions { IncludeOwnProcess = true });
        Console.Write(drops.Relocation);
        long noSocket = 0, matched = 0;
        string? first = null;
        using var stop = new CancellationTokenSource();
        Task reading = drops.RunAsync(onKfreeSkb: (in Members.KfreeSkb drop) =>
        {
            if (drop.Reason != Members.SkbDropReason.NO_SOCKET || drop.SkbProtocol != 0x0008)
                return;
            noSocket++;
            first ??= $"len {drop.SkbLen} ifindex {drop.SkbDevIfindex} dev {drop.SkbDevName.ToString()} protocol {drop.SkbProtocol:x4}";
            if (drop.SkbLen == 8 + 16 && drop.SkbDevIfindex == lo && drop.SkbDevName.ToString() == "lo")
                matched++;
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
                sender.SendTo(new byte[16], new IPEndPoint(IPAddress.Loopback, port));
        }
        Thread.Sleep(500);
        stop.Cancel();
        await reading;
        Console.WriteLine($"NO_SOCKET {noSocket}");
        Console.WriteLine($"MATCHED {matched}");
        Console.WriteLine($"FIRST {first}");

        [Tracepoint("tp_btf", "kfree_skb", Members = new[] { "skb->len", "skb->dev->ifindex", "skb->dev->name", "skb->protocol" })]
        public partial class Members;
        """;

    /// <summary>
    /// Runs a long-running program (bash, with the seconds it may take and then its command line) and
    /// stops it with SIGTERM, as a service manager would, once it is watching and the kernel's Udp
    /// NoPorts has risen (its demo is sending) and a second more has passed; or when the seconds run
    /// out, as <c>timeout -s TERM</c> would. Its output and exit status are the program's. Stopping
    /// it once it has shown what it does, not after a fixed time, keeps the VM sessions short.
    /// </summary>
    internal const string StopOnceSending = """
        limit="$1"; shift
        noports() { awk '/^Udp:/ { if (++row == 2) print $3 }' /proc/net/snmp; }
        before="$(noports)"
        err="$(mktemp)"
        "$@" 2> "$err" &
        pid=$!
        deadline=$((SECONDS + limit))
        while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2> /dev/null; do
            if grep -q 'dropwatch: watching' "$err" && [ "$(noports)" -gt "$before" ]; then
                sleep 1
                break
            fi
            sleep 0.1
        done
        kill -TERM "$pid" 2> /dev/null
        wait "$pid"
        status=$?
        cat "$err" >&2
        rm -f "$err"
        exit "$status"
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

        const string SnapshotsOnly = "<OutputType>Exe</OutputType><TpGenUseTracefs>false</TpGenUseTracefs><TpGenUseBtf>false</TpGenUseBtf>";
        string debian61 = File.ReadAllText(Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"));

        // Built from Debian 6.1's snapshot alone.
        ScratchProject from61 = Project("From61", DropCounterWith("Tracepoint(\"skb\", \"kfree_skb\")"), SnapshotsOnly);
        from61.AddSnapshot("skb", "kfree_skb", debian61);
        Build(from61);

        // Built from 6.1's and this kernel's snapshots together: the union has rx_sk.
        ScratchProject union = Project("Union", DropCounterWith("Tracepoint(\"skb\", \"kfree_skb\")", "drop.HasRxSk"), SnapshotsOnly);
        union.AddSnapshot("6.1.0-56-amd64", "skb", "kfree_skb", debian61);
        union.AddSnapshot(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), "skb", "kfree_skb", File.ReadAllText(Path.Combine(KernelFacility.RequireTracefs(), "skb", "kfree_skb", "format")));
        Build(union);

        // A filter, built here into an object of its own, published beside the application.
        ScratchProject filtered = Project("Filtered", DropCounterWith("Tracepoint(\"skb\", \"kfree_skb\", Filter = \"reason == NO_SOCKET && protocol == 0x0800\")", "drop.Protocol == 0x0800"), "<OutputType>Exe</OutputType>");
        string published = Path.Combine(filtered.Root, "published");
        ProgramResult publish = filtered.Run("publish", "-o", published);
        Assert.True(publish.ExitCode == 0, $"publishing the filtered program failed:\n{publish.Output}\n{publish.Error}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(published, "bpf"), "Drops.*.bpf.o"));

        // tp_btf with struct members, described by this machine's BTF.
        ScratchProject members = Project("Members", MemberReader, "<OutputType>Exe</OutputType><TpGenUseTracefs>false</TpGenUseTracefs>");
        Build(members);

        return
        [
            ("dropwatch", ["bash", "-c", StopOnceSending, "stop-once-sending", "45", dotnet, ToolRunner.DropWatch, "--demo"]),
            ("aot-clean", ["rm", "-rf", AotHome]),
            ("aot-prepare", ["mkdir", "-p", AotHome]),
            // No clang or dotnet on its PATH, a home and cache of its own that must stay empty.
            ("dropwatch-aot", ["bash", "-c", StopOnceSending, "stop-once-sending", "30", "env", "-i", "PATH=/nonexistent", "HOME=" + AotHome, "XDG_CACHE_HOME=" + AotHome + "/cache", Path.Combine(aot, "DropWatch"), "--demo"]),
            ("aot-home", ["find", AotHome]),
            ("from61", [dotnet, from61.Assembly, Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            ("union", [dotnet, union.Assembly, Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            // No clang on its PATH and a cache of its own: the object comes with the publish.
            ("filtered", ["env", "-i", "PATH=/nonexistent", "HOME=" + AotHome, "XDG_CACHE_HOME=" + AotHome + "/cache", dotnet, Path.Combine(published, "Filtered.dll"), Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture), Datagrams6.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            ("filtered-home", ["find", AotHome]),
            ("members", [dotnet, members.Assembly, Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
        ];
    }

    private ScratchProject Project(string name, string source, string properties)
    {
        var project = new ScratchProject(name, source, properties, ScratchParent);
        _projects.Add(project);
        return project;
    }

    private static void Build(ScratchProject project)
    {
        ProgramResult built = project.Build();
        Assert.True(built.ExitCode == 0, $"building {project.Name} failed:\n{built.Output}\n{built.Error}");
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
