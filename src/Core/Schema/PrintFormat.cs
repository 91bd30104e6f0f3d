using TpGen.Text;

namespace TpGen.Schema;

/// <summary>
/// A parsed print fmt: the printf-style format string split into literal text and conversions,
/// and one expression tree per argument.
/// </summary>
/// <param name="Format">The format string after C string-literal decoding and concatenation.</param>
/// <param name="Segments">The format string as literal text and conversions, in order.</param>
/// <param name="Arguments">The argument expressions, in order.</param>
public sealed record PrintFormat(string Format, EquatableArray<FormatSegment> Segments, EquatableArray<PrintExpr> Arguments);

/// <summary>One piece of a format string: literal text, or a conversion such as <c>%-08lx</c>.</summary>
/// <param name="Literal">The literal text, or null for a conversion.</param>
/// <param name="Conversion">The conversion, or null for literal text.</param>
public sealed record FormatSegment(string? Literal, Conversion? Conversion)
{
    /// <summary>A piece of literal text (with <c>%%</c> already turned into <c>%</c>).</summary>
    public static FormatSegment Text(string text) => new(text, null);

    /// <summary>A conversion.</summary>
    public static FormatSegment Of(Conversion conversion) => new(null, conversion);
}

/// <summary>A printf conversion as the kernel's vsnprintf understands it.</summary>
/// <param name="Spec">The conversion exactly as written, e.g. <c>%-08lx</c> or <c>%pISpc</c>.</param>
/// <param name="Flags">The flag characters.</param>
/// <param name="Width">The field width; -1 when absent; <see cref="FromArgument"/> when <c>*</c>.</param>
/// <param name="Precision">The precision; -1 when absent; <see cref="FromArgument"/> when <c>.*</c>.</param>
/// <param name="Length">The length modifier.</param>
/// <param name="Specifier">The conversion character: d i u x X o c s p.</param>
/// <param name="PointerExtension">For <c>%p</c>: the extension letters that follow, e.g. <c>S</c>, <c>I4</c>, <c>ISpc</c>; otherwise empty.</param>
/// <param name="FirstArgument">The index of the first argument this conversion consumes (a <c>*</c> width or precision comes first).</param>
public sealed record Conversion(
    string Spec,
    ConversionFlags Flags,
    int Width,
    int Precision,
    LengthModifier Length,
    char Specifier,
    string PointerExtension,
    int FirstArgument)
{
    /// <summary>Marks a width or precision taken from an argument (<c>*</c>).</summary>
    public const int FromArgument = -2;

    /// <summary>The number of arguments this conversion consumes.</summary>
    public int ArgumentCount => 1 + (Width == FromArgument ? 1 : 0) + (Precision == FromArgument ? 1 : 0);

    /// <summary>The index of the argument that holds the value.</summary>
    public int ValueArgument => FirstArgument + ArgumentCount - 1;

    /// <summary>
    /// Whether this is <c>%pS</c>, <c>%ps</c>, <c>%pB</c>, <c>%pF</c> or <c>%pf</c> (with any further
    /// letters): a code address the kernel prints as its symbol, so printing it needs the kernel's symbols.
    /// </summary>
    public bool IsSymbol => Specifier == 'p' && PointerExtension.Length > 0 && PointerExtension[0] is 'S' or 's' or 'B' or 'F' or 'f';

    /// <summary>Bytes of the C argument type the length modifier names: 1 (hh), 2 (h), 4 (none; 8 for %p), 8 (l, ll, z, t, j).</summary>
    public int ArgumentSize => Length switch
    {
        LengthModifier.Char => 1,
        LengthModifier.Short => 2,
        LengthModifier.None => Specifier == 'p' ? 8 : 4,
        _ => 8,
    };
}

/// <summary>printf flag characters.</summary>
[global::System.Flags]
public enum ConversionFlags
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>-</c>: left-justify.</summary>
    LeftJustify = 1,

    /// <summary><c>+</c>: always print a sign.</summary>
    Plus = 2,

    /// <summary><c>' '</c>: a space where the sign would be.</summary>
    Space = 4,

    /// <summary><c>#</c>: alternate form (<c>0x</c> prefix).</summary>
    Alternate = 8,

    /// <summary><c>0</c>: pad with zeros.</summary>
    ZeroPad = 16,
}

/// <summary>printf length modifiers.</summary>
public enum LengthModifier
{
    /// <summary>No modifier: <c>int</c>.</summary>
    None,

    /// <summary><c>hh</c>: <c>char</c>.</summary>
    Char,

    /// <summary><c>h</c>: <c>short</c>.</summary>
    Short,

    /// <summary><c>l</c>: <c>long</c>.</summary>
    Long,

    /// <summary><c>ll</c> or <c>L</c>: <c>long long</c>.</summary>
    LongLong,

    /// <summary><c>z</c>: <c>size_t</c>.</summary>
    Size,

    /// <summary><c>t</c>: <c>ptrdiff_t</c>.</summary>
    PtrDiff,

    /// <summary><c>j</c>: <c>intmax_t</c>.</summary>
    IntMax,
}
