internal static partial class Interop
{
    /// <summary>
    /// The logical names of the native libraries this assembly imports. They are not file names:
    /// <see cref="TpGen.Frontends.Headers.LibclangResolver"/> maps each to the sonames a
    /// distribution installs.
    /// </summary>
    internal static class Libraries
    {
        internal const string Libclang = "libclang";
    }
}
