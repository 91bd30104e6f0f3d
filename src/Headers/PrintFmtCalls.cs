using System.Collections.Generic;

namespace TpGen.Frontends.Headers;

/// <summary>Finds the names a print fmt calls: identifiers followed by <c>(</c>, outside string literals and member accesses.</summary>
internal static class PrintFmtCalls
{
    public static IEnumerable<string> Names(string printFmt)
    {
        int i = 0;
        while (i < printFmt.Length)
        {
            char c = printFmt[i];
            if (c is '"' or '\'')
            {
                i = SkipLiteral(printFmt, i);
                continue;
            }
            if (!char.IsAsciiLetter(c) && c != '_')
            {
                i++;
                // A number's suffix (10UL) is not an identifier.
                if (char.IsAsciiDigit(c))
                {
                    while (i < printFmt.Length && char.IsAsciiLetterOrDigit(printFmt[i]))
                        i++;
                }
                continue;
            }
            int start = i;
            while (i < printFmt.Length && (char.IsAsciiLetterOrDigit(printFmt[i]) || printFmt[i] == '_'))
                i++;
            bool isMember = start > 0 && (printFmt[start - 1] == '.' || start > 1 && printFmt[start - 1] == '>' && printFmt[start - 2] == '-');
            int next = i;
            while (next < printFmt.Length && char.IsWhiteSpace(printFmt[next]))
                next++;
            if (!isMember && next < printFmt.Length && printFmt[next] == '(')
                yield return printFmt.Substring(start, i - start);
        }
    }

    private static int SkipLiteral(string text, int start)
    {
        char quote = text[start];
        int i = start + 1;
        while (i < text.Length && text[i] != quote)
            i += text[i] == '\\' ? 2 : 1;
        return i + 1;
    }
}
