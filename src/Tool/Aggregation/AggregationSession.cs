using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using TpGen.Aggregations;
using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Frontends.Tracefs;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tool.Commands;
using TpGen.Tool.Events;

namespace TpGen.Tool.Aggregation;

/// <summary>
/// <c>tpgen trace</c> with aggregations: attaches the events with their aggregations computed in
/// the kernel (no event reaches user space), then prints snapshots every <c>--interval</c> and at
/// the end, with what did not fit.
/// </summary>
internal static class AggregationSession
{
    /// <summary>Reads the events (those named and those a latency needs), checks the filter and the aggregations against them, and attaches.</summary>
    /// <exception cref="UsageException">An event, the filter or an aggregation does not fit.</exception>
    public static ProbeSet Attach(string name, IReadOnlyList<EventSpec> named, string? filter, AggregationRequest request, int ringBufferSize, IProgress<string> progress)
    {
        Privileges.Require();
        EventSource kernel = TracefsSource.Open(null);
        var specs = new List<EventSpec>(named);
        foreach (string latencyEvent in request.LatencyEvents)
            specs.AddRange(CommandSupport.Specs(new[] { latencyEvent }, systemAlone: false));
        if (specs.Count == 0)
            throw new UsageException("name the events to trace (SYSTEM:EVENT), or a --latency");
        var schemas = new List<TracepointSchema>();
        foreach (var resolved in kernel.Resolve(specs))
        {
            TracepointSchema schema = kernel.Read(resolved.System, resolved.Name);
            if (!schemas.Any(s => s.FullName == schema.FullName))
                schemas.Add(schema);
        }

        var filters = new List<FilterExpr?>();
        foreach (TracepointSchema schema in schemas)
        {
            try
            {
                filters.Add(filter is null ? null : FilterParser.Parse(filter, schema));
            }
            catch (FilterException e)
            {
                throw new UsageException($"--filter for {schema.FullName}: {e.Problem} at column {e.Column}:\n  {e.Pointer.Replace("\n", "\n  ")}");
            }
        }
        IReadOnlyList<AggregationSpec> aggregations = request.Specs(schemas);

        progress.Report($"generating BPF for {schemas.Count} event(s)");
        string source = BpfEmitter.Emit("tpgen.trace", schemas, BpfOptions.Default, filters);
        var definition = new ProbeSetDefinition(name, source, BpfEmitter.Hash(source),
            schemas.Select(s => new ProbeDefinition(s.System, s.Name, FormatFileWriter.Write(s), filter)).ToList())
        {
            Aggregations = aggregations,
        };
        progress.Report("loading and attaching");
        return ProbeSet.Attach(definition, new ProbeOptions { LostRecordsLog = null, RingBufferSize = ringBufferSize });
    }

    /// <summary>Aggregates until <paramref name="cancellation"/> (Ctrl-C, SIGTERM) or <paramref name="duration"/>, printing every <paramref name="interval"/> and at the end.</summary>
    public static int Run(IReadOnlyList<EventSpec> events, string? filter, AggregationRequest request, bool json, TimeSpan? duration, TimeSpan? interval,
        int ringBufferSize, TextWriter output, TextWriter error, IProgress<string> progress, CancellationToken cancellation)
    {
        using ProbeSet probes = Attach("tpgen-trace", events, filter, request, ringBufferSize, progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (duration is { } limit)
            stop.CancelAfter(limit);
        error.WriteLine($"tpgen trace: tracing {string.Join(", ", probes.Definition.Probes.Select(p => p.FullName).Take(8))}{(probes.Definition.Probes.Count > 8 ? $" and {probes.Definition.Probes.Count - 8} more" : "")}" +
            $"{(filter is null ? "" : " where " + filter)}, aggregating in the kernel; Ctrl-C to stop.");

        var printer = new AggregationPrinter(output, json, named: probes.Aggregations.Count > 1, new AggregationKeyText(probes.Definition));
        var started = Stopwatch.StartNew();
        long counted = 0;
        while (!stop.IsCancellationRequested)
        {
            if (interval is not { } every)
            {
                stop.Token.WaitHandle.WaitOne();
                break;
            }
            if (stop.Token.WaitHandle.WaitOne(every))
                break;
            if (!json)
                output.WriteLine(DateTime.Now.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            counted += Print(probes, printer, reset: true, output, error);
        }
        counted += Print(probes, printer, reset: interval is not null, output, error);
        error.WriteLine($"tpgen trace: {counted} events aggregated in the kernel in {started.Elapsed.TotalSeconds:0.0} s; {probes.Statistics.Delivered} sent to user space");
        return ExitCodes.Success;
    }

    // Prints every aggregation; returns the events they counted. What did not fit goes to standard error.
    private static long Print(ProbeSet probes, AggregationPrinter printer, bool reset, TextWriter output, TextWriter error)
    {
        long events = 0;
        foreach (TpGen.Aggregations.Aggregation aggregation in probes.Aggregations)
        {
            AggregationSnapshot snapshot = reset ? aggregation.ReadAndReset() : aggregation.Read();
            printer.Write(snapshot);
            events += snapshot.TotalCount;
            if (snapshot.LossReport() is { } lost)
                error.WriteLine("tpgen trace: lost: " + lost);
        }
        output.Flush();
        return events;
    }
}
