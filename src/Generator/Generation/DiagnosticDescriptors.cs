using System;
using Microsoft.CodeAnalysis;

namespace TpGen.Generation;

/// <summary>
/// Every diagnostic of the generator and the analyzer. IDs are kept in sync with
/// docs/diagnostics.md and AnalyzerReleases.*.md. TPGEN0001-0019: the attribute and the class it
/// is on (reported by <see cref="Analyzers.TracepointClassAnalyzer"/>); TPGEN0020-0039: finding
/// and reading kernel descriptions; TPGEN0040-0059: what was generated (both by the generator).
/// TPGEN0100-0199 belong to the build tasks.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "TpGen";

    public static readonly DiagnosticDescriptor TypeMustBePartial = new(
        "TPGEN0001", "Tracepoint class must be partial",
        "Class '{0}' has [Tracepoint] but is not partial: declare it 'partial class {0}' so TpGen can add the event types",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypeMustNotBeGeneric = new(
        "TPGEN0002", "Tracepoint class must not be generic",
        "Class '{0}' has [Tracepoint] but is generic: put the attributes on a non-generic partial class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = new(
        "TPGEN0003", "Types containing a tracepoint class must be partial",
        "Class '{0}' is nested in '{1}', which is not partial: declare '{1}' partial too",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidTracepointName = new(
        "TPGEN0004", "Invalid tracepoint name",
        "[Tracepoint] {0} '{1}' is not a tracepoint name: use the system and event names as tracefs shows them, letters, digits and '_' (at most 128), as in [Tracepoint(\"skb\", \"kfree_skb\")]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateTracepoint = new(
        "TPGEN0005", "Tracepoint listed twice",
        "Tracepoint '{0}' is already on class '{1}'; remove the second attribute",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypeMustBeInstantiable = new(
        "TPGEN0006", "Tracepoint class must not be static or abstract",
        "Class '{0}' has [Tracepoint] but is {1}: Attach() returns an instance of it, so declare it as a plain partial class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownTracepoint = new(
        "TPGEN0020", "Unknown tracepoint",
        "Tracepoint '{0}' is not among the {1} events the build knows ({2}){3}: check the name with 'tpgen list', or add a snapshot with 'tpgen pull {0} --out Tracepoints'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoSchemaSource = new(
        "TPGEN0021", "No tracepoint descriptions available",
        "The build has no description of tracepoint '{0}': no snapshot in Tracepoints/, and the build machine's tracefs and BTF were not readable. Commit a snapshot with 'tpgen pull {0} --out Tracepoints' or build as root with tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing).",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MalformedFormat = new(
        "TPGEN0022", "Malformed format file",
        "{0}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FormatWarning = new(
        "TPGEN0023", "Format file problem",
        "{0}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateSnapshot = new(
        "TPGEN0024", "Two descriptions of one tracepoint",
        "Tracepoint '{0}' is described by both '{1}' and '{2}' with the same priority; '{1}' is used. Remove one.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SchemaSourceUsed = new(
        "TPGEN0025", "Where a tracepoint's description came from",
        "Tracepoint '{0}' is described by {1} ({2})",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotDescribedByTheBuild = new(
        "TPGEN0026", "The build could not describe the tracepoint",
        "The build could not describe tracepoint '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor KernelsDisagree = new(
        "TPGEN0027", "Kernels describe a field differently",
        "Tracepoint '{0}': {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FilterDoesNotFit = new(
        "TPGEN0028", "The filter does not fit the event",
        "The filter of tracepoint '{0}' does not fit its description: {1} (column {2}). Use the event's fields and the names its print fmt gives their values, as tpgen trace --filter does.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContextDoesNotFit = new(
        "TPGEN0035", "The context the attribute asks for does not fit the event",
        "Tracepoint '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AggregationDoesNotFit = new(
        "TPGEN0050", "The aggregation does not fit the probe set's events",
        "Aggregation '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TextFallsBackToFields = new(
        "TPGEN0040", "Event text cannot follow the kernel's print fmt",
        "{0}",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FieldRenamed = new(
        "TPGEN0041", "Field property renamed",
        "{0}",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor[] All =
    {
        TypeMustBePartial, TypeMustNotBeGeneric, ContainingTypeMustBePartial, InvalidTracepointName, DuplicateTracepoint, TypeMustBeInstantiable,
        UnknownTracepoint, NoSchemaSource, MalformedFormat, FormatWarning, DuplicateSnapshot, SchemaSourceUsed, NotDescribedByTheBuild,
        KernelsDisagree, FilterDoesNotFit, ContextDoesNotFit, TextFallsBackToFields, FieldRenamed, AggregationDoesNotFit,
    };

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (DiagnosticDescriptor descriptor in All)
        {
            if (descriptor.Id == id)
                return descriptor;
        }
        throw new ArgumentException("Unknown diagnostic " + id, nameof(id));
    }
}
