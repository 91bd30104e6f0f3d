using System;
using System.Collections.Generic;
using System.Globalization;
using TpGen.Aggregations;
using TpGen.Emitters;
using TpGen.Filters;
using TpGen.Frontends.Tracefs;
using TpGen.Relocation;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>Matches each request with the best description of its events.</summary>
    internal static class Resolver
    {
        public static ProbeSetResult Resolve(ProbeSetRequest request, FormatCatalog catalog)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var schemas = new List<TracepointSchema>();
            var details = new List<ProbeEventSpec>();
            bool failed = false;
            foreach (TracepointRequest tracepoint in request.Tracepoints)
            {
                List<ParsedFormat> chosen = Choose(tracepoint, catalog, diagnostics);
                if (chosen.Count == 0)
                {
                    failed = true;
                    if (Unavailable(catalog, tracepoint.Key) is { } note)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotDescribedByTheBuild, tracepoint.Location, tracepoint.Key, note.Reason));
                        continue;
                    }
                    diagnostics.Add(catalog.AvailableKeys.Count == 0
                        ? DiagnosticInfo.Create(DiagnosticDescriptors.NoSchemaSource, tracepoint.Location, tracepoint.Key)
                        : DiagnosticInfo.Create(DiagnosticDescriptors.UnknownTracepoint, tracepoint.Location, tracepoint.Key,
                            catalog.AvailableKeys.Count.ToString(CultureInfo.InvariantCulture), catalog.SourceSummary, Suggestion(tracepoint.Key, catalog.AvailableKeys)));
                    continue;
                }

                var kernels = new List<KernelSchema>();
                foreach (ParsedFormat format in chosen)
                {
                    diagnostics.AddRange(format.Diagnostics);
                    if (format.Schema is null)
                        failed = true;
                    else
                        kernels.Add(new KernelSchema(format.Kernel, format.Schema));
                }
                if (kernels.Count < chosen.Count)
                    continue;

                // Several kernels' snapshots: the union, newest first (SnapshotLayout's order).
                SchemaUnionResult union = SchemaUnion.Of(kernels);
                foreach (string conflict in union.Conflicts)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelsDisagree, tracepoint.Location, tracepoint.Key, conflict));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SchemaSourceUsed, tracepoint.Location, tracepoint.Key, Catalog.Describe(chosen[0].Source), Where(chosen, union)));

                if (tracepoint.Options.Filter is { } filter)
                {
                    try
                    {
                        FilterParser.Parse(filter, union.Schema);
                    }
                    catch (FilterException e)
                    {
                        failed = true;
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FilterDoesNotFit, tracepoint.Location, tracepoint.Key, e.Problem, e.Column.ToString(CultureInfo.InvariantCulture)));
                        continue;
                    }
                }

                if (ContextAttributes.Problem(tracepoint.Options, union.Schema) is { } contextProblem)
                {
                    failed = true;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContextDoesNotFit, tracepoint.Location, tracepoint.Key, contextProblem));
                    continue;
                }

                schemas.Add(union.Schema);
                var descriptions = new List<string>();
                foreach (KernelSchema kernel in kernels)
                    descriptions.Add(FormatFileWriter.Write(kernel.Schema));
                details.Add(new ProbeEventSpec(union.Kernels, descriptions.ToEquatableArray(), tracepoint.Options.Optional, tracepoint.Options.Filter, tracepoint.Options.Members, tracepoint.Options.Packet));
            }

            if (failed || schemas.Count == 0)
                return new ProbeSetResult(null, diagnostics.ToEquatableArray());
            EquatableArray<AggregationSpec> aggregations = Aggregations.Resolve(request, schemas, diagnostics, out bool aggregationsFailed);
            if (aggregationsFailed)
                return new ProbeSetResult(null, diagnostics.ToEquatableArray());
            var spec = new ProbeSetSpec(request.Namespace, request.ContainingTypes, request.TypeName, schemas.ToEquatableArray(), request.TypeKeyword, details.ToEquatableArray(), aggregations, request.Process);
            return new ProbeSetResult(spec, diagnostics.ToEquatableArray());
        }

        // The descriptions of the most preferred source there is, one per kernel, in SnapshotLayout's order.
        private static List<ParsedFormat> Choose(TracepointRequest tracepoint, FormatCatalog catalog, List<DiagnosticInfo> diagnostics)
        {
            var chosen = new List<ParsedFormat>();
            foreach (ParsedFormat candidate in catalog.Parsed)
            {
                if (candidate.Key != tracepoint.Key || chosen.Count > 0 && candidate.Source != chosen[0].Source)
                    continue;
                ParsedFormat? sameKernel = chosen.Find(c => c.Kernel == candidate.Kernel);
                if (sameKernel is not null)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateSnapshot, tracepoint.Location, tracepoint.Key, sameKernel.Path, candidate.Path));
                else
                    chosen.Add(candidate);
            }
            chosen.Sort((a, b) => SnapshotLayout.CompareKernels(a.Kernel, b.Kernel));
            return chosen;
        }

        // "path", or for several kernels each kernel, and the fields only some of them have.
        private static string Where(List<ParsedFormat> chosen, SchemaUnionResult union)
        {
            if (chosen.Count == 1)
                return chosen[0].Path;
            var partial = new List<string>();
            foreach (FieldPresence field in union.Presence)
            {
                if (field.Kernels.Count < union.Kernels.Count)
                    partial.Add($"{field.Field} only on {string.Join(", ", field.Kernels)}");
            }
            return $"kernels {string.Join(", ", union.Kernels)}; the union of their fields and value names{(partial.Count == 0 ? "" : "; " + string.Join("; ", partial))}";
        }

        private static UnavailableEvent? Unavailable(FormatCatalog catalog, string key)
        {
            foreach (UnavailableEvent note in catalog.Unavailable)
            {
                if (note.Key == key)
                    return note;
            }
            return null;
        }

        /// <summary>"; did you mean 'skb:kfree_skb'" for the closest names, or nothing.</summary>
        public static string Suggestion(string key, EquatableArray<string> available)
        {
            IReadOnlyList<string> nearest = NearestNames.Find(key, available);
            if (nearest.Count == 0)
                return "";
            var quoted = new List<string>();
            foreach (string name in nearest)
                quoted.Add("'" + name + "'");
            return "; did you mean " + string.Join(" or ", quoted);
        }
    }
}
