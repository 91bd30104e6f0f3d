using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace TpGen.Tool.Recording;

/// <summary>
/// A tracefs instance of <c>tpgen record</c>'s own (<c>instances/tpgen-record-PID-N</c>): a ring
/// buffer with its own events, filters and per-CPU <c>trace_pipe_raw</c>, so recording neither
/// disturbs nor sees what others trace. Removing it on dispose frees the buffer. An instance left
/// by a recorder that was killed is named to the user, not removed: its process may live in
/// another PID namespace (a container on the same kernel) and still be recording.
/// </summary>
internal sealed class TraceInstance : IDisposable
{
    private const string Prefix = "tpgen-record-";
    private bool _disposed;

    private TraceInstance(string root, string directory)
    {
        Root = root;
        Directory = directory;
    }

    /// <summary>The tracefs root.</summary>
    public string Root { get; }

    /// <summary>The instance's directory.</summary>
    public string Directory { get; }

    /// <exception cref="RecordException">The instance cannot be made (not root, or tracefs refuses).</exception>
    public static TraceInstance Create(string root, System.IO.TextWriter error)
    {
        string instances = Path.Combine(root, "instances");
        WarnAbandoned(instances, error);
        string directory = Path.Combine(instances, $"{Prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Random.Shared.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture)}");
        try
        {
            if (System.IO.Directory.Exists(directory))
                throw new IOException("it exists already");
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RecordException(RecordProblem.NotPermitted, $"cannot create the tracefs instance {directory}: permission denied. Recording needs root; run tpgen record as root.", e);
        }
        catch (IOException e)
        {
            throw new RecordException(RecordProblem.Refused, $"cannot create the tracefs instance {directory}: {e.Message}", e);
        }
        var instance = new TraceInstance(root, directory);
        instance.Write("tracing_on", "0", "stop the new instance's buffer");
        return instance;
    }

    /// <summary>The CPUs the instance has a buffer for (per_cpu/cpuN).</summary>
    public IReadOnlyList<int> Cpus()
    {
        var cpus = new List<int>();
        foreach (string path in System.IO.Directory.GetDirectories(Path.Combine(Directory, "per_cpu"), "cpu*"))
        {
            if (int.TryParse(Path.GetFileName(path).AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int cpu))
                cpus.Add(cpu);
        }
        cpus.Sort();
        return cpus;
    }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public bool Exists(string relative) => File.Exists(PathOf(relative));

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Writes a tracefs setting; a refusal names the setting and, where tracefs logged one, its reason.</summary>
    public void Write(string relative, string value, string what)
    {
        string path = PathOf(relative);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(value);
            stream.Write(bytes);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RecordException(RecordProblem.NotPermitted, $"cannot {what} ({path}): permission denied. Recording needs root.", e);
        }
        catch (IOException e)
        {
            string log = LastErrorLogLine();
            throw new RecordException(RecordProblem.Refused, $"tracefs refused to {what} ({path}: {e.Message}){(log.Length > 0 ? ": " + log : "")}", e);
        }
    }

    /// <summary>Leaves the given threads' events out of the instance (the recorder's own).</summary>
    public void ExcludeThreads(IEnumerable<int> threads)
    {
        if (!Exists("set_event_notrace_pid"))
            return;
        try
        {
            Write("set_event_notrace_pid", string.Join(" ", threads.Select(t => t.ToString(CultureInfo.InvariantCulture))), "leave the recorder's threads out");
        }
        catch (RecordException)
        {
            // Older kernels refuse or lack it: the recorder's own events are then recorded too.
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            Write("tracing_on", "0", "stop the buffer");
        }
        catch (RecordException)
        {
        }
        // rmdir fails while a reader still holds a file of the instance; the callers close theirs first.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException)
            {
                System.Threading.Thread.Sleep(50);
            }
        }
    }

    // The instance error_log says why a filter was refused, e.g. "Field not found".
    private string LastErrorLogLine()
    {
        try
        {
            string[] lines = File.ReadAllLines(PathOf("error_log"));
            return string.Join(" ", lines.Reverse().Take(3).Reverse().Select(l => l.Trim()).Where(l => l.Length > 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    // tpgen-record-PID-N instances whose process is not running in this PID namespace.
    private static void WarnAbandoned(string instances, System.IO.TextWriter error)
    {
        if (!System.IO.Directory.Exists(instances))
            return;
        foreach (string directory in System.IO.Directory.GetDirectories(instances, Prefix + "*"))
        {
            string[] parts = Path.GetFileName(directory).Substring(Prefix.Length).Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) && !System.IO.Directory.Exists(Path.Combine("/proc", parts[0])))
                error.WriteLine($"tpgen record: {directory} belongs to no process here: a recorder that was killed left it (or one in another container is using it); remove it with rmdir when no one is, to free its buffer");
        }
    }
}
