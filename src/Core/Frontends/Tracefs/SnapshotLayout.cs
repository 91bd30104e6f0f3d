using System;
using TpGen.Schema;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// How a project's snapshot folder (<c>Tracepoints/</c>, written by <c>tpgen pull</c>) lays out
/// format files: <c>SYSTEM/EVENT/format</c> for one kernel, or <c>KERNEL/SYSTEM/EVENT/format</c>
/// for several, one folder per kernel (its release as <c>uname -r</c> prints it). The depth tells
/// them apart. A build over several kernels generates the union of their descriptions.
/// </summary>
public static class SnapshotLayout
{
    /// <summary>The file every event's description is in.</summary>
    public const string FileName = "format";

    /// <summary>
    /// Reads a path relative to the snapshot folder. <paramref name="kernel"/> is empty for the
    /// one-kernel layout. False when the path is not a snapshot (wrong depth, or a name that
    /// cannot be one).
    /// </summary>
    public static bool TryParse(string relativePath, out string kernel, out string system, out string name)
    {
        kernel = system = name = "";
        string[] parts = relativePath.Replace('\\', '/').Trim('/').Split('/');
        if (parts.Length is not (3 or 4) || parts[parts.Length - 1] != FileName)
            return false;
        system = parts[parts.Length - 3];
        name = parts[parts.Length - 2];
        kernel = parts.Length == 4 ? parts[0] : "";
        return TraceNames.IsSystem(system) && TraceNames.IsEvent(name) && (kernel.Length == 0 || IsKernelName(kernel));
    }

    /// <summary>The path of an event's snapshot relative to the snapshot folder; <paramref name="kernel"/> empty or null for the one-kernel layout.</summary>
    /// <exception cref="ArgumentException">A name that cannot be part of the path.</exception>
    public static string PathOf(string? kernel, string system, string name)
    {
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        TraceNames.ThrowIfInvalidEvent(name, nameof(name));
        if (string.IsNullOrEmpty(kernel))
            return system + "/" + name + "/" + FileName;
        if (!IsKernelName(kernel))
            throw new ArgumentException($"'{TraceNames.Printable(kernel)}' is not a kernel name (a release such as 6.1.0-56-amd64: letters, digits, '.', '_', '-' and '+')", nameof(kernel));
        return kernel + "/" + system + "/" + name + "/" + FileName;
    }

    /// <summary>
    /// The order a build takes several kernels' descriptions in: the one-kernel layout first, then
    /// the newest release first (its layout and print fmt lead the union), comparing the numbers in
    /// the names as numbers.
    /// </summary>
    public static int CompareKernels(string a, string b)
    {
        // The one-kernel layout (no name) comes first.
        if (a.Length == 0 || b.Length == 0)
            return a.Length == b.Length ? 0 : a.Length == 0 ? -1 : 1;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
            {
                int startA = i, startB = j;
                while (i < a.Length && char.IsDigit(a[i]))
                    i++;
                while (j < b.Length && char.IsDigit(b[j]))
                    j++;
                string numberA = a.Substring(startA, i - startA).TrimStart('0'), numberB = b.Substring(startB, j - startB).TrimStart('0');
                int byNumber = numberA.Length != numberB.Length ? numberA.Length.CompareTo(numberB.Length) : string.CompareOrdinal(numberA, numberB);
                if (byNumber != 0)
                    return -byNumber;
                continue;
            }
            if (a[i] != b[j])
                return -a[i].CompareTo(b[j]);
            i++;
            j++;
        }
        return -(a.Length - i).CompareTo(b.Length - j);
    }

    /// <summary>A kernel's name as a folder: a release such as <c>6.12.117+deb12-amd64</c>.</summary>
    public static bool IsKernelName(string? kernel)
    {
        if (kernel is null || kernel.Length == 0 || kernel.Length > TraceNames.MaxLength || kernel[0] == '.')
            return false;
        foreach (char c in kernel)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-' or '+'))
                return false;
        }
        return true;
    }
}
