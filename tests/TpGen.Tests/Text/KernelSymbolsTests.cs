using System;
using System.IO;
using TpGen.Formatting;
using TpGen.Kernel;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary>
/// %pS names an address as the kernel does: the symbol it falls in, its offset and the symbol's
/// size; an address in no symbol (past the kernel image, before the modules) stays a number.
/// </summary>
public sealed class KernelSymbolsTests
{
    private const string Kallsyms = """
        ffffffff81000000 T _stext
        ffffffff81000100 T udp_rcv
        ffffffff81000300 t __udp4_lib_rcv
        ffffffff83b266f4 R __stop_runtime_ptr_USER_PTR_MAX
        ffffffffc0000000 t virtnet_poll	[virtio_net]
        ffffffffc0000400 t virtnet_open	[virtio_net]
        """;

    [Theory]
    [InlineData(0xffffffff81000104UL, "udp_rcv", 0x4UL, 0x200UL, null)]
    [InlineData(0xffffffff81000300UL, "__udp4_lib_rcv", 0x0UL, 0x2b263f4UL, null)]
    [InlineData(0xffffffffc0000010UL, "virtnet_poll", 0x10UL, 0x400UL, "virtio_net")]
    public void AnAddressInsideASymbol_IsThatSymbolPlusItsOffset(ulong address, string name, ulong offset, ulong size, string? module)
    {
        KernelSymbols symbols = KernelSymbols.Parse(new StringReader(Kallsyms));

        Assert.True(symbols.TryLookup(address, out string found, out ulong at, out ulong length, out string? inModule));
        Assert.Equal((name, offset, size, module), (found, at, length, inModule));
    }

    [Theory]
    [InlineData(0xffffffff80000000UL)] // before the kernel
    [InlineData(0xffffffffbd838e6cUL)] // past the kernel image, before the first module
    [InlineData(0xffffffffc0000500UL)] // past the last module symbol
    public void AnAddressInNoSymbol_IsNotNamed(ulong address)
    {
        KernelSymbols symbols = KernelSymbols.Parse(new StringReader(Kallsyms));

        Assert.False(symbols.TryLookup(address, out _, out _, out _, out _));
    }

    [Fact]
    public void PercentPsAndPercentPS_OfOneAddress_EachKeepTheirOwnText_WhenPrintedAgain()
    {
        using IDisposable scope = KernelSymbols.Use(KernelSymbols.Parse(new StringReader(Kallsyms)));

        // Twice each, interleaved: the second printing of an address comes from the kept text.
        string[] printed = new string[4];
        for (int i = 0; i < printed.Length; i++)
            printed[i] = Symbol(0xffffffffc0000010UL, withOffset: i % 2 == 0);

        Assert.Equal(["virtnet_poll+0x10/0x400 [virtio_net]", "virtnet_poll [virtio_net]", "virtnet_poll+0x10/0x400 [virtio_net]", "virtnet_poll [virtio_net]"], printed);
        Assert.Equal("0xffffffffc0000500", Symbol(0xffffffffc0000500UL, withOffset: true));
    }

    private static string Symbol(ulong address, bool withOffset)
    {
        Span<char> buffer = stackalloc char[128];
        var w = new TraceTextWriter(buffer);
        w.Symbol(address, withOffset, default);
        Assert.True(w.TryComplete(out int written));
        return new string(buffer[..written]);
    }
}
