using System.Runtime.InteropServices;

namespace TpGen.Frontends.Headers;

/// <summary>A libclang CXIndex, disposed with clang_disposeIndex.</summary>
internal sealed class SafeCXIndexHandle : SafeHandle
{
    /// <summary>Used by the interop marshaller.</summary>
    public SafeCXIndexHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == nint.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Interop.Libclang.DisposeIndex(handle);
        return true;
    }
}
