using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using TpGen.Schema;

namespace TpGen.Build;

/// <summary>
/// The events a project's source asks for, found by reading <c>[Tracepoint("system", "event")]</c>
/// attributes as text. BTF and header descriptions are made for these only (reading every event
/// from them would take far longer than a build should); attributes whose arguments are not
/// string literals are not seen here, and the generator reports them as unknown.
/// </summary>
internal static partial class RequestedEvents
{
    [GeneratedRegex(@"Tracepoint(?:Attribute)?\s*\(\s*""([A-Za-z0-9_]+)""\s*,\s*""([A-Za-z0-9_]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex Attribute();

    public static SortedSet<(string System, string Name)> Scan(IEnumerable<string> sourceFiles)
    {
        var events = new SortedSet<(string, string)>();
        foreach (string file in sourceFiles)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (!text.Contains("Tracepoint", StringComparison.Ordinal))
                continue;
            foreach (Match match in Attribute().Matches(text))
            {
                string system = match.Groups[1].Value, name = match.Groups[2].Value;
                if (TraceNames.IsSystem(system) && TraceNames.IsEvent(name))
                    events.Add((system, name));
            }
        }
        return events;
    }
}
