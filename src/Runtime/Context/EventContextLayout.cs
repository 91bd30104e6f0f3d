using System;
using System.Collections.Generic;

namespace TpGen.Context;

/// <summary>
/// Where one event's context is in the bytes between a record's header and the record, as the
/// handler was configured for the running kernel when the probe set attached: the process's
/// command name and cgroup id, the user-space strings, the packet, and which kernel struct
/// members were read. <see cref="RecordContext"/> reads through it.
/// </summary>
public sealed class EventContextLayout
{
    private readonly ContextString[] _strings;
    private readonly Dictionary<string, int> _memberBits;

    internal EventContextLayout(int size, int commandOffset, int cgroupIdOffset, int statusOffset, ContextString[] strings, int packetOffset, int packetBytes, int[]? packetBits, Dictionary<string, int> memberBits)
    {
        PacketBits = packetBits;
        Size = size;
        CommandOffset = commandOffset;
        CgroupIdOffset = cgroupIdOffset;
        StatusOffset = statusOffset;
        _strings = strings;
        PacketOffset = packetOffset;
        PacketBytes = packetBytes;
        _memberBits = memberBits;
    }

    /// <summary>An event that carries no context.</summary>
    public static EventContextLayout None { get; } = new(0, -1, -1, -1, Array.Empty<ContextString>(), -1, 0, null, new Dictionary<string, int>());

    /// <summary>The bytes between the header and the record.</summary>
    public int Size { get; }

    /// <summary>Where the command name (16 bytes) is, or -1 when the probe set did not ask for it.</summary>
    public int CommandOffset { get; }

    /// <summary>Where the cgroup id (8 bytes) is, or -1 when the probe set did not ask for it.</summary>
    public int CgroupIdOffset { get; }

    /// <summary>Where the status word is (which strings, members and packet bytes were read), or -1.</summary>
    public int StatusOffset { get; }

    /// <summary>The user-space strings, in the build's order of the fields that point to them.</summary>
    public IReadOnlyList<ContextString> Strings => _strings;

    /// <summary>Where the packet block is, or -1 when the event captures no packet.</summary>
    public int PacketOffset { get; }

    /// <summary>How many bytes of each packet, from its network header, the block holds.</summary>
    public int PacketBytes { get; }

    /// <summary>Per <see cref="TpGen.Context.PacketValue"/>: each packet value's status bit, or -1 where this kernel has no such member.</summary>
    internal int[]? PacketBits { get; }

    /// <summary>The record fields (of a tp_btf event) that hold captured struct members, and their status bits.</summary>
    public IReadOnlyCollection<string> MemberFields => _memberBits.Keys;

    /// <summary>The string of build index <paramref name="index"/>, or null where this kernel's event has no such field.</summary>
    internal ContextString? String(int index) => (uint)index < (uint)_strings.Length && _strings[index].Offset >= 0 ? _strings[index] : null;

    /// <summary>The string that the record field <paramref name="field"/> points to, or null.</summary>
    internal ContextString? String(string field)
    {
        foreach (ContextString candidate in _strings)
        {
            if (candidate.Field == field && candidate.Offset >= 0)
                return candidate;
        }
        return null;
    }

    /// <summary>The status bit of the captured member in record field <paramref name="field"/>, or -1.</summary>
    internal int MemberBit(string field) => _memberBits.TryGetValue(field, out int bit) ? bit : -1;
}

/// <summary>Where a user-space string is in a record's context.</summary>
/// <param name="Field">The record field that points to it, e.g. <c>filename</c>.</param>
/// <param name="Index">Its position among the event's strings (the handler's status bits).</param>
/// <param name="Offset">Where its bytes are, or -1 when the running kernel's event has no such field.</param>
/// <param name="Bound">The bytes it has at most, NUL included.</param>
public sealed record ContextString(string Field, int Index, int Offset, int Bound);
