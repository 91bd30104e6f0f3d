using System;
using System.Runtime.InteropServices;

/// <summary>A libbpf <c>struct bpf_link</c>: an attached program; destroying it detaches the program.</summary>
internal sealed class SafeBpfLinkHandle : SafeHandle
{
    public SafeBpfLinkHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.LinkDestroy(handle);
        return true;
    }
}
