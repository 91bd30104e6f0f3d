using System;

namespace TpGen.Decoding;

/// <summary>How a <see cref="FieldSlot"/> is read.</summary>
[Flags]
public enum FieldSlotFlags : byte
{
    /// <summary>The field is absent: reads give the type's default.</summary>
    None = 0,

    /// <summary>The record has the field.</summary>
    Present = 1,

    /// <summary>A number with exactly the generated type's size and sign: read directly, no conversion.</summary>
    Exact = 2,

    /// <summary>A number the record holds signed (sign-extended when converted).</summary>
    Signed = 4,

    /// <summary>A dynamic field whose location word is relative to its own end (<c>__rel_loc</c>), not to the record (<c>__data_loc</c>).</summary>
    RelativeLocation = 8,

    /// <summary>A flexible array: the field runs from its offset to the end of the record.</summary>
    Tail = 16,

    /// <summary>A dynamic (<c>__data_loc</c>/<c>__rel_loc</c>) field: <see cref="FieldSlot.Offset"/> is its location word.</summary>
    Dynamic = 32,
}

/// <summary>
/// Where one field of the build is in a record and how to read it: the running kernel's offset,
/// size and sign, resolved once per attach (or per recording) by name.
/// </summary>
public readonly struct FieldSlot
{
    /// <summary>Describes a field.</summary>
    /// <param name="offset">Its byte offset in the record.</param>
    /// <param name="size">Its size in bytes in the fixed part (4 for a dynamic field's location word).</param>
    /// <param name="flags">How it is read.</param>
    public FieldSlot(int offset, int size, FieldSlotFlags flags)
    {
        Offset = offset;
        Size = size;
        Flags = flags;
    }

    /// <summary>The byte offset in the record.</summary>
    public int Offset { get; }

    /// <summary>The size in bytes in the fixed part.</summary>
    public int Size { get; }

    /// <summary>How it is read.</summary>
    public FieldSlotFlags Flags { get; }

    /// <summary>Whether the record has the field.</summary>
    public bool IsPresent => (Flags & FieldSlotFlags.Present) != 0;

    /// <summary>Whether the field is a number read as it is, without conversion.</summary>
    public bool IsExact => (Flags & FieldSlotFlags.Exact) != 0;

    /// <summary>Whether the record holds the number signed.</summary>
    public bool IsSigned => (Flags & FieldSlotFlags.Signed) != 0;

    /// <summary>Whether the location word is relative to its own end.</summary>
    public bool IsRelative => (Flags & FieldSlotFlags.RelativeLocation) != 0;
}
