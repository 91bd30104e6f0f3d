using System.Runtime.InteropServices;

namespace TpGen.Frontends.Headers;

/// <summary>A libclang CXTranslationUnit, disposed with clang_disposeTranslationUnit.</summary>
internal sealed class SafeCXTranslationUnitHandle : SafeHandle
{
    /// <summary>Used by the interop marshaller.</summary>
    public SafeCXTranslationUnitHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == nint.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Interop.Libclang.DisposeTranslationUnit(handle);
        return true;
    }
}
