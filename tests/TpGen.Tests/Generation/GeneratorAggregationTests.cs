using System.Linq;
using Microsoft.CodeAnalysis;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

/// <summary>
/// Aggregation attributes on a probe set class: the generator checks them against the events'
/// descriptions (TPGEN0050 on the attribute) and generates typed properties that compile.
/// </summary>
public sealed class GeneratorAggregationTests
{
    private static readonly FormatInput KfreeSkb = FormatInput.Fixture("skb", "kfree_skb");
    private static readonly FormatInput ConsumeSkb = FormatInput.Fixture("skb", "consume_skb");

    [Fact]
    public void AggregationAttributes_GenerateTypedProperties_KeyedByTheGeneratedEnums_ThatCompile()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            using System.Linq;
            using TpGen;
            using TpGen.Aggregations;
            namespace App;
            [Tracepoint("skb", "kfree_skb")]
            [Tracepoint("skb", "consume_skb")]
            [Count("DropsByReason", Event = "skb:kfree_skb", By = "reason")]
            [Count("DropsByReasonAndComm", Event = "skb:kfree_skb", By = "reason, comm")]
            [Count("ByStack", Event = "skb:kfree_skb", By = "kstack", MaxEntries = 64)]
            [Sum("Protocols", "protocol", Event = "skb:kfree_skb", By = "pid")]
            [Histogram("ProtocolSizes", "protocol", Event = "skb:kfree_skb")]
            [Histogram("Linear", "protocol", Event = "skb:kfree_skb", Min = 0, Max = 65536, Step = 4096)]
            [Latency("ConsumedAfterDrop", "skb:kfree_skb", "skb:consume_skb", StartKey = "skbaddr", EndKey = "skbaddr")]
            public partial class SkbDrops;
            public static class User
            {
                public static long NoSocket(SkbDrops drops) => drops.DropsByReason.Read().GetValueOrDefault(SkbDrops.SkbDropReason.NO_SOCKET);
                public static long Of(SkbDrops drops, string comm) => drops.DropsByReasonAndComm.Read()[new SkbDrops.DropsByReasonAndCommKey(SkbDrops.SkbDropReason.NO_SOCKET, comm)];
                public static string Top(SkbDrops drops) => drops.ByStack.Read().MaxBy(e => e.Value).Key.Folded;
                public static long Sum(SkbDrops drops, int pid) => drops.Protocols.ReadAndReset()[pid];
                public static Histogram Sizes(SkbDrops drops) => drops.ProtocolSizes.Read()[Unkeyed.Value];
                public static long At(SkbDrops drops) => drops.Linear.Read()[Unkeyed.Value].CountAt(34525) + drops.ConsumedAfterDrop.Read()[Unkeyed.Value].Count;
                public static int All(SkbDrops drops) => drops.Aggregations.Count;
            }
            """, KfreeSkb, ConsumeSkb);

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.CompileProblems);
        string generated = Assert.Single(outcome.Result.GeneratedTrees).ToString();
        Assert.Contains("Aggregations = new global::TpGen.Aggregations.AggregationSpec[]", generated);
        Assert.Contains("public readonly record struct DropsByReasonAndCommKey(SkbDropReason Reason, string Comm);", generated);
    }

    [Fact]
    public void AnAggregationOfAFieldTheEventLacks_IsTPGEN0050OnItsAttribute_NamingTheFields()
    {
        GeneratorOutcome outcome = GeneratorHarness.Run("""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            [TpGen.Sum("Bytes", "len")]
            public partial class SkbDrops;
            """, KfreeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0050", error.Id);
        Assert.StartsWith("Aggregation 'Bytes': skb:kfree_skb has no field 'len' (its fields: ", error.GetMessage());
        Assert.Contains("protocol", error.GetMessage());
        Assert.Equal("TpGen.Sum(\"Bytes\", \"len\")", outcome.TextAt(error));
        Assert.Empty(outcome.Result.GeneratedTrees);
    }

    [Theory]
    [InlineData("""[TpGen.Count("Drops")]""", "the probe set has several events")]
    [InlineData("""[TpGen.Count("KfreeSkb", Event = "skb:kfree_skb")]""", "a member TpGen generates")]
    [InlineData("""[TpGen.Count("Drops", Event = "skb:kfree_skb", By = "nope")]""", "nope")]
    [InlineData("""[TpGen.Histogram("Sizes", "protocol", Event = "skb:kfree_skb", Min = 0, Max = 100, Step = 7)]""", "multiple of its step")]
    [InlineData("""[TpGen.Latency("Gap", "skb:kfree_skb", "net:netif_rx")]""", "not in the probe set")]
    public void AnAggregationThatDoesNotFit_IsTPGEN0050SayingWhy(string attribute, string why)
    {
        GeneratorOutcome outcome = GeneratorHarness.Run($$"""
            [TpGen.Tracepoint("skb", "kfree_skb")]
            [TpGen.Tracepoint("skb", "consume_skb")]
            {{attribute}}
            public partial class SkbDrops;
            """, KfreeSkb, ConsumeSkb);

        Diagnostic error = Assert.Single(outcome.Errors);
        Assert.Equal("TPGEN0050", error.Id);
        Assert.Contains(why, error.GetMessage());
        Assert.Equal(attribute.Trim('[', ']'), outcome.TextAt(error));
    }
}
