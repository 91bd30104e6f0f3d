using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

/// <summary>
/// A snapshot folder with several kernels' descriptions (Tracepoints/KERNEL/system/event/format)
/// generates the union of their fields and value names, says which kernels it saw, and carries
/// every kernel's description for the runtime to relocate by; [Tracepoint] also takes Optional
/// and Filter, the filter checked against the event when the project builds.
/// </summary>
public sealed class SeveralKernelsTests
{
    private const string Source = """
        [TpGen.Tracepoint("skb", "kfree_skb")]
        public partial class Drops;
        """;

    private static string Debian61 => File.ReadAllText(Path.Combine(
        KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"));

    private static FormatInput[] BothKernels =>
    [
        FormatInput.OfKernel("6.1.0-56-amd64", "skb", "kfree_skb", Debian61),
        FormatInput.OfKernel("6.18.44", "skb", "kfree_skb", Fixtures.FormatText("skb", "kfree_skb")),
    ];

    [Fact]
    public void TwoKernelsSnapshots_GenerateTheUnion_WithRxSkFromTheNewer_AndSayWhichKernelsWereSeen()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Source, BothKernels);

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Assert.Contains("public bool HasRxSk", outcome.GeneratedSource);
        Diagnostic used = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "TPGEN0025");
        string message = used.GetMessage();
        Assert.Contains("kernels 6.18.44, 6.1.0-56-amd64", message); // the newer leads
        Assert.Contains("rx_sk only on 6.18.44", message);
        // Both descriptions travel with the build, for the runtime to relocate onto either.
        Assert.Contains("s_kernels = { \"6.18.44\", \"6.1.0-56-amd64\" }", outcome.GeneratedSource);
    }

    [Fact]
    public void OneKernelsSnapshot_InAFolderOfItsOwn_IsThatKernelsDescription()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Source, FormatInput.OfKernel("6.1.0-56-amd64", "skb", "kfree_skb", Debian61));

        Assert.Empty(outcome.Errors);
        Assert.DoesNotContain("HasRxSk", outcome.GeneratedSource);
        Assert.Contains("s_kernels = { \"6.1.0-56-amd64\" }", outcome.GeneratedSource);
    }

    [Fact]
    public void TheSameKernelTwice_IsReportedAsTwoDescriptions()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Source,
            FormatInput.OfKernel("6.1.0-56-amd64", "skb", "kfree_skb", Debian61),
            new FormatInput("/project/Other/6.1.0-56-amd64/skb/kfree_skb/format", Debian61, "snapshot", "6.1.0-56-amd64/skb/kfree_skb/"));

        Assert.Contains(outcome.GeneratorDiagnostics, d => d.Id == "TPGEN0024");
    }

    [Fact]
    public void AFilterAndOptional_TravelToTheDefinition_AndTheFilterIsCompiledIntoAnObjectOfItsOwn()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb", Filter = "reason == NO_SOCKET", Optional = true)]
            public partial class Drops;
            """, FormatInput.Fixture("skb", "kfree_skb"));

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Assert.Contains("optional: true, filter: \"reason == NO_SOCKET\"", outcome.GeneratedSource);
        // Only a filtered probe set hands the build BPF C to compile.
        Assert.Contains("[assembly: global::TpGen.Probes.BpfProgram(", outcome.GeneratedSource);
        Assert.Contains("tpgen_filter_0", outcome.GeneratedSource);
    }

    [Fact]
    public void WithoutAFilter_NoObjectIsBuilt_TheRuntimesSharedOneServes()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run(Source, FormatInput.Fixture("skb", "kfree_skb"));

        Assert.DoesNotContain("[assembly: global::TpGen.Probes.BpfProgram(", outcome.GeneratedSource);
    }

    [Theory]
    [InlineData("reasn == NO_SOCKET", "'reasn' is not a field of skb:kfree_skb")]
    [InlineData("reason == NO_SOCKT", "'NO_SOCKT' is not a name of 'reason' values")]
    [InlineData("reason ==", "the filter ends where a field or value should be")]
    public void AFilterThatDoesNotFitTheEvent_IsAnErrorAtTheAttribute(string filter, string problem)
    {
        GeneratorOutcome outcome = GeneratorHarness.Run($$"""
            [TpGen.Tracepoint("skb", "kfree_skb", Filter = {{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(filter, quote: true)}})]
            public partial class Drops;
            """, FormatInput.Fixture("skb", "kfree_skb"));

        Diagnostic error = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "TPGEN0028");
        Assert.Contains(problem, error.GetMessage());
        Assert.Equal("/project/Source0.cs", error.Location.GetLineSpan().Path);
        Assert.Empty(outcome.Result.GeneratedTrees);
    }
}
