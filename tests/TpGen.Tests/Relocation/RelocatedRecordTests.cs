using System.IO;
using TpGen.Decoding;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Relocation;

/// <summary>
/// Generated views over records of another kernel, read through a layout relocated by name: every
/// value where that kernel put it, named values translated, absent fields reported and read as
/// nothing, and text that never shows a value under another value's name. The records are built
/// by hand from that kernel's own format (the test's oracle), the types are this build's (6.18).
/// </summary>
public sealed class RelocatedRecordTests
{
    private static TracepointSchema Built => SkbProbes.Definition.Probes[0].BuiltSchema;

    private static TracepointSchema Debian61 => Synthetic.Read(
        Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"), "skb");

    [Fact]
    public void ADebian61Record_ReadsItsOwnValues_WithNoSocketTranslatedByName_AndRxSkAbsent()
    {
        TracepointSchema debian61 = Debian61;
        EventLayout layout = EventLayout.Relocate(Relocator.Relocate(Built, debian61));
        byte[] record = new RecordBuilder(debian61)
            .Set("skbaddr", unchecked((long)0xffff888104783e00)).Set("protocol", 0x0800).Set("reason", 2 /* 6.1's NO_SOCKET */)
            .Build();

        SkbProbes.KfreeSkb drop = SkbProbes.KfreeSkb.Read(record, default, layout);

        Assert.Equal(SkbProbes.SkbDropReason.NO_SOCKET, drop.Reason);
        Assert.Equal("NO_SOCKET", drop.ReasonName);
        Assert.Equal(0x0800, drop.Protocol);
        Assert.Equal(0xffff888104783e00UL, drop.Skbaddr);
        Assert.False(drop.HasRxSk);
        Assert.Equal(0UL, drop.RxSk);
        Assert.True(drop.HasProtocol);
        Assert.Equal(SkbProbes.SkbDropReason.NO_SOCKET, drop.ToRecord().Reason);
        // The build's print fmt over the relocated values: 6.1 has no rx_sk, which prints as a null pointer.
        Assert.Contains("rx_sk=0000000000000000 protocol=2048 ", drop.ToString());
        Assert.EndsWith("reason: NO_SOCKET", drop.ToString());
    }

    [Fact]
    public void AValueTheBuildHasNoNameFor_KeepsItsNumber_AndIsNamedByItsOwnKernel()
    {
        TracepointSchema running = Built.WithPrint("\"reason: %s\", __print_symbolic(REC->reason, { 3, \"NO_SOCKET\" }, { 200, \"BRAND_NEW\" })");
        EventLayout layout = EventLayout.Relocate(Relocator.Relocate(Built, running));
        byte[] record = new RecordBuilder(running).Set("reason", 200).Build();

        SkbProbes.KfreeSkb drop = SkbProbes.KfreeSkb.Read(record, default, layout);

        Assert.Equal(200u, (uint)drop.Reason);
        Assert.Equal("BRAND_NEW", drop.ReasonName);
        Assert.EndsWith("reason: BRAND_NEW", drop.ToString());
    }

    [Fact]
    public void AValueWhoseNumberTheBuildGivesAnotherName_IsNeverPrintedUnderThatName()
    {
        // This kernel's 3 is NEWER_REASON, and its NO_SOCKET is 9: the build's 3 is NO_SOCKET.
        TracepointSchema running = Built.WithPrint("\"reason: %s\", __print_symbolic(REC->reason, { 3, \"NEWER_REASON\" }, { 9, \"NO_SOCKET\" })");
        EventLayout layout = EventLayout.Relocate(Relocator.Relocate(Built, running));

        SkbProbes.KfreeSkb newer = SkbProbes.KfreeSkb.Read(new RecordBuilder(running).Set("reason", 3).Build(), default, layout);
        SkbProbes.KfreeSkb noSocket = SkbProbes.KfreeSkb.Read(new RecordBuilder(running).Set("reason", 9).Build(), default, layout);

        Assert.Equal("NEWER_REASON", newer.ReasonName);
        Assert.EndsWith("reason: NEWER_REASON", newer.ToString());
        Assert.Equal(SkbProbes.SkbDropReason.NO_SOCKET, noSocket.Reason);
        Assert.EndsWith("reason: NO_SOCKET", noSocket.ToString());
    }

    [Fact]
    public void AWiderFieldOnTheRunningKernel_IsReadAtItsSize_AndConverted()
    {
        TracepointSchema running = Built.With("protocol", "unsigned int protocol; offset:32; size:4; signed:0");
        EventLayout layout = EventLayout.Relocate(Relocator.Relocate(Built, running));

        SkbProbes.KfreeSkb drop = SkbProbes.KfreeSkb.Read(new RecordBuilder(running).Set("protocol", 0x86DD).Build(), default, layout);

        Assert.False(layout.IsAsBuilt);
        Assert.Equal(0x86DD, drop.Protocol);
    }

    [Fact]
    public void TheBuildsOwnLayout_IsAsBuilt()
    {
        Assert.True(SkbProbes.KfreeSkb.BuildLayout.IsAsBuilt);
        Assert.Null(SkbProbes.KfreeSkb.BuildLayout.Relocation);
        Assert.False(EventLayout.Relocate(Relocator.Relocate(Built, Debian61)).IsAsBuilt);
    }
}
