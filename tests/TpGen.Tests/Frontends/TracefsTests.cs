using System.IO;
using TpGen.Kernel;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Frontends;

/// <summary>How reading an events directory fails: callers act on the kind of problem, never on its message.</summary>
public sealed class TracefsTests
{
    [Fact]
    public void AnEventTheDirectoryLacks_IsEventMissing()
    {
        DirectoryInfo events = Directory.CreateTempSubdirectory("tpgen-events-");
        try
        {
            Directory.CreateDirectory(Path.Combine(events.FullName, "skb", "kfree_skb"));
            File.WriteAllText(Path.Combine(events.FullName, "skb", "kfree_skb", "format"), Fixtures.FormatText("skb", "kfree_skb"));

            var error = Assert.Throws<TracefsException>(() => Tracefs.ReadEvent(events.FullName, "skb", "no_such_event"));

            Assert.Equal(TracefsProblem.EventMissing, error.Problem);
            Assert.Equal("kfree_skb", Tracefs.ReadEvent(events.FullName, "skb", "kfree_skb").Name);
        }
        finally
        {
            events.Delete(recursive: true);
        }
    }

    [Fact]
    public void AMissingEventsDirectory_IsDirectoryMissing_NotAMissingEvent()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tpgen-no-such-events-" + System.Guid.NewGuid().ToString("N"));

        var read = Assert.Throws<TracefsException>(() => Tracefs.ReadEvent(missing, "skb", "kfree_skb"));
        var readAll = Assert.Throws<TracefsException>(() => Tracefs.ReadAll(missing));

        Assert.Equal(TracefsProblem.DirectoryMissing, read.Problem);
        Assert.Equal(TracefsProblem.DirectoryMissing, readAll.Problem);
    }
}
