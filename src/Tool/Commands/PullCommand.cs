using System;
using System.CommandLine;
using System.IO;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen pull SYSTEM:EVENT... [--out DIR]</c>: writes format snapshots for a project's Tracepoints/ folder.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to snapshot, SYSTEM:EVENT (globs allowed, e.g. 'skb:*').", Arity = ArgumentArity.OneOrMore };
        CompletionCommand.AddEventCompletions(events);
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write SYSTEM/EVENT/format files.", DefaultValueFactory = _ => new DirectoryInfo("Tracepoints") };
        Option<DirectoryInfo?> eventsDirectory = CommandSupport.EventsDirectoryOption();
        var command = new Command("pull", "Write the format of each event to OUT/SYSTEM/EVENT/format, the snapshot a project commits to build without tracefs or for another kernel.")
        {
            events, output, eventsDirectory,
        };
        command.SetAction(parse => CommandSupport.Run("pull", () =>
        {
            EventCatalog catalog = EventCatalog.Open(parse.GetValue(eventsDirectory)?.FullName);
            string root = parse.GetValue(output)!.FullName;
            foreach (var (system, name) in catalog.Resolve(CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false)))
            {
                // Parsed first, so a snapshot is never written from a format TpGen cannot read.
                catalog.Read(system, name);
                string text = catalog.ReadText(system, name);
                string path = Path.Combine(root, system, name, "format");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
                Console.Out.WriteLine("wrote " + Path.GetRelativePath(Environment.CurrentDirectory, path));
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
