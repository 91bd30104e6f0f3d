using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using TpGen.Filters;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.Bpf;

/// <summary>
/// Writes the BPF C of a probe set from bpf/templates/probe.bpf.c: one handler per event that
/// copies the raw record (and a bounded copy of its dynamic payloads) into the shared ring buffer
/// behind a small header. Reads only the tracepoint's record. Pure: schemas in, C text out.
/// </summary>
public static class BpfEmitter
{
    /// <summary>The name of handler <paramref name="index"/>, as the runtime looks it up.</summary>
    public static string ProgramName(int index) => "tpgen_handle_" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The name of the ring buffer map.</summary>
    public const string RingBufferMap = "tpgen_events";

    /// <summary>The name of the per-CPU counters map.</summary>
    public const string CountersMap = "tpgen_counters";

    /// <summary>The C source of a probe set named <paramref name="probeSetName"/> over <paramref name="events"/>.</summary>
    /// <param name="probeSetName">The probe set's name (a C# qualified name), for a comment.</param>
    /// <param name="events">The events, in handler order.</param>
    /// <param name="options">Payload bounds and what the header carries.</param>
    /// <param name="filters">Per event, a filter bound to it (or null): events it rejects are dropped in the kernel.</param>
    /// <exception cref="ArgumentException">A name is not a C identifier (schemas from the readers never are), or there are no events.</exception>
    public static string Emit(string probeSetName, IReadOnlyList<TracepointSchema> events, BpfOptions? options = null, IReadOnlyList<FilterExpr?>? filters = null)
    {
        options ??= BpfOptions.Default;
        if (events.Count == 0 || events.Count > ushort.MaxValue)
            throw new ArgumentException($"a probe set has 1 to {ushort.MaxValue} events, not {events.Count}", nameof(events));
        if (!TraceNames.IsIdentifier(probeSetName.Replace(".", "_")))
            throw new ArgumentException($"probe set name '{TraceNames.Printable(probeSetName)}' is not a C# qualified name", nameof(probeSetName));

        var handlers = new SourceWriter();
        var names = new List<string>();
        for (int i = 0; i < events.Count; i++)
        {
            TracepointSchema schema = events[i];
            TraceNames.ThrowIfInvalidSystem(schema.System, nameof(events));
            TraceNames.ThrowIfInvalidEvent(schema.Name, nameof(events));
            names.Add(schema.FullName);
            FilterExpr? filter = filters is not null && i < filters.Count ? filters[i] : null;
            if (filter is not null)
                BpfFilterEmitter.Write(handlers, filter, i);
            WriteHandler(handlers, schema, i, options, filter is not null);
        }

        return Template
            .Replace("{{PROBE_SET}}", probeSetName)
            .Replace("{{EVENTS}}", string.Join(", ", names))
            .Replace("{{EVENT_COUNT}}", events.Count.ToString(CultureInfo.InvariantCulture))
            .Replace("{{HANDLERS}}", handlers.ToString());
    }

    /// <summary>A short, stable hash of C source: names the compiled object, so a stale one is never loaded.</summary>
    public static string Hash(string source)
    {
        using SHA256 sha = SHA256.Create();
        byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(source));
        var hex = new StringBuilder(32);
        for (int i = 0; i < 16; i++)
            hex.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        return hex.ToString();
    }

    /// <summary>The bytes of dynamic payload an event's records carry at most.</summary>
    public static int PayloadBound(TracepointSchema schema, BpfOptions options)
    {
        int dynamic = 0;
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.IsDynamic)
                dynamic++;
        }
        return RoundUp(Math.Min(dynamic * options.PayloadBytesPerField, BpfOptions.MaxPayloadBytes), 8);
    }

    private static void WriteHandler(SourceWriter output, TracepointSchema schema, int index, BpfOptions options, bool filtered)
    {
        int fixedSize = schema.FixedSize;
        int bound = PayloadBound(schema, options);
        string number = index.ToString(CultureInfo.InvariantCulture);
        int commandBytes = options.CaptureCommand ? 16 : 0;

        output.Line($"/* {schema.FullName}: fixed part {fixedSize} bytes{(bound > 0 ? $", up to {bound} bytes of dynamic payload" : "")}. */");
        output.Line($"SEC(\"tracepoint/{schema.System}/{schema.Name}\")");
        output.Open($"int {ProgramName(index)}(void *ctx)");
        if (filtered)
        {
            output.Line($"if (!{BpfFilterEmitter.FunctionName(index)}(ctx))");
            output.Line("    return 0;");
        }
        output.Open("struct");
        output.Line("struct tpgen_header header;");
        if (commandBytes > 0)
            output.Line("char command[16];");
        output.Line($"__u64 record[{RoundUp(fixedSize + bound, 8) / 8}];");
        output.Close(" *out = bpf_ringbuf_reserve(&tpgen_events, sizeof(*out), 0);");
        output.Open("if (!out)");
        output.Line("tpgen_count(TPGEN_DROPPED);");
        output.Line("return 0;");
        output.Close();
        output.Line("__u8 *record = (__u8 *)out->record;");
        output.Line("__u64 pid_tgid = bpf_get_current_pid_tgid();");
        output.Line("out->header.timestamp_ns = bpf_ktime_get_ns();");
        output.Line("out->header.cpu = bpf_get_smp_processor_id();");
        output.Line($"out->header.event_index = {number};");
        output.Line("out->header.flags = 0;");
        output.Line("out->header.tgid = pid_tgid >> 32;");
        if (commandBytes > 0)
            output.Line("bpf_get_current_comm(out->command, sizeof(out->command));");

        // Loads must be aligned and may not pass the kernel's record struct, so the widest that fits.
        output.Line("/* The record after the common fields, with the widest aligned loads that stay inside it. */");
        for (int offset = 8; offset < fixedSize;)
        {
            int width = offset % 8 == 0 && offset + 8 <= fixedSize ? 8 : offset % 4 == 0 && offset + 4 <= fixedSize ? 4 : offset % 2 == 0 && offset + 2 <= fixedSize ? 2 : 1;
            string type = width switch { 8 => "__u64", 4 => "__u32", 2 => "__u16", _ => "__u8" };
            string at = offset.ToString(CultureInfo.InvariantCulture);
            output.Line($"*({type} *)&record[{at}] = *({type} *)((__u8 *)ctx + {at});");
            offset += width;
        }
        output.Line($"tpgen_common_fields(record, {number}, pid_tgid);");

        if (bound > 0)
            WriteDynamicCopy(output, schema, fixedSize, bound);
        else
            output.Line($"out->header.record_size = {fixedSize.ToString(CultureInfo.InvariantCulture)};");
        output.Line("bpf_ringbuf_submit(out, tpgen_wakeup());");
        output.Line("return 0;");
        output.Close();
        output.Line();
    }

    // The payloads follow the fixed part; copy up to where the last one ends, at most the bound.
    private static void WriteDynamicCopy(SourceWriter output, TracepointSchema schema, int fixedSize, int bound)
    {
        string fixedText = fixedSize.ToString(CultureInfo.InvariantCulture);
        output.Line("/* The dynamic payloads: from the end of the fixed part to where the last one ends, bounded. */");
        // 64-bit throughout: with 32-bit values the compiler may bound-check a zero-extended copy
        // and pass the original to the helper, which the verifier then rejects.
        output.Line($"__u64 end = {fixedText};");
        output.Line("__u64 location, payload_end;");
        foreach (FieldSpec field in schema.Fields)
        {
            if (!field.IsDynamic)
                continue;
            string offset = field.Offset.ToString(CultureInfo.InvariantCulture);
            string relative = field.Location == DynamicLocation.RelLoc ? $" + {(field.Offset + 4).ToString(CultureInfo.InvariantCulture)}" : "";
            output.Line($"location = *(__u32 *)((__u8 *)ctx + {offset}); /* {field.Name} */");
            output.Line($"payload_end = (location & 0xffff) + (location >> 16){relative};");
            output.Line("if (payload_end > end)");
            output.Line("    end = payload_end;");
        }
        output.Line($"__u64 size = end - {fixedText};");
        output.Open($"if (size > {bound.ToString(CultureInfo.InvariantCulture)})");
        output.Line($"size = {bound.ToString(CultureInfo.InvariantCulture)};");
        output.Line("out->header.flags = TPGEN_TRUNCATED;");
        output.Close();
        output.Line("tpgen_bounded(size);");
        output.Line($"bpf_probe_read_kernel(record + {fixedText}, size, (__u8 *)ctx + {fixedText});");
        output.Line($"out->header.record_size = {fixedText} + size;");
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static string Template => s_template ??= LoadTemplate();

    private static string? s_template;

    private static string LoadTemplate()
    {
        using Stream stream = typeof(BpfEmitter).Assembly.GetManifestResourceStream("TpGen.Templates.probe.bpf.c")
            ?? throw new InvalidOperationException("The BPF template is missing from the TpGen.Core assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
