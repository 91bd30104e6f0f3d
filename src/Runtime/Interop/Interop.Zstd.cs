using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>libzstd, for trace.dat files that trace-cmd compressed with zstd (its default where it was built with zstd).</summary>
    internal static partial class Zstd
    {
        /// <summary>Debian's libzstd1.</summary>
        internal const string Library = "libzstd.so.1";

        /// <summary>Decompresses one or more whole frames; returns the bytes written or an error code.</summary>
        [LibraryImport(Library, EntryPoint = "ZSTD_decompress")]
        internal static unsafe partial nuint Decompress(byte* destination, nuint capacity, byte* source, nuint sourceSize);

        [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
        internal static partial uint IsError(nuint code);

        [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
        internal static partial nint GetErrorName(nuint code);
    }
}
