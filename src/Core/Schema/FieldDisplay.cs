using System.Collections.Generic;

namespace TpGen.Schema;

/// <summary>How an event's text shows one of its fields when its print fmt prints the field itself.</summary>
public enum FieldShow
{
    /// <summary>An integer conversion (<c>%d %u %x</c>), or the field is not printed by itself: its value.</summary>
    Number,

    /// <summary>A <c>bool</c> field.</summary>
    Bool,

    /// <summary><c>__print_symbolic</c> or <c>__print_flags</c> of the field (<see cref="FieldSymbols"/>' table): the names.</summary>
    Names,

    /// <summary><c>%pS %ps %pB %pF %pf</c>: a kernel code address as <c>symbol+0xoff/0xsize</c>.</summary>
    Symbol,

    /// <summary><c>%p %px %pK</c>, or a pointer field not printed by itself: the address, 16 hex digits.</summary>
    Address,

    /// <summary><c>%s</c> of a pointer: the kernel string printk_formats lists at that address.</summary>
    KernelString,

    /// <summary><c>%pI4 %pI6c %pISpc %pM %pU %ph ...</c>: bytes the record holds, formatted by the extension.</summary>
    AddressBytes,

    /// <summary>A <c>char[N]</c> or <c>__data_loc char[]</c> field: its text.</summary>
    String,

    /// <summary>A fixed or dynamic array of 1, 2, 4 or 8-byte elements: the elements.</summary>
    Array,

    /// <summary>Anything else: its bytes in hex.</summary>
    Bytes,
}

/// <summary>
/// How the text of an event shows <paramref name="Field"/>: the one decision, from the print fmt,
/// that every other rendering of the field (tpgen's JSON, <c>--count-by</c>) follows, so a value is
/// named, symbolized and formatted alike everywhere.
/// </summary>
/// <param name="Field">The field.</param>
/// <param name="Show">How it is shown.</param>
/// <param name="Extension">For <see cref="FieldShow.AddressBytes"/>, the letters after <c>%p</c> (<c>I4</c>, <c>ISpc</c>); else empty.</param>
/// <param name="WithOffset">For <see cref="FieldShow.Symbol"/>: <c>symbol+0xoff/0xsize</c> (<c>%pS</c>) rather than the bare symbol (<c>%ps</c>).</param>
/// <param name="Precision">For strings, the conversion's precision (<c>%.16s</c>); -1 when none.</param>
/// <param name="Names">For <see cref="FieldShow.Names"/>, the field's table.</param>
/// <param name="NamedValue">For <see cref="FieldShow.Names"/> from the print fmt, the expression its table is given (the field, through casts).</param>
/// <param name="Delimiter">For flags, what the kernel prints between names.</param>
public sealed record FieldDisplay(FieldSpec Field, FieldShow Show, string Extension, bool WithOffset, int Precision, FieldSymbolTable? Names, PrintExpr? NamedValue, string? Delimiter)
{
    /// <summary>How <paramref name="schema"/>'s text shows each of its own (not common) fields, in field order.</summary>
    public static IReadOnlyList<FieldDisplay> Of(TracepointSchema schema)
    {
        var displays = new List<FieldDisplay>();
        foreach (FieldSpec field in schema.Fields)
        {
            if (!field.IsCommon)
                displays.Add(For(schema, field));
        }
        return displays;
    }

    /// <summary>How <paramref name="schema"/>'s text shows <paramref name="field"/>.</summary>
    public static FieldDisplay For(TracepointSchema schema, FieldSpec field)
    {
        if (schema is null)
            throw new global::System.ArgumentNullException(nameof(schema));
        if (field is null)
            throw new global::System.ArgumentNullException(nameof(field));
        if (FieldSymbols.For(schema, field.Name) is { } names)
        {
            SymbolTable? table = null;
            if (names.Source == FieldSymbolSource.PrintFmt && schema.Print is not null)
            {
                foreach (SymbolTable candidate in PrintExprWalker.SymbolTables(schema.Print))
                {
                    if (PrintExprWalker.FieldRead(candidate.Value) == field.Name)
                    {
                        table = candidate;
                        break;
                    }
                }
            }
            return new FieldDisplay(field, FieldShow.Names, "", false, -1, names, table?.Value, table?.Delimiter);
        }
        if (schema.Print is { } print)
        {
            foreach (FormatSegment segment in print.Segments)
            {
                if (segment.Conversion is not { } conversion || conversion.ValueArgument >= print.Arguments.Count ||
                    Read(print.Arguments[conversion.ValueArgument]) != field.Name)
                    continue;
                if (Shown(field, conversion) is { } shown)
                    return shown;
            }
        }
        return ByKind(field, -1);
    }

    // The field a conversion prints by itself: REC->x through casts, or __get_str(x).
    private static string? Read(PrintExpr argument)
    {
        if (PrintExprWalker.FieldRead(argument) is { } field)
            return field;
        return argument is CallExpr { Function: "__get_str" or "__get_rel_str", Arguments: { Count: 1 } arguments } && arguments[0] is IdentifierExpr name ? name.Name : null;
    }

    // What a conversion makes of the field, or null when it does not print a value of its kind.
    private static FieldDisplay? Shown(FieldSpec field, Conversion conversion)
    {
        bool integer = field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool;
        switch (conversion.Specifier)
        {
            case 'p':
            {
                string extension = conversion.PointerExtension;
                char kind = extension.Length > 0 ? extension[0] : '\0';
                if (conversion.IsSymbol && integer)
                {
                    // As the kernel's vsnprintf: %pS, %pB and %pF with the offset; %ps and %pf without; R only reorders.
                    bool withOffset = kind is 'S' or 'B' or 'F' && !extension.Contains("R") || extension == "SR";
                    return new FieldDisplay(field, FieldShow.Symbol, "", withOffset, -1, null, null, null);
                }
                if (kind is 'I' or 'i' or 'M' or 'm' or 'U' or 'h' && field.Kind is FieldKind.FixedArray or FieldKind.CharArray && field.ElementCount > 0)
                    return new FieldDisplay(field, FieldShow.AddressBytes, extension, false, -1, null, null, null);
                if (kind is '\0' or 'K' or 'x' or 'X' && integer)
                    return new FieldDisplay(field, FieldShow.Address, "", false, -1, null, null, null);
                return null;
            }
            case 's' when field.Kind == FieldKind.Pointer:
                return new FieldDisplay(field, FieldShow.KernelString, "", false, conversion.Precision, null, null, null);
            case 's' when field.Kind is FieldKind.CharArray or FieldKind.DynamicString:
                return ByKind(field, conversion.Precision);
            case 'd' or 'i' or 'u' or 'x' or 'X' or 'o' or 'c' when integer:
                return ByKind(field, -1) is { Show: FieldShow.Address } ? new FieldDisplay(field, FieldShow.Number, "", false, -1, null, null, null) : ByKind(field, -1);
            default:
                return null;
        }
    }

    private static FieldDisplay ByKind(FieldSpec field, int precision)
    {
        FieldShow show = field.Kind switch
        {
            FieldKind.Bool => FieldShow.Bool,
            FieldKind.Pointer => FieldShow.Address,
            FieldKind.Scalar or FieldKind.Enum when field.Size is 1 or 2 or 4 or 8 => FieldShow.Number,
            FieldKind.CharArray or FieldKind.DynamicString => FieldShow.String,
            FieldKind.FixedArray or FieldKind.DynamicArray when field.ElementSize is 1 or 2 or 4 or 8 => FieldShow.Array,
            _ => FieldShow.Bytes,
        };
        return new FieldDisplay(field, show, "", false, precision, null, null, null);
    }
}
