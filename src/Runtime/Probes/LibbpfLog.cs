using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TpGen.Probes;

/// <summary>
/// Collects what libbpf prints while TpGen loads an object, so a verifier rejection can be
/// reported with its log. libbpf calls back on the thread that called it, so a thread-local
/// buffer holds each load's messages.
/// </summary>
internal static unsafe class LibbpfLog
{
    [ThreadStatic]
    private static StringBuilder? t_capture;

    // In the type's initializer, which the runtime runs once and every other thread waits for: a flag
    // set before the call would let a second thread load (and lose its log) while the first installs.
    static LibbpfLog() => Interop.Libbpf.SetPrint(&Print);

    /// <summary>Starts collecting this thread's libbpf messages.</summary>
    public static Scope Capture()
    {
        t_capture = new StringBuilder();
        return new Scope();
    }

    /// <summary>The last <paramref name="maxLines"/> lines collected.</summary>
    public static string Tail(int maxLines)
    {
        string text = t_capture?.ToString() ?? "";
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int skip = Math.Max(0, lines.Length - maxLines);
        return string.Join("\n", lines, skip, lines.Length - skip);
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, byte* format, nint arguments)
    {
        StringBuilder? capture = t_capture;
        if (capture is null || level == Interop.Libbpf.PrintDebug)
            return 0;
        try
        {
            capture.Append(Format(format, arguments));
        }
        catch (Exception)
        {
            // A log line is never worth crashing the process from a native callback.
        }
        return 0;
    }

    // The verifier log arrives as one long message; measure it on a copy of the va_list first.
    private static string Format(byte* format, nint arguments)
    {
        int listSize = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 32 : 24;
        byte* copy = stackalloc byte[32];
        Buffer.MemoryCopy((void*)arguments, copy, 32, listSize);
        int length = Interop.Libc.FormatVarargs(null, 0, format, (nint)copy);
        if (length <= 0)
            return "";
        length = Math.Min(length, 16 << 20);
        byte[] buffer = new byte[length + 1];
        fixed (byte* destination = buffer)
            Interop.Libc.FormatVarargs(destination, (nuint)buffer.Length, format, arguments);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Ends the capture.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_capture = null;
    }
}
