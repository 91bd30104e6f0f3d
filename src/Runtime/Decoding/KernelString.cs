using System;
using System.Text;

namespace TpGen;

/// <summary>
/// A string inside a kernel record (a <c>char[]</c> field or a <c>__data_loc</c> string), read
/// in place: nothing is allocated until <see cref="ToString"/> is called. The bytes end at the
/// first NUL.
/// </summary>
public readonly ref struct KernelString
{
    private readonly ReadOnlySpan<byte> _utf8;

    /// <summary>Wraps <paramref name="bytes"/>, cut at the first NUL.</summary>
    /// <param name="bytes">The field's bytes.</param>
    /// <param name="isTruncated">Whether the payload was cut short before it reached user space.</param>
    public KernelString(ReadOnlySpan<byte> bytes, bool isTruncated = false)
    {
        int nul = bytes.IndexOf((byte)0);
        _utf8 = nul >= 0 ? bytes.Slice(0, nul) : bytes;
        IsTruncated = isTruncated;
    }

    /// <summary>The string's bytes (the kernel's, normally UTF-8), without the NUL.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>The number of bytes.</summary>
    public int Length => _utf8.Length;

    /// <summary>Whether the string is empty.</summary>
    public bool IsEmpty => _utf8.IsEmpty;

    /// <summary>Whether the kernel's payload was longer than what reached user space (the ring buffer copy has a bound).</summary>
    public bool IsTruncated { get; }

    /// <summary>Compares with <paramref name="text"/> without allocating.</summary>
    public bool Equals(ReadOnlySpan<char> text)
    {
        if (Ascii.IsValid(_utf8))
            return Ascii.Equals(_utf8, text);
        Span<char> buffer = _utf8.Length <= 256 ? stackalloc char[_utf8.Length] : new char[_utf8.Length];
        int count = Encoding.UTF8.GetChars(_utf8, buffer);
        return buffer.Slice(0, count).SequenceEqual(text);
    }

    /// <summary>Compares with UTF-8 bytes.</summary>
    public bool Equals(ReadOnlySpan<byte> utf8) => _utf8.SequenceEqual(utf8);

    /// <summary>Decodes the string (allocates).</summary>
    public override string ToString() => Encoding.UTF8.GetString(_utf8);

#pragma warning disable CS0809 // ref structs cannot be boxed; these exist to say so clearly.
    /// <summary>Not supported: compare with <see cref="Equals(ReadOnlySpan{char})"/>.</summary>
    [Obsolete("Compare with Equals(ReadOnlySpan<char>) or Equals(ReadOnlySpan<byte>).", error: true)]
    public override bool Equals(object? obj) => throw new NotSupportedException();

    /// <summary>Not supported.</summary>
    [Obsolete("KernelString has no hash code; call ToString() first.", error: true)]
    public override int GetHashCode() => throw new NotSupportedException();
#pragma warning restore CS0809
}
