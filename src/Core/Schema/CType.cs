namespace TpGen.Schema;

/// <summary>
/// A C type as a tracepoint format writes it, e.g. <c>unsigned long</c>, <c>const char *</c>,
/// <c>char[16]</c> or <c>__data_loc char[]</c>.
/// </summary>
/// <param name="Text">The type exactly as written, without the field name.</param>
/// <param name="BaseType">The type without qualifiers, pointers or array brackets, e.g. <c>unsigned long</c>, <c>enum skb_drop_reason</c>.</param>
/// <param name="PointerDepth">The number of <c>*</c>.</param>
/// <param name="ArrayLength">Null when not an array; the declared element count; 0 for <c>[]</c>; -1 when the count is not a number (old kernels print <c>[TASK_COMM_LEN]</c>).</param>
/// <param name="Location">Whether the type is a <c>__data_loc</c> or <c>__rel_loc</c> reference.</param>
public sealed record CType(string Text, string BaseType, int PointerDepth, int? ArrayLength, DynamicLocation Location)
{
    /// <summary>Whether the base type is an <c>enum</c>.</summary>
    public bool IsEnum => BaseType.StartsWith("enum ", System.StringComparison.Ordinal);

    /// <summary>Whether the base type is a <c>struct</c> or <c>union</c>.</summary>
    public bool IsAggregate =>
        BaseType.StartsWith("struct ", System.StringComparison.Ordinal) ||
        BaseType.StartsWith("union ", System.StringComparison.Ordinal);

    /// <summary>Whether the base type is plain <c>char</c> (strings), not <c>signed</c>/<c>unsigned char</c>.</summary>
    public bool IsChar => BaseType == "char";

    /// <summary>Whether the base type is <c>bool</c> or <c>_Bool</c>.</summary>
    public bool IsBool => BaseType is "bool" or "_Bool";
}
