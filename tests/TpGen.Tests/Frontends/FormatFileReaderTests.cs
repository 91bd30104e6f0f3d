using System;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

public sealed class FormatFileReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void KfreeSkb_ReadsEveryFieldWithOffsetSizeSignAndKind()
    {
        TracepointSchema schema = Fixtures.Schema("skb", "kfree_skb");

        Assert.Equal("skb", schema.System);
        Assert.Equal("kfree_skb", schema.Name);
        Assert.True(schema.Id > 0);
        Assert.Equal(
            new[] { "common_type", "common_flags", "common_preempt_count", "common_pid", "skbaddr", "location", "rx_sk", "protocol", "reason" },
            schema.Fields.Select(f => f.Name));
        Assert.All(schema.Fields.Take(4), f => Assert.True(f.IsCommon));
        Assert.All(schema.Fields.Skip(4), f => Assert.False(f.IsCommon));

        FieldSpec reason = schema.FindField("reason")!;
        Assert.Equal((36, 4, false, FieldKind.Enum), (reason.Offset, reason.Size, reason.IsSigned, reason.Kind));
        Assert.Equal("enum skb_drop_reason", reason.Type.BaseType);
        Assert.Equal(FieldKind.Pointer, schema.FindField("skbaddr")!.Kind);
        Assert.Equal((FieldKind.Scalar, true), (schema.FindField("common_pid")!.Kind, schema.FindField("common_pid")!.IsSigned));
        Assert.Equal(40, schema.FixedSize);
    }

    [Fact]
    public void KfreeSkb_PrintFmtIsParsedIntoConversionsAndASymbolTable()
    {
        PrintFormat print = Fixtures.Schema("skb", "kfree_skb").Print!;

        Assert.Equal(new[] { "%p", "%p", "%u", "%pS", "%s" }, print.Segments.Where(s => s.Conversion is not null).Select(s => s.Conversion!.Spec));
        Assert.Equal("S", print.Segments.Where(s => s.Conversion is not null).ElementAt(3).Conversion!.PointerExtension);
        var symbolic = Assert.IsType<SymbolicExpr>(print.Arguments[4]);
        Assert.Equal(new FieldExpr("reason"), symbolic.Value);
        Assert.Contains(new SymbolEntry(3, "NO_SOCKET"), symbolic.Entries);
    }

    [Fact]
    public void CharArraysDynamicStringsAndDynamicArraysGetTheirKinds()
    {
        FieldSpec comm = Fixtures.Schema("sched", "sched_switch").FindField("prev_comm")!;
        Assert.Equal((FieldKind.CharArray, 16, 1), (comm.Kind, comm.ElementCount, comm.ElementSize));
        Assert.Equal("char prev_comm[16]", FormatFileWriter.Declaration(comm));

        FieldSpec filename = Fixtures.Schema("sched", "sched_process_exec").FindField("filename")!;
        Assert.Equal((FieldKind.DynamicString, DynamicLocation.DataLoc, 4), (filename.Kind, filename.Location, filename.Size));

        FieldSpec addresses = Fixtures.Schema("dma", "dma_map_sg").FindField("dma_addrs")!;
        Assert.Equal((FieldKind.DynamicArray, 8, false), (addresses.Kind, addresses.ElementSize, addresses.IsSigned));

        FieldSpec mask = Fixtures.Schema("ipi", "ipi_send_cpumask").FindField("cpumask")!;
        Assert.Equal(FieldKind.DynamicArray, mask.Kind);

        FieldSpec args = Fixtures.Schema("syscalls", "sys_enter_openat").FindField("filename")!;
        Assert.Equal(FieldKind.Pointer, args.Kind);

        FieldSpec saddr = Fixtures.Schema("sock", "inet_sock_set_state").FindField("saddr_v6")!;
        Assert.Equal((FieldKind.FixedArray, 16, 1), (saddr.Kind, saddr.ElementCount, saddr.ElementSize));

        Assert.Equal(FieldKind.Bool, Fixtures.Schema("btrfs", "btrfs_flush_space").FindField("for_preempt")!.Kind);
    }

    [Fact]
    public void FormatsWithoutSignedAttribute_AsOldKernelsPrint_AreReadWithSignednessFromTheType()
    {
        string old = string.Join("\n", Fixtures.FormatText("skb", "kfree_skb").Split('\n')
            .Select(line => line.Contains("signed:") ? line.Substring(0, line.IndexOf("signed:", StringComparison.Ordinal)).TrimEnd() : line));
        Assert.DoesNotContain("signed:", old);

        TracepointSchema schema = FormatFileReader.ReadOrThrow(old, "skb", "old/format");

        Assert.True(schema.FindField("common_pid")!.IsSigned);
        Assert.False(schema.FindField("skbaddr")!.IsSigned);
        Assert.False(schema.FindField("protocol")!.IsSigned);
        Assert.Equal(Fixtures.Schema("skb", "kfree_skb").Fields.Select(f => (f.Name, f.Offset, f.Size)), schema.Fields.Select(f => (f.Name, f.Offset, f.Size)));
    }

    [Fact]
    public void CrLfLineEndsAndLineBreaksInsidePrintFmt_AreAccepted()
    {
        string text = Fixtures.FormatText("skb", "kfree_skb").Replace("\n", "\r\n").Replace(", REC->protocol,", ",\r\n\t REC->protocol,");

        TracepointSchema schema = FormatFileReader.ReadOrThrow(text, "skb", "crlf/format");

        Assert.Equal(Fixtures.Schema("skb", "kfree_skb").Fields, schema.Fields);
        Assert.Equal(Fixtures.Schema("skb", "kfree_skb").Print, schema.Print);
    }

    [Fact]
    public void OldKernelsSymbolicArraySize_IsDerivedFromTheFieldSize()
    {
        string text = Fixtures.FormatText("sched", "sched_switch").Replace("char prev_comm[16]", "char prev_comm[TASK_COMM_LEN]");

        FieldSpec comm = FormatFileReader.ReadOrThrow(text, "sched", "old/format").FindField("prev_comm")!;

        Assert.Equal((FieldKind.CharArray, 16, -1), (comm.Kind, comm.ElementCount, comm.Type.ArrayLength));
    }

    [Fact]
    public void HeaderPage_IsReadAsFields()
    {
        var (fields, diagnostics) = FormatFileReader.ReadHeaderPage(File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "header_page")), "header_page");

        Assert.Empty(diagnostics);
        Assert.Equal(new[] { "timestamp", "commit", "overwrite", "data" }, fields!.Value.Select(f => f.Name));
    }

    [Theory]
    [InlineData("name kfree_skb\n", 1, "expected a line 'name: ...'")]
    [InlineData("name: kfree_skb\nID: x\n", 2, "ID 'x' is not a number")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:int a;\toffset:abc;\tsize:4;\tsigned:1;\n", 4, "offset of 'a' is 'abc', not a number")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:int a;\toffset:65534;\tsize:4;\tsigned:1;\n", 4, "lies outside a record")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:int a;\toffset:-4;\tsize:4;\tsigned:1;\n", 4, "lies outside a record")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n", 4, "field name")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:__data_loc char[] s;\toffset:8;\tsize:8;\tsigned:1;\n", 4, "a __data_loc/__rel_loc word is 4 bytes")]
    [InlineData("name: x;y\nID: 1\nformat:\n", 1, "not a valid event name")]
    [InlineData("name: kfree_skb\nID: 1\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n\tfield:int b;\toffset:2;\tsize:4;\tsigned:1;\n", 1, "overlaps field 'a'")]
    public void MalformedFormats_GiveAnErrorWithLineAndColumn(string text, int line, string message)
    {
        FormatReadResult result = FormatFileReader.Read(text, "skb", "bad/format");

        Assert.Null(result.Schema);
        FormatDiagnostic error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("bad/format", error.File);
        Assert.Equal(line, error.Line);
        Assert.True(error.Column >= 1);
        Assert.Contains(message, error.Message);
        var thrown = Assert.Throws<FormatParseException>(() => FormatFileReader.ReadOrThrow(text, "skb", "bad/format"));
        Assert.Equal(error, thrown.Diagnostic);
    }

    [Fact]
    public void AnUnparsablePrintFmt_KeepsTheFieldsAndWarnsAtItsPosition()
    {
        string text = Fixtures.FormatText("skb", "consume_skb").Replace("REC->location", "REC->location)");

        FormatReadResult result = FormatFileReader.Read(text, "skb", "x/format");

        Assert.NotNull(result.Schema);
        Assert.Null(result.Schema!.Print);
        Assert.NotNull(result.Schema.PrintProblem);
        FormatDiagnostic warning = Assert.Single(result.Diagnostics);
        Assert.False(warning.IsError);
        int printLine = text.Split('\n').ToList().FindIndex(l => l.StartsWith("print fmt:", StringComparison.Ordinal)) + 1;
        Assert.Equal(printLine, warning.Line);
    }

    [Fact]
    public void ADirectoryWithAMalformedFile_ReportsItAndStillReadsTheRest()
    {
        string root = Path.Combine(Path.GetTempPath(), "tpgen-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var (system, name) in new[] { ("skb", "kfree_skb"), ("skb", "consume_skb") })
            {
                Directory.CreateDirectory(Path.Combine(root, system, name));
                File.WriteAllText(Path.Combine(root, system, name, "format"), Fixtures.FormatText(system, name));
            }
            Directory.CreateDirectory(Path.Combine(root, "bad", "broken"));
            File.WriteAllText(Path.Combine(root, "bad", "broken", "format"), "name: broken\nID: 1\nformat:\n\tfield:int a;\toffset:zero;\tsize:4;\n");

            EventsDirectoryResult result = Tracefs.ReadAll(root);

            Assert.Equal(new[] { "skb:consume_skb", "skb:kfree_skb" }, result.Events.Select(e => e.FullName));
            FormatDiagnostic error = Assert.Single(result.Diagnostics, d => d.IsError);
            Assert.EndsWith(Path.Combine("bad", "broken", "format"), error.File);
            Assert.Equal(4, error.Line);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void WrittenFormats_ReadBackToTheSameSchema()
    {
        foreach (string path in Directory.EnumerateFiles(Fixtures.EventsDirectory, "format", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(Path.GetDirectoryName(path)!);
            string system = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))!);
            TracepointSchema schema = FormatFileReader.ReadOrThrow(File.ReadAllText(path), system, path, name);

            TracepointSchema again = FormatFileReader.ReadOrThrow(FormatFileWriter.Write(schema), system, "written", name);

            Assert.Equal(schema, again);
        }
    }

    [Fact]
    public void EveryFormatOnThisKernel_Parses()
    {
        string events = KernelFacility.RequireTracefs();

        EventsDirectoryResult result = Tracefs.ReadAll(events);

        output.WriteLine($"parsed {result.Events.Count} events; {result.Events.Count(e => e.Print is null)} without a parsed print fmt");
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.True(result.Events.Count > 1000, $"only {result.Events.Count} events");
        Assert.All(result.Events, e => Assert.NotNull(e.Print));
    }

    [Fact]
    public void EveryFormatOfDebian61_Parses()
    {
        string events = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");

        EventsDirectoryResult result = Tracefs.ReadAll(events);

        output.WriteLine($"parsed {result.Events.Count} events of Debian 6.1");
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.True(result.Events.Count > 1000);
        FieldSpec? rxSk = result.Events.Single(e => e.FullName == "skb:kfree_skb").FindField("rx_sk");
        Assert.Null(rxSk);
    }
}
