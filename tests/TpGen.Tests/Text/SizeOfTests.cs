using System;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary><c>sizeof</c> in a print fmt: of a type, and of a field (<c>sizeof(REC-&gt;hdr)</c>).</summary>
public sealed class SizeOfTests
{
    // ufs:ufshcd_upiu as the kernel's include/trace/events/ufs.h writes it (6.x): the header and the
    // transaction-specific fields are dumped with __print_hex(__entry->hdr, sizeof(__entry->hdr)).
    private static readonly TracepointSchema Upiu = Synthetic.Named("ufs", "ufshcd_upiu",
        "__data_loc char[] dev_name; offset:8; size:4; signed:0",
        "enum ufs_trace_str_t str_t; offset:12; size:4; signed:0",
        "unsigned char hdr[12]; offset:16; size:12; signed:0",
        "unsigned char tsf[16]; offset:28; size:16; signed:0",
        "enum ufs_trace_tsf_t tsf_t; offset:44; size:4; signed:0",
        "print: \"%s: %s: HDR:%s, %s:%s\", __print_symbolic(REC->str_t, { 0, \"send_req\" }, { 1, \"complete_rsp\" }, { 2, \"dev_complete\" }), " +
        "__get_str(dev_name), __print_hex(REC->hdr, sizeof(REC->hdr)), __print_symbolic(REC->tsf_t, { 0, \"CDB\" }, { 1, \"OSF\" }), __print_hex(REC->tsf, sizeof(REC->tsf))");

    [Fact]
    public void SizeofOfAFixedArrayField_IsItsSize_SoUfshcdUpiuPrintsItsHeaderAndTsfInHex()
    {
        CompiledEvents compiled = CompiledEvents.Build([Upiu], FormatFileWriter.Write);
        byte[] record = new RecordBuilder(Upiu)
            .String("dev_name", "0000:00:12.5")
            .Set("str_t", 1)
            .Bytes("hdr", Enumerable.Range(0x20, 12).Select(b => (byte)b).ToArray())
            .Bytes("tsf", Enumerable.Range(0xa0, 16).Select(b => (byte)b).ToArray())
            .Set("tsf_t", 0)
            .Build();

        Assert.Empty(compiled.Fallbacks);
        Assert.Equal(
            "complete_rsp: 0000:00:12.5: HDR:20 21 22 23 24 25 26 27 28 29 2a 2b, CDB:a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af",
            compiled.Format("ufs:ufshcd_upiu", record));
    }

    [Theory]
    [InlineData("sizeof(REC->x)", "8")]
    [InlineData("sizeof(REC->a)", "6")]
    [InlineData("sizeof(REC->a[0])", "2")]
    [InlineData("sizeof(unsigned short)", "2")]
    [InlineData("sizeof REC->x", "8")]
    public void SizeofOfFieldsAndTypes_IsTheFormatsSize(string expression, string expected)
    {
        TracepointSchema schema = Synthetic.Named("test", "sizes",
            "unsigned long x; offset:8; size:8; signed:0",
            "unsigned short a[3]; offset:16; size:6; signed:0",
            $"print: \"%lu\", {expression}");
        CompiledEvents compiled = CompiledEvents.Build([schema], FormatFileWriter.Write);

        Assert.Empty(compiled.Fallbacks);
        Assert.Equal(expected, compiled.Format("test:sizes", new RecordBuilder(schema).Build()));
    }

    [Fact]
    public void SizeofOfADynamicField_FallsBackToTheFieldList_NamingWhy()
    {
        TracepointSchema schema = Synthetic.Named("test", "dynamic",
            "__data_loc char[] name; offset:8; size:4; signed:0",
            "print: \"%lu\", sizeof(REC->name)");
        CompiledEvents compiled = CompiledEvents.Build([schema], FormatFileWriter.Write);

        Assert.Contains("sizeof", compiled.Fallbacks["test:dynamic"]);
    }
}
