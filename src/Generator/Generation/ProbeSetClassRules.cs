using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TpGen.Generation;

/// <summary>
/// What a class with <c>[Tracepoint]</c> must be for the generator to extend it. The analyzer
/// reports each broken rule; the generator skips a class that breaks any.
/// </summary>
internal static class ProbeSetClassRules
{
    /// <summary>The rules <paramref name="type"/> breaks, as descriptors and their message arguments.</summary>
    public static List<(DiagnosticDescriptor Descriptor, string[] Arguments)> Check(INamedTypeSymbol type, CancellationToken token)
    {
        var broken = new List<(DiagnosticDescriptor, string[])>();
        if (!AllPartial(type, token))
            broken.Add((DiagnosticDescriptors.TypeMustBePartial, new[] { type.Name }));
        if (type.IsGenericType)
            broken.Add((DiagnosticDescriptors.TypeMustNotBeGeneric, new[] { type.Name }));
        if (type.IsStatic || type.IsAbstract)
            broken.Add((DiagnosticDescriptors.TypeMustBeInstantiable, new[] { type.Name, type.IsStatic ? "static" : "abstract" }));
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            token.ThrowIfCancellationRequested();
            if (!AllPartial(outer, token))
                broken.Add((DiagnosticDescriptors.ContainingTypeMustBePartial, new[] { type.Name, outer.Name }));
        }
        return broken;
    }

    private static bool AllPartial(INamedTypeSymbol type, CancellationToken token)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(token) is TypeDeclarationSyntax declaration && !IsPartial(declaration))
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
}
