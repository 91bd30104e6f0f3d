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
        for (int index = 0; index < schema.Fields.Count; index++)
        {
            FieldSpec field = schema.Fields[index];
            if (field.IsCommon)
                continue;
            string separator = first ? "" : " ";
            first = false;
            output.Line($"w.Literal({CSharpNames.StringLiteral(separator + field.Name + "=")});");
            // Every value comes through the layout: as the kernel that wrote the record lays it out.
            string k = index.ToString(CultureInfo.InvariantCulture);
            switch (field.Kind)
            {
                case FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool:
                {
                    char conversion = field.IsSigned ? 'd' : 'u';
                    output.Line($"w.Integer(_layout.ReadRaw(_record, {k}), new {CSharpTypes.FormatSpec}(default, -1, -1, {(field.Size > 4 ? 8 : 4).ToString(CultureInfo.InvariantCulture)}, '{conversion}'));");
                    break;
                }
                case FieldKind.Pointer:
                    output.Line($"w.Hex0x(_layout.ReadRaw(_record, {k}));");
                    break;
                case FieldKind.CharArray when field.ElementCount > 0:
                    output.Line($"w.String(_layout.CharArray(_record, {k}).Utf8, default);");
                    break;
                case FieldKind.DynamicString:
                    output.Line($"w.String(_layout.DynamicString(_record, {k}).Utf8, default);");
                    break;
                case FieldKind.DynamicArray:
                    output.Line($"w.Array(_layout.Dynamic(_record, {k}, out _), int.MaxValue, {field.ElementSize.ToString(CultureInfo.InvariantCulture)});");
                    break;
                case FieldKind.FixedArray or FieldKind.CharArray when field.ElementCount == 0:
                    output.Line($"w.Array(_layout.Bytes(_record, {k}), int.MaxValue, {field.ElementSize.ToString(CultureInfo.InvariantCulture)});");
                    break;
                case FieldKind.FixedArray:
                    output.Line($"w.Array(_layout.Bytes(_record, {k}), {field.ElementCount.ToString(CultureInfo.InvariantCulture)}, {field.ElementSize.ToString(CultureInfo.InvariantCulture)});");
                    break;
                default:
                    output.Line($"w.Hex(_layout.Bytes(_record, {k}), false);");
                    break;
            }
        }
    }
}
