namespace TpGen.Schema;

/// <summary>One field of a tracepoint record.</summary>
/// <param name="Name">The field's name as the kernel wrote it, e.g. <c>skbaddr</c>.</param>
/// <param name="Type">The field's C type as written, parsed.</param>
/// <param name="Offset">Byte offset from the start of the record.</param>
/// <param name="Size">Size in bytes of the field in the fixed part (4 for a <c>__data_loc</c> word).</param>
/// <param name="IsSigned">Whether the value (or array element) is signed; inferred from the type where the source does not say.</param>
/// <param name="Kind">What sort of value the field holds.</param>
/// <param name="ElementSize">For arrays: the size of one element; otherwise <paramref name="Size"/>.</param>
/// <param name="ElementCount">For fixed arrays: the number of elements (0 for a flexible <c>[]</c> tail); otherwise 1.</param>
/// <param name="IsCommon">Whether this is one of the common fields every event starts with.</param>
public sealed record FieldSpec(
    string Name,
    CType Type,
    int Offset,
    int Size,
    bool IsSigned,
    FieldKind Kind,
    int ElementSize,
    int ElementCount,
    bool IsCommon)
{
    /// <summary>Where a dynamic field's payload is found (<c>__data_loc</c> or <c>__rel_loc</c>).</summary>
    public DynamicLocation Location => Type.Location;

    /// <summary>Whether the payload lives in the record's dynamic tail rather than in the fixed part.</summary>
    public bool IsDynamic => Kind is FieldKind.DynamicString or FieldKind.DynamicArray;
}

/// <summary>What sort of value a field holds.</summary>
public enum FieldKind
{
    /// <summary>An integer of 1, 2, 4 or 8 bytes.</summary>
    Scalar,

    /// <summary>A C <c>bool</c>.</summary>
    Bool,

    /// <summary>An integer whose C type is an <c>enum</c>.</summary>
    Enum,

    /// <summary>A kernel address (any pointer type).</summary>
    Pointer,

    /// <summary>A fixed-length array of non-<c>char</c> elements in the fixed part, or a flexible tail.</summary>
    FixedArray,

    /// <summary>A fixed-length <c>char</c> array holding a NUL-terminated string, e.g. <c>char comm[16]</c>.</summary>
    CharArray,

    /// <summary>A <c>__data_loc</c> / <c>__rel_loc</c> string.</summary>
    DynamicString,

    /// <summary>A <c>__data_loc</c> / <c>__rel_loc</c> array (including bitmasks such as <c>cpumask_t</c>).</summary>
    DynamicArray,

    /// <summary>A value the kernel describes only by size, such as an embedded struct.</summary>
    Opaque,
}

/// <summary>How a dynamic field's 32-bit location word points at its payload.</summary>
public enum DynamicLocation
{
    /// <summary>Not a dynamic field.</summary>
    None,

    /// <summary><c>__data_loc</c>: low 16 bits are the offset from the record start, high 16 bits the length.</summary>
    DataLoc,

    /// <summary><c>__rel_loc</c>: low 16 bits are the offset from the end of the location word, high 16 bits the length.</summary>
    RelLoc,
}
