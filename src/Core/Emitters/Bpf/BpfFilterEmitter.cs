using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Filters;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.Bpf;

/// <summary>
/// Writes a bound filter as a C function the handler calls before it reserves ring space, so
/// unwanted events never leave the kernel. The C is built from field offsets, sizes and numeric
/// constants only: string constants become byte comparisons, so no filter text reaches C.
/// </summary>
internal static class BpfFilterEmitter
{
    public static string FunctionName(int index) => "tpgen_filter_" + index.ToString(CultureInfo.InvariantCulture);

    public static void Write(SourceWriter output, FilterExpr filter, int index)
    {
        var locals = new SourceWriter();
        var state = new State(index);
        string condition = Expression(filter, locals, state);

        output.Open($"static __always_inline int {FunctionName(index)}(void *ctx)");
        if (state.UsesPid)
            output.Line("__u64 pid_tgid = bpf_get_current_pid_tgid();");
        string declarations = locals.ToString();
        if (declarations.Length > 0)
            output.Line(declarations.TrimEnd('\n'));
        output.Line($"return {condition};");
        output.Close();
        output.Line();
    }

    private sealed class State(int index)
    {
        public int Index { get; } = index;

        public int Strings { get; set; }

        public bool UsesPid { get; set; }
    }

    private static string Expression(FilterExpr filter, SourceWriter locals, State state) => filter switch
    {
        AndFilter and => $"({Expression(and.Left, locals, state)} && {Expression(and.Right, locals, state)})",
        OrFilter or => $"({Expression(or.Left, locals, state)} || {Expression(or.Right, locals, state)})",
        NotFilter not => $"!{Expression(not.Operand, locals, state)}",
        CompareFilter compare => Compare(compare, state),
        StringFilter text => text.Field.Kind == FieldKind.CharArray ? CharArray(text) : DynamicString(text, locals, state),
        _ => throw new ArgumentException("unknown filter node " + filter.GetType().Name),
    };

    private static string Compare(CompareFilter compare, State state)
    {
        FieldSpec field = compare.Field;
        bool signed = field.IsSigned && field.Kind != FieldKind.Pointer;
        string value;
        if (field.Name == "common_pid")
        {
            // The first 8 bytes of the context are not the record: the pid comes from a helper.
            state.UsesPid = true;
            value = "(__s64)(__s32)pid_tgid";
            signed = true;
        }
        else if (field.Name == "common_type")
        {
            value = $"(__u64)tpgen_config.event_ids[{state.Index.ToString(CultureInfo.InvariantCulture)}]";
            signed = false;
        }
        else
        {
            string width = (field.Size * 8).ToString(CultureInfo.InvariantCulture);
            value = signed
                ? $"(__s64)*(__s{width} *)((__u8 *)ctx + {Number(field.Offset)})"
                : $"(__u64)*(__u{width} *)((__u8 *)ctx + {Number(field.Offset)})";
        }

        string constant = signed ? SignedLiteral(unchecked((long)compare.Value)) : compare.Value.ToString(CultureInfo.InvariantCulture) + "ULL";
        string op = compare.Operator switch
        {
            FilterOperator.Equal => "==",
            FilterOperator.NotEqual => "!=",
            FilterOperator.Less => "<",
            FilterOperator.LessOrEqual => "<=",
            FilterOperator.Greater => ">",
            _ => ">=",
        };
        return $"({value} {op} {constant})";
    }

    // char comm[16] == "bash": the bytes, then a NUL unless the string fills the array.
    private static string CharArray(StringFilter text)
    {
        FieldSpec field = text.Field;
        EquatableArray<byte> value = text.Value;
        string result;
        if (value.Count > field.ElementCount)
        {
            result = "0";
        }
        else
        {
            var tests = new List<string>();
            for (int i = 0; i < value.Count; i++)
                tests.Add($"*((__u8 *)ctx + {Number(field.Offset + i)}) == {value[i].ToString(CultureInfo.InvariantCulture)}");
            if (value.Count < field.ElementCount)
                tests.Add($"*((__u8 *)ctx + {Number(field.Offset + value.Count)}) == 0");
            result = "(" + string.Join(" && ", tests) + ")";
        }
        return text.Equal ? result : "!" + result;
    }

    // A dynamic string lies at a variable offset: read it onto the stack, then compare.
    private static string DynamicString(StringFilter text, SourceWriter locals, State state)
    {
        FieldSpec field = text.Field;
        EquatableArray<byte> value = text.Value;
        string name = "string_" + state.Strings++.ToString(CultureInfo.InvariantCulture);
        string relative = field.Location == DynamicLocation.RelLoc ? $" + {Number(field.Offset + 4)}" : "";
        locals.Line($"int {name};");
        locals.Open("");
        locals.Line($"__u32 location = *(__u32 *)((__u8 *)ctx + {Number(field.Offset)}); /* {field.Name} */");
        // The stored length counts the NUL.
        var tests = new StringBuilder($"(location >> 16) == {Number(value.Count + 1)}");
        if (value.Count > 0)
        {
            locals.Line($"__u8 bytes[{Number(value.Count)}];");
            tests.Append($" && bpf_probe_read_kernel(bytes, {Number(value.Count)}, (__u8 *)ctx + (location & 0xffff){relative}) == 0");
            for (int i = 0; i < value.Count; i++)
                tests.Append($" && bytes[{Number(i)}] == {value[i].ToString(CultureInfo.InvariantCulture)}");
        }
        locals.Line($"{name} = {tests};");
        locals.Close();
        return text.Equal ? name : "!" + name;
    }

    private static string SignedLiteral(long value) =>
        value == long.MinValue ? "(-9223372036854775807LL - 1)" : value.ToString(CultureInfo.InvariantCulture) + "LL";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
