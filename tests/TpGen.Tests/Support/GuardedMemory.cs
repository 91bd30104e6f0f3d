using System;
using System.Runtime.InteropServices;

namespace TpGen.Tests.Support;

/// <summary>
/// Native memory whose end touches a page that cannot be read: a record copied to end exactly
/// there makes any read past it a segmentation fault instead of a silent read of whatever
/// follows. The oracle for "never reads outside the record" does not trust the code it checks.
/// </summary>
internal sealed unsafe partial class GuardedMemory : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _length;
    private readonly int _usable;

    /// <summary>Room for records of up to <paramref name="capacity"/> bytes, then a guard page.</summary>
    public GuardedMemory(int capacity)
    {
        int page = Environment.SystemPageSize;
        _usable = (capacity + page - 1) / page * page;
        _length = (nuint)(_usable + page);
        _base = (byte*)Mmap(null, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (_base == (byte*)-1)
            throw new InvalidOperationException("mmap failed: " + Marshal.GetLastPInvokeError());
        if (Mprotect(_base + _usable, (nuint)page, ProtNone) != 0)
            throw new InvalidOperationException("mprotect failed: " + Marshal.GetLastPInvokeError());
    }

    public int Capacity => _usable;

    /// <summary>Copies <paramref name="record"/> so that its last byte is the last readable one.</summary>
    public ReadOnlySpan<byte> Place(ReadOnlySpan<byte> record)
    {
        if (record.Length > _usable)
            throw new ArgumentException($"{record.Length} bytes do not fit {_usable}");
        byte* start = _base + _usable - record.Length;
        record.CopyTo(new Span<byte>(start, record.Length));
        return new ReadOnlySpan<byte>(start, record.Length);
    }

    public void Dispose() => Munmap(_base, _length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);
}
