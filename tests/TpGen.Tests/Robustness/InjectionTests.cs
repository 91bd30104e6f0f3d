using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TpGen.Emitters.Bpf;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// Text from outside — snapshots, event specs on the command line — is parsed, never pasted:
/// C or C# hidden in it is rejected before any code is generated, or ends up as data (a string
/// literal), never as code. And what TpGen generates for the kernel reads the tracepoint's record
/// and the current task's identity, nothing else.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed partial class InjectionTests(ITestOutputHelper output)
{
    private static readonly FormatInput KfreeSkb = FormatInput.Fixture("skb", "kfree_skb");

    /// <summary>Edits of the kfree_skb snapshot that smuggle code into its names and types.</summary>
    public static TheoryData<string, string> SnapshotsWithCode => new()
    {
        { "unsigned short protocol;", "unsigned short protocol; } static void Evil() { } struct X { int y;" },
        { "unsigned short protocol;", "unsigned short protocol */ Evil(); /*;" },
        { "unsigned short protocol;", "unsigned short protocol[Evil()];" },
        { "unsigned short protocol;", "unsigned short @protocol;" },
        { "unsigned short protocol;", "unsigned short \"); Evil(\";" },
        { "unsigned short protocol;", "int (*Evil)(void);" },
        { "void * skbaddr;", "struct Evil { int x; } * skbaddr;" },
        { "name: kfree_skb", "name: kfree_skb\"); Evil(\"" },
        { "name: kfree_skb", "name: ../../kfree_skb" },
    };

    /// <summary>
    /// Kernel formats have symbolic array sizes (<c>char comm[TASK_COMM_LEN]</c>, <c>__u8
    /// saddr[sizeof(struct sockaddr_in6)]</c>), so a size is read as text and used only by the
    /// field's byte size; anything else with code in it is not a declaration and is refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(SnapshotsWithCode))]
    public void ASnapshotWithCodeInItsNamesOrTypes_IsTPGEN0022OrKeptAsData_NeverCode(string original, string replacement)
    {
        string text = KfreeSkb.Text.Replace(original, replacement);
        Assert.NotEqual(KfreeSkb.Text, text);

        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb with { Text = text });

        if (outcome.Errors.Any())
        {
            Diagnostic error = Assert.Single(outcome.Errors);
            Assert.Equal("TPGEN0022", error.Id);
            Assert.Empty(outcome.Result.GeneratedTrees);
            return;
        }
        output.WriteLine("accepted as data");
        AssertNoCodeFrom(outcome);
        TracepointSchema schema = FormatFileReader.ReadOrThrow(text, "skb", KfreeSkb.Path, "kfree_skb");
        Assert.DoesNotContain("Evil", BpfEmitter.Emit("Check", [schema]));
    }

    private static void AssertNoCodeFrom(GeneratorOutcome outcome)
    {
        Assert.Empty(outcome.Output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error));
        foreach (SyntaxTree tree in outcome.Result.GeneratedTrees)
        {
            IEnumerable<SyntaxToken> identifiers = tree.GetRoot(TestContext.Current.CancellationToken).DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken));
            Assert.DoesNotContain(identifiers, t => t.ValueText == "Evil");
        }
    }

    public static TheoryData<string> PrintFormatsWithCode => new()
    {
        "print fmt: \"protocol=%u\\\"); Evil(); (\\\"\", REC->protocol",
        "print fmt: \"protocol=%u */ Evil(); /*\", REC->protocol",
        "print fmt: \"%u\", Evil(REC->protocol)",
        "print fmt: \"%u\", REC->protocol); Evil((1",
        "print fmt: \"{0}\\\" + Evil() + \\\"%s\", __print_symbolic(REC->reason, { 3, \"\\\"); Evil(\\\"\" })",
    };

    /// <summary>
    /// A print fmt is data: where TpGen can evaluate one, its text becomes string literals; where
    /// it cannot, the event prints its fields. Either way no identifier of it becomes code.
    /// </summary>
    [Theory]
    [MemberData(nameof(PrintFormatsWithCode))]
    public void APrintFmtWithCode_BecomesTextOrIsRefused_NeverCode(string printFmt)
    {
        string text = Regex.Replace(KfreeSkb.Text, "^print fmt: .*$", printFmt.Replace("$", "$$"), RegexOptions.Multiline);
        Assert.Contains(printFmt, text);

        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb with { Text = text });

        output.WriteLine(string.Join("\n", outcome.GeneratorDiagnostics.Select(d => d.ToString())));
        Assert.All(outcome.GeneratorDiagnostics, d => Assert.StartsWith("TPGEN", d.Id));
        AssertNoCodeFrom(outcome);
    }

    public static TheoryData<string[]> EventSpecsThatAreNotNames => new()
    {
        new[] { "trace", "skb:kfree_skb;reboot" },
        new[] { "trace", "skb:kfree_skb`reboot`" },
        new[] { "trace", "skb:$(reboot)" },
        new[] { "trace", "../../../etc:passwd" },
        new[] { "trace", "skb:../../kfree_skb" },
        new[] { "trace", "skb:kfree_skb\"); system(\"reboot" },
        new[] { "trace", "skb:" + new string('a', 5000) },
        new[] { "show", "skb:kfree_skb|cat /etc/shadow", "--bpf" },
        new[] { "pull", "skb:kfree_skb/../../../../etc:passwd", "--out", "Tracepoints" },
    };

    [Theory]
    [MemberData(nameof(EventSpecsThatAreNotNames))]
    public void EventSpecsWithShellOrCodeOrPathsOrOverLongNames_AreUsageErrorsBeforeAnythingIsGenerated(string[] arguments)
    {
        KernelFacility.RequireTracefs();

        ProgramResult result = ToolRunner.Run(arguments);

        output.WriteLine(result.Error);
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.DoesNotContain("generating BPF", result.Error);
        Assert.DoesNotContain("tracing", result.Error);
        // The message quotes the input printably and briefly, whatever it holds.
        Assert.DoesNotContain(result.Error, c => c == '\0');
        Assert.True(result.Error.Length < 2000, result.Error);
    }

    /// <summary>The helpers a generated handler may call: the ring buffer, the clock, the current task's ids and name, and copies out of its own record.</summary>
    private static readonly HashSet<string> AllowedHelpers =
    [
        "bpf_ringbuf_reserve", "bpf_ringbuf_submit", "bpf_ringbuf_query", "bpf_map_lookup_elem",
        "bpf_ktime_get_ns", "bpf_get_smp_processor_id", "bpf_get_current_pid_tgid", "bpf_get_current_comm",
        "bpf_probe_read_kernel", "bpf_probe_read_kernel_str",
        // Context captures: the cgroup id, and user strings at the addresses syscall records hold.
        "bpf_get_current_cgroup_id", "bpf_probe_read_user", "bpf_probe_read_user_str",
    ];

    [Fact]
    public void TheBpfForEveryKnownEvent_CallsOnlyAllowedHelpers_AndCopiesOnlyFromItsRecord()
    {
        int events = 0;
        var called = new SortedSet<string>();
        foreach (FormatSeed seed in FormatMutations.Seeds)
        {
            FormatReadResult read = FormatFileReader.Read(seed.Text, seed.System, seed.ToString());
            if (read.Schema is null)
                continue;
            events++;
            string source = BpfEmitter.Emit("Check", [read.Schema]);
            // Calls, not the helper table's declarations "(*bpf_x)(...)".
            foreach (Match call in HelperCall().Matches(source))
            {
                string helper = call.Groups["helper"].Value;
                called.Add(helper);
                Assert.True(AllowedHelpers.Contains(helper), $"{seed}: the BPF calls {helper}");
                // Copies from the record (a tracepoint's ctx, a tp_btf program's arguments), or, for
                // context captures, through the pointers of member chains and the packet that the
                // template code follows with offsets the runtime resolves by name, or the task's
                // command a filter's comm copies to the stack: never an address the event's text could name.
                if (helper is "bpf_probe_read_kernel" or "bpf_probe_read_kernel_str")
                    Assert.Matches(@"^(\(__u8 \*\)ctx \+ |ctx\)|\(__u8 \*\)pointer \+ |\(void \*\)from\)|comm\))", call.Groups["source"].Value);
            }
            // Helper ids in the table: the same set, by number, so no helper hides behind another name.
            foreach (Match id in HelperId().Matches(source))
                Assert.Contains(int.Parse(id.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), new[] { 1, 5, 8, 14, 16, 80, 112, 113, 114, 115, 131, 132, 134 });
        }
        output.WriteLine($"{events} events; helpers called: {string.Join(", ", called)}");
        Assert.True(events >= FormatMutations.FixtureSeeds.Length, $"only {events} events read");
    }

    [Fact]
    public void TheLoadedPrograms_CallOnlyAllowedHelpers_AsTheKernelSeesThem()
    {
        KernelFacility.RequireBpf();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        int self = Environment.ProcessId;
        BpfHandles before = BpfResources.Of(self);
        using SkbProbes skb = SkbProbes.Attach(UdpWorkload.SameProcess);
        using NetProbes net = NetProbes.Attach(UdpWorkload.SameProcess);
        BpfHandles held = before.Added(BpfResources.Of(self));
        Assert.NotEmpty(held.Programs);

        var called = new SortedSet<string>();
        foreach (int program in held.Programs)
        {
            // The verified, rewritten instructions: what the kernel will actually run.
            ProgramResult dump = BpfResources.Bpftool(bpftool, "prog", "dump", "xlated", "id", program.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0, dump.ExitCode);
            foreach (Match call in XlatedCall().Matches(dump.Output))
                called.Add(call.Groups[1].Value);
        }
        output.WriteLine($"{held.Programs.Count} programs call {string.Join(", ", called)}");
        Assert.NotEmpty(called);
        Assert.All(called, helper => Assert.Contains(helper, AllowedHelpers));
    }

    [GeneratedRegex(@"(?<![*\w])(?<helper>bpf_\w+)\((?:[^,()]*,\s*[^,()]*,\s*(?<source>[^;]*))?")]
    private static partial Regex HelperCall();

    [GeneratedRegex(@"\(\*bpf_\w+\)\([^)]*\)\s*=\s*\(void \*\)(\d+)")]
    private static partial Regex HelperId();

    [GeneratedRegex(@"call (\w+)#")]
    private static partial Regex XlatedCall();
}
