using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    /// <summary>The system calls <c>tpgen record</c> moves ring-buffer pages with, as trace-cmd does: splice from trace_pipe_raw into a pipe.</summary>
    internal static partial class Pipes
    {
        private const string Libc = "libc";

        internal const int ReadOnly = 0;
        internal const int NonBlocking = 0x800;
        internal const int CloseOnExec = 0x80000;
        internal const uint SpliceMove = 1;
        internal const uint SpliceNonBlocking = 2;
        internal const short PollIn = 1;
        internal const int SetPipeSize = 1031;
        internal const int EAGAIN = 11;
        internal const int EINTR = 4;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short Returned;
        }

        [LibraryImport(Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle Open(string path, int flags);

        [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
        internal static unsafe partial int Pipe(int* descriptors, int flags);

        [LibraryImport(Libc, EntryPoint = "splice", SetLastError = true)]
        internal static partial nint Splice(SafeFileHandle input, IntPtr inputOffset, SafeFileHandle output, IntPtr outputOffset, nuint length, uint flags);

        [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(SafeFileHandle descriptor, byte* buffer, nuint count);

        [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(SafeFileHandle descriptor, byte* buffer, nuint count);

        [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int Poll(PollFd* descriptors, nuint count, int timeoutMilliseconds);

        [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int Control(SafeFileHandle descriptor, int command, int argument);

        /// <summary>A pipe's two ends, each owned by a handle.</summary>
        internal static unsafe (SafeFileHandle Read, SafeFileHandle Write) CreatePipe(int flags)
        {
            int* descriptors = stackalloc int[2];
            if (Pipe(descriptors, flags) != 0)
                throw new System.IO.IOException("pipe2 failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            return (new SafeFileHandle(descriptors[0], ownsHandle: true), new SafeFileHandle(descriptors[1], ownsHandle: true));
        }
    }
}
