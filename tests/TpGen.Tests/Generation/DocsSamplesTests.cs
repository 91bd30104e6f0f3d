using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

/// <summary>
/// The C# in the docs compiles as a user pastes it: each block into a new console project
/// (implicit usings on, as <c>dotnet new console</c> makes it), beside the generated code for
/// skb:kfree_skb and skb:consume_skb. A block that uses an undeclared <c>cancellationToken</c> or
/// <c>stop</c> gets one, as the surrounding prose says.
/// </summary>
public sealed class DocsSamplesTests
{
    // What <ImplicitUsings>enable</ImplicitUsings> gives a console project.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private const string ProbeSet = """
        [TpGen.Tracepoint("skb", "kfree_skb")]
        [TpGen.Tracepoint("skb", "consume_skb")]
        public partial class SkbDrops;
        """;

    public static TheoryData<string, int> Samples()
    {
        var data = new TheoryData<string, int>();
        // Blocks fenced ```cs instead (aggregation.md's sched and OpenTelemetry ones) need events or packages beyond these.
        foreach (string doc in new[] { "api.md", "getting-started.md", "aggregation.md" })
        {
            for (int i = 0; i < Blocks(doc).Count; i++)
                data.Add(doc, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryCSharpBlockOfTheDocs_CompilesAsAUserPastesIt(string doc, int block)
    {
        string code = Blocks(doc)[block];
        SyntaxTree sample = CSharpSyntaxTree.ParseText(WithContext(code), GeneratorHarness.ParseOptions, path: $"/project/{doc}.{block}.cs", cancellationToken: TestContext.Current.CancellationToken);
        bool program = sample.GetRoot(TestContext.Current.CancellationToken).ChildNodes().OfType<GlobalStatementSyntax>().Any();
        var sources = new List<string> { ImplicitUsings };
        if (!code.Contains("partial class SkbDrops", StringComparison.Ordinal))
            sources.Add(ProbeSet);
        CSharpCompilation compilation = GeneratorHarness.Compilation([.. sources])
            .AddSyntaxTrees(sample)
            .WithOptions(new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorOutcome outcome = GeneratorHarness.Run(compilation, [FormatInput.Fixture("skb", "kfree_skb"), FormatInput.Fixture("skb", "consume_skb")]);

        Assert.Empty(outcome.Errors);
        var errors = outcome.Output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{doc}, block {block + 1}:\n{code}\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void AViewInAnInterpolatedString_DoesNotCompile_AsTheApiDocSays()
    {
        const string code = """
            using TpGen;
            using SkbDrops drops = SkbDrops.Attach();
            drops.Run(onKfreeSkb: (in SkbDrops.KfreeSkb drop) => Console.WriteLine($"{drop}"));
            """;
        CSharpCompilation compilation = GeneratorHarness.Compilation(ImplicitUsings, ProbeSet)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions, path: "/project/Program.cs", cancellationToken: TestContext.Current.CancellationToken))
            .WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true));

        GeneratorOutcome outcome = GeneratorHarness.Run(compilation, [FormatInput.Fixture("skb", "kfree_skb"), FormatInput.Fixture("skb", "consume_skb")]);

        Diagnostic error = Assert.Single(outcome.Output.GetDiagnostics(TestContext.Current.CancellationToken), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS9244", error.Id);
        Assert.Contains("$\"{drop}\"", File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "docs", "api.md")));
    }

    private static List<string> Blocks(string doc) =>
        Regex.Matches(File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "docs", doc)), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value).ToList();

    // The variables the prose around a block gives it, declared after its using directives.
    private static string WithContext(string code)
    {
        var lines = code.Split('\n').ToList();
        int firstStatement = lines.FindIndex(l => !Regex.IsMatch(l, @"^\s*(using [A-Za-z_.]+;)?\s*(//.*)?$"));
        var declarations = new List<string>();
        if (Uses(code, "stop") && !Regex.IsMatch(code, @"\bvar stop\b"))
            declarations.Add("using var stop = new CancellationTokenSource();");
        if (Uses(code, "cancellationToken"))
            declarations.Add("CancellationToken cancellationToken = default;");
        if (declarations.Count == 0 || firstStatement < 0 || Regex.IsMatch(lines[firstStatement], @"^\s*(\[|public |internal )"))
            return code;
        lines.InsertRange(firstStatement, declarations);
        return string.Join('\n', lines);
    }

    // Used as a value, not only as a named argument ("cancellationToken: stop.Token").
    private static bool Uses(string code, string name) => Regex.IsMatch(code, $@"\b{name}\b(?!\s*:)");
}
