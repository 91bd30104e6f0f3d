using System;
using System.Globalization;
using System.IO;
using TpGen.Frontends.Btf;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.Bpf;

/// <summary>
/// The context section of the BPF C (bpf/templates/context*.bpf.c): the process's context, user
/// strings, kernel struct members and packets, and the handlers of tp_btf events. Everything it
/// reads is configured at load (<see cref="ContextConfigLayout"/>).
/// </summary>
public static class ContextEmitter
{
    /// <summary>The name of the tp_btf handler of event <paramref name="index"/>, as the runtime looks it up.</summary>
    public static string BtfProgramName(int index) => "tpgen_btf_handle_" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The probe template with the context section in its places.</summary>
    internal static string Fill(string template) =>
        template.Replace("{{CONTEXT_TYPES}}", Load("context.types.bpf.c")).Replace("{{CONTEXT_CODE}}", Load("context.bpf.c"));

    /// <summary>
    /// Writes the handler of a tp_btf event; false for a tracefs event, whose handler the caller
    /// writes. A tp_btf program is attached by BTF id: the runtime names its target before loading.
    /// </summary>
    internal static bool TryWriteHandler(SourceWriter output, TracepointSchema? schema, int index, string? filter)
    {
        if (schema is null || !BtfTracepoints.IsBtf(schema))
            return false;
        output.Line($"/* {schema.FullName}: its arguments, typed by BTF */");
        WriteBtfHandler(output, index, filter);
        return true;
    }

    /// <summary>The tp_btf handlers of the shared object, one per event index, beside its tracepoint handlers.</summary>
    internal static void WriteGenericHandlers(SourceWriter output, int handlers)
    {
        for (int i = 0; i < handlers; i++)
            WriteBtfHandler(output, i, null);
    }

    private static void WriteBtfHandler(SourceWriter output, int index, string? filter)
    {
        output.Line("SEC(\"tp_btf\")");
        output.Open($"int {BtfProgramName(index)}(void *ctx)");
        output.Line("__u64 pid_tgid = bpf_get_current_pid_tgid();");
        output.Line("if (tpgen_excluded(pid_tgid))");
        output.Line("    return 0;");
        if (filter is not null)
        {
            output.Line($"if (!{filter}(ctx, pid_tgid))");
            output.Line("    return 0;");
        }
        output.Line($"return tpgen_emit(ctx, {index.ToString(CultureInfo.InvariantCulture)}, pid_tgid);");
        output.Close();
        output.Line();
    }

    private static string Load(string name)
    {
        using Stream stream = typeof(ContextEmitter).Assembly.GetManifestResourceStream("TpGen.Templates." + name)
            ?? throw new InvalidOperationException($"The BPF template {name} is missing from the TpGen.Core assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
