using System.IO;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Build;

/// <summary>
/// The build's BPF step (a probe set with an in-kernel filter has an object of its own) costs
/// nothing when nothing changed, and the application still gets its objects.
/// </summary>
public sealed class BpfStepBuildTests
{
    [Fact]
    public void ABuildWithNothingChanged_SkipsTheBpfStep_AndStillPlacesTheObject()
    {
        KernelFacility.RequireClang();
        using var project = new ScratchProject("BpfStep", """
            [TpGen.Tracepoint("skb", "kfree_skb", Filter = "reason == NO_SOCKET")]
            public partial class SkbDrops;
            """, "<TpGenUseTracefs>false</TpGenUseTracefs><TpGenUseBtf>false</TpGenUseBtf>");
        project.AddSnapshot("skb", "kfree_skb", Fixtures.FormatText("skb", "kfree_skb"));
        string bpf = Path.Combine(Path.GetDirectoryName(project.Assembly)!, "bpf");

        ProgramResult first = project.Build();
        IsolatedDotnet.Succeeded(first, "the first build");
        string compiled = Path.GetFileName(Assert.Single(Directory.GetFiles(bpf, "*.bpf.o")));
        Directory.Delete(bpf, recursive: true);
        ProgramResult second = project.Build();

        IsolatedDotnet.Succeeded(second, "the second build");
        Assert.DoesNotContain("Skipping target \"TpGenCompileBpf\"", first.Output);
        Assert.Contains("Skipping target \"TpGenCompileBpf\" because all output files are up-to-date", second.Output);
        Assert.Equal(compiled, Path.GetFileName(Assert.Single(Directory.GetFiles(bpf, "*.bpf.o"))));
        // What the step keeps between builds is in obj/, not among the project's sources.
        Assert.True(File.Exists(Path.Combine(project.ProjectDirectory, "obj", "Debug", "net10.0", "tpgen", "bpf", "objects.txt")));
        Assert.False(Directory.Exists(Path.Combine(project.ProjectDirectory, "tpgen")));
    }
}
