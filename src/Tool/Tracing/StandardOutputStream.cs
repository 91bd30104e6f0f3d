using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TpGen.Tool.Tracing;

/// <summary>
/// Standard output written with write(2) on descriptor 1, at the offset it shares with whatever
/// else the shell pointed there.
/// </summary>
/// <remarks>
/// Not the console's stream: it ignores EPIPE, so a trace piped into <c>head</c> would go on after
/// head has gone; a write to this one fails, and tracing stops. Not a <see cref="FileStream"/> over
/// descriptor 1 either: on a regular file it writes at a position of its own (pwrite), so with
/// <c>&gt; trace.log 2&gt;&amp;1</c> standard error's lines, written at the shared offset, landed over
/// the events.
/// </remarks>
internal sealed class StandardOutputStream : Stream
{
    private readonly SafeFileHandle _handle = new(1, ownsHandle: false);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <exception cref="IOException">Standard output refused the bytes (EPIPE: its reader has gone).</exception>
    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            for (int done = 0; done < buffer.Length;)
            {
                nint written = Interop.Pipes.Write(_handle, start + done, (nuint)(buffer.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error != Interop.Pipes.EINTR)
                    throw new IOException("writing standard output: " + Marshal.GetPInvokeErrorMessage(error), error);
            }
        }
    }
}
