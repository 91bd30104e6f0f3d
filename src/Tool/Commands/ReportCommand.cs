using System;
using System.CommandLine;
using TpGen.Tool.Recording;
using TpGen.Tool.Tracing;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen report FILE</c>: prints a trace.dat file (tpgen record's or trace-cmd's) as tpgen trace prints live events.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { HelpName = "FILE", Description = "A trace.dat file: from tpgen record or trace-cmd record (versions 6 and 7, compressed or not)." };
        var filter = new Option<string?>("--filter")
        {
            Description = "Only events where this holds: the language of 'tpgen trace --filter', checked against the file's own formats.",
        };
        var output = new Option<string>("--output")
        {
            Description = "text (one line per event, the kernel's text) or json (one object per line, typed fields, enum names).",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");
        var countBy = new Option<string?>("--count-by") { Description = "Instead of printing events, count them by this field and print a table." };
        var command = new Command("report", "Print the events of a trace.dat file as 'tpgen trace' prints them, with the events the recording lost where it lost them.")
        {
            file, filter, output, countBy,
        };
        command.SetAction(parse => CommandSupport.Run("report", () =>
        {
            string? countField = parse.GetValue(countBy);
            var request = new ReportRequest(
                parse.GetValue(file)!,
                parse.GetValue(filter),
                countField is not null ? TraceMode.Count : parse.GetValue(output) == "json" ? TraceMode.Json : TraceMode.Text,
                countField);
            using var stop = new StopSignals();
            using var progress = new ConsoleProgress(Console.Error);
            return ReportSession.Run(request, Console.Error, progress, stop.Token);
        }));
        return command;
    }
}
