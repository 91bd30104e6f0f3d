using System;
using System.Collections.Generic;
using System.Globalization;
using TpGen.Emitters;
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
            bool failed = false;
            foreach (TracepointRequest tracepoint in request.Tracepoints)
            {
                ParsedFormat? chosen = null;
                foreach (ParsedFormat candidate in catalog.Parsed)
                {
                    if (candidate.Key != tracepoint.Key)
                        continue;
                    if (chosen is null)
                    {
                        chosen = candidate;
                    }
                    else if (candidate.Source == chosen.Source)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateSnapshot, tracepoint.Location, tracepoint.Key, chosen.Path, candidate.Path));
                    }
                }

                if (chosen is null)
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

                diagnostics.AddRange(chosen.Diagnostics);
                if (chosen.Schema is null)
                {
                    failed = true;
                    continue;
                }
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SchemaSourceUsed, tracepoint.Location, tracepoint.Key, Catalog.Describe(chosen.Source), chosen.Path));
                schemas.Add(chosen.Schema);
            }

            if (failed || schemas.Count == 0)
                return new ProbeSetResult(null, diagnostics.ToEquatableArray());
            var spec = new ProbeSetSpec(request.Namespace, request.ContainingTypes, request.TypeName, schemas.ToEquatableArray(), request.TypeKeyword);
            return new ProbeSetResult(spec, diagnostics.ToEquatableArray());
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
