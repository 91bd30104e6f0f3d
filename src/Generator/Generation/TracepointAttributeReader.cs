using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>
/// Reads a <c>[Tracepoint]</c> attribute's arguments, for the generator and the analyzer alike,
/// so they agree on what is valid: the analyzer reports what this finds wrong, the generator
/// leaves such attributes out.
/// </summary>
internal static class TracepointAttributeReader
{
    /// <summary>The attribute's named arguments (its settable properties), by name.</summary>
    public static class NamedArguments
    {
        /// <summary>The event class, for kernels whose BTF cannot tell it.</summary>
        public const string Class = nameof(Class);

        /// <summary>Whether attaching skips the event where the running kernel lacks it.</summary>
        public const string Optional = nameof(Optional);

        /// <summary>The filter the kernel applies.</summary>
        public const string Filter = nameof(Filter);

        /// <summary>Kernel struct members a tp_btf event captures.</summary>
        public const string Members = nameof(Members);

        /// <summary>Whether records carry the event's packet.</summary>
        public const string Packet = nameof(Packet);
    }

    public static TracepointArguments Read(AttributeData attribute)
    {
        string? system = null, name = null;
        if (attribute.ConstructorArguments.Length == 2)
        {
            system = attribute.ConstructorArguments[0].Value as string;
            name = attribute.ConstructorArguments[1].Value as string;
        }

        var options = TracepointOptions.Default;
        var problems = new List<InvalidArgument>();
        if (!TraceNames.IsSystem(system))
            problems.Add(new InvalidArgument("system", system));
        if (!TraceNames.IsEvent(name))
            problems.Add(new InvalidArgument("event", name));
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            // One case per named argument of TracepointAttribute; an unknown name is a compile error already.
            switch (named.Key)
            {
                case NamedArguments.Class:
                    string? eventClass = named.Value.Value as string;
                    if (eventClass is not null && !TraceNames.IsClass(eventClass))
                        problems.Add(new InvalidArgument("event class", eventClass));
                    else
                        options = options with { Class = eventClass };
                    break;
                case NamedArguments.Optional:
                    options = options with { Optional = named.Value.Value is true };
                    break;
                case NamedArguments.Filter:
                    // Checked against the event's fields by the resolver, which has its description.
                    options = options with { Filter = named.Value.Value as string };
                    break;
                case NamedArguments.Members:
                    // Checked against the event's arguments by the resolver; here only collected.
                    var members = new List<string>();
                    if (named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                    {
                        foreach (TypedConstant member in named.Value.Values)
                        {
                            if (member.Value is string text)
                                members.Add(text);
                        }
                    }
                    options = options with { Members = members.ToEquatableArray() };
                    break;
                case NamedArguments.Packet:
                    options = options with { Packet = named.Value.Value is true };
                    break;
            }
        }
        return new TracepointArguments(system, name, options, problems);
    }
}

/// <summary>An attribute argument that is not a tracepoint name: which one (system, event, event class) and its value.</summary>
internal readonly record struct InvalidArgument(string Argument, string? Value);

/// <summary>What one <c>[Tracepoint]</c> says; <see cref="Problems"/> is empty when all of it is valid.</summary>
internal sealed record TracepointArguments(string? System, string? Name, TracepointOptions Options, IReadOnlyList<InvalidArgument> Problems)
{
    public bool IsValid => Problems.Count == 0;

    public string Key => System + ":" + Name;
}
