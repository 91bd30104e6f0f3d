using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using TpGen.Tests.Support;

namespace TpGen.Tests.Packaging;

/// <summary>
/// A directory outside the repository standing in for a newcomer's machine: its own home and
/// NuGet cache, and a nuget.config whose only source is the local feed, so everything a project
/// here builds with comes from TpGen's packages.
/// </summary>
internal sealed class PackageSandbox : IDisposable
{
    public PackageSandbox(LocalFeed feed)
    {
        Feed = feed;
        Root = Directory.CreateTempSubdirectory("tpgen-newcomer-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "home"));
        Dotnet = new IsolatedDotnet(Path.Combine(Root, "home"));
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="tpgen-local" value="{SecurityElement.Escape(feed.Directory)}" />
              </packageSources>
            </configuration>
            """);
    }

    public LocalFeed Feed { get; }

    public string Root { get; }

    public IsolatedDotnet Dotnet { get; }

    /// <summary>Runs <c>dotnet</c> in <paramref name="directory"/> (relative to the sandbox) and asserts it succeeded.</summary>
    public ProgramResult Run(string directory, params string[] arguments) => RunAs(null, directory, arguments);

    /// <summary>As <see cref="Run"/>, as user <paramref name="user"/> when not null.</summary>
    public ProgramResult RunAs(int? user, string directory, params string[] arguments)
    {
        string path = Path.Combine(Root, directory);
        Directory.CreateDirectory(path);
        if (user is not null)
            IsolatedDotnet.ShareWithEveryone(Root);
        ProgramResult result = Dotnet.Run(path, arguments, user);
        IsolatedDotnet.Succeeded(result, $"dotnet {string.Join(' ', arguments)} in {path}");
        return result;
    }

    /// <summary>The C# files the generator wrote for a project built with EmitCompilerGeneratedFiles, by name.</summary>
    public IReadOnlyDictionary<string, string> GeneratedSources(string project)
    {
        string generated = Path.Combine(Root, project, "obj", "Debug", "net10.0", "generated", "TpGen.Generator");
        return Directory.EnumerateFiles(generated, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(generated, path), File.ReadAllText);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
