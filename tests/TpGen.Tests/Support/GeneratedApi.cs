using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using TpGen.Emitters.CSharp;
using TpGen.Schema;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>The public API generated for one event: its view's and record's public members, and the enums their properties use.</summary>
/// <param name="Members">Each public member of the view and the record, by <c>View.Name</c> / <c>Record.Name</c>, with its signature.</param>
/// <param name="Enums">Each generated enum a member's type names, by its name: its kind and members (<c>NAME = value</c>).</param>
internal sealed record EventApi(SortedDictionary<string, string> Members, SortedDictionary<string, (string Kind, SortedSet<string> Members)> Enums);

/// <summary>
/// The public API the generator makes for a set of events, read from the compiled symbols, per
/// event. The events are grouped as a user's build groups them in <see cref="CompiledEvents"/>:
/// one probe set per system.
/// </summary>
internal static class GeneratedApi
{
    // Types by their bare names (SkbDropReason, KernelString), so a signature starts with its type's name.
    private static readonly SymbolDisplayFormat Signature = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeModifiers | SymbolDisplayMemberOptions.IncludeRef,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeName,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Runs the generator over <paramref name="events"/>, whose format files <paramref name="formatText"/> gives, and reads each event's API by <c>system:name</c>.</summary>
    public static Dictionary<string, EventApi> Of(IReadOnlyList<TracepointSchema> events, Func<TracepointSchema, string> formatText, string source)
    {
        var code = new StringBuilder("namespace AllEvents;\n");
        foreach (IGrouping<string, TracepointSchema> system in events.GroupBy(e => e.System))
        {
            foreach (TracepointSchema schema in system)
                code.Append($"[TpGen.Tracepoint(\"{schema.System}\", \"{schema.Name}\")]\n");
            code.Append($"public partial class {CSharpNames.ToPascalCase(system.Key)}Events {{ }}\n");
        }
        FormatInput[] formats = events.Select(e => new FormatInput($"/sys/kernel/tracing/events/{e.System}/{e.Name}/format", formatText(e), source)).ToArray();
        GeneratorOutcome outcome = GeneratorHarness.Run(GeneratorHarness.Compilation(code.ToString()), formats);
        Assert.Empty(outcome.Errors);

        var apis = new Dictionary<string, EventApi>(StringComparer.Ordinal);
        INamespaceSymbol root = outcome.Output.GlobalNamespace.GetNamespaceMembers().Single(n => n.Name == "AllEvents");
        foreach (INamedTypeSymbol probeSet in root.GetTypeMembers())
        {
            foreach (INamedTypeSymbol view in probeSet.GetTypeMembers().Where(t => t.IsRefLikeType && t.GetMembers("SystemName").Length == 1))
            {
                string key = (string)view.GetMembers("SystemName").OfType<IFieldSymbol>().Single().ConstantValue! + ":" +
                             (string)view.GetMembers("EventName").OfType<IFieldSymbol>().Single().ConstantValue!;
                var api = new EventApi(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
                Add(api, "View", view);
                if (probeSet.GetTypeMembers(view.Name + "Record").SingleOrDefault() is { } record)
                    Add(api, "Record", record);
                apis[key] = api;
            }
        }
        return apis;
    }

    private static void Add(EventApi api, string part, INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared || member is INamedTypeSymbol || member is IMethodSymbol { AssociatedSymbol: not null })
                continue;
            string key = $"{part}.{member.Name}" + (member is IMethodSymbol method ? "(" + string.Join(",", method.Parameters.Select(p => p.Type.Name)) + ")" : "");
            api.Members[key] = member.ToDisplayString(Signature);
            ITypeSymbol? type_ = member switch
            {
                IPropertySymbol property => property.Type,
                IFieldSymbol field => field.Type,
                _ => null,
            };
            if (type_ is INamedTypeSymbol { TypeKind: TypeKind.Enum } generated && generated.ContainingNamespace?.ToDisplayString() == "AllEvents")
            {
                var members = new SortedSet<string>(generated.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => $"{f.Name} = {f.ConstantValue}"), StringComparer.Ordinal);
                bool flags = generated.GetAttributes().Any(a => a.AttributeClass?.Name == "FlagsAttribute");
                api.Enums[generated.Name] = ((flags ? "flags enum of " : "enum of ") + generated.EnumUnderlyingType, members);
            }
        }
    }
}
