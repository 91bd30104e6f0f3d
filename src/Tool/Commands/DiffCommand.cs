using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>
/// <c>tpgen diff SYSTEM:EVENT... --from SOURCE --to SOURCE</c>: how events are laid out
/// differently by two sources or two kernels: fields added, removed, moved, resized, retyped, and
/// symbols whose values changed; and whether a build from the first runs on the second
/// (relocated by name) or what stops it.
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var events = new Argument<string[]>("events") { HelpName = "SYSTEM:EVENT", Description = "Events to compare (globs allowed).", Arity = ArgumentArity.OneOrMore };
        CompletionCommand.AddEventCompletions(events);
        var from = new Option<string>("--from") { Description = "The first source: tracefs, tracefs:EVENTS_DIR, btf, btf:FILE or headers:DIR.", Required = true };
        var to = new Option<string>("--to") { Description = "The second source, in the same form.", Required = true };
        var command = new Command("diff", "Show how events differ between two sources or two kernels: fields added, removed, moved, resized or retyped, and symbol values. Exits 0 when they agree, 1 when they differ.")
        {
            events, from, to,
        };
        command.SetAction(parse => CommandSupport.Run("diff", () =>
        {
            List<EventSpec> specs = CommandSupport.Specs(parse.GetValue(events)!, systemAlone: false);
            EventSource left = SourceOptions.Parse(parse.GetValue(from)!);
            EventSource right = SourceOptions.Parse(parse.GetValue(to)!);
            Console.Out.WriteLine($"--- {left.Description}");
            Console.Out.WriteLine($"+++ {right.Description}");
            bool differ = false;
            var rightEvents = right.Resolve(specs).ToHashSet();
            foreach (var (system, name) in left.Resolve(specs))
            {
                if (!rightEvents.Remove((system, name)) && !rightEvents.Remove(("*", name)))
                {
                    Console.Out.WriteLine($"{system}:{name}: only in {left.Description}");
                    differ = true;
                    continue;
                }
                TracepointSchema built = left.Read(system, name), running = right.Read(system, name);
                IReadOnlyList<string> changes = Changes(built, running);
                differ |= changes.Count > 0;
                Console.Out.WriteLine($"{system}:{name}: {(changes.Count == 0 ? "same layout" : changes.Count + " difference(s)")}");
                foreach (string change in changes)
                    Console.Out.WriteLine("  " + change);
                if (changes.Count > 0)
                    WriteRelocation(Relocator.Relocate(built, running), "  ");
            }
            foreach (var (system, name) in rightEvents)
            {
                Console.Out.WriteLine($"{system}:{name}: only in {right.Description}");
                differ = true;
            }
            return differ ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>What relocating a build onto another kernel does: whether it can, and what it moves, converts, leaves absent or translates.</summary>
    public static void WriteRelocation(EventRelocation relocation, string indent)
    {
        IReadOnlyList<string> problems = relocation.Problems(allowLossy: false);
        Console.Out.WriteLine(indent + (problems.Count == 0
            ? "a build from the first runs on the second, relocated by name:"
            : "a build from the first cannot run on the second as built:"));
        foreach (string problem in problems)
            Console.Out.WriteLine(indent + "  ! " + problem);
        foreach (string line in relocation.Describe())
            Console.Out.WriteLine(indent + "  " + line);
    }

    /// <summary>Every difference that matters to a decoder, one line each.</summary>
    public static IReadOnlyList<string> Changes(TracepointSchema left, TracepointSchema right)
    {
        var changes = new List<string>();
        foreach (FieldChange change in SchemaDifference.Fields(left, right))
        {
            FieldSpec? before = change.Before, after = change.After;
            changes.Add(change.Kind switch
            {
                FieldChangeKind.Removed => $"- {change.Name}: removed (was {before!.Type.Text} at offset {before.Offset}, size {before.Size})",
                FieldChangeKind.Added => $"+ {change.Name}: added ({after!.Type.Text} at offset {after.Offset}, size {after.Size})",
                FieldChangeKind.Moved => $"~ {change.Name}: moved from offset {before!.Offset} to {after!.Offset}",
                FieldChangeKind.Resized => $"~ {change.Name}: resized from {before!.Size} to {after!.Size} bytes",
                _ => $"~ {change.Name}: retyped from {Describe(before!)} to {Describe(after!)}",
            });
        }
        IReadOnlyList<SymbolChange> symbols = SchemaDifference.Symbols(left, right);
        if (symbols.Count > 0)
            changes.Add($"~ symbols with other values ({symbols.Count}): {string.Join(", ", symbols.Take(8).Select(s => $"{s.Name} {s.Before} -> {s.After}"))}{(symbols.Count > 8 ? ", ..." : "")}");
        return changes;
    }

    private static string Describe(FieldSpec field) => $"'{field.Type.Text}' ({(field.IsSigned ? "signed" : "unsigned")} {field.Kind.ToString().ToLowerInvariant()})";
}
