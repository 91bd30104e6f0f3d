using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TpGen.Emitters;
using TpGen.Emitters.Bpf;
using TpGen.Emitters.CSharp;
using TpGen.Frontends.Btf;
using TpGen.Schema;
using TpGen.Tests.Support;
using TpGen.Text;
using Xunit;

namespace TpGen.Tests.Generation;

/// <summary>
/// The C# and BPF C the emitters write for a dozen events chosen for what they exercise, checked
/// in under Generation/Baselines/{event}/ and compared byte for byte, so that every change to
/// generated code shows in review.
/// </summary>
/// <remarks>
/// When generated code changes on purpose, write the baselines again and review the diff:
/// <code>
/// TPGEN_UPDATE_BASELINES=1 dotnet test --project tests/TpGen.Tests -- --filter-class '*EmitterBaselineTests'
/// dotnet test --project tests/TpGen.Tests -p:UpdateBaselines=true -- --filter-class '*EmitterBaselineTests'
/// </code>
/// The test then writes the files instead of comparing them (and passes).
/// </remarks>
public sealed class EmitterBaselineTests
{
    /// <summary>The events, and why each is here.</summary>
    private static readonly (string Name, string Why)[] Chosen =
    [
        ("skb.kfree_skb", "an enum from __print_symbolic"),
        ("sched.sched_switch", "char arrays (comm) and __print_flags of a state"),
        ("sched.sched_process_exec", "a __data_loc string"),
        ("ftrace.print", "a flexible array (char buf[])"),
        ("syscalls.sys_enter_openat", "a syscall: pointers and an int flag word"),
        ("irq.irq_handler_entry", "irq: a __data_loc name"),
        ("block.block_rq_issue", "block: dev_t, __data_loc cmd, print helpers"),
        ("kmem.kmalloc", "__print_flags of gfp flags"),
        ("sched.sched_skip_cpuset_numa", "text that falls back to a field list (%pbl prints kernel memory)"),
        ("tcp.tcp_probe", "socket addresses (%pISpc) in byte arrays"),
        ("ras.non_standard_event", "a __data_loc u8[] array and __print_hex"),
        ("sock.inet_sock_set_state", "several __print_symbolic tables and addresses"),
        ("btf.skb.kfree_skb", "Debian 6.1's kfree_skb from BTF: an enum from BTF and TpGen's field list"),
    ];

    public static TheoryData<string, string> Events
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach ((string name, string why) in Chosen)
                rows.Add(name, why);
            return rows;
        }
    }

    private static string BaselineDirectory => Path.Combine(Fixtures.RepositoryRoot, "tests", "TpGen.Tests", "Generation", "Baselines");

    private static bool Updating =>
        Environment.GetEnvironmentVariable("TPGEN_UPDATE_BASELINES") == "1" ||
        typeof(EmitterBaselineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Any(a => a.Key == "UpdateBaselines" && string.Equals(a.Value, "true", StringComparison.OrdinalIgnoreCase));

    [Theory]
    [MemberData(nameof(Events))]
    public void TheGeneratedCode_IsTheBaseline(string name, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        ProbeSetSpec spec = new("Baselines", EquatableArray<ContainingTypeSpec>.Empty, "Probe", new EquatableArray<TracepointSchema>([Schema(name)]));
        (string csharp, string bpf) = Emit(spec);

        Compare(name, "Baselines.Probe.Tracepoints.g.cs.txt", csharp);
        Compare(name, "Baselines.Probe.bpf.c.txt", bpf);
    }

    [Fact]
    public void TheFallbackEvent_StillFallsBack()
    {
        ProbeSetSpec spec = new("Baselines", EquatableArray<ContainingTypeSpec>.Empty, "Probe", new EquatableArray<TracepointSchema>([Schema("sched.sched_skip_cpuset_numa")]));

        Assert.Contains(CSharpEmitter.EmitWithNotes(spec).Notes, note => note.Kind == EmitNoteKind.TextFallsBackToFields);
    }

    [Fact]
    public void EveryBaselineFolder_IsAnEventOfTheList()
    {
        string[] listed = Chosen.Select(e => e.Name).ToArray();

        Assert.All(Directory.GetDirectories(BaselineDirectory), folder => Assert.Contains(Path.GetFileName(folder), listed));
    }

    // The one place that knows how the emitters are called: the C# as the generator emits it, and the BPF C that C# carries.
    private static (string CSharp, string BpfC) Emit(ProbeSetSpec spec) =>
        (CSharpEmitter.Emit(spec), BpfEmitter.Emit(spec.FullName, spec.Events));

    private static TracepointSchema Schema(string name)
    {
        string[] parts = name.Split('.');
        if (parts[0] != "btf")
            return Fixtures.Schema(parts[0], parts[1]);
        KernelFacility.RequirePath(KernelBtfs.Debian61Path, "the Debian 6.1 reference BTF");
        BtfData btf = KernelBtfs.Debian61();
        return BtfPrintFormat.WithFieldList(BtfSchemaReader.Read(btf, parts[1], parts[2], new BtfEventCatalog(btf).FindClass(parts[2]).ClassName!));
    }

    private static void Compare(string name, string file, string actual)
    {
        string path = Path.Combine(BaselineDirectory, name, file);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; write it with TPGEN_UPDATE_BASELINES=1 (see {nameof(EmitterBaselineTests)}).");
        string expected = File.ReadAllText(path);
        if (expected == actual)
            return;
        string[] expectedLines = expected.Split('\n'), actualLines = actual.Split('\n');
        int line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            line++;
        Assert.Fail($"""
            {name}/{file} differs from its baseline at line {line + 1}:
              baseline:  {(line < expectedLines.Length ? expectedLines[line] : "(end)")}
              generated: {(line < actualLines.Length ? actualLines[line] : "(end)")}
            If the change is meant, write the baselines again (TPGEN_UPDATE_BASELINES=1 dotnet test ... or -p:UpdateBaselines=true) and review the diff.
            """);
    }
}
