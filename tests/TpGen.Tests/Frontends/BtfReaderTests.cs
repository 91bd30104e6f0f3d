using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

public sealed class BtfReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void KfreeSkbOfDebian61_HasSkbaddrLocationProtocolAndReasonAt8_16_24_28AndNoRxSk()
    {
        BtfData btf = KernelBtfs.Debian61();

        TracepointSchema schema = BtfSchemaReader.Read(btf, "skb", "kfree_skb");

        Assert.Equal(
            new[] { "common_type", "common_flags", "common_preempt_count", "common_pid", "skbaddr", "location", "protocol", "reason" },
            schema.Fields.Select(f => f.Name));
        Assert.Equal(new[] { 8, 16, 24, 28 }, schema.Fields.Skip(4).Select(f => f.Offset));
        Assert.Null(schema.FindField("rx_sk"));
        Assert.Equal((-1, null, BtfSchemaReader.NoPrintFmt), (schema.Id, schema.PrintFmt, schema.PrintProblem));
        // The Debian 6.1 tracefs dump is the outside oracle: every field, C type text included.
        TracepointSchema tracefs = Tracefs.ReadEvent(Path.Combine(Fixtures.Debian61Directory, "events"), "skb", "kfree_skb");
        Assert.Equal(tracefs.Fields, schema.Fields);
        Assert.Equal(32, schema.FixedSize);
    }

    [Fact]
    public void KfreeSkbOfThisKernel_EqualsItsTracefsFormatFieldForField_AndNamesTheReasonEnum()
    {
        BtfData btf = KernelBtfs.ThisKernel();
        KernelFacility.RequireTracefs();
        TracepointSchema tracefs = Tracefs.ReadEvent("skb", "kfree_skb");

        TracepointSchema schema = BtfSchemaReader.Read(btf, "skb", "kfree_skb");

        Assert.Equal(tracefs.Fields, schema.Fields);
        EnumSpec reasons = Assert.Single(schema.Enums);
        Assert.Equal(("skb_drop_reason", 4, false), (reasons.Name, reasons.Size, reasons.IsSigned));
        Assert.Equal(BtfSchemaReader.FindEnum(btf, "skb_drop_reason"), reasons);
    }

    [Fact]
    public void EveryEventOfThisKernel_AgreesWithTracefs_ExceptForExplainedCategories()
    {
        BtfData btf = KernelBtfs.ThisKernel();
        string events = KernelFacility.RequireTracefs();
        EventsDirectoryResult tracefs = Tracefs.ReadAll(events);

        BtfAgreement report = BtfAgreement.Measure(btf, tracefs.Events);

        report.WriteTo(output, "this kernel");
        Assert.Empty(report.Unexplained);
        // Every TRACE_EVENT of the kernel is compared, and the DEFINE_EVENTs whose class BTF identifies.
        Assert.Equal(report.Compared, report.AgreeWithHints);
        Assert.True(report.ComparedBy.GetValueOrDefault(BtfClassEvidence.SameName) >= 300, "too few events with a class of their own name");
        Assert.True(report.Compared > tracefs.Events.Count / 2, $"only {report.Compared} of {tracefs.Events.Count} events compared");
        Assert.Equal(tracefs.Events.Count(e => e.System == "syscalls"), report.Count(BtfAgreement.SyscallEvents));
    }

    [Fact]
    public void EveryEventOfDebian61_AgreesWithItsTracefsDump_ExceptForExplainedCategories()
    {
        BtfData btf = KernelBtfs.Debian61();
        string events = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");
        EventsDirectoryResult tracefs = Tracefs.ReadAll(events);

        BtfAgreement report = BtfAgreement.Measure(btf, tracefs.Events);

        report.WriteTo(output, "Debian 6.1");
        Assert.Empty(report.Unexplained);
        Assert.Equal(report.Compared, report.AgreeWithHints);
        // Measured when this test was written; fewer would mean the reader or the class search got worse.
        Assert.True(report.Compared >= 584, $"{report.Compared} events compared");
        Assert.True(report.AgreeInLayout >= 574, $"{report.AgreeInLayout} events agree");
        Assert.Equal(304, report.ComparedBy[BtfClassEvidence.SameName]);
    }

    [Theory]
    [InlineData("this kernel")]
    [InlineData("Debian 6.1")]
    public void SkbDropReasonNoSocket_HasTheValueTheKfreeSkbPrintFmtGivesNoSocket(string kernel)
    {
        (BtfData btf, TracepointSchema tracefs) = kernel == "this kernel"
            ? (KernelBtfs.ThisKernel(), ReadLive("skb", "kfree_skb"))
            : (KernelBtfs.Debian61(), Tracefs.ReadEvent(Path.Combine(Fixtures.Debian61Directory, "events"), "skb", "kfree_skb"));
        SymbolicExpr table = tracefs.Print!.Arguments.OfType<SymbolicExpr>().Single(s => s.Value == new FieldExpr("reason"));
        ulong fromPrintFmt = table.Entries.Single(e => e.Name == "NO_SOCKET").Value;

        EnumSpec reasons = BtfSchemaReader.FindEnum(btf, "skb_drop_reason")!;

        Assert.Equal((long)fromPrintFmt, reasons.Members.Single(m => m.Name == "SKB_DROP_REASON_NO_SOCKET").Value);
        // Every name the print fmt knows is the enum's name without the prefix, with the same value.
        foreach (SymbolEntry entry in table.Entries.Where(e => e.IsResolved))
            Assert.Equal((long)entry.Value, reasons.Members.Single(m => m.Name == "SKB_DROP_REASON_" + entry.Name).Value);
        output.WriteLine($"{kernel}: NO_SOCKET = {fromPrintFmt}, {reasons.Members.Count} reasons in BTF, {table.Entries.Count} in the print fmt");
    }

    [Fact]
    public void ShortNames_DropTheEnumsOwnPrefix_NotTheLongerOneOfAGroupOfItsValues()
    {
        // sk_rst_reason (6.10 on): half its values are SK_RST_REASON_TCP_*; the print fmt strips SK_RST_REASON_ only.
        string[] resets = ["SK_RST_REASON_NOT_SPECIFIED", "SK_RST_REASON_NO_SOCKET", "SK_RST_REASON_TCP_INVALID_ACK_SEQUENCE", "SK_RST_REASON_TCP_RFC7323_PAWS",
                           "SK_RST_REASON_TCP_TOO_OLD_ACK", "SK_RST_REASON_TCP_ACK_UNSENT_DATA", "SK_RST_REASON_INVALID_SYN", "SK_RST_REASON_MAX"];
        // skb_drop_reason: two values outside the prefix keep their whole names.
        string[] drops = ["SKB_NOT_DROPPED_YET", "SKB_CONSUMED", .. Enumerable.Range(0, 20).Select(i => $"SKB_DROP_REASON_R{i}")];
        // 6.1's migrate_mode: a prefix only half share is no prefix.
        string[] modes = ["MIGRATE_ASYNC", "MIGRATE_SYNC_LIGHT", "MIGRATE_SYNC", "MIGRATE_SYNC_NO_COPY"];

        Assert.Equal(["NOT_SPECIFIED", "NO_SOCKET", "TCP_INVALID_ACK_SEQUENCE", "TCP_RFC7323_PAWS", "TCP_TOO_OLD_ACK", "TCP_ACK_UNSENT_DATA", "INVALID_SYN", "MAX"], BtfPrintFormat.ShortNames(resets));
        Assert.Equal(["SKB_NOT_DROPPED_YET", "SKB_CONSUMED", .. Enumerable.Range(0, 20).Select(i => $"R{i}")], BtfPrintFormat.ShortNames(drops));
        Assert.Equal(["ASYNC", "SYNC_LIGHT", "SYNC", "SYNC_NO_COPY"], BtfPrintFormat.ShortNames(modes));
    }

    [Fact]
    public void EnumsAreFoundWithOrWithoutTheirKeyword_AndAMissingOneIsNull()
    {
        BtfData btf = KernelBtfs.Debian61();

        Assert.Equal(BtfSchemaReader.FindEnum(btf, "skb_drop_reason"), BtfSchemaReader.FindEnum(btf, "enum skb_drop_reason"));
        Assert.Null(BtfSchemaReader.FindEnum(btf, "no_such_enum"));
        // 6.1 started skb_drop_reason at NOT_DROPPED_YET = 0, NOT_SPECIFIED = 1.
        Assert.Equal(1, BtfSchemaReader.FindEnum(btf, "skb_drop_reason")!.Members.Single(m => m.Name == "SKB_DROP_REASON_NOT_SPECIFIED").Value);
    }

    [Fact]
    public void TheCatalog_ListsClassesAndTracepoints_AndTracefsEventsUseThem()
    {
        BtfData btf = KernelBtfs.Debian61();
        var events = Tracefs.ReadAll(Path.Combine(Fixtures.Debian61Directory, "events")).Events;

        var catalog = new BtfEventCatalog(btf);

        output.WriteLine($"Debian 6.1: {catalog.Classes.Count} classes, {catalog.Tracepoints.Count} tracepoints, {events.Count} tracefs events");
        Assert.Equal(catalog.Classes.OrderBy(c => c, StringComparer.Ordinal), catalog.Classes);
        Assert.Contains("kfree_skb", catalog.Classes);
        Assert.Contains("sched_wakeup_template", catalog.Classes);
        Assert.DoesNotContain("sched_wakeup", catalog.Classes);
        Assert.Contains("sched_wakeup", catalog.Tracepoints);
        // Every tracefs event outside syscalls and ftrace is a tracepoint BTF lists.
        Assert.All(events.Where(e => e.System is not ("syscalls" or "ftrace")), e => Assert.Contains(e.Name, catalog.Tracepoints));
    }

    [Fact]
    public void ADefineEvent_GetsItsTemplateByPrototype_AndTheMatchSaysItGuessed()
    {
        BtfData btf = KernelBtfs.Debian61();
        var catalog = new BtfEventCatalog(btf);

        BtfClassMatch own = catalog.FindClass("kfree_skb");
        BtfClassMatch defined = catalog.FindClass("tcp_retransmit_skb");
        BtfClassMatch shared = catalog.FindClass("sched_waking");
        BtfClassMatch syscall = catalog.FindClass("sys_enter_openat");

        Assert.Equal(("kfree_skb", BtfClassEvidence.SameName, false), (own.ClassName, own.Evidence, own.IsGuess));
        Assert.Equal(("tcp_event_sk_skb", BtfClassEvidence.SamePrototype, true), (defined.ClassName, defined.Evidence, defined.IsGuess));
        Assert.StartsWith("guessed", defined.Explanation);
        // sched_waking's template has the prototype of sched_process_template too: no guess is made.
        Assert.Equal((null, BtfClassEvidence.Ambiguous), (shared.ClassName, shared.Evidence));
        Assert.Equal(new[] { "sched_process_template", "sched_wakeup_template" }, shared.Candidates);
        Assert.Equal((null, BtfClassEvidence.NotFound), (syscall.ClassName, syscall.Evidence));
        // The tracefs dump is the oracle that the guessed class has the event's layout.
        TracepointSchema tracefs = Tracefs.ReadEvent(Path.Combine(Fixtures.Debian61Directory, "events"), "tcp", "tcp_retransmit_skb");
        Assert.Equal(tracefs.Fields, BtfSchemaReader.Read(btf, "tcp", "tcp_retransmit_skb", defined.ClassName!).Fields);
    }

    [Fact]
    public void AnEventWhosePrototypeSeveralClassesShare_ListsThemAndChoosesNone()
    {
        var btf = MiniKernel.Build(b =>
        {
            int skb = b.Pointer(b.Forward("sk_buff"));
            int voidPointer = b.Pointer(0);
            int proto = b.FuncProto(0, ("__data", voidPointer), ("skb", skb));
            b.Func("__bpf_trace_class_a", proto);
            b.Func("__bpf_trace_class_b", proto);
            b.Func("__traceiter_some_event", b.FuncProto(b.IntType, ("__data", voidPointer), ("skb", skb)));
            b.Struct("trace_event_raw_class_a", 16, ("ent", b.TraceEntry, 0), ("skbaddr", voidPointer, 64));
            b.Struct("trace_event_raw_class_b", 16, ("ent", b.TraceEntry, 0), ("len", b.IntType, 64));
        });
        var catalog = new BtfEventCatalog(btf);

        BtfClassMatch match = catalog.FindClass("some_event");

        Assert.Equal((null, BtfClassEvidence.Ambiguous, false), (match.ClassName, match.Evidence, match.IsGuess));
        Assert.Equal(new[] { "class_a", "class_b" }, match.Candidates);
        Assert.Contains("class_a, class_b", match.Explanation);
        Assert.Equal(new[] { "class_a", "class_b" }, catalog.Classes);
        Assert.Equal(BtfClassEvidence.NotFound, catalog.FindClass("unknown_event").Evidence);
    }

    [Fact]
    public void ARecord_BecomesTheCommonFieldsThenItsOwn_WithoutTheDataTail()
    {
        var btf = MiniKernel.Build(b =>
        {
            int pid = b.Typedef("pid_t", b.IntType);
            int comm = b.Array(b.CharType, 16, b.IntType);
            int flexible = b.Array(b.CharType, 0, b.IntType);
            b.Struct("trace_event_raw_sched_thing", 40,
                ("ent", b.TraceEntry, 0), ("comm", comm, 64), ("pid", pid, 192), ("prio", b.IntType, 224), ("delay", b.ULongType, 256), ("__data", flexible, 320));
        });

        TracepointSchema schema = BtfSchemaReader.Read(btf, "sched", "sched_thing");

        Assert.Equal(("sched", "sched_thing", "sched:sched_thing"), (schema.System, schema.Name, schema.FullName));
        Assert.Equal(
            new[] { "common_type", "common_flags", "common_preempt_count", "common_pid", "comm", "pid", "prio", "delay" },
            schema.Fields.Select(f => f.Name));
        Assert.Equal(new[] { true, true, true, true, false, false, false, false }, schema.Fields.Select(f => f.IsCommon));
        Assert.Equal(
            new[] { "unsigned short", "unsigned char", "unsigned char", "int", "char[16]", "pid_t", "int", "unsigned long" },
            schema.Fields.Select(f => f.Type.Text));
        FieldSpec comm16 = schema.FindField("comm")!;
        Assert.Equal((8, 16, FieldKind.CharArray, 1, 16, false), (comm16.Offset, comm16.Size, comm16.Kind, comm16.ElementSize, comm16.ElementCount, comm16.IsSigned));
        Assert.Equal("char comm[16]", FormatFileWriter.Declaration(comm16));
        Assert.Equal((24, 4, true, FieldKind.Scalar), (schema.FindField("pid")!.Offset, schema.FindField("pid")!.Size, schema.FindField("pid")!.IsSigned, schema.FindField("pid")!.Kind));
        Assert.Equal((32, 8, false), (schema.FindField("delay")!.Offset, schema.FindField("delay")!.Size, schema.FindField("delay")!.IsSigned));
        Assert.Equal(40, schema.FixedSize);
        // What a reader of the tracefs grammar makes of the same fields, written out, is the same schema.
        Assert.Equal(schema.Fields, FormatFileReader.ReadOrThrow(FormatFileWriter.Write(schema), "sched", "written", "sched_thing").Fields);
    }

    [Fact]
    public void DataLocAndRelLocMembers_BecomeFieldsOfTheirName_StringsUnlessAHintSaysOtherwise()
    {
        var btf = MiniKernel.Build(b =>
        {
            b.Struct("trace_event_raw_dyn", 24,
                ("ent", b.TraceEntry, 0), ("__data_loc_name", b.U32Type, 64), ("__data_loc_addrs", b.U32Type, 96), ("__rel_loc_mask", b.U32Type, 128),
                ("__data_loc_cpus", b.U32Type, 160), ("__data", b.Array(b.CharType, 0, b.IntType), 192));
        });

        TracepointSchema plain = BtfSchemaReader.Read(btf, "t", "dyn");
        FieldSpec name = plain.FindField("name")!;
        Assert.Equal(("__data_loc char[]", FieldKind.DynamicString, DynamicLocation.DataLoc, 8, 4), (name.Type.Text, name.Kind, name.Location, name.Offset, name.Size));
        Assert.Equal(("__rel_loc char[]", FieldKind.DynamicString, DynamicLocation.RelLoc), (plain.FindField("mask")!.Type.Text, plain.FindField("mask")!.Kind, plain.FindField("mask")!.Location));
        Assert.Null(plain.FindField("__data_loc_name"));

        var print = FormatFileReader.ReadOrThrow(
            "name: dyn\nID: 1\nformat:\n\tfield:__data_loc char[] name;\toffset:8;\tsize:4;\tsigned:0;\n\tfield:__rel_loc unsigned long[] mask;\toffset:16;\tsize:4;\tsigned:0;\n" +
            "\tfield:__data_loc cpumask_t cpus;\toffset:20;\tsize:4;\tsigned:0;\n\nprint fmt: \"%s %s %s\", __get_str(name), __get_rel_bitmask(mask), __get_cpumask(cpus)\n",
            "t", "dyn/format").Print!;
        DynamicFieldHints hints = DynamicFieldHints.FromPrintFormat(print).WithArray("addrs", "u64");
        TracepointSchema hinted = BtfSchemaReader.Read(btf, "t", "dyn", hints);

        Assert.Equal(3 + 1, hints.Count);
        Assert.Equal(name, hinted.FindField("name"));
        FieldSpec addrs = hinted.FindField("addrs")!;
        Assert.Equal(("__data_loc u64[]", FieldKind.DynamicArray, 8, false), (addrs.Type.Text, addrs.Kind, addrs.ElementSize, addrs.IsSigned));
        FieldSpec mask = hinted.FindField("mask")!;
        Assert.Equal(("__rel_loc unsigned long[]", FieldKind.DynamicArray, DynamicLocation.RelLoc, 8), (mask.Type.Text, mask.Kind, mask.Location, mask.ElementSize));
        Assert.Equal(("__data_loc cpumask_t", FieldKind.DynamicArray), (hinted.FindField("cpus")!.Type.Text, hinted.FindField("cpus")!.Kind));
        Assert.Throws<ArgumentException>(() => hints.WithArray("addrs", "u64; evil"));
    }

    [Fact]
    public void TypeText_KeepsTypedefs_WritesIntegersAndQualifiersAsCDoes_AndDropsTypeTags()
    {
        var btf = MiniKernel.Build(b =>
        {
            int constChar = b.Const(b.CharType);
            int argv = b.Pointer(b.Const(b.Pointer(constChar)));
            int user = b.Pointer(b.TypeTag("user", constChar));
            int skb = b.Pointer(b.Forward("sk_buff"));
            int reason = b.Enum("skb_drop_reason", 4, false, ("SKB_NOT_DROPPED_YET", 0), ("SKB_DROP_REASON_NOT_SPECIFIED", 2));
            int state = b.Enum("", 4, true, ("STATE_INVALID", -1), ("STATE_OK", 0));
            int stateT = b.Typedef("state_t", state);
            int callback = b.Pointer(b.FuncProto(0, ("", b.Pointer(0)), ("", b.IntType)));
            int matrix = b.Array(b.Array(b.Int("unsigned char", 1), 4, b.IntType), 2, b.IntType);
            int words = b.Array(b.ULongType, 2, b.IntType);
            int counters = b.Typedef("atomic_t", b.Struct("", 4, ("counter", b.IntType, 0)));
            int volatileLong = b.Volatile(b.Int("long long int", 8, signed: true));
            b.Struct("trace_event_raw_types", 104,
                ("ent", b.TraceEntry, 0), ("argv", argv, 64), ("filename", user, 128), ("skbaddr", skb, 192), ("reason", reason, 256),
                ("state", stateT, 288), ("fn", callback, 320), ("matrix", matrix, 384), ("words", words, 448), ("count", counters, 576),
                ("big", volatileLong, 640), ("done", b.BoolType, 704));
        });

        TracepointSchema schema = BtfSchemaReader.Read(btf, "t", "types");

        Assert.Equal(
            new[] { "const char *const *", "const char *", "struct sk_buff *", "enum skb_drop_reason", "state_t", "void (*)(void *, int)",
                    "unsigned char[2][4]", "unsigned long[2]", "atomic_t", "volatile long long", "bool" },
            schema.Fields.Skip(4).Select(f => f.Type.Text));
        Assert.Equal((2, "char", FieldKind.Pointer), (schema.FindField("argv")!.Type.PointerDepth, schema.FindField("argv")!.Type.BaseType, schema.FindField("argv")!.Kind));
        Assert.Equal((FieldKind.Enum, false), (schema.FindField("reason")!.Kind, schema.FindField("reason")!.IsSigned));
        // A typedef of an enum reads as tracefs reads "state_t": a scalar, signed as the enum is.
        Assert.Equal((FieldKind.Scalar, true), (schema.FindField("state")!.Kind, schema.FindField("state")!.IsSigned));
        Assert.Equal((FieldKind.FixedArray, 8, 1, 8), (schema.FindField("matrix")!.Kind, schema.FindField("matrix")!.Size, schema.FindField("matrix")!.ElementSize, schema.FindField("matrix")!.ElementCount));
        Assert.Equal((FieldKind.FixedArray, 16, 8, 2), (schema.FindField("words")!.Kind, schema.FindField("words")!.Size, schema.FindField("words")!.ElementSize, schema.FindField("words")!.ElementCount));
        Assert.Equal((FieldKind.Scalar, 4), (schema.FindField("count")!.Kind, schema.FindField("count")!.Size));
        Assert.Equal((FieldKind.Scalar, true), (schema.FindField("big")!.Kind, schema.FindField("big")!.IsSigned));
        Assert.Equal((FieldKind.Bool, false), (schema.FindField("done")!.Kind, schema.FindField("done")!.IsSigned));
        Assert.Equal(FieldKind.Pointer, schema.FindField("fn")!.Kind);
        Assert.Equal(new[] { "skb_drop_reason", "state_t" }, schema.Enums.Select(e => e.Name));
        Assert.Equal(new EnumMember("STATE_INVALID", -1), schema.Enums[1].Members[0]);
        Assert.True(schema.Enums[1].IsSigned);
    }

    [Fact]
    public void ARecordThatIsNotATraceEvent_OrHasABitfield_IsRejectedNamingTheStruct()
    {
        var btf = MiniKernel.Build(b =>
        {
            b.Struct("trace_event_raw_no_entry", 8, ("pid", b.IntType, 0));
            b.StructWithBitfields("trace_event_raw_bits", 12, ("ent", b.TraceEntry, 0, 0), ("flag", b.IntType, 64, 3));
            b.Struct("trace_event_raw_overlap", 16, ("ent", b.TraceEntry, 0), ("a", b.ULongType, 64), ("b", b.IntType, 96));
            b.Struct("trace_event_raw_past_end", 12, ("ent", b.TraceEntry, 0), ("a", b.ULongType, 64));
            b.Struct("trace_event_raw_wide_loc", 16, ("ent", b.TraceEntry, 0), ("__data_loc_s", b.ULongType, 64));
        });

        Assert.Contains("does not start with 'struct trace_entry ent'", Reject(btf, "no_entry"));
        Assert.Contains("'flag' is a 3-bit bitfield", Reject(btf, "bits"));
        Assert.Contains("field 'b' (offset 12, size 4) overlaps field 'a'", Reject(btf, "overlap"));
        Assert.Contains("runs past the end of the 12-byte struct", Reject(btf, "past_end"));
        Assert.Contains("a __data_loc/__rel_loc word is 4", Reject(btf, "wide_loc"));
        Assert.Contains("trace_event_raw_no_entry", Reject(btf, "no_entry"));

        var missing = Assert.Throws<FormatParseException>(() => BtfSchemaReader.Read(btf, "t", "absent"));
        Assert.Contains("no struct trace_event_raw_absent", missing.Message);
        Assert.Null(BtfSchemaReader.TryRead(btf, "t", "absent", "absent"));
        Assert.Throws<ArgumentException>(() => BtfSchemaReader.Read(btf, "t", "x;y"));

        static string Reject(BtfData btf, string name) =>
            Assert.Throws<FormatParseException>(() => BtfSchemaReader.Read(btf, "t", name)).Diagnostic.Message;
    }

    private static TracepointSchema ReadLive(string system, string name)
    {
        KernelFacility.RequireTracefs();
        return Tracefs.ReadEvent(system, name);
    }
}
