using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;

namespace TpGen.Emitters.CSharp;

/// <summary>How one field appears in C#: its property name, type, and how it is read from the record.</summary>
/// <param name="Field">The kernel field.</param>
/// <param name="Index">Its position in the build's field order: its slot in the event's layout.</param>
/// <param name="PropertyName">The property's C# name.</param>
/// <param name="ViewType">The property type on the zero-copy view.</param>
/// <param name="ViewRead">The expression that reads it from <c>_record</c> through <c>_layout</c>.</param>
/// <param name="OwnedType">The property type on the owned record.</param>
/// <param name="OwnedRead">The expression that produces it from <c>View</c>.</param>
/// <param name="HasName">The property that says whether the records have the field, or null for the common fields (always there).</param>
/// <param name="ValueNameProperty">For a field with named single values, the property that gives the kernel's name of its value; else null.</param>
internal sealed record FieldPlan(FieldSpec Field, int Index, string PropertyName, string ViewType, string ViewRead, string OwnedType, string OwnedRead, string? HasName, string? ValueNameProperty);

/// <summary>How one event appears in C#: its type names and the plan of each field.</summary>
internal sealed class EventPlan
{
    /// <summary>Members the generated types define themselves; fields that would take one of these names get a suffix.</summary>
    public static readonly HashSet<string> ReservedMembers = new()
    {
        "Read", "TryRead", "TryFormat", "ToString", "Equals", "GetHashCode", "GetType", "Header", "Record",
        "ToRecord", "View", "SystemName", "EventName", "Descriptions", "Kernels", "BuildLayout", "Layout", "RawRecord", "MemberwiseClone", "Finalize", ContextMembers.ContextProperty,
    };

    private EventPlan(TracepointSchema schema, int index, string viewName, string ownedName, List<FieldPlan> fields)
    {
        Schema = schema;
        Index = index;
        ViewName = viewName;
        OwnedName = ownedName;
        Fields = fields;
    }

    public TracepointSchema Schema { get; }

    /// <summary>The event's position in the probe set (the BPF header's event index).</summary>
    public int Index { get; }

    /// <summary>The zero-copy view's type name, e.g. <c>KfreeSkb</c>.</summary>
    public string ViewName { get; }

    /// <summary>The owned record's type name, e.g. <c>KfreeSkbRecord</c>.</summary>
    public string OwnedName { get; }

    public IReadOnlyList<FieldPlan> Fields { get; }

    public static EventPlan Create(TracepointSchema schema, int index, string viewName, EnumPlanner enums)
    {
        string ownedName = viewName + "Record";
        var used = new HashSet<string>(ReservedMembers) { viewName, ownedName };
        var fields = new List<FieldPlan>();
        var names = new List<string>();
        foreach (FieldSpec field in schema.Fields)
        {
            string name = CSharpNames.ToPascalCase(field.Name);
            if (used.Contains(name))
                name += "Field";
            string unique = name;
            for (int i = 2; used.Contains(unique); i++)
                unique = name + i.ToString(CultureInfo.InvariantCulture);
            used.Add(unique);
            names.Add(unique);
        }
        // Has… and …Name properties come second, so a kernel field called has_x keeps its plain name.
        var tables = new Dictionary<string, FieldSymbolTable>();
        foreach (FieldSymbolTable table in FieldSymbols.Of(schema))
            tables[table.Field] = table;
        for (int i = 0; i < schema.Fields.Count; i++)
        {
            FieldSpec field = schema.Fields[i];
            FieldSymbolTable? symbols = tables.TryGetValue(field.Name, out FieldSymbolTable? table) ? table : null;
            string? hasName = field.IsCommon ? null : Unique("Has" + names[i], used);
            string? valueName = symbols is { IsFlags: false } ? Unique(names[i] + "Name", used) : null;
            fields.Add(Plan(field, i, names[i], enums.EnumFor(index, field.Name), symbols is not null, hasName, valueName));
        }
        return new EventPlan(schema, index, viewName, ownedName, fields);
    }

    private static string Unique(string name, HashSet<string> used)
    {
        string unique = name;
        for (int i = 2; !used.Add(unique); i++)
            unique = name + i.ToString(CultureInfo.InvariantCulture);
        return unique;
    }

    private static FieldPlan Plan(FieldSpec field, int index, string name, string? enumName, bool translated, string? hasName, string? valueName)
    {
        string k = index.ToString(CultureInfo.InvariantCulture);
        string view = "View." + name;
        FieldPlan Make(string viewType, string viewRead, string ownedType, string ownedRead) =>
            new(field, index, name, viewType, viewRead, ownedType, ownedRead, hasName, valueName);

        switch (field.Kind)
        {
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer:
            {
                string integer = field.Kind == FieldKind.Pointer ? CSharpTypes.Integer(field.Size, false)! : CSharpTypes.Integer(field.Size, field.IsSigned)!;
                // Named values are read as the build numbers them: translated by name where the kernel numbers them otherwise.
                // As built, the build's own offset; otherwise where this record's kernel puts it (and, for named values, translated).
                string relocated = translated
                    ? $"_layout.ReadSymbol<{integer}>(_record, {k})"
                    : $"_layout.Read<{integer}>(_record, {k})";
                string read = $"(_layout.IsAsBuilt ? {CSharpTypes.RecordReader}.Read<{integer}>(_record, {field.Offset.ToString(CultureInfo.InvariantCulture)}) : {relocated})";
                if (enumName is not null)
                    return Make(enumName, $"({enumName}){read}", enumName, view);
                return Make(integer, read, integer, view);
            }
            case FieldKind.Bool:
                return Make("bool", $"_layout.ReadBool(_record, {k})", "bool", view);
            case FieldKind.CharArray when field.ElementCount > 0:
                return Make(CSharpTypes.KernelString, $"_layout.CharArray(_record, {k})", "string", view + ".ToString()");
            case FieldKind.CharArray:
                return Make(CSharpTypes.KernelString, $"new {CSharpTypes.KernelString}(_layout.Bytes(_record, {k}))", "string", view + ".ToString()");
            case FieldKind.FixedArray:
            {
                string element = CSharpTypes.ArrayElement(field);
                string type = $"{CSharpTypes.Span}<{element}>";
                return Make(type, $"_layout.Array<{element}>(_record, {k})", type, view);
            }
            case FieldKind.DynamicString:
                return Make(CSharpTypes.KernelString, $"_layout.DynamicString(_record, {k})", "string", view + ".ToString()");
            case FieldKind.DynamicArray:
            {
                string element = CSharpTypes.Integer(field.ElementSize, field.IsSigned) ?? "byte";
                string type = $"{CSharpTypes.Span}<{element}>";
                return Make(type, $"_layout.DynamicArray<{element}>(_record, {k})", type, view);
            }
            default:
            {
                string type = $"{CSharpTypes.Span}<byte>";
                return Make(type, $"_layout.Bytes(_record, {k})", type, view);
            }
        }
    }
}
