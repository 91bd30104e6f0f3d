using System;
using System.CommandLine;
using TpGen.Tool.Aggregation;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>
/// <c>tpgen serve --listen ADDRESS:PORT EVENT... --count-by ...</c>: aggregates in the kernel and
/// serves the aggregations at <c>/metrics</c> in Prometheus's text format until SIGINT or SIGTERM,
/// as ebpf_exporter does.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to aggregate, SYSTEM:EVENT (globs allowed).", Arity = ArgumentArity.ZeroOrMore };
        CompletionCommand.AddEventCompletions(events);
        var listen = new Option<string>("--listen")
        {
            HelpName = "ADDRESS:PORT",
            Description = "Where to serve /metrics: 127.0.0.1:9464 (the default), [::1]:9464, or 0.0.0.0:9464 for every interface.",
            DefaultValueFactory = _ => "127.0.0.1:9464",
        };
        var filter = new Option<string?>("--filter") { Description = "Only events where this holds, decided in the kernel (as for tpgen trace)." };
        var ringSize = new Option<string?>("--ring-size") { HelpName = "BYTES", Description = "The kernel ring buffer (unused by aggregations; default 4M)." };
        var command = new Command("serve", "Aggregate tracepoints in the kernel and serve the aggregations as Prometheus metrics at http://ADDRESS:PORT/metrics (an OpenTelemetry meter), until Ctrl-C or SIGTERM.")
        {
            events, listen, filter, ringSize,
        };
        AggregationOptions aggregation = AggregationOptions.AddTo(command);
        command.SetAction(parse => CommandSupport.Run("serve", () =>
        {
            AggregationRequest request = aggregation.Read(parse)
                ?? throw new UsageException("tpgen serve publishes aggregations: add --count-by, --sum, --min, --max, --hist or --latency");
            ListenAddress address = ListenAddress.Parse(parse.GetValue(listen)!);
            using var stop = new StopSignals();
            using var progress = new ConsoleProgress(Console.Error);
            return MetricsServer.Run(CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false), parse.GetValue(filter), request, address,
                RingSize.Parse(parse.GetValue(ringSize)), Console.Error, progress, stop.Token);
        }));
        return command;
    }
}
