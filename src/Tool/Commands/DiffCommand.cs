using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using TpGen.Schema;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>
/// <c>tpgen diff SYSTEM:EVENT... --from SOURCE --to SOURCE</c>: how events are laid out
/// differently by two sources or two kernels: fields added, removed, moved, resized, retyped, and
/// symbols whose values changed.
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
                IReadOnlyList<string> changes = Changes(left.Read(system, name), right.Read(system, name));
                differ |= changes.Count > 0;
                Console.Out.WriteLine($"{system}:{name}: {(changes.Count == 0 ? "same layout" : changes.Count + " difference(s)")}");
                foreach (string change in changes)
                    Console.Out.WriteLine("  " + change);
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

    /// <summary>Every difference that matters to a decoder, one line each.</summary>
    public static IReadOnlyList<string> Changes(TracepointSchema left, TracepointSchema right)
    {
        var changes = new List<string>();
        foreach (FieldSpec field in left.Fields)
        {
            FieldSpec? other = right.FindField(field.Name);
            if (other is null)
            {
                changes.Add($"- {field.Name}: removed (was {field.Type.Text} at offset {field.Offset}, size {field.Size})");
                continue;
            }
            if (other.Offset != field.Offset)
                changes.Add($"~ {field.Name}: moved from offset {field.Offset} to {other.Offset}");
            if (other.Size != field.Size)
                changes.Add($"~ {field.Name}: resized from {field.Size} to {other.Size} bytes");
            if (other.Kind != field.Kind || other.IsSigned != field.IsSigned || other.ElementSize != field.ElementSize || other.Location != field.Location)
                changes.Add($"~ {field.Name}: retyped from {Describe(field)} to {Describe(other)}");
        }
        foreach (FieldSpec field in right.Fields)
        {
            if (left.FindField(field.Name) is null)
                changes.Add($"+ {field.Name}: added ({field.Type.Text} at offset {field.Offset}, size {field.Size})");
        }
        Dictionary<string, ulong> leftSymbols = Symbols(left), rightSymbols = Symbols(right);
        var moved = leftSymbols.Where(s => rightSymbols.TryGetValue(s.Key, out ulong value) && value != s.Value)
            .Select(s => $"{s.Key} {s.Value} -> {rightSymbols[s.Key]}").ToList();
        if (moved.Count > 0)
            changes.Add($"~ symbols with other values ({moved.Count}): {string.Join(", ", moved.Take(8))}{(moved.Count > 8 ? ", ..." : "")}");
        return changes;
    }

    private static string Describe(FieldSpec field) => $"'{field.Type.Text}' ({(field.IsSigned ? "signed" : "unsigned")} {field.Kind.ToString().ToLowerInvariant()})";

    private static Dictionary<string, ulong> Symbols(TracepointSchema schema)
    {
        var symbols = new Dictionary<string, ulong>();
        if (schema.Print is null)
            return symbols;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            foreach (SymbolEntry entry in table.Entries)
            {
                if (entry.IsResolved)
                    symbols.TryAdd(entry.Name, entry.Value);
            }
        }
        return symbols;
    }
}
