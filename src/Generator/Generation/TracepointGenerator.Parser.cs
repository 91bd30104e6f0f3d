using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using TpGen.Emitters;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>
    /// Reads attributed classes into plain requests; keeps no symbols or syntax. What is invalid is
    /// left out without a word: the analyzer reports it (TPGEN0001-0006).
    /// </summary>
    internal static class Parser
    {
        /// <summary>The class's request, or null when the class cannot be extended (see <see cref="ProbeSetClassRules"/>).</summary>
        public static ProbeSetRequest? ReadRequest(GeneratorAttributeSyntaxContext attributed, CancellationToken token)
        {
            var type = (INamedTypeSymbol)attributed.TargetSymbol;
            if (ProbeSetClassRules.Check(type, token).Count > 0)
                return null;

            var containing = new List<ContainingTypeSpec>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name + TypeParameters(outer)));

            var tracepoints = new List<TracepointRequest>();
            var seen = new HashSet<string>();
            foreach (AttributeData attribute in attributed.Attributes)
            {
                TracepointArguments arguments = TracepointAttributeReader.Read(attribute);
                // An invalid or repeated attribute is left out; the others still generate.
                if (!arguments.IsValid || !seen.Add(arguments.Key))
                    continue;
                LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(token).GetLocation());
                tracepoints.Add(new TracepointRequest(arguments.System!, arguments.Name!, arguments.Options, location));
            }

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new ProbeSetRequest(ns, containing.ToEquatableArray(), type.Name, type.IsRecord ? "record" : "class", tracepoints.ToEquatableArray(),
                AggregationAttributeReader.Read(type, token), ContextAttributes.Process(type));
        }

        /// <summary>Every event any probe set asks for, sorted, once each.</summary>
        public static EquatableArray<string> WantedKeys(ImmutableArray<ProbeSetRequest> requests)
        {
            var keys = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (ProbeSetRequest request in requests)
            {
                foreach (TracepointRequest tracepoint in request.Tracepoints)
                    keys.Add(tracepoint.Key);
            }
            return keys.ToEquatableArray();
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static string TypeParameters(INamedTypeSymbol type)
            => type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", System.Linq.Enumerable.Select(type.TypeParameters, p => p.Name)) + ">";
    }
}
