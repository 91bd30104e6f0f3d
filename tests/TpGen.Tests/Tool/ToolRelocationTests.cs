using System;
using System.IO;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

/// <summary>
/// The command line's view of one build on several kernels: pull writes one kernel's snapshots of
/// several into a folder of its own, doctor says how a build from them attaches here, and diff
/// says whether a build from one kernel runs on another.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ToolRelocationTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("tpgen-relocation-").FullName;

    private static string Debian61Events => KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "events"), "the Debian 6.1 reference dump");

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void PullWithAKernel_WritesIntoThatKernelsFolder_AndDoctorSaysHowABuildFromItAttachesHere()
    {
        KernelFacility.RequireTracefs();

        ProgramResult pull = ToolRunner.Run("pull", "skb:kfree_skb", "--events-dir", Debian61Events, "--out", _output, "--kernel", "6.1.0-56-amd64");
        ProgramResult doctor = ToolRunner.Run("doctor", "--snapshots", _output);

        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.True(File.Exists(Path.Combine(_output, "6.1.0-56-amd64", "skb", "kfree_skb", "format")));
        Assert.Contains("skb:kfree_skb", doctor.Output);
        Assert.Contains("a build from snapshots of 6.1.0-56-amd64 runs here, relocated by name:", doctor.Output);
        Assert.Contains("moved protocol: at offset 32, 24 in the build", doctor.Output);
        Assert.Contains("renumbered (e.g. NOT_SPECIFIED 2 here, 1 in the build)", doctor.Output);
    }

    [Fact]
    public void PullWithABadKernelName_IsAUsageError()
    {
        ProgramResult pull = ToolRunner.Run("pull", "skb:kfree_skb", "--events-dir", Debian61Events, "--out", _output, "--kernel", "../etc");

        Assert.Equal(2, pull.ExitCode);
        Assert.Contains("is not a kernel name", pull.Error);
    }

    [Fact]
    public void Diff_SaysWhetherABuildFromOneKernelRunsOnTheOther()
    {
        KernelFacility.RequireTracefs();

        ProgramResult diff = ToolRunner.Run("diff", "skb:kfree_skb", "--from", "tracefs:" + Debian61Events, "--to", "tracefs");

        Assert.Equal(1, diff.ExitCode);
        Assert.Contains("a build from the first runs on the second, relocated by name:", diff.Output);
        Assert.Contains("moved reason: at offset 36, 28 in the build", diff.Output);
    }
}
