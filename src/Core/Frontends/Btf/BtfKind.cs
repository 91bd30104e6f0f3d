namespace TpGen.Frontends.Btf;

/// <summary>
/// The kinds of BTF type records, numbered as <c>BTF_KIND_*</c> in the kernel's
/// <c>include/uapi/linux/btf.h</c> (bits 24-28 of a record's <c>info</c> word).
/// </summary>
public enum BtfKind : byte
{
    /// <summary>Type id 0, which no record describes: <c>void</c>. As a record's kind it is invalid.</summary>
    Void = 0,

    /// <summary><c>BTF_KIND_INT</c>: an integer, with size, bit count and signed/char/bool encoding.</summary>
    Int = 1,

    /// <summary><c>BTF_KIND_PTR</c>: a pointer to another type.</summary>
    Pointer = 2,

    /// <summary><c>BTF_KIND_ARRAY</c>: element type, index type and element count.</summary>
    Array = 3,

    /// <summary><c>BTF_KIND_STRUCT</c>: a struct and its members.</summary>
    Struct = 4,

    /// <summary><c>BTF_KIND_UNION</c>: a union and its members.</summary>
    Union = 5,

    /// <summary><c>BTF_KIND_ENUM</c>: an enum with 32-bit values; kind_flag set means signed.</summary>
    Enum = 6,

    /// <summary><c>BTF_KIND_FWD</c>: a forward declaration; kind_flag set means a union, else a struct.</summary>
    Forward = 7,

    /// <summary><c>BTF_KIND_TYPEDEF</c>: a typedef name for another type.</summary>
    Typedef = 8,

    /// <summary><c>BTF_KIND_VOLATILE</c>: the <c>volatile</c> qualifier.</summary>
    Volatile = 9,

    /// <summary><c>BTF_KIND_CONST</c>: the <c>const</c> qualifier.</summary>
    Const = 10,

    /// <summary><c>BTF_KIND_RESTRICT</c>: the <c>restrict</c> qualifier.</summary>
    Restrict = 11,

    /// <summary><c>BTF_KIND_FUNC</c>: a function; its type is a <see cref="FuncProto"/>, its vlen the linkage.</summary>
    Func = 12,

    /// <summary><c>BTF_KIND_FUNC_PROTO</c>: a function's return type and parameters.</summary>
    FuncProto = 13,

    /// <summary><c>BTF_KIND_VAR</c>: a variable.</summary>
    Var = 14,

    /// <summary><c>BTF_KIND_DATASEC</c>: a data section and the variables in it.</summary>
    DataSec = 15,

    /// <summary><c>BTF_KIND_FLOAT</c>: a floating-point type.</summary>
    Float = 16,

    /// <summary><c>BTF_KIND_DECL_TAG</c>: an attribute string on a declaration or one of its members/parameters.</summary>
    DeclTag = 17,

    /// <summary><c>BTF_KIND_TYPE_TAG</c>: an attribute string on a type, such as <c>__user</c>.</summary>
    TypeTag = 18,

    /// <summary><c>BTF_KIND_ENUM64</c>: an enum with 64-bit values; kind_flag set means signed.</summary>
    Enum64 = 19,
}
