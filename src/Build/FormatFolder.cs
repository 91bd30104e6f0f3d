using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace TpGen.Build;

/// <summary>
/// A folder of format files in the tracefs layout (system/event/format) under obj/, written only
/// where the text changed, so unchanged descriptions leave the compiler's inputs untouched.
/// </summary>
internal sealed class FormatFolder(string directory)
{
    /// <summary>The generator's name for the note of an event the build could not describe (TracepointGenerator.UnavailableFileName).</summary>
    public const string UnavailableFileName = "unavailable";

    private readonly HashSet<string> _kept = new(StringComparer.Ordinal);

    public string Directory => directory;

    public int Changed { get; private set; }

    /// <summary>Writes one event's format text (when it differs from what is there).</summary>
    public void Write(string system, string name, string text)
    {
        string path = Path.GetFullPath(Path.Combine(directory, system, name, "format"));
        _kept.Add(path);
        if (File.Exists(path) && File.ReadAllText(path) == text)
            return;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        Changed++;
    }

    /// <summary>
    /// Writes the note that the event was asked for but could not be described, and why; the
    /// generator reports it at the attribute (TPGEN0026), in every build that reuses the folder.
    /// </summary>
    public void WriteUnavailable(string system, string name, string reason)
    {
        string path = Path.GetFullPath(Path.Combine(directory, system, name, UnavailableFileName));
        _kept.Add(path);
        if (File.Exists(path) && File.ReadAllText(path) == reason)
            return;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, reason);
        Changed++;
    }

    /// <summary>Whether this run wrote the event (or its note) already.</summary>
    public bool Contains(string system, string name) =>
        _kept.Contains(Path.GetFullPath(Path.Combine(directory, system, name, "format"))) ||
        _kept.Contains(Path.GetFullPath(Path.Combine(directory, system, name, UnavailableFileName)));

    /// <summary>Deletes format files this run did not write; returns how many.</summary>
    public int RemoveOthers()
    {
        int removed = 0;
        foreach (string path in List())
        {
            if (_kept.Contains(Path.GetFullPath(path)))
                continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }

    /// <summary>The format files in the folder and the notes of events it could not describe, sorted.</summary>
    public List<string> List()
    {
        var files = new List<string>();
        if (System.IO.Directory.Exists(directory))
        {
            files.AddRange(System.IO.Directory.EnumerateFiles(directory, "format", SearchOption.AllDirectories));
            files.AddRange(System.IO.Directory.EnumerateFiles(directory, UnavailableFileName, SearchOption.AllDirectories));
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Whether <paramref name="stamp"/> is what the last complete write recorded.</summary>
    public bool IsCurrent(string stamp) => IsCurrent(stamp, out _);

    /// <summary>
    /// Whether <paramref name="stamp"/> is what the last complete write recorded; if so,
    /// <paramref name="log"/> is what that write said, for the build to say again.
    /// </summary>
    public bool IsCurrent(string stamp, out List<BuildLogEntry> log)
    {
        log = new List<BuildLogEntry>();
        string path = Path.Combine(directory, ".stamp");
        if (!File.Exists(path))
            return false;
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != stamp)
            return false;
        for (int i = 1; i < lines.Length; i++)
        {
            if (BuildLogEntry.Parse(lines[i]) is { } entry)
                log.Add(entry);
        }
        return true;
    }

    /// <summary>Records <paramref name="stamp"/> after a complete write, with what the write said.</summary>
    public void Seal(string stamp, IEnumerable<BuildLogEntry>? log = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        var text = new StringBuilder(stamp).Append('\n');
        foreach (BuildLogEntry entry in log ?? Array.Empty<BuildLogEntry>())
            text.Append(entry.Format()).Append('\n');
        File.WriteAllText(Path.Combine(directory, ".stamp"), text.ToString());
    }

    /// <summary>A short hash of what decides a folder's content.</summary>
    public static string Stamp(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// A message or warning of a gathering step, kept with the folder it describes so that a build
/// that finds the folder current says the same as the build that wrote it.
/// </summary>
internal sealed record BuildLogEntry(bool IsWarning, string Code, string File, string Message)
{
    public string Format() => string.Join("\t", IsWarning ? "warning" : "message", Clean(Code), Clean(File), Clean(Message));

    public static BuildLogEntry? Parse(string line)
    {
        string[] parts = line.Split(new[] { '\t' }, 4);
        return parts.Length == 4 && parts[0] is "warning" or "message" ? new BuildLogEntry(parts[0] == "warning", parts[1], parts[2], parts[3]) : null;
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
