using System;
using System.Globalization;
using System.Text;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Decodes C string literals as libclang spells them. clang evaluates a <c>char[]</c>
/// initializer only as an array, not as text, so the <c>print_fmt_*</c> strings are read from
/// the literal's spelling: one or more adjacent <c>"..."</c> with C escapes.
/// </summary>
internal static class CStringLiteral
{
    /// <summary>The bytes the literal stands for, as text; null when <paramref name="spelling"/> is not a plain string literal.</summary>
    public static string? Decode(string spelling)
    {
        var bytes = new System.Collections.Generic.List<byte>(spelling.Length);
        int i = 0;
        bool any = false;
        while (true)
        {
            while (i < spelling.Length && char.IsWhiteSpace(spelling[i]))
                i++;
            if (i == spelling.Length)
                return any ? Encoding.UTF8.GetString(bytes.ToArray()) : null;
            if (spelling[i] != '"')
                return null;
            any = true;
            i++;
            while (true)
            {
                if (i >= spelling.Length)
                    return null;
                char c = spelling[i++];
                if (c == '"')
                    break;
                if (c != '\\')
                {
                    AppendUtf8(bytes, c);
                    continue;
                }
                if (i >= spelling.Length)
                    return null;
                char escape = spelling[i++];
                switch (escape)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 'a': bytes.Add(7); break;
                    case 'b': bytes.Add(8); break;
                    case 'f': bytes.Add(12); break;
                    case 'v': bytes.Add(11); break;
                    case 'e': bytes.Add(27); break;
                    case '\\' or '\'' or '"' or '?': bytes.Add((byte)escape); break;
                    case 'x':
                    {
                        int start = i;
                        int value = 0;
                        while (i < spelling.Length && char.IsAsciiHexDigit(spelling[i]))
                            value = (value * 16 + int.Parse(spelling.AsSpan(i++, 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture)) & 0xFF;
                        if (i == start)
                            return null;
                        bytes.Add((byte)value);
                        break;
                    }
                    case >= '0' and <= '7':
                    {
                        int value = escape - '0';
                        for (int digits = 1; digits < 3 && i < spelling.Length && spelling[i] is >= '0' and <= '7'; digits++)
                            value = value * 8 + (spelling[i++] - '0');
                        bytes.Add((byte)value);
                        break;
                    }
                    default:
                        return null;
                }
            }
        }
    }

    private static void AppendUtf8(System.Collections.Generic.List<byte> bytes, char c)
    {
        if (c < 0x80)
        {
            bytes.Add((byte)c);
            return;
        }
        Span<byte> buffer = stackalloc byte[4];
        int written = Encoding.UTF8.GetBytes([c], buffer);
        for (int i = 0; i < written; i++)
            bytes.Add(buffer[i]);
    }
}
