using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// One build, every kernel: the same programs, built once on this machine, run here and inside
/// Debian's 6.1 and 6.12 kernels, each under a UDP flood whose drops the kernel counts in
/// /proc/net/snmp. One script runs every program in turn and writes, per program, its output and
/// the rise of NoPorts while it ran; each kernel runs the script once, and the tests read it.
/// </summary>
internal sealed class CrossKernelRun
{
    /// <summary>The kernel this machine runs.</summary>
    public const string Here = "here";

    // bash, with the out directory, then name/command pairs (a command is one word list, ';'-terminated).
    private const string Script = """
        out="$1"; shift
        noports() { awk '/^Udp:/ { if (++row == 2) print $3 }' /proc/net/snmp; }
        while [ "$#" -gt 0 ]; do
            name="$1"; shift
            command=()
            while [ "$1" != ";" ]; do command+=("$1"); shift; done
            shift
            before="$(noports)"
            "${command[@]}" > "$out/$name.out" 2> "$out/$name.err"
            echo "$?" > "$out/$name.status"
            echo "$(( $(noports) - before ))" > "$out/$name.noports"
        done
        """;

    private static readonly ConcurrentDictionary<string, Lazy<Task<CrossKernelRun>>> Runs = new();

    private readonly IReadOnlyDictionary<string, string> _files;

    private CrossKernelRun(string kernel, ProgramResult result, IReadOnlyDictionary<string, string> files)
    {
        Kernel = kernel;
        Result = result;
        _files = files;
    }

    /// <summary><see cref="Here"/> or the release booted.</summary>
    public string Kernel { get; }

    /// <summary>What running the script returned.</summary>
    public ProgramResult Result { get; }

    /// <summary>The run on <paramref name="kernel"/>, started the first time it is asked for.</summary>
    public static Task<CrossKernelRun> OnAsync(string kernel, CrossKernelPrograms programs) =>
        Runs.GetOrAdd(kernel, k => new Lazy<Task<CrossKernelRun>>(() => RunAsync(k, programs))).Value;

    /// <summary>What program <paramref name="name"/> printed, its exit status, and how much the kernel's Udp NoPorts rose meanwhile.</summary>
    public ProgramRun Program(string name) => new(
        Int(File(name + ".status")),
        File(name + ".out"),
        File(name + ".err"),
        long.Parse(File(name + ".noports"), CultureInfo.InvariantCulture));

    private string File(string name) =>
        _files.TryGetValue(name, out string? text)
            ? text.TrimEnd('\n')
            : throw new Xunit.Sdk.XunitException($"the run on {Kernel} wrote no {name} (exit {Result.ExitCode}):\n{Result.Output}\n{Result.Error}");

    private static async Task<ProgramResult> RunHereAsync(string[] command, TimeSpan timeout)
    {
        // As from a terminal: SIGTERM at its default disposition, whatever the test runner inherited.
        var start = new System.Diagnostics.ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--default-signal=INT,TERM", .. command])
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var guard = new System.Threading.CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the cross-kernel run here did not finish in {timeout}");
        }
        return new ProgramResult(process.ExitCode, await output, await error);
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<CrossKernelRun> RunAsync(string kernel, CrossKernelPrograms programs)
    {
        IReadOnlyList<(string Name, string[] Command)> commands = await programs.CommandsAsync();
        string out_ = Directory.CreateTempSubdirectory("tpgen-cross-kernel-").FullName;
        try
        {
            var arguments = new List<string>();
            foreach ((string name, string[] command) in commands)
                arguments.AddRange([name, .. command, ";"]);
            ProgramResult result;
            if (kernel == Here)
            {
                // The flood counters are the machine's: the tests that ask run in the kernel collection, alone.
                result = await RunHereAsync(["bash", "-c", Script, "cross-kernel", out_, .. arguments], TimeSpan.FromMinutes(5));
            }
            else
            {
                result = await KernelVm.RunAsync(kernel, "bash", ["-c", Script, "cross-kernel", KernelVm.GuestOutDirectory, .. arguments], TimeSpan.FromMinutes(8), out_);
            }
            Dictionary<string, string> files = Directory.GetFiles(out_).ToDictionary(path => Path.GetFileName(path), System.IO.File.ReadAllText);
            return new CrossKernelRun(kernel, result, files);
        }
        finally
        {
            Directory.Delete(out_, recursive: true);
        }
    }
}

/// <summary>One program's run: exit status, output, and the rise of Udp NoPorts while it ran.</summary>
internal sealed record ProgramRun(int Status, string Output, string Error, long NoPortsDelta)
{
    /// <summary>The number after <paramref name="label"/> on the output line that starts with it.</summary>
    public long Count(string label)
    {
        string? line = Output.Split('\n').FirstOrDefault(l => l.StartsWith(label + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{label} N' line in:\n{Output}\n{Error}");
        return long.Parse(line!.Substring(label.Length + 1).Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The text after <paramref name="label"/> on the output line that starts with it, or null.</summary>
    public string? Value(string label) =>
        Output.Split('\n').FirstOrDefault(l => l.StartsWith(label + " ", StringComparison.Ordinal))?.Substring(label.Length + 1);

    public override string ToString() => $"status {Status}, NoPorts +{NoPortsDelta}\n{Output}\n{Error}";
}
