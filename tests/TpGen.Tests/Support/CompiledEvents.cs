using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TpGen.Emitters.CSharp;
using TpGen.Kernel;
using TpGen.Schema;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Generated code for many events at once, compiled in memory and loaded: the way a test calls
/// the generated <c>ToString()</c> of events it only knows at run time. The generator runs as a
/// user's build runs it (one probe set per system), and a small dispatcher, written from the
/// symbols of the generated types, maps <c>system:name</c> to <c>Read(record).ToString()</c>.
/// </summary>
internal sealed class CompiledEvents
{
    /// <summary>Where the dispatcher's source sits in the compilation (its diagnostics are not the generated code's).</summary>
    private const string DispatchPath = "/project/Dispatch.cs";

    private static readonly ConcurrentDictionary<string, Lazy<CompiledEvents>> KernelBuilds = new(StringComparer.Ordinal);

    private readonly Func<int, byte[], string?> _format;
    private readonly Dictionary<string, int> _index;

    private CompiledEvents(Func<int, byte[], string?> format, Dictionary<string, int> index, IReadOnlyDictionary<string, string> fallbacks)
    {
        _format = format;
        _index = index;
        Fallbacks = fallbacks;
    }

    /// <summary>Events whose text falls back to a field list (TPGEN0040), with the generator's reason.</summary>
    public IReadOnlyDictionary<string, string> Fallbacks { get; private init; }

    /// <summary>The generator's warnings (a build shows them), as text.</summary>
    public IReadOnlyList<string> GeneratorWarnings { get; private init; } = [];

    /// <summary>Warnings and errors of compiling the user's and the generated code (the dispatcher's own left out), as text.</summary>
    public IReadOnlyList<string> CompileProblems { get; private init; } = [];

    /// <summary>How many files the generator wrote.</summary>
    public int GeneratedFiles { get; private init; }

    /// <summary>Time the generator took, with the analyzer's pass over its output.</summary>
    public long GenerateMilliseconds { get; private init; }

    /// <summary>Time the compile and load of the generated code took after that.</summary>
    public long CompileMilliseconds { get; private init; }

    /// <summary>
    /// Every event of the events directory <paramref name="eventsDirectory"/> (this kernel's tracefs),
    /// from its format files as they are, generated and compiled once for every test that asks
    /// (generating and compiling a whole kernel takes a minute of both cores; the tests that want
    /// it assert different things of the same output).
    /// </summary>
    public static CompiledEvents OfEventsDirectory(string eventsDirectory) =>
        KernelBuilds.GetOrAdd(eventsDirectory, directory => new Lazy<CompiledEvents>(() =>
        {
            EventsDirectoryResult all = Tracefs.ReadAll(directory);
            return Build(all.Events, e => File.ReadAllText(Path.Combine(directory, e.System, e.Name, "format")));
        })).Value;

    /// <summary>Whether <paramref name="key"/> (<c>system:name</c>) was compiled.</summary>
    public bool Contains(string key) => _index.ContainsKey(key);

    /// <summary>The generated <c>ToString()</c> of the record; null when the generated <c>TryRead</c> rejects it.</summary>
    public string? Format(string key, byte[] record) => _format(_index[key], record);

    /// <summary>Generates, compiles and loads the code of <paramref name="events"/>, whose format files are given by <paramref name="formatText"/>.</summary>
    public static CompiledEvents Build(IReadOnlyList<TracepointSchema> events, Func<TracepointSchema, string> formatText)
    {
        var source = new StringBuilder("namespace AllEvents;\n");
        foreach (IGrouping<string, TracepointSchema> system in events.GroupBy(e => e.System))
        {
            foreach (TracepointSchema schema in system)
                source.Append($"[TpGen.Tracepoint(\"{schema.System}\", \"{schema.Name}\")]\n");
            source.Append($"public partial class {CSharpNames.ToPascalCase(system.Key)}Events {{ }}\n");
        }
        FormatInput[] formats = events.Select(e => new FormatInput($"/sys/kernel/tracing/events/{e.System}/{e.Name}/format", formatText(e), "tracefs")).ToArray();
        var clock = Stopwatch.StartNew();
        GeneratorOutcome outcome = GeneratorHarness.Run(GeneratorHarness.Compilation(source.ToString()), formats);
        Assert.Empty(outcome.Errors);
        long generated = clock.ElapsedMilliseconds;
        if (Environment.GetEnvironmentVariable("TPGEN_DUMP_GENERATED") is { Length: > 0 } dump)
            File.WriteAllText(dump, outcome.GeneratedSource);

        var fallbacks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Diagnostic note in outcome.GeneratorDiagnostics.Where(d => d.Id == "TPGEN0040"))
        {
            string message = note.GetMessage();
            string key = message.Split(' ')[2];
            fallbacks[key.EndsWith("'s", StringComparison.Ordinal) ? key[..^2] : key] = message;
        }

        // The dispatcher: one case per generated view type, found by its SystemName/EventName constants.
        var keys = new List<string>();
        var dispatch = new StringBuilder("public static class TpGenDispatch\n{\n    public static string? Format(int index, byte[] record)\n    {\n        switch (index)\n        {\n");
        foreach (INamedTypeSymbol view in ViewTypes(outcome.Output.GlobalNamespace))
        {
            string system = (string)view.GetMembers("SystemName").OfType<IFieldSymbol>().Single().ConstantValue!;
            string name = (string)view.GetMembers("EventName").OfType<IFieldSymbol>().Single().ConstantValue!;
            string type = view.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            dispatch.Append($"            case {keys.Count}: return {type}.TryRead(record, out var v{keys.Count}) ? v{keys.Count}.ToString() : null;\n");
            keys.Add(system + ":" + name);
        }
        dispatch.Append("            default: return null;\n        }\n    }\n}\n");

        Compilation compilation = outcome.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(dispatch.ToString(), GeneratorHarness.ParseOptions, path: DispatchPath));
        using var image = new MemoryStream();
        // Emitting reports every diagnostic of the compilation, warnings too: one bind serves both.
        var emitted = compilation.Emit(image, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        List<string> problems = emitted.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.GetLineSpan().Path != DispatchPath)
            .Select(d => d.ToString())
            .ToList();

        image.Position = 0;
        Assembly assembly = new SharedRuntimeContext().LoadFromStream(image);
        MethodInfo method = assembly.GetType("TpGen" + "Dispatch")!.GetMethod("Format")!;
        var format = method.CreateDelegate<Func<int, byte[], string?>>();
        var index = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
        return new CompiledEvents(format, index, fallbacks)
        {
            GeneratorWarnings = outcome.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList(),
            CompileProblems = problems,
            GeneratedFiles = outcome.Result.GeneratedTrees.Length,
            GenerateMilliseconds = generated,
            CompileMilliseconds = clock.ElapsedMilliseconds - generated,
        };
    }

    private static IEnumerable<INamedTypeSymbol> ViewTypes(INamespaceSymbol root)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(root.GetNamespaceMembers().Single(n => n.Name == "AllEvents"));
        while (pending.Count > 0)
        {
            INamespaceOrTypeSymbol current = pending.Pop();
            foreach (INamedTypeSymbol type in current.GetTypeMembers())
            {
                if (type.IsRefLikeType && type.GetMembers("SystemName").Length == 1 && type.GetMembers("EventName").Length == 1)
                    yield return type;
                pending.Push(type);
            }
        }
    }

    /// <summary>Loads the generated assembly beside the test's own TpGen.Runtime, so both share one KernelSymbols and PrintkFormats.</summary>
    private sealed class SharedRuntimeContext() : AssemblyLoadContext("TpGen.Tests.CompiledEvents", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
