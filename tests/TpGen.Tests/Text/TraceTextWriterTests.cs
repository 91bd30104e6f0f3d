using System;
using TpGen.Formatting;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary>
/// The vsnprintf rules that the differential tests found, each pinned by the text the kernel's
/// lib/vsprintf.c produces for it.
/// </summary>
public sealed class TraceTextWriterTests
{
    private delegate void Writing(ref TraceTextWriter w);

    private static string Write(Writing write)
    {
        Span<char> buffer = stackalloc char[256];
        var w = new TraceTextWriter(buffer);
        write(ref w);
        Assert.True(w.TryComplete(out int written));
        return new string(buffer[..written]);
    }

    [Fact]
    public void Bitmask_PadsEveryChunkToItsDigits_AsPercentStarPbDoes()
    {
        // A cpumask of one unsigned long: 64 bits, two 32-bit chunks of 8 digits each.
        Assert.Equal("00000000,00000003", Write((ref TraceTextWriter w) => w.Bitmask([3, 0, 0, 0, 0, 0, 0, 0])));
        // 24 bits: one chunk of 6 digits.
        Assert.Equal("030201", Write((ref TraceTextWriter w) => w.Bitmask([1, 2, 3])));
        // 40 bits: the top chunk holds the 8 bits above 32, in 2 digits.
        Assert.Equal("05,04030201", Write((ref TraceTextWriter w) => w.Bitmask([1, 2, 3, 4, 5])));
    }

    [Fact]
    public void DefaultSpec_HasNeitherWidthNorPrecision()
    {
        Assert.Equal((-1, -1), (default(FormatSpec).Width, default(FormatSpec).Precision));
        Assert.Equal("text", Write((ref TraceTextWriter w) => w.String("text"u8, default)));
    }

    [Fact]
    public void StarPrecision_IsAnInt_AndANegativeOneClampsToZero()
    {
        FormatSpec spec = FormatSpec.Parse("%.*s");
        Assert.Equal("", Write((ref TraceTextWriter w) => w.String("name"u8, spec.WithPrecision(-1))));
        Assert.Equal("na", Write((ref TraceTextWriter w) => w.String("name"u8, spec.WithPrecision(2))));
        // 0x1_0000_0002 passed where C reads an int is 2.
        Assert.Equal("na", Write((ref TraceTextWriter w) => w.String("name"u8, spec.WithPrecision(0x1_0000_0002))));
    }

    [Fact]
    public void StarWidth_IsAnInt_AndANegativeOneLeftJustifies()
    {
        FormatSpec spec = FormatSpec.Parse("%*d");
        Assert.Equal("7   |", Write((ref TraceTextWriter w) => { w.Integer(7, spec.WithWidth(-4)); w.Literal("|"); }));
        Assert.Equal("   7", Write((ref TraceTextWriter w) => w.Integer(7, spec.WithWidth(0x1_0000_0004))));
    }

    [Fact]
    public void AlternateHexOfZero_KeepsItsPrefix_UnlikeCsPrintf()
    {
        Assert.Equal("0x0", Write((ref TraceTextWriter w) => w.Integer(0, FormatSpec.Parse("%#x"))));
        Assert.Equal("0x00000000000000", Write((ref TraceTextWriter w) => w.Integer(0, FormatSpec.Parse("%#016lx"))));
    }

    [Fact]
    public void Flags_PrintAMaskOfZeroForAnyNonZeroValue_AndTheRestAsHex()
    {
        FlagName[] names = [new(0, "none"), new(1, "a"), new(4, "c")];
        Assert.Equal("none|a|0x2", Write((ref TraceTextWriter w) => w.Flags(3, "|", names)));
        Assert.Equal("", Write((ref TraceTextWriter w) => w.Flags(0, "|", names)));
    }

    [Fact]
    public void PlainIntegersAndPointers_ReadTheConversionsSize_AsTheFullConversionsDo()
    {
        // %u and %d see the low 32 bits, as C's varargs pass an int; %llu and %lld all 64.
        Assert.Equal("5", Write((ref TraceTextWriter w) => w.Integer(0xFFFF_FFFF_0000_0005, FormatSpec.Parse("%u"))));
        Assert.Equal("4294967295", Write((ref TraceTextWriter w) => w.Integer(ulong.MaxValue, FormatSpec.Parse("%u"))));
        Assert.Equal("-1", Write((ref TraceTextWriter w) => w.Integer(ulong.MaxValue, FormatSpec.Parse("%d"))));
        Assert.Equal("2147483647", Write((ref TraceTextWriter w) => w.Integer(0x1_7FFF_FFFF, FormatSpec.Parse("%d"))));
        Assert.Equal("-2147483648", Write((ref TraceTextWriter w) => w.Integer(0x8000_0000, FormatSpec.Parse("%i"))));
        Assert.Equal("18446744073709551615", Write((ref TraceTextWriter w) => w.Integer(ulong.MaxValue, FormatSpec.Parse("%llu"))));
        Assert.Equal("-9223372036854775808", Write((ref TraceTextWriter w) => w.Integer(0x8000_0000_0000_0000, FormatSpec.Parse("%lld"))));
        // %p is 16 zero-padded digits; the helpers' 0x%lx as few digits as the value needs.
        Assert.Equal("000000000000002a", Write((ref TraceTextWriter w) => w.Pointer(0x2a, FormatSpec.Parse("%p"))));
        Assert.Equal("ffffffff81000000", Write((ref TraceTextWriter w) => w.Pointer(0xffff_ffff_8100_0000, FormatSpec.Parse("%p"))));
        Assert.Equal("0x0 0xd0", Write((ref TraceTextWriter w) => { w.Hex0x(0); w.Literal(" "); w.Hex0x(0xd0); }));
    }

    [Fact]
    public void PlainIntegersAndPointers_ThatDoNotFit_FailTheText_InsteadOfCuttingIt()
    {
        Span<char> small = stackalloc char[4];
        var number = new TraceTextWriter(small);
        number.Integer(12345, FormatSpec.Parse("%u"));
        Assert.False(number.TryComplete(out _));

        var pointer = new TraceTextWriter(small);
        pointer.Pointer(0x2a, FormatSpec.Parse("%p"));
        Assert.False(pointer.TryComplete(out _));

        var hex = new TraceTextWriter(small);
        hex.Hex0x(0x12345);
        Assert.False(hex.TryComplete(out _));
    }
}
