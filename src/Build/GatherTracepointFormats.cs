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
public sealed class GatherTracepointFormats : Microsoft.Build.Utilities.Task
{
    /// <summary>obj/…/tpgen: sources get subfolders tracefs/, btf/, headers/.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The project's C# files, scanned for the events it asks for (for BTF and headers).</summary>
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
        Lazy<SortedSet<(string System, string Name)>> wanted = new(() => Wanted());

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
                GatherTracefs(events, formats);
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
    private SortedSet<(string System, string Name)> Wanted()
    {
        SortedSet<(string System, string Name)> wanted = RequestedEvents.Scan(SourceFiles.Select(item => item.GetMetadata("FullPath")));
        if (!string.IsNullOrWhiteSpace(SnapshotsDirectory))
        {
            foreach ((string system, string name) in wanted.Where(e => File.Exists(Path.Combine(SnapshotsDirectory!, e.System, e.Name, "format"))).ToList())
            {
                Log.LogMessage(MessageImportance.High, "TpGen: {0}:{1} from snapshot {2}.", system, name, Path.Combine(SnapshotsDirectory!, system, name, "format"));
                wanted.Remove((system, name));
            }
        }
        return wanted;
    }

    private void GatherTracefs(string events, List<ITaskItem> formats)
    {
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "tracefs"));
        string stamp = FormatFolder.Stamp(events + "\n" + KernelIdentity(events));
        if (!folder.IsCurrent(stamp))
        {
            // The running kernel's BTF gives the constants its print fmts name without defining (TCP states).
            IReadOnlyDictionary<string, long>? constants = events == Tracefs.EventsDirectory ? KernelBtf.RunningKernelConstants : null;
            foreach (string systemDirectory in Directory.GetDirectories(events))
            {
                foreach (string eventDirectory in Directory.GetDirectories(systemDirectory))
                {
                    string source = Path.Combine(eventDirectory, "format");
                    try
                    {
                        if (File.Exists(source))
                        {
                            string system = Path.GetFileName(systemDirectory), name = Path.GetFileName(eventDirectory), text = File.ReadAllText(source);
                            folder.Write(system, name, constants is null ? text : KernelConstants.ResolveFormatText(text, system, name, constants));
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        Log.LogMessage(MessageImportance.Low, "TpGen: skipped {0}: {1}", source, e.Message);
                    }
                }
            }
            int removed = folder.RemoveOthers();
            folder.Seal(stamp);
            Log.LogMessage(MessageImportance.Normal, "TpGen: tracepoint formats from {0} ({1} changed, {2} removed).", events, folder.Changed, removed);
        }
        Add(formats, folder, "tracefs");
    }

    // BTF gives layouts and enums; the print fmt is TpGen's field list, and a DEFINE_EVENT's class may have to be guessed.
    private void GatherBtf(SortedSet<(string System, string Name)> wanted, List<ITaskItem> formats)
    {
        string path = string.IsNullOrWhiteSpace(Btf) ? KernelBtf.VmlinuxPath : Btf!;
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "btf"));
        if (wanted.Count == 0)
        {
            folder.RemoveOthers();
            return;
        }
        string stamp = FormatFolder.Stamp(Describe(path) + "\n" + string.Join(",", wanted));
        if (!folder.IsCurrent(stamp))
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
            foreach ((string system, string name) in wanted)
            {
                BtfClassMatch match = catalog.FindClass(name);
                if (match.ClassName is null)
                {
                    Log.LogWarning(null, "TPGEN0105", null, path, 0, 0, 0, 0,
                        "TpGen: {0}:{1} is not described by BTF {2}: {3}. BTF does not say which class a DEFINE_EVENT uses; commit a snapshot (tpgen pull {0}:{1} --out Tracepoints on a machine with tracefs) or set TpGenKernelHeaders.",
                        system, name, path, match.Explanation);
                    continue;
                }
                TracepointSchema schema = BtfPrintFormat.WithFieldList(BtfSchemaReader.Read(btf, system, name, match.ClassName));
                folder.Write(system, name, FormatFileWriter.Write(schema));
                Log.LogMessage(MessageImportance.High, "TpGen: {0}:{1} from BTF {2} (class {3}{4}); {5}.",
                    system, name, path, match.ClassName, match.IsGuess ? ", guessed from its prototype" : "", BtfPrintFormat.Synthesized);
            }
            folder.RemoveOthers();
            folder.Seal(stamp);
        }
        Add(formats, folder, "btf");
    }

    private bool GatherHeaders(SortedSet<(string System, string Name)> wanted, List<ITaskItem> formats)
    {
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "headers"));
        string stamp = FormatFolder.Stamp(Describe(KernelHeaders!) + "\n" + string.Join(",", wanted));
        if (!folder.IsCurrent(stamp))
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
            foreach ((string system, string name) in wanted)
            {
                try
                {
                    folder.Write(system, name, FormatFileWriter.Write(headers.ReadEvent(system, name)));
                    Log.LogMessage(MessageImportance.High, "TpGen: {0}:{1} from kernel headers {2}.", system, name, headers.Tree);
                }
                catch (Exception e) when (e is HeadersException or FormatParseException)
                {
                    Log.LogWarning(null, "TPGEN0107", null, KernelHeaders, 0, 0, 0, 0, "TpGen: {0}:{1} is not in kernel headers {2}: {3}", system, name, headers.Tree, e.Message);
                }
            }
            folder.RemoveOthers();
            folder.Seal(stamp);
        }
        Add(formats, folder, "headers");
        return true;
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
