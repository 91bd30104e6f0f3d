using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Frontends;

/// <summary>
/// Kernel constants that a print fmt names but its format does not define: a table entry such as
/// <c>{ TCP_ESTABLISHED, "TCP_ESTABLISHED" }</c> whose enum the kernel did not export with
/// <c>TRACE_DEFINE_ENUM</c> (tracefs then shows the name, not the number; see
/// <see cref="SymbolEntry.Unresolved"/>). The kernel knows the value and prints
/// <c>TCP_ESTABLISHED</c>; the format alone gives only <c>0x1</c>. Given the values, from the same
/// kernel's BTF, this does what the kernel does for an exported enum: it writes the number in
/// place of the name in the print fmt text, so the text, the generated enums and anything written
/// from the schema (a snapshot) carry it.
/// </summary>
public static class KernelConstants
{
    private const string PrintFmtLine = "print fmt: ";

    /// <summary>The names the print fmt's tables use as values without defining them, in order of first use.</summary>
    public static IReadOnlyList<string> Unresolved(TracepointSchema schema)
    {
        if (schema is null)
            throw new ArgumentNullException(nameof(schema));
        var names = new List<string>();
        if (schema.Print is null)
            return names;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            foreach (SymbolEntry entry in table.Entries)
            {
                if (entry.Unresolved is { } expression)
                    CollectIdentifiers(expression, names);
            }
        }
        return names;
    }

    /// <summary>
    /// <paramref name="schema"/> with each unresolved name that <paramref name="constants"/> knows
    /// written as its value, as the kernel writes an exported enum; the same schema when there is
    /// nothing to resolve.
    /// </summary>
    /// <param name="schema">An event whose print fmt may name constants its format does not define.</param>
    /// <param name="constants">Values by name, from the same kernel (<c>BtfSchemaReader.EnumConstants</c>).</param>
    public static TracepointSchema Resolve(TracepointSchema schema, IReadOnlyDictionary<string, long> constants)
    {
        if (constants is null)
            throw new ArgumentNullException(nameof(constants));
        IReadOnlyList<string> unresolved = Unresolved(schema);
        if (unresolved.Count == 0 || schema.PrintFmt is null)
            return schema;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in unresolved)
        {
            if (constants.TryGetValue(name, out long value))
                values[name] = value.ToString(CultureInfo.InvariantCulture);
        }
        if (values.Count == 0)
            return schema;
        string text = Substitute(schema.PrintFmt, values);
        // Only constants became numbers, so what parsed before parses now; should it not, the schema stays as the kernel gave it.
        if (!PrintFmtParser.TryParse(text, out PrintFormat print, out _, out _))
            return schema;
        return schema with { PrintFmt = text, Print = print };
    }

    /// <summary>
    /// Format file text with the print fmt of <paramref name="resolved"/> (see <see cref="Resolve"/>)
    /// in place of its own, every line before it as it was: a snapshot of the kernel's file that
    /// carries the values. The print fmt is the file's last entry and may span lines (a <c>\n</c>
    /// the kernel wrote into its format string), so it runs to the end.
    /// </summary>
    public static string WithPrintFmt(string formatText, TracepointSchema resolved)
    {
        if (formatText is null)
            throw new ArgumentNullException(nameof(formatText));
        if (resolved?.PrintFmt is null)
            return formatText;
        int start = 0;
        if (!formatText.StartsWith(PrintFmtLine, StringComparison.Ordinal))
        {
            int line = formatText.IndexOf("\n" + PrintFmtLine, StringComparison.Ordinal);
            if (line < 0)
                return formatText;
            start = line + 1;
        }
        return formatText.Substring(0, start) + PrintFmtLine + resolved.PrintFmt + "\n";
    }

    /// <summary>
    /// A format file's text with its constants resolved (<see cref="Resolve"/>, then
    /// <see cref="WithPrintFmt"/>): for copying a kernel's formats wholesale. Text whose tables
    /// name no constants, or that does not read, is returned as it is, without a full read.
    /// </summary>
    public static string ResolveFormatText(string formatText, string system, string name, IReadOnlyDictionary<string, long> constants)
    {
        if (formatText is null)
            throw new ArgumentNullException(nameof(formatText));
        if (!MayNameConstants(formatText))
            return formatText;
        FormatReadResult read = FormatFileReader.Read(formatText, system, system + "/" + name + "/format", name);
        if (read.Schema is not { } schema)
            return formatText;
        TracepointSchema resolved = Resolve(schema, constants);
        return ReferenceEquals(resolved, schema) ? formatText : WithPrintFmt(formatText, resolved);
    }

    // A table entry whose value is a name: "{ TCP_ESTABLISHED, ..." (most entries are numbers, "{ 1, ...").
    private static bool MayNameConstants(string formatText)
    {
        int printFmt = formatText.IndexOf(PrintFmtLine, StringComparison.Ordinal);
        for (int i = formatText.IndexOf('{', Math.Max(printFmt, 0)); printFmt >= 0 && i >= 0; i = formatText.IndexOf('{', i + 1))
        {
            int next = i + 1;
            while (next < formatText.Length && formatText[next] is ' ' or '\t')
                next++;
            if (next < formatText.Length && (char.IsLetter(formatText[next]) || formatText[next] == '_'))
                return true;
        }
        return false;
    }

    private static void CollectIdentifiers(PrintExpr expression, List<string> names)
    {
        if (expression is IdentifierExpr identifier)
        {
            if (!names.Contains(identifier.Name))
                names.Add(identifier.Name);
            return;
        }
        foreach (PrintExpr child in PrintExprWalker.Children(expression))
            CollectIdentifiers(child, names);
    }

    /// <summary>
    /// Replaces whole identifiers outside string and character literals, as the kernel's
    /// <c>update_event_printk</c> does for its eval maps: never inside a number, never a member
    /// after <c>.</c> or <c>-&gt;</c> (<c>REC-&gt;state</c> stays).
    /// </summary>
    private static string Substitute(string text, Dictionary<string, string> values)
    {
        var result = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '"' or '\'')
            {
                int end = i + 1;
                while (end < text.Length && text[end] != c)
                    end += text[end] == '\\' ? 2 : 1;
                end = Math.Min(end + 1, text.Length);
                result.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (IsIdentifierChar(c))
            {
                int end = i;
                while (end < text.Length && IsIdentifierChar(text[end]))
                    end++;
                string word = text.Substring(i, end - i);
                bool member = EndsWithMemberAccess(result);
                result.Append(!char.IsDigit(c) && !member && values.TryGetValue(word, out string? value) ? value : word);
                i = end;
                continue;
            }
            result.Append(c);
            i++;
        }
        return result.ToString();
    }

    private static bool IsIdentifierChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    private static bool EndsWithMemberAccess(StringBuilder text)
    {
        int end = text.Length;
        while (end > 0 && text[end - 1] is ' ' or '\t')
            end--;
        return end > 0 && text[end - 1] == '.' || end > 1 && text[end - 1] == '>' && text[end - 2] == '-';
    }
}
