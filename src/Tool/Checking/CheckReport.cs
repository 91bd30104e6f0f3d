using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Text.Json;

namespace TpGen.Tool.Checking;

/// <summary>The stages an event goes through in <c>tpgen check</c>, in order.</summary>
internal enum CheckStage
{
    Parse,
    CSharp,
    BpfCompile,
    Load,
}

/// <summary>One event that failed a stage, and why.</summary>
internal sealed record CheckFailure(string Event, CheckStage Stage, string Message);

/// <summary>The outcome of <c>tpgen check</c>.</summary>
internal sealed class CheckReport
{
    public int Events { get; init; }

    public int Parsed { get; init; }

    public int CSharpCompiled { get; init; }

    public int BpfCompiled { get; init; }

    public int Loaded { get; init; }

    /// <summary>Whether the load stage ran (not with --no-load).</summary>
    public bool LoadChecked { get; init; }

    /// <summary>Whether the C# and BPF compile stages ran (not with --load-only).</summary>
    public bool CompileChecked { get; init; } = true;

    /// <summary>Events that are not tracepoints (ftrace's own records), so have no BPF stages.</summary>
    public int NotTracepoints { get; init; }

    public long ElapsedMilliseconds { get; init; }

    /// <summary>Wall time per stage, in order.</summary>
    public IReadOnlyList<(string Stage, long Milliseconds)> Timings { get; init; } = new List<(string, long)>();

    public IReadOnlyList<CheckFailure> Failures { get; init; } = new List<CheckFailure>();

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"checked {Events} events: parsed {Parsed}, C# compiled {(CompileChecked ? CSharpCompiled.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(not checked)")}, BPF compiled {(CompileChecked ? BpfCompiled.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(not checked)")}, loaded {(LoadChecked ? Loaded.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(not checked)")}, failures {Failures.Count}");
        output.WriteLine($"time: {ElapsedMilliseconds / 1000.0:0.0} s ({string.Join(", ", Timings.Select(t => $"{t.Stage} {t.Milliseconds / 1000.0:0.0} s"))})");
        if (NotTracepoints > 0)
            output.WriteLine($"{NotTracepoints} ftrace events are the tracer's own records, not tracepoints: they are parsed and compiled to C#, not to BPF.");
        foreach (CheckFailure failure in Failures)
            output.WriteLine($"  {failure.Event}: {StageName(failure.Stage)}: {failure.Message}");
    }

    public void WriteJson(TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("events", Events);
            json.WriteNumber("parsed", Parsed);
            json.WriteNumber("csharpCompiled", CSharpCompiled);
            json.WriteNumber("bpfCompiled", BpfCompiled);
            if (LoadChecked)
                json.WriteNumber("loaded", Loaded);
            json.WriteNumber("notTracepoints", NotTracepoints);
            json.WriteNumber("elapsedMilliseconds", ElapsedMilliseconds);
            json.WriteStartObject("stageMilliseconds");
            foreach ((string stage, long milliseconds) in Timings)
                json.WriteNumber(stage, milliseconds);
            json.WriteEndObject();
            json.WriteStartArray("failures");
            foreach (CheckFailure failure in Failures)
            {
                json.WriteStartObject();
                json.WriteString("event", failure.Event);
                json.WriteString("stage", StageName(failure.Stage));
                json.WriteString("message", failure.Message);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string StageName(CheckStage stage) => stage switch
    {
        CheckStage.Parse => "parse",
        CheckStage.CSharp => "C# compile",
        CheckStage.BpfCompile => "BPF compile",
        _ => "load",
    };
}
