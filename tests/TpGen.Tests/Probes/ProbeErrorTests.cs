using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TpGen.Probes;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

[Collection(KernelCollection.Name)]
public sealed class ProbeErrorTests
{
    [Fact]
    public void ALayoutThatDiffersFromTheKernels_IsRefusedNamingTheField()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition built = SkbProbes.Definition;
        ProbeDefinition kfree = built.Probes.Single(p => p.Name == "kfree_skb");
        string moved = kfree.FormatText.Replace("unsigned short protocol;\toffset:32;", "unsigned short protocol;\toffset:34;");
        Assert.NotEqual(kfree.FormatText, moved);
        var definition = new ProbeSetDefinition(built.Name, built.BpfSource, built.BpfSourceHash,
            built.Probes.Select(p => p == kfree ? p with { FormatText = moved } : p).ToList());

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.LayoutMismatch, error.Failure);
        Assert.Contains("skb:kfree_skb", error.Message);
        Assert.Contains("field 'protocol' is at offset 34 (size 2) in the build but at offset 32 (size 2) on this kernel", error.Message);
    }

    [Fact]
    public void ASymbolWhoseValueChanged_IsRefused()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition built = SkbProbes.Definition;
        ProbeDefinition kfree = built.Probes.Single(p => p.Name == "kfree_skb");
        var definition = new ProbeSetDefinition(built.Name, built.BpfSource, built.BpfSourceHash,
            built.Probes.Select(p => p == kfree ? p with { FormatText = kfree.FormatText.Replace("{ 3, \"NO_SOCKET\" }", "{ 99, \"NO_SOCKET\" }") } : p).ToList());

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.LayoutMismatch, error.Failure);
        Assert.Contains("symbol NO_SOCKET is 99 in the build but 3 on this kernel", error.Message);
    }

    [Fact]
    public void ATracepointThisKernelLacks_IsNamed()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition built = SkbProbes.Definition;
        var definition = new ProbeSetDefinition(built.Name, built.BpfSource, built.BpfSourceHash,
            new[] { built.Probes[0] with { Name = "no_such_event" }, built.Probes[1] });

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.TracepointMissing, error.Failure);
        Assert.Contains("skb:no_such_event does not exist on this kernel", error.Message);
    }

    [Fact]
    public void AProgramTheVerifierRejects_IsReportedWithTheVerifiersLog()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("clang-14", "clang-14");
        ProbeSetDefinition built = SkbProbes.Definition;
        // Reading the first word of a tracepoint's context is what the verifier forbids.
        string source = built.BpfSource.Replace("tpgen_common_fields(record, 0, pid_tgid);", "tpgen_common_fields(record, 0, *(__u64 *)ctx);");
        Assert.NotEqual(built.BpfSource, source);
        var definition = new ProbeSetDefinition(built.Name, source, TpGen.Emitters.Bpf.BpfEmitter.Hash(source), built.Probes);

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.LoadFailed, error.Failure);
        Assert.Contains("The kernel rejected the BPF programs", error.Message);
        Assert.Contains("invalid bpf_context access off=0", error.Message);
    }

    [Fact]
    public void WithoutABuiltObject_TheRuntimeCompilesTheEmbeddedSourceWithClang()
    {
        KernelFacility.RequireBpf();
        string clang = KernelFacility.RequireProgram("clang-14", "clang-14");
        ProbeSetDefinition built = SkbProbes.Definition;
        // A source no build has compiled (a comment changes its hash), and an empty object directory.
        string source = built.BpfSource + "\n/* " + Guid.NewGuid().ToString("N") + " */\n";
        var definition = new ProbeSetDefinition(built.Name, source, TpGen.Emitters.Bpf.BpfEmitter.Hash(source), built.Probes);
        string empty = Directory.CreateTempSubdirectory("tpgen-objects").FullName;
        try
        {
            using ProbeSet probes = ProbeSet.Attach(definition, new ProbeOptions { ObjectDirectory = empty, ClangPath = clang });

            Assert.True(File.Exists(Path.Combine(BpfCompiler.CacheDirectory, definition.ObjectFileName)));
        }
        finally
        {
            Directory.Delete(empty);
            File.Delete(Path.Combine(BpfCompiler.CacheDirectory, definition.ObjectFileName));
        }
    }

    [Fact]
    public void WithoutABuiltObjectOrClang_TheMessageSaysWhatToInstall()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition built = SkbProbes.Definition;
        string source = built.BpfSource + "\n/* " + Guid.NewGuid().ToString("N") + " */\n";
        var definition = new ProbeSetDefinition(built.Name, source, TpGen.Emitters.Bpf.BpfEmitter.Hash(source), built.Probes);

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition, new ProbeOptions
        {
            ObjectDirectory = Path.GetTempPath(),
            ClangPath = "/nonexistent/clang",
        }));

        Assert.Equal(ProbeFailure.CompilerMissing, error.Failure);
        Assert.Contains("was not built with the application", error.Message);
        Assert.Contains("apt-get install clang-14", error.Message);
    }

    [Fact]
    public void WithoutCapBpfAndCapPerfmon_TheMessageNamesWhatIsMissing()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("setpriv", "util-linux");

        // Root without the two capabilities (and without CAP_SYS_ADMIN, which implies them).
        (int code, string error) = DropWatch("setpriv", "--inh-caps=-all", "--bounding-set=-bpf,-perfmon,-sys_admin", "--");

        Assert.Equal(1, code);
        Assert.Contains("needs CAP_BPF and CAP_PERFMON (or root); this process lacks CAP_BPF and CAP_PERFMON", error);

        (code, error) = DropWatch("setpriv", "--inh-caps=-all", "--bounding-set=-perfmon,-sys_admin", "--");
        Assert.Equal(1, code);
        Assert.Contains("this process lacks CAP_PERFMON.", error);
    }

    [Fact]
    public void WithoutTracefs_TheMessageGivesTheMountCommand()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("unshare", "util-linux");

        // A private mount namespace where every tracefs mount (debugfs's tracing too) is gone; the real ones are untouched.
        (int code, string error) = DropWatch("unshare", "--mount", "--propagation", "private", "sh", "-c",
            "for m in $(awk '$3 == \"tracefs\" { print $2 }' /proc/mounts | sort -r); do umount \"$m\" || exit 99; done; exec \"$0\" \"$@\"");

        Assert.Equal(1, code);
        Assert.Contains("tracefs is not mounted", error);
        Assert.Contains("mount -t tracefs nodev /sys/kernel/tracing", error);
    }

    [Fact]
    public void WithoutLibbpf_TheMessageSaysWhichPackageToInstall()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("unshare", "util-linux");
        string libbpf = Path.GetFullPath(Directory.ResolveLinkTarget("/usr/lib/x86_64-linux-gnu/libbpf.so.1", returnFinalTarget: true)?.FullName ?? "/usr/lib/x86_64-linux-gnu/libbpf.so.1");

        // Hide libbpf in a private mount namespace by covering it with an empty file.
        (int code, string error) = DropWatch("unshare", "--mount", "--propagation", "private", "sh", "-c", $"mount --bind /dev/null {libbpf} && exec \"$0\" \"$@\"");

        Assert.Equal(1, code);
        Assert.Contains("libbpf 1.x (libbpf.so.1) is not installed", error);
        Assert.Contains("apt-get install libbpf1", error);
    }

    // Runs samples/DropWatch for a moment under a wrapper command; returns its exit code and standard error.
    private static (int Code, string Error) DropWatch(string wrapper, params string[] wrapperArguments)
    {
        // The test binary is in bin/<Configuration>/net10.0; the sample is built with the same configuration.
        string configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/')))!;
        string dropWatch = Path.Combine(Fixtures.RepositoryRoot, "samples", "DropWatch", "bin", configuration, "net10.0", "DropWatch.dll");
        Assert.True(File.Exists(dropWatch), $"{dropWatch} is not built");
        var start = new ProcessStartInfo(wrapper) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in wrapperArguments)
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(dropWatch);
        start.ArgumentList.Add("--duration");
        start.ArgumentList.Add("0.5");
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
