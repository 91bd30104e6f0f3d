using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Kernel;

namespace TpGen.Aggregations;

/// <summary>
/// A kernel stack an aggregation keyed by: its return addresses, innermost first, each named from
/// kallsyms (<c>__udp4_lib_rcv+0x5a1</c>). Two stacks are equal when their addresses are.
/// </summary>
public sealed class KernelStack : IEquatable<KernelStack>
{
    private readonly ulong[] _addresses;
    private readonly string[] _frames;

    internal KernelStack(long id, ulong[] addresses, string[] frames)
    {
        Id = id;
        _addresses = addresses;
        _frames = frames;
    }

    /// <summary>The stack's id in the kernel's stack map; negative when the kernel could not store it (then it has no frames).</summary>
    public long Id { get; }

    /// <summary>Whether the kernel stored the stack (else it was counted as lost: the stack map was full).</summary>
    public bool IsAvailable => Id >= 0;

    /// <summary>The return addresses, innermost first.</summary>
    public IReadOnlyList<ulong> Addresses => _addresses;

    /// <summary>Each address as <c>function+0xoffset</c> (or the address in hex where kallsyms has no name for it).</summary>
    public IReadOnlyList<string> Frames => _frames;

    /// <summary>The frames joined by <c>;</c>, outermost first: the folded form flame graph tools read.</summary>
    public string Folded
    {
        get
        {
            var text = new StringBuilder();
            for (int i = _frames.Length - 1; i >= 0; i--)
            {
                if (text.Length > 0)
                    text.Append(';');
                string frame = _frames[i];
                int plus = frame.IndexOf('+');
                text.Append(plus > 0 ? frame.Substring(0, plus) : frame);
            }
            return IsAvailable ? text.ToString() : "[stack lost]";
        }
    }

    /// <summary>The frames, one a line, innermost first, as bpftrace prints a <c>kstack</c>.</summary>
    public override string ToString()
    {
        if (!IsAvailable)
            return "[stack lost: the stack map was full]";
        var text = new StringBuilder();
        foreach (string frame in _frames)
            text.Append('\n').Append("        ").Append(frame);
        return text.Append('\n').ToString();
    }

    /// <inheritdoc/>
    public bool Equals(KernelStack? other) => other is not null && Id < 0 == other.Id < 0 && _addresses.AsSpan().SequenceEqual(other._addresses);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as KernelStack);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ulong address in _addresses)
            hash.Add(address);
        return hash.ToHashCode();
    }

    internal static KernelStack Lost(long id) => new(id, Array.Empty<ulong>(), Array.Empty<string>());

    internal static KernelStack Symbolize(long id, ReadOnlySpan<ulong> addresses, KernelSymbols symbols)
    {
        int depth = 0;
        while (depth < addresses.Length && addresses[depth] != 0)
            depth++;
        var kept = addresses.Slice(0, depth).ToArray();
        var frames = new string[depth];
        for (int i = 0; i < depth; i++)
        {
            frames[i] = symbols.TryLookup(kept[i], out string name, out ulong offset, out _, out string? module)
                ? name + "+0x" + offset.ToString("x", CultureInfo.InvariantCulture) + (module is null ? "" : " [" + module + "]")
                : "0x" + kept[i].ToString("x", CultureInfo.InvariantCulture);
        }
        return new KernelStack(id, kept, frames);
    }
}
