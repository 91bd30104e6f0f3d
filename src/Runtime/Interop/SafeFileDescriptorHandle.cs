using System;
using System.Runtime.InteropServices;

/// <summary>A file descriptor this process opened (an epoll instance), closed on release.</summary>
internal sealed class SafeFileDescriptorHandle : SafeHandle
{
    public SafeFileDescriptorHandle()
        : base(-1, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle < 0;

    protected override bool ReleaseHandle() => Interop.Libc.Close(handle) == 0;
}
