using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Tool.Checking;

/// <summary>Runs every event of an events directory through TpGen's pipeline, stage by stage.</summary>
internal static class EventChecker
{
    public static CheckReport Check(string eventsDirectory, IProgress<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<CheckFailure>();

        progress.Report("reading formats");
        EventsDirectoryResult read = Tracefs.ReadAll(eventsDirectory);
        var unparsed = new HashSet<string>();
        foreach (FormatDiagnostic error in read.Diagnostics.Where(d => d.IsError))
        {
            string name = EventName(eventsDirectory, error.File);
            if (unparsed.Add(name))
                failures.Add(new CheckFailure(name, CheckStage.Parse, $"{error.Line}:{error.Column}: {error.Message}"));
        }

        progress.Report($"compiling C# for {read.Events.Count} events");
        IReadOnlyList<CheckFailure> compileFailures = CSharpCompileStage.Compile(read.Events);
        failures.AddRange(compileFailures);

        return new CheckReport
        {
            Events = read.Events.Count + unparsed.Count,
            Parsed = read.Events.Count,
            CSharpCompiled = read.Events.Count - compileFailures.Select(f => f.Event).Distinct().Count(),
            ElapsedMilliseconds = clock.ElapsedMilliseconds,
            Failures = failures,
        };
    }

    // A format's path is events/system/event/format; failures name the event as system:event.
    private static string EventName(string eventsDirectory, string path)
    {
        string? eventDirectory = Path.GetDirectoryName(path);
        string? systemDirectory = eventDirectory is null ? null : Path.GetDirectoryName(eventDirectory);
        return systemDirectory is null ? path : Path.GetFileName(systemDirectory) + ":" + Path.GetFileName(eventDirectory);
    }
}
