using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen pull SYSTEM:EVENT... [--out DIR] [--kernel NAME]</c>: writes format snapshots for a project's Tracepoints/ folder, one kernel's or one of several.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to snapshot, SYSTEM:EVENT (globs allowed, e.g. 'skb:*').", Arity = ArgumentArity.OneOrMore };
        CompletionCommand.AddEventCompletions(events);
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write SYSTEM/EVENT/format files.", DefaultValueFactory = _ => new DirectoryInfo("Tracepoints") };
        var kernel = new Option<string?>("--kernel")
        {
            Description = "Write into OUT/KERNEL/SYSTEM/EVENT/format: one of several kernels a build generates the union of (KERNEL is a release such as 6.1.0-56-amd64; 'running' is this machine's).",
        };
        var sources = new SourceOptions();
        var command = new Command("pull", "Write the format of each event to OUT/SYSTEM/EVENT/format, the snapshot a project commits to build without tracefs or for another kernel; from tracefs, BTF or kernel headers. An event that cannot be read is reported, the others written, and the exit code is 1.")
        {
            events, output, kernel,
        };
        sources.AddTo(command);
        command.SetAction(parse => CommandSupport.Run("pull", () =>
        {
            EventSource source = sources.Open(parse);
            string root = parse.GetValue(output)!.FullName;
            string? release = parse.GetValue(kernel) is "running" ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : parse.GetValue(kernel);
            if (release is not null && !SnapshotLayout.IsKernelName(release))
                throw new UsageException($"--kernel '{release}' is not a kernel name: a release such as 6.1.0-56-amd64 (letters, digits, '.', '_', '-', '+'), or 'running'");
            var chosen = source.Resolve(CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false), tolerant: true);
            // Each event on its own: one that cannot be read is reported, and the others are still written.
            int failedEvents = CommandSupport.ForEachEvent("pull", chosen, (system, name) =>
            {
                // Parsed first, so a snapshot is never written from a description TpGen cannot read.
                source.Read(system, name);
                string text = source.FormatText(system, name);
                string path = Path.Combine(root, SnapshotLayout.PathOf(release, system, name));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
                Console.Out.WriteLine("wrote " + Path.GetRelativePath(Environment.CurrentDirectory, path));
            });
            if (source is BtfSource btf)
            {
                foreach (string note in btf.Notes.Distinct())
                    Console.Error.WriteLine("note: " + note);
            }
            int problems = failedEvents + CommandSupport.ReportProblems("pull", source);
            if (problems > 0)
                Console.Error.WriteLine($"tpgen pull: wrote {chosen.Count - failedEvents} of {chosen.Count} events; {problems} problem(s) above");
            return problems == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }
}
