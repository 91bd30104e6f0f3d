using System;
using System.Collections.Generic;
using TpGen.Formatting;
using TpGen.Relocation;
using TpGen.Schema;

namespace TpGen.Decoding;

/// <summary>
/// One field's named values, from the running kernel's numbers to the build's, by name: what
/// makes the running kernel's <c>NO_SOCKET</c> (2 on Debian's 6.1) read as the build's (3 on
/// 6.18). Values the build does not name keep their number.
/// </summary>
internal sealed class SymbolMap
{
    // Dense lookup for the small values most kernel enums have: index = kernel value, entry = build value + 1 (0: not named by the build).
    private const int DenseLimit = 4096;

    private readonly bool _isFlags;
    private readonly ulong[]? _dense;
    private readonly Dictionary<ulong, ulong>? _sparse;
    private readonly (ulong Kernel, ulong Built)[]? _masks;

    public SymbolMap(SymbolTranslation translation)
    {
        _isFlags = translation.IsFlags;
        if (_isFlags)
        {
            var masks = new List<(ulong, ulong)>();
            foreach (KnownSymbol symbol in translation.Known)
            {
                if (symbol.KernelValue != 0)
                    masks.Add((symbol.KernelValue, symbol.BuiltValue));
            }
            _masks = masks.ToArray();
            return;
        }
        ulong largest = 0;
        foreach (KnownSymbol symbol in translation.Known)
            largest = Math.Max(largest, symbol.KernelValue);
        if (largest < DenseLimit)
        {
            _dense = new ulong[largest + 1];
            foreach (KnownSymbol symbol in translation.Known)
                _dense[symbol.KernelValue] = symbol.BuiltValue + 1;
        }
        else
        {
            _sparse = new Dictionary<ulong, ulong>();
            foreach (KnownSymbol symbol in translation.Known)
                _sparse[symbol.KernelValue] = symbol.BuiltValue;
        }
    }

    /// <summary>The build's value for a running kernel's value: translated where the build names it, else unchanged.</summary>
    public ulong Translate(ulong kernelValue)
    {
        if (_isFlags)
            return TranslateFlags(kernelValue);
        if (_dense is not null)
            return kernelValue < (ulong)_dense.Length && _dense[kernelValue] != 0 ? _dense[kernelValue] - 1 : kernelValue;
        return _sparse!.TryGetValue(kernelValue, out ulong built) ? built : kernelValue;
    }

    // Each mask the build names moves to the build's bits; bits the build does not name stay where they are.
    private ulong TranslateFlags(ulong kernelValue)
    {
        ulong result = 0, covered = 0;
        foreach ((ulong kernel, ulong built) in _masks!)
        {
            if ((kernelValue & kernel) == kernel)
            {
                result |= built;
                covered |= kernel;
            }
        }
        return result | (kernelValue & ~covered);
    }
}

/// <summary>The names one kernel's table gives a field's values: what that kernel's own text prints.</summary>
internal sealed class SymbolNames
{
    // Most tables name small values (enums): those are found by index, the rest by hash.
    private const int DenseLimit = 4096;

    private readonly Dictionary<ulong, string> _names = new();
    private readonly string?[] _dense;

    public SymbolNames(FieldSymbolTable table)
    {
        var flags = new List<FlagName>();
        ulong largest = 0;
        foreach (SymbolEntry entry in table.Entries)
        {
            // The kernel prints the first entry that matches.
            if (!_names.ContainsKey(entry.Value))
                _names[entry.Value] = entry.Name;
            flags.Add(new FlagName(entry.Value, entry.Name));
            if (entry.Value < DenseLimit)
                largest = Math.Max(largest, entry.Value + 1);
        }
        Flags = flags.ToArray();
        _dense = new string?[largest];
        foreach (KeyValuePair<ulong, string> name in _names)
        {
            if (name.Key < largest)
                _dense[name.Key] = name.Value;
        }
    }

    /// <summary>The table as flag names, in the kernel's order.</summary>
    public FlagName[] Flags { get; }

    /// <summary>The name of a value, or null.</summary>
    public string? NameOf(ulong value)
    {
        if (value < (ulong)_dense.Length)
            return _dense[value];
        return value >= DenseLimit && _names.TryGetValue(value, out string? name) ? name : null;
    }
}
