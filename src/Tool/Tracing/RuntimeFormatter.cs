using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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
        string source = Source(events);
        return Load(Compile(source, CachePath(source), events.Count, progress));
    }

    /// <summary>
    /// The formatter, without waiting for Roslyn: from the cache when these events were compiled
    /// before (<paramref name="ready"/> is then complete); else compiled on a thread of its own
    /// from now on, and the formatter waits for that compile at its first call. A first trace
    /// (Roslyn's start and compile take seconds) then loads and attaches meanwhile; its records
    /// are held until <paramref name="ready"/> completes (see <see cref="HeldRecords"/>).
    /// </summary>
    public static RecordFormatter Start(IReadOnlyList<TracepointSchema> events, IProgress<string> progress, out Task ready)
    {
        string source = Source(events);
        string cached = CachePath(source);
        if (File.Exists(cached))
        {
            ready = Task.CompletedTask;
            return Load(cached);
        }
        var compiled = Task.Factory.StartNew(() => Load(Compile(source, cached, events.Count, progress)), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        ready = compiled;
        RecordFormatter? loaded = null;
        // GetResult, not Result: a compile that fails throws its own exception, not an AggregateException.
        return (ReadOnlySpan<byte> record, in RecordHeader header, Span<char> destination, out int charsWritten) =>
            (loaded ??= compiled.GetAwaiter().GetResult())(record, header, destination, out charsWritten);
    }

    private static string Source(IReadOnlyList<TracepointSchema> events) =>
        CSharpEmitter.Emit(new ProbeSetSpec(Namespace, EquatableArray<ContainingTypeSpec>.Empty, TypeName, events.ToEquatableArray()));

    private static string CachePath(string source) =>
        Path.Combine(Path.GetDirectoryName(BpfCompiler.CacheDirectory)!, "cs", BpfEmitter.Hash(source) + ".dll");

    private static string Compile(string source, string cached, int events, IProgress<string> progress)
    {
        if (!File.Exists(cached))
        {
            progress.Report($"compiling C# for {events} event(s)");
            (byte[]? image, IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> problems) = CSharpCompiler.Compile("TpGenTrace." + BpfEmitter.Hash(source), [CSharpCompiler.Parse(source, "TpGenTrace.g.cs")], optimize: true);
            if (image is null)
                throw new InvalidOperationException("The C# generated for these events does not compile; this is a TpGen bug: " + string.Join("; ", problems.Take(3)));
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            string temporary = cached + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, cached, overwrite: true);
        }
        return cached;
    }

    private static RecordFormatter Load(string cached)
    {
        Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(cached);
        MethodInfo method = assembly.GetType(Namespace + "." + TypeName, throwOnError: true)!.GetMethod("TryFormat", BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<RecordFormatter>();
    }
}
