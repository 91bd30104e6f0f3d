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
        var command = new Command("check", "Parse every tracepoint format and compile the C# generated for it; prints counts and each failure.")
        {
            eventsDirectory,
            json,
        };
        command.SetAction(parse =>
        {
            string events = parse.GetValue(eventsDirectory)?.FullName ?? Tracefs.EventsDirectory;
            try
            {
                var progress = new ConsoleProgress(Console.Error);
                CheckReport report = EventChecker.Check(events, progress);
                if (parse.GetValue(json))
                    report.WriteJson(Console.Out);
                else
                    report.WriteText(Console.Out);
                return report.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (TracefsException e)
            {
                Console.Error.WriteLine("tpgen check: " + e.Message);
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
