using System.Collections.Generic;
using TpGen.Text;

namespace TpGen.Schema;

/// <summary>Where a field's value names come from.</summary>
public enum FieldSymbolSource
{
    /// <summary>The print fmt passes the field to <c>__print_symbolic</c> or <c>__print_flags</c>.</summary>
    PrintFmt,

    /// <summary>The field's C type is a kernel <c>enum</c> whose members BTF lists.</summary>
    Btf,
}

/// <summary>
/// The names a kernel gives the values of one field: the table the generated enum is made from
/// and the one relocation translates by name.
/// </summary>
/// <param name="Field">The field's name.</param>
/// <param name="IsFlags">True for <c>__print_flags</c> (each entry a mask), false for single values.</param>
/// <param name="Entries">The value/name pairs; unresolved print fmt entries are left out.</param>
/// <param name="Source">Where the names come from.</param>
/// <param name="EnumName">For <see cref="FieldSymbolSource.Btf"/>, the C enum's tag, e.g. <c>skb_drop_reason</c>.</param>
public sealed record FieldSymbolTable(string Field, bool IsFlags, EquatableArray<SymbolEntry> Entries, FieldSymbolSource Source, string? EnumName)
{
    /// <summary>The value of the first entry called <paramref name="name"/> (the one the kernel prints), if any.</summary>
    public bool TryGetValue(string name, out ulong value)
    {
        foreach (SymbolEntry entry in Entries)
        {
            if (entry.Name == name)
            {
                value = entry.Value;
                return true;
            }
        }
        value = 0;
        return false;
    }

    /// <summary>The name the kernel prints for <paramref name="value"/> (the first entry that has it), or null; for single values only.</summary>
    public string? NameOf(ulong value)
    {
        foreach (SymbolEntry entry in Entries)
        {
            if (entry.Value == value)
                return entry.Name;
        }
        return null;
    }
}

/// <summary>
/// Decides which fields have named values. A field qualifies when the print fmt passes it,
/// directly or through casts, to <c>__print_symbolic</c> or <c>__print_flags</c> (one table for
/// all its uses; a field used with two different tables has none), or when its C type is an
/// <c>enum</c> that the schema's BTF enums describe. A print fmt table wins over BTF: its names are
/// the ones the kernel prints. One rule for the C# emitter and for relocation, so they agree.
/// </summary>
public static class FieldSymbols
{
    /// <summary>The table of each field of <paramref name="schema"/> that has one, in field order.</summary>
    public static IReadOnlyList<FieldSymbolTable> Of(TracepointSchema schema)
    {
        Dictionary<string, (bool IsFlags, EquatableArray<SymbolEntry> Entries)> printTables = PrintTables(schema);
        var tables = new List<FieldSymbolTable>();
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.Kind is not (FieldKind.Scalar or FieldKind.Enum) || field.Size is not (1 or 2 or 4 or 8))
                continue;
            if (printTables.TryGetValue(field.Name, out var table))
            {
                var resolved = new List<SymbolEntry>();
                foreach (SymbolEntry entry in table.Entries)
                {
                    if (entry.IsResolved)
                        resolved.Add(entry);
                }
                if (resolved.Count > 0)
                    tables.Add(new FieldSymbolTable(field.Name, table.IsFlags, resolved.ToEquatableArray(), FieldSymbolSource.PrintFmt, null));
                continue;
            }
            if (field.Kind == FieldKind.Enum && FindEnum(schema, field) is { Members.Count: > 0 } btf)
            {
                var entries = new List<SymbolEntry>();
                foreach (EnumMember member in btf.Members)
                    entries.Add(new SymbolEntry(unchecked((ulong)member.Value), member.Name));
                tables.Add(new FieldSymbolTable(field.Name, false, entries.ToEquatableArray(), FieldSymbolSource.Btf, btf.Name));
            }
        }
        return tables;
    }

    /// <summary>The table of field <paramref name="field"/>, or null.</summary>
    public static FieldSymbolTable? For(TracepointSchema schema, string field)
    {
        foreach (FieldSymbolTable table in Of(schema))
        {
            if (table.Field == field)
                return table;
        }
        return null;
    }

    /// <summary>The BTF enum a field's C type names, if the schema carries it.</summary>
    public static EnumSpec? FindEnum(TracepointSchema schema, FieldSpec field)
    {
        if (!field.Type.IsEnum)
            return null;
        string tag = field.Type.BaseType.Substring("enum ".Length);
        foreach (EnumSpec candidate in schema.Enums)
        {
            if (candidate.Name == tag)
                return candidate;
        }
        return null;
    }

    // Field name -> the one symbol table the print fmt applies to it (fields with conflicting uses are dropped).
    private static Dictionary<string, (bool IsFlags, EquatableArray<SymbolEntry> Entries)> PrintTables(TracepointSchema schema)
    {
        var tables = new Dictionary<string, (bool, EquatableArray<SymbolEntry>)>();
        var conflicting = new HashSet<string>();
        if (schema.Print is null)
            return tables;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            // Casts do not change which field a table names: (unsigned long)REC->flags is still flags.
            if (PrintExprWalker.FieldRead(table.Value) is not { } field)
                continue;
            if (tables.TryGetValue(field, out var existing) && (existing.Item1 != table.IsFlags || existing.Item2 != table.Entries))
                conflicting.Add(field);
            else
                tables[field] = (table.IsFlags, table.Entries);
        }
        foreach (string name in conflicting)
            tables.Remove(name);
        return tables;
    }
}
