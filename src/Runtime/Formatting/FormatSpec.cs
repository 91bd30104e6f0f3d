namespace TpGen.Formatting;

/// <summary>printf flags as the kernel's vsnprintf reads them.</summary>
[System.Flags]
public enum FormatFlags : byte
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>-</c>: left-justify within the width.</summary>
    LeftJustify = 1,

    /// <summary><c>+</c>: print a sign for non-negative numbers.</summary>
    Plus = 2,

    /// <summary><c>' '</c>: print a space where a + would go.</summary>
    Space = 4,

    /// <summary><c>#</c>: prefix hex with 0x and octal with 0.</summary>
    Alternate = 8,

    /// <summary><c>0</c>: pad numbers with zeros.</summary>
    ZeroPad = 16,
}

/// <summary>
/// One printf conversion, e.g. <c>%-08lx</c>: flags, width, precision, the size of the C
/// argument its length modifier names, and the conversion character. Generated
/// <c>TryFormat</c> methods build these from constants. <c>default</c> is a plain conversion
/// with no width and no precision.
/// </summary>
public readonly struct FormatSpec
{
    // Stored one above their value so that default(FormatSpec) means "absent" (-1), not 0.
    private readonly int _widthPlusOne;
    private readonly int _precisionPlusOne;

    /// <summary>Creates a conversion.</summary>
    /// <param name="flags">The flag characters.</param>
    /// <param name="width">Minimum field width, or -1.</param>
    /// <param name="precision">Precision, or -1.</param>
    /// <param name="size">Bytes of the argument type the length modifier names: 1 (hh), 2 (h), 4 (none), 8 (l, ll, z).</param>
    /// <param name="conversion">d i u x X o c s p.</param>
    public FormatSpec(FormatFlags flags, int width, int precision, int size, char conversion)
    {
        Flags = flags;
        _widthPlusOne = width < 0 ? 0 : width + 1;
        _precisionPlusOne = precision < 0 ? 0 : precision + 1;
        Size = size;
        Conversion = conversion;
    }

    /// <summary>The flag characters.</summary>
    public FormatFlags Flags { get; }

    /// <summary>Minimum field width, or -1.</summary>
    public int Width => _widthPlusOne - 1;

    /// <summary>Precision, or -1.</summary>
    public int Precision => _precisionPlusOne - 1;

    /// <summary>Bytes of the C argument type: 1, 2, 4 or 8.</summary>
    public int Size { get; }

    /// <summary>The conversion character.</summary>
    public char Conversion { get; }

    /// <summary>Parses one printf conversion such as <c>%-08lx</c>, with the same parser that reads print fmts (generated code writes the constructor instead).</summary>
    /// <exception cref="System.FormatException"><paramref name="conversion"/> is not exactly one conversion.</exception>
    public static FormatSpec Parse(string conversion)
    {
        if (!TpGen.Frontends.Tracefs.FormatStringParser.TryParse(conversion, out var segments, out _, out string error) ||
            segments.Count != 1 || segments[0].Conversion is not { } parsed)
            throw new System.FormatException($"'{conversion}' is not one printf conversion{(error.Length > 0 ? ": " + error : "")}");
        // A '*' width or precision is applied afterwards with WithWidth / WithPrecision.
        int width = parsed.Width == TpGen.Schema.Conversion.FromArgument ? -1 : parsed.Width;
        int precision = parsed.Precision == TpGen.Schema.Conversion.FromArgument ? -1 : parsed.Precision;
        return new FormatSpec((FormatFlags)parsed.Flags, width, precision, parsed.ArgumentSize, parsed.Specifier);
    }

    /// <summary>
    /// This conversion with its width taken from an argument (<c>*</c>); a negative width
    /// left-justifies, as in the kernel. The kernel reads the argument as an <c>int</c>.
    /// </summary>
    public FormatSpec WithWidth(long argument)
    {
        long width = unchecked((int)argument);
        FormatFlags flags = Flags;
        if (width < 0)
        {
            flags |= FormatFlags.LeftJustify;
            width = -width;
        }
        return new FormatSpec(flags, (int)System.Math.Min(width, TraceTextWriter.MaxWidth), Precision, Size, Conversion);
    }

    /// <summary>
    /// This conversion with its precision taken from an argument (<c>.*</c>), read as an
    /// <c>int</c>; the kernel clamps a negative precision to 0 (C would ignore it).
    /// </summary>
    public FormatSpec WithPrecision(long argument)
        => new(Flags, Width, System.Math.Clamp(unchecked((int)argument), 0, TraceTextWriter.MaxWidth), Size, Conversion);
}

/// <summary>A value and the name that <c>__print_flags</c> prints for it.</summary>
/// <param name="Mask">The flag's bits.</param>
/// <param name="Name">The text the kernel prints.</param>
public readonly record struct FlagName(ulong Mask, string Name);
