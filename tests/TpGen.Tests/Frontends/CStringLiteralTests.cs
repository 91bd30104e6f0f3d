using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>
/// C string literals mean one thing everywhere: the headers frontend decodes the print fmt
/// strings libclang spells, and the format reader those tracefs prints, with the same tokenizer.
/// The escapes follow gcc, which compiled the kernels whose formats are read.
/// </summary>
public sealed class CStringLiteralTests
{
    [Theory]
    [InlineData("\"a\"", "a")]
    [InlineData("\"tab\\there\\n\"", "tab\there\n")]
    [InlineData("\"\\a\\b\\f\\v\\r\\e\"", "\a\b\f\v\r\u001b")]
    [InlineData("\"\\\\ \\\" \\' \\?\"", "\\ \" ' ?")]
    [InlineData("\"\\101\\x42\"", "AB")]
    [InlineData("\"\\0\"", "\0")]
    [InlineData("\"\\1234\"", "S4")]                    // an octal escape takes at most three digits
    [InlineData("\"\\x041\"", "A")]                      // \x takes every hex digit that follows ...
    [InlineData("\"\\x141\"", "A")]                      // ... and, as gcc does, keeps the low byte
    [InlineData("\"\\x41g\"", "Ag")]
    [InlineData("\"\\xc3\\xa9t\\u00e9\"", "été")]      // escapes are bytes, read as UTF-8 like the kernel's strings
    [InlineData("\"é\"", "é")]
    [InlineData("\"\\U0001F600\"", "\U0001F600")]
    [InlineData("\"bad \\q escape\"", "bad q escape")]   // an escape C does not define stands for its character, as in gcc
    [InlineData("\"ab\" \"cd\"", "abcd")]
    public void AnEscape_MeansTheSameToTheDecoderAndTheFormatReader(string spelling, string expected)
    {
        Assert.True(CStringLiteral.TryDecode(spelling, out string decoded));
        Assert.True(PrintFmtParser.TryParse(spelling, out PrintFormat format, out _, out string error), error);

        Assert.Equal(expected, decoded);
        Assert.Equal(expected, format.Format);
    }

    [Fact]
    public void APrintFmtSpelledAsALiteral_DecodesToThePrintFmt()
    {
        // The kernel stringifies TP_printk's arguments; the headers hold the print fmt in this form.
        Assert.True(CStringLiteral.TryDecode("\"\\\"x=%d\\\", REC->x\"", out string printFmt));

        Assert.Equal("\"x=%d\", REC->x", printFmt);
    }

    [Theory]
    [InlineData("REC->x")]
    [InlineData("\"a\", REC->x")]
    [InlineData("\"unterminated")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"\\UDEADBEEF\"")]
    [InlineData("")]
    public void WhatIsNotAWellFormedStringLiteral_DoesNotDecode(string spelling)
    {
        Assert.False(CStringLiteral.TryDecode(spelling, out string decoded));
        Assert.Equal("", decoded);
    }

    [Fact]
    public void AMalformedEscapeInAPrintFmt_IsAnErrorAtTheEscape()
    {
        Assert.False(PrintFmtParser.TryParse("\"ok \\x\", REC->x", out _, out int offset, out string error));

        Assert.Equal(4, offset);
        Assert.Contains("\\x", error);
    }
}
