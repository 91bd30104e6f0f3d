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
        var text = new StringBuilder();
        text.Append("name: ").Append(schema.Name).Append('\n');
        text.Append("ID: ").Append((schema.Id < 0 ? 0 : schema.Id).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("format:\n");
        // A blank line ends the common fields when they come first, as the kernel prints them. A
        // schema read from a file without one (common fields known by name) may have none, or have
        // them anywhere: then no blank line at all, and the reader tells them by name again.
        bool separate = CommonFieldsLead(schema);
        bool inCommon = true;
        foreach (FieldSpec field in schema.Fields)
        {
            if (separate && inCommon && !field.IsCommon)
            {
                text.Append('\n');
                inCommon = false;
            }
            text.Append("\tfield:").Append(Declaration(field)).Append(';')
                .Append("\toffset:").Append(field.Offset.ToString(CultureInfo.InvariantCulture)).Append(';')
                .Append("\tsize:").Append(field.Size.ToString(CultureInfo.InvariantCulture)).Append(';')
                .Append("\tsigned:").Append(field.IsSigned ? '1' : '0').Append(";\n");
        }
        if (separate)
            text.Append('\n');
        if (schema.PrintFmt is not null)
            text.Append("print fmt: ").Append(schema.PrintFmt).Append('\n');
        return text.ToString();
    }

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
