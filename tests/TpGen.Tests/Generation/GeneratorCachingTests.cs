using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TpGen.Generation;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

public sealed class GeneratorCachingTests
{
    private const string Probe = """
        [TpGen.Tracepoint("skb", "kfree_skb")]
        [TpGen.Tracepoint("skb", "consume_skb")]
        public partial class SkbDrops { }
        """;

    private static readonly FormatInput[] Formats =
    {
        FormatInput.Fixture("skb", "kfree_skb"),
        FormatInput.Fixture("skb", "consume_skb"),
        FormatInput.Fixture("sched", "sched_switch"),
    };

    private static readonly string[] Steps =
    {
        TrackingNames.InitialExtraction, TrackingNames.Requests, TrackingNames.WantedEvents, TrackingNames.FormatFiles, TrackingNames.ParsedFormats,
        TrackingNames.Catalog, TrackingNames.ProbeSets, TrackingNames.Specs, TrackingNames.Sources,
    };

    [Fact]
    public void AnUnrelatedEdit_LeavesEveryStepCachedOrUnchanged()
    {
        CSharpCompilation first = GeneratorHarness.Compilation(Probe, "public class Unrelated { }");
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true).RunGenerators(first, TestContext.Current.CancellationToken);

        CSharpCompilation second = first.ReplaceSyntaxTree(first.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("public class Unrelated { public int Added; }", GeneratorHarness.ParseOptions, path: first.SyntaxTrees.Last().FilePath, cancellationToken: TestContext.Current.CancellationToken));
        GeneratorRunResult result = driver.RunGenerators(second, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (string step in Steps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {reason}");
            }
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void ARerun_IsNewThenCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Probe);
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        GeneratorRunResult second = driver.RunGenerators(compilation.Clone(), TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (string step in Steps)
        {
            Assert.All(Reasons(first, step), reason => Assert.Equal(IncrementalStepRunReason.New, reason));
            // A new compilation makes Roslyn read the attributes again (the first step is then
            // Unchanged); every step after it is Cached.
            IncrementalStepRunReason[] allowed = step == TrackingNames.InitialExtraction
                ? [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged]
                : [IncrementalStepRunReason.Cached];
            Assert.All(Reasons(second, step), reason => Assert.True(allowed.Contains(reason), $"{step} was {reason}"));
        }
        Assert.Equal(first.GeneratedSources.Single().SourceText.ToString(), second.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void MovingTheAttributes_IsModifiedThenUnchanged_SoTheEmitterDoesNotRunAgain()
    {
        CSharpCompilation first = GeneratorHarness.Compilation(Probe);
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true).RunGenerators(first, TestContext.Current.CancellationToken);
        Location before = Assert.Single(driver.GetRunResult().Diagnostics, d => d.Id == "TPGEN0025" && d.GetMessage().Contains("kfree_skb")).Location;

        // An equivalent edit: the same class, three lines further down.
        CSharpCompilation moved = Replace(first, "// a comment\n\n\n" + Probe);
        GeneratorDriverRunResult run = driver.RunGenerators(moved, TestContext.Current.CancellationToken).GetRunResult();
        GeneratorRunResult result = run.Results.Single();

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackingNames.Requests));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackingNames.ProbeSets));
        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(result, TrackingNames.Specs));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(result, TrackingNames.Sources));
        // The diagnostics still follow the code.
        Location after = Assert.Single(run.Diagnostics, d => d.Id == "TPGEN0025" && d.GetMessage().Contains("kfree_skb")).Location;
        Assert.Equal(before.GetLineSpan().StartLinePosition.Line + 3, after.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void ChangingTheAttributes_IsModifiedThroughToTheSource()
    {
        CSharpCompilation first = GeneratorHarness.Compilation(Probe);
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true).RunGenerators(first, TestContext.Current.CancellationToken);

        CSharpCompilation changed = Replace(first, Probe.Replace("[TpGen.Tracepoint(\"skb\", \"consume_skb\")]\n", ""));
        GeneratorRunResult result = driver.RunGenerators(changed, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackingNames.Requests));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackingNames.Specs));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(result, TrackingNames.Sources));
        Assert.DoesNotContain("ConsumeSkb", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void ChangingAFormatFile_RegeneratesTheSource()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Probe);
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true, out var texts).RunGenerators(compilation, TestContext.Current.CancellationToken);

        var changed = Formats[0] with { Text = Formats[0].Text.Replace("rx_sk", "other_sk") };
        driver = driver.ReplaceAdditionalText(texts[0], GeneratorHarness.Text(changed));
        GeneratorRunResult result = driver.RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Sources].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("OtherSk", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void TheModels_HoldNoSymbolsSyntaxOrCompilations()
    {
        GeneratorDriver driver = GeneratorHarness.Driver(Formats, trackSteps: true).RunGenerators(GeneratorHarness.Compilation(Probe), TestContext.Current.CancellationToken);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string step in Steps)
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object value, IncrementalStepRunReason _) in run.Outputs)
                    AssertNoRoslynObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();

    private static CSharpCompilation Replace(CSharpCompilation compilation, string source)
    {
        SyntaxTree tree = compilation.SyntaxTrees.First();
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: tree.FilePath, cancellationToken: TestContext.Current.CancellationToken));
    }

    // Models are walked field by field; an AdditionalText is allowed only in FormatFile, which compares it by reference on purpose.
    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
            return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree, $"{path} holds a {value.GetType().Name}");
        if (value is AdditionalText)
        {
            Assert.EndsWith(".Text", path);
            return;
        }
        if (value is IEnumerable sequence and not string)
        {
            int index = 0;
            foreach (object? item in sequence)
                AssertNoRoslynObjects(item, $"{path}[{index++}]", seen);
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                continue;
            string name = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;
            AssertNoRoslynObjects(field.GetValue(value), path + "." + name, seen);
        }
    }
}
