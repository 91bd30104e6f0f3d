using System;
using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Frontends.Btf;

/// <summary>
/// What BTF cannot say about dynamic fields. The kernel stores a <c>__data_loc</c> or
/// <c>__rel_loc</c> field as a bare <c>u32 __data_loc_&lt;name&gt;</c> member, so BTF tells
/// neither whether the payload is a string nor, for an array, its element type. These hints
/// supply that from elsewhere: a schema of the same event (a snapshot, tracefs) or the uses
/// in a print fmt. A dynamic field without a hint is read as a string, <c>__data_loc char[]</c>,
/// signed as BTF's plain <c>char</c> is (unsigned in kernels built with -funsigned-char, 6.2 on).
/// </summary>
public sealed class DynamicFieldHints
{
    private readonly Dictionary<string, Hint> _byField;

    private DynamicFieldHints(Dictionary<string, Hint> byField) => _byField = byField;

    /// <summary>No hints: every dynamic field is read as a string.</summary>
    public static DynamicFieldHints None { get; } = new(new Dictionary<string, Hint>(StringComparer.Ordinal));

    /// <summary>The number of fields with a hint.</summary>
    public int Count => _byField.Count;

    /// <summary>Takes the type and sign of each dynamic field of <paramref name="schema"/>, e.g. <c>__data_loc u64[] dma_addrs</c>.</summary>
    public static DynamicFieldHints FromSchema(TracepointSchema schema)
    {
        var byField = new Dictionary<string, Hint>(StringComparer.Ordinal);
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.Location == DynamicLocation.None)
                continue;
            byField[field.Name] = new Hint(WithoutLocation(field.Type.Text), field.Type.BaseType, field.Type.PointerDepth, field.Type.ArrayLength, field.IsSigned);
        }
        return new DynamicFieldHints(byField);
    }

    /// <summary>
    /// Takes what a print fmt's helpers imply: <c>__get_str(f)</c> reads a string,
    /// <c>__get_bitmask(f)</c> an array of <c>unsigned long</c>, <c>__get_cpumask(f)</c> a
    /// <c>cpumask_t</c> (and the same for their <c>__get_rel_</c> forms). <c>__get_dynamic_array(f)</c>
    /// does not name its element type, so such fields get no hint and stay strings.
    /// </summary>
    public static DynamicFieldHints FromPrintFormat(PrintFormat print)
    {
        var byField = new Dictionary<string, Hint>(StringComparer.Ordinal);
        var pending = new Stack<PrintExpr>();
        foreach (PrintExpr argument in print.Arguments)
            pending.Push(argument);
        while (pending.Count > 0)
        {
            PrintExpr expression = pending.Pop();
            if (expression is CallExpr { Arguments.Count: 1 } call && call.Arguments[0] is IdentifierExpr field)
            {
                Hint? hint = call.Function switch
                {
                    "__get_str" or "__get_rel_str" => StringHint,
                    "__get_bitmask" or "__get_rel_bitmask" => new Hint("unsigned long[]", "unsigned long", 0, 0, false),
                    "__get_cpumask" or "__get_rel_cpumask" => new Hint("cpumask_t", "cpumask_t", 0, null, false),
                    _ => null,
                };
                if (hint is not null)
                    byField[field.Name] = hint;
            }
            foreach (PrintExpr child in PrintExprWalker.Children(expression))
                pending.Push(child);
        }
        return new DynamicFieldHints(byField);
    }

    /// <summary>
    /// These hints with one more: field <paramref name="field"/> holds elements of
    /// <paramref name="elementType"/>, a C type name such as <c>u64</c> or <c>unsigned long</c>
    /// (<c>char</c> makes it a string).
    /// </summary>
    public DynamicFieldHints WithArray(string field, string elementType)
    {
        if (field is null)
            throw new ArgumentNullException(nameof(field));
        string trimmed = elementType?.Trim() ?? "";
        if (trimmed.Length == 0 || !IsTypeName(trimmed))
            throw new ArgumentException($"'{BtfData.Printable(trimmed)}' is not a C type name such as 'u64' or 'unsigned long'", nameof(elementType));
        var byField = new Dictionary<string, Hint>(_byField, StringComparer.Ordinal);
        byField[field] = trimmed == "char" ? StringHint : new Hint(trimmed + "[]", trimmed, 0, 0, null);
        return new DynamicFieldHints(byField);
    }

    /// <summary>The C type of dynamic field <paramref name="field"/> with <paramref name="location"/>, and its sign if the hint knows it.</summary>
    internal (CType Type, bool? IsSigned) TypeOf(string field, DynamicLocation location)
    {
        Hint hint = _byField.TryGetValue(field, out Hint? found) ? found : StringHint;
        string prefix = location == DynamicLocation.RelLoc ? "__rel_loc " : "__data_loc ";
        return (new CType(prefix + hint.Text, hint.BaseType, hint.PointerDepth, hint.ArrayLength, location), hint.IsSigned);
    }

    private static readonly Hint StringHint = new("char[]", "char", 0, 0, null);

    // Words of letters, digits and '_' separated by single spaces: no pointers, brackets or anything to inject.
    private static bool IsTypeName(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool word = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';
            if (!word && !(c == ' ' && i > 0 && text[i - 1] != ' '))
                return false;
        }
        return true;
    }

    private static string WithoutLocation(string text)
    {
        foreach (string prefix in new[] { "__data_loc ", "__rel_loc " })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
                return text.Substring(prefix.Length).TrimStart();
        }
        return text;
    }

    /// <summary>A dynamic field's type without its <c>__data_loc</c>, e.g. <c>u64[]</c> or <c>cpumask_t</c>.</summary>
    private sealed record Hint(string Text, string BaseType, int PointerDepth, int? ArrayLength, bool? IsSigned);
}
