using System;
using System.Linq;
using TpGen.Emitters.Bpf;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>
/// One set of rules for the names that come from outside, and every way in uses it: the
/// attribute, format files, the BPF emitter and the build's scan agree on what is a name.
/// </summary>
public sealed class TraceNamesTests
{
    // A WSL2 kernel's 9p events, as its tracefs lists them.
    private const string NinePFormat = """
        name: 9p_client_req
        ID: 1500
        format:
        	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
        	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
        	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
        	field:int common_pid;	offset:4;	size:4;	signed:1;

        	field:void * clnt;	offset:8;	size:8;	signed:0;
        	field:int type;	offset:16;	size:4;	signed:1;
        	field:__u32 tag;	offset:20;	size:4;	signed:0;

        print fmt: "client %lu request %d tag  %d", (long)REC->clnt, REC->type, REC->tag
        """;

    public static TheoryData<string> HostileNames => new()
    {
        "", "kfree skb", "../skb", "skb\"); system(\"x", "skb\n", "kfree-skb", new string('a', TraceNames.MaxLength + 1), "skb*",
    };

    [Theory]
    [InlineData("9p")]
    [InlineData("skb")]
    [InlineData("_x")]
    public void ASystemOrEvent_MayStartWithADigit_AsTheKernelNamesThem(string name)
    {
        Assert.True(TraceNames.IsSystem(name));
        Assert.True(TraceNames.IsEvent(name + "_client_req"));
    }

    [Fact]
    public void AFieldName_IsACIdentifier_SoItCannotStartWithADigit()
    {
        Assert.True(TraceNames.IsField("skbaddr"));
        Assert.False(TraceNames.IsField("9p"));
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void EveryWayIn_RefusesTheSameNames(string name)
    {
        Assert.False(TraceNames.IsSystem(name));
        Assert.False(TraceNames.IsEvent(name));

        // The attribute.
        GeneratorOutcome outcome = GeneratorHarness.Run($$"""[TpGen.Tracepoint("skb", {{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(name, quote: true)}})] public partial class P;""");
        Assert.Contains(outcome.AnalyzerDiagnostics, d => d.Id == "TPGEN0004");
        Assert.Empty(outcome.Result.GeneratedTrees);

        // A format file (a name line ends at the newline, so such a name cannot be written there).
        if (!name.Contains('\n'))
            Assert.Null(FormatFileReader.Read(NinePFormat.Replace("name: 9p_client_req", "name: " + name), "9p", "format", null).Schema);

        // The BPF emitter, should a schema carry the name some other way.
        TracepointSchema schema = Read(NinePFormat, "9p");
        Assert.Throws<ArgumentException>(() => BpfEmitter.Emit("P", [schema with { Name = name }]));
        Assert.Throws<ArgumentException>(() => BpfEmitter.Emit("P", [schema with { System = name }]));
    }

    [Fact]
    public void A9pEvent_ReadsEmitsAndGeneratesCodeThatCompiles()
    {
        TracepointSchema schema = Read(NinePFormat, "9p");
        Assert.Equal("9p:9p_client_req", schema.FullName);
        Assert.Contains("SEC(\"tracepoint/9p/9p_client_req\")", BpfEmitter.Emit("P", [schema]));

        GeneratorOutcome outcome = GeneratorHarness.Run("""[TpGen.Tracepoint("9p", "9p_client_req")] public partial class NineP;""",
            new FormatInput("/project/Tracepoints/9p/9p_client_req/format", NinePFormat));
        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        Assert.Contains("_9pClientReq", outcome.GeneratedSource);
    }

    private static TracepointSchema Read(string text, string system) =>
        FormatFileReader.Read(text, system, "format", null).Schema ?? throw new InvalidOperationException("the fixture does not parse");
}
