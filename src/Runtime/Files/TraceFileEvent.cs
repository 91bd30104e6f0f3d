using System;
using System.Globalization;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Files;

/// <summary>
/// One event format stored in a trace.dat file: the recording kernel's own description of the
/// event, which is how that file's records are laid out (not necessarily as on this machine).
/// </summary>
public sealed class TraceFileEvent
{
    private readonly object _gate = new();
    private TracepointSchema? _schema;
    private string? _schemaProblem;
    private bool _parsed;

    internal TraceFileEvent(int id, string system, string name, string formatText, string source)
    {
        Id = id;
        System = system;
        Name = name;
        FormatText = formatText;
        Source = source;
    }

    /// <summary>The event id the recording kernel gave the event: <c>common_type</c> of its records.</summary>
    public int Id { get; }

    /// <summary>The event's system, e.g. <c>skb</c> (<c>ftrace</c> for ftrace's own events).</summary>
    public string System { get; }

    /// <summary>The event's name, e.g. <c>kfree_skb</c>.</summary>
    public string Name { get; }

    /// <summary><c>system:name</c>.</summary>
    public string FullName => System + ":" + Name;

    /// <summary>The format file's text, as the recording kernel printed it.</summary>
    public string FormatText { get; }

    /// <summary>
    /// The format parsed into TpGen's schema (Core's <see cref="FormatFileReader"/>), parsed on first
    /// use; null when the text does not parse, with the reason in <see cref="SchemaProblem"/>.
    /// </summary>
    public TracepointSchema? Schema
    {
        get
        {
            Parse();
            return _schema;
        }
    }

    /// <summary>Why <see cref="Schema"/> is null, or null when it is not.</summary>
    public string? SchemaProblem
    {
        get
        {
            Parse();
            return _schemaProblem;
        }
    }

    /// <summary>Where in the file the format is, for messages.</summary>
    internal string Source { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{FullName} (id {Id})";

    private void Parse()
    {
        lock (_gate)
        {
            if (_parsed)
                return;
            _parsed = true;
            FormatReadResult result = FormatFileReader.Read(FormatText, System, Source, Name);
            _schema = result.Schema;
            if (_schema is null)
            {
                foreach (FormatDiagnostic diagnostic in result.Diagnostics)
                {
                    if (diagnostic.IsError)
                    {
                        _schemaProblem = $"line {diagnostic.Line}: {diagnostic.Message}";
                        break;
                    }
                }
                _schemaProblem ??= "the format does not parse";
            }
        }
    }

    /// <summary>The <c>name:</c> and <c>ID:</c> lines that open every format file, read without parsing the rest.</summary>
    internal static bool TryReadHeader(string text, out string name, out int id, out string problem)
    {
        name = "";
        id = -1;
        problem = "";
        foreach (string rawLine in text.Split('\n', 8))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.StartsWith("name: ", StringComparison.Ordinal))
                name = line.Substring(6).Trim();
            else if (line.StartsWith("ID: ", StringComparison.Ordinal) &&
                     int.TryParse(line.AsSpan(4).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed <= ushort.MaxValue)
                id = parsed;
            if (name.Length > 0 && id >= 0)
                break;
        }
        if (!TraceNames.IsEvent(name))
        {
            problem = name.Length == 0 ? "an event format has no 'name:' line" : $"an event format names '{MetadataCursor.Printable(name)}', which is not an event name";
            return false;
        }
        if (id < 0)
        {
            problem = $"the format of '{name}' has no 'ID:' line with an id from 0 to 65535";
            return false;
        }
        return true;
    }
}
