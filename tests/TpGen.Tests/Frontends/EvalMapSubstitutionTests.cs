using TpGen.Frontends.Headers;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>The text rules of the kernel-headers frontend that need no kernel: the kernel's eval-map rewrite and the calls a print fmt makes.</summary>
public sealed class EvalMapSubstitutionTests
{
    private static readonly TraceEvalMap NoSocket = new("skb", "SKB_DROP_REASON_NO_SOCKET", 2);

    [Fact]
    public void AnEnumeratorOutsideStrings_BecomesItsValue()
    {
        string printFmt = "\"reason: %s\", __print_symbolic(REC->reason, { SKB_DROP_REASON_NO_SOCKET, \"NO_SOCKET\" })";

        Assert.Equal("\"reason: %s\", __print_symbolic(REC->reason, { 2, \"NO_SOCKET\" })", EvalMapSubstitution.Apply(printFmt, [NoSocket]));
    }

    [Theory]
    [InlineData("\"SKB_DROP_REASON_NO_SOCKET\", REC->x")]                  // inside the format string
    [InlineData("\"%d\", REC->SKB_DROP_REASON_NO_SOCKET")]                 // a member after ->
    [InlineData("\"%d\", a.SKB_DROP_REASON_NO_SOCKET")]                    // a member after .
    [InlineData("\"%d\", SKB_DROP_REASON_NO_SOCKET_X")]                    // a longer identifier
    [InlineData("\"%d\", X_SKB_DROP_REASON_NO_SOCKET")]                    // a longer identifier
    [InlineData("\"\\\"SKB_DROP_REASON_NO_SOCKET\\\"\", REC->x")]          // escaped quotes stay inside the string
    public void NamesTheKernelSkips_AreLeftAlone(string printFmt)
    {
        Assert.Equal(printFmt, EvalMapSubstitution.Apply(printFmt, [NoSocket]));
    }

    [Fact]
    public void AValueLongerThanItsName_IsNotWritten_AsTheKernelGivesUpThere()
    {
        string printFmt = "\"%d\", REC->x == A";

        Assert.Equal(printFmt, EvalMapSubstitution.Apply(printFmt, [new TraceEvalMap("s", "A", 1000)]));
        Assert.Equal("\"%d\", REC->x == -1", EvalMapSubstitution.Apply("\"%d\", REC->x == NEG", [new TraceEvalMap("s", "NEG", -1)]));
    }

    [Fact]
    public void SizeofMaps_ReplaceTheWholeExpression()
    {
        Assert.Equal("\"%d\", REC->len / 16", EvalMapSubstitution.Apply("\"%d\", REC->len / sizeof(struct foo)", [new TraceEvalMap("s", "sizeof(struct foo)", 16)]));
    }

    [Fact]
    public void CallsInAPrintFmt_AreFoundOutsideStringsAndMembers()
    {
        string printFmt = "\"f(%d)\", show_family_name(REC->family), REC->ops->get (1), jiffies_to_msecs (REC->t), 10UL";

        Assert.Equal(new[] { "show_family_name", "jiffies_to_msecs" }, PrintFmtCalls.Names(printFmt));
    }
}
