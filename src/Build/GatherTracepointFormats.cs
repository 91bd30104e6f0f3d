using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Headers;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Build;

/// <summary>
/// Gathers tracepoint descriptions into obj/ for the generator, which reads them as
/// AdditionalFiles and does no IO of its own. In order of preference (the generator picks per
/// event): committed snapshots (not this task's business), kernel headers the project points at
/// (for another kernel), the build machine's tracefs (root), its BTF (readable without root).
/// Says in the build log which source each event came from and what it had to leave out.
/// </summary>
public sealed partial class GatherTracepointFormats : Microsoft.Build.Utilities.Task
{
    /// <summary>obj/…/tpgen: sources get subfolders tracefs/, btf/, headers/.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The project's C# files, scanned for the events it asks for: only those are gathered, from any source.</summary>
    public ITaskItem[] SourceFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The project's snapshot folder (Tracepoints); events found there are not gathered from BTF or headers.</summary>
    public string? SnapshotsDirectory { get; set; }

    /// <summary>tracefs: <c>auto</c> (when readable and no other kernel is targeted), <c>true</c> (required), <c>false</c>.</summary>
    public string? UseTracefs { get; set; }

    /// <summary>An events directory to read instead of the running kernel's tracefs.</summary>
    public string? EventsDirectory { get; set; }

    /// <summary>BTF: <c>auto</c> (when tracefs is not used), <c>true</c>, <c>false</c>.</summary>
    public string? UseBtf { get; set; }

    /// <summary>A BTF file to read instead of /sys/kernel/btf/vmlinux (a kernel other than the build machine's).</summary>
    public string? Btf { get; set; }

    /// <summary>A kernel header tree to read through libclang (a kernel other than the build machine's).</summary>
    public string? KernelHeaders { get; set; }

    /// <summary>The format files gathered, with metadata <c>TpGenSchemaSource</c> (tracefs, btf, headers).</summary>
    [Output]
    public ITaskItem[] Formats { get; set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc/>
    public override bool Execute()
    {
        string tracefsMode = Mode(UseTracefs);
        string btfMode = Mode(UseBtf);
        bool otherKernel = !string.IsNullOrWhiteSpace(Btf) || !string.IsNullOrWhiteSpace(KernelHeaders);
        var formats = new List<ITaskItem>();
        Lazy<SortedSet<RequestedEvent>> wanted = new(() => Wanted());

        // tp_btf events have no tracefs format or class struct: their description is their prototype in BTF.
        GatherBtfTracepoints(wanted.Value, formats);
        if (!string.IsNullOrWhiteSpace(KernelHeaders) && !GatherHeaders(wanted.Value, formats))
            return false;

        // Building for another kernel (BTF or headers given): the build machine's tracefs would describe the wrong one.
        bool tracefsUsed = false;
        if (tracefsMode == "true" || tracefsMode == "auto" && !otherKernel)
        {
            string events = string.IsNullOrWhiteSpace(EventsDirectory) ? Tracefs.EventsDirectory : EventsDirectory!;
            string? problem = Unreadable(events);
            if (problem is null)
            {
                GatherTracefs(events, wanted.Value, formats);
                tracefsUsed = true;
            }
            else if (tracefsMode == "true")
            {
                Log.LogError(null, "TPGEN0100", null, null, 0, 0, 0, 0, "TpGen: cannot read tracepoint formats: {0}", problem);
                return false;
            }
            else
            {
                Log.LogMessage(MessageImportance.Normal, "TpGen: not using the build machine's tracefs: {0}", problem);
            }
        }

        if (btfMode == "true" || btfMode == "auto" && !tracefsUsed && (string.IsNullOrWhiteSpace(KernelHeaders) || !string.IsNullOrWhiteSpace(Btf)))
            GatherBtf(wanted.Value, formats);

        Formats = formats.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static string Mode(string? value) => string.IsNullOrWhiteSpace(value) ? "auto" : value!.Trim().ToLowerInvariant();

    // The events the source asks for, less those a committed snapshot describes.
    private SortedSet<RequestedEvent> Wanted()
    {
        SortedSet<RequestedEvent> wanted = RequestedEvents.Scan(SourceFiles.Select(item => item.GetMetadata("FullPath")));
        if (!string.IsNullOrWhiteSpace(SnapshotsDirectory))
        {
            foreach (RequestedEvent request in wanted.ToList())
            {
                // One kernel's snapshot (system/event/format), or several kernels' (KERNEL/system/event/format).
                string single = Path.Combine(SnapshotsDirectory!, request.System, request.Name, "format");
                string[] snapshots = File.Exists(single)
                    ? [single]
                    : Directory.Exists(SnapshotsDirectory) ? Directory.GetFiles(SnapshotsDirectory!, "format", SearchOption.AllDirectories)
                        .Where(path => SnapshotLayout.TryParse(Path.GetRelativePath(SnapshotsDirectory!, path), out string kernel, out string system, out string name) && kernel.Length > 0 && system == request.System && name == request.Name)
                        .OrderBy(path => path, StringComparer.Ordinal).ToArray() : [];
                if (snapshots.Length == 0)
                    continue;
                Log.LogMessage(MessageImportance.High, "TpGen: {0} from snapshot{1} {2}.", request.Key, snapshots.Length == 1 ? "" : "s", string.Join(", ", snapshots));
                wanted.Remove(request);
            }
        }
        return wanted;
    }

    // Copies the wanted events' formats only (not all ~2,300 of a kernel's): the generator reads no other.
    private void GatherTracefs(string events, SortedSet<RequestedEvent> wanted, List<ITaskItem> formats)
    {
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "tracefs"));
        string stamp = FormatFolder.Stamp(events + "\n" + KernelIdentity(events) + "\n" + string.Join(",", wanted.Select(e => e.Key)));
        if (!folder.IsCurrent(stamp))
        {
            List<string>? all = null;
            // The running kernel's BTF gives the constants its print fmts name without defining (TCP states).
            IReadOnlyDictionary<string, long>? constants = events == Tracefs.EventsDirectory ? KernelBtf.RunningKernelConstants : null;
            foreach (RequestedEvent request in wanted)
            {
                if (folder.Contains(request.System, request.Name))
                    continue;
                string source = Path.Combine(events, request.System, request.Name, "format");
                try
                {
                    string text = File.ReadAllText(source);
                    folder.Write(request.System, request.Name, constants is null ? text : KernelConstants.ResolveFormatText(text, request.System, request.Name, constants));
                    continue;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    all ??= EventNames(events);
                    IReadOnlyList<string> nearest = NearestNames.Find(request.Key, all);
                    string near = nearest.Count == 0 ? "" : "; did you mean " + string.Join(" or ", nearest.Select(n => "'" + n + "'"));
                    folder.WriteUnavailable(request.System, request.Name,
                        $"the build machine's tracefs ({events}) has no such event among its {all.Count}{near}. Check the name with 'tpgen list', or add a snapshot with 'tpgen pull {request.Key} --out Tracepoints' on a machine that has it.");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    folder.WriteUnavailable(request.System, request.Name, $"the build could not read {source}: {e.Message}");
                }
            }
            int removed = folder.RemoveOthers();
            folder.Seal(stamp);
            Log.LogMessage(MessageImportance.Normal, "TpGen: tracepoint formats from {0}: {1} asked for ({2} changed, {3} removed).", events, wanted.Count, folder.Changed, removed);
        }
        Add(formats, folder, "tracefs");
    }

    // Every system:event of an events directory, for "did you mean".
    private static List<string> EventNames(string events)
    {
        var names = new List<string>();
        foreach (string system in Directory.GetDirectories(events))
        {
            foreach (string name in Directory.GetDirectories(system))
                names.Add(Path.GetFileName(system) + ":" + Path.GetFileName(name));
        }
        return names;
    }

    // BTF gives layouts and enums; the print fmt is TpGen's field list, and a DEFINE_EVENT's class
    // may have to be guessed or named by the attribute (Class = "...").
    private void GatherBtf(SortedSet<RequestedEvent> wanted, List<ITaskItem> formats)
    {
        string path = string.IsNullOrWhiteSpace(Btf) ? KernelBtf.VmlinuxPath : Btf!;
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "btf"));
        if (wanted.Count == 0)
        {
            folder.RemoveOthers();
            return;
        }
        string stamp = FormatFolder.Stamp(Describe(path) + "\n" + string.Join(",", wanted));
        if (folder.IsCurrent(stamp, out List<BuildLogEntry> said))
        {
            Say(said);
        }
        else
        {
            BtfData btf;
            try
            {
                btf = KernelBtf.Read(path);
            }
            catch (Exception e) when (e is KernelBtfException or FormatParseException)
            {
                Log.LogWarning(null, "TPGEN0104", null, path, 0, 0, 0, 0, "TpGen: cannot use BTF: {0}", e.Message);
                return;
            }
            var catalog = new BtfEventCatalog(btf);
            var log = new List<BuildLogEntry>();
            foreach (RequestedEvent request in wanted)
            {
                if (folder.Contains(request.System, request.Name))
                    continue; // asked for twice, with different classes: the first was used
                string? className = ClassOf(catalog, request, out string how);
                if (className is null)
                {
                    // how is the reason here: the build warns, and the generator reports it at the attribute.
                    log.Add(new BuildLogEntry(true, "TPGEN0105", path, $"TpGen: {request.Key} is not described by BTF {path}: {how}"));
                    folder.WriteUnavailable(request.System, request.Name, $"BTF {path} does not describe it: {how}");
                    continue;
                }
                TracepointSchema schema = BtfPrintFormat.WithFieldList(BtfSchemaReader.Read(btf, request.System, request.Name, className));
                folder.Write(request.System, request.Name, FormatFileWriter.Write(schema));
                log.Add(new BuildLogEntry(false, "", "", $"TpGen: {request.Key} from BTF {path} (class {className}{how}); {BtfPrintFormat.Synthesized}."));
            }
            Say(log);
            folder.RemoveOthers();
            folder.Seal(stamp, log);
        }
        Add(formats, folder, "btf");
    }

    // The class the attribute names, else the one BTF suggests; null when there is none, and then how says why.
    private static string? ClassOf(BtfEventCatalog catalog, RequestedEvent request, out string how)
    {
        if (request.Class is { } named)
        {
            if (catalog.HasClass(named))
            {
                how = ", named by the attribute";
                return named;
            }
            how = $"the attribute names class {named}, but BTF has no struct {BtfSchemaReader.ClassStructPrefix}{named}. Check the name (the DECLARE_EVENT_CLASS in include/trace/events/{request.System}.h), commit a snapshot (tpgen pull {request.Key} --out Tracepoints on a machine with tracefs) or set TpGenKernelHeaders.";
            return null;
        }

        BtfClassMatch match = catalog.FindClass(request.Name);
        if (match.ClassName is not null)
        {
            how = match.IsGuess ? ", guessed from its prototype" : "";
            return match.ClassName;
        }
        string name = match.Candidates.Count > 0 ? string.Join(" or ", match.Candidates) : "CLASS";
        how = $"{match.Explanation}. BTF does not say which class a DEFINE_EVENT uses: name it in the attribute ([Tracepoint(\"{request.System}\", \"{request.Name}\", Class = \"{name}\")]), commit a snapshot (tpgen pull {request.Key} --out Tracepoints on a machine with tracefs) or set TpGenKernelHeaders.";
        return null;
    }

    private bool GatherHeaders(SortedSet<RequestedEvent> wanted, List<ITaskItem> formats)
    {
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "headers"));
        string stamp = FormatFolder.Stamp(Describe(KernelHeaders!) + "\n" + string.Join(",", wanted.Select(e => e.Key)));
        if (folder.IsCurrent(stamp, out List<BuildLogEntry> said))
        {
            Say(said);
        }
        else
        {
            KernelHeaders headers;
            try
            {
                headers = new KernelHeaders(HeaderTree.Open(KernelHeaders!));
            }
            catch (HeadersException e)
            {
                Log.LogError(null, "TPGEN0106", null, KernelHeaders, 0, 0, 0, 0, "TpGen: TpGenKernelHeaders: {0}", e.Message);
                return false;
            }
            var log = new List<BuildLogEntry>();
            foreach (RequestedEvent request in wanted)
            {
                if (folder.Contains(request.System, request.Name))
                    continue;
                try
                {
                    folder.Write(request.System, request.Name, FormatFileWriter.Write(headers.ReadEvent(request.System, request.Name)));
                    log.Add(new BuildLogEntry(false, "", "", $"TpGen: {request.Key} from kernel headers {headers.Tree}."));
                }
                catch (Exception e) when (e is HeadersException or FormatParseException)
                {
                    log.Add(new BuildLogEntry(true, "TPGEN0107", KernelHeaders!, $"TpGen: {request.Key} is not in kernel headers {headers.Tree}: {e.Message}"));
                    folder.WriteUnavailable(request.System, request.Name, $"kernel headers {headers.Tree} do not describe it: {e.Message}");
                }
            }
            Say(log);
            folder.RemoveOthers();
            folder.Seal(stamp, log);
        }
        Add(formats, folder, "headers");
        return true;
    }

    // Says what a gathering step found, the first time and whenever a later build reuses its folder.
    private void Say(IEnumerable<BuildLogEntry> log)
    {
        foreach (BuildLogEntry entry in log)
        {
            if (entry.IsWarning)
                Log.LogWarning(null, entry.Code, null, entry.File, 0, 0, 0, 0, "{0}", entry.Message);
            else
                Log.LogMessage(MessageImportance.High, "{0}", entry.Message);
        }
    }

    private static void Add(List<ITaskItem> formats, FormatFolder folder, string source)
    {
        foreach (string path in folder.List())
        {
            var item = new TaskItem(path);
            item.SetMetadata("TpGenSchemaSource", source);
            formats.Add(item);
        }
    }

    private static string? Unreadable(string events)
    {
        if (!Directory.Exists(events))
            return events == Tracefs.EventsDirectory && !Tracefs.IsMounted ? $"tracefs is not mounted ({Tracefs.MountCommand})" : $"{events} does not exist or is not readable (tracefs is root-only on most systems)";
        try
        {
            string probe = Path.Combine(events, "header_page");
            if (File.Exists(probe))
                File.ReadAllText(probe);
            Directory.GetDirectories(events);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"{events} is readable by root only";
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    // What a file or tree's content depends on, cheaply: its path, size and time.
    private static string Describe(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists)
            return $"{info.FullName} {info.Length} {info.LastWriteTimeUtc.Ticks}";
        var directory = new DirectoryInfo(path);
        return directory.Exists ? $"{directory.FullName} {directory.LastWriteTimeUtc.Ticks}" : path;
    }

    // The set of events changes with a reboot or a module load; this identifies both.
    private static string KernelIdentity(string events)
    {
        var text = new StringBuilder();
        foreach (string path in new[] { "/proc/sys/kernel/random/boot_id", "/proc/modules" })
        {
            try
            {
                foreach (string line in File.ReadLines(path))
                    text.Append(line.Split(' ')[0]).Append('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                text.Append("?\n");
            }
        }
        return text.Append(Directory.GetDirectories(events).Length).ToString();
    }
}
