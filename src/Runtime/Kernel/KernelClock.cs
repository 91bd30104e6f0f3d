using System;
using System.IO;
using System.IO.Compression;
using System.Threading;

namespace TpGen.Kernel;

/// <summary>
/// Converts jiffies the way the kernel's <c>jiffies_to_msecs</c> does, for print fmts that call
/// it. The tick rate is CONFIG_HZ from the running kernel's config (/proc/config.gz or
/// /boot/config-&lt;release&gt;); when neither is readable, 250, the Debian and Ubuntu default.
/// </summary>
public static class KernelClock
{
    private static int s_hz;

    /// <summary>The kernel's tick rate.</summary>
    public static int Hz
    {
        get
        {
            if (s_hz == 0)
                Interlocked.CompareExchange(ref s_hz, ReadHz(), 0);
            return s_hz;
        }
    }

    /// <summary>Milliseconds in <paramref name="jiffies"/> (32 bits, as the kernel's function returns).</summary>
    public static uint JiffiesToMilliseconds(ulong jiffies) => unchecked((uint)(jiffies * 1000 / (ulong)Hz));

    /// <summary>Microseconds in <paramref name="jiffies"/> (32 bits, as the kernel's function returns).</summary>
    public static uint JiffiesToMicroseconds(ulong jiffies) => unchecked((uint)(jiffies * 1000000 / (ulong)Hz));

    private static int ReadHz()
    {
        try
        {
            if (File.Exists("/proc/config.gz"))
            {
                using var stream = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
                if (FindHz(new StreamReader(stream)) is int fromProc)
                    return fromProc;
            }
            string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            string boot = Path.Combine("/boot", "config-" + release);
            if (File.Exists(boot) && FindHz(new StreamReader(boot)) is int fromBoot)
                return fromBoot;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
        }
        return 250;
    }

    private static int? FindHz(TextReader reader)
    {
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.StartsWith("CONFIG_HZ=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(10), out int hz) && hz > 0)
                return hz;
        }
        return null;
    }
}
