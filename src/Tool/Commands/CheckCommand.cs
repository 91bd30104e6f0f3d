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
        var command = new Command("check", "Run every tracepoint through the pipeline: parse its format, compile the generated C# and BPF, load and attach the BPF; prints counts, time per stage and each failure.")
        {
            eventsDirectory,
            noLoad,
            json,
        };
        command.SetAction(parse =>
        {
            string? directory = parse.GetValue(eventsDirectory)?.FullName;
            string events = directory ?? Tracefs.EventsDirectory;
            // Formats of another kernel (--events-dir) cannot be loaded into this one.
            bool load = !parse.GetValue(noLoad) && directory is null;
            try
            {
                CheckReport report;
                using (var progress = new ConsoleProgress(Console.Error))
                    report = EventChecker.Check(events, load, progress);
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
