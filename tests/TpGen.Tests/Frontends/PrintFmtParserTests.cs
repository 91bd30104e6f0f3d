using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using Xunit;

namespace TpGen.Tests.Frontends;

public sealed class PrintFmtParserTests
{
    private static PrintFormat Parse(string printFmt)
    {
        string text = "name: e\nID: 1\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n" +
                      "\tfield:unsigned int a;\toffset:8;\tsize:4;\tsigned:0;\n\tfield:__data_loc char[] s;\toffset:12;\tsize:4;\tsigned:1;\n\n" +
                      "print fmt: " + printFmt + "\n";
        FormatReadResult result = FormatFileReader.Read(text, "t", "t/e/format");
        Assert.NotNull(result.Schema);
        Assert.True(result.Schema!.Print is not null, result.Schema.PrintProblem);
        return result.Schema.Print!;
    }

    private static string? Problem(string printFmt)
    {
        string text = "name: e\nID: 1\nformat:\n\tfield:unsigned int a;\toffset:8;\tsize:4;\tsigned:0;\n\nprint fmt: " + printFmt + "\n";
        return FormatFileReader.Read(text, "t", "t/e/format").Schema!.PrintProblem;
    }

    [Fact]
    public void FlagValuesCastToATypedefTheFormatDoesNotDefine_KeepTheirValue()
    {
        // iomap_dio_complete: { ( int) (( __kernel_rwf_t)0x00000080), "DONTCACHE" }; the kernel prints the name.
        PrintFormat print = Parse("\"%s\", __print_flags(REC->a, \"|\", { ( int) (( __kernel_rwf_t)0x00000080), \"DONTCACHE\" }, { (__force u8)~0, \"ALL\" })");

        var entries = print.Arguments.OfType<FlagsExpr>().Single().Entries;
        Assert.Equal(new SymbolEntry(0x80, "DONTCACHE"), entries[0]);
        Assert.Equal(0xFFUL, entries[1].Value);
    }

    [Fact]
    public void AdjacentStringLiterals_AreJoinedAndEscapesDecoded()
    {
        PrintFormat print = Parse("\"a\\tb\" \"%u\\n\", REC->a");

        Assert.Equal("a\tb%u\n", print.Format);
    }

    [Fact]
    public void CastsTernariesAndArithmetic_KeepCPrecedence()
    {
        PrintFormat print = Parse("\"%u %s\", ((unsigned int) ((REC->a) >> 20)) + 1 * 2, REC->a ? \"yes\" : \"no\"");

        var sum = Assert.IsType<BinaryExpr>(print.Arguments[0]);
        Assert.Equal("+", sum.Operator);
        var cast = Assert.IsType<CastExpr>(sum.Left);
        Assert.Equal("unsigned int", cast.Type.BaseType);
        Assert.Equal(new BinaryExpr(">>", new FieldExpr("a"), new IntegerExpr(20, "20", false, false)), cast.Operand);
        Assert.Equal("*", Assert.IsType<BinaryExpr>(sum.Right).Operator);
        var conditional = Assert.IsType<ConditionalExpr>(print.Arguments[1]);
        Assert.Equal(new StringExpr("yes"), conditional.WhenTrue);
    }

    [Fact]
    public void IntegerSuffixesAndRadixes_GiveTheirCTypes()
    {
        PrintFormat print = Parse("\"%llu %llu %u %d\", 0xffffffffffffffffULL, 1UL << 3, 0x80000000, 010");

        Assert.Equal(new IntegerExpr(ulong.MaxValue, "0xffffffffffffffffULL", true, true), print.Arguments[0]);
        Assert.Equal(new IntegerExpr(0x80000000, "0x80000000", true, false), print.Arguments[2]);
        Assert.Equal(8UL, Assert.IsType<IntegerExpr>(print.Arguments[3]).Value);
    }

    [Fact]
    public void SymbolTables_EvaluateConstantExpressionsAndSkipNullTerminators()
    {
        PrintFormat print = Parse("\"%s %s\", __print_flags(REC->a, \"|\", { (1UL << 1), \"ONE\" }, { 0x4 | 0x8, \"MANY\" }, { 0, ((void *)0) }), __print_symbolic(REC->a, { -1, \"ALL\" }, { }, { 7, NULL })");

        var flags = Assert.IsType<FlagsExpr>(print.Arguments[0]);
        Assert.Equal("|", flags.Delimiter);
        Assert.Equal(new[] { new SymbolEntry(2, "ONE"), new SymbolEntry(12, "MANY") }, flags.Entries.ToArray());
        var symbolic = Assert.IsType<SymbolicExpr>(print.Arguments[1]);
        Assert.Equal(new[] { new SymbolEntry(ulong.MaxValue, "ALL") }, symbolic.Entries.ToArray());
    }

    [Fact]
    public void SymbolsWhoseValueTheFormatDoesNotDefine_AreKeptUnresolved()
    {
        PrintFormat print = Parse("\"%s\", __print_symbolic(REC->a, { TCP_ESTABLISHED, \"TCP_ESTABLISHED\" }, { 2, \"TWO\" })");

        var symbolic = Assert.IsType<SymbolicExpr>(print.Arguments[0]);
        Assert.False(symbolic.Entries[0].IsResolved);
        Assert.Equal(new IdentifierExpr("TCP_ESTABLISHED"), symbolic.Entries[0].Unresolved);
        Assert.True(symbolic.Entries[1].IsResolved);
    }

    [Fact]
    public void HelpersSizeofAndStatementExpressions_AreRecognised()
    {
        PrintFormat print = Parse("\"%s %lu %d\", __get_str(s), sizeof(unsigned long), ({ int __x = (REC->a); int __y = (128); ((__x) < (__y) ? (__x) : (__y)); })");

        Assert.Equal(new CallExpr("__get_str", new TpGen.Text.EquatableArray<PrintExpr>(new PrintExpr[] { new IdentifierExpr("s") })), print.Arguments[0]);
        Assert.Equal("unsigned long", Assert.IsType<SizeOfExpr>(print.Arguments[1]).Type!.BaseType);
        var statement = Assert.IsType<StatementExpr>(print.Arguments[2]);
        Assert.Equal(new[] { "__x", "__y" }, statement.Locals.Select(l => l.Name));
        Assert.IsType<ConditionalExpr>(statement.Result);
    }

    [Fact]
    public void StatementExpressionsThatRunKernelCode_AreKeptAsTextWithoutAResult()
    {
        PrintFormat print = Parse("\"%s\", ({ const char *p = trace_seq_buffer_ptr(p); trace_seq_printf(p, \"%u\", REC->a); p; })");

        var statement = Assert.IsType<StatementExpr>(print.Arguments[0]);
        Assert.Null(statement.Result);
        Assert.StartsWith("({", statement.Text);
    }

    [Fact]
    public void PointerExtensions_SwallowTheAlphanumericsThatFollowP()
    {
        PrintFormat print = Parse("\"%pISpc %pI4 %ps\", REC->a, REC->a, REC->a");

        Assert.Equal(new[] { "ISpc", "I4", "s" }, print.Segments.Where(s => s.Conversion is not null).Select(s => s.Conversion!.PointerExtension));
    }

    [Fact]
    public void StarWidthAndPrecision_ConsumeTheirOwnArguments()
    {
        PrintFormat print = Parse("\"%*.*s|%-08lx\", 5, 2, __get_str(s), REC->a");

        Conversion first = print.Segments[0].Conversion!;
        Assert.Equal((Conversion.FromArgument, Conversion.FromArgument, 3, 2), (first.Width, first.Precision, first.ArgumentCount, first.ValueArgument));
        Conversion second = print.Segments[2].Conversion!;
        Assert.Equal((ConversionFlags.LeftJustify | ConversionFlags.ZeroPad, 8, LengthModifier.Long, 'x', 3), (second.Flags, second.Width, second.Length, second.Specifier, second.FirstArgument));
    }

    [Theory]
    [InlineData("\"%u\", (REC->a", "expected ')'")]
    [InlineData("\"%u %u\", REC->a", "conversions for 2 argument(s) but 1 follow")]
    [InlineData("\"%u\", REC->nope", "field 'nope'")]
    [InlineData("\"%q\", REC->a", "unsupported conversion")]
    [InlineData("\"unterminated, REC->a", "unterminated string literal")]
    [InlineData("REC->a", "starts with a string literal")]
    [InlineData("\"%u\", REC->a @", "unexpected character '@'")]
    public void BadPrintFmts_AreProblemsNotExceptions(string printFmt, string message)
    {
        Assert.Contains(message, Problem(printFmt));
    }

    [Fact]
    public void DeepNesting_IsRejectedWithoutExhaustingTheStack()
    {
        string deep = "\"%u\", " + new string('(', 100_000) + "REC->a" + new string(')', 100_000);

        Assert.Contains("nest deeper", Problem(deep));
    }
}
