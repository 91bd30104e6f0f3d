using System.Linq;
using TpGen.Filters;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Filters;

public sealed class FilterParserTests
{
    private static readonly TracepointSchema KfreeSkb = Fixtures.Schema("skb", "kfree_skb");
    private static readonly TracepointSchema SchedSwitch = Fixtures.Schema("sched", "sched_switch");
    private static readonly TracepointSchema Exec = Fixtures.Schema("sched", "sched_process_exec");

    [Fact]
    public void Comparisons_BindToFieldsWithTheirOwnSignedness()
    {
        var and = Assert.IsType<AndFilter>(FilterParser.Parse("protocol == 0x800 && common_pid != 1", KfreeSkb));
        Assert.Equal(new CompareFilter(KfreeSkb.FindField("protocol")!, FilterOperator.Equal, 0x800), and.Left);
        Assert.Equal(new CompareFilter(KfreeSkb.FindField("common_pid")!, FilterOperator.NotEqual, 1), and.Right);

        var negative = Assert.IsType<CompareFilter>(FilterParser.Parse("prev_prio > -5", SchedSwitch));
        Assert.Equal(unchecked((ulong)-5L), negative.Value);
    }

    [Fact]
    public void NamesFromThePrintFmt_StandForTheirValues()
    {
        var compare = Assert.IsType<CompareFilter>(FilterParser.Parse("reason == NO_SOCKET", KfreeSkb));

        ulong expected = KfreeSkb.Print!.Arguments.OfType<SymbolicExpr>().Single().Entries.Single(e => e.Name == "NO_SOCKET").Value;
        Assert.Equal(expected, compare.Value);
    }

    [Fact]
    public void AConstantOnTheLeft_IsMirrored()
    {
        Assert.Equal(FilterParser.Parse("protocol > 10", KfreeSkb), FilterParser.Parse("10 < protocol", KfreeSkb));
    }

    [Fact]
    public void StringFields_CompareWithStrings()
    {
        var comm = Assert.IsType<StringFilter>(FilterParser.Parse("prev_comm == \"bash\"", SchedSwitch));
        Assert.Equal("bash"u8.ToArray(), comm.Value.AsSpan().ToArray());

        var filename = Assert.IsType<NotFilter>(FilterParser.Parse("!(filename != \"/usr/bin/true\")", Exec));
        Assert.False(Assert.IsType<StringFilter>(filename.Operand).Equal);
    }

    [Fact]
    public void Comm_IsTheCurrentTasksCommand_WhereTheEventHasNoFieldOfThatName()
    {
        var command = Assert.IsType<StringFilter>(FilterParser.Parse("comm ~ \"kworker*\"", KfreeSkb));
        Assert.Same(FilterParser.Comm, command.Field);
        Assert.Equal(StringMatch.Prefix, command.Match);

        // sched_wakeup records its own comm: the filter reads that field, as the kernel's filters do.
        TracepointSchema wakeup = Fixtures.Schema("sched", "sched_wakeup");
        var own = Assert.IsType<StringFilter>(FilterParser.Parse("comm == \"true\"", wakeup));
        Assert.Equal(wakeup.FindField("comm"), own.Field);
        Assert.False(FilterParser.IsComm(own.Field));

        var error = Assert.Throws<FilterException>(() => FilterParser.Parse("comm == \"a-command-of-16-ch\"", KfreeSkb));
        Assert.Contains("at most 15 characters", error.Message);
        Assert.Contains("comm", Assert.Throws<FilterException>(() => FilterParser.Parse("protocl == 1", KfreeSkb)).Message);
    }

    [Fact]
    public void CurrentComm_IsTheCurrentTasksCommand_EvenWhereTheEventRecordsAComm()
    {
        // sched_wakeup's comm is the woken task's; current.comm is the waker's.
        TracepointSchema wakeup = Fixtures.Schema("sched", "sched_wakeup");

        var current = Assert.IsType<StringFilter>(FilterParser.Parse("current.comm == \"true\"", wakeup));

        Assert.Same(FilterParser.Comm, current.Field);
        Assert.Same(FilterParser.Comm, Assert.IsType<StringFilter>(FilterParser.Parse("current.comm ~ \"kworker*\"", KfreeSkb)).Field);
        // Other current. names are aggregation keys, not filter fields: the error says what filters know.
        FilterException unknown = Assert.Throws<FilterException>(() => FilterParser.Parse("current.pid == 1", wakeup));
        Assert.Contains("current.comm", unknown.Message);
        Assert.Contains("common_pid", unknown.Message);
    }

    [Theory]
    [InlineData("protocol ==", 12, "ends where a field or value")]
    [InlineData("protocl == 1", 1, "'protocl' is not a field of skb:kfree_skb")]
    [InlineData("protocol == 70000", 13, "does not fit 'protocol' (unsigned 16-bit)")]
    [InlineData("protocol == -1", 13, "does not fit")]
    [InlineData("reason == NO_SUCH", 11, "'NO_SUCH' is not a name of 'reason' values")]
    [InlineData("protocol = 1", 10, "unexpected character '='")]
    [InlineData("(protocol == 1", 15, "missing ')'")]
    [InlineData("protocol == 1 protocol", 15, "expected '&&', '||' or the end")]
    [InlineData("protocol == \"x\"", 13, "compare it with a number")]
    [InlineData("1 == 2", 1, "one side of a comparison must be a field")]
    [InlineData("protocol == reason", 13, "not with another field")]
    [InlineData("common_flags == 0", 17, "not available to a BPF filter")]
    [InlineData("protocol == 1; system(\"rm -rf /\")", 14, "unexpected character ';'")]
    [InlineData("protocol == 1 */ int x; /*", 15, "unexpected character '*'")]
    [InlineData("protocol == 0xZZ", 13, "is not a number")]
    public void BadFilters_AreRejectedAtTheirColumn(string filter, int column, string message)
    {
        var error = Assert.Throws<FilterException>(() => FilterParser.Parse(filter, KfreeSkb));

        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message);
        Assert.EndsWith("^", error.Pointer);
    }

    [Fact]
    public void StringsOnlyCompareForEqualityOrAGlob_AndStayShortAndFew()
    {
        Assert.Contains("==, != and ~ only", Assert.Throws<FilterException>(() => FilterParser.Parse("prev_comm < \"a\"", SchedSwitch)).Message);
        Assert.Contains("up to 128 bytes", Assert.Throws<FilterException>(() => FilterParser.Parse($"filename == \"{new string('a', 200)}\"", Exec)).Message);
        Assert.Contains("at most 2 strings", Assert.Throws<FilterException>(() => FilterParser.Parse("prev_comm == \"a\" || prev_comm == \"b\" || next_comm == \"c\"", SchedSwitch)).Message);
        Assert.Contains("cannot contain NUL", Assert.Throws<FilterException>(() => FilterParser.Parse("prev_comm == \"a\u0000b\"", SchedSwitch)).Message);
    }

    [Theory]
    [InlineData("prev_comm ~ \"kworker*\"", StringMatch.Prefix, "kworker", false)]
    [InlineData("prev_comm ~ \"*d\"", StringMatch.Suffix, "d", false)]
    [InlineData("prev_comm ~ \"*work*\"", StringMatch.Contains, "work", false)]
    [InlineData("prev_comm ~ \"ba?h\"", StringMatch.Whole, "ba?h", true)]
    public void AGlob_MatchesTheStartTheEndAnywhereOrTheWhole_WithQuestionMarksForAnyCharacter(string filter, StringMatch match, string value, bool anyCharacter)
    {
        var glob = Assert.IsType<StringFilter>(FilterParser.Parse(filter, SchedSwitch));

        Assert.Equal(match, glob.Match);
        Assert.Equal(value, System.Text.Encoding.UTF8.GetString(glob.Value.AsSpan()));
        Assert.Equal(anyCharacter, glob.AnyCharacter);
        Assert.True(glob.Equal);
    }

    [Fact]
    public void AGlobWithAStarInside_OrOnANumber_IsRefused()
    {
        Assert.Contains("'*' inside it", Assert.Throws<FilterException>(() => FilterParser.Parse("prev_comm ~ \"a*b\"", SchedSwitch)).Message);
        Assert.Contains("matches strings", Assert.Throws<FilterException>(() => FilterParser.Parse("protocol ~ \"a\"", KfreeSkb)).Message);
    }

    [Fact]
    public void ABitwiseAnd_TestsForAnySharedBit_AndAcceptsNames()
    {
        var mask = Assert.IsType<CompareFilter>(FilterParser.Parse("protocol & 0x8", KfreeSkb));
        Assert.Equal((FilterOperator.BitwiseAnd, 8UL), (mask.Operator, mask.Value));

        var named = Assert.IsType<CompareFilter>(FilterParser.Parse("reason == NO_SOCKET", KfreeSkb));
        Assert.Equal("NO_SOCKET", named.Symbol);
    }

    [Fact]
    public void DeepNestingAndHugeFilters_AreRefusedWithoutExhaustingTheStack()
    {
        Assert.Contains("nests deeper", Assert.Throws<FilterException>(() => FilterParser.Parse(new string('(', 1000) + "protocol == 1" + new string(')', 1000), KfreeSkb)).Message);
        Assert.Contains("longer than", Assert.Throws<FilterException>(() => FilterParser.Parse(string.Join(" || ", Enumerable.Repeat("protocol == 1", 1000)), KfreeSkb)).Message);
    }
}
