using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Runs <c>dotnet</c> (or a program it installed) the way a user on a fresh machine would: with
/// its own home, NuGet cache and template hive under <see cref="Home"/>, so nothing the
/// repository's build restored or installed leaks in, and optionally as another user.
/// </summary>
internal sealed class IsolatedDotnet(string home)
{
    public string Home { get; } = home;

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> and waits.</summary>
    public ProgramResult Run(string directory, IEnumerable<string> arguments, int? asUser = null) =>
        Start(ToolRunner.Dotnet, directory, arguments, asUser).Finish(TimeSpan.FromMinutes(10));

    /// <summary>Starts <paramref name="program"/>; <paramref name="ready"/> is the line on standard error that says it is under way.</summary>
    public RunningProgram Start(string program, string directory, IEnumerable<string> arguments, int? asUser = null, string? ready = null)
    {
        var start = new ProcessStartInfo(asUser is null ? program : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = directory,
        };
        if (asUser is { } user)
        {
            foreach (string argument in new[] { $"--reuid={user}", $"--regid={user}", "--clear-groups", "--", program })
                start.ArgumentList.Add(argument);
        }
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["HOME"] = Home;
        start.Environment["DOTNET_CLI_HOME"] = Home;
        start.Environment["NUGET_PACKAGES"] = Path.Combine(Home, ".nuget", "packages");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        // The test host's MSBuild must not steer the child's.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        return new RunningProgram(Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}"), ready);
    }

    /// <summary>Asserts that <paramref name="result"/> succeeded, showing all its output when not.</summary>
    public static void Succeeded(ProgramResult result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what} exited with {result.ExitCode}:\n{result.Output}\n{result.Error}");

    /// <summary>Makes <paramref name="directory"/> readable and writable by any user a step runs as.</summary>
    public static void ShareWithEveryone(string directory) =>
        Process.Start("chmod", ["-R", "a+rwX", directory])!.WaitForExit();
}
