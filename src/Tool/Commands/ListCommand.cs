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
        var sources = new SourceOptions();
        var systems = new Option<bool>("--systems") { Description = "List the systems only." };
        var command = new Command("list", "List tracepoints, one system:event per line. A system that cannot be read is reported, the others listed, and the exit code is 1.") { pattern, systems };
        sources.AddTo(command);
        command.SetAction(parse => CommandSupport.Run("list", () =>
        {
            EventSource source = sources.Open(parse);
            string? text = parse.GetValue(pattern);
            EventSpec? spec = text is null ? null : CommandSupport.Specs([text], systemAlone: true)[0];
            var events = source.List(spec).Where(e => spec is null || spec.Matches(e.System, e.Name)).ToList();
            // A system that could not be read is reported below; with none, no match is a usage error.
            if (events.Count == 0 && spec is not null && source.Problems.Count == 0)
                throw new UsageException($"no event matches '{spec.Text}' in {source.Description}");
            if (source is BtfSource { KnowsSystems: false })
                System.Console.Error.WriteLine("tpgen list: BTF does not say which system an event belongs to; its events are listed under '*' (or the system of the event you named).");
            var lines = parse.GetValue(systems) ? events.Select(e => e.System).Distinct() : events.Select(e => e.System + ":" + e.Name);
            foreach (string line in lines)
                System.Console.Out.WriteLine(line);
            return CommandSupport.ReportProblems("list", source) == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }
}
