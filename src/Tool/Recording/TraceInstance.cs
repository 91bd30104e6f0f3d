using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace TpGen.Tool.Recording;

/// <summary>
/// A tracefs instance of <c>tpgen record</c>'s own (<c>instances/tpgen-record-PID</c>): a ring
/// buffer with its own events, filters and per-CPU <c>trace_pipe_raw</c>, so recording neither
/// disturbs nor sees what others trace. Removing it on dispose frees the buffer; instances left by
/// a killed recorder are removed by the next one.
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
    public static TraceInstance Create(string root)
    {
        string instances = Path.Combine(root, "instances");
        RemoveAbandoned(instances);
        string directory = Path.Combine(instances, Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
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

    // tpgen-record-PID instances whose process is gone: a recorder that was killed.
    private static void RemoveAbandoned(string instances)
    {
        if (!System.IO.Directory.Exists(instances))
            return;
        foreach (string directory in System.IO.Directory.GetDirectories(instances, Prefix + "*"))
        {
            string pid = Path.GetFileName(directory).Substring(Prefix.Length);
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || System.IO.Directory.Exists(Path.Combine("/proc", pid)))
                continue;
            try
            {
                System.IO.Directory.Delete(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            _ = id;
        }
    }
}
