using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Filters;

/// <summary>
/// A filter bound to one event: every field exists, every constant fits its field, every symbol
/// is resolved to its value. Emitters turn it into code from these parts only; the filter's text
/// is never pasted anywhere.
/// </summary>
public abstract record FilterExpr;

/// <summary><c>left &amp;&amp; right</c>.</summary>
public sealed record AndFilter(FilterExpr Left, FilterExpr Right) : FilterExpr;

/// <summary><c>left || right</c>.</summary>
public sealed record OrFilter(FilterExpr Left, FilterExpr Right) : FilterExpr;

/// <summary><c>!operand</c>.</summary>
public sealed record NotFilter(FilterExpr Operand) : FilterExpr;

/// <summary>A numeric field compared with a constant, in the field's own signedness.</summary>
/// <param name="Field">The field.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The constant as a 64-bit pattern (sign-extended for signed fields); for a <paramref name="Symbol"/>, its value in the schema the filter was parsed against.</param>
/// <param name="Symbol">
/// The name the constant was written as (<c>NO_SOCKET</c>), or null for a number. A name is
/// resolved again against the running kernel at attach: kernels number their enums differently.
/// </param>
public sealed record CompareFilter(FieldSpec Field, FilterOperator Operator, ulong Value, string? Symbol = null) : FilterExpr;

/// <summary>A string field (a <c>char[N]</c> or a dynamic string) compared with a string or matched with a glob.</summary>
/// <param name="Field">The field.</param>
/// <param name="Equal">True for <c>==</c> and <c>~</c>, false for <c>!=</c>.</param>
/// <param name="Value">The string's bytes (UTF-8, no NUL); for a glob, without its leading and trailing <c>*</c>.</param>
/// <param name="Match">Where <paramref name="Value"/> must be found: the whole string, or (for a <c>~</c> glob) its start, end or anywhere.</param>
/// <param name="AnyCharacter">For a glob: whether a <c>?</c> in <paramref name="Value"/> matches any one byte.</param>
public sealed record StringFilter(FieldSpec Field, bool Equal, EquatableArray<byte> Value, StringMatch Match = StringMatch.Whole, bool AnyCharacter = false) : FilterExpr;

/// <summary>Where a string filter's value must be found.</summary>
public enum StringMatch
{
    /// <summary>The whole string: <c>==</c>, <c>!=</c>, or a glob without <c>*</c>.</summary>
    Whole,

    /// <summary>At the start: <c>comm ~ "kworker*"</c>.</summary>
    Prefix,

    /// <summary>At the end: <c>name ~ "*.so"</c>.</summary>
    Suffix,

    /// <summary>Anywhere: <c>name ~ "*eth*"</c>.</summary>
    Contains,
}

/// <summary>The comparisons filters support.</summary>
public enum FilterOperator
{
    /// <summary><c>==</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,

    /// <summary><c>&amp;</c>: true when the field and the constant share a set bit (<c>flags &amp; 0x4</c>).</summary>
    BitwiseAnd,
}
