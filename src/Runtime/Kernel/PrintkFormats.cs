using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;

namespace TpGen.Kernel;

/// <summary>
/// The kernel strings that trace events point at by address (<c>const char *</c> fields printed
/// with <c>%s</c>), from tracefs' <c>printk_formats</c>: the same source libtraceevent uses.
/// Loaded on first use; empty when tracefs is not readable.
/// </summary>
public sealed class PrintkFormats
{
    private static PrintkFormats? s_default;
    private readonly Dictionary<ulong, string> _strings;

    private PrintkFormats(Dictionary<ulong, string> strings) => _strings = strings;

    /// <summary>The running kernel's table.</summary>
    public static PrintkFormats Default => LazyInitializer.EnsureInitialized(ref s_default, () => Load(Path.Combine(Tracefs.Root, "printk_formats")));

    /// <summary>Reads a printk_formats file: lines <c>0xADDRESS : "text"</c>.</summary>
    public static PrintkFormats Load(string path)
    {
        var strings = new Dictionary<ulong, string>();
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                int colon = line.IndexOf(" : ", StringComparison.Ordinal);
                if (colon < 0 || !line.StartsWith("0x", StringComparison.Ordinal))
                    continue;
                if (!ulong.TryParse(line.AsSpan(2, colon - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address))
                    continue;
                string text = line.Substring(colon + 3).Trim();
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                    text = text.Substring(1, text.Length - 2);
                strings[address] = text;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return new PrintkFormats(strings);
    }

    /// <summary>The string at <paramref name="address"/>, if the kernel lists it.</summary>
    public bool TryGet(ulong address, out string text) => _strings.TryGetValue(address, out text!);
}
