using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Tests.Support;

/// <summary>
/// Events written as the kernel writes them, a field per line, to make the layouts a test needs:
/// <c>Synthetic.Event("unsigned short protocol; offset:16; size:2; signed:0", "print: \"%u\", REC->protocol")</c>,
/// then <c>.With</c>, <c>.Without</c> and <c>.WithPrint</c> for another kernel's version of it.
/// Every schema is read back through the format reader, so it is one the reader accepts.
/// </summary>
internal static class Synthetic
{
    private const string Common = """
        	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
        	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
        	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
        	field:int common_pid;	offset:4;	size:4;	signed:1;
        """;

    /// <summary>An event <c>test:synthetic</c> with the common fields, then <paramref name="lines"/>: field declarations, and a <c>print: ...</c> line.</summary>
    public static TracepointSchema Event(params string[] lines) => Named("test", "synthetic", lines);

    /// <summary>An event with the given system and name.</summary>
    public static TracepointSchema Named(string system, string name, params string[] lines)
    {
        var text = new System.Text.StringBuilder($"name: {name}\nID: 1234\nformat:\n{Common.Replace("\r", "")}\n\n");
        string print = "\"\"";
        foreach (string line in lines)
        {
            if (line.StartsWith("print: ", StringComparison.Ordinal))
                print = line.Substring("print: ".Length);
            else
                text.Append(FieldLine(line)).Append('\n');
        }
        text.Append("\nprint fmt: ").Append(print).Append('\n');
        return Parse(text.ToString(), system);
    }

    /// <summary>The same event with field <paramref name="name"/> declared as <paramref name="declaration"/> instead.</summary>
    public static TracepointSchema With(this TracepointSchema schema, string name, string declaration) =>
        Parse(string.Join('\n', Lines(schema).Select(line => Declares(line, name) ? FieldLine(declaration) : line)), schema.System);

    /// <summary>The same event without field <paramref name="name"/>.</summary>
    public static TracepointSchema Without(this TracepointSchema schema, string name) =>
        Parse(string.Join('\n', Lines(schema).Where(line => !Declares(line, name))), schema.System);

    /// <summary>The same event with another print fmt.</summary>
    public static TracepointSchema WithPrint(this TracepointSchema schema, string print) =>
        Parse(string.Join('\n', Lines(schema).Select(line => line.StartsWith("print fmt: ", StringComparison.Ordinal) ? "print fmt: " + print : line)), schema.System);

    /// <summary>A real format file.</summary>
    public static TracepointSchema Read(string path, string system) =>
        Parse(File.ReadAllText(path), system, path);

    private static IEnumerable<string> Lines(TracepointSchema schema) => FormatFileWriter.Write(schema).Split('\n');

    // "unsigned short protocol; offset:16; size:2; signed:0" -> the kernel's tab-separated line.
    private static string FieldLine(string declaration)
    {
        string[] parts = declaration.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return "\tfield:" + string.Join(";\t", parts) + ";";
    }

    private static bool Declares(string line, string name)
    {
        if (!line.StartsWith("\tfield:", StringComparison.Ordinal))
            return false;
        string declaration = line.Substring("\tfield:".Length, line.IndexOf(';') - "\tfield:".Length);
        int bracket = declaration.IndexOf('[');
        string head = bracket >= 0 && !declaration.StartsWith("__data_loc", StringComparison.Ordinal) && !declaration.StartsWith("__rel_loc", StringComparison.Ordinal)
            ? declaration.Substring(0, bracket)
            : declaration;
        return head.EndsWith(" " + name, StringComparison.Ordinal) || head.EndsWith("*" + name, StringComparison.Ordinal);
    }

    private static TracepointSchema Parse(string text, string system, string file = "synthetic") =>
        FormatFileReader.Read(text, system, file).Schema
        ?? throw new InvalidOperationException($"the synthetic format does not parse:\n{text}\n{string.Join("\n", FormatFileReader.Read(text, system, file).Diagnostics)}");
}
