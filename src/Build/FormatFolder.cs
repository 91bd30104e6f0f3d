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

    /// <summary>The format files in the folder, sorted.</summary>
    public List<string> List()
    {
        var files = new List<string>();
        if (System.IO.Directory.Exists(directory))
            files.AddRange(System.IO.Directory.EnumerateFiles(directory, "format", SearchOption.AllDirectories));
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Whether <paramref name="stamp"/> is what the last complete write recorded.</summary>
    public bool IsCurrent(string stamp)
    {
        string path = Path.Combine(directory, ".stamp");
        return File.Exists(path) && File.ReadAllText(path) == stamp;
    }

    /// <summary>Records <paramref name="stamp"/> after a complete write.</summary>
    public void Seal(string stamp)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ".stamp"), stamp);
    }

    /// <summary>A short hash of what decides a folder's content.</summary>
    public static string Stamp(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
