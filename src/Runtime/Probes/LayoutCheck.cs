using System.Collections.Generic;
using System.Linq;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// Compares the layout a probe set was built from with the running kernel's, before anything is
/// attached: a field that moved, changed size or sign, or vanished, and a symbol whose value
/// changed (enums drift between kernels), would otherwise decode as garbage or mislabel values.
/// Fields the running kernel added are harmless: the build never reads them.
/// </summary>
public static class LayoutCheck
{
    /// <summary>Every difference that makes <paramref name="built"/> unsafe to decode on a kernel described by <paramref name="running"/>; empty when none.</summary>
    public static IReadOnlyList<string> Differences(TracepointSchema built, TracepointSchema running)
    {
        var differences = new List<string>();
        foreach (IGrouping<string, FieldChange> field in SchemaDifference.Fields(built, running).Where(c => c.Kind != FieldChangeKind.Added).GroupBy(c => c.Name))
        {
            FieldChange change = field.First();
            if (change.Kind == FieldChangeKind.Removed)
                differences.Add($"field '{field.Key}' does not exist on this kernel");
            else if (field.Any(c => c.Kind is FieldChangeKind.Moved or FieldChangeKind.Resized))
                differences.Add($"field '{field.Key}' is at offset {change.Before!.Offset} (size {change.Before.Size}) in the build but at offset {change.After!.Offset} (size {change.After.Size}) on this kernel");
            else
                differences.Add($"field '{field.Key}' is '{change.Before!.Type.Text}' in the build but '{change.After!.Type.Text}' on this kernel");
        }
        foreach (SymbolChange symbol in SchemaDifference.Symbols(built, running))
            differences.Add($"symbol {symbol.Name} is {symbol.Before} in the build but {symbol.After} on this kernel");
        return differences;
    }
}
