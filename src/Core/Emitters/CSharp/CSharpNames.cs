using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>Turns kernel names into C# identifiers and kernel text into C# literals.</summary>
public static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary><c>kfree_skb</c> becomes <c>KfreeSkb</c>; anything that is not a letter or digit separates words.</summary>
    public static string ToPascalCase(string name)
    {
        var result = new StringBuilder(name.Length);
        bool upperNext = true;
        foreach (char c in name)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                upperNext = true;
                continue;
            }
            result.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }
        if (result.Length == 0 || char.IsDigit(result[0]))
            result.Insert(0, '_');
        return result.ToString();
    }

    /// <summary>
    /// An enum member name from the text the kernel prints: kept as it is when it is already an
    /// identifier (<c>NO_SOCKET</c>), otherwise with every other character turned into <c>_</c>.
    /// </summary>
    public static string ToMemberName(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
            result.Append(IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        string name = result.ToString();
        if (name.Trim('_').Length == 0)
            return "";
        if (char.IsDigit(name[0]))
            name = "_" + name;
        return Escape(name);
    }

    /// <summary>Prefixes <c>@</c> to a C# keyword so it can be used as an identifier.</summary>
    public static string Escape(string identifier) => Keywords.Contains(identifier) ? "@" + identifier : identifier;

    /// <summary>Whether <paramref name="text"/> is a C# keyword.</summary>
    public static bool IsKeyword(string text) => Keywords.Contains(text);

    /// <summary>A C# string literal holding <paramref name="value"/> exactly; anything not plain ASCII is escaped.</summary>
    public static string StringLiteral(string value)
    {
        var result = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
            AppendEscaped(result, c);
        return result.Append('"').ToString();
    }

    /// <summary>A C# character literal holding <paramref name="value"/>; anything not plain ASCII is escaped.</summary>
    public static string CharLiteral(char value)
    {
        var result = new StringBuilder(8).Append('\'');
        if (value == '\'')
            result.Append("\\'");
        else
            AppendEscaped(result, value);
        return result.Append('\'').ToString();
    }

    /// <summary>A C# UTF-8 string literal (<c>"..."u8</c>) of a kernel byte string.</summary>
    public static string Utf8Literal(string value) => StringLiteral(value) + "u8";

    /// <summary>Text that is safe inside an XML doc comment on one line.</summary>
    public static string XmlText(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': result.Append("&lt;"); break;
                case '>': result.Append("&gt;"); break;
                case '&': result.Append("&amp;"); break;
                default: result.Append(c < ' ' || c > '~' ? '?' : c); break;
            }
        }
        return result.ToString();
    }

    private static void AppendEscaped(StringBuilder result, char c)
    {
        switch (c)
        {
            case '"': result.Append("\\\""); break;
            case '\\': result.Append("\\\\"); break;
            case '\n': result.Append("\\n"); break;
            case '\t': result.Append("\\t"); break;
            case '\r': result.Append("\\r"); break;
            default:
                if (c < ' ' || c > '~')
                    result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else
                    result.Append(c);
                break;
        }
    }

    private static bool IsAsciiLetterOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}
