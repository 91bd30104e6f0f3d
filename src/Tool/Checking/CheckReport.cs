using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace TpGen.Tool.Checking;

/// <summary>The stages an event goes through in <c>tpgen check</c>, in order.</summary>
internal enum CheckStage
{
    Parse,
    CSharp,
}

/// <summary>One event that failed a stage, and why.</summary>
internal sealed record CheckFailure(string Event, CheckStage Stage, string Message);

/// <summary>The outcome of <c>tpgen check</c>.</summary>
internal sealed class CheckReport
{
    public int Events { get; init; }

    public int Parsed { get; init; }

    public int CSharpCompiled { get; init; }

    public long ElapsedMilliseconds { get; init; }

    public IReadOnlyList<CheckFailure> Failures { get; init; } = new List<CheckFailure>();

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"checked {Events} events: parsed {Parsed}, C# compiled {CSharpCompiled}, failures {Failures.Count} ({ElapsedMilliseconds / 1000.0:0.0} s)");
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
            json.WriteNumber("elapsedMilliseconds", ElapsedMilliseconds);
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
        _ => "C# compile",
    };
}
