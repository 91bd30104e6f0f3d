using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends.Headers;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>
/// The kernel-headers frontend against Debian's 6.1 headers, with the tracefs dump of the same
/// kernel (Fixtures.Debian61Directory) as the outside oracle.
/// </summary>
public sealed class KernelHeadersTests(ITestOutputHelper output)
{
    private static readonly string[] ComparedSystems = ["skb", "sched", "net", "sock", "tcp", "udp", "irq"];

    // One frontend for the class: each system's translation unit is parsed once (about half a second) and cached.
    private static readonly object s_gate = new();
    private static KernelHeaders? s_headers;

    [Fact]
    public void KfreeSkbAndConsumeSkb_FromThe61Headers_HaveThe61Layout()
    {
        KernelHeaders headers = Headers();

        TracepointSchema kfree = headers.ReadEvent("skb", "kfree_skb");
        TracepointSchema consume = headers.ReadEvent("skb", "consume_skb");

        Assert.Equal(new[] { "kfree_skb", "consume_skb", "skb_copy_datagram_iovec" }, headers.ListEvents("skb"));
        Assert.Equal(-1, kfree.Id);
        Assert.Equal(
            new[] { ("common_type", 0), ("common_flags", 2), ("common_preempt_count", 3), ("common_pid", 4), ("skbaddr", 8), ("location", 16), ("protocol", 24), ("reason", 28) },
            kfree.Fields.Select(f => (f.Name, f.Offset)));
        Assert.Null(kfree.FindField("rx_sk"));
        FieldSpec reason = kfree.FindField("reason")!;
        Assert.Equal(("enum skb_drop_reason", 4, false, FieldKind.Enum), (reason.Type.Text, reason.Size, reason.IsSigned, reason.Kind));
        Assert.Equal(32, kfree.FixedSize);
        Assert.Equal(new[] { ("skbaddr", 8, FieldKind.Pointer) }, consume.Fields.Where(f => !f.IsCommon).Select(f => (f.Name, f.Offset, f.Kind)));

        // The enum comes with its 6.1 values (NOT_SPECIFIED is 1 here, 2 on later kernels), and the
        // print fmt has them as the running kernel shows them, after TRACE_DEFINE_ENUM.
        EnumSpec drop = Assert.Single(kfree.Enums);
        Assert.Equal(("skb_drop_reason", 4, false), (drop.Name, drop.Size, drop.IsSigned));
        Assert.Contains(new EnumMember("SKB_DROP_REASON_NOT_SPECIFIED", 1), drop.Members);
        var symbolic = Assert.IsType<SymbolicExpr>(kfree.Print!.Arguments[3]);
        Assert.Contains(new SymbolEntry(2, "NO_SOCKET"), symbolic.Entries);
    }

    [Fact]
    public void KfreeSkbAndConsumeSkb_EqualThe61TracefsSchema()
    {
        KernelHeaders headers = Headers();
        string events = Reference61Events();

        foreach (string name in new[] { "kfree_skb", "consume_skb" })
        {
            TracepointSchema reference = ReadReference(events, "skb", name);
            TracepointSchema schema = headers.ReadEvent("skb", name);

            // Everything tracefs states: fields (offsets, sizes, signedness, kinds, type text), the print fmt text and its parse.
            Assert.Equal(reference.Fields, schema.Fields);
            Assert.Equal(reference.PrintFmt, schema.PrintFmt);
            Assert.Equal(reference, schema with { Id = reference.Id, Enums = reference.Enums });
        }
    }

    [Fact]
    public void EveryEventOfTheNetworkingSchedulerAndIrqSystems_AgreesWithThe61Reference()
    {
        KernelHeaders headers = Headers();
        string events = Reference61Events();
        bool sameRelease = headers.Tree.Release == KernelFacility.Debian61Release;
        output.WriteLine($"headers: {headers.Tree} (release {headers.Tree.Release}); reference: {events}; libclang: {KernelHeaders.GetLibclangVersion()}");
        if (!sameRelease)
            output.WriteLine($"note: these headers are not {KernelFacility.Debian61Release}'s; print fmts are only reported, not asserted");

        var layoutDifferences = new List<string>();
        var printDifferences = new List<string>();
        foreach (string system in ComparedSystems)
        {
            KernelHeaderSystem read = headers.ReadSystem(system);
            Assert.Empty(read.Diagnostics);
            Assert.Equal(read.EventNames, read.Events.Select(e => e.Schema.Name));

            string[] referenceNames = Directory.GetDirectories(Path.Combine(events, system)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
            int both = 0, layouts = 0, prints = 0, byEvalMaps = 0;
            foreach (KernelHeaderEvent header in read.Events)
            {
                if (!referenceNames.Contains(header.Schema.Name))
                {
                    layoutDifferences.Add($"{header.Schema.FullName}: only in the headers (the kernel's configuration or .c files do not create it)");
                    continue;
                }
                both++;
                TracepointSchema reference = ReadReference(events, system, header.Schema.Name);
                if (reference.Fields.Equals(header.Schema.Fields))
                    layouts++;
                else
                    layoutDifferences.Add($"{header.Schema.FullName}: fields differ\n  headers:   {Describe(header.Schema.Fields)}\n  reference: {Describe(reference.Fields)}");

                if (reference.PrintFmt == header.Schema.PrintFmt)
                {
                    prints++;
                    if (header.CompiledPrintFmt != reference.PrintFmt)
                        byEvalMaps++;
                }
                else
                {
                    printDifferences.Add($"{header.Schema.FullName}: {ExplainPrintDifference(header, reference)}\n  headers:   {header.Schema.PrintFmt}\n  reference: {reference.PrintFmt}");
                }
            }
            foreach (string missing in referenceNames.Where(n => !read.EventNames.Contains(n)))
                layoutDifferences.Add($"{system}:{missing}: only in the reference (the headers do not define it in this configuration)");

            output.WriteLine(
                $"{system,-6} {read.Header.IncludeName,-22} events: headers {read.EventNames.Count,2}, reference {referenceNames.Length,2}, both {both,2}; " +
                $"layout agrees {layouts,2}/{both,-2} print fmt agrees {prints,2}/{both,-2} ({byEvalMaps} of them through TRACE_DEFINE_ENUM values); " +
                $"{read.Build.ParseTime.TotalMilliseconds:F0} ms" +
                (read.Build.HelperHeaders.Count > 0 ? $"; print fmt macros from {string.Join(", ", read.Build.HelperHeaders)}" : ""));
        }
        foreach (string difference in layoutDifferences.Concat(printDifferences))
            output.WriteLine(difference);

        Assert.Empty(layoutDifferences);
        if (sameRelease)
            Assert.Empty(printDifferences);
    }

    [Fact]
    public void PrintFmtsThatUseAnotherTraceHeadersMacros_AreExpandedAsTheKernelExpandsThem()
    {
        // net-traces.c includes trace/events/sock.h before tcp.h, so tcp's print fmts have sock.h's
        // show_family_name() expanded; TCP_ESTABLISHED stays a name because its eval map belongs to sock.
        KernelHeaderSystem tcp = Headers().ReadSystem("tcp");

        Assert.Contains("trace/events/sock.h", tcp.Build.HelperHeaders);
        string printFmt = tcp.Find("tcp_retransmit_skb")!.Schema.PrintFmt!;
        Assert.Contains("__print_symbolic(REC->family, { 2, \"AF_INET\" }, { 10, \"AF_INET6\" })", printFmt);
        Assert.Contains("{ TCP_ESTABLISHED, \"TCP_ESTABLISHED\" }", printFmt);
        Assert.DoesNotContain("show_family_name", printFmt);
    }

    [Fact]
    public void AHeaderThatNamesAStructFirstInAPrototype_IsCompiledWithTheStructDeclaredFirst()
    {
        // avc.h takes a struct selinux_audit_data * that only security/selinux's own .c files declare before it.
        KernelHeaders headers = Headers();
        KernelHeaderSystem avc = headers.ReadSystem("avc");

        Assert.Contains("selinux_audit_data", avc.Build.DeclaredStructs);
        TracepointSchema reference = ReadReference(Reference61Events(), "avc", "selinux_audited");
        Assert.Equal(reference.Fields, avc.Find("selinux_audited")!.Schema.Fields);
    }

    [Fact]
    public void ASubsystemHeaderInThePrelude_ExpandsTheConstantsItsPrintFmtsUse()
    {
        // spi.h's print fmts use SPI_CS_HIGH and friends from linux/spi/spi.h, which drivers/spi/spi.c includes first.
        KernelFacility.RequireLibclang();
        var headers = new KernelHeaders(KernelFacility.RequireKernelHeaders61(), new KernelHeadersOptions { Prelude = [.. KernelHeadersOptions.DefaultPrelude, "linux/spi/spi.h"] });
        TracepointSchema reference = ReadReference(Reference61Events(), "spi", "spi_set_cs");

        TracepointSchema schema = headers.ReadEvent("spi", "spi_set_cs");

        Assert.Equal(reference.PrintFmt, schema.PrintFmt);
        // Without it the name stays in the text: the print fmt parses, but the value is unknown.
        Assert.Contains("(REC->mode & SPI_CS_HIGH)", Headers().ReadEvent("spi", "spi_set_cs").PrintFmt);
    }

    [Theory]
    [InlineData("raw_syscalls", "trace/events/syscalls.h", "sys_enter")]
    [InlineData("irq_vectors", "asm/trace/irq_vectors.h", "local_timer_entry")]
    [InlineData("msr", "asm/msr-trace.h", "write_msr")]
    [InlineData("ras", "ras/ras_event.h", "mc_event")] // its .c file sets TRACE_INCLUDE_PATH
    public void SystemsWhoseHeaderIsNamedOtherwiseOrLivesUnderTheArch_AreFound(string system, string include, string eventName)
    {
        KernelHeaders headers = Headers();

        KernelHeaderSystem read = headers.ReadSystem(system);

        Assert.Equal(include, read.Header.IncludeName);
        TracepointSchema reference = ReadReference(Reference61Events(), system, eventName);
        Assert.Equal(reference.Fields, read.Find(eventName)!.Schema.Fields);
        Assert.Equal(reference.PrintFmt, read.Find(eventName)!.Schema.PrintFmt);
    }

    [Fact]
    public void AMissingHeaderTree_IsAClearError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tpgen-no-such-headers-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<HeadersException>(() => HeaderTree.Open(missing));

        Assert.Equal(HeadersProblem.TreeNotFound, error.Problem);
        Assert.Contains(missing, error.Message);
        Assert.Contains("linux-headers-", error.Message);
    }

    [Fact]
    public void TheSourcesHalfOfDebiansHeadersAlone_IsAClearError()
    {
        HeaderTree tree = KernelFacility.RequireKernelHeaders61();

        var error = Assert.Throws<HeadersException>(() => HeaderTree.Open(tree.SourceDirectory));

        Assert.Equal(HeadersProblem.TreeNotFound, error.Problem);
        Assert.Contains("include/generated/autoconf.h", error.Message);
    }

    [Fact]
    public void AnEventTheHeadersDoNotDefine_IsAClearError()
    {
        KernelHeaders headers = Headers();

        var error = Assert.Throws<HeadersException>(() => headers.ReadEvent("skb", "kfree_skb_reason"));

        Assert.Equal(HeadersProblem.EventNotDefined, error.Problem);
        Assert.Contains("skb:kfree_skb_reason", error.Message);
        Assert.Contains("kfree_skb, consume_skb, skb_copy_datagram_iovec", error.Message);
    }

    [Theory]
    [InlineData("kvmmmu", "TRACE_INCLUDE_PATH")] // arch/x86/kvm/mmu/mmutrace.h is not in a headers package
    [InlineData("syscalls", "is there but defines trace system 'raw_syscalls'")]
    public void ASystemWithoutAHeader_IsAClearError(string system, string expected)
    {
        KernelHeaders headers = new(KernelFacility.RequireKernelHeaders61());

        var error = Assert.Throws<HeadersException>(() => headers.ReadEvent(system, "anything"));

        Assert.Equal(HeadersProblem.SystemHeaderNotFound, error.Problem);
        Assert.Contains($"trace system '{system}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AHeaderThatDoesNotCompile_ReportsClangsErrorsAndWhatToDo()
    {
        // huge_memory.h uses SCAN_* enumerators that only mm/khugepaged.c defines.
        KernelHeaders headers = Headers();

        var error = Assert.Throws<HeadersException>(() => headers.ReadSystem("huge_memory"));

        Assert.Equal(HeadersProblem.ParseFailed, error.Problem);
        Assert.Contains("trace/events/huge_memory.h", error.Message);
        Assert.Contains("KernelHeadersOptions.Prelude", error.Message);
        Assert.Contains(error.CompilerMessages, m => m.Contains("undeclared identifier 'SCAN_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("skb/../x", "kfree_skb")]
    [InlineData("skb", "kfree_skb>\n#include <x")]
    [InlineData("", "kfree_skb")]
    public void NamesThatAreNotCIdentifiers_AreRejectedBeforeAnythingIsCompiled(string system, string name)
    {
        string root = Path.Combine(Path.GetTempPath(), "tpgen-tree-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The smallest directory that passes for a configured tree: nothing in it is ever compiled.
            foreach (string file in new[] { "include/linux/kconfig.h", "include/generated/autoconf.h", "arch/x86/include/generated/asm/.keep" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, file))!);
                File.WriteAllText(Path.Combine(root, file), "");
            }
            var headers = new KernelHeaders(HeaderTree.Open(root));

            Assert.Throws<ArgumentException>(() => headers.ReadEvent(system, name));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static KernelHeaders Headers()
    {
        KernelFacility.RequireLibclang();
        HeaderTree tree = KernelFacility.RequireKernelHeaders61();
        lock (s_gate)
            return s_headers ??= new KernelHeaders(tree);
    }

    private static string Reference61Events() =>
        KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference tracefs dump");

    private static TracepointSchema ReadReference(string events, string system, string name) =>
        FormatFileReader.ReadOrThrow(File.ReadAllText(Path.Combine(events, system, name, "format")), system, $"{system}/{name}/format", name);

    private static string Describe(IEnumerable<FieldSpec> fields) =>
        string.Join(", ", fields.Select(f => $"{f.Type.Text} {f.Name}@{f.Offset}+{f.Size}{(f.IsSigned ? " signed" : "")}"));

    /// <summary>Why a print fmt from the headers is not the one tracefs shows, as far as the two texts tell.</summary>
    private static string ExplainPrintDifference(KernelHeaderEvent header, TracepointSchema reference)
    {
        if (header.CompiledPrintFmt == reference.PrintFmt)
            return "an eval map was applied that the kernel did not apply";
        IEnumerable<string> unexpanded = PrintFmtCalls.Names(header.Schema.PrintFmt!).Except(PrintFmtCalls.Names(reference.PrintFmt!));
        if (unexpanded.Any())
            return $"the kernel expanded macro(s) {string.Join(", ", unexpanded)} from a header its .c file includes first; add that header to KernelHeadersOptions.Prelude";
        return "a name the kernel replaced with a value: a TRACE_DEFINE_ENUM of another translation unit, or a #define from a header its .c file includes first";
    }
}
