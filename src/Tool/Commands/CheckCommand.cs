using System;
using System.CommandLine;
using System.IO;
using TpGen.Kernel;
using TpGen.Tool.Checking;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen check</c>: runs every tracepoint of a kernel through the whole pipeline and reports what fails.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var eventsDirectory = new Option<DirectoryInfo?>("--events-dir")
        {
            Description = $"An events directory laid out as tracefs (system/event/format). Default: {Tracefs.DefaultRoot}/events.",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of text." };
        var noLoad = new Option<bool>("--no-load") { Description = "Stop after compiling: do not load the BPF programs into the running kernel or attach them." };
        var loadOnly = new Option<bool>("--load-only") { Description = "Skip the C# and BPF compiles: only parse, load and attach (needs no compiler; for slow or minimal machines)." };
        var command = new Command("check", "Run every tracepoint through the pipeline: parse its format, compile the generated C# and BPF, load and attach the BPF; prints counts, time per stage and each failure.")
        {
            eventsDirectory,
            noLoad,
            loadOnly,
            json,
        };
        command.SetAction(parse =>
        {
            string? directory = parse.GetValue(eventsDirectory)?.FullName;
            string events = directory ?? Tracefs.EventsDirectory;
            // Formats of another kernel (--events-dir) cannot be loaded into this one.
            bool load = !parse.GetValue(noLoad) && directory is null;
            if (parse.GetValue(noLoad) && parse.GetValue(loadOnly))
            {
                Console.Error.WriteLine("tpgen check: --no-load and --load-only leave nothing to check; choose one.");
                return ExitCodes.Usage;
            }
            try
            {
                CheckReport report;
                using (var progress = new ConsoleProgress(Console.Error))
                    report = EventChecker.Check(events, load, compile: !parse.GetValue(loadOnly), progress);
                if (parse.GetValue(json))
                    report.WriteJson(Console.Out);
                else
                    report.WriteText(Console.Out);
                return report.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (Exception e) when (e is TracefsException or TpGen.Probes.ProbeException)
            {
                Console.Error.WriteLine("tpgen check: " + e.Message);
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
