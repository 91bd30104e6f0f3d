using System.Collections.Generic;
using System.Text;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Decodes C string literals with the tokenizer that reads print fmts, so that every frontend
/// gives an escape the same meaning: the kernel-headers frontend reads the print fmt strings
/// libclang spells, the format reader the ones tracefs prints.
/// </summary>
public static class CStringLiteral
{
    /// <summary>
    /// The text <paramref name="spelling"/> stands for: one or more adjacent <c>"..."</c> literals
    /// with C's escapes, joined as C joins them. The literal's bytes are read as UTF-8.
    /// </summary>
    /// <param name="spelling">The literal as written, e.g. <c>"a\tb" "c"</c>.</param>
    /// <param name="value">The decoded text, or empty when this returns false.</param>
    /// <returns>False when <paramref name="spelling"/> is anything but string literals, or one of them is malformed.</returns>
    public static bool TryDecode(string spelling, out string value)
    {
        value = "";
        if (spelling is null || !CTokenizer.TryTokenize(spelling, out List<CToken> tokens, out _, out _) || tokens.Count < 2)
            return false;
        var text = new StringBuilder();
        foreach (CToken token in tokens)
        {
            if (token.Kind == CTokenKind.End)
                break;
            if (token.Kind != CTokenKind.String)
                return false;
            text.Append(token.Value);
        }
        value = text.ToString();
        return true;
    }
}
