using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using TpGen.Kernel;
using TpGen.Probes;

namespace TpGen.Tool.Doctor;

/// <summary>One thing TpGen needs from the machine, whether it is there, and how to fix it.</summary>
internal sealed record DoctorCheck(string Name, bool Ok, string Detail, string? Fix = null)
{
    /// <summary>More lines to show under it (what a build's relocation found).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}

/// <summary>The checks of <c>tpgen doctor</c>: everything attaching a probe set needs, each with its fix.</summary>
internal static class DoctorChecks
{
    public static IReadOnlyList<DoctorCheck> Run()
    {
        var checks = new List<DoctorCheck>
        {
            Permissions(),
            TracefsMounted(),
            TracefsReadable(),
            Btf(),
            Libbpf(),
            Clang(),
        };
        checks.AddRange(KernelConfig());
        return checks;
    }

    private static DoctorCheck Permissions()
    {
        IReadOnlyList<string> missing = Privileges.Missing();
        return missing.Count == 0
            ? new DoctorCheck("permissions", true, "CAP_BPF and CAP_PERFMON (or root)")
            : new DoctorCheck("permissions", false, $"missing {string.Join(" and ", missing)}", "run as root, or: sudo setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep <program>");
    }

    private static DoctorCheck TracefsMounted() => Tracefs.IsMounted
        ? new DoctorCheck("tracefs", true, "mounted at " + Tracefs.Root)
        : new DoctorCheck("tracefs", false, "not mounted", Tracefs.MountCommand);

    private static DoctorCheck TracefsReadable()
    {
        if (!Tracefs.IsMounted)
            return new DoctorCheck("tracepoint formats", false, "tracefs is not mounted", Tracefs.MountCommand);
        try
        {
            int events = Directory.GetDirectories(Tracefs.EventsDirectory).Sum(system => Directory.GetDirectories(system).Length);
            File.ReadAllText(Path.Combine(Tracefs.EventsDirectory, "skb", "kfree_skb", "format"));
            return new DoctorCheck("tracepoint formats", true, $"{events} events readable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new DoctorCheck("tracepoint formats", false, e.Message, "run as root (tracefs is root-only on most systems), or build from snapshots (tpgen pull)");
        }
    }

    private static DoctorCheck Btf() => File.Exists("/sys/kernel/btf/vmlinux")
        ? new DoctorCheck("BTF", true, $"/sys/kernel/btf/vmlinux ({new FileInfo("/sys/kernel/btf/vmlinux").Length / 1024} KiB)")
        : new DoctorCheck("BTF", false, "/sys/kernel/btf/vmlinux is missing", "a kernel built with CONFIG_DEBUG_INFO_BTF=y (builds without root use it)");

    private static DoctorCheck Libbpf()
    {
        return NativeDependencies.IsLibbpfInstalled()
            ? new DoctorCheck("libbpf", true, NativeDependencies.Libbpf)
            : new DoctorCheck("libbpf", false, $"{NativeDependencies.Libbpf} not found", NativeDependencies.LibbpfAdvice);
    }

    private static DoctorCheck Clang()
    {
        string? clang = BpfCompiler.FindClang();
        if (clang is null)
            return new DoctorCheck("clang", false, "no clang or clang-NN on PATH", "apt-get install clang-14 (or set TPGEN_CLANG)");
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(clang, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string version = process.StandardOutput.ReadLine() ?? "";
            process.WaitForExit();
            return new DoctorCheck("clang", true, $"{clang}: {version}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return new DoctorCheck("clang", false, $"{clang} does not run: {e.Message}", "apt-get install --reinstall clang-14");
        }
    }

    // The kernel's build options, from /proc/config.gz or /boot/config-<release>; BTF and tracefs stand in when neither is readable.
    private static IEnumerable<DoctorCheck> KernelConfig()
    {
        Dictionary<string, string>? config = ReadKernelConfig(out string source);
        (string Option, string Why)[] needed =
        {
            ("CONFIG_BPF_SYSCALL", "the bpf() system call"),
            ("CONFIG_BPF_EVENTS", "BPF programs on tracepoints"),
            ("CONFIG_TRACEPOINTS", "tracepoints"),
            ("CONFIG_DEBUG_INFO_BTF", "BTF, for builds without root"),
        };
        foreach ((string option, string why) in needed)
        {
            if (config is null)
            {
                yield return new DoctorCheck(option, true, $"{why}: kernel config not readable; assumed from what works above");
                continue;
            }
            bool set = config.TryGetValue(option, out string? value) && value is "y" or "m";
            yield return set
                ? new DoctorCheck(option, true, $"{why} ({source})")
                : new DoctorCheck(option, false, $"{why}: not set in {source}", $"a kernel built with {option}=y");
        }
        string release = Environment.OSVersion.Version.ToString();
        Version kernel = Environment.OSVersion.Version;
        yield return kernel >= new Version(5, 8)
            ? new DoctorCheck("ring buffer", true, $"BPF ring buffers (kernel {release} >= 5.8)")
            : new DoctorCheck("ring buffer", false, $"kernel {release} predates BPF ring buffers (5.8)", "a kernel of 5.8 or later");
    }

    private static Dictionary<string, string>? ReadKernelConfig(out string source)
    {
        try
        {
            TextReader? reader = null;
            if (File.Exists("/proc/config.gz"))
            {
                source = "/proc/config.gz";
                reader = new StreamReader(new GZipStream(File.OpenRead(source), CompressionMode.Decompress));
            }
            else
            {
                source = "/boot/config-" + File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
                if (File.Exists(source))
                    reader = new StreamReader(source);
            }
            if (reader is null)
                return null;
            using (reader)
            {
                var config = new Dictionary<string, string>();
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    int equals = line.IndexOf('=');
                    if (line.StartsWith("CONFIG_", StringComparison.Ordinal) && equals > 0)
                        config[line.Substring(0, equals)] = line.Substring(equals + 1);
                }
                return config;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            source = "";
            return null;
        }
    }
}
