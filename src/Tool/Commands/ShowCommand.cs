using System;
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

/// <summary><c>tpgen show SYSTEM:EVENT</c>: an event's fields and print fmt, or the code TpGen generates for it.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var eventArgument = new Argument<string>("event") { HelpName = "SYSTEM:EVENT", Description = "The event, SYSTEM:EVENT (e.g. skb:kfree_skb)." };
        CompletionCommand.AddEventCompletions(eventArgument);
        var sources = new SourceOptions();
        var csharp = new Option<bool>("--csharp") { Description = "Print the C# the generator emits for a probe set of this event." };
        var bpf = new Option<bool>("--bpf") { Description = "Print the BPF C the generator emits for it." };
        var command = new Command("show", "Show an event's fields (type, offset, size, signedness, kind) and print fmt.") { eventArgument, csharp, bpf };
        sources.AddTo(command);
        command.SetAction(parse => CommandSupport.Run("show", () =>
        {
            EventSpec spec = CommandSupport.Specs([parse.GetValue(eventArgument)!], systemAlone: false)[0];
            if (!spec.IsExact)
                throw new UsageException($"'{spec.Text}' names several events; show takes one (use tpgen list '{spec.Text}')");
            EventSource source = sources.Open(parse);
            source.Resolve([spec]);
            TracepointSchema schema = source.Read(spec.System, spec.Name);
            if (source is BtfSource btf)
            {
                foreach (string note in btf.Notes)
                    Console.Error.WriteLine("note: " + note);
            }

            var probeSet = new ProbeSetSpec(null, EquatableArray<ContainingTypeSpec>.Empty, CSharpNames.ToPascalCase(schema.Name) + "Probe", new EquatableArray<TracepointSchema>([schema]));
            if (parse.GetValue(csharp))
                Console.Out.Write(CSharpEmitter.Emit(probeSet));
            if (parse.GetValue(bpf))
                Console.Out.Write(BpfEmitter.Emit(probeSet.FullName, [schema]));
            if (!parse.GetValue(csharp) && !parse.GetValue(bpf))
                WriteFields(schema, source.Description);
            return ExitCodes.Success;
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
