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

    /// <summary>The name of the counters map (memory-mapped by the reader).</summary>
    public const string CountersMap = "tpgen_counters";

    /// <summary>The C source of a probe set named <paramref name="probeSetName"/> over <paramref name="events"/>.</summary>
    /// <param name="probeSetName">The probe set's name (a C# qualified name), for a comment.</param>
    /// <param name="events">The events, in handler order.</param>
    /// <param name="options">Unused by the C (payload bounds are set at load); kept for callers that share them with <see cref="PayloadBound"/>.</param>
    /// <param name="filters">Per event, a filter bound to it (or null): events it rejects are dropped in the kernel.</param>
    /// <exception cref="ArgumentException">A name is not a C identifier (schemas from the readers never are), or there are no events.</exception>
    public static string Emit(string probeSetName, IReadOnlyList<TracepointSchema> events, BpfOptions? options = null, IReadOnlyList<FilterExpr?>? filters = null)
    {
        if (events.Count == 0 || events.Count > ushort.MaxValue)
            throw new ArgumentException($"a probe set has 1 to {ushort.MaxValue} events, not {events.Count}", nameof(events));
        if (!TraceNames.IsIdentifier(probeSetName.Replace(".", "_")))
            throw new ArgumentException($"probe set name '{TraceNames.Printable(probeSetName)}' is not a C# qualified name", nameof(probeSetName));

        var handlers = new SourceWriter();
        var names = new List<string>();
        BpfConfigLayout config = BpfConfigLayout.Plan(events.Count, filters);
        for (int i = 0; i < events.Count; i++)
        {
            TracepointSchema schema = events[i];
            TraceNames.ThrowIfInvalidSystem(schema.System, nameof(events));
            TraceNames.ThrowIfInvalidEvent(schema.Name, nameof(events));
            names.Add(schema.FullName);
            FilterExpr? filter = filters is not null && i < filters.Count ? filters[i] : null;
            if (filter is not null)
                BpfFilterEmitter.Write(handlers, filter, i, config);
            WriteHandler(handlers, schema, i, filter is not null);
        }

        return Template
            .Replace("{{PROBE_SET}}", probeSetName)
            .Replace("{{EVENTS}}", string.Join(", ", names))
            .Replace("{{EVENT_COUNT}}", Number(events.Count))
            .Replace("{{FIELD_SLOTS}}", Number(Math.Max(1, config.Fields.Count)))
            .Replace("{{CONSTANT_SLOTS}}", Number(Math.Max(1, config.Symbols.Count)))
            .Replace("{{HANDLERS}}", handlers.ToString());
    }

    /// <summary>
    /// The C of the object every probe set without filters shares: <paramref name="handlers"/>
    /// handlers, each attached by name at load to whichever event its index is given. It depends
    /// on nothing but the count, so TpGen compiles it once and ships it in the runtime: an
    /// application without filters needs no clang, at build or at run time.
    /// </summary>
    public static string EmitGeneric(int handlers)
    {
        if (handlers < 1 || handlers > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(handlers), handlers, "a probe set has 1 to 65535 events");
        var code = new SourceWriter();
        for (int i = 0; i < handlers; i++)
            WriteHandler(code, null, i, filtered: false);
        ContextEmitter.WriteGenericHandlers(code, handlers);
        return Template
            .Replace("{{PROBE_SET}}", "(any probe set without filters)")
            .Replace("{{EVENTS}}", $"any {Number(handlers)} events, each named at load")
            .Replace("{{EVENT_COUNT}}", Number(handlers))
            .Replace("{{FIELD_SLOTS}}", "1")
            .Replace("{{CONSTANT_SLOTS}}", "1")
            .Replace("{{HANDLERS}}", code.ToString());
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

    /// <summary>The bytes of dynamic payload an event's records carry at most, as the running kernel lays it out.</summary>
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

    /// <summary>The bytes a ring buffer record of <paramref name="schema"/> reserves after its header: the fixed part and the payload bound.</summary>
    public static int RecordReserve(TracepointSchema schema, BpfOptions options) => RoundUp(schema.FixedSize + PayloadBound(schema, options), 8);

    // One handler per event; everything that depends on the kernel's layout is in tpgen_config.
    private static void WriteHandler(SourceWriter output, TracepointSchema? schema, int index, bool filtered)
    {
        if (ContextEmitter.TryWriteHandler(output, schema, index, filtered ? BpfFilterEmitter.FunctionName(index) : null))
            return;
        string number = Number(index);
        // The section names the event for people reading the object; the runtime attaches by name either way.
        if (schema is not null)
        {
            output.Line($"/* {schema.FullName} */");
            output.Line($"SEC(\"tracepoint/{schema.System}/{schema.Name}\")");
        }
        else
        {
            output.Line("SEC(\"tracepoint\")");
        }
        output.Open($"int {ProgramName(index)}(void *ctx)");
        output.Line("__u64 pid_tgid = bpf_get_current_pid_tgid();");
        output.Line("if (tpgen_excluded(pid_tgid))");
        output.Line("    return 0;");
        if (filtered)
        {
            output.Line($"if (!{BpfFilterEmitter.FunctionName(index)}(ctx, pid_tgid))");
            output.Line("    return 0;");
        }
        output.Line($"if (tpgen_aggregate(ctx, {number}, pid_tgid))");
        output.Line("    return 0;");
        output.Line($"return tpgen_emit(ctx, {number}, pid_tgid);");
        output.Close();
        output.Line();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static string Template => s_template ??= LoadTemplate();

    private static string? s_template;

    private static string LoadTemplate()
    {
        using Stream stream = typeof(BpfEmitter).Assembly.GetManifestResourceStream("TpGen.Templates.probe.bpf.c")
            ?? throw new InvalidOperationException("The BPF template is missing from the TpGen.Core assembly.");
        using var reader = new StreamReader(stream);
        return ContextEmitter.Fill(AggregationConfigLayout.Insert(reader.ReadToEnd()));
    }
}
