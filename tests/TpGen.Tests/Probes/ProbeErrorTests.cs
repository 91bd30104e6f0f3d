using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TpGen.Probes;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

[Collection(KernelCollection.Name)]
public sealed class ProbeErrorTests
{
    [Fact]
    public void AFieldThatChangedKind_IsRefusedNamingTheField()
    {
        KernelFacility.RequireBpf();
        // A build in which protocol was two characters, not a number.
        ProbeSetDefinition definition = WithKfreeSkb(description => description.Replace("field:unsigned short protocol;", "field:char protocol[2];"));

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.LayoutMismatch, error.Failure);
        Assert.Contains("skb:kfree_skb cannot be read on this kernel as built", error.Message);
        Assert.Contains("field 'protocol' is 'unsigned short' on this kernel but 'char[2]' in the build: it cannot be relocated", error.Message);
        Assert.Equal("skb:kfree_skb", error.Event);
        FieldRelocation protocol = Assert.Single(error.UnreadableFields);
        Assert.Equal(("protocol", FieldRelocationKind.Incompatible), (protocol.Name, protocol.Kind));
    }

    [Fact]
    public void AConversionThatCanLoseValues_IsRefusedNamingTheField_UnlessAllowed()
    {
        KernelFacility.RequireBpf();
        // A build whose reason is 16 bits, on a kernel where it is 32.
        ProbeSetDefinition definition = WithKfreeSkb(description => description.Replace("field:enum skb_drop_reason reason;\toffset:36;\tsize:4;", "field:unsigned short reason;\toffset:36;\tsize:2;"));

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));
        Assert.Contains("field 'reason' is unsigned 32-bit on this kernel, unsigned 16-bit in the build, which can lose values", error.Message);
        FieldRelocation lossy = Assert.Single(error.UnreadableFields);
        Assert.Equal(("reason", FieldRelocationKind.Converted, true), (lossy.Name, lossy.Kind, lossy.IsLossy));

        using ProbeSet probes = ProbeSet.Attach(definition, new ProbeOptions { AllowLossyConversions = true });
        FieldRelocation reason = probes.Relocation.Events[0].Relocation!.Fields.Single(f => f.Name == "reason");
        Assert.Equal(FieldRelocationKind.Converted, reason.Kind);
    }

    [Fact]
    public void ATracepointThisKernelLacks_IsNamed()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition definition = WithKfreeSkb(description => description.Replace("name: kfree_skb", "name: no_such_event"), name: "no_such_event");

        var error = Assert.Throws<ProbeException>(() => ProbeSet.Attach(definition));

        Assert.Equal(ProbeFailure.TracepointMissing, error.Failure);
        Assert.Contains("skb:no_such_event does not exist on this kernel", error.Message);
    }

    [Fact]
    public void AnOptionalTracepointThisKernelLacks_IsSkipped_AndTheReportSaysSo()
    {
        KernelFacility.RequireBpf();
        ProbeSetDefinition definition = WithKfreeSkb(description => description.Replace("name: kfree_skb", "name: no_such_event"), name: "no_such_event", optional: true);

        using ProbeSet probes = ProbeSet.Attach(definition);

        EventAttachment skipped = probes.Relocation.Events[0];
        Assert.False(skipped.IsAttached);
        Assert.All(probes.Relocation.Events.Skip(1), e => Assert.True(e.IsAttached));
        Assert.Contains("skb:no_such_event: not attached: this kernel has no such tracepoint (the event is optional)", probes.Relocation.ToString());
        Assert.False(probes.Layouts[0].Has(4));
    }

    // A probe set with a filter (which needs an object of its own, not the shared one) whose source
    // no build has compiled: a comment changes its hash.
    private static ProbeSetDefinition FilteredAndNeverCompiled()
    {
        ProbeDefinition kfree = SkbProbes.Definition.Probes[0];
        ProbeSetDefinition filtered = ProbeSetDefinition.FromProbes("FilteredSkb", [new ProbeDefinition(kfree.System, kfree.Name, kfree.Descriptions, kfree.Kernels, filter: "protocol != 0")]);
        string source = filtered.BpfSource + "\n/* " + Guid.NewGuid().ToString("N") + " */\n";
        return new ProbeSetDefinition(filtered.Name, source, TpGen.Emitters.Bpf.BpfEmitter.Hash(source), filtered.Probes);
    }

    // SkbProbes' definition with kfree_skb (its first probe) described otherwise.
    private static ProbeSetDefinition WithKfreeSkb(Func<string, string> describe, string name = "kfree_skb", bool optional = false)
    {
        ProbeSetDefinition built = SkbProbes.Definition;
        ProbeDefinition kfree = built.Probes[0];
        Assert.Equal("kfree_skb", kfree.Name);
        string description = describe(kfree.Descriptions[0]);
        Assert.NotEqual(kfree.Descriptions[0], description);
        var changed = new ProbeDefinition(kfree.System, name, [description], kfree.Kernels, optional);
        return new ProbeSetDefinition(built.Name, built.BpfSource, built.BpfSourceHash, [changed, .. built.Probes.Skip(1)]);
    }

    [Fact]
    public void AProgramTheVerifierRejects_IsReportedWithTheVerifiersLog()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireClang();
        ProbeSetDefinition built = SkbProbes.Definition;
        // A filtered probe set compiles its own object; reading the first word of a tracepoint's context is what the verifier forbids.
        const string Filter = "protocol != 0";
        TracepointSchema[] schemas = built.Probes.Select(p => p.BuiltSchema).ToArray();
        string source = TpGen.Emitters.Bpf.BpfEmitter.Emit(built.Name, schemas, filters: [TpGen.Filters.FilterParser.Parse(Filter, schemas[0]), .. schemas.Skip(1).Select(_ => (TpGen.Filters.FilterExpr?)null)])
            .Replace("return tpgen_emit(ctx, 0, pid_tgid);", "return tpgen_emit(ctx, 0, *(__u64 *)ctx);");
        Assert.Contains("*(__u64 *)ctx", source);
        ProbeDefinition first = built.Probes[0];
        var definition = new ProbeSetDefinition(built.Name, source, TpGen.Emitters.Bpf.BpfEmitter.Hash(source),
            [new ProbeDefinition(first.System, first.Name, first.Descriptions, first.Kernels, filter: Filter), .. built.Probes.Skip(1)]);

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
        ProbeSetDefinition definition = FilteredAndNeverCompiled();
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
        ProbeSetDefinition definition = FilteredAndNeverCompiled();

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
