using TpGen.Schema;

namespace TpGen.Frontends;

/// <summary>
/// How a field's C type and size decide its <see cref="FieldKind"/>, element size and sign.
/// Every frontend builds its fields through these rules, so one field reads the same whether a
/// format file, BTF or the kernel headers described it.
/// </summary>
internal static class FieldRules
{
    /// <summary>
    /// A <c>__data_loc</c>/<c>__rel_loc</c> field: <c>char[]</c> is a string; any other element
    /// type (<c>u8[]</c>, <c>cpumask_t</c>, ...) an array, whose element size and sign come from
    /// the element type.
    /// </summary>
    /// <remarks><paramref name="declaredSigned"/>, what the source says about the sign, is kept for strings only.</remarks>
    public static FieldSpec Dynamic(string name, CType type, int offset, bool declaredSigned, bool isCommon)
    {
        bool isString = type.IsChar && type.ArrayLength == 0;
        bool known = CTypeFacts.TryGet(type.BaseType, out int knownSize, out bool elementSigned);
        int elementSize = isString ? 1 : known ? knownSize : 1;
        bool isSigned = isString ? declaredSigned : known && elementSigned;
        return new FieldSpec(name, type, offset, 4, isSigned, isString ? FieldKind.DynamicString : FieldKind.DynamicArray, elementSize, 0, isCommon);
    }

    /// <summary>A fixed array of <c>char</c> holds a string; any other, elements.</summary>
    public static FieldKind ArrayKind(CType type) =>
        type.IsChar && type.PointerDepth == 0 ? FieldKind.CharArray : FieldKind.FixedArray;

    /// <summary>A field that is not an array: an integer, bool, enum or pointer of 1, 2, 4 or 8 bytes, else opaque.</summary>
    public static FieldKind ScalarKind(CType type, int size) =>
        size is not (1 or 2 or 4 or 8) ? FieldKind.Opaque :
        type.PointerDepth > 0 ? FieldKind.Pointer :
        type.IsAggregate ? FieldKind.Opaque :
        type.IsBool ? FieldKind.Bool :
        type.IsEnum ? FieldKind.Enum :
        FieldKind.Scalar;
}
