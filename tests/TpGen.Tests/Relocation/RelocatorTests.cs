using System.IO;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Relocation;

/// <summary>
/// A build is a set of names: each of its fields and named values is found by name in the
/// running kernel's description, whatever moved, widened, narrowed, changed sign, vanished or
/// was renumbered; only what changed kind cannot be relocated.
/// </summary>
public sealed class RelocatorTests
{
    private static readonly TracepointSchema Built = Synthetic.Event(
        "unsigned long addr; offset:8; size:8; signed:0",
        "unsigned short protocol; offset:16; size:2; signed:0",
        "int delta; offset:20; size:4; signed:1",
        "__data_loc char[] name; offset:24; size:4; signed:0",
        "unsigned int state; offset:28; size:4; signed:0",
        "print: \"state=%s\", __print_symbolic(REC->state, { 1, \"ONE\" }, { 2, \"TWO\" }, { 3, \"THREE\" })");

    [Fact]
    public void AnIdenticalDescription_RelocatesToItself()
    {
        EventRelocation relocation = Relocator.Relocate(Built, Built);

        Assert.True(relocation.IsIdentity);
        Assert.All(relocation.Fields, f => Assert.Equal(FieldRelocationKind.Same, f.Kind));
        Assert.Empty(relocation.Problems(allowLossy: false));
        Assert.Empty(relocation.Describe());
    }

    [Fact]
    public void AFieldAtAnotherOffset_IsMoved_AndReadAsBuilt()
    {
        TracepointSchema running = Synthetic.Event(
            "unsigned long addr; offset:8; size:8; signed:0",
            "void * extra; offset:16; size:8; signed:0",
            "unsigned short protocol; offset:24; size:2; signed:0",
            "int delta; offset:28; size:4; signed:1",
            "__data_loc char[] name; offset:32; size:4; signed:0",
            "unsigned int state; offset:36; size:4; signed:0");

        EventRelocation relocation = Relocator.Relocate(Built, running);

        FieldRelocation protocol = Field(relocation, "protocol");
        Assert.Equal(FieldRelocationKind.Moved, protocol.Kind);
        Assert.Equal(24, protocol.Running!.Offset);
        Assert.Equal(FieldRelocationKind.Moved, Field(relocation, "name").Kind);
        Assert.Equal(FieldRelocationKind.Same, Field(relocation, "addr").Kind);
        Assert.Empty(relocation.Problems(allowLossy: false));
        Assert.Contains(relocation.Describe(), line => line.StartsWith("moved protocol: at offset 24, 16 in the build", System.StringComparison.Ordinal));
    }

    [Fact]
    public void AWiderField_IsConverted_AndLossy_UnlessAllowed()
    {
        TracepointSchema running = Built.With("protocol", "unsigned int protocol; offset:16; size:4; signed:0");

        FieldRelocation protocol = Field(Relocator.Relocate(Built, running), "protocol");

        Assert.Equal(FieldRelocationKind.Converted, protocol.Kind);
        Assert.True(protocol.IsLossy);
        Assert.Equal("is unsigned 32-bit on this kernel, unsigned 16-bit in the build", protocol.Reason);
        Assert.Single(Relocator.Relocate(Built, running).Problems(allowLossy: false), p => p.Contains("'protocol'"));
        Assert.Empty(Relocator.Relocate(Built, running).Problems(allowLossy: true));
    }

    [Theory]
    [InlineData("unsigned char protocol; offset:16; size:1; signed:0", false)]   // narrower, same sign: every value fits
    [InlineData("signed char protocol; offset:16; size:1; signed:1", true)]      // signed into unsigned: negatives do not
    [InlineData("short protocol; offset:16; size:2; signed:1", true)]            // sign changed only
    public void ANarrowerOrSignChangedField_IsConverted_LossyOnlyWhereValuesCanBeLost(string declaration, bool lossy)
    {
        FieldRelocation protocol = Field(Relocator.Relocate(Built, Built.With("protocol", declaration)), "protocol");

        Assert.Equal(FieldRelocationKind.Converted, protocol.Kind);
        Assert.Equal(lossy, protocol.IsLossy);
    }

    [Fact]
    public void AnUnsignedFieldIntoAWiderSignedType_IsNotLossy()
    {
        FieldRelocation delta = Field(Relocator.Relocate(Built, Built.With("delta", "unsigned short delta; offset:20; size:2; signed:0")), "delta");

        Assert.Equal(FieldRelocationKind.Converted, delta.Kind);
        Assert.False(delta.IsLossy);
    }

    [Fact]
    public void AFieldTheKernelLacks_IsAbsent_AndAttachingCanGoOn()
    {
        EventRelocation relocation = Relocator.Relocate(Built, Built.Without("delta"));

        FieldRelocation delta = Field(relocation, "delta");
        Assert.Equal(FieldRelocationKind.Absent, delta.Kind);
        Assert.False(delta.IsPresent);
        Assert.Empty(relocation.Problems(allowLossy: false));
        Assert.Contains("absent delta: this kernel has no such field", relocation.Describe());
    }

    [Fact]
    public void AFieldThatChangedKind_CannotBeRelocated_AndIsNamed()
    {
        TracepointSchema running = Built.With("protocol", "__data_loc char[] protocol; offset:16; size:4; signed:0");

        EventRelocation relocation = Relocator.Relocate(Built, running);

        Assert.Equal(FieldRelocationKind.Incompatible, Field(relocation, "protocol").Kind);
        string problem = Assert.Single(relocation.Problems(allowLossy: true));
        Assert.Equal("field 'protocol' is '__data_loc char[]' on this kernel but 'unsigned short' in the build: it cannot be relocated", problem);
    }

    [Fact]
    public void RenumberedAddedAndRemovedNames_TranslateByName()
    {
        TracepointSchema running = Built.WithPrint("\"state=%s\", __print_symbolic(REC->state, { 1, \"ZERO\" }, { 2, \"ONE\" }, { 3, \"THREE\" })");

        SymbolTranslation state = Relocator.Relocate(Built, running).SymbolsOf("state")!;

        Assert.False(state.IsIdentity);
        Assert.Equal([new KnownSymbol("ONE", 2, 1), new KnownSymbol("THREE", 3, 3)], state.Known.ToArray());
        Assert.Equal([new UnknownSymbol("ZERO", 1)], state.Unknown.ToArray());
        Assert.Equal(["TWO"], state.Missing.ToArray());
        Assert.Equal(1, state.Renumbered);
    }

    [Fact]
    public void FlagMasks_TranslateByName()
    {
        TracepointSchema built = Built.WithPrint("\"state=%s\", __print_flags(REC->state, \"|\", { 1, \"A\" }, { 2, \"B\" }, { 4, \"C\" })");
        TracepointSchema running = Built.WithPrint("\"state=%s\", __print_flags(REC->state, \"|\", { 1, \"A\" }, { 2, \"NEW\" }, { 4, \"B\" }, { 8, \"C\" })");

        SymbolTranslation state = Relocator.Relocate(built, running).SymbolsOf("state")!;

        Assert.True(state.IsFlags);
        Assert.Equal([new KnownSymbol("A", 1, 1), new KnownSymbol("B", 4, 2), new KnownSymbol("C", 8, 4)], state.Known.ToArray());
        Assert.Equal([new UnknownSymbol("NEW", 2)], state.Unknown.ToArray());
    }

    [Fact]
    public void ThisKernelsKfreeSkb_OnDebian61_MovesProtocolAndReason_LosesRxSk_AndRenumbersNoSocket()
    {
        TracepointSchema built = Synthetic.Read(Path.Combine(Fixtures.EventsDirectory, "skb", "kfree_skb", "format"), "skb");
        TracepointSchema debian61 = Synthetic.Read(Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"), "skb");

        EventRelocation relocation = Relocator.Relocate(built, debian61);

        Assert.Equal(FieldRelocationKind.Absent, Field(relocation, "rx_sk").Kind);
        Assert.Equal((24, 28), (Field(relocation, "protocol").Running!.Offset, Field(relocation, "reason").Running!.Offset));
        Assert.Empty(relocation.Problems(allowLossy: false));
        KnownSymbol noSocket = relocation.SymbolsOf("reason")!.Known.Single(k => k.Name == "NO_SOCKET");
        Assert.Equal((2UL, 3UL), (noSocket.KernelValue, noSocket.BuiltValue));
    }

    private static FieldRelocation Field(EventRelocation relocation, string name) => relocation.Fields.Single(f => f.Name == name);
}
