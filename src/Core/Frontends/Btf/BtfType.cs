using System;
using System.Collections.Generic;

namespace TpGen.Frontends.Btf;

/// <summary>
/// One BTF type record, decoded. Which properties mean something depends on <see cref="Kind"/>;
/// the others are zero or empty. Instances come from <see cref="BtfData.TypeById(int)"/>.
/// </summary>
public sealed class BtfType
{
    internal BtfType(int id, BtfKind kind, string name, bool kindFlag, int vlen, int size, int referencedType)
    {
        Id = id;
        Kind = kind;
        Name = name;
        KindFlag = kindFlag;
        Vlen = vlen;
        Size = size;
        ReferencedType = referencedType;
    }

    /// <summary>The type id: 1-based position in the type section (0 is <c>void</c>).</summary>
    public int Id { get; }

    /// <summary>What sort of type this is.</summary>
    public BtfKind Kind { get; }

    /// <summary>The name, or empty for anonymous types and for kinds that have none (pointers, qualifiers, arrays).</summary>
    public string Name { get; }

    /// <summary>
    /// Bit 31 of <c>info</c>: for structs and unions, that member offsets hold a bitfield size;
    /// for enums, that values are signed; for forward declarations, a union.
    /// </summary>
    public bool KindFlag { get; }

    /// <summary>Bits 0-15 of <c>info</c>: the number of members, enumerators, parameters or variables; for functions the linkage.</summary>
    public int Vlen { get; }

    /// <summary>The size in bytes, for <see cref="BtfKind.Int"/>, structs, unions, enums, <see cref="BtfKind.DataSec"/> and <see cref="BtfKind.Float"/>.</summary>
    public int Size { get; }

    /// <summary>
    /// The type this one refers to: the target of a pointer, typedef, qualifier or type tag; the
    /// prototype of a function; the return type of a prototype; the type of a variable; the
    /// tagged declaration of a decl tag.
    /// </summary>
    public int ReferencedType { get; }

    /// <summary>For <see cref="BtfKind.Int"/>: the encoding word.</summary>
    public BtfIntEncoding Int { get; internal set; }

    /// <summary>For <see cref="BtfKind.Array"/>: element type, index type and count.</summary>
    public BtfArray Array { get; internal set; }

    /// <summary>For structs and unions: the members in declaration order.</summary>
    public IReadOnlyList<BtfMember> Members { get; internal set; } = System.Array.Empty<BtfMember>();

    /// <summary>For <see cref="BtfKind.Enum"/> and <see cref="BtfKind.Enum64"/>: the enumerators in declaration order.</summary>
    public IReadOnlyList<BtfEnumerator> Enumerators { get; internal set; } = System.Array.Empty<BtfEnumerator>();

    /// <summary>For <see cref="BtfKind.FuncProto"/>: the parameters (a last one of type 0 means <c>...</c>).</summary>
    public IReadOnlyList<BtfParameter> Parameters { get; internal set; } = System.Array.Empty<BtfParameter>();

    /// <summary>For <see cref="BtfKind.DataSec"/>: the variables the section holds.</summary>
    public IReadOnlyList<BtfSectionVariable> Variables { get; internal set; } = System.Array.Empty<BtfSectionVariable>();

    /// <summary>For <see cref="BtfKind.Var"/> and <see cref="BtfKind.Func"/>: the linkage (0 static, 1 global, 2 extern).</summary>
    public int Linkage { get; internal set; }

    /// <summary>For <see cref="BtfKind.DeclTag"/>: the member or parameter index tagged, or -1 for the declaration itself.</summary>
    public int ComponentIndex { get; internal set; }

    /// <summary>Whether a struct, union, enum or forward declaration is a union; for others false.</summary>
    public bool IsUnion => Kind == BtfKind.Union || Kind == BtfKind.Forward && KindFlag;

    /// <summary>Whether this is a signed enum (kind_flag of <see cref="BtfKind.Enum"/> or <see cref="BtfKind.Enum64"/>).</summary>
    public bool IsSignedEnum => (Kind == BtfKind.Enum || Kind == BtfKind.Enum64) && KindFlag;

    /// <inheritdoc/>
    public override string ToString() => Name.Length == 0 ? $"[{Id}] {Kind}" : $"[{Id}] {Kind} '{Name}'";
}

/// <summary>The word that follows a <see cref="BtfKind.Int"/> record.</summary>
/// <param name="IsSigned"><c>BTF_INT_SIGNED</c>.</param>
/// <param name="IsChar"><c>BTF_INT_CHAR</c> (only a hint for printing).</param>
/// <param name="IsBool"><c>BTF_INT_BOOL</c>.</param>
/// <param name="BitOffset">Bits 16-23: where the value starts inside its storage, for bitfield typedefs.</param>
/// <param name="Bits">Bits 0-7: the number of value bits.</param>
public readonly record struct BtfIntEncoding(bool IsSigned, bool IsChar, bool IsBool, int BitOffset, int Bits);

/// <summary>The record that follows a <see cref="BtfKind.Array"/> type.</summary>
/// <param name="ElementType">The element's type id.</param>
/// <param name="IndexType">The index's type id (an integer type, of no use to readers).</param>
/// <param name="Count">The number of elements; 0 for a flexible array <c>[]</c>.</param>
public readonly record struct BtfArray(int ElementType, int IndexType, uint Count);

/// <summary>One member of a struct or union.</summary>
/// <param name="Name">The member's name; empty for an anonymous struct or union member.</param>
/// <param name="Type">The member's type id.</param>
/// <param name="BitOffset">Offset in bits from the start of the aggregate.</param>
/// <param name="BitfieldSize">The width of a bitfield, or 0 for an ordinary member.</param>
public readonly record struct BtfMember(string Name, int Type, int BitOffset, int BitfieldSize);

/// <summary>One enumerator.</summary>
/// <param name="Name">Its name, e.g. <c>SKB_DROP_REASON_NO_SOCKET</c>.</param>
/// <param name="Value">Its value: sign-extended for signed enums, zero-extended for unsigned ones.</param>
public readonly record struct BtfEnumerator(string Name, long Value);

/// <summary>One parameter of a <see cref="BtfKind.FuncProto"/>.</summary>
/// <param name="Name">Its name; empty in prototypes of function pointer types.</param>
/// <param name="Type">Its type id; 0 for the <c>...</c> of a variadic function.</param>
public readonly record struct BtfParameter(string Name, int Type);

/// <summary>One variable of a <see cref="BtfKind.DataSec"/>.</summary>
/// <param name="Type">The <see cref="BtfKind.Var"/> (or <see cref="BtfKind.Func"/>) type id.</param>
/// <param name="Offset">Offset in the section.</param>
/// <param name="Size">Size in bytes.</param>
public readonly record struct BtfSectionVariable(int Type, uint Offset, uint Size);
