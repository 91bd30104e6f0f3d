using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using System.Linq;
using TpGen.Emitters;
using TpGen.Emitters.Bpf;
using TpGen.Emitters.CSharp;
using TpGen.Formatting;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Text;
using TpGen.Tool.Compilation;

namespace TpGen.Tool.Tracing;

/// <summary>
/// Gives <c>tpgen trace</c> the kernel's text for any events, with no project: the generator's
/// own C# for them, compiled with Roslyn at run time and cached by its hash, so a second trace of
/// the same events starts at once.
/// </summary>
internal static class RuntimeFormatter
{
    private const string Namespace = "TpGenTrace";
    private const string TypeName = "Events";

    public static RecordFormatter Create(IReadOnlyList<TracepointSchema> events, IProgress<string> progress)
    {
        var spec = new ProbeSetSpec(Namespace, EquatableArray<ContainingTypeSpec>.Empty, TypeName, events.ToEquatableArray());
        string source = CSharpEmitter.Emit(spec);
        string cached = Path.Combine(Path.GetDirectoryName(BpfCompiler.CacheDirectory)!, "cs", BpfEmitter.Hash(source) + ".dll");
        if (!File.Exists(cached))
        {
            progress.Report($"compiling C# for {events.Count} event(s)");
            (byte[]? image, IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> problems) = CSharpCompiler.Compile("TpGenTrace." + BpfEmitter.Hash(source), [CSharpCompiler.Parse(source, "TpGenTrace.g.cs")], optimize: true);
            if (image is null)
                throw new InvalidOperationException("The C# generated for these events does not compile; this is a TpGen bug: " + string.Join("; ", problems.Take(3)));
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            string temporary = cached + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, cached, overwrite: true);
        }

        Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(cached);
        MethodInfo method = assembly.GetType(Namespace + "." + TypeName, throwOnError: true)!.GetMethod("TryFormat", BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<RecordFormatter>();
    }
}
