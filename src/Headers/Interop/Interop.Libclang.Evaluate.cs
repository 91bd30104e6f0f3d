using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>CXEvalResultKind.</summary>
        internal enum CXEvalResultKind
        {
            UnExposed = 0,
            Int = 1,
            Float = 2,
            ObjCStrLiteral = 3,
            StrLiteral = 4,
            CFStr = 5,
            Other = 6,
        }

        /// <summary>Evaluates an expression cursor, or a variable's initializer; 0 when it cannot.</summary>
        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_Cursor_Evaluate")]
        internal static partial nint CursorEvaluate(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_getKind")]
        internal static partial CXEvalResultKind EvalResultGetKind(nint result);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_getAsLongLong")]
        internal static partial long EvalResultGetAsLongLong(nint result);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_isUnsignedInt")]
        internal static partial uint EvalResultIsUnsignedInt(nint result);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_getAsUnsigned")]
        internal static partial ulong EvalResultGetAsUnsigned(nint result);

        /// <summary>The string of a string-literal result; owned by the result.</summary>
        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_getAsStr")]
        internal static partial nint EvalResultGetAsStr(nint result);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_EvalResult_dispose")]
        internal static partial void EvalResultDispose(nint result);
    }
}
