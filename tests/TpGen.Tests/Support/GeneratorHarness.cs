using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TpGen.Analyzers;
using TpGen.Generation;

namespace TpGen.Tests.Support;

/// <summary>A format file handed to the generator, as the build's AdditionalFiles would; <paramref name="SnapshotPath"/> is its folder inside the snapshot folder, as the build passes it.</summary>
internal sealed record FormatInput(string Path, string Text, string? Source = "snapshot", string? SnapshotPath = null)
{
    /// <summary>One kernel's snapshot in a snapshot folder of several (<c>Tracepoints/KERNEL/system/event/format</c>).</summary>
    public static FormatInput OfKernel(string kernel, string system, string name, string text) =>
        new($"/project/Tracepoints/{kernel}/{system}/{name}/format", text, "snapshot", $"{kernel}/{system}/{name}/");

    public static FormatInput Fixture(string system, string name, string root = "/project/Tracepoints") =>
        new($"{root}/{system}/{name}/format", Fixtures.FormatText(system, name));
}

/// <summary>Runs the generator directly with CSharpGeneratorDriver, as the Roslyn cookbook recommends.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = paths.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(TracepointAttribute).Assembly.Location));
        // The package puts TpGen.Core beside TpGen.Runtime in lib/: generated code names its specs (aggregations).
        references.Add(MetadataReference.CreateFromFile(typeof(TpGen.Aggregations.AggregationSpec).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(TpGen.Context.ProcessContext).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "UserProject",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/project/Source{i}.cs")),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(IEnumerable<FormatInput> formats, bool trackSteps = false) => Driver(formats, trackSteps, out _);

    /// <summary>A driver over <paramref name="formats"/>; <paramref name="texts"/> are the AdditionalTexts it holds, in order.</summary>
    public static GeneratorDriver Driver(IEnumerable<FormatInput> formats, bool trackSteps, out ImmutableArray<AdditionalText> texts)
    {
        texts = formats.Select(f => Text(f)).ToImmutableArray();
        var metadata = formats.ToDictionary(f => f.Path, f => (f.Source, f.SnapshotPath));
        return CSharpGeneratorDriver.Create(
            new[] { new TracepointGenerator().AsSourceGenerator() },
            texts,
            ParseOptions,
            new SourceOptionsProvider(metadata),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    /// <summary>Runs the generator over <paramref name="source"/> and returns what it produced and the compiled result.</summary>
    public static GeneratorOutcome Run(string source, params FormatInput[] formats) => Run(Compilation(source), formats);

    public static GeneratorOutcome Run(CSharpCompilation compilation, IEnumerable<FormatInput> formats)
    {
        GeneratorDriver driver = Driver(formats).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics, Xunit.TestContext.Current.CancellationToken);
        return new GeneratorOutcome(driver.GetRunResult(), output, diagnostics);
    }

    public static AdditionalText Text(FormatInput format) => new InMemoryText(format.Path, format.Text);

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class SourceOptionsProvider(Dictionary<string, (string? Source, string? SnapshotPath)> metadata) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(null, null);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(null, null);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            metadata.TryGetValue(textFile.Path, out var item) ? new Options(item.Source, item.SnapshotPath) : new Options(null, null);

        private sealed class Options(string? source, string? snapshotPath) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                string? found = key == TracepointGenerator.SourceMetadata ? source : key == TracepointGenerator.SnapshotPathMetadata ? snapshotPath : null;
                value = found ?? "";
                return found is not null;
            }
        }
    }
}

/// <summary>The generator's output: its run result, the compilation with generated code, and the generator's diagnostics.</summary>
internal sealed record GeneratorOutcome(GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    private ImmutableArray<Diagnostic>? _analyzerDiagnostics;

    /// <summary>The analyzer's diagnostics on the compiled result, as a build reports them (run on first use: it binds every tree).</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics => _analyzerDiagnostics ??=
        Output.WithAnalyzers([new TracepointClassAnalyzer()]).GetAnalyzerDiagnosticsAsync(Xunit.TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    /// <summary>What TpGen says in a build: the generator's diagnostics and the analyzer's.</summary>
    public IEnumerable<Diagnostic> Diagnostics => GeneratorDiagnostics.Concat(AnalyzerDiagnostics);

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public string GeneratedSource => string.Join("\n", Result.GeneratedTrees.Select(t => t.ToString()));

    /// <summary>The source text a diagnostic points at (generator diagnostics carry a path and span, not a tree).</summary>
    public string TextAt(Diagnostic diagnostic)
    {
        string path = diagnostic.Location.GetLineSpan().Path;
        SyntaxTree tree = Output.SyntaxTrees.Single(t => t.FilePath == path);
        return tree.GetText(Xunit.TestContext.Current.CancellationToken).ToString(diagnostic.Location.SourceSpan);
    }

    /// <summary>Diagnostics of the compiled result (user code plus generated code), warnings and errors only.</summary>
    public IEnumerable<Diagnostic> CompileProblems => Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
}
