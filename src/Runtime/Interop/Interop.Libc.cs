using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Formats a libbpf log message; <paramref name="arguments"/> is the C va_list it was given.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "vsnprintf")]
        internal static unsafe partial int FormatVarargs(byte* buffer, nuint size, byte* format, nint arguments);

        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint GetEffectiveUserId();

        internal const int ProtectionRead = 1;
        internal const int ProtectionWrite = 2;
        internal const int MapShared = 1;
        internal const int EpollControlAdd = 1;
        internal const int EpollCloseOnExec = 0x80000;
        internal const uint EpollIn = 0x001;
        internal const uint EpollEdgeTriggered = 1u << 31;
        internal const int EINTR = 4;

        /// <summary>Maps <paramref name="length"/> bytes of a file (a BPF map) into memory; -1 (MAP_FAILED) on error.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
        internal static partial nint MapMemory(nint address, nuint length, int protection, int flags, int fd, nint offset);

        /// <summary>Unmaps what <see cref="MapMemory"/> mapped.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "munmap")]
        internal static partial int UnmapMemory(nint address, nuint length);

        /// <summary>Creates an epoll instance; -1 on error.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_create1", SetLastError = true)]
        internal static partial SafeFileDescriptorHandle EpollCreate(int flags);

        /// <summary>Changes how an epoll instance watches a descriptor.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
        internal static unsafe partial int EpollControl(SafeFileDescriptorHandle epollFd, int operation, int fd, EpollEvent* ev);

        /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for events; the number ready, 0 on timeout, -1 on error.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_wait", SetLastError = true)]
        internal static unsafe partial int EpollWait(SafeFileDescriptorHandle epollFd, EpollEvent* events, int maxEvents, int timeoutMilliseconds);

        internal const int DuplicateWithCloseOnExec = 1030; // F_DUPFD_CLOEXEC

        /// <summary>fcntl(fd, F_DUPFD_CLOEXEC, 0): a descriptor of one's own for a map the BPF object also holds.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int Duplicate(int fd, int command, int lowest);

        /// <summary>Closes a descriptor.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "close")]
        internal static partial int Close(nint fd);

        /// <summary>The kernel's struct epoll_event (packed on x86_64, 12 bytes).</summary>
        [StructLayout(LayoutKind.Sequential, Pack = 4)]
        internal struct EpollEvent
        {
            public uint Events;
            public ulong Data;
        }
    }
}
