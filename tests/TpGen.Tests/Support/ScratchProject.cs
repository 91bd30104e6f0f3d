using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// A throwaway project outside the repository that uses TpGen from the repository's build output
/// (copied in, so any user can read it): the generator and core as analyzers, the runtime and core, and the
/// MSBuild props, targets and tasks. Built with <c>dotnet build</c>, as root or as another user.
/// </summary>
internal sealed class ScratchProject : IDisposable
{
    private static string Configuration => Fixtures.BuildConfiguration;

    /// <param name="name">The project's name.</param>
    /// <param name="source">Its one C# file.</param>
    /// <param name="properties">More MSBuild properties, as XML.</param>
    /// <param name="parent">Where to make it; default the temp directory (which VMs do not see: they get a /tmp of their own).</param>
    public ScratchProject(string name, string source, string properties = "", string? parent = null)
    {
        Root = parent is null
            ? Directory.CreateTempSubdirectory("tpgen-scratch-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, "tpgen-scratch-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string tpgen = Path.Combine(Root, "tpgen");
        string repository = Fixtures.RepositoryRoot;
        Copy(Path.Combine(repository, "src", "Build", "bin", Configuration, "net10.0"), Path.Combine(tpgen, "tasks"));
        Copy(Path.Combine(repository, "src", "Build", "buildTransitive"), Path.Combine(tpgen, "build"));
        Copy(Path.Combine(repository, "src", "Runtime", "bin", Configuration, "net10.0"), Path.Combine(tpgen, "lib"));
        Copy(Path.Combine(repository, "src", "Generator", "bin", Configuration, "netstandard2.0"), Path.Combine(tpgen, "analyzers"));
        Directory.CreateDirectory(Path.Combine(Root, "home"));

        ProjectDirectory = Path.Combine(Root, name);
        Directory.CreateDirectory(ProjectDirectory);
        File.WriteAllText(Path.Combine(ProjectDirectory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TpGenTasksAssembly>{tpgen}/tasks/TpGen.Build.dll</TpGenTasksAssembly>
                {properties}
              </PropertyGroup>
              <Import Project="{tpgen}/build/TpGen.props" />
              <ItemGroup>
                <Analyzer Include="{tpgen}/analyzers/TpGen.Generator.dll;{tpgen}/analyzers/TpGen.Core.dll" />
                <Reference Include="{tpgen}/lib/TpGen.Runtime.dll;{tpgen}/lib/TpGen.Core.dll" />
              </ItemGroup>
              <Import Project="{tpgen}/build/TpGen.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(ProjectDirectory, "Probes.cs"), source);
        Name = name;
        // Everything is readable and writable by the other user a test may build as.
        IsolatedDotnet.ShareWithEveryone(Root);
    }

    public string Root { get; }

    public string Name { get; }

    public string ProjectDirectory { get; }

    public string Assembly => Path.Combine(ProjectDirectory, "bin", "Debug", "net10.0", Name + ".dll");

    /// <summary>Replaces the project's source (Probes.cs), as an edit between two builds.</summary>
    public void WriteSource(string source) => File.WriteAllText(Path.Combine(ProjectDirectory, "Probes.cs"), source);

    /// <summary>Adds a snapshot to the project's Tracepoints/ folder.</summary>
    public void AddSnapshot(string system, string name, string text) => AddSnapshot(null, system, name, text);

    /// <summary>Adds one kernel's snapshot to the project's Tracepoints/ folder (Tracepoints/KERNEL/system/event/format), or the one-kernel layout's when <paramref name="kernel"/> is null.</summary>
    public void AddSnapshot(string? kernel, string system, string name, string text)
    {
        string path = Path.Combine(ProjectDirectory, "Tracepoints", TpGen.Frontends.Tracefs.SnapshotLayout.PathOf(kernel, system, name));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        IsolatedDotnet.ShareWithEveryone(ProjectDirectory);
    }

    /// <summary>Builds the project, as root or (<paramref name="asUser"/>) as another user with no access to tracefs.</summary>
    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in the project (publish, say), as root.</summary>
    public ProgramResult Run(params string[] arguments) =>
        new IsolatedDotnet(Path.Combine(Root, "home")).Run(ProjectDirectory, [.. arguments, "-nodeReuse:false", "-v:q", "-clp:NoSummary"], null);

    public ProgramResult Build(int? asUser = null) =>
        new IsolatedDotnet(Path.Combine(Root, "home")).Run(ProjectDirectory, ["build", "-nodeReuse:false", "-v:n", "-clp:NoSummary"], asUser);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static void Copy(string from, string to)
    {
        Assert.True(Directory.Exists(from), $"{from} is not built");
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
