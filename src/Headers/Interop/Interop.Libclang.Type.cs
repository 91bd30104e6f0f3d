using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>CXType: a C type, passed by value.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CXType
        {
            public CXTypeKind Kind;
            public nint Data0;
            public nint Data1;
        }

        /// <summary>enum CXTypeKind (the kinds this frontend looks at).</summary>
        internal enum CXTypeKind
        {
            Invalid = 0,
            Bool = 3,
            CharU = 4,
            UChar = 5,
            UShort = 8,
            UInt = 9,
            ULong = 10,
            ULongLong = 11,
            UInt128 = 12,
            CharS = 13,
            SChar = 14,
            Short = 16,
            Int = 17,
            Long = 18,
            LongLong = 19,
            Int128 = 20,
            Pointer = 101,
            Record = 105,
            Enum = 106,
            Typedef = 107,
            ConstantArray = 112,
            Elaborated = 119,
        }

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getTypeSpelling")]
        private static partial CXString GetTypeSpellingNative(CXType type);

        /// <summary>The type as clang prints it, e.g. <c>struct trace_entry</c>, <c>unsigned short</c>.</summary>
        internal static string GetTypeSpelling(CXType type) => TakeString(GetTypeSpellingNative(type));

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getCanonicalType")]
        internal static partial CXType GetCanonicalType(CXType type);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getTypeDeclaration")]
        internal static partial CXCursor GetTypeDeclaration(CXType type);

        /// <summary>The size in bytes, or a negative CXTypeLayoutError.</summary>
        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_Type_getSizeOf")]
        internal static partial long TypeGetSizeOf(CXType type);
    }
}
