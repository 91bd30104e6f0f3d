using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TpGen.Frontends.Headers;

/// <summary>
/// What the kernel does to every print fmt when it registers a system's eval maps (at boot for
/// vmlinux, at load for a module; <c>update_event_printk</c> in kernel/trace/trace_events.c):
/// outside string literals, each whole identifier equal to a map's name becomes the value in
/// decimal. The compiled print fmt keeps <c>{ SKB_DROP_REASON_NO_SOCKET, "NO_SOCKET" }</c>;
/// tracefs shows <c>{ 2, "NO_SOCKET" }</c>. The scan reproduces the kernel's, including what
/// it skips: numbers with their suffixes, <c>a.b</c> and <c>a-&gt;b</c> member chains, and the
/// single character after each number, name or replacement.
/// </summary>
internal static class EvalMapSubstitution
{
    /// <summary><paramref name="printFmt"/> after the kernel applied <paramref name="maps"/>, one after another in order.</summary>
    public static string Apply(string printFmt, IEnumerable<TraceEvalMap> maps)
    {
        var text = new StringBuilder(printFmt);
        foreach (TraceEvalMap map in maps)
            ApplyOne(text, map);
        return text.ToString();
    }

    private static void ApplyOne(StringBuilder text, TraceEvalMap map)
    {
        string name = map.Name;
        string value = map.Value.ToString(CultureInfo.InvariantCulture);
        bool inQuote = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\')
            {
                // The escaped character is skipped with it.
                i += 2;
                continue;
            }
            if (c == '"')
            {
                inQuote = !inQuote;
                i++;
                continue;
            }
            if (inQuote)
            {
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                // A number and its suffix (ULL), then the delimiter after it.
                do
                    i++;
                while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]));
                i++;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                if (MatchesAt(text, i, name))
                {
                    // The kernel rewrites in place, so it gives up (with a warning) when the value is longer than the name.
                    if (value.Length > name.Length)
                        return;
                    text.Remove(i, name.Length).Insert(i, value);
                    // Past the value, and past the character after it: two names are never adjacent.
                    i += value.Length + 1;
                    continue;
                }
                // Skip the identifier, and any .member or ->member chain after it, then the delimiter.
                while (true)
                {
                    do
                        i++;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'));
                    if (i >= text.Length)
                        break;
                    if (text[i] == '.')
                        i += 1;
                    else if (text[i] == '-' && i + 1 < text.Length && text[i + 1] == '>')
                        i += 2;
                    else
                        break;
                    if (i >= text.Length)
                        break;
                }
                i++;
                continue;
            }
            i++;
        }
    }

    private static bool MatchesAt(StringBuilder text, int index, string name)
    {
        if (index + name.Length > text.Length)
            return false;
        for (int k = 0; k < name.Length; k++)
        {
            if (text[index + k] != name[k])
                return false;
        }
        int end = index + name.Length;
        return end == text.Length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_');
    }
}
