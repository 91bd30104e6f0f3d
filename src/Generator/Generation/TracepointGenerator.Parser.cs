using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TpGen.Emitters;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>Reads attributed classes into plain requests; keeps no symbols or syntax.</summary>
    internal static class Parser
    {
        public static ProbeSetRequest ReadRequest(GeneratorAttributeSyntaxContext attributed, CancellationToken token)
        {
            var type = (INamedTypeSymbol)attributed.TargetSymbol;
            var declaration = (ClassDeclarationSyntax)attributed.TargetNode;
            LocationInfo? typeLocation = LocationInfo.From(declaration.Identifier.GetLocation());
            var diagnostics = new List<DiagnosticInfo>();

            if (!IsPartial(declaration))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMustBePartial, typeLocation, type.Name));
            if (type.IsGenericType)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMustNotBeGeneric, typeLocation, type.Name));
            if (type.IsStatic || type.IsAbstract)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMustBeInstantiable, typeLocation, type.Name, type.IsStatic ? "static" : "abstract"));

            var containing = new List<ContainingTypeSpec>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                token.ThrowIfCancellationRequested();
                bool partial = true;
                foreach (SyntaxReference reference in outer.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(token) is TypeDeclarationSyntax outerDeclaration && !IsPartial(outerDeclaration))
                        partial = false;
                }
                if (!partial)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeMustBePartial, typeLocation, type.Name, outer.Name));
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name + TypeParameters(outer)));
            }

            var tracepoints = new List<TracepointRequest>();
            var seen = new HashSet<string>();
            foreach (AttributeData attribute in attributed.Attributes)
            {
                LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(token).GetLocation()) ?? typeLocation;
                ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
                string? system = arguments.Length == 2 ? arguments[0].Value as string : null;
                string? name = arguments.Length == 2 ? arguments[1].Value as string : null;
                if (!TraceNames.IsSystem(system))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTracepointName, location, "system", TraceNames.Printable(system)));
                    continue;
                }
                if (!TraceNames.IsEvent(name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTracepointName, location, "event", TraceNames.Printable(name)));
                    continue;
                }
                var request = new TracepointRequest(system!, name!, location);
                if (!seen.Add(request.Key))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTracepoint, location, request.Key, type.Name));
                    continue;
                }
                tracepoints.Add(request);
            }

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new ProbeSetRequest(ns, containing.ToEquatableArray(), type.Name, type.IsRecord ? "record" : "class", tracepoints.ToEquatableArray(), diagnostics.ToEquatableArray());
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

        private static bool IsPartial(TypeDeclarationSyntax declaration)
        {
            foreach (SyntaxToken modifier in declaration.Modifiers)
            {
                if (modifier.IsKind(SyntaxKind.PartialKeyword))
                    return true;
            }
            return false;
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
