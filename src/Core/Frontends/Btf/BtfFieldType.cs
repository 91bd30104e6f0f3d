using System.Collections.Generic;
using System.Text;
using TpGen.Schema;

namespace TpGen.Frontends.Btf;

/// <summary>
/// What a struct member's BTF type says as a tracepoint field: the C type as tracefs would
/// print it, its size and sign, and the enum behind it if there is one.
/// </summary>
/// <param name="Type">The C type: typedef names kept (<c>pid_t</c>, <c>u32</c>), DWARF's integer names in C order (<c>long unsigned int</c> becomes <c>unsigned long</c>).</param>
/// <param name="Size">The size in bytes of the whole member.</param>
/// <param name="IsSigned">Whether the value (or array element) is signed, as the kernel's <c>is_signed_type()</c> decides it.</param>
/// <param name="ElementSize">The size of one array element (of the innermost dimension's element); the size itself for non-arrays.</param>
/// <param name="Enum">The enum the member is (through typedefs and qualifiers), or null.</param>
/// <param name="EnumName">The enum's name: its tag, or for an anonymous enum the typedef that names it; null when it has neither.</param>
internal sealed record BtfFieldType(CType Type, int Size, bool IsSigned, int ElementSize, BtfType? Enum, string? EnumName)
{
    // Function pointer parameters may nest; corrupt data could nest them without end.
    private const int MaxNesting = 32;

    /// <summary>Describes the type <paramref name="typeId"/> of a member named <paramref name="member"/> of <paramref name="owner"/>.</summary>
    public static BtfFieldType Describe(BtfData btf, int typeId, BtfType owner, string member)
    {
        var (text, baseType, pointerDepth, dimensions) = Render(btf, typeId, owner, member, 0);
        int? arrayLength = null;
        var suffix = new StringBuilder();
        if (dimensions.Count > 0)
        {
            long product = 1;
            foreach (uint count in dimensions)
            {
                product *= count;
                if (product > int.MaxValue)
                    throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: member '{BtfData.Printable(member)}' has more array elements than any record can hold");
                suffix.Append('[').Append(count).Append(']');
            }
            arrayLength = (int)product;
        }

        var type = new CType(text + suffix, baseType, pointerDepth, arrayLength, DynamicLocation.None);
        long size = SizeOf(btf, typeId, owner, member);
        int element = ElementOf(btf, typeId);
        long elementSize = dimensions.Count > 0 ? SizeOf(btf, element, owner, member) : size;
        (BtfType? enumType, string? enumName) = EnumOf(btf, typeId);
        return new BtfFieldType(type, (int)size, IsSignedType(btf, typeId), (int)elementSize, enumType, enumName);
    }

    /// <summary>
    /// The C text of a type, split as <see cref="CType"/> wants it. Qualifiers go where C puts
    /// them (<c>const char *</c>, <c>char *const</c>); type tags such as <c>__user</c> are
    /// attributes tracefs does not print, and are left out.
    /// </summary>
    private static (string Text, string BaseType, int PointerDepth, List<uint> Dimensions) Render(BtfData btf, int typeId, BtfType owner, string member, int depth)
    {
        if (depth > MaxNesting)
            throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: the type of member '{BtfData.Printable(member)}' nests function pointers more than {MaxNesting} deep");

        var dimensions = new List<uint>();
        var pointers = new List<string>(); // outermost first: "*", "*const", ...
        var qualifiers = new List<string>();
        int id = typeId;
        // Reference chains were checked to end (BtfData rejects cycles), so this loop does too.
        while (true)
        {
            BtfType type = btf.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Array when pointers.Count == 0:
                    dimensions.Add(type.Array.Count);
                    id = type.Array.ElementType;
                    continue;
                case BtfKind.Const:
                    qualifiers.Add("const");
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Volatile:
                    qualifiers.Add("volatile");
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Restrict:
                    qualifiers.Add("restrict");
                    id = type.ReferencedType;
                    continue;
                case BtfKind.TypeTag:
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Pointer:
                    // Qualifiers met just before a pointer qualify that pointer: "char *const".
                    pointers.Add(qualifiers.Count == 0 ? "*" : "*" + string.Join(" ", qualifiers));
                    qualifiers.Clear();
                    id = type.ReferencedType;
                    continue;
            }

            var stars = new StringBuilder();
            for (int i = pointers.Count - 1; i >= 0; i--)
            {
                // "char **", but "const char *const *": a qualified star is followed by a space.
                if (i < pointers.Count - 1 && pointers[i + 1].Length > 1)
                    stars.Append(' ');
                stars.Append(pointers[i]);
            }

            if (type.Kind == BtfKind.FuncProto)
            {
                // A function pointer: "void (*)(void *, int)"; its base type is the function type.
                string returns = Render(btf, type.ReferencedType, owner, member, depth + 1).Text;
                var parameters = new List<string>();
                foreach (BtfParameter parameter in type.Parameters)
                    parameters.Add(parameter.Type == 0 ? "..." : Render(btf, parameter.Type, owner, member, depth + 1).Text);
                string list = "(" + (parameters.Count == 0 ? "void" : string.Join(", ", parameters)) + ")";
                return ($"{returns} ({stars}){list}", returns + " " + list, pointers.Count, dimensions);
            }

            string baseType = BaseName(btf, type, owner, member, depth);
            string prefix = qualifiers.Count == 0 ? "" : string.Join(" ", qualifiers) + " ";
            string text = prefix + baseType + (pointers.Count > 0 ? " " + stars : "");
            return (text, baseType, pointers.Count, dimensions);
        }
    }

    private static string BaseName(BtfData btf, BtfType type, BtfType owner, string member, int depth)
    {
        switch (type.Kind)
        {
            case BtfKind.Void:
                return "void";
            case BtfKind.Int:
                return CIntegerName(type.Name);
            case BtfKind.Float or BtfKind.Typedef:
                return type.Name;
            case BtfKind.Struct or BtfKind.Union or BtfKind.Forward:
                return (type.IsUnion ? "union " : "struct ") + (type.Name.Length == 0 ? "(anonymous)" : type.Name);
            case BtfKind.Enum or BtfKind.Enum64:
                return "enum " + (type.Name.Length == 0 ? "(anonymous)" : type.Name);
            case BtfKind.Array:
                // A pointer to an array: C writes "char (*)[16]"; as a base type the array reads "char[16]".
                var (text, _, _, dimensions) = Render(btf, type.Id, owner, member, depth + 1);
                var suffix = new StringBuilder(text);
                foreach (uint count in dimensions)
                    suffix.Append('[').Append(count).Append(']');
                return suffix.ToString();
            default:
                throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: member '{BtfData.Printable(member)}' has type {btf.Describe(type.Id)}, which is not a type a field can have");
        }
    }

    /// <summary>
    /// DWARF (and so pahole's BTF) names integers <c>long unsigned int</c>; the kernel's sources,
    /// and so tracefs, write <c>unsigned long</c>. Names not listed are kept as they are.
    /// </summary>
    public static string CIntegerName(string name) => name switch
    {
        "long unsigned int" => "unsigned long",
        "long int" => "long",
        "long long unsigned int" => "unsigned long long",
        "long long int" => "long long",
        "short unsigned int" => "unsigned short",
        "short int" => "short",
        "__int128 unsigned" => "unsigned __int128",
        _ => name,
    };

    /// <summary>The size of a type in bytes; incomplete types (void, forward declarations, functions) are errors.</summary>
    public static long SizeOf(BtfData btf, int typeId, BtfType owner, string member)
    {
        long multiplier = 1;
        int id = typeId;
        while (true)
        {
            BtfType type = btf.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Array:
                    multiplier *= type.Array.Count;
                    if (multiplier > int.MaxValue)
                        throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: member '{BtfData.Printable(member)}' is larger than any record can be");
                    id = type.Array.ElementType;
                    continue;
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Pointer:
                    return Checked(multiplier * btf.PointerSize);
                case BtfKind.Int or BtfKind.Float or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64:
                    return Checked(multiplier * type.Size);
                default:
                    throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: member '{BtfData.Printable(member)}' has type {btf.Describe(type.Id)}, which has no size");
            }
        }

        long Checked(long size) => size <= int.MaxValue
            ? size
            : throw btf.Error(owner.Id, $"{btf.Describe(owner.Id)}: member '{BtfData.Printable(member)}' is larger than any record can be");
    }

    /// <summary>The innermost element type of an array (through typedefs and qualifiers), or the type itself.</summary>
    private static int ElementOf(BtfData btf, int typeId)
    {
        int id = typeId;
        int element = typeId;
        while (true)
        {
            BtfType type = btf.TypeById(id);
            if (type.Kind == BtfKind.Array)
            {
                id = element = type.Array.ElementType;
                continue;
            }
            if (type.Kind is BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag)
            {
                id = type.ReferencedType;
                continue;
            }
            return element;
        }
    }

    /// <summary>
    /// Whether a value of the type is signed, as the kernel's <c>is_signed_type(type)</c>,
    /// <c>(type)-1 &lt; (type)1</c>, decides it for the format's <c>signed:</c>: integers by their
    /// encoding (plain <c>char</c> too: unsigned in kernels built with -funsigned-char), enums by
    /// kind_flag, pointers and aggregates unsigned; an array by its elements.
    /// </summary>
    public static bool IsSignedType(BtfData btf, int typeId)
    {
        int id = typeId;
        while (true)
        {
            BtfType type = btf.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Array:
                    id = type.Array.ElementType;
                    continue;
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Int:
                    return type.Int.IsSigned;
                case BtfKind.Enum or BtfKind.Enum64:
                    return type.KindFlag;
                case BtfKind.Float:
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The enum a type is through typedefs and qualifiers (not pointers or arrays), and the name to call it by.</summary>
    public static (BtfType? Enum, string? Name) EnumOf(BtfData btf, int typeId)
    {
        string? typedefName = null;
        int id = typeId;
        while (true)
        {
            BtfType type = btf.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Typedef:
                    typedefName ??= type.Name;
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Enum or BtfKind.Enum64:
                    return (type, type.Name.Length > 0 ? type.Name : typedefName);
                default:
                    return (null, null);
            }
        }
    }
}
