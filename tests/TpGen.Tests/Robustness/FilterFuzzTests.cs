using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CsCheck;
using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// The filter language on generated and mutated filters against real events: a filter is bound to
/// the event or rejected with a <see cref="FilterException"/> that points at a column, and a bound
/// filter compares only the event's own fields with constants that fit them.
/// </summary>
public sealed class FilterFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<TracepointSchema[]> s_schemas = new(() => FormatMutations.Seeds
        .Select(seed => FormatFileReader.Read(seed.Text, seed.System, seed.ToString(), seed.Name).Schema)
        .Where(schema => schema is not null)
        .Select(schema => schema!)
        .ToArray());

    /// <summary>What a filter is made of: pieces that fit the event, pieces that do not, and junk.</summary>
    private static readonly string[] Operators = { "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "(", ")", "=", "&", "|", "<<", "!==", "=>" };

    private static readonly string[] Junk =
    {
        ";", "/*", "*/", "//", "'", "`", "$", "#", "\\", "\0", "\n", "\t", "\r", "é", "\u202e", "\uFEFF", "\uD800", "\U0001F600", "{", "}", "[", "]",
        "REC->", "->", ".", ",", "?", ":", "%s", "0x", "-", "--", "+", "*", "system(\"reboot\")", "\"; rm -rf /; \"", "$(reboot)", "`id`",
        "__asm__(\"\")", "#include <x>", "*/ int x; /*", "\"\\\"\"", "\"\\", "\"\\x41\"", "\"\\0\"", "NULL", "sizeof(int)", "1.5", "1e3", "0b1",
    };

    [Fact]
    public async Task GeneratedFilters_AreBoundToTheEventOrRejectedAtAColumn_Never_Anything_Else()
    {
        TracepointSchema[] schemas = s_schemas.Value;
        output.WriteLine($"{schemas.Length} events");
        long bound = 0;
        Gen<(int Schema, (int Kind, int Value)[] Pieces, Mutation[] Edits)> cases = Gen.Select(
            Gen.Int[0, schemas.Length - 1],
            Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue]).Array[2, 24],
            FormatMutations.Edit.Array[0, 2]);

        long count = await Fuzzing.CheckAsync(
            cases,
            input =>
            {
                TracepointSchema schema = schemas[input.Schema];
                if (Check(schema, Filter(schema, input.Pieces, input.Edits)))
                    System.Threading.Interlocked.Increment(ref bound);
            },
            Fuzzing.Cases(20_000, 1_000_000),
            Fuzzing.PerCaseLimit,
            input => $"{schemas[input.Schema].FullName}: '{Fuzzing.Shorten(Filter(schemas[input.Schema], input.Pieces, input.Edits), 1000)}'",
            output,
            "filter parser");

        output.WriteLine($"{bound} of {count} filters were bound to their event");
        Assert.True(bound > count / 50, "the generated filters should often be valid");
    }

    // Inputs the fuzzing found that broke a property, cut down by hand: regression cases.

    /// <summary>Parses <paramref name="filter"/> for <paramref name="schema"/>; true when it was bound.</summary>
    internal static bool Check(TracepointSchema schema, string filter)
    {
        FilterExpr expression;
        try
        {
            expression = FilterParser.Parse(filter, schema);
        }
        catch (FilterException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            Assert.InRange(e.Column, 1, Math.Max(1, filter.Length + 1));
            Assert.Contains("^", e.Pointer);
            return false;
        }

        var pending = new Stack<FilterExpr>([expression]);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case AndFilter and:
                    pending.Push(and.Left);
                    pending.Push(and.Right);
                    break;
                case OrFilter or:
                    pending.Push(or.Left);
                    pending.Push(or.Right);
                    break;
                case NotFilter not:
                    pending.Push(not.Operand);
                    break;
                case CompareFilter compare:
                    Assert.Contains(compare.Field, schema.Fields);
                    Assert.True(compare.Field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool or FieldKind.Pointer, $"{compare.Field.Name} is {compare.Field.Kind}");
                    Assert.True(!compare.Field.IsCommon || compare.Field.Name is "common_pid" or "common_type", compare.Field.Name);
                    Assert.True(Fits(compare.Field, compare.Value), $"{compare.Value:X} does not fit {compare.Field.Name} ({compare.Field.Size} bytes, signed {compare.Field.IsSigned})");
                    break;
                case StringFilter text:
                    Assert.Contains(text.Field, schema.Fields);
                    Assert.True(text.Field.Kind is FieldKind.DynamicString || text.Field.Kind is FieldKind.CharArray && text.Field.ElementCount > 0, $"{text.Field.Name} is {text.Field.Kind}");
                    Assert.InRange(text.Value.Count, 0, FilterParser.MaxStringBytes);
                    Assert.DoesNotContain((byte)0, text.Value.AsSpan().ToArray());
                    break;
                default:
                    Assert.Fail("unknown filter node");
                    break;
            }
        }

        // What tpgen trace does with it.
        string c = BpfEmitter.Emit("Fuzz.Probe", [schema], null, [expression]);
        Assert.Contains("tpgen_filter_0", c);
        return true;
    }

    private static bool Fits(FieldSpec field, ulong value)
    {
        if (field.Kind == FieldKind.Pointer || field.Size == 8)
            return true;
        int bits = field.Size * 8;
        if (!field.IsSigned)
            return value < 1UL << bits;
        long signed = unchecked((long)value);
        return signed >= -(1L << (bits - 1)) && signed < 1L << (bits - 1);
    }

    /// <summary>
    /// A filter from a tape of random numbers: mostly the grammar (comparisons of the event's fields
    /// with constants of their kind, joined with ! &amp;&amp; || and parentheses), sometimes a wrong piece
    /// (a number for a string, a junk token, an unknown name), then up to two edits of the text.
    /// </summary>
    internal static string Filter(TracepointSchema schema, (int Kind, int Value)[] pieces, Mutation[] edits)
    {
        var tape = new Tape(pieces);
        var text = new StringBuilder();
        Expression(schema, tape, text, depth: 0);
        return FormatMutations.Apply(text.ToString(), edits);
    }

    private sealed class Tape((int Kind, int Value)[] pieces)
    {
        private int _next;

        public (int Kind, int Value) Next() => pieces[_next++ % pieces.Length];

        public bool Exhausted => _next >= pieces.Length;
    }

    private static void Expression(TracepointSchema schema, Tape tape, StringBuilder text, int depth)
    {
        (int kind, int value) = tape.Next();
        if (depth > 40 || tape.Exhausted)
            kind = 0;
        switch (kind)
        {
            case 0 or 1 or 2 or 3:
                Comparison(schema, tape, text);
                break;
            case 4:
                text.Append('!');
                Expression(schema, tape, text, depth + 1);
                break;
            case 5:
                text.Append('(');
                Expression(schema, tape, text, depth + 1);
                if (value % 8 != 0)
                    text.Append(')');
                break;
            case 6 or 7:
                Expression(schema, tape, text, depth + 1);
                text.Append(value % 2 == 0 ? " && " : " || ");
                Expression(schema, tape, text, depth + 1);
                break;
            case 8:
                text.Append(Junk[value % Junk.Length]);
                Expression(schema, tape, text, depth + 1);
                break;
            default:
                text.Append(new string('(', 1 + value % 80)).Append(value % 3 == 0 ? "" : " ");
                Comparison(schema, tape, text);
                text.Append(new string(')', 1 + value % 80));
                break;
        }
    }

    private static void Comparison(TracepointSchema schema, Tape tape, StringBuilder text)
    {
        (int kind, int value) = tape.Next();
        FieldSpec field = schema.Fields[value % schema.Fields.Count];
        string name = kind == 9 ? "nope" : field.Name;
        string op = kind == 8 ? Operators[value % Operators.Length] : Operators[value % 6];
        bool isString = field.Kind is FieldKind.CharArray or FieldKind.DynamicString;
        (int constantKind, int constantValue) = tape.Next();
        string[] symbols = Symbols(schema);
        string constant = constantKind switch
        {
            0 or 1 or 2 when isString => StringLiteral(constantValue),
            0 or 1 or 2 => Number(constantValue),
            3 when symbols.Length > 0 => symbols[constantValue % symbols.Length],
            4 => StringLiteral(constantValue),
            5 => Number(constantValue),
            6 => schema.Fields[constantValue % schema.Fields.Count].Name,
            7 => Junk[constantValue % Junk.Length],
            _ => isString ? StringLiteral(constantValue) : Number(constantValue),
        };
        // Either order: a constant on the left is mirrored.
        if (constantValue % 5 == 0)
            text.Append(constant).Append(' ').Append(op).Append(' ').Append(name);
        else
            text.Append(name).Append(constantValue % 7 == 0 ? "" : " ").Append(op).Append(' ').Append(constant);
    }

    private static string Number(int value) => (value % 4) switch
    {
        0 => FormatMutations.Numbers[value / 4 % FormatMutations.Numbers.Length],
        1 => (value / 4 % 300 - 150).ToString(CultureInfo.InvariantCulture),
        2 => "0x" + ((ulong)value * 2654435761UL).ToString("x", CultureInfo.InvariantCulture),
        _ => ((ulong)value << (value % 40)).ToString(CultureInfo.InvariantCulture),
    };

    private static string StringLiteral(int value)
    {
        string[] contents = { "", "bash", "a\\\"b", "\\n\\t\\\\", "\\q", "é", "\0", new string('x', 128), new string('y', 129), "\\", "\"", "/usr/bin/true", "lo" };
        string content = contents[value % contents.Length];
        return value / contents.Length % 5 == 0 ? "\"" + content : "\"" + content + "\"";
    }

    private static string[] Symbols(TracepointSchema schema) => schema.Print is null
        ? []
        : PrintExprWalker.SymbolTables(schema.Print).SelectMany(t => t.Entries).Select(e => e.Name).Distinct().Take(64).ToArray();
}
