using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>Constants a print fmt names without defining them take their values from the same kernel's BTF.</summary>
public sealed class KernelConstantsTests
{
    private static readonly Dictionary<string, long> TcpStates = new(StringComparer.Ordinal)
    {
        ["TCP_ESTABLISHED"] = 1, ["TCP_SYN_SENT"] = 2, ["TCP_SYN_RECV"] = 3, ["TCP_FIN_WAIT1"] = 4, ["TCP_FIN_WAIT2"] = 5, ["TCP_TIME_WAIT"] = 6,
        ["TCP_CLOSE"] = 7, ["TCP_CLOSE_WAIT"] = 8, ["TCP_LAST_ACK"] = 9, ["TCP_LISTEN"] = 10, ["TCP_CLOSING"] = 11, ["TCP_NEW_SYN_RECV"] = 12,
        // A constant no table names is not written anywhere.
        ["state"] = 99, ["skaddr"] = 98,
    };

    [Fact]
    public void TcpRetransmitSkbsStates_AreNamedButUndefinedInItsFormat_AndResolveToTheirValues()
    {
        TracepointSchema schema = Fixtures.Schema("tcp", "tcp_retransmit_skb");
        Assert.Contains("TCP_ESTABLISHED", KernelConstants.Unresolved(schema));
        Assert.Null(FieldSymbols.For(schema, "state"));

        TracepointSchema resolved = KernelConstants.Resolve(schema, TcpStates);

        Assert.Empty(KernelConstants.Unresolved(resolved));
        FieldSymbolTable states = FieldSymbols.For(resolved, "state")!;
        Assert.Equal(("TCP_ESTABLISHED", "TCP_CLOSE"), (states.NameOf(1), states.NameOf(7)));
        // Only the table values changed: the field reads, the names in quotes and everything else are the kernel's text.
        Assert.Contains("__print_symbolic(REC->state, { 1, \"TCP_ESTABLISHED\" }, { 2, \"TCP_SYN_SENT\" }", resolved.PrintFmt);
        Assert.Equal(schema.PrintFmt, Regex.Replace(resolved.PrintFmt!, @"\{ \d+, ""(TCP_\w+)"" \}", "{ $1, \"$1\" }"));
        Assert.Equal(schema.Fields, resolved.Fields);
    }

    [Fact]
    public void ASchemaWithNothingToResolve_OrConstantsTheKernelLacks_IsReturnedAsItIs()
    {
        TracepointSchema kfree = Fixtures.Schema("skb", "kfree_skb");
        TracepointSchema retransmit = Fixtures.Schema("tcp", "tcp_retransmit_skb");

        Assert.Same(kfree, KernelConstants.Resolve(kfree, TcpStates));
        Assert.Same(retransmit, KernelConstants.Resolve(retransmit, new Dictionary<string, long>()));
    }

    [Fact]
    public void AFormatFilesText_GetsTheValuesInItsPrintFmtLine_AndKeepsEveryOtherLine()
    {
        string text = Fixtures.FormatText("tcp", "tcp_retransmit_skb");

        string resolved = KernelConstants.ResolveFormatText(text, "tcp", "tcp_retransmit_skb", TcpStates);

        string[] before = text.Split('\n'), after = resolved.Split('\n');
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(before.Where(l => !l.StartsWith("print fmt: ", StringComparison.Ordinal)), after.Where(l => !l.StartsWith("print fmt: ", StringComparison.Ordinal)));
        Assert.Equal(KernelConstants.Resolve(Fixtures.Schema("tcp", "tcp_retransmit_skb"), TcpStates), FormatFileReader.ReadOrThrow(resolved, "tcp", "resolved", "tcp_retransmit_skb"));
        // A format whose tables hold only numbers is not even read.
        string kfree = Fixtures.FormatText("skb", "kfree_skb");
        Assert.Same(kfree, KernelConstants.ResolveFormatText(kfree, "skb", "kfree_skb", TcpStates));
    }

    [Fact]
    public void APrintFmtOverSeveralLines_IsReplacedWhole()
    {
        // 9p:9p_protocol_dump's format string holds a newline, which tracefs prints as it is.
        string text = "name: dump\nID: 1\nformat:\n\tfield:int state;\toffset:8;\tsize:4;\tsigned:1;\n\n" +
                      "print fmt: \"state %s\n%d\", __print_symbolic(REC->state, { TCP_CLOSE, \"TCP_CLOSE\" }), REC->state\n";

        string resolved = KernelConstants.ResolveFormatText(text, "test", "dump", TcpStates);

        Assert.Equal(text.Replace("{ TCP_CLOSE,", "{ 7,"), resolved);
    }

    [Theory]
    [InlineData("this kernel")]
    [InlineData("Debian 6.1")]
    public void BtfsEnumConstants_HoldTheTcpStatesHrtimerModesAndIoPriorityClasses(string kernel)
    {
        BtfData btf = kernel == "this kernel" ? KernelBtfs.ThisKernel() : KernelBtfs.Debian61();

        IReadOnlyDictionary<string, long> constants = BtfSchemaReader.EnumConstants(btf);

        // The TCP states are an anonymous enum (include/net/tcp_states.h); the others are named.
        Assert.Equal((1, 7, 10), (constants["TCP_ESTABLISHED"], constants["TCP_CLOSE"], constants["TCP_LISTEN"]));
        Assert.Equal((0, 1), (constants["HRTIMER_MODE_ABS"], constants["HRTIMER_MODE_REL"]));
        Assert.Equal(3, constants["IOPRIO_CLASS_IDLE"]);
        Assert.Equal(BtfSchemaReader.FindEnum(btf, "skb_drop_reason")!.Members.Single(m => m.Name == "SKB_DROP_REASON_NO_SOCKET").Value, constants["SKB_DROP_REASON_NO_SOCKET"]);
    }
}
