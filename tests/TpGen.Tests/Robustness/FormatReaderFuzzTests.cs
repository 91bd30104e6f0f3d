using System;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Emitters;
using TpGen.Emitters.Bpf;
using TpGen.Emitters.CSharp;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using TpGen.Text;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// The format reader (and the print fmt, C type and format string parsers behind it) on mutated
/// real formats: it reports bad input, never throws anything else, never hangs, and what it
/// accepts is a schema the emitters can use.
/// </summary>
public sealed class FormatReaderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MutatedFormats_AreReadOrRejectedWithDiagnostics_AndWhatIsAcceptedIsSelfConsistentAndEmits()
    {
        FormatSeed[] seeds = FormatMutations.Seeds;
        output.WriteLine($"{seeds.Length} seed formats ({FormatMutations.FixtureSeeds.Length} fixtures)");
        long accepted = 0;

        long cases = await Fuzzing.CheckAsync(
            FormatMutations.Cases(seeds.Length),
            input =>
            {
                FormatSeed seed = seeds[input.Seed];
                if (Check(seed, FormatMutations.Apply(seed.Text, input.Edits)))
                    System.Threading.Interlocked.Increment(ref accepted);
            },
            Fuzzing.Cases(4_000, 1_000_000),
            Fuzzing.PerCaseLimit,
            input => $"{seeds[input.Seed]} with {string.Join(", ", input.Edits)}:\n{Fuzzing.Shorten(FormatMutations.Apply(seeds[input.Seed].Text, input.Edits), 2000)}",
            output,
            "format reader");

        output.WriteLine($"{accepted} of {cases} mutated formats were accepted");
        Assert.True(accepted > cases / 20 && accepted < cases - cases / 20, "the mutations should both break formats and keep them readable often");
    }

    // Inputs the fuzzing found that broke a property, cut down by hand: regression cases.

    [Theory]
    // No blank line, so common fields are known by their names; the writer put one after the
    // leading common fields, and common_pid, after 'val', read back as the event's own field.
    [InlineData("\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\tfield:int val;\toffset:8;\tsize:4;\tsigned:1;\n\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n")]
    // No common fields at all: the writer's blank line before 'val' was ignored and the one after made it common.
    [InlineData("\tfield:int val;\toffset:8;\tsize:4;\tsigned:1;\n")]
    public void SchemasWhoseCommonFieldsDoNotLead_AreWrittenSoTheyReadBackTheSame(string fields)
    {
        string text = "name: e\nID: 1\nformat:\n" + fields + "print fmt: \"%d\", REC->val\n";

        Assert.True(Check(new FormatSeed("s", "e", text), text));
    }

    [Theory]
    // A print fmt's conversion was quoted raw: NUL and other control characters reached the diagnostic and the schema's print problem.
    [InlineData("name: e\nID: 1\nformat:\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n\nprint fmt: \"x=%08l\0x\", REC->x\n")]
    [InlineData("name: e\nID: 1\nformat:\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n\nprint fmt: \"x=%\u0007\", REC->x\n")]
    public void DiagnosticsAndPrintProblems_QuoteTheInputPrintably(string text)
    {
        Check(new FormatSeed("s", "e", text), text);
        Assert.NotEmpty(FormatFileReader.Read(text, "s", "f", "e").Diagnostics);
    }

    [Theory]
    // offset + size overflowed int and wrapped negative, so the field passed the record bound.
    [InlineData("\tfield:int common_pid;\toffset:65535;\tsize:2147483647;\tsigned:1;")]
    [InlineData("\tfield:int common_pid;\toffset:2147483647;\tsize:4;\tsigned:1;")]
    // A field of size 0 that is not a flexible array read as an opaque field of 0-byte elements.
    [InlineData("\tfield:int vector;\toffset:8;\tsize:0;\tsigned:1;")]
    [InlineData("\tfield:char comm[16];\toffset:8;\tsize:0;\tsigned:1;")]
    [InlineData("\tfield:char comm[TASK_COMM_LEN];\toffset:8;\tsize:0;\tsigned:1;")]
    public void FieldsPastTheRecordOrEmpty_AreRejected(string field)
    {
        string text = $"name: e\nID: 1\nformat:\n{field}\n\n\tfield:int nonce;\toffset:8;\tsize:4;\tsigned:1;\n\nprint fmt: \"%d\", REC->nonce\n";

        Assert.False(Check(new FormatSeed("s", "e", text), text));
        Assert.Contains(field.Contains("size:0") ? "has size 0" : "lies outside a record", Assert.Single(FormatFileReader.Read(text, "s", "f", "e").Diagnostics).Message);
    }

    /// <summary>Reads <paramref name="text"/> every way a caller can; true when it was accepted.</summary>
    internal static bool Check(FormatSeed seed, string text)
    {
        string path = $"/fuzz/{seed.System}/{seed.Name}/format";
        FormatReadResult result = FormatFileReader.Read(text, seed.System, path, seed.Name);
        foreach (FormatDiagnostic diagnostic in result.Diagnostics)
        {
            Assert.Equal(path, diagnostic.File);
            Assert.True(diagnostic.Line >= 1 && diagnostic.Column >= 1, $"diagnostic at line {diagnostic.Line}, column {diagnostic.Column}: {diagnostic}");
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
            Assert.DoesNotContain(diagnostic.Message, c => c < ' ' || c == 127);
        }

        try
        {
            TracepointSchema thrown = FormatFileReader.ReadOrThrow(text, seed.System, path, seed.Name);
            Assert.Equal(result.Schema, thrown);
        }
        catch (FormatParseException e)
        {
            Assert.Null(result.Schema);
            Assert.True(e.Diagnostic.IsError);
        }

        // The header_page grammar is the same field lines: any text is read or reported.
        FormatFileReader.ReadHeaderPage(text, "header_page");

        TracepointSchema? schema = result.Schema;
        if (schema?.PrintProblem is { } problem)
            Assert.DoesNotContain(problem, c => c < ' ' || c == 127);
        if (schema is null)
        {
            Assert.Contains(result.Diagnostics, d => d.IsError);
            return false;
        }
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Empty(SchemaInvariants.Violations(schema));

        // What the generator, tpgen show and tpgen trace do with an accepted schema.
        var probeSet = new ProbeSetSpec("Fuzz", EquatableArray<ContainingTypeSpec>.Empty, "Probe", new EquatableArray<TracepointSchema>([schema]));
        Assert.False(string.IsNullOrEmpty(CSharpEmitter.EmitWithNotes(probeSet).Source));
        Assert.False(string.IsNullOrEmpty(BpfEmitter.Emit(probeSet.FullName, [schema])));

        // A written snapshot (tpgen pull of a BTF or header schema, tpgen trace's definitions) reads back the same.
        string written = FormatFileWriter.Write(schema);
        Assert.Equal(schema, FormatFileReader.ReadOrThrow(written, schema.System, "written", schema.Name));
        return true;
    }
}
