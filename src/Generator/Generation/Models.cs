using System;
using Microsoft.CodeAnalysis;
using TpGen.Emitters;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>
/// One valid <c>[Tracepoint(system, name)]</c> attribute. <paramref name="Location"/> is the
/// attribute's place, for the diagnostics about the event; it changes when code moves, so nothing
/// that is emitted may depend on it.
/// </summary>
internal sealed record TracepointRequest(string System, string Name, TracepointOptions Options, LocationInfo? Location)
{
    public string Key => System + ":" + Name;
}

/// <summary>
/// The named arguments of a <c>[Tracepoint]</c> (the attribute's settable properties). A new
/// named argument is a property here and a case in <see cref="TracepointAttributeReader"/>.
/// </summary>
/// <param name="Class">The event class the attribute names (<c>Class = "block_rq"</c>), or null. The build reads it to describe the event from BTF, which cannot tell some events' class.</param>
/// <param name="Optional">Whether attaching skips the event where the running kernel lacks it.</param>
/// <param name="Filter">The filter the kernel applies, in the filter language, or null; checked against the event by the resolver.</param>
/// <param name="Members">Kernel struct members a tp_btf event captures (<c>Members = new[] { "skb->len" }</c>); checked by the resolver.</param>
/// <param name="Packet">Whether each record carries the packet of the event's sk_buff; checked by the resolver.</param>
internal sealed record TracepointOptions(string? Class, bool Optional = false, string? Filter = null, EquatableArray<string> Members = default, bool Packet = false)
{
    public static TracepointOptions Default { get; } = new((string?)null);
}

/// <summary>
/// An attributed class the generator can extend: where it lives and which events it asks for.
/// Classes the analyzer reports (not partial, generic, ...) never become one.
/// </summary>
internal sealed record ProbeSetRequest(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    string TypeKeyword,
    EquatableArray<TracepointRequest> Tracepoints,
    EquatableArray<AggregationDeclaration> Aggregations = default,
    TpGen.Context.ProcessContext Process = TpGen.Context.ProcessContext.None);

/// <summary>
/// Where a description came from, in the order the build prefers them: what the user
/// committed, then kernel headers the user pointed at, then the build machine's tracefs, then its BTF.
/// </summary>
internal enum SchemaSource
{
    Snapshot,
    Headers,
    Tracefs,
    Btf,
}

/// <summary>
/// An AdditionalFile laid out as <c>system/event/format</c>. It holds the file itself, compared
/// by reference, so a changed file is a new value; its text is read only if the event is wanted.
/// </summary>
internal sealed class FormatFile : IEquatable<FormatFile>
{
    public FormatFile(AdditionalText text, string kernel, string system, string name, SchemaSource source)
    {
        Text = text;
        Kernel = kernel;
        System = system;
        Name = name;
        Source = source;
    }

    /// <summary>The kernel a snapshot folder names (<c>Tracepoints/KERNEL/system/event/format</c>), or empty.</summary>
    public string Kernel { get; }

    public AdditionalText Text { get; }

    public string System { get; }

    public string Name { get; }

    public SchemaSource Source { get; }

    public string Key => System + ":" + Name;

    public string Path => Text.Path;

    public bool Equals(FormatFile? other) =>
        other is not null && ReferenceEquals(Text, other.Text) && Kernel == other.Kernel && System == other.System && Name == other.Name && Source == other.Source;

    public override bool Equals(object? obj) => Equals(obj as FormatFile);

    public override int GetHashCode() => Text.Path.GetHashCode() ^ (int)Source;
}

/// <summary>A wanted format file, parsed; <paramref name="Schema"/> is null when it had errors. <paramref name="Kernel"/> is empty but for a snapshot folder of several kernels.</summary>
internal sealed record ParsedFormat(string Key, string Kernel, string Path, SchemaSource Source, TracepointSchema? Schema, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What the build knows about tracepoints: the parsed wanted ones, the names of all, and the ones it could not describe.</summary>
internal sealed record FormatCatalog(EquatableArray<ParsedFormat> Parsed, EquatableArray<string> AvailableKeys, string SourceSummary, EquatableArray<UnavailableEvent> Unavailable);

/// <summary>An event the build was asked for but could not describe, and why (the text of its <c>unavailable</c> file).</summary>
internal sealed record UnavailableEvent(string Key, string Reason);

/// <summary>A probe set ready to emit, or the diagnostics that stop it, plus notes either way.</summary>
internal sealed record ProbeSetResult(ProbeSetSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
