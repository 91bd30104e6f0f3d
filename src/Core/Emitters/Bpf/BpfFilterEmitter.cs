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
/// unwanted events never leave the kernel. Fields are read where the running kernel puts them and
/// named constants have the running kernel's values (both from <c>tpgen_config</c>, set at load),
/// so the compiled filter fits every kernel. The C is built from slots and numeric constants only:
/// string constants become byte comparisons, so no filter text reaches C.
/// </summary>
internal static class BpfFilterEmitter
{
    public static string FunctionName(int index) => "tpgen_filter_" + index.ToString(CultureInfo.InvariantCulture);

    public static void Write(SourceWriter output, FilterExpr filter, int index, BpfConfigLayout config)
    {
        var locals = new SourceWriter();
        var state = new State(index, config);
        string condition = Expression(filter, locals, state);

        output.Open($"static __always_inline int {FunctionName(index)}(void *ctx, __u64 pid_tgid)");
        string declarations = locals.ToString();
        if (declarations.Length > 0)
            output.Line(declarations.TrimEnd('\n'));
        output.Line($"return {condition};");
        output.Close();
        output.Line();
    }

    private sealed class State(int index, BpfConfigLayout config)
    {
        public int Index { get; } = index;

        public BpfConfigLayout Config { get; } = config;

        public int Strings { get; set; }
    }

    private static string Expression(FilterExpr filter, SourceWriter locals, State state) => filter switch
    {
        AndFilter and => $"({Expression(and.Left, locals, state)} && {Expression(and.Right, locals, state)})",
        OrFilter or => $"({Expression(or.Left, locals, state)} || {Expression(or.Right, locals, state)})",
        NotFilter not => $"!{Expression(not.Operand, locals, state)}",
        CompareFilter compare => Compare(compare, state),
        StringFilter text => Match(text, locals, state),
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
            value = "(__s64)(__s32)pid_tgid";
            signed = true;
        }
        else if (field.Name == "common_type")
        {
            value = $"(__u64)tpgen_config.events[{Number(state.Index)}].id";
            signed = false;
        }
        else
        {
            string read = $"tpgen_field(ctx, {Number(state.Config.FieldSlot(state.Index, field.Name))})";
            value = signed ? $"(__s64){read}" : read;
        }

        string constant;
        string? valid = null;
        if (compare.Symbol is { } symbol)
        {
            // A name: the running kernel's value, and whether it has the name at all.
            string slot = Number(state.Config.SymbolSlot(state.Index, field.Name, symbol));
            constant = signed ? $"(__s64)tpgen_config.constants[{slot}]" : $"tpgen_config.constants[{slot}]";
            valid = $"tpgen_config.valid[{slot}]";
        }
        else
        {
            constant = signed ? SignedLiteral(unchecked((long)compare.Value)) : compare.Value.ToString(CultureInfo.InvariantCulture) + "ULL";
        }

        string test = compare.Operator switch
        {
            FilterOperator.Equal => $"{value} == {constant}",
            FilterOperator.NotEqual => $"{value} != {constant}",
            FilterOperator.Less => $"{value} < {constant}",
            FilterOperator.LessOrEqual => $"{value} <= {constant}",
            FilterOperator.Greater => $"{value} > {constant}",
            FilterOperator.GreaterOrEqual => $"{value} >= {constant}",
            _ => $"((__u64){value} & (__u64){constant}) != 0",
        };
        if (valid is null)
            return $"({test})";
        // A name this kernel lacks names no value: it equals nothing, and differs from everything.
        return compare.Operator == FilterOperator.NotEqual ? $"(!{valid} || {test})" : $"({valid} && {test})";
    }

    // The field's string, copied onto the stack, then matched byte by byte at the place the filter asks.
    private static string Match(StringFilter text, SourceWriter locals, State state)
    {
        EquatableArray<byte> value = text.Value;
        string name = "match_" + Number(state.Strings++);
        // Room for what the match must see, and a NUL: a whole match one byte more than the value (so a
        // longer string is seen to be longer), a prefix the value, a suffix or infix the longest string compared.
        int room = text.Match switch
        {
            StringMatch.Whole => value.Count + 2,
            StringMatch.Prefix => value.Count + 1,
            _ => FilterParser.MaxStringBytes + 1,
        };
        locals.Line($"int {name} = 0;");
        locals.Open("");
        locals.Line($"__u8 bytes[{Number(room)}];");
        // The current task's command comes from a helper; any other string from the record.
        string read = FilterParser.IsComm(text.Field)
            ? "tpgen_comm(bytes, sizeof(bytes))"
            : $"tpgen_string(ctx, {Number(state.Config.FieldSlot(state.Index, text.Field.Name))}, bytes, sizeof(bytes))";
        locals.Line($"int length = {read};");
        switch (text.Match)
        {
            case StringMatch.Whole:
                locals.Line($"{name} = length == {Number(value.Count)}{Bytes(value, 0, text.AnyCharacter)};");
                break;
            case StringMatch.Prefix:
                locals.Line($"{name} = length >= {Number(value.Count)}{Bytes(value, 0, text.AnyCharacter)};");
                break;
            default:
                // Every place the value could start; the verifier sees constant offsets only.
                var places = new List<string>();
                for (int start = 0; start + value.Count <= room - 1; start++)
                {
                    string where = text.Match == StringMatch.Suffix
                        ? $"length == {Number(start + value.Count)}"
                        : $"length >= {Number(start + value.Count)}";
                    places.Add($"({where}{Bytes(value, start, text.AnyCharacter)})");
                }
                locals.Line($"{name} = {(places.Count == 0 ? "0" : string.Join(" ||\n    ", places))};");
                break;
        }
        locals.Close();
        return text.Equal ? name : "!" + name;
    }

    private static string Bytes(EquatableArray<byte> value, int offset, bool anyCharacter)
    {
        var tests = new StringBuilder();
        for (int i = 0; i < value.Count; i++)
        {
            if (anyCharacter && value[i] == (byte)'?')
                continue;
            tests.Append($" && bytes[{Number(offset + i)}] == {value[i].ToString(CultureInfo.InvariantCulture)}");
        }
        return tests.ToString();
    }

    private static string SignedLiteral(long value) =>
        value == long.MinValue ? "(-9223372036854775807LL - 1)" : value.ToString(CultureInfo.InvariantCulture) + "LL";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
