using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Files;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using TpGen.Tests.Text;
using Xunit;

namespace TpGen.Tests.Files;

/// <summary>
/// trace-cmd (Debian's package), the oracle for trace.dat files: <c>trace-cmd report</c> reads a
/// file as KernelShark's library does, <c>trace-cmd record</c> writes one. Both are run as programs.
/// </summary>
internal static partial class TraceCmd
{
    public static string Require() => KernelFacility.RequireProgram("trace-cmd", "trace-cmd");

    /// <summary>
    /// <c>trace-cmd report -N -i FILE</c>: the event lines and the lost-event lines, in order. -N
    /// leaves out libtraceevent's plugins, which print some events (sched_switch, ...) their own way
    /// instead of by the event's print fmt as the kernel does.
    /// </summary>
    public static List<string> Report(string file)
    {
        ProgramResult result = Run(Require(), ["report", "-N", "-i", file]);
        Assert.True(result.ExitCode == 0, $"trace-cmd report -i {file} failed ({result.ExitCode}): {result.Error}");
        return result.Output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("cpus=", StringComparison.Ordinal)).ToList();
    }

    /// <summary><c>trace-cmd convert</c>: the same trace in another version of the format, compressed or not.</summary>
    public static void Convert(string input, string output, string version, string compression)
    {
        ProgramResult result = Run(Require(), ["convert", "--file-version", version, "--compression", compression, "-i", input, "-o", output]);
        Assert.True(result.ExitCode == 0 && File.Exists(output), $"trace-cmd convert failed ({result.ExitCode}): {result.Error}");
    }

    /// <summary><c>tpgen report FILE</c>'s lines.</summary>
    public static List<string> TpGenReport(string file, params string[] options)
    {
        ProgramResult result = ToolRunner.Run(["report", file, .. options]);
        Assert.True(result.ExitCode == 0, $"tpgen report {file} failed ({result.ExitCode}): {result.Error}");
        return result.Output.Split('\n').Where(l => l.Length > 0).ToList();
    }

    /// <summary>
    /// Checks that tpgen report printed what trace-cmd report printed, line for line: the same
    /// lost-event lines in the same places; for events the same task, thread, CPU, microsecond and
    /// event; and event text that is equal, or differs only in the ways docs/event-text.md lists
    /// between the kernel's text (TpGen's) and libtraceevent's (trace-cmd's), each difference
    /// explained by one of those rules (<see cref="KnownDifferences"/>). Returns the number of
    /// lines whose text differs in a documented way.
    /// </summary>
    public static int AssertSameReport(IReadOnlyList<string> traceCmd, IReadOnlyList<string> tpgen, TraceDataFile file)
    {
        Assert.True(traceCmd.Count == tpgen.Count, $"trace-cmd report printed {traceCmd.Count} lines, tpgen report {tpgen.Count}");
        var schemas = file.Events.Where(e => e.Schema is not null).ToDictionary(e => e.Name, e => e.Schema!);
        int explained = 0;
        for (int i = 0; i < traceCmd.Count; i++)
        {
            string theirs = traceCmd[i], ours = tpgen[i];
            if (theirs.StartsWith("CPU:", StringComparison.Ordinal))
            {
                Assert.True(theirs == ours, $"line {i + 1}: trace-cmd reports a loss \"{theirs}\", tpgen \"{ours}\"");
                continue;
            }
            Match a = EventLine().Match(theirs), b = EventLine().Match(ours);
            Assert.True(a.Success, $"line {i + 1} of trace-cmd report is not an event line: {theirs}");
            Assert.True(b.Success, $"line {i + 1} of tpgen report is not an event line: {ours}");
            foreach (string part in new[] { "comm", "pid", "cpu", "time", "event" })
                Assert.True(int.TryParse(a.Groups[part].Value, out int x) && int.TryParse(b.Groups[part].Value, out int y) ? x == y : a.Groups[part].Value == b.Groups[part].Value,
                    $"line {i + 1}: the {part} differs:\n  trace-cmd: {theirs}\n  tpgen:     {ours}");
            string theirText = a.Groups["text"].Value, ourText = b.Groups["text"].Value;
            if (theirText == ourText)
                continue;
            TracepointSchema schema = schemas[a.Groups["event"].Value];
            IReadOnlyList<string>? reasons = KnownDifferences.Explain(schema, ourText, theirText, libtraceeventFailedToParse: false);
            Assert.True(reasons is not null, $"line {i + 1}: the text of {schema.FullName} differs in a way docs/event-text.md does not list:\n  trace-cmd: {theirText}\n  tpgen:     {ourText}");
            explained++;
        }
        return explained;
    }

    // "comm-pid [cpu] seconds.micros: event: text"; trace-cmd pads the event name, tpgen the pid.
    [GeneratedRegex(@"^\s*(?<comm>.*?)-(?<pid>\d+)\s+\[(?<cpu>\d+)\]\s+(?<time>\d+\.\d{6}):\s+(?<event>\w+):\s+(?<text>.*)$")]
    private static partial Regex EventLine();

    /// <summary>
    /// Starts <c>trace-cmd record -o OUTPUT ARGS</c> and returns once it records (its events are
    /// enabled and its per-CPU files exist). Stop it with <see cref="Recording.Stop"/>.
    /// </summary>
    public static Recording StartRecord(string output, params string[] arguments)
    {
        string traceCmd = Require();
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--default-signal=INT,TERM");
        foreach (string part in Sandbox(traceCmd))
            start.ArgumentList.Add(part);
        start.ArgumentList.Add("record");
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(output);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var recording = new Recording(Process.Start(start)!, output);
        var waited = Stopwatch.StartNew();
        while (!File.Exists(output + ".cpu0") || File.ReadAllText(Path.Combine(Tracefs.Root, "tracing_on")).Trim() != "1")
        {
            if (recording.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                Assert.Fail($"trace-cmd record did not start recording: {recording.Finish().Error}");
            Thread.Sleep(100);
        }
        // Its recorders open trace_pipe_raw just after creating their files.
        Thread.Sleep(1000);
        return recording;
    }

    /// <summary>
    /// The command that runs trace-cmd. Some sandboxes (this project's test VMs among them) refuse
    /// even root the function tracer's files (set_ftrace_pid, set_ftrace_filter, ...,
    /// /proc/sys/kernel/ftrace_enabled), and trace-cmd record, which always writes them, then
    /// stops or crashes. There, trace-cmd runs in a private mount namespace with ordinary files
    /// bind-mounted over those: it records events exactly as before, and the machine's own files
    /// are untouched.
    /// </summary>
    private static string[] Sandbox(string traceCmd)
    {
        string probe = Path.Combine(Tracefs.Root, "set_ftrace_pid");
        try
        {
            if (File.Exists(probe))
                using (new FileStream(probe, FileMode.Open, FileAccess.Write))
                {
                }
            return [traceCmd];
        }
        catch (UnauthorizedAccessException)
        {
        }
        catch (IOException)
        {
        }
        string stand = Path.Combine(Path.GetTempPath(), "tpgen-trace-cmd-stand-ins");
        Directory.CreateDirectory(stand);
        File.WriteAllText(Path.Combine(stand, "empty"), "");
        File.WriteAllText(Path.Combine(stand, "one"), "1\n");
        string files = string.Join(" ", new[] { "set_ftrace_pid", "set_ftrace_notrace_pid", "set_ftrace_filter", "set_ftrace_notrace", "set_graph_function", "set_graph_notrace", "available_filter_functions" });
        string script =
            $"for f in {files}; do [ -e \"$1/$f\" ] && mount --bind \"$2/empty\" \"$1/$f\"; done; " +
            "[ -e /proc/sys/kernel/ftrace_enabled ] && mount --bind \"$2/one\" /proc/sys/kernel/ftrace_enabled; " +
            "shift 2; exec \"$@\"";
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", Tracefs.Root, stand, traceCmd];
    }

    public static ProgramResult Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        process.WaitForExit();
        return new ProgramResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A running trace-cmd record.</summary>
    internal sealed class Recording(Process process, string output) : IDisposable
    {
        private readonly Task<string> _output = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _error = process.StandardError.ReadToEndAsync();

        public bool HasExited => process.HasExited;

        public string Output => output;

        /// <summary>Stops it as Ctrl-C does and waits for the file.</summary>
        public ProgramResult Stop()
        {
            Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            return Finish();
        }

        public ProgramResult Finish()
        {
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("trace-cmd record did not stop in 2 minutes");
            }
            process.WaitForExit();
            return new ProgramResult(process.ExitCode, _output.Result, _error.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
