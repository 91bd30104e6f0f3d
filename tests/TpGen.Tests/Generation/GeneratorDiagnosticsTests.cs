using System.Linq;
using Microsoft.CodeAnalysis;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

public sealed class GeneratorDiagnosticsTests
{
    private static readonly FormatInput KfreeSkb = FormatInput.Fixture("skb", "kfree_skb");
    private static readonly FormatInput ConsumeSkb = FormatInput.Fixture("skb", "consume_skb");

    [Fact]
    public void AValidProbeSet_GeneratesCodeThatCompilesWithoutWarnings()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            using TpGen;
            namespace App;
            [Tracepoint("skb", "kfree_skb")]
            [Tracepoint("skb", "consume_skb")]
            public partial class SkbDrops;
            public static class User
            {
                public static uint Reason(byte[] bytes) => (uint)SkbDrops.KfreeSkb.Read(bytes).Reason;
                public static bool IsNoSocket(SkbDrops.KfreeSkbRecord r) => r.Reason == SkbDrops.SkbDropReason.NO_SOCKET;
            }
            """, KfreeSkb, ConsumeSkb);

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Assert.Equal("App.SkbDrops.Tracepoints.g.cs", System.IO.Path.GetFileName(Assert.Single(outcome.Result.GeneratedTrees).FilePath));
    }

    [Fact]
    public void ANestedClassInPartialTypes_IsGenerated()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            namespace App.Deep;
            public partial record Outer
            {
                internal partial struct Middle
                {
                    [TpGen.Tracepoint("skb", "kfree_skb")]
                    private partial class SkbDrops { public static ulong Read(byte[] b) => KfreeSkb.Read(b).Skbaddr; }
                }
            }
            """, KfreeSkb);

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
    }

    [Fact]
    public void MembersOnATracefsEvent_IsTPGEN0035SayingToUseTpBtf()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb", Members = new[] { "skb->len" })]
            public partial class SkbDrops { }
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0035", error.Id);
        Assert.Contains("only tp_btf events have", error.GetMessage());
        Assert.Contains("[Tracepoint(\"tp_btf\", \"kfree_skb\", Members = ...)]", error.GetMessage());
    }

    [Fact]
    public void PacketOnAnEventWithoutAnSkb_IsTPGEN0035_AndOnKfreeSkbCompiles()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("sched", "sched_switch", Packet = true)]
            public partial class Switches { }

            [TpGen.Tracepoint("skb", "kfree_skb", Packet = true)]
            [TpGen.Context.ProcessContext(TpGen.Context.ProcessContext.Command | TpGen.Context.ProcessContext.CgroupId)]
            public partial class Drops { }

            public static class Use
            {
                public static string Describe(in Drops.KfreeSkb e) => e.Command.ToString() + e.CgroupId + e.Packet.SourcePort;
            }
            """, KfreeSkb, FormatInput.Fixture("sched", "sched_switch"));

        // Only the event about no packet is refused; kfree_skb with its packet and process compiles.
        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0035", error.Id);
        Assert.Contains("no struct sk_buff * argument and no pointer field named skbaddr", error.GetMessage());
        Assert.Equal("TpGen.Tracepoint(\"sched\", \"sched_switch\", Packet = true)", outcome.TextAt(error));
    }

    [Fact]
    public void AnUnknownEvent_IsTPGEN0020WithTheNearestNames()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skbb")]
            public partial class SkbDrops { }
            """, KfreeSkb, ConsumeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0020", error.Id);
        Assert.Contains("'skb:kfree_skbb'", error.GetMessage());
        Assert.Contains("did you mean 'skb:kfree_skb'", error.GetMessage());
        Assert.Contains("2 from snapshots", error.GetMessage());
        Assert.Equal("TpGen.Tracepoint(\"skb\", \"kfree_skbb\")", outcome.TextAt(error));
    }

    [Fact]
    public void AnEventTheBuildCouldNotDescribe_IsTPGEN0026WithTheBuildsReason()
    {
        var note = new FormatInput("/obj/tpgen/btf/block/block_rq_issue/unavailable", "BTF /sys/kernel/btf/vmlinux does not describe it: name the class", "btf");
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("block", "block_rq_issue")]
            public partial class Io { }
            """, KfreeSkb, note);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0026", error.Id);
        Assert.Equal("The build could not describe tracepoint 'block:block_rq_issue': BTF /sys/kernel/btf/vmlinux does not describe it: name the class", error.GetMessage());
        Assert.Equal("TpGen.Tracepoint(\"block\", \"block_rq_issue\")", outcome.TextAt(error));
    }

    [Fact]
    public void NoFormatsAtAll_IsTPGEN0021SayingHowToProvideThem()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0021", error.Id);
        Assert.Contains("tpgen pull skb:kfree_skb", error.GetMessage());
        Assert.Contains("mount -t tracefs", error.GetMessage());
    }

    [Fact]
    public void AMalformedFormat_IsTPGEN0022AtItsLineAndColumn()
    {
        string broken = KfreeSkb.Text.Replace("offset:32;", "offset:3x;");
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb with { Text = broken });

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0022", error.Id);
        FileLinePositionSpan place = error.Location.GetLineSpan();
        Assert.Equal(KfreeSkb.Path, place.Path);
        Assert.Equal(broken.Split('\n').ToList().FindIndex(l => l.Contains("3x")), place.StartLinePosition.Line);
        Assert.Contains("offset of 'protocol' is '3x'", error.GetMessage());
        Assert.Empty(outcome.Result.GeneratedTrees);
    }

    [Fact]
    public void FieldNamesThatAreKeywordsOrMemberNames_AreEscapedAndCompile()
    {
        string format = """
            name: odd_names
            ID: 7
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:int class;	offset:8;	size:4;	signed:1;
            	field:int event;	offset:12;	size:4;	signed:1;
            	field:int read;	offset:16;	size:4;	signed:1;
            	field:int odd_names;	offset:20;	size:4;	signed:1;
            	field:int to_string;	offset:24;	size:4;	signed:1;
            	field:int toString;	offset:28;	size:4;	signed:1;

            print fmt: "class=%d event=%d", REC->class, REC->event
            """;
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("odd", "odd_names")]
            public partial class Odd { public static int Sum(byte[] b) { var e = OddNames.Read(b); return e.Class + e.Event + e.ReadField + e.OddNamesField + e.ToStringField + e.ToStringField2; } }
            """, new FormatInput("/project/Tracepoints/odd/odd_names/format", format));

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Assert.Equal(4, outcome.GeneratorDiagnostics.Count(d => d.Id == "TPGEN0041"));
    }

    [Fact]
    public void ASnapshotIsPreferredOverTracefs_AndTheChoiceIsReported()
    {
        FormatInput fromTracefs = FormatInput.Fixture("skb", "kfree_skb", "/obj/tpgen/tracefs") with { Source = "tracefs" };
        FormatInput snapshot = new("/project/Tracepoints/skb/kfree_skb/format", FormatInput.Fixture("skb", "kfree_skb").Text.Replace("rx_sk", "renamed_sk"));
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { public static ulong Sk(byte[] b) => KfreeSkb.Read(b).RenamedSk; }
            """, fromTracefs, snapshot);

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Diagnostic source = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "TPGEN0025");
        Assert.Contains("snapshots", source.GetMessage());
        Assert.Contains(snapshot.Path, source.GetMessage());
    }

    [Fact]
    public void APrintFmtTpGenCannotEvaluate_IsReportedAndFallsBackToFields()
    {
        string format = KfreeSkb.Text.Replace("REC->protocol,", "some_kernel_function(REC->protocol),");
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb with { Text = format });

        Diagnostic note = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "TPGEN0040");
        Assert.Contains("some_kernel_function", note.GetMessage());
        Assert.Empty(outcome.CompileProblems);
    }

    [Fact]
    public void GarbageFormatFiles_GiveDiagnosticsNotGeneratorCrashes()
    {
        foreach (string garbage in new[] { "", "\0\0\0", "name: kfree_skb\nID: 1\nformat:\n\tfield:", new string('(', 5000), "name: kfree_skb\nID: 99999999999999999999\n" })
        {
            GeneratorOutcome outcome = GeneratorHarness.Run("""
                [TpGen.Tracepoint("skb", "kfree_skb")]
                public partial class SkbDrops { }
                """, KfreeSkb with { Text = garbage });

            Assert.DoesNotContain(outcome.GeneratorDiagnostics, d => d.Id == "CS8785");
            Assert.Null(outcome.Result.Results.Single().Exception);
            Assert.Contains(outcome.Errors, d => d.Id == "TPGEN0022");
        }
    }
}
