using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Splits C text (print fmts, field declarations) into tokens. Errors carry the offset of the
/// bad character so the caller can report a line and column.
/// </summary>
internal static class CTokenizer
{
    // Longest first, so ">>" wins over ">".
    private static readonly string[] Punctuators =
    {
        "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "...",
        "(", ")", "[", "]", "{", "}", ",", ";", "?", ":", ".", "+", "-", "*", "/", "%",
        "&", "|", "^", "~", "!", "=", "<", ">", "#",
    };

    public static bool TryTokenize(string text, out List<CToken> tokens, out int errorOffset, out string error)
    {
        tokens = new List<CToken>();
        errorOffset = 0;
        error = "";
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i >= text.Length)
            {
                tokens.Add(new CToken(CTokenKind.End, "", "", text.Length));
                return true;
            }

            char c = text[i];
            int start = i;
            if (IsIdentifierStart(c))
            {
                while (i < text.Length && IsIdentifierPart(text[i]))
                    i++;
                string word = text.Substring(start, i - start);
                tokens.Add(new CToken(CTokenKind.Identifier, word, word, start));
            }
            else if (c is >= '0' and <= '9')
            {
                // A pp-number: digits, letters (hex digits, suffixes, 'x') and dots.
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '.'))
                    i++;
                string number = text.Substring(start, i - start);
                tokens.Add(new CToken(CTokenKind.Number, number, number, start));
            }
            else if (c is '"' or '\'')
            {
                if (!TryReadQuoted(text, ref i, out string value, out errorOffset, out error))
                    return false;
                tokens.Add(new CToken(c == '"' ? CTokenKind.String : CTokenKind.Char, text.Substring(start, i - start), value, start));
            }
            else
            {
                string? punctuator = null;
                foreach (string p in Punctuators)
                {
                    if (string.CompareOrdinal(text, i, p, 0, p.Length) == 0)
                    {
                        punctuator = p;
                        break;
                    }
                }
                if (punctuator is null)
                {
                    errorOffset = i;
                    error = c < ' ' || c > '~'
                        ? $"unexpected character U+{(int)c:X4}"
                        : $"unexpected character '{c}'";
                    return false;
                }
                i += punctuator.Length;
                tokens.Add(new CToken(CTokenKind.Punctuator, punctuator, punctuator, start));
            }
        }
    }

    public static bool IsIdentifierStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    public static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || c is >= '0' and <= '9';

    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !IsIdentifierStart(text[0]))
            return false;
        foreach (char c in text)
        {
            if (!IsIdentifierPart(c))
                return false;
        }
        return true;
    }

    private static bool TryReadQuoted(string text, ref int i, out string value, out int errorOffset, out string error)
    {
        char quote = text[i];
        int start = i;
        i++;
        var decoded = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            char c = text[i];
            // The kernel prints some format strings with real line breaks inside the quotes.
            if (c != '\\')
            {
                decoded.Append(c);
                i++;
                continue;
            }

            i++;
            if (i >= text.Length)
                break;
            char e = text[i];
            switch (e)
            {
                case 'n': decoded.Append('\n'); i++; break;
                case 't': decoded.Append('\t'); i++; break;
                case 'r': decoded.Append('\r'); i++; break;
                case 'a': decoded.Append('\a'); i++; break;
                case 'b': decoded.Append('\b'); i++; break;
                case 'f': decoded.Append('\f'); i++; break;
                case 'v': decoded.Append('\v'); i++; break;
                case 'e': decoded.Append('\u001b'); i++; break;
                case 'x':
                {
                    i++;
                    int digitsStart = i;
                    while (i < text.Length && i - digitsStart < 2 && IsHexDigit(text[i]))
                        i++;
                    if (i == digitsStart)
                    {
                        errorOffset = digitsStart;
                        error = "\\x escape without hex digits";
                        value = "";
                        return false;
                    }
                    decoded.Append((char)int.Parse(text.Substring(digitsStart, i - digitsStart), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    break;
                }
                case >= '0' and <= '7':
                {
                    int v = 0, n = 0;
                    while (i < text.Length && n < 3 && text[i] is >= '0' and <= '7')
                    {
                        v = v * 8 + (text[i] - '0');
                        i++;
                        n++;
                    }
                    decoded.Append((char)(v & 0xFF));
                    break;
                }
                default:
                    // \\ \" \' \? and anything else stand for themselves.
                    decoded.Append(e);
                    i++;
                    break;
            }
        }

        if (i >= text.Length || text[i] != quote)
        {
            errorOffset = start;
            error = quote == '"' ? "unterminated string literal" : "unterminated character constant";
            value = "";
            return false;
        }

        i++;
        value = decoded.ToString();
        errorOffset = 0;
        error = "";
        return true;
    }

    private static bool IsHexDigit(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');
}
