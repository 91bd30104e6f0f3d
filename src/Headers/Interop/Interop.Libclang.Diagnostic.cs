using System.Runtime.InteropServices;
using TpGen.Frontends.Headers;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>enum CXDiagnosticSeverity.</summary>
        internal enum CXDiagnosticSeverity
        {
            Ignored = 0,
            Note = 1,
            Warning = 2,
            Error = 3,
            Fatal = 4,
        }

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getNumDiagnostics")]
        internal static partial uint GetNumDiagnostics(SafeCXTranslationUnitHandle translationUnit);

        // A CXDiagnostic from a translation unit lives as long as the unit; disposing it is still the documented contract.
        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getDiagnostic")]
        internal static partial nint GetDiagnostic(SafeCXTranslationUnitHandle translationUnit, uint index);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_disposeDiagnostic")]
        internal static partial void DisposeDiagnostic(nint diagnostic);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getDiagnosticSeverity")]
        internal static partial CXDiagnosticSeverity GetDiagnosticSeverity(nint diagnostic);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_defaultDiagnosticDisplayOptions")]
        internal static partial uint DefaultDiagnosticDisplayOptions();

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_formatDiagnostic")]
        private static partial CXString FormatDiagnosticNative(nint diagnostic, uint options);

        /// <summary>The diagnostic as clang prints it: <c>file:line:col: error: text</c>.</summary>
        internal static string FormatDiagnostic(nint diagnostic, uint options) => TakeString(FormatDiagnosticNative(diagnostic, options));
    }
}
