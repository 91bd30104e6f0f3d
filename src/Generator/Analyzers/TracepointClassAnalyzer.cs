using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TpGen.Generation;

namespace TpGen.Analyzers;

/// <summary>
/// Checks the user's code that asks for tracepoints: the class with <c>[Tracepoint]</c> must be
/// one the generator can extend (TPGEN0001-0003, 0006), and each attribute must name a
/// tracepoint once (TPGEN0004-0005). The generator leaves such classes and attributes out
/// without a word; keeping these checks here keeps its models free of locations, so code that
/// only moves never makes it emit again.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TracepointClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TypeMustBePartial,
        DiagnosticDescriptors.TypeMustNotBeGeneric,
        DiagnosticDescriptors.ContainingTypeMustBePartial,
        DiagnosticDescriptors.InvalidTracepointName,
        DiagnosticDescriptors.DuplicateTracepoint,
        DiagnosticDescriptors.TypeMustBeInstantiable);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            INamedTypeSymbol? attributeType = start.Compilation.GetTypeByMetadataName(TracepointGenerator.AttributeName);
            if (attributeType is null)
                return;
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, attributeType), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = new List<AttributeData>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                attributes.Add(attribute);
        }
        if (attributes.Count == 0)
            return;

        Location typeLocation = NameLocation(type, context) ?? type.Locations[0];
        foreach ((DiagnosticDescriptor descriptor, string[] arguments) in ProbeSetClassRules.Check(type, context.CancellationToken))
            context.ReportDiagnostic(Diagnostic.Create(descriptor, typeLocation, arguments));

        var seen = new HashSet<string>();
        foreach (AttributeData attribute in attributes)
        {
            Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? typeLocation;
            TracepointArguments arguments = TracepointAttributeReader.Read(attribute);
            foreach (InvalidArgument problem in arguments.Problems)
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidTracepointName, location, problem.Argument, Schema.TraceNames.Printable(problem.Value)));
            if (arguments.IsValid && !seen.Add(arguments.Key))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTracepoint, location, arguments.Key, type.Name));
        }
    }

    // The class's name in the declaration that carries the attributes (the first, when several do).
    private static Location? NameLocation(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && declaration.AttributeLists.Count > 0)
                return declaration.Identifier.GetLocation();
        }
        return null;
    }
}
