using TpGen.Schema;

namespace TpGen.Emitters.CSharp;

/// <summary>The C# types that kernel values map to: width and sign come from the format, never from the type's name.</summary>
internal static class CSharpTypes
{
    public const string RecordReader = "global::TpGen.Decoding.RecordReader";
    public const string EventLayout = "global::TpGen.Decoding.EventLayout";
    public const string KernelString = "global::TpGen.KernelString";
    public const string Writer = "global::TpGen.Formatting.TraceTextWriter";
    public const string FormatSpec = "global::TpGen.Formatting.FormatSpec";
    public const string FormatFlags = "global::TpGen.Formatting.FormatFlags";
    public const string FlagName = "global::TpGen.Formatting.FlagName";
    public const string RecordHeader = "global::TpGen.RecordHeader";
    public const string RecordFlags = "global::TpGen.RecordFlags";
    public const string Span = "global::System.ReadOnlySpan";

    /// <summary>The integer type of <paramref name="size"/> bytes and the given sign; sizes other than 1, 2, 4, 8 have none.</summary>
    public static string? Integer(int size, bool signed) => size switch
    {
        1 => signed ? "sbyte" : "byte",
        2 => signed ? "short" : "ushort",
        4 => signed ? "int" : "uint",
        8 => signed ? "long" : "ulong",
        _ => null,
    };

    /// <summary>The element type of an array field: pointers are addresses, everything else by width and sign.</summary>
    public static string ArrayElement(FieldSpec field)
    {
        if (field.Type.PointerDepth > 0 && field.ElementSize == 8)
            return "ulong";
        return Integer(field.ElementSize, field.IsSigned) ?? "byte";
    }
}
