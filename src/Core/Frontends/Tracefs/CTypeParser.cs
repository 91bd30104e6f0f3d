using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Schema;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Parses the C types that formats write: field declarations such as
/// <c>__data_loc char[] name</c> or <c>const char *const * argv</c>, and the type names of casts.
/// </summary>
internal static class CTypeParser
{
    // Qualifiers and address-space markers that do not change a type's layout.
    private static readonly HashSet<string> Qualifiers = new()
    {
        "const", "volatile", "restrict", "__restrict", "__user", "__kernel", "__iomem", "__percpu",
        "__rcu", "__force", "__seg_gs", "__seg_fs", "__private", "__bitwise",
    };

    /// <summary>Parses a field declaration; <paramref name="source"/> is the text the tokens came from.</summary>
    public static bool TryParseDeclaration(string source, List<CToken> tokens, out CType type, out string name, out int errorOffset, out string error)
    {
        type = null!;
        name = "";
        int end = tokens.Count - 1; // the End token
        if (end <= 0)
            return Fail("the declaration is empty", 0, out errorOffset, out error);

        // An array suffix after the name: name[16], name[], name[TASK_COMM_LEN].
        int last = end - 1;
        int? arrayLength = null;
        int arraySuffixStart = -1;
        if (tokens[last].Is("]"))
        {
            if (!TryParseArraySuffix(tokens, last, out arraySuffixStart, out int length, out errorOffset, out error))
                return false;
            arrayLength = length;
            last = arraySuffixStart - 1;
        }

        if (last < 0 || tokens[last].Kind != CTokenKind.Identifier || CTypeFacts.IsTypeKeyword(tokens[last].Text))
            return Fail("expected a field name at the end of the declaration", last < 0 ? 0 : tokens[last].Offset, out errorOffset, out error);
        name = tokens[last].Text;
        if (last == 0)
            return Fail($"field '{name}' has no type", tokens[0].Offset, out errorOffset, out error);

        if (!TryParseTypeTokens(source, tokens, 0, last, arrayLength, out type, out errorOffset, out error))
            return false;

        if (arraySuffixStart >= 0)
        {
            string suffix = source.Substring(tokens[arraySuffixStart].Offset, tokens[end - 1].Offset + 1 - tokens[arraySuffixStart].Offset);
            type = type with { Text = type.Text + suffix };
        }
        return true;
    }

    /// <summary>Parses a type name such as <c>unsigned long</c> or <c>struct foo *</c> from tokens [start, end).</summary>
    public static bool TryParseTypeName(string source, List<CToken> tokens, int start, int end, out CType type, out int errorOffset, out string error)
        => TryParseTypeTokens(source, tokens, start, end, arrayLength: null, out type, out errorOffset, out error);

    /// <summary>Whether tokens [start, end) read as a type name rather than an expression in parentheses.</summary>
    public static bool LooksLikeTypeName(List<CToken> tokens, int start, int end)
    {
        if (end <= start)
            return false;
        bool sawTypeWord = false;
        bool sawPointer = false;
        int identifiers = 0;
        for (int i = start; i < end; i++)
        {
            CToken token = tokens[i];
            if (token.Is("*"))
            {
                sawPointer = true;
                continue;
            }
            if (token.Kind != CTokenKind.Identifier || sawPointer && !Qualifiers.Contains(token.Text))
                return false;
            identifiers++;
            if (CTypeFacts.IsTypeKeyword(token.Text) || Qualifiers.Contains(token.Text) || CTypeFacts.IsTypedefName(token.Text))
                sawTypeWord = true;
        }
        // A lone identifier with a pointer, "(foo *)", can only be a type.
        return sawTypeWord || (sawPointer && identifiers == 1);
    }

    private static bool TryParseTypeTokens(string source, List<CToken> tokens, int start, int end, int? arrayLength, out CType type, out int errorOffset, out string error)
    {
        type = null!;
        var baseWords = new List<string>();
        var location = DynamicLocation.None;
        int pointerDepth = 0;
        int typeEnd = end;

        // A dynamic array's brackets follow the element type: "__data_loc char[]".
        if (end - start >= 2 && tokens[end - 1].Is("]") && tokens[end - 2].Is("["))
        {
            typeEnd = end - 2;
            arrayLength ??= 0;
        }

        for (int i = start; i < typeEnd; i++)
        {
            CToken token = tokens[i];
            if (token.Is("*"))
            {
                pointerDepth++;
                continue;
            }
            if (token.Kind != CTokenKind.Identifier)
                return Fail($"unexpected '{token.Text}' in a type", token.Offset, out errorOffset, out error);
            if (pointerDepth > 0 && !Qualifiers.Contains(token.Text))
                return Fail($"unexpected '{token.Text}' after '*' in a type", token.Offset, out errorOffset, out error);

            switch (token.Text)
            {
                case "__data_loc":
                    location = DynamicLocation.DataLoc;
                    break;
                case "__rel_loc":
                    location = DynamicLocation.RelLoc;
                    break;
                default:
                    if (!Qualifiers.Contains(token.Text))
                        baseWords.Add(token.Text);
                    break;
            }
        }

        if (baseWords.Count == 0)
            return Fail("the type has no base type", tokens[start].Offset, out errorOffset, out error);
        if ((baseWords[0] is "struct" or "union" or "enum") && baseWords.Count != 2)
            return Fail($"'{baseWords[0]}' must be followed by exactly one tag name", tokens[start].Offset, out errorOffset, out error);

        string text = source.Substring(tokens[start].Offset, tokens[end - 1].Offset + tokens[end - 1].Text.Length - tokens[start].Offset);
        type = new CType(Normalize(text), string.Join(" ", baseWords), pointerDepth, arrayLength, location);
        errorOffset = 0;
        error = "";
        return true;
    }

    private static bool TryParseArraySuffix(List<CToken> tokens, int closeIndex, out int openIndex, out int length, out int errorOffset, out string error)
    {
        // Walk back over one or more [..] groups; a product of numeric dimensions is the element count.
        openIndex = closeIndex;
        length = 1;
        bool symbolic = false;
        bool flexible = false;
        int i = closeIndex;
        while (i >= 0 && tokens[i].Is("]"))
        {
            int open = i - 1;
            while (open >= 0 && !tokens[open].Is("["))
                open--;
            if (open < 0)
                return Fail("']' without '['", tokens[i].Offset, out errorOffset, out error);

            if (open == i - 1)
            {
                flexible = true;
            }
            else if (open == i - 2 && tokens[i - 1].Kind == CTokenKind.Number &&
                     int.TryParse(tokens[i - 1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out int dimension) &&
                     dimension <= 1 << 20)
            {
                length = (int)global::System.Math.Min((long)length * dimension, 1 << 20);
            }
            else
            {
                symbolic = true;
            }
            openIndex = open;
            i = open - 1;
        }

        length = flexible ? 0 : symbolic ? -1 : length;
        errorOffset = 0;
        error = "";
        return true;
    }

    private static string Normalize(string text)
    {
        // Line breaks and tabs inside a type become single spaces.
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && builder.Length > 0)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool Fail(string message, int offset, out int errorOffset, out string error)
    {
        errorOffset = offset;
        error = message;
        return false;
    }
}
