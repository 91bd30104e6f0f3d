using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using TpGen.Files;
using TpGen.Filters;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Text;
using TpGen.Tool.Events;

namespace TpGen.Tool.Recording;

/// <summary>What <c>tpgen record</c> was asked for.</summary>
internal sealed record RecordRequest(string Output, IReadOnlyList<EventSpec> Events, string? Filter, TimeSpan? Duration, int? BufferSizeKilobytes);

/// <summary>
/// <c>tpgen record</c>: records events into a trace.dat file (version 6) that trace-cmd report,
/// KernelShark and <see cref="TraceDataFile"/> read, on this machine or another. The kernel
/// writes the events into a ring buffer of a tracefs instance of the recorder's own, filtered
/// there; the recorder moves whole pages into the file and adds what a reader elsewhere needs:
/// the events' formats, the page and event headers, kallsyms, printk formats, command names, the
/// CPU count and the per-CPU statistics. Events the kernel lost stay marked in the pages and are
/// counted at the end.
/// </summary>
internal static class RecordSession
{
    public static int Run(RecordRequest request, TextWriter error, CancellationToken cancellation)
    {
        EventSource kernel = TracefsSource.Open(null);
        var schemas = kernel.Resolve(request.Events).Select(e => kernel.Read(e.System, e.Name)).ToList();
        var filters = new List<string?>();
        foreach (TracepointSchema schema in schemas)
        {
            try
            {
                filters.Add(request.Filter is null ? null : KernelFilterText.From(FilterParser.Parse(request.Filter, schema)));
            }
            catch (FilterException e)
            {
                throw new UsageException($"--filter for {schema.FullName}: {e.Problem} at column {e.Column}:\n  {e.Pointer.Replace("\n", "\n  ")}");
            }
        }

        string output = Path.GetFullPath(request.Output);
        string directory = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(directory))
            throw new UsageException($"-o {request.Output}: the directory {directory} does not exist");
        if (Directory.Exists(output))
            throw new UsageException($"-o {request.Output} is a directory; give a file name such as {Path.Combine(request.Output, "trace.dat")}");
        string temporary = output + ".tpgen-cpu";

        var started = Stopwatch.StartNew();
        PageRecorder? recorder = null;
        var statistics = new SortedDictionary<int, string>();
        string headerPage, headerEvent, clock = "local";
        int pageSize;
        IReadOnlyList<int> cpus;
        try
        {
            using (TraceInstance instance = TraceInstance.Create(Tracefs.Root, error))
            {
                pageSize = Environment.SystemPageSize;
                if (instance.Exists("buffer_subbuf_size_kb") && instance.Read("buffer_subbuf_size_kb").Trim() != (pageSize / 1024).ToString(CultureInfo.InvariantCulture))
                    instance.Write("buffer_subbuf_size_kb", (pageSize / 1024).ToString(CultureInfo.InvariantCulture), "make the ring buffer's pages system pages");
                if (request.BufferSizeKilobytes is int kilobytes)
                    instance.Write("buffer_size_kb", kilobytes.ToString(CultureInfo.InvariantCulture), $"make the ring buffer {kilobytes} KiB per CPU");
                instance.ExcludeThreads(OwnThreads());
                for (int i = 0; i < schemas.Count; i++)
                {
                    string eventDirectory = Path.Combine("events", schemas[i].System, schemas[i].Name);
                    if (filters[i] is { } filter)
                        instance.Write(Path.Combine(eventDirectory, "filter"), filter, $"filter {schemas[i].FullName} with '{filter}'");
                    instance.Write(Path.Combine(eventDirectory, "enable"), "1", $"enable {schemas[i].FullName}");
                }

                headerPage = ReadText(instance.Exists(Path.Combine("events", "header_page")) ? instance.PathOf(Path.Combine("events", "header_page")) : Path.Combine(Tracefs.EventsDirectory, "header_page"));
                headerEvent = ReadText(instance.Exists(Path.Combine("events", "header_event")) ? instance.PathOf(Path.Combine("events", "header_event")) : Path.Combine(Tracefs.EventsDirectory, "header_event"));
                CommitWord(headerPage);
                if (instance.Exists("trace_clock") && instance.Read("trace_clock") is var clocks && clocks.IndexOf('[') is >= 0 and var open && clocks.IndexOf(']', open) is > 0 and var close)
                    clock = clocks.Substring(open + 1, close - open - 1);
                cpus = instance.Cpus();
                if (cpus.Count == 0)
                    throw new RecordException(RecordProblem.Refused, $"{instance.PathOf("per_cpu")} lists no CPUs");

                recorder = new PageRecorder(instance, cpus, pageSize, temporary);
                try
                {
                    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    if (request.Duration is { } duration)
                        stop.CancelAfter(duration);
                    instance.Write("tracing_on", "1", "start the ring buffer");
                    error.WriteLine($"tpgen record: recording {string.Join(", ", schemas.Select(s => s.FullName).Take(8))}{(schemas.Count > 8 ? $" and {schemas.Count - 8} more" : "")}{(request.Filter is null ? "" : " where " + request.Filter)} to {request.Output}; Ctrl-C to stop.");
                    recorder.Run(() => instance.Write("tracing_on", "0", "stop the ring buffer"), stop.Token);
                    foreach (int cpu in cpus)
                    {
                        string stats = Path.Combine("per_cpu", "cpu" + cpu.ToString(CultureInfo.InvariantCulture), "stats");
                        if (instance.Exists(stats))
                            statistics[cpu] = ReadText(instance.PathOf(stats));
                    }
                }
                finally
                {
                    // The instance goes only once nothing of it is open.
                    recorder.Close();
                }
            }
            TimeSpan recorded = started.Elapsed;

            var writer = new TraceDataWriter(pageSize, cpus.Max() + 1)
            {
                HeaderPage = headerPage,
                HeaderEvent = headerEvent,
                Kallsyms = ReadKallsyms(error),
                PrintkFormats = ReadText(Path.Combine(Tracefs.Root, "printk_formats"), optional: true),
                SavedCmdlines = ReadText(Path.Combine(Tracefs.Root, "saved_cmdlines"), optional: true),
                Clock = clock,
                Uname = Uname(),
                RecorderVersion = "tpgen " + (typeof(RecordSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            };
            foreach (string format in FtraceFormats())
                writer.AddFtraceFormat(format);
            foreach (TracepointSchema schema in schemas)
                writer.AddEventFormat(schema.System, kernel.FormatText(schema.System, schema.Name));
            foreach ((int cpu, string text) in statistics)
                writer.AddCpuStatistics(cpu, text);
            WriteFile(writer, recorder, output);

            PrintSummary(output, request.Output, recorded, recorder, error);
            return ExitCodes.Success;
        }
        finally
        {
            if (recorder is not null)
            {
                recorder.Dispose();
                foreach ((int _, string path) in recorder.Files)
                    File.Delete(path);
            }
        }
    }

    private static void WriteFile(TraceDataWriter writer, PageRecorder recorder, string output)
    {
        var streams = new Stream?[writer.CpuCount];
        string partial = output + ".tpgen-partial";
        try
        {
            foreach ((int cpu, string path) in recorder.Files)
                streams[cpu] = File.OpenRead(path);
            using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                writer.Write(file, streams);
            File.Move(partial, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordException(RecordProblem.OutputFailed, $"cannot write {output}: {e.Message}", e);
        }
        finally
        {
            foreach (Stream? stream in streams)
                stream?.Dispose();
            if (File.Exists(partial))
                File.Delete(partial);
        }
    }

    // Read back from the file itself: what the summary says is what the file holds.
    private static void PrintSummary(string output, string shown, TimeSpan recorded, PageRecorder recorder, TextWriter error)
    {
        using TraceDataFile file = TraceDataFile.Open(output);
        TraceFileReader reader = file.CreateReader();
        while (reader.MoveNext())
        {
        }
        long lost = reader.LostEventsByCpu.Values.Sum();
        string losses = reader.LossCount == 0
            ? "none lost"
            : $"{lost} lost (ring buffer full: raise --buffer-size or filter with --filter): " +
              string.Join(", ", reader.LostEventsByCpu.Select(p => $"CPU {p.Key}: {p.Value}")) +
              (reader.LossesOfUnknownCount > 0 ? $"; and {reader.LossesOfUnknownCount} more losses of unknown size" : "");
        error.WriteLine($"tpgen record: {reader.RecordCount} events on {file.Cpus.Count} CPU(s) in {recorded.TotalSeconds:0.0} s, {recorder.Pages} pages, {new FileInfo(output).Length / 1024} KiB in {shown}; {losses}");
    }

    /// <summary>Checks that the kernel's page header has the commit word a reader of the file needs (the kernel's long).</summary>
    private static void CommitWord(string headerPage)
    {
        (EquatableArray<FieldSpec>? fields, EquatableArray<FormatDiagnostic> _) = FormatFileReader.ReadHeaderPage(headerPage, "header_page");
        foreach (FieldSpec field in fields ?? EquatableArray<FieldSpec>.Empty)
        {
            if (field.Name == "commit" && field.Size is 4 or 8)
                return;
        }
        throw new RecordException(RecordProblem.Refused, "the kernel's events/header_page has no commit word of 4 or 8 bytes; this kernel's ring buffer is not one TpGen knows");
    }

    private static IEnumerable<string> FtraceFormats()
    {
        string ftrace = Path.Combine(Tracefs.EventsDirectory, "ftrace");
        if (!Directory.Exists(ftrace))
            yield break;
        string[] events = Directory.GetDirectories(ftrace);
        Array.Sort(events, StringComparer.Ordinal);
        foreach (string directory in events)
        {
            string text = ReadText(Path.Combine(directory, "format"), optional: true);
            if (text.Length > 0)
                yield return text;
        }
    }

    private static string ReadKallsyms(TextWriter error)
    {
        string text = ReadText("/proc/kallsyms", optional: true);
        if (text.Length == 0 || KernelSymbols.Parse(new StringReader(text)).Count == 0)
            error.WriteLine("tpgen record: /proc/kallsyms shows no addresses (kernel.kptr_restrict, or not root): the file's readers will print code addresses as numbers");
        return text;
    }

    private static string ReadText(string path, bool optional = false)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (optional && e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Uname()
    {
        string Read(string name) => ReadText(Path.Combine("/proc/sys/kernel", name), optional: true).Trim();
        string machine = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.X86 => "i686",
            Architecture.Arm => "armv7l",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{Read("ostype")} {Read("hostname")} {Read("osrelease")} {machine}";
    }

    private static IEnumerable<int> OwnThreads()
    {
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
                yield return tid;
        }
    }
}
