using System.Linq;
using TpGen.Build;
using Xunit;

namespace TpGen.Tests.Build;

/// <summary>
/// The build reads the events a project asks for from its source text, before the compiler
/// runs, to describe them from BTF or kernel headers. It must see the attributes the compiler
/// sees and nothing else: not attributes in comments or in strings.
/// </summary>
public sealed class RequestedEventsTests
{
    private static string[] Requested(string source) =>
        RequestedEvents.Read(source).Select(e => e.Class is null ? $"{e.System}:{e.Name}" : $"{e.System}:{e.Name} class {e.Class}").ToArray();

    [Fact]
    public void TheTemplatesOwnDocComment_AsksForNothing()
    {
        const string source = """
            using TpGen;

            namespace TpGenProbe;

            /// <summary>
            /// Add another <c>[Tracepoint("system", "event")]</c> to trace more (<c>tpgen list</c> shows them).
            /// </summary>
            [Tracepoint("skb", "kfree_skb")]
            public partial class SkbDrops;
            """;

        Assert.Equal(["skb:kfree_skb"], Requested(source));
    }

    [Fact]
    public void AttributesInCommentsAndStrings_AreNotRequests()
    {
        const string source = """"
            // [Tracepoint("line", "comment")]
            /* [Tracepoint("block", "comment")]
               [Tracepoint("block", "comment2")] */
            /** [Tracepoint("doc", "block")] */
            class Texts
            {
                string a = "[Tracepoint(\"regular\", \"string\")]";
                string b = @"[Tracepoint(""verbatim"", ""string"")]";
                string c = """[Tracepoint("raw", "string")]""";
                string d = $"{"[Tracepoint(\"hole\", \"string\")]"} [Tracepoint(\"interpolated\", \"string\")]";
                string e = $$"""{{"x"}} [Tracepoint("raw", "interpolated")] {not a hole}""";
                char f = '"';
                string g = "/* not a comment */";
            }
            [Tracepoint("skb", "kfree_skb")] // after all of them, the lexer is still in step
            public partial class SkbDrops;
            """";

        Assert.Equal(["skb:kfree_skb"], Requested(source));
    }

    [Fact]
    public void QualifiedNamesListsAndCommentsInsideTheAttribute_AreRequests()
    {
        const string source = """
            [System.Serializable, TpGen.Tracepoint("skb", "consume_skb")]
            [global::TpGen.TracepointAttribute(/* system */ "sched", // the event
                "sched_switch")]
            [Tracepoint(system: "irq", name: @"irq_handler_entry")]
            public partial class Probes;
            """;

        Assert.Equal(["skb:consume_skb", "sched:sched_switch", "irq:irq_handler_entry"], Requested(source));
    }

    [Fact]
    public void TheClassNamedArgument_IsRead()
    {
        const string source = """
            [Tracepoint("block", "block_rq_issue", Class = "block_rq")]
            [Tracepoint("skb", "kfree_skb", Class = null)]
            public partial class Io;
            """;

        Assert.Equal(["block:block_rq_issue class block_rq", "skb:kfree_skb"], Requested(source));
    }

    [Fact]
    public void ArgumentsThatAreNotLiteralNames_AreLeftToTheGenerator()
    {
        const string source = """
            [Tracepoint(Names.System, "kfree_skb")]
            [Tracepoint("skb", "kfree skb")]
            [Tracepoint("sk" + "b", "consume_skb")]
            [Tracepoint($"skb", "consume_skb")]
            public partial class Probes;
            static class Calls { static void M() => Tracepoint("skb", "kfree_skb"); }
            """;

        Assert.Empty(Requested(source));
    }
}
