using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CsCheck;
using Microsoft.CodeAnalysis;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// The source generator with mutated formats as AdditionalFiles, as a build hands it snapshots:
/// whatever the files hold, it reports diagnostics and never fails (no CS8785/CS8784), and the
/// code it does generate compiles.
/// </summary>
public sealed class GeneratorFuzzTests(ITestOutputHelper output)
{
    /// <summary>Formats per compilation: each case compiles several probe sets at once.</summary>
    private const int PerCompilation = 6;

    [Fact]
    public async Task MutatedSnapshots_GiveDiagnosticsNeverAGeneratorFailure_AndGeneratedCodeCompiles()
    {
        FormatSeed[] seeds = FormatMutations.Seeds;
        long generated = 0, rejected = 0;
        Gen<(int[] Seeds, Mutation[][] Edits)> cases = Gen.Select(
            Gen.Int[0, seeds.Length - 1].Array[PerCompilation, PerCompilation],
            FormatMutations.Edit.Array[1, 3].Array[PerCompilation, PerCompilation]);

        long count = await Fuzzing.CheckAsync(
            cases,
            input =>
            {
                (int sources, int errors) = Check(Inputs(seeds, input.Seeds, input.Edits));
                System.Threading.Interlocked.Add(ref generated, sources);
                System.Threading.Interlocked.Add(ref rejected, errors);
            },
            Fuzzing.Cases(40, 10_000),
            TimeSpan.FromSeconds(120),
            input => string.Join("\n\n", Inputs(seeds, input.Seeds, input.Edits).Select(f => $"{f.Path}:\n{Fuzzing.Shorten(f.Text, 1500)}")),
            output,
            "generator");

        output.WriteLine($"{count} compilations of {PerCompilation} mutated snapshots each: {generated} probe sets generated and compiled, {rejected} rejected with a TPGEN error");
        Assert.True(generated > 0 && rejected > 0, "the mutations should both break snapshots and keep them usable");
    }

    /// <summary>Each seed once, mutated, at its tracefs path.</summary>
    private static List<FormatInput> Inputs(FormatSeed[] seeds, int[] chosen, Mutation[][] edits)
    {
        var inputs = new List<FormatInput>();
        var keys = new HashSet<string>();
        for (int i = 0; i < chosen.Length; i++)
        {
            FormatSeed seed = seeds[chosen[i]];
            if (keys.Add(seed.ToString()))
                inputs.Add(new FormatInput($"/project/Tracepoints/{seed.System}/{seed.Name}/format", FormatMutations.Apply(seed.Text, edits[i])));
        }
        return inputs;
    }

    /// <summary>Runs the generator over a probe set per format and compiles; returns the probe sets generated and the errors reported.</summary>
    internal static (int Generated, int Errors) Check(IReadOnlyList<FormatInput> formats)
    {
        var source = new StringBuilder("namespace Fuzz;\n");
        for (int i = 0; i < formats.Count; i++)
        {
            string[] parts = formats[i].Path.Split('/');
            source.Append($"[TpGen.Tracepoint(\"{parts[^3]}\", \"{parts[^2]}\")] public partial class Probe{i};\n");
        }
        GeneratorOutcome outcome = GeneratorHarness.Run(GeneratorHarness.Compilation(source.ToString()), formats);

        foreach (GeneratorRunResult result in outcome.Result.Results)
            Assert.Null(result.Exception);
        Assert.DoesNotContain(outcome.GeneratorDiagnostics, d => d.Id is "CS8785" or "CS8784");
        foreach (Diagnostic diagnostic in outcome.GeneratorDiagnostics)
        {
            Assert.StartsWith("TPGEN", diagnostic.Id);
            Assert.DoesNotContain(diagnostic.GetMessage(), c => c < ' ' || c == 127);
        }

        Diagnostic[] errors = outcome.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the generated code does not compile:\n" + string.Join("\n", errors.Take(10).Select(e => e.ToString())) +
            "\n" + string.Join("\n", errors.Take(3).Select(Around)));
        return (outcome.Result.GeneratedTrees.Length, outcome.Errors.Count());
    }

    private static string Around(Diagnostic error)
    {
        string text = error.Location.SourceTree?.ToString() ?? "";
        int start = Math.Clamp(error.Location.SourceSpan.Start - 300, 0, text.Length);
        return Fuzzing.Shorten(text.Substring(start, Math.Min(600, text.Length - start)), 700);
    }
}
