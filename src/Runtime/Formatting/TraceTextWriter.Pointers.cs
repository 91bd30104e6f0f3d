using System;
using System.Buffers.Binary;
using TpGen.Kernel;

namespace TpGen.Formatting;

public ref partial struct TraceTextWriter
{
    /// <summary>
    /// <c>%pS</c>, <c>%ps</c>, <c>%pB</c>: a code address as <c>symbol+0xoff/0xsize [module]</c>
    /// (<paramref name="withOffset"/>) or <c>symbol [module]</c>, from /proc/kallsyms; an address
    /// no symbol holds prints as <c>0x...</c>, as in the kernel.
    /// </summary>
    public void Symbol(ulong address, bool withOffset, in FormatSpec spec)
    {
        int start = _position;
        Literal(KernelSymbols.Current.Text(address, withOffset));
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary>
    /// <c>%s</c> of a pointer to a kernel string: the text from printk_formats where the kernel
    /// lists the address, <c>(null)</c> for NULL as the kernel prints it, else the address as
    /// <c>0x...</c> (the kernel prints the string itself, which is in kernel memory).
    /// </summary>
    public void KernelString(ulong address, in FormatSpec spec)
    {
        if (address == 0)
        {
            String((string?)null, spec);
            return;
        }
        if (PrintkFormats.Current.TryGet(address, out string text))
        {
            String(text, spec);
            return;
        }
        int start = _position;
        Hex0x(address);
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    /// <summary>
    /// A <c>%p</c> extension that formats bytes held in the record: <c>I4 i4 I6 i6 I6c IS[pcfs]
    /// M MR MF m U[bBlL] h[CDN]</c>. <paramref name="extension"/> is the letters after <c>%p</c>.
    /// </summary>
    public void PointerBytes(ReadOnlySpan<byte> bytes, string extension, in FormatSpec spec)
    {
        int start = _position;
        if (extension.Length == 0)
        {
            Literal("(einval)");
            return;
        }
        switch (extension[0])
        {
            case 'I' or 'i':
                IpAddress(bytes, extension);
                break;
            case 'M' or 'm':
                MacAddress(bytes, extension);
                break;
            case 'U':
                Uuid(bytes, extension);
                break;
            case 'h':
                HexDump(bytes, extension, spec.Width);
                return;
            default:
                Literal("(einval)");
                break;
        }
        Justify(start, spec.Width, (spec.Flags & FormatFlags.LeftJustify) != 0);
    }

    private void IpAddress(ReadOnlySpan<byte> bytes, string extension)
    {
        bool leadingZeros = extension[0] == 'i';
        string rest = extension.Length > 1 ? extension.Substring(1) : "";
        if (rest.StartsWith("4", StringComparison.Ordinal))
        {
            Ipv4(bytes, leadingZeros);
        }
        else if (rest.StartsWith("6", StringComparison.Ordinal))
        {
            if (leadingZeros)
                Ipv6Plain(bytes, colons: false);
            else if (rest.Contains('c'))
                Ipv6Compressed(bytes);
            else
                Ipv6Plain(bytes, colons: true);
        }
        else if (rest.StartsWith("S", StringComparison.Ordinal))
        {
            SocketAddress(bytes, rest.Substring(1), leadingZeros);
        }
        else
        {
            Literal("(einval)");
        }
    }

    private void Ipv4(ReadOnlySpan<byte> bytes, bool leadingZeros)
    {
        if (bytes.Length < 4)
        {
            Literal("(efault)");
            return;
        }
        var spec = leadingZeros ? new FormatSpec(FormatFlags.ZeroPad, 3, -1, 4, 'u') : new FormatSpec(FormatFlags.None, -1, -1, 4, 'u');
        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
                Char('.');
            Integer(bytes[i], spec);
        }
    }

    private void Ipv6Plain(ReadOnlySpan<byte> bytes, bool colons)
    {
        if (bytes.Length < 16)
        {
            Literal("(efault)");
            return;
        }
        for (int i = 0; i < 16; i++)
        {
            if (colons && i > 0 && i % 2 == 0)
                Char(':');
            HexByte(bytes[i], upper: false);
        }
    }

    // RFC 5952 text, as the kernel's ip6_compressed_string: the longest run of two or more zero
    // groups becomes "::", and v4-mapped addresses end in dotted quad.
    private void Ipv6Compressed(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 16)
        {
            Literal("(efault)");
            return;
        }
        Span<ushort> words = stackalloc ushort[8];
        for (int i = 0; i < 8; i++)
            words[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(2 * i));

        bool v4Mapped = words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0 && words[5] == 0xFFFF;
        int wordCount = v4Mapped ? 6 : 8;

        int bestStart = -1, bestLength = 0;
        for (int i = 0; i < wordCount;)
        {
            if (words[i] != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < wordCount && words[j] == 0)
                j++;
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2)
            bestStart = -1;

        var hex = new FormatSpec(FormatFlags.None, -1, -1, 4, 'x');
        bool needColon = false;
        for (int i = 0; i < wordCount; i++)
        {
            if (i == bestStart)
            {
                Literal("::");
                i += bestLength - 1;
                needColon = false;
                continue;
            }
            if (needColon)
                Char(':');
            Integer(words[i], hex);
            needColon = true;
        }
        if (v4Mapped)
        {
            if (needColon)
                Char(':');
            Ipv4(bytes.Slice(12), leadingZeros: false);
        }
    }

    private void SocketAddress(ReadOnlySpan<byte> bytes, string options, bool leadingZeros)
    {
        if (bytes.Length < 2)
        {
            Literal("(efault)");
            return;
        }
        ushort family = BitConverter.ToUInt16(bytes);
        bool withPort = options.Contains('p');
        switch (family)
        {
            case 2 when bytes.Length >= 8: // AF_INET: sin_port at 2, sin_addr at 4
                Ipv4(bytes.Slice(4), leadingZeros);
                if (withPort)
                {
                    Char(':');
                    Integer(BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(2)), new FormatSpec(FormatFlags.None, -1, -1, 4, 'u'));
                }
                break;
            case 10 when bytes.Length >= 28: // AF_INET6: sin6_port at 2, flowinfo at 4, addr at 8, scope at 24
                if (withPort)
                    Char('[');
                if (leadingZeros)
                    Ipv6Plain(bytes.Slice(8), colons: false);
                else if (options.Contains('c'))
                    Ipv6Compressed(bytes.Slice(8));
                else
                    Ipv6Plain(bytes.Slice(8), colons: true);
                if (withPort)
                {
                    Char(']');
                    Char(':');
                    Integer(BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(2)), new FormatSpec(FormatFlags.None, -1, -1, 4, 'u'));
                }
                if (options.Contains('f'))
                {
                    Literal("/");
                    Hex0x(BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(4)) & 0x000FFFFF);
                }
                if (options.Contains('s'))
                {
                    Literal("%");
                    Integer(BitConverter.ToUInt32(bytes.Slice(24)), new FormatSpec(FormatFlags.None, -1, -1, 4, 'u'));
                }
                break;
            default:
                Literal("(einval)");
                break;
        }
    }

    private void MacAddress(ReadOnlySpan<byte> bytes, string extension)
    {
        if (bytes.Length < 6)
        {
            Literal("(efault)");
            return;
        }
        bool separators = extension[0] == 'M';
        bool reversed = extension.Length > 1 && extension[1] == 'R';
        char separator = extension.Length > 1 && extension[1] == 'F' ? '-' : ':';
        for (int i = 0; i < 6; i++)
        {
            if (separators && i > 0)
                Char(separator);
            HexByte(bytes[reversed ? 5 - i : i], upper: false);
        }
    }

    private void Uuid(ReadOnlySpan<byte> bytes, string extension)
    {
        if (bytes.Length < 16)
        {
            Literal("(efault)");
            return;
        }
        char variant = extension.Length > 1 ? extension[1] : 'b';
        bool upper = variant is 'B' or 'L';
        bool little = variant is 'l' or 'L';
        ReadOnlySpan<int> bigEndianOrder = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        ReadOnlySpan<int> littleEndianOrder = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
        ReadOnlySpan<int> order = little ? littleEndianOrder : bigEndianOrder;
        for (int i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10)
                Char('-');
            HexByte(bytes[order[i]], upper);
        }
    }

    private void HexDump(ReadOnlySpan<byte> bytes, string extension, int width)
    {
        // %*ph: the width is the byte count (default 1); C, D, N choose ':' '-' or no separator.
        int count = Math.Min(width < 0 ? 1 : Math.Min(width, 64), bytes.Length);
        char separator = extension.Length > 1 ? extension[1] switch { 'C' => ':', 'D' => '-', 'N' => '\0', _ => ' ' } : ' ';
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && separator != '\0')
                Char(separator);
            HexByte(bytes[i], upper: false);
        }
    }
}
