using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Relocation;

/// <summary>
/// One event of a build, relocated by name onto a running kernel's description of it: where
/// each of the build's fields is now, how its values convert, and how its named values
/// translate. What the runtime needs to read the running kernel's records with the build's
/// types, and what <c>tpgen doctor</c> and <c>tpgen diff</c> report.
/// </summary>
/// <param name="Built">The event as the build knows it.</param>
/// <param name="Running">The event as the running kernel (or a recording) describes it.</param>
/// <param name="Fields">Each of the build's fields, in the build's order.</param>
/// <param name="Symbols">The translation of each field with named values, in the build's field order.</param>
public sealed record EventRelocation(
    TracepointSchema Built,
    TracepointSchema Running,
    EquatableArray<FieldRelocation> Fields,
    EquatableArray<SymbolTranslation> Symbols)
{
    /// <summary>Whether the running kernel lays the event out and numbers its values exactly as the build does.</summary>
    public bool IsIdentity => Fields.All(f => f.Kind == FieldRelocationKind.Same) && Symbols.All(s => s.IsIdentity);

    /// <summary>The fields that cannot be read as built (their kind changed).</summary>
    public IEnumerable<FieldRelocation> Incompatible => Fields.Where(f => f.Kind == FieldRelocationKind.Incompatible);

    /// <summary>The fields whose conversion can lose values.</summary>
    public IEnumerable<FieldRelocation> Lossy => Fields.Where(f => f.IsLossy);

    /// <summary>The fields the running kernel lacks.</summary>
    public IEnumerable<FieldRelocation> Absent => Fields.Where(f => f.Kind == FieldRelocationKind.Absent);

    /// <summary>The translation of field <paramref name="name"/>'s values, or null when it has no named values.</summary>
    public SymbolTranslation? SymbolsOf(string name) => Symbols.FirstOrDefault(s => s.Field == name);

    /// <summary>
    /// The fields the build cannot decode on this kernel: those that changed kind, and (unless
    /// <paramref name="allowLossy"/>) conversions that can lose values. Empty when it can.
    /// </summary>
    public IReadOnlyList<FieldRelocation> Unreadable(bool allowLossy) =>
        Fields.Where(field => field.Kind == FieldRelocationKind.Incompatible || (field.IsLossy && !allowLossy)).ToList();

    /// <summary>
    /// Why the build cannot decode this kernel's records, one phrase per field of
    /// <see cref="Unreadable"/>. Empty when it can.
    /// </summary>
    public IReadOnlyList<string> Problems(bool allowLossy) =>
        Unreadable(allowLossy).Select(field => field.Kind == FieldRelocationKind.Incompatible
            ? $"field '{field.Name}' {field.Reason}: it cannot be relocated"
            : $"field '{field.Name}' {field.Reason}, which can lose values (allow it with ProbeOptions.AllowLossyConversions)").ToList();

    /// <summary>What was relocated, converted, absent or translated, one line per item; empty when nothing changed.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        foreach (FieldRelocation field in Fields)
        {
            if (field.Kind != FieldRelocationKind.Same)
                lines.Add($"{Word(field.Kind)} {field.Name}: {field.Reason}");
        }
        foreach (SymbolTranslation symbols in Symbols)
        {
            if (symbols.IsIdentity && symbols.Missing.Count == 0)
                continue;
            var parts = new List<string> { $"{Count(symbols.Known.Count)} names matched" };
            if (symbols.Renumbered > 0)
                parts.Add($"{Count(symbols.Renumbered)} renumbered (e.g. {Example(symbols)})");
            if (symbols.Unknown.Count > 0)
                parts.Add($"{Count(symbols.Unknown.Count)} only on this kernel ({Names(symbols.Unknown.Select(u => u.Name))})");
            if (symbols.Missing.Count > 0)
                parts.Add($"{Count(symbols.Missing.Count)} only in the build ({Names(symbols.Missing)})");
            lines.Add($"translated {symbols.Field} values: {string.Join(", ", parts)}");
        }
        return lines;
    }

    private static string Word(FieldRelocationKind kind) => kind switch
    {
        FieldRelocationKind.Moved => "moved",
        FieldRelocationKind.Converted => "converted",
        FieldRelocationKind.Absent => "absent",
        FieldRelocationKind.Incompatible => "incompatible",
        _ => "same",
    };

    private static string Example(SymbolTranslation symbols)
    {
        KnownSymbol first = symbols.Known.First(k => k.KernelValue != k.BuiltValue);
        return $"{first.Name} {first.KernelValue.ToString(CultureInfo.InvariantCulture)} here, {first.BuiltValue.ToString(CultureInfo.InvariantCulture)} in the build";
    }

    private static string Names(IEnumerable<string> names)
    {
        List<string> list = names.ToList();
        return string.Join(", ", list.Take(5)) + (list.Count > 5 ? ", ..." : "");
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
