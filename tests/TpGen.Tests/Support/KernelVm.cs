using System;
using System.Collections.Concurrent;
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
/// Boots are slow (5-10 s under emulation), so tests share them where they can. Two VMs run at a
/// time (here through a semaphore, across processes through the runner's own slots): one keeps
/// about one core of this 2-core machine busy, so two side by side use both.
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

    /// <summary>The kernels the cross-kernel tests boot.</summary>
    public static readonly IReadOnlyList<string> Releases = [Debian61, Debian612];

    /// <summary>VMs this process runs at once: tests/vm/run's slots (TPGEN_VM_SLOTS, 2 unless set).</summary>
    // The same number as the runner's: with fewer slots there, a second VM would wait for one while
    // its guard below already counts.
    public static readonly int AtOnce =
        int.TryParse(Environment.GetEnvironmentVariable("TPGEN_VM_SLOTS"), NumberStyles.None, CultureInfo.InvariantCulture, out int slots) && slots > 0 ? slots : 2;

    private static readonly SemaphoreSlim Slots = new(AtOnce, AtOnce);

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
        (bool canBoot, string said) = Check(release);
        if (!canBoot)
            Missing($"kernel {release} cannot be booted in a VM here: {said}");
    }

    /// <summary>Whether kernel <paramref name="release"/> can be booted here (as <see cref="Require"/> asks), without failing or skipping.</summary>
    public static bool CanBoot(string release) => File.Exists(Runner) && Check(release).CanBoot;

    private static readonly ConcurrentDictionary<string, Lazy<(bool CanBoot, string Said)>> Checked = new(StringComparer.Ordinal);

    // tests/vm/run --check RELEASE: its verdict and what it said, asked once per release.
    private static (bool CanBoot, string Said) Check(string release) =>
        Checked.GetOrAdd(release, r => new Lazy<(bool, string)>(() => RunCheck(r))).Value;

    private static (bool CanBoot, string Said) RunCheck(string release)
    {
        var start = Start(Runner, ["--check", release]);
        using Process check = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Runner);
        check.StandardInput.Close();
        Task<string> output = check.StandardOutput.ReadToEndAsync();
        Task<string> error = check.StandardError.ReadToEndAsync();
        if (!check.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            check.Kill(entireProcessTree: true);
            return (false, $"{Runner} --check {release} did not answer in 30 s");
        }
        check.WaitForExit();
        return (check.ExitCode == 0, (output.Result + error.Result).Trim());
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

        await Slots.WaitAsync();
        try
        {
            using Process runner = Process.Start(Start(Runner, runnerArguments)) ?? throw new InvalidOperationException("could not start " + Runner);
            runner.StandardInput.Close();
            Task<string> output = runner.StandardOutput.ReadToEndAsync();
            Task<string> error = runner.StandardError.ReadToEndAsync();
            // The runner keeps its own time and stops qemu itself; this is the guard behind it
            // (other processes' VMs may hold the machine's slots for a while first).
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
            Slots.Release();
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
