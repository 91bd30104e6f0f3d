using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Formatting;
using TpGen.Frontends.Tracefs;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tool.Events;
using TpGen.Tool.Packets;

namespace TpGen.Tool.Tracing;

/// <summary>What <c>tpgen trace</c> was asked for.</summary>
internal sealed record TraceRequest(
    IReadOnlyList<EventSpec> Events,
    string? Filter,
    TraceMode Mode,
    string? CountBy,
    TimeSpan? Duration,
    long Limit,
    int RingBufferSize,
    TraceContextRequest? Context = null);

/// <summary>
/// <c>tpgen trace</c> with no project: the same pipeline a build runs, at run time. Reads the
/// events' formats, checks the filter against each, emits and compiles the BPF (filters
/// included, so rejected events never leave the kernel) and the C# for their text, attaches, and
/// prints until stopped.
/// </summary>
internal static class TraceSession
{
    public static int Run(TraceRequest request, TextWriter error, IProgress<string> progress, CancellationToken cancellation)
    {
        // First, so that a user without the capabilities is told which ones, not that tracefs is unreadable.
        Privileges.Require();
        // Only the running kernel's own descriptions can be attached.
        EventSource kernel = TracefsSource.Open(null);
        TraceContextRequest context = request.Context ?? TraceContextRequest.None;
        var schemas = TraceContext.ResolveEvents(request.Events, kernel, context, progress);
        if (schemas.Count > ushort.MaxValue)
            throw new UsageException($"{schemas.Count} events are more than one probe set holds ({ushort.MaxValue})");

        var filters = new List<FilterExpr?>();
        foreach (TracepointSchema schema in schemas)
        {
            if (request.CountBy is not null && schema.FindField(request.CountBy) is null)
                throw new UsageException($"--count-by: {schema.FullName} has no field '{request.CountBy}' (its fields: {string.Join(", ", schema.Fields.Where(f => !f.IsCommon).Select(f => f.Name))})");
            try
            {
                filters.Add(request.Filter is null ? null : FilterParser.Parse(request.Filter, schema));
            }
            catch (FilterException e)
            {
                throw new UsageException($"--filter for {schema.FullName}: {e.Problem} at column {e.Column}:\n  {e.Pointer.Replace("\n", "\n  ")}");
            }
        }

        progress.Report($"generating BPF for {schemas.Count} event(s)");
        string source = BpfEmitter.Emit("tpgen.trace", schemas, BpfOptions.Default, filters);
        var definition = new ProbeSetDefinition("tpgen-trace", source, BpfEmitter.Hash(source),
            TraceContext.Probes(schemas, request.Filter, context), process: TpGen.Context.ProcessContext.Command);
        bool text = request.Mode == TraceMode.Text || context.PcapPath is not null;
        // Compiled while the probes load and attach (the first time; later from the cache).
        System.Threading.Tasks.Task formatterReady = System.Threading.Tasks.Task.CompletedTask;
        RecordFormatter? formatter = text ? RuntimeFormatter.Start(schemas, progress, out formatterReady) : null;
        if (request.Mode != TraceMode.Count && schemas.Any(s => s.Print is not null && s.Print.Segments.Any(f => f.Conversion is { IsSymbol: true })))
            // Code addresses (%pS) print as symbols, in text and in JSON: /proc/kallsyms (megabytes) is read meanwhile, not at the first event.
            System.Threading.Tasks.Task.Run(() => TpGen.Kernel.KernelSymbols.Default);

        progress.Report("loading and attaching");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using ProbeSet probes = ProbeSet.Attach(definition, new ProbeOptions { LostRecordsLog = null, RingBufferSize = request.RingBufferSize, PacketBytes = context.PacketBytes });
        using TpGen.Packets.PcapngWriter? pcap = context.PcapPath is null ? null : TraceContext.OpenPcap(context, "tpgen trace " + string.Join(" ", schemas.Select(s => s.FullName).Take(8)));
        // The duration counts from the attach: loading and attaching can take longer than a short trace.
        if (request.Duration is { } duration)
            stop.CancelAfter(duration);
        error.WriteLine($"tpgen trace: tracing {string.Join(", ", schemas.Select(s => s.FullName).Take(8))}{(schemas.Count > 8 ? $" and {schemas.Count - 8} more" : "")}{(request.Filter is null ? "" : " where " + request.Filter)}; Ctrl-C to stop.");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var output = new TraceOutput(request.Mode, formatter, schemas.Select(s => new FieldPrinter(s)).ToArray(), request.CountBy, request.Limit, stop, new StandardOutputStream(), error);
        output.UseContext(probes.Layouts, pcap);
        // A first trace's formatter still compiles: records are held aside meanwhile, not left to fill the ring.
        HeldRecords? held = formatterReady.IsCompleted ? null : new HeldRecords(output, formatterReady, HeldBytes, error);
        try
        {
            // Into the hold until the formatter is ready (or the trace stops), then straight into the output.
            held?.Run(probes, stop.Token);
            if (!stop.IsCancellationRequested)
                probes.Run(output, stop.Token);
            if (request.Mode == TraceMode.Count)
                output.WriteCounts();
        }
        finally
        {
            output.Dispose();
        }

        ProbeStatistics statistics = probes.Statistics;
        error.WriteLine($"tpgen trace: {output.Printed} events in {started.Elapsed.TotalSeconds:0.0} s; {statistics.Dropped} lost (ring buffer full){(held is { Overflow: > 0 } ? $", {held.Overflow} lost while the formatter compiled" : "")}; {statistics.Truncated} with payloads cut{(statistics.Malformed > 0 ? $"; {statistics.Malformed} malformed records skipped (the BPF object does not match this TpGen)" : "")}");
        if (pcap is not null)
            error.WriteLine($"tpgen trace: {pcap.Written} packets on {pcap.Interfaces} interface(s) written to {context.PcapPath}{(pcap.Skipped > 0 ? $"; {pcap.Skipped} not IP, or not read, left out" : "")}");
        return ExitCodes.Success;
    }

    // What a first trace may hold in memory while its text formatter compiles (a few seconds of a busy event).
    private const long HeldBytes = 64L << 20;
}
