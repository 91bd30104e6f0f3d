using System;
using System.CommandLine;
using TpGen.Tool.Aggregation;
using TpGen.Tool.Events;
using TpGen.Tool.Packets;
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
            Description = "Only events where this holds, decided in the kernel: comparisons of fields with numbers, strings or the names the event gives its values, joined with && || ! and parentheses; 'comm' is the running task's command where the event has no comm field, 'current.comm' always; e.g. 'reason == NO_SOCKET && protocol == 0x800', 'comm ~ \"nginx*\"'.",
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
        var packet = new Option<bool>("--packet")
        {
            Description = "For skb events (skb:kfree_skb, tp_btf:kfree_skb, ...): add each packet's addresses, ports, transport protocol, device and network namespace (JSON: saddr, daddr, sport, dport, l4proto, dev, netns).",
        };
        var pcap = new Option<string?>("--pcap")
        {
            HelpName = "FILE",
            Description = "Write the packets of skb events to FILE as pcapng (Wireshark, tshark): an interface per device, each packet with the event's text (a drop's reason and location) as its comment. Implies --packet.",
        };
        var member = new Option<string[]>("--member")
        {
            HelpName = "PATH",
            Description = "For tp_btf events: also read this kernel struct member from a typed argument, e.g. 'skb->dev->ifindex' (repeatable); resolved by name in the running kernel's BTF.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("trace", "Trace tracepoints and print each event, decoded, until Ctrl-C, --duration or --limit. Syscall arguments that point to strings (openat's filename) are printed as text; tp_btf:EVENT reads any tracepoint with its C arguments, typed by BTF, bare ones too.")
        {
            events, filter, output, duration, limit, ringSize, packet, pcap, member,
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
                RingSize.Parse(parse.GetValue(ringSize)),
                new TraceContextRequest(parse.GetValue(packet), parse.GetValue(pcap), parse.GetValue(member) ?? []));

            using var stop = new StopSignals();
            using var progress = new ConsoleProgress(Console.Error);
            if (aggregate is not null)
                return AggregationSession.Run(request.Events, request.Filter, aggregate, request.Mode == TraceMode.Json, request.Duration,
                    DurationText.Parse("--interval", parse.GetValue(interval)), request.RingBufferSize, Console.Out, Console.Error, progress, stop.Token);
            return TraceSession.Run(request, Console.Error, progress, stop.Token);
        }));
        return command;
    }
}
