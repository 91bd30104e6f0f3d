using System;
using System.CommandLine;
using TpGen.Tool.Events;
using TpGen.Tool.Recording;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen record -o FILE SPEC...</c>: records events into a trace.dat file that trace-cmd, KernelShark and TpGen read.</summary>
internal static class RecordCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to record, SYSTEM:EVENT (globs allowed, e.g. 'skb:*').", Arity = ArgumentArity.OneOrMore };
        CompletionCommand.AddEventCompletions(events);
        var output = new Option<string>("--output", "-o") { Description = "The trace.dat file to write (trace-cmd's version 6 format).", Required = true };
        var filter = new Option<string?>("--filter")
        {
            Description = "Only events where this holds, decided in the kernel as the events are written: the language of 'tpgen trace --filter', e.g. 'reason == NO_SOCKET'.",
        };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (else at Ctrl-C or SIGTERM)." };
        var bufferSize = new Option<int?>("--buffer-size")
        {
            HelpName = "KIB",
            Description = "The kernel's ring buffer per CPU, in KiB (default: the kernel's, about 1.4 MiB). Raise it when events are lost.",
        };
        var command = new Command("record", "Record tracepoints into a trace.dat file, to analyse later with 'tpgen report', trace-cmd report, KernelShark or TpGen's TraceDataFile.")
        {
            events, output, filter, duration, bufferSize,
        };
        command.SetAction(parse => CommandSupport.Run("record", () =>
        {
            double? seconds = parse.GetValue(duration);
            if (seconds is <= 0)
                throw new UsageException("--duration must be more than 0 seconds");
            int? kilobytes = parse.GetValue(bufferSize);
            if (kilobytes is < 4 or > 4 * 1024 * 1024)
                throw new UsageException("--buffer-size is KiB per CPU, from 4 to 4194304");
            var request = new RecordRequest(
                parse.GetValue(output)!,
                CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false),
                parse.GetValue(filter),
                seconds is null ? null : TimeSpan.FromSeconds(seconds.Value),
                kilobytes);

            using var stop = new StopSignals();
            return RecordSession.Run(request, Console.Error, stop.Token);
        }));
        return command;
    }
}
