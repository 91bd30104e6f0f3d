using System;
using Microsoft.CodeAnalysis;
using TpGen.Emitters;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>One <c>[Tracepoint(system, name)]</c> attribute.</summary>
internal sealed record TracepointRequest(string System, string Name, LocationInfo? Location)
{
    public string Key => System + ":" + Name;
}

/// <summary>An attributed class as the generator needs it: where it lives and which events it asks for.</summary>
internal sealed record ProbeSetRequest(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    string TypeKeyword,
    EquatableArray<TracepointRequest> Tracepoints,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The class can be generated: none of its own diagnostics is an error (a duplicate attribute is only a warning).</summary>
    public bool IsValid
    {
        get
        {
            foreach (DiagnosticInfo diagnostic in Diagnostics)
            {
                if (DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error)
                    return false;
            }
            return true;
        }
    }
}

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
    public FormatFile(AdditionalText text, string system, string name, SchemaSource source)
    {
        Text = text;
        System = system;
        Name = name;
        Source = source;
    }

    public AdditionalText Text { get; }

    public string System { get; }

    public string Name { get; }

    public SchemaSource Source { get; }

    public string Key => System + ":" + Name;

    public string Path => Text.Path;

    public bool Equals(FormatFile? other) =>
        other is not null && ReferenceEquals(Text, other.Text) && System == other.System && Name == other.Name && Source == other.Source;

    public override bool Equals(object? obj) => Equals(obj as FormatFile);

    public override int GetHashCode() => Text.Path.GetHashCode() ^ (int)Source;
}

/// <summary>A wanted format file, parsed; <paramref name="Schema"/> is null when it had errors.</summary>
internal sealed record ParsedFormat(string Key, string Path, SchemaSource Source, TracepointSchema? Schema, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What the build knows about tracepoints: the parsed wanted ones and the names of all.</summary>
internal sealed record FormatCatalog(EquatableArray<ParsedFormat> Parsed, EquatableArray<string> AvailableKeys, string SourceSummary);

/// <summary>A probe set ready to emit, or the diagnostics that stop it, plus notes either way.</summary>
internal sealed record ProbeSetResult(ProbeSetSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
