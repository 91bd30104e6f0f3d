using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using TpGen.Context;
using TpGen.Frontends.Btf;
using TpGen.Schema;

namespace TpGen.Generation;

/// <summary>What a probe set asks to capture besides its events' fields: <c>[ProcessContext]</c> on the class, <c>Members</c> and <c>Packet</c> on a <c>[Tracepoint]</c>.</summary>
internal static class ContextAttributes
{
    /// <summary>The attribute that asks for the process's context.</summary>
    public const string ProcessContextAttribute = "TpGen.Context.ProcessContextAttribute";

    /// <summary>The process context the class's <c>[ProcessContext]</c> asks for.</summary>
    public static ProcessContext Process(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == ProcessContextAttribute &&
                attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int flags)
                return (ProcessContext)flags & (ProcessContext.Command | ProcessContext.CgroupId);
        }
        return ProcessContext.None;
    }

    /// <summary>Why the members and packet a <c>[Tracepoint]</c> asks for do not fit <paramref name="schema"/>, or null when they do.</summary>
    public static string? Problem(TracepointOptions options, TracepointSchema schema)
    {
        if (options.Members.Count > 0 && !BtfTracepoints.IsBtf(schema))
            return $"Members captures kernel struct members from typed arguments, which only tp_btf events have: write [Tracepoint(\"{BtfTracepoints.System}\", \"{schema.Name}\", Members = ...)] (the tracepoint read with its C arguments, typed by BTF)";
        var seen = new HashSet<string>();
        foreach (string text in options.Members)
        {
            if (!MemberPath.TryParse(text, out MemberPath? path, out string? problem, out int column))
                return $"Members: '{TraceNames.Printable(text)}' is not a member path ({problem}, column {column + 1}); write one such as skb->dev->ifindex";
            if (!seen.Add(path!.Text))
                return $"Members names {path.Text} twice";
            if (schema.FindField(path.FieldName) is null)
            {
                var arguments = new List<string>();
                foreach (FieldSpec field in schema.Fields)
                {
                    if (!field.IsCommon)
                        arguments.Add(field.Name);
                }
                return $"the build's description of {schema.FullName} has no capture of {path.Text} (field {path.FieldName}; its fields: {string.Join(", ", arguments)}). The build describes tp_btf events from its BTF with the members the project's attributes name: check the path against the kernel's types (the build log says why it could not be resolved)";
            }
        }
        if (options.Packet && PacketPaths.FindSkb(schema) is null)
            return $"Packet = true needs an event about a packet: {schema.FullName} has no struct sk_buff * argument and no pointer field named {PacketPaths.SkbField}";
        return null;
    }
}
