using System;
using System.Collections.Generic;
using TpGen.Context;
using TpGen.Schema;

namespace TpGen.Frontends.Btf;

/// <summary>
/// A <see cref="MemberPath"/> resolved against one kernel's BTF: the pointers to follow and where
/// the value is, as offsets. This is what a BPF handler is configured with at load, so the same
/// object reads <c>skb-&gt;dev-&gt;ifindex</c> on every kernel, wherever that kernel puts the members.
/// </summary>
/// <param name="Path">The path.</param>
/// <param name="Offsets">
/// From the root pointer: the offset of each pointer to load in turn (<see cref="Hops"/> of them),
/// then the offset of the value in the last object reached.
/// </param>
/// <param name="Type">The value's C type as a format file writes it.</param>
/// <param name="Size">The value's size in bytes.</param>
/// <param name="IsSigned">Whether the value is signed.</param>
/// <param name="Kind">What sort of value it is.</param>
/// <param name="ElementSize">For an array: one element's size; else <paramref name="Size"/>.</param>
/// <param name="ElementCount">For an array: its length; else 1.</param>
/// <param name="Enum">The enum that names its values, or null.</param>
public sealed record ResolvedMember(
    MemberPath Path,
    IReadOnlyList<int> Offsets,
    CType Type,
    int Size,
    bool IsSigned,
    FieldKind Kind,
    int ElementSize,
    int ElementCount,
    EnumSpec? Enum)
{
    /// <summary>How many pointers are loaded after the root's before the value is read.</summary>
    public int Hops => Offsets.Count - 1;

    /// <summary>The value's offset in the last object reached.</summary>
    public int ValueOffset => Offsets[Offsets.Count - 1];
}

/// <summary>Resolves member paths against a kernel's BTF, by name, through typedefs, qualifiers and anonymous structs and unions.</summary>
public static class BtfMemberResolver
{
    /// <summary>The most bytes a captured member may have (a name such as <c>dev-&gt;name</c>, an IPv6 address).</summary>
    public const int MaxValueSize = 64;

    /// <summary>
    /// Resolves <paramref name="path"/> from a root of type <paramref name="rootType"/> (a pointer to
    /// a struct or union, e.g. the <c>struct sk_buff *</c> argument of <c>kfree_skb</c>).
    /// </summary>
    /// <exception cref="MemberPathException">A member is not there (the message names the struct and its nearest members), is reached the wrong way (<c>.</c> on a pointer), is a bitfield, or is too large to capture.</exception>
    public static ResolvedMember Resolve(BtfData btf, int rootType, MemberPath path) => Resolve(btf, rootType, path, rootIsPointee: false);

    /// <summary>
    /// Resolves <paramref name="path"/> from a root that points to <paramref name="structType"/>
    /// (e.g. <c>struct sk_buff</c>, for an skb that a tracefs record holds as <c>void *</c>).
    /// </summary>
    /// <exception cref="MemberPathException">As <see cref="Resolve(BtfData, int, MemberPath)"/>.</exception>
    public static ResolvedMember ResolveFrom(BtfData btf, int structType, MemberPath path) => Resolve(btf, structType, path, rootIsPointee: true);

    private static ResolvedMember Resolve(BtfData btf, int rootType, MemberPath path, bool rootIsPointee)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        if (path is null)
            throw new ArgumentNullException(nameof(path));

        var offsets = new List<int>();
        int type = rootType;
        bool inMemory = false; // the root is a value in hand; every member after it is in memory at `offset`
        int offset = 0;
        string reached = path.Root;
        foreach (MemberStep step in path.Steps)
        {
            BtfType current = btf.TypeById(Strip(btf, type));
            BtfType aggregate;
            if (step.ThroughPointer && rootIsPointee && !inMemory)
            {
                aggregate = current;
            }
            else if (step.ThroughPointer)
            {
                if (current.Kind != BtfKind.Pointer)
                    throw Problem(path, $"'{reached}' is {Describe(btf, type)}, not a pointer: write {reached}.{step.Member}");
                if (inMemory)
                {
                    offsets.Add(offset);
                    offset = 0;
                }
                aggregate = btf.TypeById(Strip(btf, current.ReferencedType));
            }
            else
            {
                if (current.Kind == BtfKind.Pointer)
                    throw Problem(path, $"'{reached}' is a pointer: write {reached}->{step.Member}");
                aggregate = current;
            }
            if (aggregate.Kind == BtfKind.Forward)
                throw Problem(path, $"'{reached}' is {Describe(btf, type)}, whose members this kernel's BTF does not describe");
            if (aggregate.Kind is not (BtfKind.Struct or BtfKind.Union))
                throw Problem(path, $"'{reached}' is {Describe(btf, type)}, which has no members");
            if (offsets.Count > MaxHopsAllowed)
                throw Problem(path, $"it follows more than {MaxHopsAllowed} pointers after '{path.Root}'");

            if (!TryFind(btf, aggregate, step.Member, 0, out BtfMember member, out int memberOffset))
                throw Problem(path, $"{Name(aggregate)} has no member '{step.Member}'{Nearest(btf, aggregate, step.Member)}");
            if (member.BitfieldSize != 0 || member.BitOffset % 8 != 0)
                throw Problem(path, $"{Name(aggregate)}.{step.Member} is a bitfield, which cannot be captured");
            offset += memberOffset;
            type = member.Type;
            inMemory = true;
            reached += (step.ThroughPointer ? "->" : ".") + step.Member;
        }
        offsets.Add(offset);
        if (offsets.Count - 1 > MaxHopsAllowed)
            throw Problem(path, $"it follows {offsets.Count - 1} pointers after '{path.Root}'; a capture follows at most {MaxHopsAllowed}");
        foreach (int o in offsets)
        {
            if (o > ushort.MaxValue)
                throw Problem(path, $"a member is at offset {o}, beyond what a handler is configured with (65535)");
        }
        return Value(btf, path, offsets, type);
    }

    /// <summary>The most pointers a path may follow after its root (the BPF handler's <c>TPGEN_MAX_HOPS</c>).</summary>
    public const int MaxHopsAllowed = 4;

    /// <summary>The id of <c>struct <paramref name="name"/></c>, or -1 when this BTF has none.</summary>
    public static int FindStruct(BtfData btf, string name)
    {
        IReadOnlyList<BtfType> found = btf.FindByName(BtfKind.Struct, name);
        return found.Count > 0 ? found[0].Id : -1;
    }

    private static ResolvedMember Value(BtfData btf, MemberPath path, List<int> offsets, int type)
    {
        BtfType owner = btf.TypeById(Strip(btf, type));
        BtfFieldType described;
        try
        {
            described = BtfFieldType.Describe(btf, type, owner, path.Text);
        }
        catch (FormatParseException e)
        {
            throw Problem(path, e.Message);
        }
        if (described.Size <= 0)
            throw Problem(path, $"'{path.Text}' is {Describe(btf, type)}, which has no size");
        if (described.Size > MaxValueSize)
            throw Problem(path, $"'{path.Text}' is {Describe(btf, type)} of {described.Size} bytes; a capture holds at most {MaxValueSize}: capture one of its members");
        CType ctype = described.Type;
        if (ctype.ArrayLength is int count && count > 0)
        {
            FieldKind arrayKind = FieldRules.ArrayKind(ctype);
            if (arrayKind == FieldKind.CharArray || described.ElementSize is 1 or 2 or 4 or 8)
                return new ResolvedMember(path, offsets, ctype, described.Size, described.IsSigned, arrayKind, described.ElementSize, count, null);
        }
        FieldKind kind = ctype.ArrayLength is null ? FieldRules.ScalarKind(ctype, described.Size) : FieldKind.Opaque;
        if (kind == FieldKind.Opaque || ctype.BaseType.Contains("(anonymous)") || ctype.BaseType.Contains("("))
        {
            // A struct or union (an IPv6 address, a possible_net_t), or a type C cannot name here: its bytes.
            var bytes = new CType($"unsigned char[{described.Size}]", "unsigned char", 0, described.Size, DynamicLocation.None);
            return new ResolvedMember(path, offsets, bytes, described.Size, false, FieldKind.FixedArray, 1, described.Size, null);
        }
        EnumSpec? spec = null;
        if (kind == FieldKind.Enum && described.Enum is { } enumType && described.EnumName is { } enumName)
            spec = BtfSchemaReader.ToEnumSpec(btf, enumType, enumName);
        return new ResolvedMember(path, offsets, ctype, described.Size, described.IsSigned, kind, described.Size, 1, spec);
    }

    // Direct members first, then those of anonymous structs and unions (the kernel's struct_group, unions of headers).
    private static bool TryFind(BtfData btf, BtfType aggregate, string name, int depth, out BtfMember found, out int offset)
    {
        foreach (BtfMember member in aggregate.Members)
        {
            if (member.Name == name)
            {
                found = member;
                offset = member.BitOffset / 8;
                return true;
            }
        }
        if (depth < 8)
        {
            foreach (BtfMember member in aggregate.Members)
            {
                if (member.Name.Length != 0)
                    continue;
                BtfType inner = btf.TypeById(Strip(btf, member.Type));
                if (inner.Kind is (BtfKind.Struct or BtfKind.Union) && TryFind(btf, inner, name, depth + 1, out found, out int innerOffset))
                {
                    offset = member.BitOffset / 8 + innerOffset;
                    return true;
                }
            }
        }
        found = default;
        offset = 0;
        return false;
    }

    private static string Nearest(BtfData btf, BtfType aggregate, string name)
    {
        var names = new List<string>();
        Collect(btf, aggregate, names, 0);
        IReadOnlyList<string> nearest = NearestNames.Find(name, names);
        return nearest.Count == 0 ? "" : "; did you mean " + string.Join(" or ", nearest) + "?";
    }

    private static void Collect(BtfData btf, BtfType aggregate, List<string> names, int depth)
    {
        foreach (BtfMember member in aggregate.Members)
        {
            if (member.Name.Length > 0)
                names.Add(member.Name);
            else if (depth < 8 && btf.TypeById(Strip(btf, member.Type)) is { Kind: BtfKind.Struct or BtfKind.Union } inner)
                Collect(btf, inner, names, depth + 1);
        }
    }

    private static int Strip(BtfData btf, int id)
    {
        while (btf.TypeById(id) is { Kind: BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag } type)
            id = type.ReferencedType;
        return id;
    }

    private static string Name(BtfType aggregate) =>
        (aggregate.IsUnion ? "union " : "struct ") + (aggregate.Name.Length == 0 ? "(anonymous)" : aggregate.Name);

    private static string Describe(BtfData btf, int type)
    {
        BtfType stripped = btf.TypeById(Strip(btf, type));
        return stripped.Kind switch
        {
            BtfKind.Pointer => "a pointer",
            BtfKind.Struct or BtfKind.Union or BtfKind.Forward => Name(stripped),
            BtfKind.Enum or BtfKind.Enum64 => "enum " + stripped.Name,
            BtfKind.Int => "an integer (" + stripped.Name + ")",
            BtfKind.Array => "an array",
            _ => stripped.Kind.ToString().ToLowerInvariant(),
        };
    }

    private static MemberPathException Problem(MemberPath path, string problem) => new(path.Text, problem);
}
