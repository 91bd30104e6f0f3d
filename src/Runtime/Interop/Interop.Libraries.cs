internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>libbpf 1.x, as Debian's libbpf1 installs it.</summary>
        internal const string Libbpf = "libbpf.so.1";

        /// <summary>The C library.</summary>
        internal const string Libc = "libc";
    }
}
