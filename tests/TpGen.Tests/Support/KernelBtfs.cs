using System;
using System.IO;
using TpGen.Frontends.Btf;
using TpGen.Kernel;

namespace TpGen.Tests.Support;

/// <summary>The real BTF blobs the tests read, parsed once and shared.</summary>
internal static class KernelBtfs
{
    private static readonly Lazy<BtfData> s_thisKernel = new(() => KernelBtf.ReadVmlinux());
    private static readonly Lazy<byte[]> s_debian61Bytes = new(() => KernelBtf.ReadBytes(Debian61Path));
    private static readonly Lazy<BtfData> s_debian61 = new(() => BtfData.Parse(s_debian61Bytes.Value, Debian61Path));

    /// <summary>Debian 6.1's BTF, gzipped beside its tracefs dump.</summary>
    public static string Debian61Path => Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz");

    /// <summary>The running kernel's BTF; skips (or fails, in CI) where the kernel has none.</summary>
    public static BtfData ThisKernel()
    {
        KernelFacility.RequirePath(KernelBtf.VmlinuxPath, "this kernel's BTF");
        return s_thisKernel.Value;
    }

    /// <summary>Debian 6.1's BTF; skips (or fails, in CI) where the reference dump is missing.</summary>
    public static BtfData Debian61()
    {
        KernelFacility.RequirePath(Debian61Path, "Debian 6.1's BTF");
        return s_debian61.Value;
    }

    /// <summary>The decompressed bytes of Debian 6.1's BTF.</summary>
    public static byte[] Debian61Bytes()
    {
        KernelFacility.RequirePath(Debian61Path, "Debian 6.1's BTF");
        return s_debian61Bytes.Value;
    }
}
