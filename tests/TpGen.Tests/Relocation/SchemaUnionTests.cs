using System.IO;
using System.Linq;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Relocation;

/// <summary>
/// A build over several kernels generates the union of their descriptions: every field and
/// value name of any of them, in types that hold every kernel's values; each kernel's records
/// then relocate onto it by name.
/// </summary>
public sealed class SchemaUnionTests
{
    private static readonly TracepointSchema Older = Synthetic.Event(
        "unsigned short port; offset:8; size:2; signed:0",
        "unsigned int mode; offset:12; size:4; signed:0",
        "int level; offset:16; size:4; signed:1",
        "print: \"mode=%s\", __print_symbolic(REC->mode, { 0, \"OFF\" }, { 1, \"ON\" }, { 2, \"AUTO\" })");

    private static readonly TracepointSchema Newer = Synthetic.Event(
        "unsigned int port; offset:8; size:4; signed:0",
        "unsigned int mode; offset:12; size:4; signed:0",
        "unsigned int level; offset:16; size:4; signed:0",
        "void * sk; offset:24; size:8; signed:0",
        "print: \"mode=%s\", __print_symbolic(REC->mode, { 0, \"OFF\" }, { 1, \"ON\" }, { 2, \"ECO\" }, { 3, \"AUTO\" })");

    [Fact]
    public void TheUnion_HasEveryFieldOfEveryKernel_AndSaysWhichKernelsHaveIt()
    {
        SchemaUnionResult union = SchemaUnion.Of([new("new", Newer), new("old", Older)]);

        Assert.Equal(["new", "old"], union.Kernels.ToArray());
        Assert.NotNull(union.Schema.FindField("sk"));
        Assert.Equal(["new"], union.Presence.Single(p => p.Field == "sk").Kernels.ToArray());
        Assert.Equal(["new", "old"], union.Presence.Single(p => p.Field == "port").Kernels.ToArray());
    }

    [Fact]
    public void AFieldOfDifferentWidths_TakesTheWiderType_AndUnsignedWithSigned_ASignedTypeThatHoldsBoth()
    {
        SchemaUnionResult union = SchemaUnion.Of([new("old", Older), new("new", Newer)]);

        FieldSpec port = union.Schema.FindField("port")!;
        FieldSpec level = union.Schema.FindField("level")!;
        Assert.Equal((4, false), (port.Size, port.IsSigned));
        Assert.Equal((8, true), (level.Size, level.IsSigned));
        // Both kernels' records convert into the union without loss.
        Assert.Empty(Relocator.Relocate(union.Schema, Older).Problems(allowLossy: false));
        Assert.Empty(Relocator.Relocate(union.Schema, Newer).Problems(allowLossy: false));
    }

    [Fact]
    public void TheUnion_NamesEveryValueOfEveryKernel_WithTheFirstKernelsNumbers_AndNewNumbersWhereTheyCollide()
    {
        SchemaUnionResult union = SchemaUnion.Of([new("old", Older), new("new", Newer)]);

        FieldSymbolTable mode = FieldSymbols.For(union.Schema, "mode")!;
        Assert.Equal(["OFF", "ON", "AUTO", "ECO"], mode.Entries.Select(e => e.Name).ToArray());
        Assert.True(mode.TryGetValue("AUTO", out ulong auto));
        Assert.True(mode.TryGetValue("ECO", out ulong eco));
        Assert.Equal((2UL, 3UL), (auto, eco));
        // On the newer kernel, AUTO (3 there) and ECO (2 there) both translate by name.
        SymbolTranslation onNewer = Relocator.Relocate(union.Schema, Newer).SymbolsOf("mode")!;
        Assert.Contains(new KnownSymbol("AUTO", 3, 2), onNewer.Known);
        Assert.Contains(new KnownSymbol("ECO", 2, 3), onNewer.Known);
        Assert.Empty(onNewer.Unknown);
    }

    [Fact]
    public void ABuildFromDebian61AndThisKernel_HasRxSk_PresentOnThisKernelOnly()
    {
        TracepointSchema here = Synthetic.Read(Path.Combine(Fixtures.EventsDirectory, "skb", "kfree_skb", "format"), "skb");
        TracepointSchema debian61 = Synthetic.Read(Path.Combine(KernelFacility.RequirePath(Fixtures.Debian61Directory, "the Debian 6.1 reference dump"), "events", "skb", "kfree_skb", "format"), "skb");

        SchemaUnionResult union = SchemaUnion.Of([new("6.18", here), new("6.1.0-56-amd64", debian61)]);

        Assert.Equal(["6.18"], union.Presence.Single(p => p.Field == "rx_sk").Kernels.ToArray());
        Assert.True(Relocator.Relocate(union.Schema, here).Fields.Single(f => f.Name == "rx_sk").IsPresent);
        Assert.False(Relocator.Relocate(union.Schema, debian61).Fields.Single(f => f.Name == "rx_sk").IsPresent);
        Assert.Empty(Relocator.Relocate(union.Schema, debian61).Problems(allowLossy: false));
        Assert.Empty(Relocator.Relocate(union.Schema, debian61).SymbolsOf("reason")!.Unknown);
    }
}
