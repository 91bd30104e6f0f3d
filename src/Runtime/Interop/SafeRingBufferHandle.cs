using System;
using System.Runtime.InteropServices;

/// <summary>A libbpf <c>struct ring_buffer</c> consumer: its epoll descriptor and mappings go with it.</summary>
internal sealed class SafeRingBufferHandle : SafeHandle
{
    public SafeRingBufferHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.RingBufferFree(handle);
        return true;
    }
}
