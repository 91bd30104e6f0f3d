using System.Runtime.InteropServices;

namespace TpGen.Probes;

/// <summary>
/// The native library probes need where they run: libbpf 1.x from the distribution
/// (Debian: <c>apt-get install libbpf1</c>). Checked at build, at attach and by <c>tpgen doctor</c>,
/// each with the same advice.
/// </summary>
public static class NativeDependencies
{
    /// <summary>The libbpf shared library TpGen binds to.</summary>
    public const string Libbpf = Interop.Libraries.Libbpf;

    /// <summary>What to do when <see cref="Libbpf"/> is missing.</summary>
    public const string LibbpfAdvice = "apt-get install libbpf1";

    /// <summary>Whether <see cref="Libbpf"/> can be loaded by this process.</summary>
    public static bool IsLibbpfInstalled()
    {
        if (!NativeLibrary.TryLoad(Libbpf, typeof(NativeDependencies).Assembly, null, out nint library))
            return false;
        NativeLibrary.Free(library);
        return true;
    }
}
