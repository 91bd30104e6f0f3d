using System;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Threading;
using TpGen.Tool.Aggregation;
using TpGen.Tool.Events;
using TpGen.Tool.Tracing;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen trace SPEC...</c>: traces any tracepoints, with no project.</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to trace, SYSTEM:EVENT (globs allowed, e.g. 'skb:*').", Arity = ArgumentArity.ZeroOrMore };
        CompletionCommand.AddEventCompletions(events);
        var filter = new Option<string?>("--filter")
        {
            Description = "Only events where this holds, decided in the kernel: comparisons of fields with numbers, strings or the names the event gives its values, joined with && || ! and parentheses, e.g. 'reason == NO_SOCKET && protocol == 0x800'.",
        };
        var output = new Option<string>("--output")
        {
            Description = "text (one line per event, as /sys/kernel/tracing/trace) or json (one object per line: numbers as numbers, and names, symbols and addresses as the text shows them).",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");
        var duration = new Option<string?>("--duration")
        {
            HelpName = "TIME",
            Description = "Stop after this long: seconds (5, 2.5), or with a unit: 500ms, 5s, 2m, 1h.",
        };
        var limit = new Option<long?>("--limit") { Description = "Stop after this many events." };
        var ringSize = new Option<string?>("--ring-size")
        {
            HelpName = "BYTES",
            Description = "The kernel ring buffer the events share: a power of two of at least 4K, with K or M for KiB or MiB (default 4M). Raise it when events are lost (ring buffer full).",
        };
        var command = new Command("trace", "Trace tracepoints and print each event, decoded, until Ctrl-C, --duration or --limit.")
        {
            events, filter, output, duration, limit, ringSize,
        };
        AggregationOptions aggregation = AggregationOptions.AddTo(command);
        var interval = new Option<string?>("--interval") { HelpName = "TIME", Description = "With aggregations: print them and start again from zero every TIME (seconds, or 500ms, 2m)." };
        command.Options.Add(interval);
        command.SetAction(parse => CommandSupport.Run("trace", () =>
        {
            TimeSpan? traceFor = DurationText.Parse("--duration", parse.GetValue(duration));
            long? maximum = parse.GetValue(limit);
            if (maximum is <= 0)
                throw new UsageException("--limit must be at least 1");
            AggregationRequest? aggregate = aggregation.Read(parse);
            if (aggregate is null && parse.GetValue(events)!.Length == 0)
                throw new UsageException("name the events to trace, SYSTEM:EVENT");
            var request = new TraceRequest(
                CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false),
                parse.GetValue(filter),
                parse.GetValue(output) == "json" ? TraceMode.Json : TraceMode.Text,
                null,
                traceFor,
                maximum ?? long.MaxValue,
                RingSize.Parse(parse.GetValue(ringSize)));

            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler interrupt = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += interrupt;
            using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                using var progress = new ConsoleProgress(Console.Error);
                if (aggregate is not null)
                    return AggregationSession.Run(request.Events, request.Filter, aggregate, request.Mode == TraceMode.Json, request.Duration,
                        DurationText.Parse("--interval", parse.GetValue(interval)), request.RingBufferSize, Console.Out, Console.Error, progress, stop.Token);
                return TraceSession.Run(request, Console.Error, progress, stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= interrupt;
            }
        }));
        return command;
    }
}
