using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>A C# enum to generate: from a field's <c>__print_symbolic</c> / <c>__print_flags</c>, or a kernel enum from BTF.</summary>
/// <param name="Name">The C# type name.</param>
/// <param name="UnderlyingType">byte, ushort, uint, int, ... matching the field.</param>
/// <param name="IsFlags">Whether it comes from <c>__print_flags</c>.</param>
/// <param name="Members">Member names and their values as C# literals of the underlying type.</param>
/// <param name="Description">Where the names come from, for the doc comment.</param>
internal sealed record EnumTypeSpec(string Name, string UnderlyingType, bool IsFlags, EquatableArray<EnumMemberSpec> Members, string Description);

/// <summary>One member of a generated enum.</summary>
internal sealed record EnumMemberSpec(string Name, string Value, string KernelName);

/// <summary>
/// Makes a generated enum type of each field that <see cref="FieldSymbols"/> gives a table (the
/// same rule relocation translates by). Identical enums across the events of a probe set are
/// generated once.
/// </summary>
internal sealed class EnumPlanner
{
    private readonly List<EnumTypeSpec> _enums = new();
    private readonly Dictionary<(int Event, string Field), string> _fieldEnums = new();

    public IReadOnlyList<EnumTypeSpec> Enums => _enums;

    /// <summary>The generated enum for a field, or null.</summary>
    public string? EnumFor(int eventIndex, string field) => _fieldEnums.TryGetValue((eventIndex, field), out string? name) ? name : null;

    public static EnumPlanner Plan(IReadOnlyList<TracepointSchema> events, ISet<string> reservedNames)
    {
        var planner = new EnumPlanner();
        var candidates = new List<(int Event, FieldSpec Field, EnumTypeSpec Spec)>();
        for (int e = 0; e < events.Count; e++)
        {
            TracepointSchema schema = events[e];
            foreach (FieldSymbolTable table in FieldSymbols.Of(schema))
            {
                FieldSpec field = schema.FindField(table.Field)!;
                EnumTypeSpec? spec = table.Source == FieldSymbolSource.PrintFmt
                    ? MakeFromTable(schema, field, table.IsFlags, table.Entries)
                    : MakeFromBtf(field, table);
                if (spec is not null)
                    candidates.Add((e, field, spec));
            }
        }

        // Name each distinct enum; an enum that differs from another of the same name is qualified with its event.
        var byName = new Dictionary<string, EnumTypeSpec>();
        foreach ((int eventIndex, FieldSpec field, EnumTypeSpec spec) in candidates)
        {
            EnumTypeSpec chosen = spec;
            if (byName.TryGetValue(spec.Name, out EnumTypeSpec? existing) && !SameShape(existing, spec) || reservedNames.Contains(spec.Name))
            {
                string qualified = CSharpNames.ToPascalCase(events[eventIndex].Name) + spec.Name;
                chosen = spec with { Name = qualified };
                int suffix = 2;
                while (byName.TryGetValue(chosen.Name, out existing) && !SameShape(existing, chosen) || reservedNames.Contains(chosen.Name))
                    chosen = spec with { Name = qualified + suffix++.ToString(CultureInfo.InvariantCulture) };
            }
            if (!byName.ContainsKey(chosen.Name))
            {
                byName.Add(chosen.Name, chosen);
                planner._enums.Add(chosen);
            }
            planner._fieldEnums[(eventIndex, field.Name)] = chosen.Name;
        }
        return planner;
    }

    private static bool SameShape(EnumTypeSpec a, EnumTypeSpec b) =>
        a.UnderlyingType == b.UnderlyingType && a.IsFlags == b.IsFlags && a.Members == b.Members;

    private static EnumTypeSpec? MakeFromTable(TracepointSchema schema, FieldSpec field, bool isFlags, EquatableArray<SymbolEntry> entries)
    {
        string underlying = CSharpTypes.Integer(field.Size, field.IsSigned)!;
        var members = new List<EnumMemberSpec>();
        var names = new HashSet<string>();
        var values = new HashSet<ulong>();
        foreach (SymbolEntry entry in entries)
        {
            if (!entry.IsResolved)
                continue;
            ulong value = Truncate(entry.Value, field.Size, field.IsSigned);
            // The kernel prints the first name of a value; later duplicates never show.
            if (!isFlags && !values.Add(value))
                continue;
            string name = UniqueMemberName(CSharpNames.ToMemberName(entry.Name), value, names);
            members.Add(new EnumMemberSpec(name, Literal(value, field.Size, field.IsSigned), entry.Name));
        }
        if (members.Count == 0)
            return null;

        string typeName = field.Type.IsEnum
            ? CSharpNames.ToPascalCase(field.Type.BaseType.Substring("enum ".Length))
            : CSharpNames.ToPascalCase(field.Name);
        string description = $"the names {schema.FullName}'s print fmt gives to field <c>{CSharpNames.XmlText(field.Name)}</c> ({(isFlags ? "__print_flags" : "__print_symbolic")})";
        return new EnumTypeSpec(typeName, underlying, isFlags, members.ToEquatableArray(), description);
    }

    private static EnumTypeSpec? MakeFromBtf(FieldSpec field, FieldSymbolTable btf)
    {
        if (CSharpTypes.Integer(field.Size, field.IsSigned) is not { } underlying)
            return null;
        var members = new List<EnumMemberSpec>();
        var names = new HashSet<string>();
        foreach (SymbolEntry member in btf.Entries)
        {
            ulong value = Truncate(member.Value, field.Size, field.IsSigned);
            string name = UniqueMemberName(CSharpNames.ToMemberName(member.Name), value, names);
            members.Add(new EnumMemberSpec(name, Literal(value, field.Size, field.IsSigned), member.Name));
        }
        if (members.Count == 0)
            return null;
        return new EnumTypeSpec(CSharpNames.ToPascalCase(btf.EnumName!), underlying, false, members.ToEquatableArray(), $"the kernel's <c>enum {CSharpNames.XmlText(btf.EnumName!)}</c> (from BTF)");
    }

    private static string UniqueMemberName(string name, ulong value, HashSet<string> used)
    {
        if (name.Length == 0)
            name = "Value" + value.ToString(CultureInfo.InvariantCulture);
        string unique = name;
        for (int i = 2; !used.Add(unique); i++)
            unique = name + "_" + i.ToString(CultureInfo.InvariantCulture);
        return unique;
    }

    private static ulong Truncate(ulong value, int size, bool signed)
    {
        if (size >= 8)
            return value;
        ulong mask = (1UL << (size * 8)) - 1;
        ulong truncated = value & mask;
        if (signed && (truncated >> (size * 8 - 1) & 1) != 0)
            truncated |= ~mask;
        return truncated;
    }

    private static string Literal(ulong bits, int size, bool signed)
    {
        if (!signed)
            return bits.ToString(CultureInfo.InvariantCulture);
        long value = unchecked((long)bits);
        // The smallest value of a signed type cannot be written as a negated literal of that type.
        if (size == 8 && value == long.MinValue)
            return "long.MinValue";
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
