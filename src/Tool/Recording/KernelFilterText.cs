using System;
using System.Globalization;
using System.Text;
using TpGen.Filters;
using TpGen.Schema;
using TpGen.Tool.Events;

namespace TpGen.Tool.Recording;

/// <summary>
/// Turns a checked filter (<see cref="FilterExpr"/>: fields resolved, symbols turned into their
/// values) into the kernel's own event filter language, for tracefs <c>events/S/E/filter</c>: the
/// kernel then discards what does not match before it reaches the ring buffer. Built from the
/// parts of the checked filter, never from the user's text.
/// </summary>
internal static class KernelFilterText
{
    public static string From(FilterExpr filter) => filter switch
    {
        AndFilter and => $"({From(and.Left)}) && ({From(and.Right)})",
        OrFilter or => $"({From(or.Left)}) || ({From(or.Right)})",
        NotFilter not => $"!({From(not.Operand)})",
        CompareFilter compare => $"{compare.Field.Name} {Operator(compare.Operator)} {Number(compare.Field, compare.Value)}",
        StringFilter { Match: StringMatch.Whole, AnyCharacter: false } text => $"{Name(text.Field)} {(text.Equal ? "==" : "!=")} {Quote(text, glob: false)}",
        StringFilter glob => (glob.Equal ? "" : "!") + $"({Name(glob.Field)} ~ {Quote(glob, glob: true)})",
        _ => throw new ArgumentException($"unknown filter node {filter.GetType().Name}", nameof(filter)),
    };

    // The current task's command is the kernel's generic field COMM: its "comm" would name an event's
    // own field of that name first (sched_wakeup's), COMM never does.
    private static string Name(FieldSpec field) => FilterParser.IsComm(field) ? "COMM" : field.Name;

    private static string Operator(FilterOperator op) => op switch
    {
        FilterOperator.Equal => "==",
        FilterOperator.NotEqual => "!=",
        FilterOperator.Less => "<",
        FilterOperator.LessOrEqual => "<=",
        FilterOperator.Greater => ">",
        FilterOperator.GreaterOrEqual => ">=",
        _ => "&",
    };

    private static string Number(FieldSpec field, ulong value) =>
        field.IsSigned && field.Kind != FieldKind.Pointer
            ? unchecked((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString(CultureInfo.InvariantCulture);

    // The kernel's filter strings have no escapes: a value is quoted with a quote it does not contain.
    // A glob is written back as the kernel reads one: '*' where the match may begin or end, '?' kept.
    private static string Quote(StringFilter filter, bool glob)
    {
        string value = Encoding.UTF8.GetString(filter.Value.AsSpan());
        string pattern = glob
            ? (filter.Match is StringMatch.Suffix or StringMatch.Contains ? "*" : "") + value + (filter.Match is StringMatch.Prefix or StringMatch.Contains ? "*" : "")
            : value;
        foreach (char c in value)
        {
            if (c < ' ' || c == 127)
                throw new UsageException($"--filter: the kernel's filters cannot compare '{filter.Field.Name}' with a string holding control characters");
        }
        if (glob && value.IndexOfAny(['*', '[']) >= 0)
            throw new UsageException($"--filter: the kernel reads '[' in a glob as a character class, and '*' only at its ends; match '{filter.Field.Name}' with a pattern without them");
        if (!glob && value.IndexOfAny(['*', '?', '[']) >= 0)
            throw new UsageException($"--filter: the kernel reads '*', '?' and '[' in a string as a glob; compare '{filter.Field.Name}' with a string without them, or match with ~");
        if (!value.Contains('"'))
            return "\"" + pattern + "\"";
        if (!value.Contains('\''))
            return "'" + pattern + "'";
        throw new UsageException($"--filter: the kernel's filters cannot compare '{filter.Field.Name}' with a string holding both kinds of quote");
    }
}
