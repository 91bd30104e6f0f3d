using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Schema;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Writes a schema in the tracefs format grammar, the interchange form every frontend can
/// produce: snapshots in a project's Tracepoints/ folder are such files, and
/// <see cref="FormatFileReader"/> reads back exactly the same schema.
/// </summary>
public static class FormatFileWriter
{
    /// <summary>The format file text of <paramref name="schema"/>.</summary>
    public static string Write(TracepointSchema schema)
    {
        var common = new List<FormatFieldLine>();
        var others = new List<FormatFieldLine>();
        foreach (FieldSpec field in schema.Fields)
            (field.IsCommon ? common : others).Add(new FormatFieldLine(Declaration(field), field.Offset, field.Size, field.IsSigned));
        int id = schema.Id < 0 ? 0 : schema.Id;
        // A blank line ends the common fields when they come first, as the kernel prints them. A
        // schema read from a file without one (common fields known by name) may have none, or have
        // them anywhere: then no blank line at all, and the reader tells them by name again.
        if (CommonFieldsLead(schema))
            return Write(schema.Name, id, common, others, schema.PrintFmt);

        StringBuilder text = Header(schema.Name, id);
        foreach (FieldSpec field in schema.Fields)
            Append(text, new FormatFieldLine(Declaration(field), field.Offset, field.Size, field.IsSigned));
        if (schema.PrintFmt is not null)
            text.Append("print fmt: ").Append(schema.PrintFmt).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// The format file text of an event given line by line, as the kernel's <c>f_show</c> prints
    /// it: the common fields, a blank line, the event's fields, a blank line, the print fmt.
    /// </summary>
    /// <param name="name">The event's name.</param>
    /// <param name="id">The event's id (0 when it is not known).</param>
    /// <param name="commonFields">The fields every event shares (<c>common_type</c>, ...).</param>
    /// <param name="fields">The event's own fields.</param>
    /// <param name="printFmt">The print fmt as tracefs prints it, or null for none.</param>
    public static string Write(string name, int id, IEnumerable<FormatFieldLine> commonFields, IEnumerable<FormatFieldLine> fields, string? printFmt)
    {
        StringBuilder text = Header(name, id);
        foreach (FormatFieldLine field in commonFields)
            Append(text, field);
        text.Append('\n');
        foreach (FormatFieldLine field in fields)
            Append(text, field);
        text.Append('\n');
        if (printFmt is not null)
            text.Append("print fmt: ").Append(printFmt).Append('\n');
        return text.ToString();
    }

    private static StringBuilder Header(string name, int id) =>
        new StringBuilder().Append("name: ").Append(name).Append('\n')
            .Append("ID: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("format:\n");

    private static void Append(StringBuilder text, FormatFieldLine field) =>
        text.Append("\tfield:").Append(field.Declaration).Append(';')
            .Append("\toffset:").Append(field.Offset.ToString(CultureInfo.InvariantCulture)).Append(';')
            .Append("\tsize:").Append(field.Size.ToString(CultureInfo.InvariantCulture)).Append(';')
            .Append("\tsigned:").Append(field.IsSigned ? '1' : '0').Append(";\n");

    // Whether the schema starts with at least one common field and has none after the first other field.
    private static bool CommonFieldsLead(TracepointSchema schema)
    {
        if (schema.Fields.Count == 0 || !schema.Fields[0].IsCommon)
            return false;
        bool common = true;
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.IsCommon && !common)
                return false;
            common = field.IsCommon;
        }
        return true;
    }

    /// <summary>The declaration as tracefs prints it: the type with the name placed before any fixed array suffix.</summary>
    public static string Declaration(FieldSpec field)
    {
        string type = field.Type.Text;
        if (field.Location == DynamicLocation.None && field.Type.ArrayLength is not null)
        {
            int bracket = type.IndexOf('[');
            if (bracket >= 0)
                return type.Substring(0, bracket).TrimEnd() + " " + field.Name + type.Substring(bracket);
        }
        return type + " " + field.Name;
    }
}

/// <summary>One <c>field:</c> line of a format file.</summary>
/// <param name="Declaration">The declaration as tracefs prints it, e.g. <c>char comm[16]</c>.</param>
/// <param name="Offset">The field's offset in the record, in bytes.</param>
/// <param name="Size">The field's size in bytes.</param>
/// <param name="IsSigned">Whether the kernel says it is signed.</param>
public readonly record struct FormatFieldLine(string Declaration, int Offset, int Size, bool IsSigned);
