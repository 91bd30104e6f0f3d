using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using TpGen.Files;
using TpGen.Filters;
using TpGen.Formatting;
using TpGen.Schema;
using TpGen.Tool.Events;
using TpGen.Tool.Tracing;

namespace TpGen.Tool.Recording;

/// <summary>What <c>tpgen report</c> was asked for.</summary>
internal sealed record ReportRequest(string Path, string? Filter, TraceMode Mode, string? CountBy);

/// <summary>
/// <c>tpgen report FILE</c>: prints a trace.dat file's events as <c>tpgen trace</c> prints live
/// ones (the same kernel text, from the same generated C#, compiled at run time for the file's own
/// formats; or JSON; or counts), with the recording machine's symbols and printk strings, the lost
/// events where the kernel lost them, and a summary on stderr.
/// </summary>
internal static class ReportSession
{
    /// <summary>With more event formats than this, the file is read once first to find the events that occur.</summary>
    private const int FormatsWithoutScan = 16;

    public static int Run(ReportRequest request, TextWriter error, IProgress<string> progress, CancellationToken cancellation)
    {
        using TraceDataFile file = TraceDataFile.Open(request.Path);
        var started = Stopwatch.StartNew();

        // The events to decode: every recorded event (not ftrace's own), or those that occur.
        List<TraceFileEvent> candidates = file.Events.Where(e => e.System != "ftrace").ToList();
        if (candidates.Count > FormatsWithoutScan || request.Filter is not null || request.CountBy is not null)
        {
            progress.Report("finding the events in the file");
            var present = new HashSet<int>();
            TraceFileReader scan = file.CreateReader();
            while (scan.MoveNext())
            {
                if (scan.Kind == TraceFileItemKind.Record)
                    present.Add(scan.Record.EventId);
            }
            candidates = file.Events.Where(e => present.Contains(e.Id)).ToList();
        }
        var unreadable = new Dictionary<int, string>();
        var schemas = new List<TracepointSchema>();
        var index = new int[ushort.MaxValue + 1];
        Array.Fill(index, -1);
        foreach (TraceFileEvent candidate in candidates)
        {
            if (candidate.Schema is { } schema)
            {
                index[candidate.Id] = schemas.Count;
                schemas.Add(schema);
            }
            else
            {
                unreadable[candidate.Id] = $"{candidate.FullName}: {candidate.SchemaProblem}";
            }
        }

        var filters = new FilterExpr?[schemas.Count];
        for (int i = 0; i < schemas.Count; i++)
        {
            TracepointSchema schema = schemas[i];
            if (request.CountBy is not null && schema.FindField(request.CountBy) is null)
                throw new UsageException($"--count-by: {schema.FullName} has no field '{request.CountBy}' (its fields: {string.Join(", ", schema.Fields.Where(f => !f.IsCommon).Select(f => f.Name))})");
            try
            {
                filters[i] = request.Filter is null ? null : FilterParser.Parse(request.Filter, schema);
            }
            catch (FilterException e)
            {
                throw new UsageException($"--filter for {schema.FullName}: {e.Problem} at column {e.Column}:\n  {e.Pointer.Replace("\n", "\n  ")}");
            }
        }

        RecordFormatter? formatter = request.Mode == TraceMode.Text && schemas.Count > 0 ? RuntimeFormatter.Create(schemas, progress) : null;
        progress.Report("reading");
        var commands = new Dictionary<int, byte[]>();
        byte[] unknownCommand = Encoding.UTF8.GetBytes("<...>");
        var skipped = new Dictionary<int, long>();
        long filteredOut = 0;
        using var stop = new CancellationTokenSource();
        var output = new TraceOutput(request.Mode, formatter, schemas.Select(s => new FieldPrinter(s)).ToArray(), request.CountBy, long.MaxValue, stop, new StandardOutputStream(), error);
        TraceFileReader reader = file.CreateReader();
        bool stoppedEarly = false;
        try
        {
            using IDisposable symbols = file.UseForFormatting();
            int countdown = 4096;
            // Until the file ends or standard output's reader has gone (| head).
            while (!output.OutputClosed && reader.MoveNext())
            {
                if (--countdown == 0)
                {
                    countdown = 4096;
                    cancellation.ThrowIfCancellationRequested();
                }
                if (reader.Kind == TraceFileItemKind.Loss)
                {
                    TraceFileLoss loss = reader.Loss;
                    output.WriteLost(loss.Cpu, loss.Count, loss.Timestamp);
                    continue;
                }
                TraceFileRecord record = reader.Record;
                int id = record.EventId;
                int eventIndex = index[id];
                if (eventIndex < 0)
                {
                    skipped[id] = skipped.GetValueOrDefault(id) + 1;
                    continue;
                }
                int pid = record.ProcessId;
                if (!commands.TryGetValue(pid, out byte[]? command))
                {
                    command = file.FindCommand(pid) is { } name ? Encoding.UTF8.GetBytes(name) : pid == 0 ? Encoding.UTF8.GetBytes("<idle>") : unknownCommand;
                    commands[pid] = command;
                }
                if (filters[eventIndex] is { } filter && !RecordFilter.Matches(filter, record.Data, command))
                {
                    filteredOut++;
                    continue;
                }
                var header = new RecordHeader(record.Timestamp, (uint)record.Cpu, (ushort)eventIndex, RecordFlags.None, (uint)pid, (uint)record.Data.Length);
                output.OnRecordedRecord(record.Data, header, command);
            }
            stoppedEarly = output.OutputClosed;
            if (request.Mode == TraceMode.Count)
                output.WriteCounts();
        }
        finally
        {
            output.Dispose();
        }

        foreach ((int id, long count) in skipped)
        {
            string why = unreadable.TryGetValue(id, out string? problem) ? "its format does not parse: " + problem
                : file.FindEvent(id) is { } known ? $"{known.FullName} is ftrace's own event, which TpGen does not print"
                : "the file has no format for it";
            error.WriteLine($"tpgen report: {count} records of event id {id} not printed: {why}");
        }
        if (stoppedEarly)
        {
            // Not how many were printed: most of those were still in the pipe when its reader went.
            error.WriteLine("tpgen report: standard output was closed; stopped reading the file");
            return ExitCodes.Success;
        }
        string losses = reader.LossCount == 0 ? "none lost" : DescribeLosses(reader);
        error.WriteLine($"tpgen report: {output.Printed} events{(request.Filter is null ? "" : $" ({filteredOut} more did not match --filter)")} from {file.Cpus.Count} CPU(s) in {started.Elapsed.TotalSeconds:0.0} s; {losses}");
        return ExitCodes.Success;
    }

    private static string DescribeLosses(TraceFileReader reader)
    {
        string perCpu = string.Join(", ", reader.LostEventsByCpu.OrderBy(p => p.Key).Select(p => $"CPU {p.Key}: {p.Value}"));
        string unknown = reader.LossesOfUnknownCount > 0 ? $"{(perCpu.Length > 0 ? "; " : "")}{reader.LossesOfUnknownCount} losses of unknown size" : "";
        return $"{reader.LostEventsByCpu.Values.Sum()} events lost while recording ({perCpu}{unknown}), marked where they happened";
    }
}
