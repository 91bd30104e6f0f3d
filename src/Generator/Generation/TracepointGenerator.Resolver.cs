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
            var scored = new List<(int Distance, string Name)>();
            int limit = Math.Max(2, key.Length / 3);
            foreach (string candidate in available)
            {
                int distance = Distance(key, candidate, limit);
                if (distance <= limit)
                    scored.Add((distance, candidate));
            }
            // The same event name in another system is a likely slip too.
            string name = key.Substring(key.IndexOf(':') + 1);
            foreach (string candidate in available)
            {
                if (candidate.EndsWith(":" + name, StringComparison.Ordinal) && !scored.Exists(s => s.Name == candidate))
                    scored.Add((limit, candidate));
            }
            if (scored.Count == 0)
                return "";
            scored.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : string.CompareOrdinal(a.Name, b.Name));
            var names = new List<string>();
            for (int i = 0; i < scored.Count && i < 3; i++)
                names.Add("'" + scored[i].Name + "'");
            return "; did you mean " + string.Join(" or ", names);
        }

        // Levenshtein distance, stopping early once it exceeds the limit.
        private static int Distance(string a, string b, int limit)
        {
            if (Math.Abs(a.Length - b.Length) > limit)
                return limit + 1;
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
                previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                int rowMinimum = current[0];
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                    rowMinimum = Math.Min(rowMinimum, current[j]);
                }
                if (rowMinimum > limit)
                    return limit + 1;
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }
    }
}
