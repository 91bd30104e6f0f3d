using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>CXCursor: a node of the AST, passed by value.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CXCursor
        {
            public CXCursorKind Kind;
            public int XData;
            public nint Data0;
            public nint Data1;
            public nint Data2;
        }

        /// <summary>enum CXCursorKind (the kinds this frontend looks at).</summary>
        internal enum CXCursorKind
        {
            StructDecl = 2,
            UnionDecl = 3,
            EnumDecl = 5,
            FieldDecl = 6,
            EnumConstantDecl = 7,
            FunctionDecl = 8,
            VarDecl = 9,
            FirstInvalid = 70,
            LastInvalid = 73,
            MemberRef = 47,
            UnexposedExpr = 100,
            DeclRefExpr = 101,
            StringLiteral = 109,
            InitListExpr = 119,
            TranslationUnit = 300,
        }

        /// <summary>enum CXChildVisitResult.</summary>
        internal enum CXChildVisitResult
        {
            Break = 0,
            Continue = 1,
            Recurse = 2,
        }

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getTranslationUnitCursor")]
        internal static partial CXCursor GetTranslationUnitCursor(TpGen.Frontends.Headers.SafeCXTranslationUnitHandle translationUnit);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getCursorSpelling")]
        private static partial CXString GetCursorSpellingNative(CXCursor cursor);

        /// <summary>The cursor's name: a declaration's identifier, a reference's target name.</summary>
        internal static string GetCursorSpelling(CXCursor cursor) => TakeString(GetCursorSpellingNative(cursor));

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getCursorType")]
        internal static partial CXType GetCursorType(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getCursorReferenced")]
        internal static partial CXCursor GetCursorReferenced(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_isCursorDefinition")]
        internal static partial uint IsCursorDefinition(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_Cursor_isAnonymous")]
        internal static partial uint CursorIsAnonymous(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_Cursor_getOffsetOfField")]
        internal static partial long CursorGetOffsetOfField(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getEnumConstantDeclValue")]
        internal static partial long GetEnumConstantDeclValue(CXCursor cursor);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getEnumDeclIntegerType")]
        internal static partial CXType GetEnumDeclIntegerType(CXCursor cursor);

        /// <summary>Calls <paramref name="visitor"/> for each child; the visitor must not throw (it runs under native frames).</summary>
        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_visitChildren")]
        internal static unsafe partial uint VisitChildren(
            CXCursor parent,
            delegate* unmanaged<CXCursor, CXCursor, nint, CXChildVisitResult> visitor,
            nint clientData);
    }
}
