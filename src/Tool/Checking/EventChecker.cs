using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Frontends;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Schema;

namespace TpGen.Tool.Checking;

/// <summary>
/// Runs every event of an events directory through TpGen's pipeline: parse, C# compile, BPF
/// compile, and (on the running kernel) load and attach. C# compiles while clang and the kernel
/// work, since they use different resources.
/// </summary>
internal static class EventChecker
{
    /// <summary>Checks every event of <paramref name="eventsDirectory"/>: compiles unless <paramref name="compile"/> is false, loads and attaches when <paramref name="load"/>.</summary>
    public static CheckReport Check(string eventsDirectory, bool load, bool compile, IProgress<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var timings = new List<(string, long)>();
        var failures = new List<CheckFailure>();

        progress.Report("reading formats");
        EventsDirectoryResult read = Tracefs.ReadAll(eventsDirectory);
        var unparsed = new HashSet<string>();
        foreach (FormatDiagnostic error in read.Diagnostics.Where(d => d.IsError))
        {
            string name = EventName(error.File);
            if (unparsed.Add(name))
                failures.Add(new CheckFailure(name, CheckStage.Parse, $"{error.Line}:{error.Column}: {error.Message}"));
        }
        timings.Add(("parse", clock.ElapsedMilliseconds));

        var csharpClock = Stopwatch.StartNew();
        Task<IReadOnlyList<CheckFailure>> csharp = Task.FromResult<IReadOnlyList<CheckFailure>>([]);
        if (compile)
        {
            progress.Report($"compiling C# for {read.Events.Count} events");
            csharp = Task.Run(() => CSharpCompileStage.Compile(read.Events));
        }

        // ftrace's own events are the tracer's records, not tracepoints: nothing attaches to them.
        var tracepoints = read.Events.Where(e => e.System != "ftrace").ToList();
        string objects = Directory.CreateTempSubdirectory("tpgen-check").FullName;
        var bpf = new BpfStage(objects, progress);
        try
        {
            if (compile)
            {
                var bpfClock = Stopwatch.StartNew();
                bpf.Compile(tracepoints, failures);
                timings.Add(("BPF compile", bpfClock.ElapsedMilliseconds));
            }
            if (load)
            {
                // Events that failed to parse or compile are not loaded again.
                var failed = new HashSet<string>(failures.Select(f => f.Event));
                var loadClock = Stopwatch.StartNew();
                bpf.Load(tracepoints.Where(e => !failed.Contains(e.FullName)).ToList(), failures);
                timings.Add(("load and attach", loadClock.ElapsedMilliseconds));
            }
        }
        finally
        {
            Directory.Delete(objects, recursive: true);
        }

        IReadOnlyList<CheckFailure> compileFailures = csharp.GetAwaiter().GetResult();
        if (compile)
            timings.Add(("C# compile (alongside)", csharpClock.ElapsedMilliseconds));
        failures.AddRange(compileFailures);

        return new CheckReport
        {
            Events = read.Events.Count + unparsed.Count,
            Parsed = read.Events.Count,
            CSharpCompiled = compile ? read.Events.Count - compileFailures.Select(f => f.Event).Distinct().Count() : 0,
            CompileChecked = compile,
            BpfCompiled = bpf.Compiled,
            Loaded = bpf.Loaded,
            LoadChecked = load,
            NotTracepoints = read.Events.Count - tracepoints.Count,
            ElapsedMilliseconds = clock.ElapsedMilliseconds,
            Timings = timings,
            Failures = failures,
        };
    }

    // A format's path is events/system/event/format; failures name the event as system:event.
    private static string EventName(string path)
    {
        string? eventDirectory = Path.GetDirectoryName(path);
        string? systemDirectory = eventDirectory is null ? null : Path.GetDirectoryName(eventDirectory);
        return systemDirectory is null ? path : Path.GetFileName(systemDirectory) + ":" + Path.GetFileName(eventDirectory);
    }
}
