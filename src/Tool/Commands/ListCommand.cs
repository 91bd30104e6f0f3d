using System.CommandLine;
using System.IO;
using System.Linq;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen list [PATTERN]</c>: the systems and events a kernel has.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var pattern = new Argument<string?>("pattern")
        {
            HelpName = "PATTERN",
            Description = "Which events: SYSTEM:EVENT with * and ? globs (skb:*, *:kfree_skb), or a SYSTEM. Default: all.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        CompletionCommand.AddEventCompletions(pattern);
        Option<DirectoryInfo?> eventsDirectory = CommandSupport.EventsDirectoryOption();
        var systems = new Option<bool>("--systems") { Description = "List the systems only." };
        var command = new Command("list", "List tracepoints, one system:event per line.") { pattern, eventsDirectory, systems };
        command.SetAction(parse => CommandSupport.Run("list", () =>
        {
            EventCatalog catalog = EventCatalog.Open(parse.GetValue(eventsDirectory)?.FullName);
            string? text = parse.GetValue(pattern);
            EventSpec? spec = text is null ? null : CommandSupport.Specs([text], systemAlone: true)[0];
            var events = catalog.List().Where(e => spec is null || spec.Matches(e.System, e.Name)).ToList();
            if (events.Count == 0 && spec is not null)
                throw new UsageException($"no event matches '{spec.Text}' in {catalog.Description}");
            var lines = parse.GetValue(systems) ? events.Select(e => e.System).Distinct() : events.Select(e => e.System + ":" + e.Name);
            foreach (string line in lines)
                System.Console.Out.WriteLine(line);
            return ExitCodes.Success;
        }));
        return command;
    }
}
