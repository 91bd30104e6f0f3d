using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// Compares the layout a probe set was built from with the running kernel's, before anything is
/// attached: a field that moved, changed size or sign, or vanished, and a symbol whose value
/// changed (enums drift between kernels), would otherwise decode as garbage or mislabel values.
/// </summary>
public static class LayoutCheck
{
    /// <summary>Every difference that makes <paramref name="built"/> unsafe to decode on a kernel described by <paramref name="running"/>; empty when none.</summary>
    public static IReadOnlyList<string> Differences(TracepointSchema built, TracepointSchema running)
    {
        var differences = new List<string>();
        foreach (FieldSpec field in built.Fields)
        {
            FieldSpec? live = running.FindField(field.Name);
            if (live is null)
            {
                differences.Add($"field '{field.Name}' does not exist on this kernel");
                continue;
            }
            if (live.Offset != field.Offset || live.Size != field.Size)
                differences.Add($"field '{field.Name}' is at offset {field.Offset} (size {field.Size}) in the build but at offset {live.Offset} (size {live.Size}) on this kernel");
            else if (live.IsSigned != field.IsSigned || live.Kind != field.Kind || live.Location != field.Location || live.ElementSize != field.ElementSize)
                differences.Add($"field '{field.Name}' is '{field.Type.Text}' in the build but '{live.Type.Text}' on this kernel");
        }

        Dictionary<string, ulong> builtSymbols = Symbols(built);
        Dictionary<string, ulong> liveSymbols = Symbols(running);
        foreach (KeyValuePair<string, ulong> symbol in builtSymbols)
        {
            if (liveSymbols.TryGetValue(symbol.Key, out ulong value) && value != symbol.Value)
                differences.Add($"symbol {symbol.Key} is {symbol.Value} in the build but {value} on this kernel");
        }
        return differences;
    }

    // Names of __print_symbolic values and __print_flags masks, as the print fmt defines them.
    private static Dictionary<string, ulong> Symbols(TracepointSchema schema)
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
