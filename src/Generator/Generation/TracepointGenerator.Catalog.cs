using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

public sealed partial class TracepointGenerator
{
    /// <summary>Finds format files among the AdditionalFiles and parses the wanted ones.</summary>
    internal static class Catalog
    {
        /// <summary>
        /// An AdditionalFile at <c>.../system/event/format</c>, or null for any other file. A snapshot
        /// whose place in the snapshot folder (<see cref="SnapshotPathMetadata"/>) is
        /// <c>KERNEL/system/event/</c> is that kernel's description.
        /// </summary>
        public static FormatFile? Recognize(AdditionalText text, AnalyzerConfigOptions options)
        {
            string[] parts = text.Path.Replace('\\', '/').Split('/');
            if (parts.Length < 3 || parts[parts.Length - 1] != SnapshotLayout.FileName)
                return null;
            string system = parts[parts.Length - 3];
            string name = parts[parts.Length - 2];
            if (!TraceNames.IsSystem(system) || !TraceNames.IsEvent(name))
                return null;
            string kernel = "";
            if (options.TryGetValue(SnapshotPathMetadata, out string? snapshotPath) && snapshotPath.Length > 0)
            {
                if (!SnapshotLayout.TryParse(snapshotPath.TrimEnd('/', '\\') + "/" + SnapshotLayout.FileName, out kernel, out system, out name))
                    return null;
            }

            options.TryGetValue(SourceMetadata, out string? sourceText);
            SchemaSource source = (sourceText ?? "").Trim().ToLowerInvariant() switch
            {
                "tracefs" => SchemaSource.Tracefs,
                "btf" => SchemaSource.Btf,
                "headers" => SchemaSource.Headers,
                _ => SchemaSource.Snapshot,
            };
            return new FormatFile(text, kernel, system, name, source);
        }

        /// <summary>Parses <paramref name="file"/> if some probe set asks for its event; null otherwise.</summary>
        public static ParsedFormat? ParseIfWanted(FormatFile file, EquatableArray<string> wanted, CancellationToken token)
        {
            if (!Contains(wanted, file.Key))
                return null;
            SourceText? text = file.Text.GetText(token);
            if (text is null)
            {
                var unreadable = DiagnosticInfo.Create(DiagnosticDescriptors.MalformedFormat, LocationInfo.InFile(file.Path, 1, 1), $"{file.Path}: the build could not read this format file");
                return new ParsedFormat(file.Key, file.Kernel, file.Path, file.Source, null, new EquatableArray<DiagnosticInfo>(new[] { unreadable }));
            }

            FormatReadResult result = FormatFileReader.Read(text.ToString(), file.System, file.Path, file.Name);
            var diagnostics = new List<DiagnosticInfo>();
            foreach (FormatDiagnostic problem in result.Diagnostics)
            {
                DiagnosticDescriptor descriptor = problem.IsError ? DiagnosticDescriptors.MalformedFormat : DiagnosticDescriptors.FormatWarning;
                diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.InFile(file.Path, problem.Line, problem.Column), $"{file.Key}: {problem.Message}"));
            }
            return new ParsedFormat(file.Key, file.Kernel, file.Path, file.Source, result.Schema, diagnostics.ToEquatableArray());
        }

        /// <summary>
        /// An AdditionalFile at <c>.../system/event/unavailable</c>: the build's note that it could
        /// not describe the event, and why (BTF cannot tell the event's class, say); null for any other file.
        /// </summary>
        public static UnavailableEvent? RecognizeUnavailable(AdditionalText text, CancellationToken token)
        {
            string[] parts = text.Path.Replace('\\', '/').Split('/');
            if (parts.Length < 3 || parts[parts.Length - 1] != UnavailableFileName)
                return null;
            string system = parts[parts.Length - 3];
            string name = parts[parts.Length - 2];
            if (!TraceNames.IsSystem(system) || !TraceNames.IsEvent(name))
                return null;
            string reason = text.GetText(token)?.ToString().Trim() ?? "";
            return new UnavailableEvent(system + ":" + name, reason.Length == 0 ? "the build gave no reason" : reason);
        }

        public static FormatCatalog Build(ImmutableArray<ParsedFormat> parsed, ImmutableArray<FormatFile> files, ImmutableArray<UnavailableEvent> unavailable)
        {
            var sorted = new List<ParsedFormat>(parsed);
            sorted.Sort((a, b) => a.Source != b.Source ? a.Source.CompareTo(b.Source) : string.CompareOrdinal(a.Path, b.Path));

            var keys = new SortedSet<string>(StringComparer.Ordinal);
            var perSource = new SortedDictionary<SchemaSource, HashSet<string>>();
            foreach (FormatFile file in files)
            {
                keys.Add(file.Key);
                if (!perSource.TryGetValue(file.Source, out HashSet<string>? set))
                    perSource[file.Source] = set = new HashSet<string>();
                set.Add(file.Key);
            }

            var summary = new List<string>();
            foreach (KeyValuePair<SchemaSource, HashSet<string>> source in perSource)
                summary.Add($"{source.Value.Count.ToString(CultureInfo.InvariantCulture)} from {Describe(source.Key)}");
            var notes = new List<UnavailableEvent>(unavailable);
            notes.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return new FormatCatalog(sorted.ToEquatableArray(), keys.ToEquatableArray(), summary.Count == 0 ? "none" : string.Join(", ", summary), notes.ToEquatableArray());
        }

        public static string Describe(SchemaSource source) => source switch
        {
            SchemaSource.Snapshot => "snapshots",
            SchemaSource.Headers => "kernel headers",
            SchemaSource.Tracefs => "the build machine's tracefs",
            _ => "the build machine's BTF",
        };

        private static bool Contains(EquatableArray<string> sorted, string key)
        {
            int low = 0, high = sorted.Count - 1;
            while (low <= high)
            {
                int middle = (low + high) / 2;
                int comparison = string.CompareOrdinal(sorted[middle], key);
                if (comparison == 0)
                    return true;
                if (comparison < 0)
                    low = middle + 1;
                else
                    high = middle - 1;
            }
            return false;
        }
    }
}
