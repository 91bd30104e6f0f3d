using System.Linq;
using Microsoft.CodeAnalysis;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Analyzers;

/// <summary>
/// The analyzer reports what is wrong with the user's class and attributes (TPGEN0001-0006); the
/// generator, given the same code, leaves it out and says nothing.
/// </summary>
public sealed class TracepointClassAnalyzerTests
{
    private static readonly FormatInput KfreeSkb = FormatInput.Fixture("skb", "kfree_skb");
    private static readonly FormatInput ConsumeSkb = FormatInput.Fixture("skb", "consume_skb");

    [Fact]
    public void ANonPartialClass_IsTPGEN0001OnItsName()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public class SkbDrops { }
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0001", error.Id);
        Assert.Contains("partial class SkbDrops", error.GetMessage());
        Assert.Equal("SkbDrops", outcome.TextAt(error));
        AssertTheGeneratorSkippedItSilently(outcome);
    }

    [Fact]
    public void AGenericClass_IsTPGEN0002()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops<T> { }
            """, KfreeSkb);

        Assert.Equal("TPGEN0002", Assert.Single(outcome.Errors).Id);
        AssertTheGeneratorSkippedItSilently(outcome);
    }

    [Fact]
    public void ANonPartialContainingType_IsTPGEN0003()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            public class Outer
            {
                [TpGen.Tracepoint("skb", "kfree_skb")]
                public partial class SkbDrops { }
            }
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0003", error.Id);
        Assert.Contains("'Outer'", error.GetMessage());
        AssertTheGeneratorSkippedItSilently(outcome);
    }

    [Theory]
    [InlineData("static")]
    [InlineData("abstract")]
    public void AStaticOrAbstractClass_IsTPGEN0006(string modifier)
    {
        GeneratorOutcome outcome = GeneratorHarness.Run($$"""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public {{modifier}} partial class SkbDrops { }
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0006", error.Id);
        Assert.Contains($"is {modifier}", error.GetMessage());
        AssertTheGeneratorSkippedItSilently(outcome);
    }

    [Theory]
    [InlineData("skb\\\"); system(\\\"rm -rf /", "kfree_skb", "system")]
    [InlineData("skb", "kfree_skb; DROP", "event")]
    [InlineData("../../etc", "passwd", "system")]
    [InlineData("skb", "", "event")]
    [InlineData("skb", "kfree skb", "event")]
    [InlineData("skb", "k\\u00e9", "event")]
    [InlineData("skb", "__LONG__", "event")]
    public void NamesThatAreNotTracepointNames_AreTPGEN0004AndGenerateNothing(string system, string name, string which)
    {
        name = name.Replace("__LONG__", new string('a', 129));
        GeneratorOutcome outcome = GeneratorHarness.Run($$"""
            [TpGen.Tracepoint("{{system}}", "{{name}}")]
            public partial class Probe { }
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0004", error.Id);
        Assert.Contains(which, error.GetMessage());
        Assert.StartsWith("TpGen.Tracepoint(", outcome.TextAt(error));
        AssertTheGeneratorSkippedItSilently(outcome);
    }

    [Fact]
    public void AClassThatIsNotAName_IsTPGEN0004_AndTheOtherAttributesStillGenerate()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb", Class = "kfree skb")]
            [TpGen.Tracepoint("skb", "consume_skb", Class = "consume_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb, ConsumeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0004", error.Id);
        Assert.Contains("event class 'kfree skb'", error.GetMessage());
        Assert.DoesNotContain(outcome.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        string generated = Assert.Single(outcome.Result.GeneratedTrees).ToString();
        Assert.Contains("ConsumeSkb", generated);
        Assert.DoesNotContain("KfreeSkbRecord", generated);
    }

    [Fact]
    public void TheSameTracepointTwice_IsAWarningAndStillGenerates()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            [TpGen.Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops { }
            """, KfreeSkb);

        Diagnostic warning = Assert.Single(outcome.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal("TPGEN0005", warning.Id);
        Assert.Equal("TpGen.Tracepoint(\"skb\", \"kfree_skb\")", outcome.TextAt(warning));
        Assert.Equal(1, warning.Location.GetLineSpan().StartLinePosition.Line); // the second one
        Assert.Single(outcome.Result.GeneratedTrees);
    }

    [Fact]
    public void AValidProbeSet_HasNoAnalyzerDiagnostics()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            namespace App;
            public partial class Outer
            {
                [TpGen.Tracepoint("skb", "kfree_skb", Class = "kfree_skb")]
                internal sealed partial class SkbDrops;
            }
            """, KfreeSkb);

        Assert.Empty(outcome.AnalyzerDiagnostics);
        Assert.Empty(outcome.CompileProblems);
    }

    // The generator's diagnostics are about events; what is wrong with the user's code is the analyzer's alone.
    private static void AssertTheGeneratorSkippedItSilently(GeneratorOutcome outcome)
    {
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.Result.GeneratedTrees);
        Assert.Null(outcome.Result.Results.Single().Exception);
    }
}
