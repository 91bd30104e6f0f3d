using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>
/// The text of an event whose print fmt cannot be reproduced: each non-common field as
/// <c>name=value</c>, numbers in decimal, addresses in hex, strings as they are.
/// </summary>
internal static class FieldListFormatter
{
    public static void Write(SourceWriter output, TracepointSchema schema)
    {
        bool first = true;
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.IsCommon)
                continue;
            string separator = first ? "" : " ";
            first = false;
            output.Line($"w.Literal({CSharpNames.StringLiteral(separator + field.Name + "=")});");
            string offset = field.Offset.ToString(CultureInfo.InvariantCulture);
            string size = field.Size.ToString(CultureInfo.InvariantCulture);
            string relative = field.Location == DynamicLocation.RelLoc ? "true" : "false";
            string reader = CSharpTypes.RecordReader;
            switch (field.Kind)
            {
                case FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool:
                {
                    string type = CSharpTypes.Integer(field.Size, field.IsSigned)!;
                    char conversion = field.IsSigned ? 'd' : 'u';
                    output.Line($"w.Integer(unchecked((ulong){reader}.Read<{type}>(_record, {offset})), new {CSharpTypes.FormatSpec}(default, -1, -1, {(field.Size > 4 ? 8 : 4).ToString(CultureInfo.InvariantCulture)}, '{conversion}'));");
                    break;
                }
                case FieldKind.Pointer:
                    output.Line($"w.Hex0x(unchecked((ulong){reader}.Read<{CSharpTypes.Integer(field.Size, false)}>(_record, {offset})));");
                    break;
                case FieldKind.CharArray when field.ElementCount > 0:
                    output.Line($"w.String({reader}.CharArray(_record, {offset}, {size}).Utf8, default);");
                    break;
                case FieldKind.DynamicString:
                    output.Line($"w.String({reader}.DynamicString(_record, {offset}, {relative}).Utf8, default);");
                    break;
                case FieldKind.DynamicArray:
                {
                    string element = field.ElementSize.ToString(CultureInfo.InvariantCulture);
                    output.Line($"w.Array({reader}.Dynamic(_record, {offset}, {relative}, out _), int.MaxValue, {element});");
                    break;
                }
                case FieldKind.FixedArray or FieldKind.CharArray when field.ElementCount == 0:
                    output.Line($"w.Array({reader}.Tail(_record, {offset}), int.MaxValue, {field.ElementSize.ToString(CultureInfo.InvariantCulture)});");
                    break;
                case FieldKind.FixedArray:
                    output.Line($"w.Array({reader}.Bytes(_record, {offset}, {size}), {field.ElementCount.ToString(CultureInfo.InvariantCulture)}, {field.ElementSize.ToString(CultureInfo.InvariantCulture)});");
                    break;
                default:
                    output.Line($"w.Hex({reader}.Bytes(_record, {offset}, {size}), false);");
                    break;
            }
        }
    }
}
