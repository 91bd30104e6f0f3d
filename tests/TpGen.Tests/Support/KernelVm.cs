using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Runs a command inside another kernel: tests/vm/run boots one of Debian's kernel images under
/// qemu with this machine's root, read-only, and the command's output and exit code come back.
/// Boots are slow (5-10 s under emulation), so tests share them where they can, and one VM runs at
/// a time (here through a lock, across processes through the runner's own).
/// </summary>
internal static class KernelVm
{
    /// <summary>Debian 12's 6.1 kernel, the release of the reference dump.</summary>
    public const string Debian61 = KernelFacility.Debian61Release;

    /// <summary>Debian 12's backported 6.12 kernel.</summary>
    public const string Debian612 = "6.12.117+deb12-amd64";

    /// <summary>The exit code of the runner itself failing (no boot, a module, a timeout), never the command's.</summary>
    public const int RunnerFailed = 125;

    /// <summary>Where the guest sees the host directory given as <c>outDirectory</c>.</summary>
    public const string GuestOutDirectory = "/tmp/tpgen-vm";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>tests/vm/run in this repository.</summary>
    public static string Runner => Path.Combine(Fixtures.RepositoryRoot, "tests", "vm", "run");

    /// <summary>
    /// Kernel <paramref name="release"/> can be booted here (qemu, a static busybox and the unpacked
    /// kernel, as tests/vm/run --check says). Skips with the reason where not; with
    /// TPGEN_REQUIRE_KERNEL=1 (as CI sets it) it fails instead.
    /// </summary>
    public static void Require(string release)
    {
        if (!File.Exists(Runner))
            Missing($"the VM runner is not at {Runner}");
        var start = Start(Runner, ["--check", release]);
        using Process check = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Runner);
        check.StandardInput.Close();
        Task<string> output = check.StandardOutput.ReadToEndAsync();
        Task<string> error = check.StandardError.ReadToEndAsync();
        if (!check.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            check.Kill(entireProcessTree: true);
            Assert.Fail($"{Runner} --check {release} did not answer in 30 s");
        }
        check.WaitForExit();
        if (check.ExitCode != 0)
            Missing($"kernel {release} cannot be booted in a VM here: {(output.Result + error.Result).Trim()}");
    }

    /// <summary>
    /// Boots <paramref name="release"/>, runs <paramref name="fileName"/> with <paramref name="arguments"/>
    /// inside it (in this process's working directory, which the guest shares) and returns what it
    /// printed and its exit code; <see cref="RunnerFailed"/> with the reason on standard error when
    /// the VM failed instead. What the guest writes to <see cref="GuestOutDirectory"/> lands in
    /// <paramref name="outDirectory"/> on this side, when one is given.
    /// </summary>
    public static async Task<ProgramResult> RunAsync(
        string release,
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? outDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var runnerArguments = new List<string> { "--timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) };
        if (outDirectory is not null)
            runnerArguments.AddRange(["--out", outDirectory]);
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
            runnerArguments.AddRange(["--env", variable.Key + "=" + variable.Value]);
        runnerArguments.AddRange([release, "--", fileName, .. arguments]);

        await OneAtATime.WaitAsync();
        try
        {
            using Process runner = Process.Start(Start(Runner, runnerArguments)) ?? throw new InvalidOperationException("could not start " + Runner);
            runner.StandardInput.Close();
            Task<string> output = runner.StandardOutput.ReadToEndAsync();
            Task<string> error = runner.StandardError.ReadToEndAsync();
            // The runner keeps its own time and stops qemu itself; this is the guard behind it
            // (another process's VM may hold the machine's lock for a while first).
            using var guard = new CancellationTokenSource(timeout + TimeSpan.FromMinutes(3));
            try
            {
                await runner.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                runner.Kill(entireProcessTree: true);
                await runner.WaitForExitAsync();
                Assert.Fail($"{Runner} {release} did not finish (its own timeout was {timeout}): {await error}");
            }
            return new ProgramResult(runner.ExitCode, await output, await error);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>Asserts that a command run by <see cref="RunAsync"/> exited with 0, showing everything when not.</summary>
    public static void Succeeded(ProgramResult result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what} exited with {result.ExitCode}{(result.ExitCode == RunnerFailed ? " (the VM failed)" : "")}:\n{result.Output}\n{result.Error}");

    private static ProcessStartInfo Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private static void Missing(string reason)
    {
        if (KernelFacility.Required)
            Assert.Fail("TPGEN_REQUIRE_KERNEL=1 but " + reason);
        Assert.Skip(reason);
    }
}
