using System.Collections.Generic;
using System.Text;

namespace TpGen.Build;

/// <summary>The kinds of token <see cref="CSharpTokens"/> tells apart: only what finding attributes needs.</summary>
internal enum CSharpTokenKind
{
    Identifier,

    /// <summary>A string literal whose value is known: regular, verbatim or raw, not interpolated.</summary>
    String,

    /// <summary>An interpolated string: its value is not known before compilation.</summary>
    InterpolatedString,

    /// <summary>One punctuation character, or <c>::</c>.</summary>
    Punctuation,

    /// <summary>Numbers, character literals and anything else.</summary>
    Other,
}

/// <summary>A token: its kind, and its text (the decoded value for a string).</summary>
internal readonly record struct CSharpToken(CSharpTokenKind Kind, string Text)
{
    public bool Is(string punctuation) => Kind == CSharpTokenKind.Punctuation && Text == punctuation;
}

/// <summary>
/// A small C# lexer for the build's scan of attributes: it skips comments and preprocessor
/// lines, and reads string literals of every form (regular, verbatim, raw, interpolated with
/// their holes), so that text inside them is never taken for code. It does not need to be a full
/// lexer: it errs towards seeing fewer attributes, which the generator then reports.
/// </summary>
internal static class CSharpTokens
{
    public static List<CSharpToken> Read(string text)
    {
        var tokens = new List<CSharpToken>();
        int i = 0;
        ReadCode(text, ref i, tokens, stopAtBraces: 0);
        return tokens;
    }

    // Reads code until the end, or (in an interpolation hole) the brace that closes the hole.
    private static void ReadCode(string text, ref int i, List<CSharpToken> tokens, int stopAtBraces)
    {
        int depth = 0;
        bool lineStart = true;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n')
            {
                lineStart = true;
                i++;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '#' && lineStart && stopAtBraces == 0)
            {
                SkipLine(text, ref i);
                continue;
            }
            lineStart = false;
            if (c == '/' && At(text, i + 1, '/'))
            {
                SkipLine(text, ref i);
                continue;
            }
            if (c == '/' && At(text, i + 1, '*'))
            {
                int end = text.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                continue;
            }
            if (StringStart(text, i) is { } prefix)
            {
                tokens.Add(ReadString(text, ref i, prefix));
                continue;
            }
            if (c == '\'')
            {
                SkipCharacter(text, ref i);
                tokens.Add(new CSharpToken(CSharpTokenKind.Other, "'"));
                continue;
            }
            if (c == '@' || c == '_' || char.IsLetter(c))
            {
                int start = c == '@' ? i + 1 : i;
                i++;
                while (i < text.Length && (text[i] == '_' || char.IsLetterOrDigit(text[i])))
                    i++;
                tokens.Add(new CSharpToken(CSharpTokenKind.Identifier, text.Substring(start, i - start)));
                continue;
            }
            if (char.IsDigit(c))
            {
                int start = i;
                while (i < text.Length && (text[i] == '_' || text[i] == '.' || char.IsLetterOrDigit(text[i])))
                    i++;
                tokens.Add(new CSharpToken(CSharpTokenKind.Other, text.Substring(start, i - start)));
                continue;
            }
            if (stopAtBraces > 0)
            {
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && depth == 0)
                {
                    // The hole ends with as many braces as opened it (one, or N for $$..."""...""").
                    return;
                }
                else if (c == '}')
                {
                    depth--;
                }
            }
            if (c == ':' && At(text, i + 1, ':'))
            {
                tokens.Add(new CSharpToken(CSharpTokenKind.Punctuation, "::"));
                i += 2;
                continue;
            }
            tokens.Add(new CSharpToken(CSharpTokenKind.Punctuation, c.ToString()));
            i++;
        }
    }

    private readonly record struct StringPrefix(int Dollars, bool Verbatim, int Quotes, int Length);

    // A string literal starting at i: $ and @ prefixes in either order, then one quote, or three or more (raw).
    private static StringPrefix? StringStart(string text, int i)
    {
        int j = i, dollars = 0;
        bool verbatim = false;
        while (j < text.Length && (text[j] == '$' || text[j] == '@' && !verbatim))
        {
            if (text[j] == '$')
                dollars++;
            else
                verbatim = true;
            j++;
        }
        if (!At(text, j, '"'))
            return null;
        int quotes = 0;
        while (At(text, j + quotes, '"'))
            quotes++;
        // "" is an empty string; three or more open a raw string.
        int opening = quotes >= 3 && !verbatim ? quotes : 1;
        return new StringPrefix(dollars, verbatim, opening, j - i + opening);
    }

    private static CSharpToken ReadString(string text, ref int i, StringPrefix prefix)
    {
        i += prefix.Length;
        var value = new StringBuilder();
        // Interpolation holes open with one brace, or as many as the raw string has dollars.
        int holeBraces = prefix.Dollars == 0 ? 0 : prefix.Quotes >= 3 ? prefix.Dollars : 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (prefix.Quotes >= 3)
            {
                if (c == '"' && Count(text, i, '"') >= prefix.Quotes)
                {
                    i += Count(text, i, '"');
                    break;
                }
            }
            else if (c == '"')
            {
                if (prefix.Verbatim && At(text, i + 1, '"'))
                {
                    value.Append('"');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            else if (c == '\n' && !prefix.Verbatim)
            {
                // An unterminated regular string ends at the line's end, as the compiler recovers.
                break;
            }
            else if (c == '\\' && !prefix.Verbatim)
            {
                value.Append(Escape(text, ref i));
                continue;
            }

            if (holeBraces > 0 && c == '{')
            {
                int braces = Count(text, i, '{');
                if (prefix.Quotes < 3 && braces >= 2)
                {
                    // {{ is a literal brace in a non-raw interpolated string.
                    i += 2;
                    continue;
                }
                if (braces >= holeBraces)
                {
                    i += braces;
                    var hole = new List<CSharpToken>();
                    ReadCode(text, ref i, hole, stopAtBraces: holeBraces);
                    i += Count(text, i, '}');
                    continue;
                }
            }
            value.Append(c);
            i++;
        }
        return new CSharpToken(prefix.Dollars > 0 ? CSharpTokenKind.InterpolatedString : CSharpTokenKind.String, value.ToString());
    }

    // The escapes of a regular C# string; i is at the backslash.
    private static string Escape(string text, ref int i)
    {
        i++;
        if (i >= text.Length)
            return "";
        char e = text[i++];
        switch (e)
        {
            case 'n': return "\n";
            case 't': return "\t";
            case 'r': return "\r";
            case '0': return "\0";
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'v': return "\v";
            case 'e': return "\u001b";
            case 'u' or 'x' or 'U':
            {
                int max = e == 'u' ? 4 : e == 'U' ? 8 : 4, n = 0, value = 0;
                while (n < max && i < text.Length && System.Uri.IsHexDigit(text[i]))
                {
                    value = value * 16 + System.Convert.ToInt32(text[i].ToString(), 16);
                    i++;
                    n++;
                }
                return value <= 0x10FFFF && value is < 0xD800 or > 0xDFFF ? char.ConvertFromUtf32(value) : "\uFFFD";
            }
            default: return e.ToString();
        }
    }

    private static void SkipCharacter(string text, ref int i)
    {
        i++;
        while (i < text.Length && text[i] != '\'' && text[i] != '\n')
            i += text[i] == '\\' ? 2 : 1;
        if (i < text.Length && text[i] == '\'')
            i++;
    }

    private static void SkipLine(string text, ref int i)
    {
        int end = text.IndexOf('\n', i);
        i = end < 0 ? text.Length : end;
    }

    private static int Count(string text, int i, char c)
    {
        int n = 0;
        while (At(text, i + n, c))
            n++;
        return n;
    }

    private static bool At(string text, int i, char c) => i < text.Length && text[i] == c;
}
