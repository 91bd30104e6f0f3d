using System;
using System.Collections.Generic;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Tests.Support;

/// <summary>
/// What every schema a reader accepts must satisfy, whatever the input was: the emitters and
/// decoders rely on these, so a reader that lets one through has a bug.
/// </summary>
internal static class SchemaInvariants
{
    /// <summary>The ways <paramref name="schema"/> is not self-consistent; empty when it is.</summary>
    public static List<string> Violations(TracepointSchema schema)
    {
        var problems = new List<string>();
        if (!IsIdentifier(schema.System))
            problems.Add($"system '{schema.System}' is not an identifier");
        if (!IsIdentifier(schema.Name))
            problems.Add($"name '{schema.Name}' is not an identifier");
        if (schema.Id is < -1 or > ushort.MaxValue)
            problems.Add($"id {schema.Id} is not -1 or 0..65535");
        if (schema.Fields.Count == 0)
            problems.Add("no fields");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldSpec field in schema.Fields)
        {
            string at = $"field '{field.Name}' (offset {field.Offset}, size {field.Size}, {field.Kind})";
            if (!IsIdentifier(field.Name))
                problems.Add($"{at}: the name is not an identifier");
            if (!names.Add(field.Name))
                problems.Add($"{at}: defined twice");
            if (field.Offset < 0 || field.Size < 0 || (long)field.Offset + field.Size > FormatFileReader.MaxRecordSize)
                problems.Add($"{at}: lies outside 0..{FormatFileReader.MaxRecordSize}");
            if (field.ElementSize <= 0)
                problems.Add($"{at}: element size {field.ElementSize}");
            switch (field.Kind)
            {
                case FieldKind.DynamicString or FieldKind.DynamicArray:
                    if (field.Size != 4)
                        problems.Add($"{at}: a dynamic field's location word is 4 bytes");
                    if (field.Location == DynamicLocation.None)
                        problems.Add($"{at}: a dynamic field without __data_loc or __rel_loc");
                    break;
                case FieldKind.FixedArray or FieldKind.CharArray:
                    if (field.Location != DynamicLocation.None)
                        problems.Add($"{at}: a fixed array with a dynamic location");
                    if (field.ElementCount < 0)
                        problems.Add($"{at}: {field.ElementCount} elements");
                    else if (field.ElementCount > 0 && (long)field.ElementCount * field.ElementSize != field.Size)
                        problems.Add($"{at}: {field.ElementCount} elements of {field.ElementSize} bytes are not {field.Size} bytes");
                    break;
                case FieldKind.Scalar or FieldKind.Bool or FieldKind.Enum or FieldKind.Pointer:
                    if (field.Size is not (1 or 2 or 4 or 8))
                        problems.Add($"{at}: a number of {field.Size} bytes");
                    if (field.ElementCount != 1 || field.ElementSize != field.Size)
                        problems.Add($"{at}: a number with {field.ElementCount} elements of {field.ElementSize} bytes");
                    if (field.Location != DynamicLocation.None)
                        problems.Add($"{at}: a number with a dynamic location");
                    break;
                case FieldKind.Opaque:
                    if (field.Location != DynamicLocation.None)
                        problems.Add($"{at}: an opaque field with a dynamic location");
                    break;
            }
        }

        var sorted = schema.Fields.Where(f => f.Size > 0).OrderBy(f => f.Offset).ThenBy(f => f.Size).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Offset < sorted[i - 1].Offset + sorted[i - 1].Size)
                problems.Add($"field '{sorted[i].Name}' (offset {sorted[i].Offset}) overlaps '{sorted[i - 1].Name}' (offset {sorted[i - 1].Offset}, size {sorted[i - 1].Size})");
        }
        if (schema.FixedSize > FormatFileReader.MaxRecordSize)
            problems.Add($"fixed part of {schema.FixedSize} bytes");

        if (schema.Print is { } print)
        {
            if (schema.PrintProblem is not null)
                problems.Add("a parsed print fmt and a print problem");
            foreach (string used in PrintExprWalker.ReferencedFields(print))
            {
                if (!names.Contains(used))
                    problems.Add($"the print fmt uses field '{used}', which the schema lacks");
            }
            int needed = print.Segments.Where(s => s.Conversion is not null).Sum(s => s.Conversion!.ArgumentCount);
            if (needed != print.Arguments.Count)
                problems.Add($"the print fmt's format needs {needed} arguments but has {print.Arguments.Count}");
        }
        else if (schema.PrintFmt is not null && schema.PrintProblem is null)
        {
            problems.Add("an unparsed print fmt without a problem that says why");
        }
        return problems;
    }

    /// <summary>A C identifier: the only names tracefs gives systems, events and fields.</summary>
    public static bool IsIdentifier(string text) => Identifier.IsMatch(text);

    private static readonly System.Text.RegularExpressions.Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_]*\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
