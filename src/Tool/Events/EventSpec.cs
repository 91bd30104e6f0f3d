using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// An event named on the command line: <c>system:event</c>, with <c>*</c> and <c>?</c> globs
/// (<c>skb:*</c>, <c>sched:sched_*</c>, <c>*:kfree_skb</c>). Anything but letters, digits, '_' and
/// the globs is refused before it is used as a path or a name.
/// </summary>
internal sealed class EventSpec
{
    private readonly Regex _system;
    private readonly Regex _event;

    private EventSpec(string text, string system, string name)
    {
        Text = text;
        System = system;
        Name = name;
        _system = Glob(system);
        _event = Glob(name);
    }

    public string Text { get; }

    public string System { get; }

    public string Name { get; }

    /// <summary>Whether the spec names exactly one event (no globs).</summary>
    public bool IsExact => System.IndexOfAny(['*', '?']) < 0 && Name.IndexOfAny(['*', '?']) < 0;

    /// <summary>Parses <c>system:event</c>; a lone <c>system</c> means all its events when <paramref name="systemAlone"/>.</summary>
    public static bool TryParse(string text, bool systemAlone, out EventSpec spec, out string error)
    {
        spec = null!;
        string[] parts = text.Split(':');
        if (parts.Length == 1 && systemAlone)
            parts = [parts[0], "*"];
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            error = $"'{Printable(text)}' is not an event: write SYSTEM:EVENT, e.g. skb:kfree_skb (globs such as 'skb:*' are allowed)";
            return false;
        }
        foreach (string part in parts)
        {
            if (part.Length > TraceNames.MaxLength || !IsPattern(part))
            {
                error = $"'{Printable(text)}' is not an event: system and event names are letters, digits and '_' (with * and ? as globs)";
                return false;
            }
        }
        spec = new EventSpec(text, parts[0], parts[1]);
        error = "";
        return true;
    }

    public bool Matches(string system, string name) => (system == "*" || _system.IsMatch(system)) && _event.IsMatch(name);

    /// <summary>Whether the spec's system part matches <paramref name="system"/>.</summary>
    public bool MatchesSystem(string system) => _system.IsMatch(system);

    private static bool IsPattern(string part)
    {
        foreach (char c in part)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '*' or '?'))
                return false;
        }
        return true;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant);

    private static string Printable(string text)
    {
        var printable = new List<char>();
        foreach (char c in text.Length > 80 ? text.Substring(0, 80) + "..." : text)
            printable.Add(c < ' ' || c > '~' ? '?' : c);
        return new string(printable.ToArray());
    }
}
