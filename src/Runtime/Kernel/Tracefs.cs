using System;
using System.Collections.Generic;
using System.IO;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Kernel;

/// <summary>
/// The running kernel's tracefs: where it is mounted and the format files under
/// <c>events/</c>. Reading formats needs root on most systems.
/// </summary>
public static class Tracefs
{
    /// <summary>Where tracefs is normally mounted.</summary>
    public const string DefaultRoot = "/sys/kernel/tracing";

    /// <summary>The command that mounts it, for error messages.</summary>
    public const string MountCommand = "mount -t tracefs nodev /sys/kernel/tracing";

    /// <summary>
    /// The tracefs root: /sys/kernel/tracing when it is mounted there, else the first tracefs
    /// mount in /proc/mounts (old systems use /sys/kernel/debug/tracing), else the default path.
    /// </summary>
    public static string Root => FindRoot() ?? DefaultRoot;

    /// <summary>Whether a tracefs is mounted anywhere.</summary>
    public static bool IsMounted => FindRoot() is not null;

    /// <summary>The events directory.</summary>
    public static string EventsDirectory => Path.Combine(Root, "events");

    /// <summary>Reads the format of one event from the running kernel.</summary>
    /// <exception cref="TracefsException">tracefs is not mounted or readable, or the event does not exist.</exception>
    /// <exception cref="FormatParseException">the kernel's format could not be parsed.</exception>
    public static TracepointSchema ReadEvent(string system, string name) => ReadEvent(EventsDirectory, system, name);

    /// <summary>Reads the format of one event from an events directory laid out as tracefs is.</summary>
    public static TracepointSchema ReadEvent(string eventsDirectory, string system, string name)
    {
        string path = Path.Combine(eventsDirectory, system, name, "format");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new TracefsException(TracefsProblem.PermissionDenied, $"Cannot read {path}: permission denied. Tracepoint formats are readable by root only on most systems; run as root, or build against a committed snapshot (tpgen pull).");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (!Directory.Exists(eventsDirectory))
                throw MissingDirectory(eventsDirectory);
            throw new TracefsException(TracefsProblem.EventMissing, $"Tracepoint {system}:{name} does not exist on this kernel (no {path}).");
        }
        return FormatFileReader.ReadOrThrow(text, system, path, name);
    }

    /// <summary>
    /// Every event format under <paramref name="eventsDirectory"/> (system/event/format). Files
    /// that do not parse are reported in the result and the rest are still read.
    /// </summary>
    public static EventsDirectoryResult ReadAll(string eventsDirectory, Func<string, string, bool>? include = null)
    {
        var events = new List<TracepointSchema>();
        var diagnostics = new List<FormatDiagnostic>();
        if (!Directory.Exists(eventsDirectory))
            throw MissingDirectory(eventsDirectory);

        string[] systems = Directory.GetDirectories(eventsDirectory);
        Array.Sort(systems, StringComparer.Ordinal);
        foreach (string systemDirectory in systems)
        {
            string system = Path.GetFileName(systemDirectory);
            string[] eventDirectories = Directory.GetDirectories(systemDirectory);
            Array.Sort(eventDirectories, StringComparer.Ordinal);
            foreach (string eventDirectory in eventDirectories)
            {
                string name = Path.GetFileName(eventDirectory);
                string path = Path.Combine(eventDirectory, "format");
                if (!File.Exists(path) || include is not null && !include(system, name))
                    continue;
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(new FormatDiagnostic(path, 1, 1, "cannot read: " + e.Message, IsError: true));
                    continue;
                }
                FormatReadResult result = FormatFileReader.Read(text, system, path, name);
                diagnostics.AddRange(result.Diagnostics);
                if (result.Schema is not null)
                    events.Add(result.Schema);
            }
        }
        return new EventsDirectoryResult(events, diagnostics);
    }

    private static TracefsException MissingDirectory(string eventsDirectory) =>
        eventsDirectory == EventsDirectory && !IsMounted
            ? new TracefsException(TracefsProblem.NotMounted, $"tracefs is not mounted. Mount it with: {MountCommand}")
            : new TracefsException(TracefsProblem.DirectoryMissing, $"{eventsDirectory} does not exist or is not a directory.");

    private static string? FindRoot()
    {
        if (File.Exists(Path.Combine(DefaultRoot, "trace")) || Directory.Exists(Path.Combine(DefaultRoot, "events")))
            return DefaultRoot;
        try
        {
            foreach (string line in File.ReadLines("/proc/mounts"))
            {
                string[] parts = line.Split(' ');
                if (parts.Length >= 3 && parts[2] == "tracefs")
                    return parts[1];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}

/// <summary>The events read from a directory, and every problem found on the way.</summary>
public sealed record EventsDirectoryResult(IReadOnlyList<TracepointSchema> Events, IReadOnlyList<FormatDiagnostic> Diagnostics);

/// <summary>What was wrong with tracefs.</summary>
public enum TracefsProblem
{
    /// <summary>No tracefs is mounted.</summary>
    NotMounted,

    /// <summary>The events directory asked for does not exist.</summary>
    DirectoryMissing,

    /// <summary>The format could not be read: tracefs is root-only on most systems.</summary>
    PermissionDenied,

    /// <summary>The kernel has no such event.</summary>
    EventMissing,
}

/// <summary>tracefs is missing, unreadable, or lacks the event asked for. The message says what to do.</summary>
public sealed class TracefsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TracefsException(TracefsProblem problem, string message)
        : base(message) => Problem = problem;

    /// <summary>What was wrong.</summary>
    public TracefsProblem Problem { get; }
}
