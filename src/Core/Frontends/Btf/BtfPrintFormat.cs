using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Frontends.Btf;

/// <summary>
/// BTF holds no print fmt. For a schema read from BTF alone, this writes one from the fields:
/// <c>name=value</c> for each, with enum values named as the kernel's own print fmts name them
/// (the enumerators without their common prefix: <c>SKB_DROP_REASON_NO_SOCKET</c> prints as
/// <c>NO_SOCKET</c>). The text is TpGen's, not the kernel's; written into a format file it carries
/// the enum names to the generator, which makes the same enum a tracefs build makes.
/// </summary>
public static class BtfPrintFormat
{
    /// <summary>Says that a schema's print fmt was made from its fields.</summary>
    public const string Synthesized = "the print fmt is TpGen's field list (BTF has none): ToString prints each field as name=value";

    /// <summary><paramref name="schema"/> with a print fmt made from its fields, or unchanged when it already has one.</summary>
    public static TracepointSchema WithFieldList(TracepointSchema schema)
    {
        if (schema.PrintFmt is not null)
            return schema;
        var format = new StringBuilder();
        var arguments = new List<string>();
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.IsCommon || Conversion(field, schema, out string argument) is not { } conversion)
                continue;
            format.Append(format.Length == 0 ? "" : " ").Append(field.Name).Append('=').Append(conversion);
            arguments.Add(argument);
        }
        string text = "\"" + format + "\"" + (arguments.Count == 0 ? "" : ", " + string.Join(", ", arguments));
        if (!PrintFmtParser.TryParse(text, out PrintFormat print, out _, out string error))
            throw new InvalidOperationException($"the print fmt made for {schema.FullName} does not parse: {error}");
        return schema with { PrintFmt = text, Print = print, PrintProblem = null };
    }

    /// <summary>
    /// Names for an enum's values as print fmts write them: the longest prefix nearly every
    /// enumerator shares (<c>SKB_DROP_REASON_</c>, <c>SK_RST_REASON_</c>) is dropped where it
    /// leaves a name. The kernel's <c>{ SKB_DROP_REASON_##x, #x }</c> tables strip the enum's own
    /// prefix; a longer one that only a part shares (<c>SK_RST_REASON_TCP_</c>) is a group of
    /// values, not the enum's prefix, and a few enumerators outside it (<c>SKB_NOT_DROPPED_YET</c>)
    /// keep their whole names.
    /// </summary>
    public static IReadOnlyList<string> ShortNames(IReadOnlyList<string> names)
    {
        if (names is null)
            throw new ArgumentNullException(nameof(names));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            for (int i = name.IndexOf('_'); i > 0 && i < name.Length - 1; i = name.IndexOf('_', i + 1))
            {
                string prefix = name.Substring(0, i + 1);
                counts[prefix] = counts.TryGetValue(prefix, out int count) ? count + 1 : 1;
            }
        }
        string best = "";
        foreach (KeyValuePair<string, int> candidate in counts)
        {
            if (candidate.Value * 5 >= names.Count * 4 && candidate.Value >= 2 && candidate.Key.Length > best.Length)
                best = candidate.Key;
        }
        var shortNames = new List<string>(names.Count);
        foreach (string name in names)
        {
            string rest = best.Length > 0 && name.StartsWith(best, StringComparison.Ordinal) ? name.Substring(best.Length) : name;
            shortNames.Add(rest.Length > 0 && !char.IsDigit(rest[0]) ? rest : name);
        }
        return shortNames;
    }

    private static string? Conversion(FieldSpec field, TracepointSchema schema, out string argument)
    {
        string field_ = "REC->" + field.Name;
        argument = field_;
        switch (field.Kind)
        {
            case FieldKind.Enum when FieldSymbols.FindEnum(schema, field) is { } spec:
                argument = Symbolic(field_, spec);
                return "%s";
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool:
                return (field.Size > 4 ? "%ll" : "%") + (field.IsSigned ? "d" : "u");
            case FieldKind.Pointer:
                return "%p";
            case FieldKind.CharArray when field.ElementCount > 0:
                return "%s";
            case FieldKind.DynamicString:
                argument = $"__get_str({field.Name})";
                return "%s";
            case FieldKind.DynamicArray when field.ElementSize is 1 or 2 or 4 or 8:
                string size = field.ElementSize.ToString(CultureInfo.InvariantCulture);
                argument = $"__print_array(__get_dynamic_array({field.Name}), __get_dynamic_array_len({field.Name}) / {size}, {size})";
                return "%s";
            case FieldKind.FixedArray when field.ElementCount > 0 && field.ElementSize is 1 or 2 or 4 or 8:
                argument = $"__print_array({field_}, {field.ElementCount.ToString(CultureInfo.InvariantCulture)}, {field.ElementSize.ToString(CultureInfo.InvariantCulture)})";
                return "%s";
            default:
                return null;
        }
    }

    private static string Symbolic(string value, EnumSpec spec)
    {
        var names = new List<string>();
        foreach (EnumMember member in spec.Members)
            names.Add(member.Name);
        IReadOnlyList<string> shortNames = ShortNames(names);
        var text = new StringBuilder("__print_symbolic(").Append(value);
        for (int i = 0; i < spec.Members.Count; i++)
            text.Append(", { ").Append(spec.Members[i].Value.ToString(CultureInfo.InvariantCulture)).Append(", \"").Append(shortNames[i]).Append("\" }");
        return text.Append(')').ToString();
    }
}
