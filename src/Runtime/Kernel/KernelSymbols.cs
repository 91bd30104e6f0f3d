using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;

namespace TpGen.Kernel;

/// <summary>
/// The kernel's symbol table from <c>/proc/kallsyms</c>, for printing code addresses the way
/// <c>%pS</c> does (<c>symbol+0xoff/0xsize [module]</c>). Loaded once, on first use. Without
/// root the kernel shows every address as 0 (kptr_restrict); lookups then find nothing and
/// addresses print as numbers.
/// </summary>
public sealed class KernelSymbols
{
    private static KernelSymbols? s_default;
    private static object? s_defaultLock;

    [ThreadStatic]
    private static KernelSymbols? t_current;

    private readonly ulong[] _addresses;
    private readonly string[] _names;
    private readonly string?[] _modules;
    private readonly SymbolText?[] _texts = new SymbolText?[TextCacheSize];
    private long _last;

    // Traced code addresses repeat (a few drop sites, a few callers): the text of recently printed
    // ones is kept, so printing one again is a lookup in this table, not a search and formatting.
    private const int TextCacheSize = 256;

    private KernelSymbols(ulong[] addresses, string[] names, string?[] modules)
    {
        _addresses = addresses;
        _names = names;
        _modules = modules;
    }

    /// <summary>The running kernel's symbols, read from <c>/proc/kallsyms</c> on first use (empty when unreadable).</summary>
    // Under a lock: a tool may start the load on a thread of its own while it attaches, and the first
    // %pS then waits for that load rather than parsing the same megabytes again beside it.
    public static KernelSymbols Default => LazyInitializer.EnsureInitialized(ref s_default, ref s_defaultLock, static () => Load("/proc/kallsyms"));

    /// <summary>The table that text formatting on the calling thread uses: <see cref="Default"/>, or the one a <see cref="Use"/> scope set.</summary>
    public static KernelSymbols Current => t_current ?? Default;

    /// <summary>
    /// Makes text formatting on the calling thread (<c>%pS</c> and friends) use <paramref name="symbols"/>
    /// (e.g. a trace file's, recorded on another machine) until the returned scope is disposed.
    /// </summary>
    public static IDisposable Use(KernelSymbols symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        KernelSymbols? previous = t_current;
        t_current = symbols;
        return new Scope(previous);
    }

    /// <summary>The number of symbols with a known address.</summary>
    public int Count => _addresses.Length;

    /// <summary>Reads a kallsyms-format file; unreadable files give an empty table.</summary>
    public static KernelSymbols Load(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new KernelSymbols(Array.Empty<ulong>(), Array.Empty<string>(), Array.Empty<string?>());
        }
    }

    /// <summary>Parses kallsyms lines: <c>address type name [module]</c>.</summary>
    public static KernelSymbols Parse(TextReader reader)
    {
        var entries = new List<(ulong Address, string Name, string? Module)>();
        // A kernel has some 100,000 symbols in a few hundred modules: each module's name is one string.
        var lookup = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        Span<Range> parts = stackalloc Range[5];
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            // The words of the line (address, type, name, [module]) without a string for each.
            ReadOnlySpan<char> text = line;
            int count = 0;
            for (int at = 0; at < text.Length && count < parts.Length;)
            {
                if (text[at] is ' ' or '\t')
                {
                    at++;
                    continue;
                }
                int end = at;
                while (end < text.Length && text[end] is not (' ' or '\t'))
                    end++;
                parts[count++] = at..end;
                at = end;
            }
            if (count < 3 || !ulong.TryParse(text[parts[0]], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address) || address == 0)
                continue;
            // Only code and data symbols; 'a'/'A' absolute symbols and others would shadow real ones.
            char type = char.ToLowerInvariant(text[parts[1]][0]);
            if (type is not ('t' or 'w' or 'd' or 'b' or 'r'))
                continue;
            string? module = null;
            if (count > 3)
            {
                ReadOnlySpan<char> name = text[parts[3]].Trim(['[', ']']);
                if (!lookup.TryGetValue(name, out module))
                    lookup[name] = module = name.ToString();
            }
            entries.Add((address, text[parts[2]].ToString(), module));
        }
        entries.Sort((a, b) => a.Address.CompareTo(b.Address));
        var addresses = new ulong[entries.Count];
        var names = new string[entries.Count];
        var modules = new string?[entries.Count];
        for (int i = 0; i < entries.Count; i++)
            (addresses[i], names[i], modules[i]) = entries[i];
        return new KernelSymbols(addresses, names, modules);
    }

    /// <summary>Finds the symbol containing <paramref name="address"/>: its name, the offset into it, its size (to the next symbol) and module.</summary>
    public bool TryLookup(ulong address, out string name, out ulong offset, out ulong size, out string? module)
    {
        name = "";
        offset = size = 0;
        module = null;
        // Traced code addresses repeat (the same drop site, the same caller): the last symbol
        // found is tried first, as its first index and the index after it in one 64-bit word.
        long last = Interlocked.Read(ref _last);
        int first = (int)(last >> 32), after = (int)last;
        if (after > first && address >= _addresses[first] && address < _addresses[after])
        {
            name = _names[first];
            offset = address - _addresses[first];
            size = _addresses[after] - _addresses[first];
            module = _modules[first];
            return true;
        }
        int index = Array.BinarySearch(_addresses, address);
        if (index < 0)
            index = ~index - 1;
        if (index < 0)
            return false;
        // Several symbols can share an address; the kernel reports the first of them.
        while (index > 0 && _addresses[index - 1] == _addresses[index])
            index--;
        int next = index + 1;
        while (next < _addresses.Length && _addresses[next] == _addresses[index])
            next++;
        // The last symbol of the kernel image or of a module does not reach the next one: between
        // them is no code (the kernel prints such an address as a number, and so does this).
        if (next >= _addresses.Length || _modules[next] != _modules[index])
            return false;
        name = _names[index];
        offset = address - _addresses[index];
        size = _addresses[next] - _addresses[index];
        module = _modules[index];
        Interlocked.Exchange(ref _last, (long)index << 32 | (uint)next);
        return true;
    }

    /// <summary>
    /// The text <c>%pS</c> (<paramref name="withOffset"/>: <c>symbol+0xoff/0xsize [module]</c>) or
    /// <c>%ps</c> (<c>symbol [module]</c>) prints for <paramref name="address"/>; <c>0x...</c> when no
    /// symbol holds it. Kept for the recently printed addresses; safe to call from any thread.
    /// </summary>
    internal string Text(ulong address, bool withOffset)
    {
        ulong hash = address ^ address >> 8 ^ address >> 16;
        int slot = (int)(hash & (TextCacheSize - 1));
        // Entries are immutable and a reference is read whole, so a race shows an old entry or a new one, never a mix.
        SymbolText? cached = _texts[slot];
        if (cached is not null && cached.Address == address && cached.WithOffset == withOffset)
            return cached.Text;
        string text = FormatText(address, withOffset);
        _texts[slot] = new SymbolText(address, withOffset, text);
        return text;
    }

    private string FormatText(ulong address, bool withOffset)
    {
        if (!TryLookup(address, out string name, out ulong offset, out ulong size, out string? module))
            return "0x" + address.ToString("x", CultureInfo.InvariantCulture);
        string text = withOffset ? string.Create(CultureInfo.InvariantCulture, $"{name}+0x{offset:x}/0x{size:x}") : name;
        return module is null ? text : text + " [" + module + "]";
    }

    private sealed class SymbolText(ulong address, bool withOffset, string text)
    {
        public ulong Address { get; } = address;

        public bool WithOffset { get; } = withOffset;

        public string Text { get; } = text;
    }

    private sealed class Scope(KernelSymbols? previous) : IDisposable
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
