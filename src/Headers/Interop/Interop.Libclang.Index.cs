using System.Runtime.InteropServices;
using TpGen.Frontends.Headers;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>CXErrorCode, the result of clang_parseTranslationUnit2.</summary>
        internal enum CXErrorCode
        {
            Success = 0,
            Failure = 1,
            Crashed = 2,
            InvalidArguments = 3,
            ASTReadError = 4,
        }

        /// <summary>CXTranslationUnit_Flags (the ones this frontend uses).</summary>
        [System.Flags]
        internal enum CXTranslationUnitFlags : uint
        {
            None = 0,
            SkipFunctionBodies = 0x40,
        }

        /// <summary>struct CXUnsavedFile: a file's contents given in memory instead of on disk.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct CXUnsavedFile
        {
            public byte* Filename;
            public byte* Contents;
            public nuint Length;
        }

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_createIndex")]
        internal static partial SafeCXIndexHandle CreateIndex(int excludeDeclarationsFromPch, int displayDiagnostics);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_disposeIndex")]
        internal static partial void DisposeIndex(nint index);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_parseTranslationUnit2", StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial CXErrorCode ParseTranslationUnit2(
            SafeCXIndexHandle index,
            string sourceFilename,
            string[] commandLineArgs,
            int commandLineArgCount,
            CXUnsavedFile* unsavedFiles,
            uint unsavedFileCount,
            CXTranslationUnitFlags options,
            out SafeCXTranslationUnitHandle translationUnit);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_disposeTranslationUnit")]
        internal static partial void DisposeTranslationUnit(nint translationUnit);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getClangVersion")]
        private static partial CXString GetClangVersionNative();

        /// <summary>The library's version text, e.g. <c>Debian clang version 14.0.6</c>.</summary>
        internal static string GetClangVersion() => TakeString(GetClangVersionNative());
    }
}
