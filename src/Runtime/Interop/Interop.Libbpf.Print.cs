using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>libbpf's log levels (enum libbpf_print_level).</summary>
        internal const int PrintWarning = 0;
        internal const int PrintInfo = 1;
        internal const int PrintDebug = 2;

        /// <summary>Replaces libbpf's log function: <c>int fn(enum libbpf_print_level, const char *format, va_list)</c>.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_set_print")]
        internal static unsafe partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> print);
    }
}
