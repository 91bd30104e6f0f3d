using System;
using System.IO;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Build;

/// <summary>Projects in this repository build the way a user builds them, output directory and all.</summary>
public sealed class RepositoryBuildTests
{
    [Theory]
    [InlineData("build", "DropWatch.dll")]
    [InlineData("publish", "DropWatch")] // DropWatch publishes with NativeAOT: one native file
    public void DropWatch_WithAnOutputDirectory_PutsItsProgramThere(string verb, string program)
    {
        KernelFacility.RequireClang();
        DirectoryInfo output = Directory.CreateTempSubdirectory("tpgen-dropwatch-" + verb + "-");
        try
        {
            // -o gives OutputPath to every project DropWatch references; the build tasks must still be where FromSource loads them.
            ProgramResult result = new IsolatedDotnet(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)).Run(Fixtures.RepositoryRoot,
                [verb, Path.Combine("samples", "DropWatch"), "-c", Fixtures.BuildConfiguration, "-o", output.FullName, "--no-restore", "-nodeReuse:false", "-v:q", "-clp:NoSummary"]);

            IsolatedDotnet.Succeeded(result, $"dotnet {verb} samples/DropWatch -o");
            Assert.True(File.Exists(Path.Combine(output.FullName, program)), $"no {program} in {output.FullName}");
            // DropWatch has no filters: it uses the BPF object the runtime carries, and needs none of its own.
            Assert.False(Directory.Exists(Path.Combine(output.FullName, "bpf")) && Directory.GetFiles(Path.Combine(output.FullName, "bpf")).Length > 0);
            // The generator and the build tasks are the build's, not the application's.
            Assert.False(File.Exists(Path.Combine(output.FullName, "TpGen.Generator.dll")));
            Assert.False(File.Exists(Path.Combine(output.FullName, "TpGen.Build.dll")));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
