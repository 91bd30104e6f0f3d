using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Formats a libbpf log message; <paramref name="arguments"/> is the C va_list it was given.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "vsnprintf")]
        internal static unsafe partial int FormatVarargs(byte* buffer, nuint size, byte* format, nint arguments);

        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint GetEffectiveUserId();
    }
}
