using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TpGen.Text;

namespace TpGen.Generation;

/// <summary>
/// A diagnostic as plain data, so the models that carry it stay equatable: the descriptor's ID,
/// the message arguments and a location without a syntax tree.
/// </summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, new EquatableArray<string>(arguments), location);

    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
        var arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = Arguments[i];
        return Diagnostic.Create(descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, arguments);
    }
}

/// <summary>A place in a source or additional file, kept without the syntax tree it came from.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.Kind is not (LocationKind.SourceFile or LocationKind.ExternalFile))
            return null;
        FileLinePositionSpan lines = location.GetLineSpan();
        return new LocationInfo(lines.Path, location.SourceSpan, lines.Span);
    }

    /// <summary>A 1-based line and column in a file that has no syntax tree (a format file).</summary>
    public static LocationInfo InFile(string path, int line, int column)
    {
        var position = new LinePosition(Math.Max(0, line - 1), Math.Max(0, column - 1));
        return new LocationInfo(path, default, new LinePositionSpan(position, position));
    }

    public Location ToLocation() => Microsoft.CodeAnalysis.Location.Create(FilePath, Span, LineSpan);
}
