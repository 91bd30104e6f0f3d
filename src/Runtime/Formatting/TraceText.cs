using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace TpGen.Formatting;

/// <summary>Something that writes its kernel-style text into a buffer: every generated event record.</summary>
public interface ITraceFormattable
{
    /// <summary>Writes the text into <paramref name="destination"/>; false when it does not fit.</summary>
    /// <remarks>
    /// Must not change the value: <see cref="TraceText.ToString{T}"/> calls it through a reference to
    /// the caller's value (an <c>in</c> argument) rather than on a copy, and may call it again with a
    /// bigger buffer.
    /// </remarks>
    bool TryFormat(scoped Span<char> destination, out int charsWritten);
}

/// <summary>Turns <see cref="ITraceFormattable"/> values (also ref structs) into strings.</summary>
public static class TraceText
{
    /// <summary>Most event lines are short; longer ones retry with bigger pooled buffers up to this size.</summary>
    private const int MaxLength = 1 << 20;

    /// <summary>Formats <paramref name="value"/> into a new string.</summary>
    // The stack buffer is written before it is read: clearing it first would cost more than most events' formatting.
    [SkipLocalsInit]
    public static string ToString<T>(scoped in T value) where T : ITraceFormattable, allows ref struct
    {
        // TryFormat is called through a reference, not on `value` itself: on an `in` parameter of a
        // type parameter the compiler copies the value first (it cannot know T is readonly), and the
        // JIT copies a view with one wide load right after the caller's narrower stores that built
        // it, a store-forwarding stall on every record. TryFormat does not change the value.
        ref T view = ref Unsafe.AsRef(in value);
        Span<char> stack = stackalloc char[256];
        return view.TryFormat(stack, out int written) ? new string(stack.Slice(0, written)) : ToLongString(ref view);
    }

    // Out of line: the retry loop and its pooled buffers would make every short line's call pay for
    // a bigger frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string ToLongString<T>(scoped ref T value) where T : ITraceFormattable, allows ref struct
    {
        for (int size = 1024; size <= MaxLength; size *= 4)
        {
            char[] rented = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (value.TryFormat(rented, out int written))
                    return new string(rented, 0, written);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
        return "(event text longer than 1 MiB)";
    }
}
