using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using TpGen.Frontends;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>What every command shares: the events-directory option, spec parsing, and turning failures into exit codes.</summary>
internal static class CommandSupport
{
    /// <summary>Parses event specs; a bad one is a usage error.</summary>
    public static List<EventSpec> Specs(IEnumerable<string> texts, bool systemAlone)
    {
        var specs = new List<EventSpec>();
        foreach (string text in texts)
        {
            if (!EventSpec.TryParse(text, systemAlone, out EventSpec spec, out string error))
                throw new UsageException(error);
            specs.Add(spec);
        }
        return specs;
    }

    /// <summary>Whether <paramref name="e"/> is a failure of one event (or system) that leaves the others to do.</summary>
    public static bool IsEventFailure(Exception e) =>
        e is EventUnavailableException or TracefsException or FormatParseException or TpGen.Frontends.Headers.HeadersException or IOException or UnauthorizedAccessException;

    /// <summary>
    /// Does <paramref name="action"/> for each event, going on past the events it fails for:
    /// each failure is printed as <c>tpgen COMMAND: system:event: why</c>. Returns how many failed.
    /// </summary>
    public static int ForEachEvent(string command, IEnumerable<(string System, string Name)> events, Action<string, string> action)
    {
        int failed = 0;
        foreach ((string system, string name) in events)
        {
            try
            {
                action(system, name);
            }
            catch (Exception e) when (IsEventFailure(e))
            {
                failed++;
                Console.Error.WriteLine($"tpgen {command}: {system}:{name}: {e.Message}");
            }
        }
        return failed;
    }

    /// <summary>Prints what <paramref name="source"/> could not read or match, one line each; returns how many.</summary>
    public static int ReportProblems(string command, EventSource source)
    {
        foreach (EventProblem problem in source.Problems)
            Console.Error.WriteLine($"tpgen {command}: {(problem.What.Length == 0 ? "" : problem.What + ": ")}{problem.Message}");
        return source.Problems.Count;
    }

    /// <summary>Runs a command body; known failures print one clear line and map to exit codes.</summary>
    public static int Run(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"tpgen {command}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is TracefsException or TpGen.Files.TraceFileException or Recording.RecordException or ProbeException or FormatParseException or KernelBtfException or TpGen.Frontends.Headers.HeadersException or EventUnavailableException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tpgen {command}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
