using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Relocation;
using TpGen.Schema;

namespace TpGen.Tool.Doctor;

/// <summary>
/// <c>tpgen doctor --snapshots DIR</c>: how a build from a project's snapshots would attach here.
/// Each event's snapshots (one kernel's, or several merged as the build merges them) are relocated
/// by name onto this kernel's description, as the runtime does at attach, and the result shown.
/// </summary>
internal static class BuildOnThisKernel
{
    public static IEnumerable<DoctorCheck> Check(string folder)
    {
        if (!Directory.Exists(folder))
        {
            yield return new DoctorCheck("snapshots", false, $"{folder} does not exist", "give the project's snapshot folder (Tracepoints/, written by tpgen pull)");
            yield break;
        }
        var events = new SortedDictionary<string, List<KernelSchema>>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        foreach (string path in Directory.EnumerateFiles(folder, SnapshotLayout.FileName, SearchOption.AllDirectories))
        {
            if (!SnapshotLayout.TryParse(Path.GetRelativePath(folder, path), out string kernel, out string system, out string name))
                continue;
            FormatReadResult read = FormatFileReader.Read(File.ReadAllText(path), system, path, name);
            if (read.Schema is null)
            {
                unreadable.Add($"{path}: {string.Join("; ", read.Diagnostics.Where(d => d.IsError).Select(d => d.Message))}");
                continue;
            }
            string key = system + ":" + name;
            if (!events.TryGetValue(key, out List<KernelSchema>? kernels))
                events[key] = kernels = new List<KernelSchema>();
            kernels.Add(new KernelSchema(kernel, read.Schema));
        }
        foreach (string problem in unreadable)
            yield return new DoctorCheck("snapshot", false, problem, "refresh it with tpgen pull");
        if (events.Count == 0)
        {
            yield return new DoctorCheck("snapshots", false, $"no snapshots under {folder}", "write them with tpgen pull SYSTEM:EVENT");
            yield break;
        }
        foreach ((string key, List<KernelSchema> kernels) in events)
            yield return Relocate(key, kernels);
    }

    private static DoctorCheck Relocate(string key, List<KernelSchema> kernels)
    {
        kernels.Sort((a, b) => SnapshotLayout.CompareKernels(a.Kernel, b.Kernel));
        TracepointSchema built = SchemaUnion.Of(kernels).Schema;
        string from = kernels.Count == 1 && kernels[0].Kernel.Length == 0 ? "the snapshot" : "snapshots of " + string.Join(", ", kernels.Select(k => k.Kernel.Length == 0 ? "(one kernel)" : k.Kernel));
        TracepointSchema running;
        try
        {
            running = Tracefs.ReadEvent(built.System, built.Name);
        }
        catch (TracefsException e) when (e.Problem == TracefsProblem.EventMissing)
        {
            return new DoctorCheck(key, false, "this kernel has no such tracepoint", "declare the event optional, or leave it out on this kernel");
        }
        catch (Exception e) when (e is TracefsException or FormatParseException)
        {
            return new DoctorCheck(key, false, e.Message);
        }
        EventRelocation relocation = Relocator.Relocate(built, running);
        IReadOnlyList<string> problems = relocation.Problems(allowLossy: false);
        IReadOnlyList<string> changes = relocation.Describe();
        string detail = problems.Count > 0
            ? $"a build from {from} cannot run here as built: {string.Join("; ", problems)}"
            : changes.Count == 0 ? $"a build from {from} runs here as built" : $"a build from {from} runs here, relocated by name:";
        return new DoctorCheck(key, problems.Count == 0, detail, problems.Count > 0 ? $"add this kernel's description to the snapshots (tpgen pull {key}) and rebuild" : null)
        {
            Details = problems.Count > 0 ? [] : changes,
        };
    }
}
