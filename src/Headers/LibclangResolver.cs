using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Finds libclang for <see cref="Interop.Libraries.Libclang"/>. The frontend loads the
/// distribution's libclang, 14 first: Debian 12's libclang1-14 (soname <c>libclang-14.so.1</c>)
/// is the version whose expansion of the 6.1 kernel headers is checked against that kernel's
/// tracefs, it finds its own resource headers (<c>stddef.h</c>, <c>stdarg.h</c>, ..., from
/// libclang-common-14-dev), which a <c>-nostdinc</c> kernel build still takes from the compiler,
/// and it is the clang the same machines compile BPF objects with. The NuGet
/// <c>libclang.runtime.*</c> packages ship only the native library, without a resource
/// directory, and would put a large native file per platform into every build. Any other
/// libclang can be named with <c>TPGEN_LIBCLANG</c>.
/// </summary>
internal static class LibclangResolver
{
    /// <summary>An environment variable naming the libclang to load (a path or a soname).</summary>
    public const string EnvironmentVariable = "TPGEN_LIBCLANG";

    /// <summary>What to install where no libclang is found.</summary>
    public const string InstallHint = "install it with: apt-get install libclang1-14 libclang-common-14-dev";

    // Debian/Ubuntu's versioned soname first, then the generic names other distributions use.
    private static readonly string[] Sonames = ["libclang-14.so.1", "libclang.so.1", "libclang.so"];

    private static int s_registered;
    private static nint s_handle;
    private static string? s_loadedFrom;

    /// <summary>The name or path libclang was loaded by, once loaded.</summary>
    public static string? LoadedFrom => s_loadedFrom;

    /// <summary>Registers the resolver for this assembly's imports (once) and loads libclang now, so a missing library is a clear error here rather than a DllNotFoundException deep in a parse.</summary>
    /// <exception cref="HeadersException">libclang cannot be loaded.</exception>
    public static void EnsureLoaded()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(LibclangResolver).Assembly, Resolve);
        if (Volatile.Read(ref s_handle) == 0)
            Load();
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Interop.Libraries.Libclang)
            return 0;
        return Volatile.Read(ref s_handle) != 0 ? s_handle : Load();
    }

    private static nint Load()
    {
        string? requested = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(requested))
        {
            if (!NativeLibrary.TryLoad(requested, out nint explicitHandle))
                throw new HeadersException(HeadersProblem.LibclangNotFound, $"{EnvironmentVariable}={requested} names a libclang that cannot be loaded; point it at a libclang.so, or unset it and {InstallHint}.");
            return Remember(explicitHandle, requested);
        }
        foreach (string soname in Sonames)
        {
            if (NativeLibrary.TryLoad(soname, out nint handle))
                return Remember(handle, soname);
        }
        throw new HeadersException(HeadersProblem.LibclangNotFound, $"libclang was not found (tried {string.Join(", ", Sonames)}); the kernel-headers frontend parses headers with it: {InstallHint}, or set {EnvironmentVariable} to a libclang.so.");
    }

    private static nint Remember(nint handle, string name)
    {
        if (Interlocked.CompareExchange(ref s_handle, handle, 0) == 0)
            s_loadedFrom = name;
        return s_handle;
    }
}
