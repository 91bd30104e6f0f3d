using System;
using System.IO;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

/// <summary>
/// Systems and events whose names start with a digit: the 9p module's (Debian 6.1's formats, as
/// tests/vm/export-events dumped them from a VM that loads 9p; WSL2 kernels have them built in).
/// </summary>
public sealed class ToolDigitNameTests
{
    private static string Events => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Debian61");

    private static readonly string[] NinePEvents = ["9p:9p_client_req", "9p:9p_client_res", "9p:9p_fid_ref", "9p:9p_protocol_dump"];

    [Theory]
    [InlineData("9p:*")]
    [InlineData("9p")]
    [InlineData("9?:9p_*")]
    public void List_Of9p_ListsItsEvents(string pattern)
    {
        ProgramResult list = ToolRunner.Run("list", pattern, "--events-dir", Events);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(NinePEvents, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void ShowAndPull_Of9pEvents_ShowTheirFields_AndWriteSnapshotsThatReadBack()
    {
        string output = Directory.CreateTempSubdirectory("tpgen-pull-9p").FullName;
        try
        {
            ProgramResult show = ToolRunner.Run("show", "9p:9p_client_req", "--events-dir", Events);
            ProgramResult csharp = ToolRunner.Run("show", "9p:*", "--csharp", "--events-dir", Events);
            ProgramResult pull = ToolRunner.Run("pull", "9p:*", "--events-dir", Events, "--out", output);

            Assert.Equal(0, show.ExitCode);
            Assert.Contains("9p:9p_client_req (id ", show.Output);
            Assert.Equal(0, csharp.ExitCode);
            Assert.Contains("public const string SystemName = \"9p\";", csharp.Output);
            Assert.Equal(0, pull.ExitCode);
            foreach (string name in NinePEvents.Select(e => e.Split(':')[1]))
            {
                string path = Path.Combine(output, "9p", name, "format");
                Assert.Equal(Tracefs.ReadEvent(Events, "9p", name), FormatFileReader.ReadOrThrow(File.ReadAllText(path), "9p", path, name));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Check_Of9pEvents_ParsesAndCompilesTheirCSharpAndBpf()
    {
        KernelFacility.RequireClang();

        ProgramResult check = ToolRunner.Run("check", "--events-dir", Events, "--no-load");

        Assert.Equal(0, check.ExitCode);
        Assert.Contains("checked 4 events: parsed 4, C# compiled 4, BPF compiled 4", check.Output);
    }

    [Fact]
    public void Trace_Of9p_IsAValidSpec_ThatThisKernelMayLack()
    {
        KernelFacility.RequireTracefs();
        bool here = Directory.Exists(Path.Combine(Tracefs.EventsDirectory, "9p"));

        ProgramResult trace = ToolRunner.Run("trace", "9p:*", "--limit", "1", "--duration", "1");

        // Refused only for being absent, never as a malformed name.
        Assert.DoesNotContain("is not an event", trace.Error);
        if (!here)
        {
            Assert.Equal(2, trace.ExitCode);
            Assert.Contains("no event matches '9p:*'", trace.Error);
        }
    }
}
