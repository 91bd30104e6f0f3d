using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>
/// One parsed translation unit and the index that owns it. Cursors taken from it are valid only
/// until it is disposed.
/// </summary>
internal sealed class ClangTranslationUnit : IDisposable
{
    private readonly SafeCXIndexHandle _index;
    private readonly SafeCXTranslationUnitHandle _unit;

    private ClangTranslationUnit(SafeCXIndexHandle index, SafeCXTranslationUnitHandle unit)
    {
        _index = index;
        _unit = unit;
    }

    /// <summary>The translation unit's root cursor.</summary>
    public CXCursor Root => GetTranslationUnitCursor(_unit);

    /// <summary>
    /// Parses <paramref name="source"/>, given in memory as <paramref name="fileName"/>, with the
    /// compiler <paramref name="arguments"/>. Function bodies are skipped: the trace-event stages
    /// that matter here are declarations and initializers, and skipping the bodies of the
    /// headers' inline functions halves the parse time.
    /// </summary>
    /// <exception cref="HeadersException">libclang is missing or cannot parse at all.</exception>
    public static unsafe ClangTranslationUnit Parse(string fileName, string source, IReadOnlyList<string> arguments)
    {
        LibclangResolver.EnsureLoaded();
        SafeCXIndexHandle index = CreateIndex(excludeDeclarationsFromPch: 0, displayDiagnostics: 0);
        if (index.IsInvalid)
        {
            index.Dispose();
            throw new HeadersException(HeadersProblem.ParseFailed, "libclang could not create an index (clang_createIndex returned null).");
        }

        byte[] name = NullTerminated(fileName);
        byte[] contents = NullTerminated(source);
        string[] args = [.. arguments];
        CXErrorCode error;
        SafeCXTranslationUnitHandle unit;
        fixed (byte* namePointer = name)
        fixed (byte* contentsPointer = contents)
        {
            var unsaved = new CXUnsavedFile { Filename = namePointer, Contents = contentsPointer, Length = (nuint)(contents.Length - 1) };
            error = ParseTranslationUnit2(index, fileName, args, args.Length, &unsaved, 1, CXTranslationUnitFlags.SkipFunctionBodies, out unit);
        }
        if (error != CXErrorCode.Success || unit.IsInvalid)
        {
            unit.Dispose();
            index.Dispose();
            throw new HeadersException(HeadersProblem.ParseFailed, $"libclang ({GetClangVersion()}) failed to parse {fileName}: {error}.");
        }
        return new ClangTranslationUnit(index, unit);
    }

    /// <summary>Every diagnostic clang reported, with its severity, formatted as clang prints it.</summary>
    public List<(CXDiagnosticSeverity Severity, string Text)> Diagnostics()
    {
        var result = new List<(CXDiagnosticSeverity, string)>();
        uint count = GetNumDiagnostics(_unit);
        uint options = DefaultDiagnosticDisplayOptions();
        for (uint i = 0; i < count; i++)
        {
            nint diagnostic = GetDiagnostic(_unit, i);
            try
            {
                result.Add((GetDiagnosticSeverity(diagnostic), FormatDiagnostic(diagnostic, options)));
            }
            finally
            {
                DisposeDiagnostic(diagnostic);
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _unit.Dispose();
        _index.Dispose();
    }

    private static byte[] NullTerminated(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
