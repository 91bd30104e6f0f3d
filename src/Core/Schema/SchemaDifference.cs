using System.Collections.Generic;

namespace TpGen.Schema;

/// <summary>How a field differs between two descriptions of one event.</summary>
public enum FieldChangeKind
{
    /// <summary>Only the first description has the field.</summary>
    Removed,

    /// <summary>Only the second description has the field.</summary>
    Added,

    /// <summary>The field is at another offset.</summary>
    Moved,

    /// <summary>The field has another size.</summary>
    Resized,

    /// <summary>The field is read differently: its kind, sign, element size or dynamic location changed.</summary>
    Retyped,
}

/// <summary>One difference in a field; <see cref="Before"/> or <see cref="After"/> is null when the field is only on one side.</summary>
public sealed record FieldChange(FieldChangeKind Kind, string Name, FieldSpec? Before, FieldSpec? After);

/// <summary>A name the print fmt gives a value (a <c>__print_symbolic</c> value or a <c>__print_flags</c> mask) whose value changed.</summary>
public sealed record SymbolChange(string Name, ulong Before, ulong After);

/// <summary>
/// What differs between two descriptions of one event, as far as decoding is concerned: the
/// layout of the fields and the values of the print fmt's symbols (enums drift between kernels).
/// One comparison serves the runtime's check before attaching and <c>tpgen diff</c>.
/// </summary>
public static class SchemaDifference
{
    /// <summary>Field changes from <paramref name="before"/> to <paramref name="after"/>, in field order, removals and moves first, additions last.</summary>
    public static IReadOnlyList<FieldChange> Fields(TracepointSchema before, TracepointSchema after)
    {
        var changes = new List<FieldChange>();
        foreach (FieldSpec field in before.Fields)
        {
            FieldSpec? other = after.FindField(field.Name);
            if (other is null)
            {
                changes.Add(new FieldChange(FieldChangeKind.Removed, field.Name, field, null));
                continue;
            }
            if (other.Offset != field.Offset)
                changes.Add(new FieldChange(FieldChangeKind.Moved, field.Name, field, other));
            if (other.Size != field.Size)
                changes.Add(new FieldChange(FieldChangeKind.Resized, field.Name, field, other));
            if (other.Kind != field.Kind || other.IsSigned != field.IsSigned || other.ElementSize != field.ElementSize || other.Location != field.Location)
                changes.Add(new FieldChange(FieldChangeKind.Retyped, field.Name, field, other));
        }
        foreach (FieldSpec field in after.Fields)
        {
            if (before.FindField(field.Name) is null)
                changes.Add(new FieldChange(FieldChangeKind.Added, field.Name, null, field));
        }
        return changes;
    }

    /// <summary>Symbols both descriptions name, with different values.</summary>
    public static IReadOnlyList<SymbolChange> Symbols(TracepointSchema before, TracepointSchema after)
    {
        Dictionary<string, ulong> afterSymbols = SymbolValues(after);
        var changes = new List<SymbolChange>();
        foreach (KeyValuePair<string, ulong> symbol in SymbolValues(before))
        {
            if (afterSymbols.TryGetValue(symbol.Key, out ulong value) && value != symbol.Value)
                changes.Add(new SymbolChange(symbol.Key, symbol.Value, value));
        }
        return changes;
    }

    // Names of __print_symbolic values and __print_flags masks, as the print fmt defines them.
    private static Dictionary<string, ulong> SymbolValues(TracepointSchema schema)
    {
        var symbols = new Dictionary<string, ulong>();
        if (schema.Print is null)
            return symbols;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            foreach (SymbolEntry entry in table.Entries)
            {
                // The same name in two tables of one event would be ambiguous; the first counts.
                if (entry.IsResolved && !symbols.ContainsKey(entry.Name))
                    symbols[entry.Name] = entry.Value;
            }
        }
        return symbols;
    }
}
