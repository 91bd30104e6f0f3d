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
/// <param name="Value">The constant as a 64-bit pattern (sign-extended for signed fields).</param>
public sealed record CompareFilter(FieldSpec Field, FilterOperator Operator, ulong Value) : FilterExpr;

/// <summary>A string field (a <c>char[N]</c> or a dynamic string) compared with a string.</summary>
/// <param name="Field">The field.</param>
/// <param name="Equal">True for <c>==</c>, false for <c>!=</c>.</param>
/// <param name="Value">The string's bytes (UTF-8, no NUL).</param>
public sealed record StringFilter(FieldSpec Field, bool Equal, EquatableArray<byte> Value) : FilterExpr;

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
}
