using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libclang
    {
        /// <summary>CXString: a string owned by libclang, freed with clang_disposeString.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CXString
        {
            public nint Data;
            public uint PrivateFlags;
        }

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_getCString")]
        private static partial nint GetCString(CXString text);

        [LibraryImport(Libraries.Libclang, EntryPoint = "clang_disposeString")]
        private static partial void DisposeString(CXString text);

        /// <summary>Copies <paramref name="text"/> into a managed string and frees it; every CXString goes through here.</summary>
        internal static string TakeString(CXString text)
        {
            try
            {
                nint pointer = GetCString(text);
                return pointer == 0 ? string.Empty : Marshal.PtrToStringUTF8(pointer) ?? string.Empty;
            }
            finally
            {
                DisposeString(text);
            }
        }
    }
}
