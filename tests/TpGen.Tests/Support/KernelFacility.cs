using System;
using System.IO;
using System.Linq;
using TpGen.Frontends.Headers;
using TpGen.Kernel;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Tests that need the kernel call these first. Where the facility is missing the test is
/// skipped with the reason; with TPGEN_REQUIRE_KERNEL=1 (as CI sets it) it fails instead.
/// </summary>
internal static partial class KernelFacility
{
    public static bool Required => Environment.GetEnvironmentVariable("TPGEN_REQUIRE_KERNEL") == "1";

    /// <summary>Readable tracefs event formats.</summary>
    public static string RequireTracefs()
    {
        if (!Tracefs.IsMounted)
            Missing($"tracefs is not mounted ({Tracefs.MountCommand})");
        string header = Path.Combine(Tracefs.EventsDirectory, "header_page");
        try
        {
            File.ReadAllText(header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Missing($"tracefs formats are not readable ({e.Message}); run the tests as root");
        }
        return Tracefs.EventsDirectory;
    }

    /// <summary>Root (or CAP_BPF and CAP_PERFMON), tracefs and libbpf: what attaching a probe set needs.</summary>
    public static void RequireBpf()
    {
        RequireTracefs();
        if (Interop.GetEffectiveUserId() != 0)
            Missing("attaching BPF programs needs root (or CAP_BPF and CAP_PERFMON); run the tests as root");
        if (!TpGen.Probes.NativeDependencies.IsLibbpfInstalled())
            Missing($"{TpGen.Probes.NativeDependencies.Libbpf} is not installed ({TpGen.Probes.NativeDependencies.LibbpfAdvice})");
    }

    /// <summary>A clang that compiles BPF (clang or clang-NN on PATH, or TPGEN_CLANG).</summary>
    public static string RequireClang()
    {
        string? clang = TpGen.Probes.BpfCompiler.FindClang();
        if (clang is null)
            Missing("no clang to compile BPF programs (apt-get install clang-14)");
        return clang!;
    }

    /// <summary>A shared library the test loads itself, such as libtraceevent.so.1.</summary>
    public static void RequireLibrary(string soname, string package, bool available)
    {
        if (!available)
            Missing($"{soname} is not installed (apt-get install {package})");
    }

    /// <summary>A program on PATH, such as bpftool.</summary>
    public static string RequireProgram(string name, string package)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        Missing($"{name} is not installed (apt-get install {package})");
        return name;
    }

    /// <summary>A file or directory the test reads, such as the 6.1 reference formats.</summary>
    public static string RequirePath(string path, string what)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            Missing($"{what} is not at {path}");
        return path;
    }

    /// <summary>libclang, for the kernel-headers frontend; returns its version.</summary>
    public static string RequireLibclang()
    {
        try
        {
            return KernelHeaders.GetLibclangVersion();
        }
        catch (HeadersException e)
        {
            Missing(e.Message);
            throw;
        }
    }

    /// <summary>The Debian release whose headers the 6.1 reference dump was taken from.</summary>
    public const string Debian61Release = "6.1.0-56-amd64";

    /// <summary>
    /// Debian's 6.1 kernel headers (apt-get install linux-headers-6.1.0-56-amd64, which brings
    /// the -common half): /usr/src/linux-headers-6.1.0-56-amd64 if installed, else the newest
    /// other /usr/src/linux-headers-6.1.0-*-amd64.
    /// </summary>
    public static HeaderTree RequireKernelHeaders61()
    {
        const string root = "/usr/src";
        string preferred = Path.Combine(root, "linux-headers-" + Debian61Release);
        string? directory = Directory.Exists(preferred) ? preferred : null;
        if (directory is null && Directory.Exists(root))
        {
            directory = Directory.GetDirectories(root, "linux-headers-6.1.0-*-amd64")
                .Where(d => Path.GetFileName(d).Count(c => c == '-') == 4)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d).Split('-')[3], out int abi) ? abi : -1)
                .FirstOrDefault();
        }
        if (directory is null)
            Missing($"Debian's 6.1 kernel headers are not installed (no {root}/linux-headers-6.1.0-*-amd64); apt-get install linux-headers-{Debian61Release}");
        try
        {
            return HeaderTree.Open(directory!);
        }
        catch (HeadersException e)
        {
            Missing(e.Message);
            throw;
        }
    }

    private static partial class Interop
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }

    private static void Missing(string reason)
    {
        if (Required)
            Assert.Fail("TPGEN_REQUIRE_KERNEL=1 but " + reason);
        Assert.Skip(reason);
    }
}
