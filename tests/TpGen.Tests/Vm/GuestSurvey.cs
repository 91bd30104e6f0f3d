using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Tests.Support;

namespace TpGen.Tests.Vm;

/// <summary>
/// One boot of a kernel that looks at everything the VM tests ask about (its release, a tracefs
/// format, a UDP flood against /proc/net/snmp, bpftool), so that each kernel boots once for all of
/// them. Each test then asserts its own part of what the guest wrote.
/// </summary>
internal sealed class GuestSurvey
{
    /// <summary>Datagrams the guest sends to a closed port on 127.0.0.1.</summary>
    public const int Datagrams = 1000;

    /// <summary>The exit code the survey ends with on purpose, to show that the command's own code comes back.</summary>
    public const int ExitCode = 42;

    public const string StandardOutputLine = "tpgen-vm-survey: to standard output";
    public const string StandardErrorLine = "tpgen-vm-survey: to standard error";

    // Run by bash in the guest with the out share as $1. Every step writes its own file and status,
    // so one failing step does not hide the others. Datagrams go through bash's /dev/udp (no
    // program started per datagram, which emulation makes slow), each from a socket of its own.
    private const string Script = """
        out="$1"
        datagrams="$2"
        uname -r > "$out/uname_r"
        pwd > "$out/pwd"
        cat /sys/kernel/tracing/events/skb/kfree_skb/format > "$out/kfree_skb_format"
        snmp="$(< /proc/net/snmp)"
        printf '%s\n' "$snmp" > "$out/snmp_before"
        sent=0
        for ((i = 0; i < datagrams; i++)); do
            if printf x 2> /dev/null > /dev/udp/127.0.0.1/9; then sent=$((sent + 1)); fi
        done
        echo "$sent" > "$out/udp_sent"
        snmp="$(< /proc/net/snmp)"
        printf '%s\n' "$snmp" > "$out/snmp_after"
        bpftool -j prog list > "$out/bpftool_prog_list" 2>&1
        echo "$?" > "$out/bpftool_prog_list_status"
        echo "tpgen-vm-survey: to standard output"
        echo "tpgen-vm-survey: to standard error" >&2
        exit 42
        """;

    private static readonly ConcurrentDictionary<string, Lazy<Task<GuestSurvey>>> Surveys = new();

    private GuestSurvey(ProgramResult result, IReadOnlyDictionary<string, string> files, TimeSpan elapsed)
    {
        Result = result;
        Files = files;
        Elapsed = elapsed;
    }

    /// <summary>What the runner returned: the survey's exit code and output, or the VM's failure.</summary>
    public ProgramResult Result { get; }

    /// <summary>The files the guest wrote to its out share, by name.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>Boot, survey and power-off together.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The survey of <paramref name="release"/>, booting it the first time it is asked for.</summary>
    public static Task<GuestSurvey> OfAsync(string release) =>
        Surveys.GetOrAdd(release, r => new Lazy<Task<GuestSurvey>>(() => TakeAsync(r))).Value;

    /// <summary>The guest's file <paramref name="name"/>; fails with what the VM said when it is not there.</summary>
    public string File(string name) =>
        Files.TryGetValue(name, out string? text)
            ? text
            : throw new Xunit.Sdk.XunitException($"the guest wrote no {name} (the runner exited with {Result.ExitCode}):\n{Result.Output}\n{Result.Error}");

    private static async Task<GuestSurvey> TakeAsync(string release)
    {
        string share = Directory.CreateTempSubdirectory("tpgen-vm-survey-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            ProgramResult result = await KernelVm.RunAsync(
                release,
                "bash",
                ["-c", Script, "survey", KernelVm.GuestOutDirectory, Datagrams.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                TimeSpan.FromMinutes(3),
                share);
            TimeSpan elapsed = clock.Elapsed;
            Dictionary<string, string> files = Directory.GetFiles(share).ToDictionary(path => Path.GetFileName(path), System.IO.File.ReadAllText);
            return new GuestSurvey(result, files, elapsed);
        }
        finally
        {
            Directory.Delete(share, recursive: true);
        }
    }
}
