using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;

namespace TpGen.Emitters.CSharp;

/// <summary>How one field appears in C#: its property name, type, and how it is read from the record.</summary>
/// <param name="Field">The kernel field.</param>
/// <param name="PropertyName">The property's C# name.</param>
/// <param name="ViewType">The property type on the zero-copy view.</param>
/// <param name="ViewRead">The expression that reads it from <c>_record</c>.</param>
/// <param name="OwnedType">The property type on the owned record.</param>
/// <param name="OwnedRead">The expression that produces it from <c>View</c>.</param>
internal sealed record FieldPlan(FieldSpec Field, string PropertyName, string ViewType, string ViewRead, string OwnedType, string OwnedRead);

/// <summary>How one event appears in C#: its type names and the plan of each field.</summary>
internal sealed class EventPlan
{
    /// <summary>Members the generated types define themselves; fields that would take one of these names get a suffix.</summary>
    public static readonly HashSet<string> ReservedMembers = new()
    {
        "Read", "TryRead", "TryFormat", "ToString", "Equals", "GetHashCode", "GetType", "Header", "Record",
        "ToRecord", "View", "FixedSize", "SystemName", "EventName", "FormatText", "RawRecord", "MemberwiseClone", "Finalize",
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
        foreach (FieldSpec field in schema.Fields)
        {
            string name = CSharpNames.ToPascalCase(field.Name);
            if (used.Contains(name))
                name += "Field";
            string unique = name;
            for (int i = 2; used.Contains(unique); i++)
                unique = name + i.ToString(CultureInfo.InvariantCulture);
            used.Add(unique);
            fields.Add(Plan(field, unique, enums.EnumFor(index, field.Name)));
        }
        return new EventPlan(schema, index, viewName, ownedName, fields);
    }

    private static FieldPlan Plan(FieldSpec field, string name, string? enumName)
    {
        string offset = field.Offset.ToString(CultureInfo.InvariantCulture);
        string size = field.Size.ToString(CultureInfo.InvariantCulture);
        string relative = field.Location == DynamicLocation.RelLoc ? "true" : "false";
        string reader = CSharpTypes.RecordReader;
        string view = "View." + name;

        switch (field.Kind)
        {
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer:
            {
                string integer = field.Kind == FieldKind.Pointer ? CSharpTypes.Integer(field.Size, false)! : CSharpTypes.Integer(field.Size, field.IsSigned)!;
                string read = $"{reader}.Read<{integer}>(_record, {offset})";
                if (enumName is not null)
                    return new FieldPlan(field, name, enumName, $"({enumName}){read}", enumName, view);
                return new FieldPlan(field, name, integer, read, integer, view);
            }
            case FieldKind.Bool:
                return new FieldPlan(field, name, "bool", $"{reader}.ReadBool(_record, {offset}, {size})", "bool", view);
            case FieldKind.CharArray when field.ElementCount > 0:
                return new FieldPlan(field, name, CSharpTypes.KernelString, $"{reader}.CharArray(_record, {offset}, {size})", "string", view + ".ToString()");
            case FieldKind.CharArray:
                return new FieldPlan(field, name, CSharpTypes.KernelString, $"new {CSharpTypes.KernelString}({reader}.Tail(_record, {offset}))", "string", view + ".ToString()");
            case FieldKind.FixedArray:
            {
                string element = CSharpTypes.ArrayElement(field);
                string type = $"{CSharpTypes.Span}<{element}>";
                string read = field.ElementCount > 0
                    ? $"{reader}.Array<{element}>(_record, {offset}, {size})"
                    : $"global::System.Runtime.InteropServices.MemoryMarshal.Cast<byte, {element}>({reader}.Tail(_record, {offset}))";
                return new FieldPlan(field, name, type, read, type, view);
            }
            case FieldKind.DynamicString:
                return new FieldPlan(field, name, CSharpTypes.KernelString, $"{reader}.DynamicString(_record, {offset}, {relative})", "string", view + ".ToString()");
            case FieldKind.DynamicArray:
            {
                string element = CSharpTypes.Integer(field.ElementSize, field.IsSigned) ?? "byte";
                string type = $"{CSharpTypes.Span}<{element}>";
                return new FieldPlan(field, name, type, $"{reader}.DynamicArray<{element}>(_record, {offset}, {relative})", type, view);
            }
            default:
            {
                string type = $"{CSharpTypes.Span}<byte>";
                return new FieldPlan(field, name, type, $"{reader}.Bytes(_record, {offset}, {size})", type, view);
            }
        }
    }
}
