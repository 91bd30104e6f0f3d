using System;
using System.Collections.Generic;

namespace TpGen.Schema;

/// <summary>
/// What the C language (LP64, as on x86_64 and arm64 Linux) and the kernel's fixed-width
/// typedefs say about a base type's size and signedness. Formats state each field's size and
/// sign; these facts fill the gaps they leave: the elements of <c>__data_loc</c> arrays, casts
/// inside print fmts, and old kernels that print no <c>signed:</c>.
/// </summary>
public static class CTypeFacts
{
    private static readonly Dictionary<string, (int Size, bool Signed)> Known = new(StringComparer.Ordinal)
    {
        ["char"] = (1, true), // plain char is signed on x86_64
        ["signed char"] = (1, true),
        ["unsigned char"] = (1, false),
        ["short"] = (2, true),
        ["short int"] = (2, true),
        ["signed short"] = (2, true),
        ["unsigned short"] = (2, false),
        ["unsigned short int"] = (2, false),
        ["int"] = (4, true),
        ["signed"] = (4, true),
        ["signed int"] = (4, true),
        ["unsigned"] = (4, false),
        ["unsigned int"] = (4, false),
        ["long"] = (8, true),
        ["long int"] = (8, true),
        ["signed long"] = (8, true),
        ["unsigned long"] = (8, false),
        ["unsigned long int"] = (8, false),
        ["long long"] = (8, true),
        ["long long int"] = (8, true),
        ["signed long long"] = (8, true),
        ["unsigned long long"] = (8, false),
        ["unsigned long long int"] = (8, false),
        ["bool"] = (1, false),
        ["_Bool"] = (1, false),
        ["u8"] = (1, false), ["__u8"] = (1, false), ["uint8_t"] = (1, false), ["u_int8_t"] = (1, false),
        ["s8"] = (1, true), ["__s8"] = (1, true), ["int8_t"] = (1, true),
        ["u16"] = (2, false), ["__u16"] = (2, false), ["uint16_t"] = (2, false), ["__le16"] = (2, false), ["__be16"] = (2, false),
        ["s16"] = (2, true), ["__s16"] = (2, true), ["int16_t"] = (2, true),
        ["u32"] = (4, false), ["__u32"] = (4, false), ["uint32_t"] = (4, false), ["__le32"] = (4, false), ["__be32"] = (4, false),
        ["s32"] = (4, true), ["__s32"] = (4, true), ["int32_t"] = (4, true),
        ["u64"] = (8, false), ["__u64"] = (8, false), ["uint64_t"] = (8, false), ["__le64"] = (8, false), ["__be64"] = (8, false),
        ["s64"] = (8, true), ["__s64"] = (8, true), ["int64_t"] = (8, true),
        ["uint"] = (4, false), ["ulong"] = (8, false), ["ushort"] = (2, false), ["uchar"] = (1, false),
        ["size_t"] = (8, false), ["ssize_t"] = (8, true), ["loff_t"] = (8, true), ["off_t"] = (8, true),
        ["pid_t"] = (4, true), ["uid_t"] = (4, false), ["gid_t"] = (4, false), ["dev_t"] = (4, false),
        ["gfp_t"] = (4, false), ["ino_t"] = (8, false), ["sector_t"] = (8, false), ["umode_t"] = (2, false),
        ["phys_addr_t"] = (8, false), ["dma_addr_t"] = (8, false), ["resource_size_t"] = (8, false),
        ["uintptr_t"] = (8, false), ["intptr_t"] = (8, true), ["ptrdiff_t"] = (8, true),
        ["time64_t"] = (8, true), ["ktime_t"] = (8, true), ["clockid_t"] = (4, true),
        // A cpumask is an array of unsigned long words.
        ["cpumask_t"] = (8, false),
    };

    /// <summary>The size and signedness of <paramref name="baseType"/>, if C or the kernel's fixed-width typedefs define it.</summary>
    public static bool TryGet(string baseType, out int size, out bool isSigned)
    {
        if (Known.TryGetValue(baseType, out var facts))
        {
            size = facts.Size;
            isSigned = facts.Signed;
            return true;
        }
        if (baseType.StartsWith("enum ", StringComparison.Ordinal))
        {
            size = 4;
            isSigned = false;
            return true;
        }
        size = 0;
        isSigned = false;
        return false;
    }

    /// <summary>
    /// Signedness as libtraceevent guesses it when a format has no <c>signed:</c>: unsigned types
    /// and pointers are unsigned, everything else signed.
    /// </summary>
    public static bool GuessSigned(CType type)
    {
        if (type.PointerDepth > 0)
            return false;
        if (TryGet(type.BaseType, out _, out bool signed))
            return signed;
        return !type.BaseType.StartsWith("unsigned", StringComparison.Ordinal) &&
               !type.BaseType.StartsWith("u", StringComparison.Ordinal) &&
               !type.BaseType.StartsWith("__u", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="word"/> is a C keyword that can only start or continue a type name.</summary>
    public static bool IsTypeKeyword(string word) => word is
        "void" or "char" or "short" or "int" or "long" or "float" or "double" or "signed" or "unsigned" or
        "_Bool" or "bool" or "const" or "volatile" or "struct" or "union" or "enum";

    /// <summary>Whether an identifier on its own reads as a type: a known typedef or a name ending in <c>_t</c>.</summary>
    public static bool IsTypedefName(string word) =>
        Known.ContainsKey(word) || word.EndsWith("_t", StringComparison.Ordinal);
}
