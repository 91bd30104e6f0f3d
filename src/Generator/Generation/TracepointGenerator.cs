using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TpGen.Emitters;
using TpGen.Emitters.CSharp;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>
/// The TpGen source generator: for each class with <c>[Tracepoint]</c> attributes, finds the
/// events' format files among the AdditionalFiles the build gathered, and emits typed records,
/// enums and decoders. It does no IO and never throws: every problem is a diagnostic.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TracepointGenerator : IIncrementalGenerator
{
    /// <summary>The attribute users put on their probe set classes.</summary>
    public const string AttributeName = "TpGen.TracepointAttribute";

    /// <summary>
    /// The name of the AdditionalFile (<c>system/event/unavailable</c>) by which the build says it
    /// could not describe an event it was asked for; the file holds the reason.
    /// </summary>
    public const string UnavailableFileName = "unavailable";

    /// <summary>The AdditionalFiles metadata that says where a format file came from (snapshot, headers, tracefs, btf).</summary>
    public const string SourceMetadata = "build_metadata.AdditionalFiles.TpGenSchemaSource";

    /// <summary>The AdditionalFiles metadata that gives a snapshot's folder inside the snapshot folder (<c>skb/kfree_skb/</c>, or <c>6.1.0-56-amd64/skb/kfree_skb/</c>).</summary>
    public const string SnapshotPathMetadata = "build_metadata.AdditionalFiles.TpGenSnapshotPath";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ProbeSetRequest> requests = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributed, token) => Parser.ReadRequest(attributed, token))
            .WithTrackingName(TrackingNames.InitialExtraction)
            .Where(static request => request is not null)
            .Select(static (request, _) => request!)
            .WithTrackingName(TrackingNames.Requests);

        IncrementalValueProvider<EquatableArray<string>> wanted = requests
            .Collect()
            .Select(static (all, _) => Parser.WantedKeys(all))
            .WithTrackingName(TrackingNames.WantedEvents);

        IncrementalValuesProvider<FormatFile> formatFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => Catalog.Recognize(pair.Left, pair.Right.GetOptions(pair.Left)))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .WithTrackingName(TrackingNames.FormatFiles);

        IncrementalValuesProvider<ParsedFormat> parsed = formatFiles
            .Combine(wanted)
            .Select(static (pair, token) => Catalog.ParseIfWanted(pair.Left, pair.Right, token))
            .Where(static format => format is not null)
            .Select(static (format, _) => format!)
            .WithTrackingName(TrackingNames.ParsedFormats);

        IncrementalValuesProvider<UnavailableEvent> unavailable = context.AdditionalTextsProvider
            .Select(static (text, token) => Catalog.RecognizeUnavailable(text, token))
            .Where(static note => note is not null)
            .Select(static (note, _) => note!)
            .WithTrackingName(TrackingNames.UnavailableEvents);

        IncrementalValueProvider<FormatCatalog> catalog = parsed.Collect()
            .Combine(formatFiles.Collect())
            .Combine(unavailable.Collect())
            .Select(static (pair, _) => Catalog.Build(pair.Left.Left, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.Catalog);

        IncrementalValuesProvider<ProbeSetResult> probeSets = requests
            .Combine(catalog)
            .Select(static (pair, _) => Resolver.Resolve(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.ProbeSets);

        // Source comes from the spec alone, which holds no locations: when code only moves, the
        // spec is unchanged and the emitter does not run again (the diagnostics below do).
        IncrementalValuesProvider<ProbeSetSpec?> specs = probeSets
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Specs);

        IncrementalValuesProvider<(string HintName, CSharpEmitResult Result)> sources = specs
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => (HintName(spec!), CSharpEmitter.EmitWithNotes(spec!)))
            .WithTrackingName(TrackingNames.Sources);

        context.RegisterSourceOutput(sources, static (output, source) => output.AddSource(source.HintName, source.Result.Source));

        // Diagnostics go through their own outputs. Problems with the user's class and attributes
        // are the analyzer's (TpGen.Analyzers.TracepointClassAnalyzer); these are about the events.
        context.RegisterSourceOutput(probeSets.Select(static (result, _) => result.Diagnostics), static (output, diagnostics) =>
        {
            foreach (DiagnosticInfo diagnostic in diagnostics)
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
        context.RegisterSourceOutput(sources.Select(static (source, _) => source.Result.Notes), static (output, notes) =>
        {
            foreach (EmitNote note in notes)
            {
                DiagnosticDescriptor descriptor = note.Kind == EmitNoteKind.FieldRenamed
                    ? DiagnosticDescriptors.FieldRenamed
                    : DiagnosticDescriptors.TextFallsBackToFields;
                output.ReportDiagnostic(Diagnostic.Create(descriptor, Location.None, note.Message));
            }
        });
    }

    private static string HintName(ProbeSetSpec spec)
    {
        string name = spec.Namespace is null ? spec.QualifiedName : spec.Namespace + "." + spec.QualifiedName;
        return name.Replace('<', '{').Replace('>', '}') + ".Tracepoints.g.cs";
    }
}
