using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Packaging;

/// <summary>
/// TpGen's packages, packed from this checkout by <c>scripts/pack</c> (as a user would) into a
/// folder feed outside the repository, once for all the packaging tests.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    public LocalFeed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tpgen-feed-").FullName;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Fixtures.RepositoryRoot };
        start.ArgumentList.Add(Path.Combine(Fixtures.RepositoryRoot, "scripts", "pack"));
        start.ArgumentList.Add(Directory);
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        PackResult = new RunningProgram(Process.Start(start)!).Finish(TimeSpan.FromMinutes(15));
        // Readable by the other user a build runs as.
        IsolatedDotnet.ShareWithEveryone(Directory);
    }

    /// <summary>The folder feed.</summary>
    public string Directory { get; }

    /// <summary>What scripts/pack printed and returned.</summary>
    internal ProgramResult PackResult { get; }

    /// <summary>The path of package <paramref name="id"/> in the feed; fails when scripts/pack did not make it.</summary>
    public string Package(string id)
    {
        IsolatedDotnet.Succeeded(PackResult, "scripts/pack");
        string[] packages = System.IO.Directory.GetFiles(Directory, id + ".*.nupkg")
            .Where(path => char.IsDigit(Path.GetFileName(path)[id.Length + 1]))
            .ToArray();
        Assert.True(packages.Length == 1, $"expected one {id} package in {Directory}, found: {string.Join(", ", packages)}");
        return packages[0];
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
