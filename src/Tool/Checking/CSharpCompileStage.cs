using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TpGen.Emitters;
using TpGen.Emitters.CSharp;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Tool.Checking;

/// <summary>
/// Emits each event as its own probe set with the generator's emitter and compiles them all in
/// one compilation, so each warning or error belongs to exactly one event.
/// </summary>
internal static class CSharpCompileStage
{
    public static IReadOnlyList<CheckFailure> Compile(IReadOnlyList<TracepointSchema> events)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = new List<SyntaxTree>(events.Count);
        var owners = new Dictionary<SyntaxTree, string>();
        foreach (TracepointSchema schema in events)
        {
            var spec = new ProbeSetSpec("TpGenCheck", EquatableArray<ContainingTypeSpec>.Empty, CSharpNames.ToPascalCase(schema.System) + "_" + CSharpNames.ToPascalCase(schema.Name), new EquatableArray<TracepointSchema>(new[] { schema }));
            SyntaxTree tree = CSharpSyntaxTree.ParseText(CSharpEmitter.Emit(spec), parseOptions, path: schema.System + "/" + schema.Name + ".g.cs");
            trees.Add(tree);
            owners[tree] = schema.FullName;
        }

        CSharpCompilation compilation = CSharpCompilation.Create("TpGenCheck", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        var failures = new List<CheckFailure>();
        var failed = new HashSet<string>();
        using var assembly = new MemoryStream();
        foreach (Diagnostic diagnostic in compilation.Emit(assembly).Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            string owner = diagnostic.Location.SourceTree is { } tree && owners.TryGetValue(tree, out string? name) ? name : "(all)";
            if (failed.Add(owner))
                failures.Add(new CheckFailure(owner, CheckStage.CSharp, diagnostic.ToString()));
        }
        return failures;
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
    }
}
