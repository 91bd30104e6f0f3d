using System;
using System.IO;
using System.Linq;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Headers;
using TpGen.Kernel;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

public sealed class ToolSourceTests
{
    [Fact]
    public void ShowFromEachSource_GivesTheSameLayoutOnThisKernel()
    {
        KernelFacility.RequireTracefs();
        KernelFacility.RequirePath("/sys/kernel/btf/vmlinux", "the kernel's BTF");

        ProgramResult tracefs = ToolRunner.Run("show", "skb:kfree_skb", "--source", "tracefs");
        ProgramResult btf = ToolRunner.Run("show", "skb:kfree_skb", "--source", "btf");

        Assert.Equal(0, tracefs.ExitCode);
        Assert.Equal(0, btf.ExitCode);
        Assert.Equal(FieldLines(tracefs.Output), FieldLines(btf.Output));
        Assert.Contains("BTF has none", btf.Error);
    }

    [Fact]
    public void DiffAgainstDebian61Headers_NamesEveryFieldThatMovedOrWentAway()
    {
        KernelFacility.RequireTracefs();
        KernelFacility.RequireLibclang();
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;

        ProgramResult diff = ToolRunner.Run("diff", "skb:kfree_skb", "--from", "tracefs", "--to", "headers:" + headers);

        Assert.Equal(1, diff.ExitCode);
        Assert.Contains("- rx_sk: removed", diff.Output);
        Assert.Contains("~ protocol: moved from offset 32 to 24", diff.Output);
        Assert.Contains("~ reason: moved from offset 36 to 28", diff.Output);
        Assert.Contains("NO_SOCKET 3 -> 2", diff.Output);
    }

    [Fact]
    public void DiffOfTwoDumpsOfTheSameKernel_ExitsZero()
    {
        string events = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");

        ProgramResult diff = ToolRunner.Run("diff", "skb:*", "--from", "tracefs:" + events, "--to", "tracefs:" + events);

        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("skb:kfree_skb: same layout", diff.Output);
    }

    [Fact]
    public void PullFromAnotherKernelsBtf_WritesThatKernelsLayout()
    {
        string btf = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz"), "the Debian 6.1 reference BTF");
        string output = Directory.CreateTempSubdirectory("tpgen-pull-btf").FullName;
        try
        {
            ProgramResult pull = ToolRunner.Run("pull", "skb:kfree_skb", "--btf", btf, "--out", output);

            Assert.Equal(0, pull.ExitCode);
            string format = File.ReadAllText(Path.Combine(output, "skb", "kfree_skb", "format"));
            Assert.Contains("field:unsigned short protocol;\toffset:24;", format);
            Assert.DoesNotContain("rx_sk", format);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("--kernel-headers", "/nonexistent/linux-headers", "The kernel header tree /nonexistent/linux-headers does not exist")]
    [InlineData("--btf", "/nonexistent/vmlinux", "/nonexistent/vmlinux")]
    public void AMissingSource_IsAClearError(string option, string path, string message)
    {
        ProgramResult result = ToolRunner.Run("show", "skb:kfree_skb", option, path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    [Fact]
    public void ACorruptBtfFile_IsAClearError()
    {
        string corrupt = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(corrupt, new byte[] { 0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0xff, 0xff });

            ProgramResult result = ToolRunner.Run("show", "skb:kfree_skb", "--btf", corrupt);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(corrupt, result.Error);
            Assert.DoesNotContain("Unhandled exception", result.Error);
        }
        finally
        {
            File.Delete(corrupt);
        }
    }

    [Fact]
    public void AnEventTheHeadersDoNotDefine_IsAUsageError()
    {
        KernelFacility.RequireLibclang();
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;

        ProgramResult result = ToolRunner.Run("show", "skb:no_such_event", "--kernel-headers", headers);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no event matches 'skb:no_such_event'", result.Error);
    }

    [Fact]
    public void PullFromBtf_OfAnEventWhoseClassBtfCannotTell_WritesTheOthers_ReportsIt_AndExitsOne()
    {
        string btfPath = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz"), "the Debian 6.1 reference BTF");
        var catalog = new BtfEventCatalog(KernelBtfs.Debian61());
        string ambiguous = catalog.Tracepoints.First(name => catalog.FindClass(name).Evidence == BtfClassEvidence.Ambiguous);
        string output = Directory.CreateTempSubdirectory("tpgen-pull-btf").FullName;
        try
        {
            ProgramResult pull = ToolRunner.Run("pull", "skb:kfree_skb", "test:" + ambiguous, "skb:consume_skb", "--btf", btfPath, "--out", output);

            Assert.Equal(1, pull.ExitCode);
            Assert.True(File.Exists(Path.Combine(output, "skb", "kfree_skb", "format")));
            Assert.True(File.Exists(Path.Combine(output, "skb", "consume_skb", "format")));
            Assert.False(Directory.Exists(Path.Combine(output, "test")));
            Assert.Contains($"tpgen pull: test:{ambiguous}: ", pull.Error);
            Assert.Contains("classes have the", pull.Error);
            Assert.Contains("wrote 2 of 3 events", pull.Error);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void PullFromHeaders_OfASystemThePackageLacks_WritesTheOtherSystems_ReportsIt_AndExitsOne()
    {
        KernelFacility.RequireLibclang();
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;
        string output = Directory.CreateTempSubdirectory("tpgen-pull-headers").FullName;
        try
        {
            // xfs's trace header lives beside its code (fs/xfs/xfs_trace.h), not in a headers package.
            ProgramResult pull = ToolRunner.Run("pull", "xfs:*", "skb:*", "--kernel-headers", headers, "--out", output);

            Assert.Equal(1, pull.ExitCode);
            Assert.True(File.Exists(Path.Combine(output, "skb", "kfree_skb", "format")), pull.Error);
            Assert.Contains("tpgen pull: xfs: No header in", pull.Error);
            Assert.DoesNotContain("no event matches", pull.Error);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void ListFromBtf_OfASystem_ListsThatSystemsEventsWhenTracefsNamesTheSystems()
    {
        string events = KernelFacility.RequireTracefs();
        KernelFacility.RequirePath(KernelBtf.VmlinuxPath, "this kernel's BTF");
        var tracepoints = new BtfEventCatalog(KernelBtfs.ThisKernel()).Tracepoints.ToHashSet();
        var skb = Directory.GetDirectories(Path.Combine(events, "skb")).Select(d => Path.GetFileName(d)!).Where(tracepoints.Contains).Select(n => "skb:" + n).Order(StringComparer.Ordinal).ToList();

        ProgramResult list = ToolRunner.Run("list", "--source", "btf", "skb:*");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(skb, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void ListFromBtf_OfASystem_WithoutTracefs_IsAUsageErrorThatSaysWhatToWriteInstead()
    {
        KernelFacility.RequireBpf(); // root, to become nobody
        KernelFacility.RequireProgram("setpriv", "util-linux");

        ProgramResult list = ToolRunner.RunUnder(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"], "list", "--source", "btf", "skb:*");
        ProgramResult byName = ToolRunner.RunUnder(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"], "list", "--source", "btf", "*:kfree_skb*");

        Assert.Equal(2, list.ExitCode);
        Assert.Contains("BTF does not say which system an event belongs to", list.Error);
        Assert.Contains("'*:*'", list.Error);
        Assert.Empty(list.Output);
        Assert.Equal(0, byName.ExitCode);
        Assert.Contains("*:kfree_skb", byName.Output.Split('\n'));
    }

    [Fact]
    public void ShowOfAGlob_ShowsEveryEventItMatches()
    {
        string events = KernelFacility.RequireTracefs();

        ProgramResult show = ToolRunner.Run("show", "skb:*");

        Assert.Equal(0, show.ExitCode);
        foreach (string name in Directory.GetDirectories(Path.Combine(events, "skb")).Select(d => Path.GetFileName(d)!))
            Assert.Contains($"skb:{name} (id ", show.Output);
    }

    [Fact]
    public void ListFromHeaders_TakesSecondsNotMinutes_AndNamesTheEventsTheKernelsOwnTracefsHas()
    {
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;
        string dump = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        ProgramResult list = ToolRunner.Run("list", "--source", "headers", "--kernel-headers", headers);
        TimeSpan took = clock.Elapsed;

        Assert.Equal(0, list.ExitCode);
        Assert.Empty(list.Error);
        Assert.True(took < TimeSpan.FromSeconds(10), $"listing took {took.TotalSeconds:0.0} s");
        var listed = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var systems = listed.Select(e => e.Split(':')[0]).ToHashSet();
        // The same kernel's tracefs (Debian's 6.1, built from these headers) is the oracle for every system both have.
        var kernel = Directory.GetDirectories(dump).Where(d => systems.Contains(Path.GetFileName(d)))
            .SelectMany(d => Directory.GetDirectories(d).Select(e => Path.GetFileName(d) + ":" + Path.GetFileName(e))).ToHashSet();
        Assert.True(kernel.Count > 500, $"only {kernel.Count} events of the dump to compare");
        Assert.Equal(kernel.Order(StringComparer.Ordinal), listed.Where(e => systems.Contains(e.Split(':')[0]) && kernel.Any(k => k.StartsWith(e.Split(':')[0] + ":", StringComparison.Ordinal))).Order(StringComparer.Ordinal));
        // Systems whose header does not compile on its own are listed too (asoc's needs sound/soc.h first).
        Assert.Contains("asoc:snd_soc_dapm_path", listed);
    }

    [Theory]
    [InlineData("skb")]
    [InlineData("writeback")]
    [InlineData("rcu")]
    [InlineData("sock")]
    [InlineData("module")]
    public void ListFromHeaders_NamesTheEventsTheCompiledHeaderDefines(string system)
    {
        KernelFacility.RequireLibclang();
        HeaderTree tree = KernelFacility.RequireKernelHeaders61();

        ProgramResult list = ToolRunner.Run("list", system + ":*", "--source", "headers", "--kernel-headers", tree.BuildDirectory);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(new KernelHeaders(tree).ListEvents(system).Select(name => system + ":" + name).Order(StringComparer.Ordinal), list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Prelude_IncludesAHeaderFirst_SoASystemThatNeedsItCompiles_AndOnlyHeaderNamesAreTaken()
    {
        KernelFacility.RequireLibclang();
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;

        ProgramResult without = ToolRunner.Run("show", "asoc:snd_soc_dapm_path", "--kernel-headers", headers);
        ProgramResult with = ToolRunner.Run("show", "asoc:snd_soc_dapm_path", "--kernel-headers", headers, "--prelude", "sound/soc.h");
        ProgramResult injected = ToolRunner.Run("show", "asoc:snd_soc_dapm_path", "--kernel-headers", headers, "--prelude", "sound/soc.h>\n#define x");

        Assert.Equal(1, without.ExitCode);
        Assert.Contains("--prelude HEADER", without.Error);
        Assert.Equal(0, with.ExitCode);
        Assert.Contains("path_connect", with.Output);
        Assert.Equal(2, injected.ExitCode);
        Assert.Contains("is not a header name", injected.Error);
    }

    // The field table: the lines between the header and the print fmt.
    private static string FieldLines(string output)
    {
        int start = output.IndexOf("FIELD", System.StringComparison.Ordinal);
        int end = output.IndexOf("print fmt:", System.StringComparison.Ordinal);
        return output.Substring(start, end - start);
    }
}
