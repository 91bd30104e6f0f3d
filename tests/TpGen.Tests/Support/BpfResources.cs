using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace TpGen.Tests.Support;

/// <summary>
/// The kernel objects a process holds through its descriptors: BPF programs, maps and links (by
/// the ids the kernel gives them, read from /proc/PID/fdinfo) and perf events. Together with
/// bpftool's list of what is loaded, the oracle for "nothing is left behind" — it counts only the
/// objects of the process under test, so other processes loading BPF at the same time do not
/// disturb it.
/// </summary>
internal sealed record BpfHandles(IReadOnlySet<int> Programs, IReadOnlySet<int> Maps, IReadOnlySet<int> Links, int PerfEvents, int Descriptors)
{
    public bool IsEmpty => Programs.Count == 0 && Maps.Count == 0 && Links.Count == 0 && PerfEvents == 0;

    /// <summary>What <paramref name="later"/> holds that this did not.</summary>
    public BpfHandles Added(BpfHandles later) => new(
        later.Programs.Except(Programs).ToHashSet(), later.Maps.Except(Maps).ToHashSet(), later.Links.Except(Links).ToHashSet(),
        Math.Max(0, later.PerfEvents - PerfEvents), later.Descriptors - Descriptors);

    public override string ToString() =>
        $"programs [{string.Join(",", Programs.Order())}], maps [{string.Join(",", Maps.Order())}], links [{string.Join(",", Links.Order())}], {PerfEvents} perf events, {Descriptors} descriptors";
}

internal static class BpfResources
{
    /// <summary>What process <paramref name="pid"/> holds now.</summary>
    public static BpfHandles Of(int pid)
    {
        var programs = new HashSet<int>();
        var maps = new HashSet<int>();
        var links = new HashSet<int>();
        int perfEvents = 0, descriptors = 0;
        foreach (string fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            descriptors++;
            string target;
            try
            {
                // The link's own text: ResolveLinkTarget would make "anon_inode:bpf-map" a path under fd/.
                target = new FileInfo(fd).LinkTarget ?? "";
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            (string key, HashSet<int>? ids) = target switch
            {
                "anon_inode:bpf-prog" => ("prog_id:", programs),
                "anon_inode:bpf-map" => ("map_id:", maps),
                "anon_inode:bpf_link" => ("link_id:", links),
                _ => ("", null),
            };
            if (target.Contains("perf_event", StringComparison.Ordinal))
                perfEvents++;
            if (ids is null)
                continue;
            try
            {
                foreach (string line in File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}"))
                {
                    if (line.StartsWith(key, StringComparison.Ordinal))
                        ids.Add(int.Parse(line.AsSpan(key.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
            }
        }
        return new BpfHandles(programs, maps, links, perfEvents, descriptors);
    }

    /// <summary>Which of <paramref name="handles"/>' programs, maps and links the kernel still has, as bpftool lists them.</summary>
    public static BpfHandles StillLoaded(BpfHandles handles)
    {
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        return new BpfHandles(
            Ids(bpftool, "prog").Intersect(handles.Programs).ToHashSet(),
            Ids(bpftool, "map").Intersect(handles.Maps).ToHashSet(),
            Ids(bpftool, "link").Intersect(handles.Links).ToHashSet(),
            0, 0);
    }

    /// <summary>
    /// Waits until the kernel has freed every program, map and link of <paramref name="handles"/>
    /// (it frees them shortly after their last descriptor closes), and returns what is still loaded.
    /// </summary>
    public static async Task<BpfHandles> GoneAsync(BpfHandles handles, double timeoutSeconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            BpfHandles left = StillLoaded(handles);
            if (left.IsEmpty || clock.Elapsed.TotalSeconds > timeoutSeconds)
                return left;
            await Task.Delay(100);
        }
    }

    /// <summary>The ids bpftool lists for <paramref name="what"/> (prog, map or link).</summary>
    public static HashSet<int> Ids(string bpftool, string what)
    {
        using JsonDocument document = BpftoolJson(bpftool, "--json", what, "show");
        return document.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ToHashSet();
    }

    /// <summary>Runs bpftool and waits for it: the kernel's own account of its BPF objects.</summary>
    public static ProgramResult Bpftool(string bpftool, params string[] arguments)
    {
        var start = new ProcessStartInfo(bpftool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ProgramResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    /// <summary>bpftool's <c>--json</c> output; nothing printed reads as an empty list.</summary>
    public static JsonDocument BpftoolJson(string bpftool, params string[] arguments)
    {
        string json = Bpftool(bpftool, arguments).Output;
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
    }
}
