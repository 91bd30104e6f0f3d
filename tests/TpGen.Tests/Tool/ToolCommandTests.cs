using System;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

public sealed class ToolCommandTests
{
    [Theory]
    [InlineData()]
    [InlineData("list")]
    [InlineData("show")]
    [InlineData("pull")]
    [InlineData("check")]
    [InlineData("trace")]
    [InlineData("record")]
    [InlineData("report")]
    [InlineData("doctor")]
    [InlineData("completion")]
    public void EveryCommand_HasHelpThatDescribesIt(params string[] command)
    {
        ProgramResult result = ToolRunner.Run([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains("Description:", result.Output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("trace")]
    [InlineData("trace", "skb:kfree_skb", "--output", "xml")]
    [InlineData("trace", "skb:kfree_skb", "--duration", "0")]
    [InlineData("trace", "skb:kfree_skb", "--limit", "-3")]
    [InlineData("show", "skb;rm -rf /")]
    [InlineData("pull", "../../etc:passwd")]
    [InlineData("list", "$(reboot)")]
    [InlineData("record", "skb:kfree_skb")]
    [InlineData("record", "-o", "drops.dat", "skb:kfree_skb", "--buffer-size", "1")]
    [InlineData("record", "-o", "drops.dat", "skb:kfree_skb", "--duration", "-1")]
    [InlineData("report")]
    [InlineData("report", "drops.dat", "--output", "xml")]
    public void UsageErrors_ExitWithTwoAndSayWhatIsWrong(params string[] arguments)
    {
        ProgramResult result = ToolRunner.Run(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("tpgen", result.Error);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    [Fact]
    public void List_WithAGlob_ShowsTheMatchingEvents()
    {
        KernelFacility.RequireTracefs();

        ProgramResult result = ToolRunner.Run("list", "skb:*");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("skb:kfree_skb", lines);
        Assert.Contains("skb:consume_skb", lines);
        Assert.All(lines, line => Assert.StartsWith("skb:", line));
    }

    [Fact]
    public void Show_PrintsEachFieldAndThePrintFmt_AndTheGeneratedCode()
    {
        KernelFacility.RequireTracefs();
        TracepointSchema kfree = Tracefs.ReadEvent("skb", "kfree_skb");

        ProgramResult fields = ToolRunner.Run("show", "skb:kfree_skb");
        ProgramResult csharp = ToolRunner.Run("show", "skb:kfree_skb", "--csharp");
        ProgramResult bpf = ToolRunner.Run("show", "skb:kfree_skb", "--bpf");

        Assert.Equal(0, fields.ExitCode);
        FieldSpec reason = kfree.FindField("reason")!;
        Assert.Matches($@"reason\s+enum skb_drop_reason\s+{reason.Offset}\s+{reason.Size}\s+no\s+enum", fields.Output);
        Assert.Contains("print fmt: \"skbaddr=", fields.Output);
        Assert.Contains("public readonly ref struct KfreeSkb", csharp.Output);
        Assert.Contains("SEC(\"tracepoint/skb/kfree_skb\")", bpf.Output);
    }

    [Fact]
    public void AnUnknownEvent_IsAUsageErrorThatSuggestsTheNearestName()
    {
        KernelFacility.RequireTracefs();

        ProgramResult result = ToolRunner.Run("show", "skb:kfree_skbb");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean 'skb:kfree_skb'", result.Error);
    }

    [Fact]
    public void Pull_WritesSnapshotsThatReadBackToTheKernelsSchema()
    {
        KernelFacility.RequireTracefs();
        string output = Directory.CreateTempSubdirectory("tpgen-pull").FullName;
        try
        {
            ProgramResult result = ToolRunner.Run("pull", "skb:kfree_skb", "skb:consume_skb", "--out", output);

            Assert.Equal(0, result.ExitCode);
            foreach (string name in new[] { "kfree_skb", "consume_skb" })
            {
                string path = Path.Combine(output, "skb", name, "format");
                Assert.Equal(Tracefs.ReadEvent("skb", name), FormatFileReader.ReadOrThrow(File.ReadAllText(path), "skb", path, name));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void PullAndShow_GiveConstantsThePrintFmtNamesButTheFormatDoesNotDefine_TheirValuesFromTheKernelsBtf()
    {
        KernelFacility.RequireTracefs();
        KernelFacility.RequirePath(KernelBtf.VmlinuxPath, "this kernel's BTF");
        string output = Directory.CreateTempSubdirectory("tpgen-pull").FullName;
        try
        {
            ProgramResult pull = ToolRunner.Run("pull", "timer:hrtimer_start", "--out", output);
            ProgramResult show = ToolRunner.Run("show", "timer:hrtimer_start");

            Assert.Equal(0, pull.ExitCode);
            string path = Path.Combine(output, "timer", "hrtimer_start", "format");
            TracepointSchema pulled = FormatFileReader.ReadOrThrow(File.ReadAllText(path), "timer", path, "hrtimer_start");
            Assert.Empty(KernelConstants.Unresolved(pulled));
            Assert.Equal("ABS", FieldSymbols.For(pulled, "mode")!.NameOf((ulong)BtfSchemaReader.EnumConstants(KernelBtfs.ThisKernel())["HRTIMER_MODE_ABS"]));
            // Everything but the print fmt is the kernel's own file.
            string kernel = File.ReadAllText(Path.Combine(Tracefs.EventsDirectory, "timer", "hrtimer_start", "format"));
            Assert.Equal(kernel.Split('\n').Where(l => !l.StartsWith("print fmt:", StringComparison.Ordinal)), File.ReadAllText(path).Split('\n').Where(l => !l.StartsWith("print fmt:", StringComparison.Ordinal)));
            Assert.Contains("{ 0, \"ABS\" }", show.Output);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Doctor_ChecksEachRequirement()
    {
        KernelFacility.RequireBpf();

        ProgramResult result = ToolRunner.Run("doctor");

        Assert.Equal(0, result.ExitCode);
        foreach (string check in new[] { "permissions", "tracefs", "BTF", "libbpf", "clang", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_EVENTS", "ring buffer" })
            Assert.Matches($@"(?m)^ok\s+{check}\b", result.Output);
    }

    [Fact]
    public void Completion_SuggestsCommandsOptionsAndEventNames()
    {
        KernelFacility.RequireTracefs();

        Assert.Contains("trace", ToolRunner.Run("[suggest:8]", "tpgen tr").Output);
        Assert.Contains("--count-by", ToolRunner.Run("[suggest:16]", "tpgen trace --c").Output);
        Assert.Contains("skb:kfree_skb", ToolRunner.Run("[suggest:18]", "tpgen trace skb:kf").Output);
        Assert.Contains("complete -F", ToolRunner.Run("completion", "bash").Output);
    }
}
