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

    [ThreadStatic]
    private static PrintkFormats? t_current;
    private readonly Dictionary<ulong, string> _strings;

    private PrintkFormats(Dictionary<ulong, string> strings) => _strings = strings;

    /// <summary>The running kernel's table.</summary>
    public static PrintkFormats Default => LazyInitializer.EnsureInitialized(ref s_default, () => Load(Path.Combine(Tracefs.Root, "printk_formats")));

    /// <summary>Reads a printk_formats file: lines <c>0xADDRESS : "text"</c>; an unreadable file gives an empty table.</summary>
    public static PrintkFormats Load(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PrintkFormats(new Dictionary<ulong, string>());
        }
    }

    /// <summary>Parses printk_formats lines (<c>0xADDRESS : "text"</c>), e.g. from a trace.dat file.</summary>
    public static PrintkFormats Parse(TextReader reader)
    {
        var strings = new Dictionary<ulong, string>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
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
        return new PrintkFormats(strings);
    }

    /// <summary>The table that text formatting on the calling thread uses: <see cref="Default"/>, or the one a <see cref="Use"/> scope set.</summary>
    public static PrintkFormats Current => t_current ?? Default;

    /// <summary>
    /// Makes text formatting on the calling thread use <paramref name="formats"/> (e.g. a trace
    /// file's, recorded on another machine) until the returned scope is disposed.
    /// </summary>
    public static IDisposable Use(PrintkFormats formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        PrintkFormats? previous = t_current;
        t_current = formats;
        return new Scope(previous);
    }

    /// <summary>The string at <paramref name="address"/>, if the kernel lists it.</summary>
    public bool TryGet(ulong address, out string text) => _strings.TryGetValue(address, out text!);

    private sealed class Scope(PrintkFormats? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            t_current = previous;
        }
    }
}
