using System;
using System.Buffers;

namespace TpGen.Formatting;

/// <summary>Something that writes its kernel-style text into a buffer: every generated event record.</summary>
public interface ITraceFormattable
{
    /// <summary>Writes the text into <paramref name="destination"/>; false when it does not fit.</summary>
    bool TryFormat(scoped Span<char> destination, out int charsWritten);
}

/// <summary>Turns <see cref="ITraceFormattable"/> values (also ref structs) into strings.</summary>
public static class TraceText
{
    /// <summary>Most event lines are short; longer ones retry with bigger pooled buffers up to this size.</summary>
    private const int MaxLength = 1 << 20;

    /// <summary>Formats <paramref name="value"/> into a new string.</summary>
    // The stack buffer is written before it is read: clearing it first would cost more than most events' formatting.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static string ToString<T>(scoped in T value) where T : ITraceFormattable, allows ref struct
    {
        Span<char> stack = stackalloc char[256];
        if (value.TryFormat(stack, out int written))
            return new string(stack.Slice(0, written));

        for (int size = 1024; size <= MaxLength; size *= 4)
        {
            char[] rented = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (value.TryFormat(rented, out written))
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
