using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using TpGen.Schema;

namespace TpGen.Tests.Text;

/// <summary>
/// The documented differences between TpGen's event text and libtraceevent's (docs/event-text.md),
/// each a narrow rule about one conversion: both texts are split at the print fmt's literal
/// text, and each conversion whose output differs must be explained by a rule that names it.
/// A difference no rule explains is a bug on one side, and the test reports it.
/// </summary>
internal static class KnownDifferences
{
    private const string CharPlaceholder = "libtraceevent cannot print %c of an expression";

    /// <summary>The categories that explain why <paramref name="ours"/> differs from <paramref name="theirs"/>; null when something is unexplained.</summary>
    public static IReadOnlyList<string>? Explain(TracepointSchema schema, string ours, string theirs, bool libtraceeventFailedToParse)
    {
        if (theirs.StartsWith("[FAILED TO PARSE]", StringComparison.Ordinal))
            return [libtraceeventFailedToParse ? "libtraceevent cannot parse the print fmt" : "libtraceevent cannot evaluate the print fmt"];
        // ftrace's own events (function, bprint, print, ...) are printed by the kernel's own
        // functions, not through their print fmt; libtraceevent has its own handlers for them.
        if (schema.System == "ftrace")
            return ["ftrace's own events"];
        if (schema.Print is not { } print)
            return null;

        Regex shape = Shape(print);
        Match a = shape.Match(ours), b = shape.Match(theirs);
        if (!a.Success || !b.Success)
            return null;
        var reasons = new List<string>();
        var conversions = print.Segments.Where(s => s.Conversion is not null).Select(s => s.Conversion!).ToList();
        bool lostArguments = false;
        for (int i = 0; i < conversions.Count; i++)
        {
            string x = a.Groups[i + 1].Value, y = b.Groups[i + 1].Value;
            if (x == y)
                continue;
            Conversion conversion = conversions[i];
            // After a %c placeholder libtraceevent has lost track of the arguments.
            if (lostArguments)
            {
                reasons.Add(CharPlaceholder);
                continue;
            }
            lostArguments = conversion.Specifier == 'c' && y == ">c<";
            string? reason = ExplainConversion(schema, conversion, print.Arguments[conversion.ValueArgument], x, y);
            if (reason is null)
                return null;
            reasons.Add(reason);
        }
        return reasons.Count > 0 ? reasons : null;
    }

    /// <summary>
    /// Why <paramref name="ours"/> differs from the kernel's own text: only where the kernel knows
    /// something the format does not say (a table entry named by a kernel constant that the format
    /// does not define). Null when the difference is a bug.
    /// </summary>
    public static string? ExplainKernel(TracepointSchema schema, string ours, string kernel)
    {
        if (schema.Print is not { } print)
            return null;
        Match a = Shape(print).Match(ours), b = Shape(print).Match(kernel);
        if (!a.Success || !b.Success)
            return null;
        string? reason = null;
        var conversions = print.Segments.Where(s => s.Conversion is not null).Select(s => s.Conversion!).ToList();
        for (int i = 0; i < conversions.Count; i++)
        {
            if (a.Groups[i + 1].Value == b.Groups[i + 1].Value)
                continue;
            PrintExpr argument = print.Arguments[conversions[i].ValueArgument];
            bool unresolved = Tables(argument).Any(t => t is SymbolicExpr s && s.Entries.Any(e => !e.IsResolved) || t is FlagsExpr f && f.Entries.Any(e => !e.IsResolved));
            if (!unresolved)
                return null;
            reason = UnresolvedTable;
        }
        return reason;
    }

    private const string UnresolvedTable = "table names a constant the format does not define";

    // The print fmt as a pattern: its literal text, and a lazy group for each conversion.
    private static Regex Shape(PrintFormat print)
    {
        var pattern = new StringBuilder("^");
        foreach (FormatSegment segment in print.Segments)
            pattern.Append(segment.Literal is { } literal ? Regex.Escape(literal) : segment.Conversion!.Specifier == 'c' ? "(>c<|.)" : "(.*?)");
        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string? ExplainConversion(TracepointSchema schema, Conversion conversion, PrintExpr argument, string ours, string theirs)
    {
        PrintExpr value = StripCasts(argument);

        // Plain %p: the kernel (with nohash-ptr) prints %px, 16 zero-padded digits; libtraceevent
        // uses the C library's %p, "0x..." and "(nil)".
        if (conversion.Specifier == 'p' && conversion.PointerExtension.Length == 0 && Regex.IsMatch(ours, "^[0-9a-f]{16}$") &&
            (theirs == "(nil)" && ours.Trim('0').Length == 0 || theirs == "0x" + ours.TrimStart('0')))
            return "plain %p: C library's %p form in libtraceevent";

        // %c of an expression such as REC->fin ? 'F' : ' ': libtraceevent prints a placeholder.
        if (conversion.Specifier == 'c' && theirs == ">c<" && ours.Length == 1)
            return CharPlaceholder;

        // %pS, %pB: the kernel prints the symbol's size after its offset; libtraceevent leaves it out.
        if (conversion.Specifier == 'p' && conversion.PointerExtension is "S" or "B" &&
            Regex.IsMatch(ours, "^" + Regex.Escape(theirs) + "/0x[0-9a-f]+$"))
            return "%pS: symbol size";

        // %pIS of an address family other than AF_INET/AF_INET6: the kernel prints "(einval)".
        if (conversion.Specifier == 'p' && conversion.PointerExtension.StartsWith("IS", StringComparison.Ordinal) && ours == "(einval)" && theirs.Length == 0)
            return "%pIS of an unknown address family";

        // '#' with a zero value: the kernel's number() still prints the 0x prefix; C's printf does not.
        if ((conversion.Flags & ConversionFlags.Alternate) != 0 && conversion.Specifier is 'x' or 'X' &&
            Regex.IsMatch(ours, "^ *0[xX]0* *$") && Regex.IsMatch(theirs, "^ *0+ *$"))
            return "'#' flag with a zero value";

        // %.*s with a negative precision: the kernel clamps it to 0; libtraceevent prints the conversion.
        if (conversion.Precision == Conversion.FromArgument && conversion.Specifier == 's' && ours.Length == 0 && theirs == conversion.Spec)
            return "negative '*' precision";

        // A signed field narrower than int printed with %d: the kernel sign-extends it.
        if (conversion.Specifier is 'd' or 'i' && value is FieldExpr field && schema.FindField(field.Field) is { IsSigned: true, Size: 1 or 2 } narrow &&
            long.TryParse(ours, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long negative) && negative < 0 &&
            long.TryParse(theirs, NumberStyles.None, CultureInfo.InvariantCulture, out long unsigned) && unsigned == negative + (1L << (8 * narrow.Size)))
            return "narrow signed field";

        // __get_cpumask: the kernel prints %*pb (hex chunks); libtraceevent prints a CPU list.
        if (value is CallExpr { Function: "__get_cpumask" or "__get_rel_cpumask" } && SameBits(ours, theirs))
            return "cpumask as a CPU list";

        // A %s of a `const char *` field: the kernel prints the string at the address; where
        // printk_formats does not list it, TpGen prints "0x<address>" (and "(null)" for NULL, as
        // the kernel does), libtraceevent the bare hex number.
        if (conversion.Specifier == 's' && value is FieldExpr pointer && schema.FindField(pointer.Field) is { Kind: FieldKind.Pointer } &&
            (ours.Trim() == "(null)" && theirs.Trim() == "0" || ours.Trim() == "0x" + theirs.Trim()))
            return "kernel string pointer that printk_formats does not list";

        if (Tables(argument).ToList() is { Count: > 0 } tables && ExplainTable(conversion, tables, ours, theirs) is { } table)
            return table;

        // C semantics that libtraceevent's evaluator does not follow.
        if (Any(argument, e => e is BinaryExpr { Operator: "<<", Right: var count } && !IsConstant(count)))
            return "shift count beyond the type's width";
        if (Any(argument, e => e is BinaryExpr { Operator: "+" or "-", Left: BinaryExpr { Operator: "+" or "-" } } ||
                               e is BinaryExpr { Operator: "&", Right: BinaryExpr { Operator: "|" } }))
            return "libtraceevent groups an expression differently from C";
        if (Any(argument, e => e is ConditionalExpr { Condition: var condition } &&
                               Any(condition, c => c is UnaryExpr { Operator: "!" } || c is BinaryExpr { Operator: "<" or ">" or "<=" or ">=" or "==" or "!=" } comparison && IsSigned(schema, comparison))))
            return "signed comparison";
        // A negative signed dividend: C truncates toward zero; libtraceevent divides the unsigned pattern.
        if (argument is BinaryExpr { Operator: "/" or "%" } division && IsSigned(schema, division.Left) && !theirs.StartsWith('-'))
            return "signed division";

        return null;
    }

    /// <summary>A difference inside the output of <c>__print_symbolic</c> or <c>__print_flags</c>.</summary>
    private static string? ExplainTable(Conversion conversion, List<PrintExpr> tables, string ours, string theirs)
    {
        var entries = tables.SelectMany(t => t switch
        {
            SymbolicExpr s => s.Entries,
            FlagsExpr f => f.Entries,
            _ => default,
        }).ToList();
        // A name the format does not define (a kernel enum without TRACE_DEFINE_ENUM): only the kernel knows its value.
        if (entries.Any(e => !e.IsResolved))
            return UnresolvedTable;
        // 64-bit values, e.g. (1ULL << 63) or -6ULL: libtraceevent truncates them.
        if (entries.Any(e => e.Value > uint.MaxValue))
            return "64-bit table values";
        // %-8s of a __print_symbolic: the kernel pads the name; libtraceevent ignores the width.
        if (conversion.Width > 0 && ours.Trim() == theirs.Trim())
            return "width of a %s of __print_symbolic";

        // The kernel passes the value as unsigned long: a negative int is sign-extended.
        string normalized = Regex.Replace(ours, "0xffffffff([89a-f][0-9a-f]{7})", "0x$1");
        foreach (SymbolEntry entry in entries.Where(e => e.Value > int.MaxValue))
            normalized = normalized.Replace(entry.Name, "0x" + (entry.Value & uint.MaxValue).ToString("x", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string reason = "value sign-extended to unsigned long";
        // A flag of mask 0 matches any non-zero value in the kernel; libtraceevent never prints it.
        foreach (FlagsExpr flags in tables.OfType<FlagsExpr>())
        {
            foreach (SymbolEntry zero in flags.Entries.Where(e => e.Value == 0))
            {
                if (normalized.StartsWith(zero.Name + flags.Delimiter, StringComparison.Ordinal))
                    (normalized, reason) = (normalized[(zero.Name.Length + flags.Delimiter.Length)..], "flag of mask 0");
                else if (normalized == zero.Name)
                    (normalized, reason) = ("", "flag of mask 0");
            }
        }
        return normalized == theirs ? reason : null;
    }

    private static IEnumerable<PrintExpr> Tables(PrintExpr argument)
    {
        var found = new List<PrintExpr>();
        Any(argument, e =>
        {
            if (e is SymbolicExpr or FlagsExpr)
                found.Add(e);
            return false;
        });
        return found;
    }

    private static bool IsSigned(TracepointSchema schema, PrintExpr expression) =>
        Any(expression, e => e is FieldExpr f && schema.FindField(f.Field) is { IsSigned: true } || e is UnaryExpr { Operator: "-" } || e is IntegerExpr { IsUnsigned: false, Value: > int.MaxValue });

    private static bool IsConstant(PrintExpr expression) => !Any(expression, e => e is FieldExpr or CallExpr or IdentifierExpr);

    /// <summary>Whether <paramref name="predicate"/> holds for the expression or any part of it.</summary>
    private static bool Any(PrintExpr expression, Func<PrintExpr, bool> predicate)
    {
        if (predicate(expression))
            return true;
        return expression switch
        {
            UnaryExpr u => Any(u.Operand, predicate),
            BinaryExpr b => Any(b.Left, predicate) || Any(b.Right, predicate),
            ConditionalExpr c => Any(c.Condition, predicate) || Any(c.WhenTrue, predicate) || Any(c.WhenFalse, predicate),
            CastExpr c => Any(c.Operand, predicate),
            CallExpr c => c.Arguments.Any(a => Any(a, predicate)),
            SymbolicExpr s => Any(s.Value, predicate),
            FlagsExpr f => Any(f.Value, predicate),
            IndexExpr i => Any(i.Target, predicate) || Any(i.Index, predicate),
            StatementExpr { Result: { } r } => Any(r, predicate),
            _ => false,
        };
    }

    private static bool SameBits(string hexChunks, string cpuList)
    {
        var fromHex = new SortedSet<int>();
        string[] chunks = hexChunks.Split(',');
        for (int c = 0; c < chunks.Length; c++)
        {
            if (!uint.TryParse(chunks[c], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits))
                return false;
            int baseBit = 32 * (chunks.Length - 1 - c);
            for (int b = 0; b < 32; b++)
            {
                if ((bits >> b & 1) != 0)
                    fromHex.Add(baseBit + b);
            }
        }
        var fromList = new SortedSet<int>();
        foreach (string range in cpuList.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = range.Split('-');
            if (!int.TryParse(ends[0], out int first) || !int.TryParse(ends[^1], out int last))
                return false;
            for (int cpu = first; cpu <= last; cpu++)
                fromList.Add(cpu);
        }
        return fromHex.SetEquals(fromList);
    }

    private static PrintExpr StripCasts(PrintExpr expression)
    {
        while (expression is CastExpr cast)
            expression = cast.Operand;
        return expression;
    }
}
