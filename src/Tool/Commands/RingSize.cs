using System.Globalization;
using TpGen.Probes;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>The value of <c>--ring-size</c>: bytes, or KiB and MiB with a K or M suffix.</summary>
internal static class RingSize
{
    // 1 GiB: far above any sensible ring, and below int's limit after the multiplication.
    private const long Largest = 1L << 30;

    public static int Parse(string? text)
    {
        if (text is null)
            return ProbeOptions.Default.RingBufferSize;
        string value = text.Trim();
        long unit = 1;
        if (value.EndsWith("K", System.StringComparison.OrdinalIgnoreCase))
            unit = 1024;
        else if (value.EndsWith("M", System.StringComparison.OrdinalIgnoreCase))
            unit = 1024 * 1024;
        if (unit != 1)
            value = value.Substring(0, value.Length - 1);
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count > Largest / unit)
            throw new UsageException($"--ring-size '{text}' is not a size: give bytes, or a number with K or M, e.g. 16M");
        long bytes = count * unit;
        if (bytes < 4096 || (bytes & (bytes - 1)) != 0)
            throw new UsageException($"--ring-size {text} is {bytes} bytes; the kernel needs a power of two of at least 4K (e.g. 4M, 16M, 64M)");
        return (int)bytes;
    }
}
