using System;
using System.IO;

namespace TpGen.Probes;

/// <summary>
/// The BPF object every probe set without filters shares, compiled when TpGen itself was built and
/// carried inside this assembly: nothing in it depends on a kernel's layout or on the probe set
/// (each handler is told its event's layout at load and attached by name), so an application
/// without filters needs no clang and no object file of its own, also when published as one file.
/// </summary>
internal static class SharedObject
{
    /// <summary>How many events it can hold; a larger probe set gets an object of its own.</summary>
    public const int Handlers = 64;

    private const string ResourceName = "TpGen.Probes.tpgen.shared.bpf.o";

    private static byte[]? s_bytes;

    /// <summary>The object file's bytes.</summary>
    public static byte[] Bytes => s_bytes ??= Load();

    private static byte[] Load()
    {
        using Stream stream = typeof(SharedObject).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new ProbeException(ProbeFailure.LoadFailed, $"The shared BPF object is missing from {typeof(SharedObject).Assembly.GetName().Name}; this TpGen build is incomplete.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
