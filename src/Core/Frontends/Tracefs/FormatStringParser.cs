using System.Collections.Generic;
using System.Text;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Splits a printf format string into literal text and conversions, following the kernel's
/// vsnprintf: flags, width, precision, the length modifiers it knows, and <c>%p</c> followed
/// by any alphanumeric extension (the kernel skips all of them).
/// </summary>
public static class FormatStringParser
{
    /// <summary>Splits <paramref name="format"/>; false with <paramref name="error"/> when a conversion is malformed.</summary>
    public static bool TryParse(string format, out EquatableArray<FormatSegment> segments, out int argumentCount, out string error)
    {
        var list = new List<FormatSegment>();
        var literal = new StringBuilder();
        argumentCount = 0;
        error = "";
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i];
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            int start = i;
            i++;
            if (i < format.Length && format[i] == '%')
            {
                literal.Append('%');
                i++;
                continue;
            }

            ConversionFlags flags = ConversionFlags.None;
            for (; i < format.Length; i++)
            {
                ConversionFlags flag = format[i] switch
                {
                    '-' => ConversionFlags.LeftJustify,
                    '+' => ConversionFlags.Plus,
                    ' ' => ConversionFlags.Space,
                    '#' => ConversionFlags.Alternate,
                    '0' => ConversionFlags.ZeroPad,
                    _ => ConversionFlags.None,
                };
                if (flag == ConversionFlags.None)
                    break;
                flags |= flag;
            }

            int width = ReadNumberOrStar(format, ref i);
            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumberOrStar(format, ref i);
                if (precision == -1)
                    precision = 0;
            }

            LengthModifier length = LengthModifier.None;
            if (i < format.Length)
            {
                switch (format[i])
                {
                    case 'h' when i + 1 < format.Length && format[i + 1] == 'h': length = LengthModifier.Char; i += 2; break;
                    case 'h': length = LengthModifier.Short; i++; break;
                    case 'l' when i + 1 < format.Length && format[i + 1] == 'l': length = LengthModifier.LongLong; i += 2; break;
                    case 'l': length = LengthModifier.Long; i++; break;
                    case 'L': length = LengthModifier.LongLong; i++; break;
                    case 'z' or 'Z': length = LengthModifier.Size; i++; break;
                    case 't': length = LengthModifier.PtrDiff; i++; break;
                    case 'j': length = LengthModifier.IntMax; i++; break;
                }
            }

            if (i >= format.Length)
            {
                error = $"the format string ends inside the conversion '{format.Substring(start)}'";
                segments = default;
                return false;
            }

            char specifier = format[i];
            i++;
            if (specifier is not ('d' or 'i' or 'u' or 'x' or 'X' or 'o' or 'c' or 's' or 'p'))
            {
                error = $"unsupported conversion '%{specifier}' in '{format.Substring(start, i - start)}'";
                segments = default;
                return false;
            }

            string extension = "";
            if (specifier == 'p')
            {
                int extensionStart = i;
                while (i < format.Length && char.IsLetterOrDigit(format[i]) && format[i] < 128)
                    i++;
                extension = format.Substring(extensionStart, i - extensionStart);
            }

            if (literal.Length > 0)
            {
                list.Add(FormatSegment.Text(literal.ToString()));
                literal.Clear();
            }
            var conversion = new Conversion(format.Substring(start, i - start), flags, width, precision, length, specifier, extension, argumentCount);
            argumentCount += conversion.ArgumentCount;
            list.Add(FormatSegment.Of(conversion));
        }

        if (literal.Length > 0)
            list.Add(FormatSegment.Text(literal.ToString()));
        segments = new EquatableArray<FormatSegment>(list.ToArray());
        return true;
    }

    private static int ReadNumberOrStar(string format, ref int i)
    {
        if (i < format.Length && format[i] == '*')
        {
            i++;
            return Conversion.FromArgument;
        }
        int value = -1;
        while (i < format.Length && format[i] is >= '0' and <= '9')
        {
            // Widths past a few thousand are nonsense; cap them so huge numbers cannot overflow.
            value = System.Math.Min((value < 0 ? 0 : value) * 10 + (format[i] - '0'), 4096);
            i++;
        }
        return value;
    }
}
