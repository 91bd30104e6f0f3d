using System;
using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Relocation;

/// <summary>One kernel's description of an event, as a build saw it.</summary>
/// <param name="Kernel">The kernel's name (its release, as <c>uname -r</c> prints it), or empty for the build machine's.</param>
/// <param name="Schema">Its description.</param>
public sealed record KernelSchema(string Kernel, TracepointSchema Schema);

/// <summary>A field of a union, and the kernels that have it.</summary>
/// <param name="Field">The field's name.</param>
/// <param name="Kernels">The kernels whose description has it, in the build's order.</param>
public sealed record FieldPresence(string Field, EquatableArray<string> Kernels);

/// <summary>The event a build over several kernels generates: every field and value name of any of them.</summary>
/// <param name="Schema">The union: the first kernel's layout and print fmt, the fields and names the others add, types wide enough for all.</param>
/// <param name="Kernels">The kernels, first the one whose layout and print fmt lead.</param>
/// <param name="Presence">Each field of the union and the kernels that have it.</param>
/// <param name="Conflicts">Fields whose kind differs between kernels (the first kernel's is kept), in words.</param>
public sealed record SchemaUnionResult(TracepointSchema Schema, EquatableArray<string> Kernels, EquatableArray<FieldPresence> Presence, EquatableArray<string> Conflicts);

/// <summary>
/// Merges several kernels' descriptions of one event into the one a build generates from:
/// its fields are every field of any of them (a field's type the narrowest that holds every
/// kernel's values), its named values every name of any of them (the first kernel's numbers, then
/// the others' where free, else new numbers above them). The first kernel's layout and print fmt
/// lead. At run time each kernel's records are relocated onto the union by name, so a field or
/// name one kernel lacks is reported absent there, never read as garbage. Deterministic: the
/// generator and the runtime compute the same union from the same descriptions.
/// </summary>
public static class SchemaUnion
{
    /// <summary>The union of <paramref name="kernels"/>, all descriptions of one event; the first leads.</summary>
    /// <exception cref="ArgumentException">No kernels, or descriptions of different events.</exception>
    public static SchemaUnionResult Of(IReadOnlyList<KernelSchema> kernels)
    {
        if (kernels.Count == 0)
            throw new ArgumentException("a union needs at least one kernel's description", nameof(kernels));
        TracepointSchema first = kernels[0].Schema;
        foreach (KernelSchema kernel in kernels)
        {
            if (kernel.Schema.FullName != first.FullName)
                throw new ArgumentException($"{kernel.Schema.FullName} ({kernel.Kernel}) is not {first.FullName}", nameof(kernels));
        }

        var names = new List<string>();
        foreach (KernelSchema kernel in kernels)
            names.Add(kernel.Kernel);
        if (kernels.Count == 1)
            return new SchemaUnionResult(first, names.ToEquatableArray(), Presence(kernels, first).ToEquatableArray(), EquatableArray<string>.Empty);

        var conflicts = new List<string>();
        var fields = new List<FieldSpec>(first.Fields);
        for (int k = 1; k < kernels.Count; k++)
        {
            foreach (FieldSpec field in kernels[k].Schema.Fields)
            {
                int index = fields.FindIndex(f => f.Name == field.Name);
                if (index < 0)
                    fields.Add(field);
                else
                    fields[index] = Widen(fields[index], field, kernels[k].Kernel, conflicts);
            }
        }

        TracepointSchema union = first with { Fields = fields.ToEquatableArray() };
        union = union with { Print = UnionPrint(union, kernels) };
        return new SchemaUnionResult(union, names.ToEquatableArray(), Presence(kernels, union).ToEquatableArray(), conflicts.ToEquatableArray());
    }

    private static List<FieldPresence> Presence(IReadOnlyList<KernelSchema> kernels, TracepointSchema union)
    {
        var presence = new List<FieldPresence>();
        foreach (FieldSpec field in union.Fields)
        {
            var having = new List<string>();
            foreach (KernelSchema kernel in kernels)
            {
                if (kernel.Schema.FindField(field.Name) is not null)
                    having.Add(kernel.Kernel);
            }
            presence.Add(new FieldPresence(field.Name, having.ToEquatableArray()));
        }
        return presence;
    }

    // The type that holds both kernels' values: the wider, or a signed type wide enough for an unsigned one.
    private static FieldSpec Widen(FieldSpec current, FieldSpec other, string kernel, List<string> conflicts)
    {
        if (Relocator.IsNumber(current) && Relocator.IsNumber(other))
        {
            bool currentSigned = Relocator.IsSigned(current), otherSigned = Relocator.IsSigned(other);
            if (currentSigned == otherSigned)
                return other.Size > current.Size ? other with { Offset = current.Offset } : current;
            FieldSpec signed = currentSigned ? current : other, unsigned = currentSigned ? other : current;
            if (signed.Size > unsigned.Size)
                return current with { Size = signed.Size, ElementSize = signed.Size, IsSigned = true, Type = signed.Type };
            int size = Math.Min(8, unsigned.Size * 2);
            string text = "s" + (size * 8).ToString(CultureInfo.InvariantCulture);
            return current with { Size = size, ElementSize = size, IsSigned = true, Kind = FieldKind.Scalar, Type = new CType(text, text, 0, null, DynamicLocation.None) };
        }
        bool sameShape = current.Kind == other.Kind ||
            current.IsDynamic && other.IsDynamic ||
            current.Kind is FieldKind.FixedArray or FieldKind.CharArray && other.Kind is FieldKind.FixedArray or FieldKind.CharArray;
        if (!sameShape || current.ElementSize != other.ElementSize && !current.IsDynamic)
        {
            conflicts.Add($"field '{current.Name}' is '{other.Type.Text}' on {kernel} but '{current.Type.Text}' on the first kernel; the first kernel's is kept");
            return current;
        }
        return other.Size > current.Size ? other with { Offset = current.Offset } : current;
    }

    // The first kernel's print fmt with every value name any kernel gives added to its tables.
    private static PrintFormat? UnionPrint(TracepointSchema union, IReadOnlyList<KernelSchema> kernels)
    {
        if (union.Print is null)
            return null;
        var extra = new Dictionary<string, List<SymbolEntry>>();
        for (int k = 1; k < kernels.Count; k++)
        {
            foreach (FieldSymbolTable table in FieldSymbols.Of(kernels[k].Schema))
            {
                if (!extra.TryGetValue(table.Field, out List<SymbolEntry>? entries))
                    extra[table.Field] = entries = new List<SymbolEntry>();
                entries.AddRange(table.Entries);
            }
        }
        if (extra.Count == 0)
            return union.Print;
        var arguments = new List<PrintExpr>();
        foreach (PrintExpr argument in union.Print.Arguments)
            arguments.Add(Extend(argument, extra));
        return union.Print with { Arguments = arguments.ToEquatableArray() };
    }

    private static PrintExpr Extend(PrintExpr expression, Dictionary<string, List<SymbolEntry>> extra) => expression switch
    {
        SymbolicExpr symbolic when PrintExprWalker.FieldRead(symbolic.Value) is { } field && extra.TryGetValue(field, out var entries)
            => symbolic with { Entries = AddNames(symbolic.Entries, entries, isFlags: false) },
        FlagsExpr flags when PrintExprWalker.FieldRead(flags.Value) is { } field && extra.TryGetValue(field, out var entries)
            => flags with { Entries = AddNames(flags.Entries, entries, isFlags: true) },
        ConditionalExpr e => e with { Condition = Extend(e.Condition, extra), WhenTrue = Extend(e.WhenTrue, extra), WhenFalse = Extend(e.WhenFalse, extra) },
        CallExpr e => e with { Arguments = ExtendAll(e.Arguments, extra) },
        _ => expression,
    };

    private static EquatableArray<PrintExpr> ExtendAll(EquatableArray<PrintExpr> expressions, Dictionary<string, List<SymbolEntry>> extra)
    {
        var result = new List<PrintExpr>(expressions.Count);
        foreach (PrintExpr expression in expressions)
            result.Add(Extend(expression, extra));
        return result.ToEquatableArray();
    }

    // Names the table lacks, at their own value where it is free, else (single values) above every value used.
    private static EquatableArray<SymbolEntry> AddNames(EquatableArray<SymbolEntry> table, List<SymbolEntry> others, bool isFlags)
    {
        var entries = new List<SymbolEntry>(table);
        var names = new HashSet<string>();
        ulong used = 0, highest = 0;
        var values = new HashSet<ulong>();
        foreach (SymbolEntry entry in table)
        {
            names.Add(entry.Name);
            values.Add(entry.Value);
            used |= entry.Value;
            highest = Math.Max(highest, entry.Value);
        }
        foreach (SymbolEntry entry in others)
        {
            if (!entry.IsResolved || !names.Add(entry.Name))
                continue;
            if (isFlags)
            {
                // A mask that overlaps the table's cannot be told apart; such a name stays the running kernel's.
                if ((entry.Value & used) != 0 || entry.Value == 0)
                    continue;
                used |= entry.Value;
                entries.Add(entry);
                continue;
            }
            ulong value = values.Contains(entry.Value) ? highest + 1 : entry.Value;
            values.Add(value);
            highest = Math.Max(highest, value);
            entries.Add(new SymbolEntry(value, entry.Name));
        }
        return entries.ToEquatableArray();
    }
}
