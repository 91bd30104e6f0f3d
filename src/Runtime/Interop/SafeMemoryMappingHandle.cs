using System;
using System.Runtime.InteropServices;

/// <summary>Memory mapped from a descriptor with <c>mmap</c> (a BPF map's values), unmapped on release.</summary>
internal sealed class SafeMemoryMappingHandle : SafeHandle
{
    private const nint MapFailed = -1;

    private SafeMemoryMappingHandle(nint address, nuint length)
        : base(MapFailed, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    /// <summary>The mapping's length in bytes.</summary>
    public nuint Length { get; }

    public override bool IsInvalid => handle == MapFailed || handle == IntPtr.Zero;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> read-only and shared; check <see cref="IsInvalid"/>.</summary>
    public static SafeMemoryMappingHandle MapReadOnly(int fd, nuint length) => Map(fd, length, Interop.Libc.ProtectionRead, 0);

    /// <summary>
    /// Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/>, shared, with
    /// <paramref name="protection"/> (<c>PROT_*</c>); check <see cref="IsInvalid"/>.
    /// </summary>
    public static SafeMemoryMappingHandle Map(int fd, nuint length, int protection, nint offset) =>
        new(Interop.Libc.MapMemory(0, length, protection, Interop.Libc.MapShared, fd, offset), length);

    protected override bool ReleaseHandle() => Interop.Libc.UnmapMemory(handle, Length) == 0;
}
