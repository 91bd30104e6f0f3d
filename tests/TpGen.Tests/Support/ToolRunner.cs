using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>What a program printed and returned.</summary>
internal sealed record ProgramResult(int ExitCode, string Output, string Error);

/// <summary>Runs the built samples and the tpgen tool as separate processes, as their users do.</summary>
internal static class ToolRunner
{
    /// <summary>The configuration the tests were built with; the tool and samples are built alongside.</summary>
    private static string Configuration => Fixtures.BuildConfiguration;

    /// <summary>
    /// The dotnet host, as a full path: programs are also started with an empty PATH (to show they
    /// need no clang), where a bare "dotnet" would not be found.
    /// </summary>
    public static string Dotnet { get; } = FindDotnet();

    private static string FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
            return host;
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "dotnet");
            if (File.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        return "dotnet";
    }

    public static string TpGen => Built(Path.Combine("src", "Tool"), "tpgen.dll");

    public static string DropWatch => Built(Path.Combine("samples", "DropWatch"), "DropWatch.dll");

    /// <summary>Runs <c>tpgen</c> with <paramref name="arguments"/> and waits for it.</summary>
    public static ProgramResult Run(params string[] arguments) => Start(arguments).Finish();

    /// <summary>Starts <c>tpgen</c>; the caller reads its streams and waits.</summary>
    public static RunningProgram Start(params string[] arguments) => StartUnder([], TpGen, "tpgen trace: tracing", arguments);

    /// <summary>Starts <c>tpgen serve</c>; <see cref="RunningProgram.StartedAsync"/> waits until it serves.</summary>
    public static RunningProgram StartServe(params string[] arguments) => StartUnder([], TpGen, "tpgen serve: serving", ["serve", .. arguments]);

    /// <summary>Starts samples/DropWatch; <see cref="RunningProgram.StartedAsync"/> waits until it watches.</summary>
    public static RunningProgram StartDropWatch(params string[] arguments) => StartUnder([], DropWatch, "dropwatch: watching", arguments);

    /// <summary>Starts <c>tpgen</c> with environment variables (<c>NAME=VALUE</c>) added to this process's; the caller reads its streams and waits.</summary>
    public static RunningProgram StartWithEnvironment(string[] variables, params string[] arguments) => StartUnder(["env", .. variables], TpGen, "tpgen trace: tracing", arguments);

    /// <summary>Starts <c>tpgen</c> with its standard output and error both into <paramref name="file"/>, as <c>&gt; file 2&gt;&amp;1</c> does.</summary>
    public static RunningProgram StartIntoOneFile(string file, params string[] arguments) =>
        StartUnder(["bash", "-c", "out=$1; shift; exec \"$@\" > \"$out\" 2>&1", "into-one-file", file], TpGen, "tpgen trace: tracing", arguments);

    /// <summary>Runs <c>tpgen</c> under a wrapper command such as setpriv, and waits for it.</summary>
    public static ProgramResult RunUnder(string[] wrapper, params string[] arguments) => StartUnder(wrapper, TpGen, "tpgen trace: tracing", arguments).Finish();

    private static RunningProgram StartUnder(string[] wrapper, string assembly, string startedMarker, string[] arguments)
    {
        // As from a terminal: SIGINT and SIGTERM at their default disposition, even when the test
        // runner itself was started with them ignored (nohup, a background job), which a child inherits.
        wrapper = ["env", "--default-signal=INT,TERM", .. wrapper];
        var start = new ProcessStartInfo(wrapper.Length > 0 ? wrapper[0] : Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        for (int i = 1; i < wrapper.Length; i++)
            start.ArgumentList.Add(wrapper[i]);
        if (wrapper.Length > 0)
            start.ArgumentList.Add(Dotnet);
        start.ArgumentList.Add(assembly);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        return new RunningProgram(Process.Start(start)!, startedMarker);
    }

    private static string Built(string project, string assembly)
    {
        string path = Path.Combine(Fixtures.RepositoryRoot, project, "bin", Configuration, "net10.0", assembly);
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }
}

/// <summary>A started program whose output is collected as it comes.</summary>
internal sealed class RunningProgram : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly System.Text.StringBuilder _error = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _ready;

    /// <param name="process">The started program, its output redirected.</param>
    /// <param name="ready">The text on standard error that says the program is under way (default: tpgen trace's).</param>
    public RunningProgram(Process process, string? ready = null)
    {
        _ready = ready ?? "tpgen trace: tracing";
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (_error)
                _error.AppendLine(line.Data);
            if (line.Data.Contains(_ready, StringComparison.Ordinal))
                _started.TrySetResult();
        };
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Waits until <c>tpgen trace</c> says it is tracing (its programs are attached).</summary>
    public Task TracingAsync() => StartedAsync();

    /// <summary>Waits until the program says it is under way (tpgen trace "tracing", DropWatch "watching").</summary>
    public async Task StartedAsync()
    {
        await Task.WhenAny(_started.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        Assert.True(_started.Task.IsCompleted, $"the program did not say '{_ready}': " + Error);
    }

    public string Error
    {
        get
        {
            lock (_error)
                return _error.ToString();
        }
    }

    /// <summary>Sends a signal (SIGINT, SIGTERM) as a shell or a service manager would.</summary>
    public void Signal(string name) => Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public ProgramResult Finish() => Finish(TimeSpan.FromMinutes(10));

    public ProgramResult Finish(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"{_process.StartInfo.FileName} did not finish in {timeout}: " + Error);
        }
        _process.WaitForExit();
        return new ProgramResult(_process.ExitCode, _output.GetAwaiter().GetResult(), Error);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
