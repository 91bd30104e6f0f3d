using System;

namespace TpGen.Frontends;

/// <summary>A problem found while reading a kernel description, with where it is.</summary>
/// <param name="File">The file (or a name for the text) that was read.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and, where it helps, what to do.</param>
/// <param name="IsError">False for a warning: the schema was still produced.</param>
public sealed record FormatDiagnostic(string File, int Line, int Column, string Message, bool IsError)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}({Line},{Column}): {(IsError ? "error" : "warning")}: {Message}";
}

/// <summary>
/// The one exception type the readers throw for bad input. Anything else escaping a reader is a
/// bug in TpGen, not in the input.
/// </summary>
public sealed class FormatParseException : Exception
{
    /// <summary>Creates the exception for <paramref name="diagnostic"/>.</summary>
    public FormatParseException(FormatDiagnostic diagnostic)
        : base(diagnostic.ToString()) => Diagnostic = diagnostic;

    /// <summary>The first error that made the input unreadable.</summary>
    public FormatDiagnostic Diagnostic { get; }
}
