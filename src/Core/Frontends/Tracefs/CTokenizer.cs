using System.Collections.Generic;
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

    /// <summary>
    /// Reads a string or character literal with C's escapes, as the compiler that built the
    /// kernel read it (gcc; a format file spells its print fmt as the kernel source does). The
    /// literal stands for bytes: characters written as themselves are their UTF-8, an escape is
    /// one byte (<c>\x</c> takes every hex digit that follows and, as gcc does, keeps the low
    /// byte; an octal escape takes up to three digits), <c>\u</c> and <c>\U</c> are code points,
    /// and an escape C does not define stands for its character, as gcc reads it (with a warning).
    /// The bytes are then read as UTF-8, as the runtime reads the kernel's strings.
    /// </summary>
    private static bool TryReadQuoted(string text, ref int i, out string value, out int errorOffset, out string error)
    {
        char quote = text[i];
        int start = i;
        i++;
        var bytes = new List<byte>();
        while (i < text.Length && text[i] != quote)
        {
            char c = text[i];
            // The kernel prints some format strings with real line breaks inside the quotes.
            if (c < 0x80 && c != '\\')
            {
                bytes.Add((byte)c);
                i++;
                continue;
            }
            if (c != '\\')
            {
                int length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, length)));
                i += length;
                continue;
            }

            int escapeStart = i;
            i++;
            if (i >= text.Length)
                break;
            char e = text[i];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); i++; break;
                case 't': bytes.Add((byte)'\t'); i++; break;
                case 'r': bytes.Add((byte)'\r'); i++; break;
                case 'a': bytes.Add(7); i++; break;
                case 'b': bytes.Add(8); i++; break;
                case 'f': bytes.Add(12); i++; break;
                case 'v': bytes.Add(11); i++; break;
                case 'e': bytes.Add(27); i++; break;
                case 'x':
                {
                    i++;
                    int digitsStart = i, v = 0;
                    while (i < text.Length && IsHexDigit(text[i]))
                        v = (v << 4 | HexValue(text[i++])) & 0xFF;
                    if (i == digitsStart)
                    {
                        errorOffset = escapeStart;
                        error = "\\x escape without hex digits";
                        value = "";
                        return false;
                    }
                    bytes.Add((byte)v);
                    break;
                }
                case 'u' or 'U':
                {
                    int digits = e == 'u' ? 4 : 8;
                    i++;
                    long codePoint = 0;
                    int n = 0;
                    while (n < digits && i < text.Length && IsHexDigit(text[i]))
                    {
                        codePoint = codePoint * 16 + HexValue(text[i++]);
                        n++;
                    }
                    if (n < digits || codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
                    {
                        errorOffset = escapeStart;
                        error = $"\\{e} escape is not a code point ({digits} hex digits)";
                        value = "";
                        return false;
                    }
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32((int)codePoint)));
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
                    bytes.Add((byte)(v & 0xFF));
                    break;
                }
                default:
                    // \\ \" \' \? stand for themselves, and so does an escape C does not define.
                    int length = char.IsHighSurrogate(e) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                    bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, length)));
                    i += length;
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
        value = Encoding.UTF8.GetString(bytes.ToArray());
        errorOffset = 0;
        error = "";
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool IsHexDigit(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');
}
