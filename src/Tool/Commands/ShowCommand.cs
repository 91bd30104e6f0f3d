using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using TpGen.Emitters;
using TpGen.Emitters.Bpf;
using TpGen.Emitters.CSharp;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen show SYSTEM:EVENT...</c>: each event's fields and print fmt, or the code TpGen generates for them.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var eventArgument = new Argument<string[]>("events")
        {
            HelpName = "SYSTEM:EVENT",
            Description = "The events, SYSTEM:EVENT (e.g. skb:kfree_skb; globs such as 'skb:*' show each event they match).",
            Arity = ArgumentArity.OneOrMore,
        };
        CompletionCommand.AddEventCompletions(eventArgument);
        var sources = new SourceOptions();
        var csharp = new Option<bool>("--csharp") { Description = "Print the C# the generator emits for a probe set of these events." };
        var bpf = new Option<bool>("--bpf") { Description = "Print the BPF C the generator emits for it." };
        var command = new Command("show", "Show each event's fields (type, offset, size, signedness, kind) and print fmt. An event that cannot be read is reported, the others shown, and the exit code is 1.") { eventArgument, csharp, bpf };
        sources.AddTo(command);
        command.SetAction(parse => CommandSupport.Run("show", () =>
        {
            List<EventSpec> specs = CommandSupport.Specs(parse.GetValue(eventArgument)!, systemAlone: false);
            EventSource source = sources.Open(parse);
            var chosen = source.Resolve(specs, tolerant: true);
            var schemas = new List<TracepointSchema>();
            int failedEvents = CommandSupport.ForEachEvent("show", chosen, (system, name) => schemas.Add(source.Read(system, name)));
            if (source is BtfSource btf)
            {
                foreach (string note in btf.Notes.Distinct())
                    Console.Error.WriteLine("note: " + note);
            }

            if (schemas.Count > 0)
            {
                string typeName = schemas.Count == 1 ? CSharpNames.ToPascalCase(schemas[0].Name) + "Probe" : "Probes";
                var probeSet = new ProbeSetSpec(null, EquatableArray<ContainingTypeSpec>.Empty, typeName, schemas.ToEquatableArray());
                if (parse.GetValue(csharp))
                    Console.Out.Write(CSharpEmitter.Emit(probeSet));
                if (parse.GetValue(bpf))
                    Console.Out.Write(BpfEmitter.Emit(probeSet.FullName, schemas));
                if (!parse.GetValue(csharp) && !parse.GetValue(bpf))
                {
                    for (int i = 0; i < schemas.Count; i++)
                    {
                        if (i > 0)
                            Console.Out.WriteLine();
                        WriteFields(schemas[i], source.Description);
                    }
                }
            }
            int problems = failedEvents + CommandSupport.ReportProblems("show", source);
            return problems == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static void WriteFields(TracepointSchema schema, string source)
    {
        TextWriter output = Console.Out;
        output.WriteLine($"{schema.FullName} (id {(schema.Id < 0 ? "unknown" : schema.Id.ToString(CultureInfo.InvariantCulture))}) from {source}");
        output.WriteLine();
        int nameWidth = Math.Max(5, schema.Fields.Max(f => f.Name.Length));
        int typeWidth = Math.Max(4, schema.Fields.Max(f => f.Type.Text.Length));
        output.WriteLine($"{"FIELD".PadRight(nameWidth)}  {"TYPE".PadRight(typeWidth)}  OFFSET  SIZE  SIGNED  KIND");
        foreach (FieldSpec field in schema.Fields)
        {
            output.WriteLine($"{field.Name.PadRight(nameWidth)}  {field.Type.Text.PadRight(typeWidth)}  {field.Offset,6}  {field.Size,4}  {(field.IsSigned ? "yes" : "no"),-6}  {Kind(field)}");
        }
        output.WriteLine();
        output.WriteLine("print fmt: " + (schema.PrintFmt ?? "(none)"));
        if (schema.PrintProblem is not null)
            output.WriteLine("note: " + schema.PrintProblem);
    }

    private static string Kind(FieldSpec field) => field.Kind switch
    {
        FieldKind.Scalar => "scalar",
        FieldKind.Bool => "bool",
        FieldKind.Enum => "enum",
        FieldKind.Pointer => "pointer",
        FieldKind.CharArray => field.ElementCount == 0 ? "string (rest of record)" : $"string (char[{field.ElementCount}])",
        FieldKind.FixedArray => field.ElementCount == 0 ? $"array (rest of record, {field.ElementSize}-byte elements)" : $"array ({field.ElementCount} x {field.ElementSize} bytes)",
        FieldKind.DynamicString => field.Location == DynamicLocation.RelLoc ? "__rel_loc string" : "__data_loc string",
        FieldKind.DynamicArray => $"{(field.Location == DynamicLocation.RelLoc ? "__rel_loc" : "__data_loc")} array ({field.ElementSize}-byte elements)",
        _ => "opaque",
    };
}
