using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Relocation;

/// <summary>
/// Relocates a build's description of an event onto a running kernel's, by name, as libbpf's
/// CO-RE relocates a C program's field accesses: a build is a set of names, not of offsets.
/// Pure: two schemas in, an <see cref="EventRelocation"/> out.
/// </summary>
public static class Relocator
{
    /// <summary>Matches every field and named value of <paramref name="built"/> with <paramref name="running"/>'s.</summary>
    public static EventRelocation Relocate(TracepointSchema built, TracepointSchema running)
    {
        var fields = new List<FieldRelocation>(built.Fields.Count);
        foreach (FieldSpec field in built.Fields)
            fields.Add(RelocateField(field, running.FindField(field.Name)));

        var symbols = new List<SymbolTranslation>();
        foreach (FieldSymbolTable table in FieldSymbols.Of(built))
        {
            // A field the running kernel lacks or cannot show has no values to translate.
            FieldSymbolTable? runningTable = FieldSymbols.For(running, table.Field);
            if (runningTable is not null && runningTable.IsFlags == table.IsFlags)
                symbols.Add(Translate(table, runningTable));
        }
        return new EventRelocation(built, running, fields.ToEquatableArray(), symbols.ToEquatableArray());
    }

    private static FieldRelocation RelocateField(FieldSpec built, FieldSpec? running)
    {
        if (running is null)
            return new FieldRelocation(built, null, FieldRelocationKind.Absent, false, "this kernel has no such field");
        FieldRelocationKind placed = running.Offset == built.Offset ? FieldRelocationKind.Same : FieldRelocationKind.Moved;
        string moved = placed == FieldRelocationKind.Moved ? $"at offset {Number(running.Offset)}, {Number(built.Offset)} in the build" : "";

        if (IsNumber(built) && IsNumber(running))
        {
            if (running.Size == built.Size && IsSigned(running) == IsSigned(built) && (running.Kind == FieldKind.Bool) == (built.Kind == FieldKind.Bool))
                return new FieldRelocation(built, running, placed, false, moved);
            bool lossy = !Fits(running, built);
            return new FieldRelocation(built, running, FieldRelocationKind.Converted, lossy,
                Join($"is {NumberType(running)} on this kernel, {NumberType(built)} in the build", moved));
        }
        if (IsArray(built) && IsArray(running) || IsDynamic(built) && IsDynamic(running))
        {
            if (running.ElementSize != built.ElementSize)
                return Incompatible(built, running, $"has {Number(running.ElementSize)}-byte elements on this kernel, {Number(built.ElementSize)}-byte in the build");
            if (running.Size != built.Size || running.ElementCount != built.ElementCount)
                return new FieldRelocation(built, running, FieldRelocationKind.Converted, false,
                    Join($"holds {Number(running.ElementCount)} elements on this kernel, {Number(built.ElementCount)} in the build", moved));
            return new FieldRelocation(built, running, placed, false, moved);
        }
        if (built.Kind == FieldKind.Opaque && running.Kind is FieldKind.Opaque or FieldKind.FixedArray or FieldKind.CharArray)
        {
            if (running.Size != built.Size)
                return new FieldRelocation(built, running, FieldRelocationKind.Converted, false, Join($"is {Number(running.Size)} bytes on this kernel, {Number(built.Size)} in the build", moved));
            return new FieldRelocation(built, running, placed, false, moved);
        }
        return Incompatible(built, running, $"is '{running.Type.Text}' on this kernel but '{built.Type.Text}' in the build");
    }

    private static FieldRelocation Incompatible(FieldSpec built, FieldSpec running, string reason) =>
        new(built, running, FieldRelocationKind.Incompatible, false, reason);

    private static SymbolTranslation Translate(FieldSymbolTable built, FieldSymbolTable running)
    {
        var builtNames = new HashSet<string>();
        foreach (SymbolEntry entry in built.Entries)
            builtNames.Add(entry.Name);

        var known = new List<KnownSymbol>();
        var unknown = new List<UnknownSymbol>();
        var runningNames = new HashSet<string>();
        var done = new HashSet<ulong>();
        foreach (SymbolEntry entry in running.Entries)
        {
            runningNames.Add(entry.Name);
            // Flags translate mask by mask; a value translates by the first of its names the build knows.
            if (!built.IsFlags && !done.Add(entry.Value))
                continue;
            string? name = built.IsFlags ? (builtNames.Contains(entry.Name) ? entry.Name : null) : FirstKnownName(running, entry.Value, builtNames);
            if (name is not null && built.TryGetValue(name, out ulong builtValue))
                known.Add(new KnownSymbol(name, entry.Value, builtValue));
            else
                unknown.Add(new UnknownSymbol(entry.Name, entry.Value));
        }
        var missing = new List<string>();
        foreach (SymbolEntry entry in built.Entries)
        {
            if (!runningNames.Contains(entry.Name) && !missing.Contains(entry.Name))
                missing.Add(entry.Name);
        }
        return new SymbolTranslation(built.Field, built.IsFlags, known.ToEquatableArray(), unknown.ToEquatableArray(), missing.ToEquatableArray());
    }

    private static string? FirstKnownName(FieldSymbolTable running, ulong value, HashSet<string> builtNames)
    {
        foreach (SymbolEntry entry in running.Entries)
        {
            if (entry.Value == value && builtNames.Contains(entry.Name))
                return entry.Name;
        }
        return null;
    }

    /// <summary>Whether every value of <paramref name="running"/>'s type fits <paramref name="built"/>'s.</summary>
    private static bool Fits(FieldSpec running, FieldSpec built)
    {
        // A bool holds "non-zero", which any integer gives; a bool's 0 and 1 fit any integer.
        if (built.Kind == FieldKind.Bool || running.Kind == FieldKind.Bool)
            return true;
        bool runningSigned = IsSigned(running), builtSigned = IsSigned(built);
        if (runningSigned == builtSigned)
            return running.Size <= built.Size;
        return !runningSigned && running.Size < built.Size;
    }

    internal static bool IsNumber(FieldSpec field) => field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool;

    private static bool IsArray(FieldSpec field) => field.Kind is FieldKind.FixedArray or FieldKind.CharArray;

    private static bool IsDynamic(FieldSpec field) => field.Kind is FieldKind.DynamicString or FieldKind.DynamicArray;

    /// <summary>Addresses and bools read unsigned whatever the format's <c>signed:</c> says.</summary>
    public static bool IsSigned(FieldSpec field) => field.Kind is not (FieldKind.Pointer or FieldKind.Bool) && field.IsSigned;

    private static string NumberType(FieldSpec field) =>
        field.Kind == FieldKind.Bool ? "a bool" : $"{(IsSigned(field) ? "signed" : "unsigned")} {Number(field.Size * 8)}-bit";

    private static string Join(string a, string b) => b.Length == 0 ? a : a + ", " + b;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
