using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TpGen.Emitters;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>Reads attributed classes into plain requests; keeps no symbols or syntax.</summary>
    internal static class Parser
    {
        /// <summary>Names longer than this are not kernel names; tracefs names are far shorter.</summary>
        private const int MaxNameLength = 128;

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
                if (!IsValidName(system))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTracepointName, location, "system", Printable(system)));
                    continue;
                }
                if (!IsValidName(name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTracepointName, location, "event", Printable(name)));
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

        /// <summary>Valid names are C identifiers, the only names tracefs gives events; anything else could smuggle code.</summary>
        public static bool IsValidName(string? name)
        {
            if (name is null || name.Length == 0 || name.Length > MaxNameLength)
                return false;
            if (!(name[0] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_'))
                return false;
            foreach (char c in name)
            {
                if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
                    return false;
            }
            return true;
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

        private static string Printable(string? text)
        {
            if (text is null)
                return "(null)";
            var builder = new System.Text.StringBuilder();
            foreach (char c in text)
            {
                if (builder.Length >= 60)
                {
                    builder.Append("...");
                    break;
                }
                builder.Append(c < ' ' || c > '~' ? '?' : c);
            }
            return builder.ToString();
        }
    }
}
