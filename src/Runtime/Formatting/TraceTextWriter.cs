using System;
using System.Text;

namespace TpGen.Formatting;

/// <summary>
/// Writes event text the way the kernel's trace output does, into a caller's buffer without
/// allocating: printf conversions with the kernel's vsnprintf rules, <c>__print_symbolic</c>,
/// <c>__print_flags</c>, hex and array dumps, and the <c>%p</c> extensions. When the buffer is
/// too small, writing continues without effect and <see cref="TryComplete"/> returns false.
/// </summary>
public ref partial struct TraceTextWriter
{
    /// <summary>Widths and precisions above this are clamped, so a hostile format cannot ask for megabytes of padding.</summary>
    public const int MaxWidth = 4096;

    private readonly Span<char> _destination;
    private int _position;
    private bool _overflowed;

    /// <summary>Writes into <paramref name="destination"/>.</summary>
    public TraceTextWriter(Span<char> destination)
    {
        _destination = destination;
        _position = 0;
        _overflowed = false;
    }

    /// <summary>Characters written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Whether everything fit; <paramref name="charsWritten"/> is then the length of the text.</summary>
    public readonly bool TryComplete(out int charsWritten)
    {
        charsWritten = _overflowed ? 0 : _position;
        return !_overflowed;
    }

    /// <summary>Literal text of the format string.</summary>
    public void Literal(ReadOnlySpan<char> text)
    {
        if (_overflowed || !text.TryCopyTo(_destination.Slice(_position)))
        {
            _overflowed = true;
            return;
        }
        _position += text.Length;
    }

    /// <summary>One character.</summary>
    public void Char(char c)
    {
        if (_overflowed || _position >= _destination.Length)
        {
            _overflowed = true;
            return;
        }
        _destination[_position++] = c;
    }

    /// <summary>
    /// An integer conversion (<c>d i u x X o c</c>). <paramref name="bits"/> is the argument
    /// widened to 64 bits by its own C type; the conversion's size and signedness then decide
    /// which bits count, as passing it through C varargs would.
    /// </summary>
    public void Integer(ulong bits, in FormatSpec spec)
    {
        // The commonest conversions, a plain %u or %d of a non-negative value: digits, nothing else.
        if (spec.Flags == FormatFlags.None && spec.Width < 0 && spec.Precision < 0)
        {
            if (spec.Conversion == 'u' && spec.Size == 4)
            {
                Decimal((uint)bits);
                return;
            }
            if (spec.Conversion is 'd' or 'i' && spec.Size == 4 && (int)bits >= 0)
            {
                Decimal((uint)(int)bits);
                return;
            }
        }
        switch (spec.Conversion)
        {
            case 'c':
                Padded((char)(byte)bits, spec);
                return;
            case 'd' or 'i':
                long signedValue = spec.Size switch
                {
                    1 => (sbyte)bits,
                    2 => (short)bits,
                    4 => (int)bits,
                    _ => (long)bits,
                };
                Number(unchecked((ulong)signedValue), signedValue < 0, spec, 10, upper: false);
                return;
            default:
                ulong unsignedValue = spec.Size switch
                {
                    1 => (byte)bits,
                    2 => (ushort)bits,
                    4 => (uint)bits,
                    _ => bits,
                };
                int radix = spec.Conversion is 'x' or 'X' ? 16 : spec.Conversion == 'o' ? 8 : 10;
                Number(unsignedValue, negative: false, spec, radix, upper: spec.Conversion == 'X');
                return;
        }
    }

    /// <summary><c>%s</c> of UTF-8 bytes (a record's string), honouring width and precision.</summary>
    // Never inlined: the vectorized ASCII widening inlined into a generated TryFormat used up the
    // JIT's inlining budget, and the small calls after it (literals, field getters) stayed calls.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public void String(ReadOnlySpan<byte> utf8, in FormatSpec spec)
    {
        int start = _position;
        if (spec.Precision >= 0 && utf8.Length > spec.Precision)
            utf8 = utf8.Slice(0, spec.Precision);
        if (_overflowed)
            return;
        // Record strings are nearly always ASCII: widened in one pass, which stops at the first
        // other byte; then the whole string is decoded as UTF-8 instead.
        Span<char> target = _destination.Slice(_position);
        if (utf8.Length <= target.Length && Ascii.ToUtf16(utf8, target, out int written) == System.Buffers.OperationStatus.Done)
            _position += written;
        else
            Utf8Text(utf8);
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary><c>%s</c> of a string; null prints <c>(null)</c> as the kernel does.</summary>
    public void String(string? text, in FormatSpec spec)
    {
        int start = _position;
        ReadOnlySpan<char> value = text is null ? "(null)" : text.AsSpan();
        if (spec.Precision >= 0 && value.Length > spec.Precision)
            value = value.Slice(0, spec.Precision);
        Literal(value);
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary>Starts text whose width is applied afterwards by <see cref="EndString"/> (a <c>%s</c> of a helper such as <c>__print_flags</c>).</summary>
    public readonly int BeginString() => _position;

    /// <summary>Applies a <c>%s</c> conversion's precision and width to the text written since <paramref name="start"/>.</summary>
    public void EndString(int start, in FormatSpec spec)
    {
        if (_overflowed)
            return;
        if (spec.Precision >= 0 && _position - start > spec.Precision)
            _position = start + spec.Precision;
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary>
    /// <c>__print_symbolic</c>: the name, or, when the value has none (or an empty one), the
    /// value as <c>0x%lx</c> like the kernel's trace_print_symbols_seq.
    /// </summary>
    public void Symbol(string? name, ulong value)
    {
        if (string.IsNullOrEmpty(name))
            Hex0x(value);
        else
            Literal(name);
    }

    /// <summary>
    /// <c>__print_flags</c> as the kernel's trace_print_flags_seq: each entry whose bits are all
    /// set, in order, joined by <paramref name="delimiter"/>, then any bits left as <c>0x%lx</c>.
    /// </summary>
    public void Flags(ulong value, string delimiter, ReadOnlySpan<FlagName> names)
    {
        bool first = true;
        for (int i = 0; i < names.Length && value != 0; i++)
        {
            ulong mask = names[i].Mask;
            if ((value & mask) != mask)
                continue;
            value &= ~mask;
            if (!first)
                Literal(delimiter);
            first = false;
            Literal(names[i].Name);
        }
        if (value != 0)
        {
            if (!first)
                Literal(delimiter);
            Hex0x(value);
        }
    }

    /// <summary><c>__print_hex</c> (bytes as <c>xx xx</c>) or <c>__print_hex_str</c> (<paramref name="concatenate"/>: <c>xxxx</c>).</summary>
    public void Hex(ReadOnlySpan<byte> bytes, bool concatenate)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0 && !concatenate)
                Char(' ');
            HexByte(bytes[i], upper: false);
        }
    }

    /// <summary><c>__print_array</c>: <c>{0x1,0x2}</c> with elements of <paramref name="elementSize"/> bytes.</summary>
    public void Array(ReadOnlySpan<byte> bytes, int count, int elementSize)
    {
        Char('{');
        // Never more elements than the bytes hold, whatever count the record claims.
        if (elementSize <= 0)
            count = 0;
        else if (count > bytes.Length / elementSize)
            count = elementSize is 1 or 2 or 4 or 8 ? bytes.Length / elementSize : Math.Min(count, Math.Max(1, bytes.Length / elementSize));
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
                Char(',');
            int offset = i * elementSize;
            if (elementSize is not (1 or 2 or 4 or 8))
            {
                Literal("BAD SIZE:");
                Number((ulong)elementSize, false, default, 10, false);
                Char(' ');
                Hex0x(offset < bytes.Length ? bytes[offset] : 0UL);
                continue;
            }
            if (offset + elementSize > bytes.Length)
                break;
            ulong element = elementSize switch
            {
                1 => bytes[offset],
                2 => BitConverter.ToUInt16(bytes.Slice(offset)),
                4 => BitConverter.ToUInt32(bytes.Slice(offset)),
                _ => BitConverter.ToUInt64(bytes.Slice(offset)),
            };
            Hex0x(element);
        }
        Char('}');
    }

    /// <summary>
    /// <c>__get_bitmask</c> / <c>__get_cpumask</c> printed with <c>%s</c>: the kernel's <c>%*pb</c>
    /// over all the array's bits, comma-separated 32-bit hex chunks, most significant first, each
    /// zero-padded to its chunk's digits (the first chunk holds the bits above the last multiple of 32).
    /// </summary>
    public void Bitmask(ReadOnlySpan<byte> bytes)
    {
        int bits = bytes.Length * 8;
        if (bits == 0)
            return;
        int chunkBits = bits % 32 == 0 ? 32 : bits % 32;
        bool first = true;
        for (int start = (bits + 31) / 32 * 32 - 32; start >= 0; start -= 32)
        {
            uint value = 0;
            for (int b = 3; b >= 0; b--)
            {
                int index = start / 8 + b;
                value = value << 8 | (index < bytes.Length ? bytes[index] : 0u);
            }
            if (chunkBits < 32)
                value &= (1u << chunkBits) - 1;
            if (!first)
                Char(',');
            first = false;
            Number(value, false, new FormatSpec(FormatFlags.ZeroPad, (chunkBits + 3) / 4, -1, 4, 'x'), 16, upper: false);
            chunkBits = 32;
        }
    }

    /// <summary><c>0x%lx</c>, which the kernel's helpers use for unnamed values.</summary>
    public void Hex0x(ulong value)
    {
        int count = HexDigits(value);
        if (_overflowed || _position + 2 + count > _destination.Length)
        {
            _overflowed = true;
            return;
        }
        _destination[_position] = '0';
        _destination[_position + 1] = 'x';
        WriteHex(_destination.Slice(_position + 2, count), value, upper: false);
        _position += 2 + count;
    }

    /// <summary>
    /// Plain <c>%p</c>: the address as 16 hex digits. The kernel prints a hashed value unless
    /// the <c>hash-ptr</c> trace option is off; TpGen has the real address and prints it, as
    /// the kernel does with <c>nohash-ptr</c>.
    /// </summary>
    public void Pointer(ulong address, in FormatSpec spec)
    {
        if (spec.Width < 0 && spec.Precision < 0 && (spec.Flags & ~FormatFlags.ZeroPad) == 0)
        {
            // The usual plain %p: exactly 16 digits, zero-padded.
            if (_overflowed || _position + 16 > _destination.Length)
            {
                _overflowed = true;
                return;
            }
            WriteHex(_destination.Slice(_position, 16), address, upper: false);
            _position += 16;
            return;
        }
        var pointerSpec = spec.Width < 0
            ? new FormatSpec(spec.Flags | FormatFlags.ZeroPad, 16, spec.Precision, 8, 'x')
            : new FormatSpec(spec.Flags, spec.Width, spec.Precision, 8, 'x');
        Number(address, false, pointerSpec, 16, upper: false);
    }

    /// <summary>UTF-8 bytes that are not all ASCII.</summary>
    private void Utf8Text(ReadOnlySpan<byte> utf8)
    {
        Span<char> target = _destination.Slice(_position);
        if (Encoding.UTF8.GetMaxCharCount(utf8.Length) > target.Length && Encoding.UTF8.GetCharCount(utf8) > target.Length)
        {
            _overflowed = true;
            return;
        }
        _position += Encoding.UTF8.GetChars(utf8, target);
    }

    private void HexByte(byte value, bool upper)
    {
        ReadOnlySpan<byte> digits = upper ? UpperDigits : LowerDigits;
        Char((char)digits[value >> 4]);
        Char((char)digits[value & 0xF]);
    }

    private static ReadOnlySpan<byte> LowerDigits => "0123456789abcdef"u8;

    private static ReadOnlySpan<byte> UpperDigits => "0123456789ABCDEF"u8;

    /// <summary>The number of hex digits of <paramref name="value"/> (1 for 0).</summary>
    private static int HexDigits(ulong value) => (67 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) >> 2;

    /// <summary>Fills <paramref name="target"/> with the low hex digits of <paramref name="value"/>, most significant first.</summary>
    private static void WriteHex(Span<char> target, ulong value, bool upper)
    {
        ReadOnlySpan<byte> digits = upper ? UpperDigits : LowerDigits;
        for (int i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    private void Padded(char c, in FormatSpec spec)
    {
        int start = _position;
        Char(c);
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary>Pads the text written since <paramref name="start"/> with spaces to <paramref name="width"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Justify(int start, int width, bool left)
    {
        // Most conversions have no width: nothing to do, decided without a call.
        if (width > _position - start && !_overflowed)
            Pad(start, width, left);
    }

    private void Pad(int start, int width, bool left)
    {
        int length = _position - start;
        int pad = Math.Min(width, MaxWidth) - length;
        if (_position + pad > _destination.Length)
        {
            _overflowed = true;
            return;
        }
        if (!left)
        {
            _destination.Slice(start, length).CopyTo(_destination.Slice(start + pad));
            _destination.Slice(start, pad).Fill(' ');
        }
        else
        {
            _destination.Slice(_position, pad).Fill(' ');
        }
        _position += pad;
    }

    /// <summary>The kernel's number(): sign, 0x prefix, zero or space padding, precision as a minimum digit count.</summary>
    private void Number(ulong magnitude, bool negative, in FormatSpec spec, int radix, bool upper)
    {
        FormatFlags flags = spec.Flags;
        // Most conversions are plain (%u, %x, %p as zero-padded hex): digits right-aligned in the
        // width, nothing else; they are written straight into place.
        if ((flags & ~FormatFlags.ZeroPad) == 0 && spec.Precision < 0 && !(negative && spec.Conversion is 'd' or 'i'))
        {
            if (spec.Width < 0 && radix == 10)
                Decimal(magnitude);
            else
                PlainNumber(magnitude, Math.Min(spec.Width, MaxWidth), (flags & FormatFlags.ZeroPad) != 0 ? '0' : ' ', radix, upper);
            return;
        }
        FullNumber(magnitude, negative, spec, radix, upper);
    }

    /// <summary>Plain decimal digits, the commonest conversion (<c>%u</c>, <c>%d</c> of a non-negative value).</summary>
    private void Decimal(ulong value)
    {
        if (value <= uint.MaxValue)
        {
            Decimal((uint)value);
            return;
        }
        if (_overflowed || !value.TryFormat(_destination.Slice(_position), out int written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            _overflowed = true;
            return;
        }
        _position += written;
    }

    private void Decimal(uint value)
    {
        if (_overflowed || !value.TryFormat(_destination.Slice(_position), out int written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            _overflowed = true;
            return;
        }
        _position += written;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private void FullNumber(ulong magnitude, bool negative, in FormatSpec spec, int radix, bool upper)
    {
        FormatFlags flags = spec.Flags;
        if ((flags & FormatFlags.LeftJustify) != 0)
            flags &= ~FormatFlags.ZeroPad;
        int width = Math.Min(spec.Width, MaxWidth);
        int precision = Math.Min(spec.Precision, MaxWidth);

        char sign = '\0';
        bool isSigned = spec.Conversion is 'd' or 'i';
        if (isSigned)
        {
            if (negative)
            {
                sign = '-';
                magnitude = unchecked(0UL - magnitude);
                width--;
            }
            else if ((flags & FormatFlags.Plus) != 0)
            {
                sign = '+';
                width--;
            }
            else if ((flags & FormatFlags.Space) != 0)
            {
                sign = ' ';
                width--;
            }
        }

        bool prefix = (flags & FormatFlags.Alternate) != 0 && radix != 10;
        if (prefix)
        {
            if (radix == 16)
                width -= 2;
            else if (magnitude != 0)
                width--;
        }

        Span<char> digits = stackalloc char[24];
        int count = 0;
        string alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        // Shifts for 16 and 8, and a division by the constant 10 (a multiplication), rather than
        // a division by a variable radix per digit: pointers print 16 digits each.
        switch (radix)
        {
            case 16:
                do
                {
                    digits[count++] = alphabet[(int)(magnitude & 0xF)];
                    magnitude >>= 4;
                }
                while (magnitude != 0);
                break;
            case 8:
                do
                {
                    digits[count++] = alphabet[(int)(magnitude & 0x7)];
                    magnitude >>= 3;
                }
                while (magnitude != 0);
                break;
            default:
                do
                {
                    ulong quotient = magnitude / 10;
                    digits[count++] = alphabet[(int)(magnitude - quotient * 10)];
                    magnitude = quotient;
                }
                while (magnitude != 0);
                break;
        }

        if (count > precision)
            precision = count;
        width -= precision;

        if ((flags & (FormatFlags.ZeroPad | FormatFlags.LeftJustify)) == 0)
        {
            Repeat(' ', width);
            width = 0;
        }
        if (sign != '\0')
            Char(sign);
        if (prefix)
        {
            if (radix == 16 || !IsZero(digits, count))
                Char('0');
            if (radix == 16)
                Char(upper ? 'X' : 'x');
        }
        if ((flags & FormatFlags.LeftJustify) == 0)
        {
            Repeat((flags & FormatFlags.ZeroPad) != 0 ? '0' : ' ', width);
            width = 0;
        }
        Repeat('0', precision - count);
        if (_overflowed || _position + count > _destination.Length)
        {
            _overflowed = true;
            return;
        }
        // The digits were found least significant first.
        Span<char> target = _destination.Slice(_position, count);
        for (int i = 0; i < count; i++)
            target[count - 1 - i] = digits[i];
        _position += count;
        Repeat(' ', width);
    }

    private void PlainNumber(ulong magnitude, int width, char pad, int radix, bool upper)
    {
        int count;
        if (radix == 10)
        {
            count = 1;
            for (ulong rest = magnitude; rest >= 10; rest /= 10)
                count++;
        }
        else if (radix == 16)
        {
            count = HexDigits(magnitude);
        }
        else
        {
            int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(magnitude | 1);
            count = (bits + 2) / 3;
        }
        int padding = Math.Max(width - count, 0);
        if (_overflowed || _position + padding + count > _destination.Length)
        {
            _overflowed = true;
            return;
        }
        Span<char> target = _destination.Slice(_position, padding + count);
        target.Slice(0, padding).Fill(pad);
        int at = target.Length;
        switch (radix)
        {
            case 16:
                WriteHex(target.Slice(padding), magnitude, upper);
                break;
            case 8:
                for (int i = 0; i < count; i++, magnitude >>= 3)
                    target[--at] = (char)('0' + (int)(magnitude & 0x7));
                break;
            default:
                magnitude.TryFormat(target.Slice(padding), out _, default, System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
        _position += target.Length;
    }

    private static bool IsZero(Span<char> digits, int count) => count == 1 && digits[0] == '0';

    private void Repeat(char c, int count)
    {
        if (count <= 0)
            return;
        if (_overflowed || _position + count > _destination.Length)
        {
            _overflowed = true;
            return;
        }
        _destination.Slice(_position, count).Fill(c);
        _position += count;
    }
}
