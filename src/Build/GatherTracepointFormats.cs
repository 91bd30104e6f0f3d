using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TpGen.Kernel;

namespace TpGen.Build;

/// <summary>
/// Copies the build machine's tracepoint formats (tracefs <c>events/*/*/format</c>) into the
/// intermediate directory, so the generator can read them as AdditionalFiles without doing IO.
/// Files are rewritten only when their text changed, so an unchanged kernel keeps the compiler's
/// inputs unchanged; a stamp of the boot and the loaded modules skips the copy altogether.
/// </summary>
public sealed class GatherTracepointFormats : Microsoft.Build.Utilities.Task
{
    /// <summary>Where the copies go: <c>OutputDirectory/system/event/format</c>.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The events directory to read; empty for the running kernel's tracefs.</summary>
    public string? EventsDirectory { get; set; }

    /// <summary><c>auto</c> (read tracefs when it is readable), <c>true</c> (fail when it is not) or <c>false</c>.</summary>
    public string? Mode { get; set; }

    /// <summary>The format files now in <see cref="OutputDirectory"/>.</summary>
    [Output]
    public ITaskItem[] Formats { get; set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc/>
    public override bool Execute()
    {
        string mode = string.IsNullOrWhiteSpace(Mode) ? "auto" : Mode!.Trim().ToLowerInvariant();
        if (mode == "false")
            return true;

        string events = string.IsNullOrWhiteSpace(EventsDirectory) ? Tracefs.EventsDirectory : EventsDirectory!;
        string? problem = Unreadable(events);
        if (problem is not null)
        {
            if (mode == "true")
            {
                Log.LogError(null, "TPGEN0100", null, null, 0, 0, 0, 0, "TpGen: cannot read tracepoint formats: {0}", problem);
                return false;
            }
            Log.LogMessage(MessageImportance.Normal, "TpGen: not using the build machine's tracefs: {0}", problem);
            return true;
        }

        string stampPath = Path.Combine(OutputDirectory, ".stamp");
        string stamp = Stamp(events);
        if (File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp)
        {
            Formats = ListFormats();
            Log.LogMessage(MessageImportance.Low, "TpGen: {0} tracepoint formats unchanged since the last build (same boot and modules).", Formats.Length);
            return true;
        }

        int changed = 0;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (string systemDirectory in Directory.GetDirectories(events))
        {
            foreach (string eventDirectory in Directory.GetDirectories(systemDirectory))
            {
                string source = Path.Combine(eventDirectory, "format");
                if (!File.Exists(source))
                    continue;
                string relative = Path.Combine(Path.GetFileName(systemDirectory), Path.GetFileName(eventDirectory), "format");
                string target = Path.Combine(OutputDirectory, relative);
                string text;
                try
                {
                    text = File.ReadAllText(source);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Log.LogMessage(MessageImportance.Low, "TpGen: skipped {0}: {1}", source, e.Message);
                    continue;
                }
                kept.Add(Path.GetFullPath(target));
                if (File.Exists(target) && File.ReadAllText(target) == text)
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, text);
                changed++;
            }
        }

        int removed = RemoveStale(kept);
        File.WriteAllText(stampPath, stamp);
        Formats = ListFormats();
        Log.LogMessage(MessageImportance.Normal, "TpGen: {0} tracepoint formats from {1} ({2} changed, {3} removed).", Formats.Length, events, changed, removed);
        return true;
    }

    private static string? Unreadable(string events)
    {
        if (!Directory.Exists(events))
            return events == Tracefs.EventsDirectory && !Tracefs.IsMounted ? $"tracefs is not mounted ({Tracefs.MountCommand})" : $"{events} does not exist";
        try
        {
            string probe = Path.Combine(events, "header_page");
            if (File.Exists(probe))
                File.ReadAllText(probe);
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

    // The set of events changes with a reboot or a module load; this identifies both.
    private static string Stamp(string events)
    {
        var text = new StringBuilder(events).Append('\n');
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
        text.Append(Directory.GetDirectories(events).Length);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private ITaskItem[] ListFormats()
    {
        if (!Directory.Exists(OutputDirectory))
            return Array.Empty<ITaskItem>();
        var items = new List<ITaskItem>();
        foreach (string path in Directory.EnumerateFiles(OutputDirectory, "format", SearchOption.AllDirectories))
            items.Add(new TaskItem(path));
        items.Sort((a, b) => string.CompareOrdinal(a.ItemSpec, b.ItemSpec));
        return items.ToArray();
    }

    private int RemoveStale(HashSet<string> kept)
    {
        int removed = 0;
        if (!Directory.Exists(OutputDirectory))
            return 0;
        foreach (string path in Directory.EnumerateFiles(OutputDirectory, "format", SearchOption.AllDirectories))
        {
            if (kept.Contains(Path.GetFullPath(path)))
                continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }
}
