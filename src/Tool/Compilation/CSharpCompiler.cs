using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TpGen.Tool.Compilation;

/// <summary>Compiles generated C# in memory with Roslyn, against the framework and TpGen.Runtime.</summary>
internal static class CSharpCompiler
{
    // Reading the framework's metadata is the slow part of a small compilation; do it once.
    private static readonly Lazy<MetadataReference[]> s_references = new(() => References().ToArray());

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>Compiles <paramref name="trees"/>; the image is null when there are errors.</summary>
    public static (byte[]? Image, IReadOnlyList<Diagnostic> Problems) Compile(string assemblyName, IEnumerable<SyntaxTree> trees, bool optimize = false)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, trees, s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
                nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return (result.Success ? image.ToArray() : null, problems);
    }

    private static IEnumerable<MetadataReference> References()
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        foreach (string path in platform)
        {
            string file = Path.GetFileName(path);
            if (file.StartsWith("System.", StringComparison.Ordinal) || file is "netstandard.dll" or "mscorlib.dll")
                yield return MetadataReference.CreateFromFile(path);
        }
        yield return MetadataReference.CreateFromFile(typeof(TracepointAttribute).Assembly.Location);
        // Generated code names Core's types too (the schema, ProcessContext), as a user's project references both.
        yield return MetadataReference.CreateFromFile(typeof(TpGen.Context.ProcessContext).Assembly.Location);
    }
}
