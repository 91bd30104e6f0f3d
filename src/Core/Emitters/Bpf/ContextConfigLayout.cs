using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace TpGen.Emitters.Bpf;

/// <summary>
/// The context part of the BPF configuration, <c>struct tpgen_context</c> (bpf/templates/
/// context.types.bpf.c), the last member of <c>tpgen_config</c>: how each event's handler
/// captures user strings, kernel struct members and packets, and, for a tp_btf event, how many
/// bytes of arguments it copies. The runtime finds where it starts in the object's own BTF (the
/// member <see cref="MemberName"/> of <c>tpgen_config</c>) and fills it through these methods.
/// </summary>
/// <remarks>
/// Layout (little-endian, C's natural alignment, 4-byte aligned):
/// <code>
/// 0   u32 string_bytes        each user string's bound, NUL included
/// 4   u32 packet_bytes        bytes of each packet copied from its network header
/// 8   events[EventCount]      EventSize bytes each:
///       0  u16 size, u16 status, u16 arguments, u8 string_count, u8 member_count,
///       8  u16 packet_head, u16 packet_network, u16 packet_data, u16 packet_dest,
///       16 strings[MaxStrings]   u16 root, u16 dest
///       32 members[MaxMembers]   u16 root, u16 dest, u8 hops, u8 size, u16 offset[MaxHops + 1]
/// </code>
/// </remarks>
public static class ContextConfigLayout
{
    /// <summary>The name of the context member of <c>tpgen_config</c>.</summary>
    public const string MemberName = "context";

    /// <summary>The user strings one event's handler reads at most.</summary>
    public const int MaxStrings = 4;

    /// <summary>The kernel struct members one event's handler reads at most (a packet takes nine).</summary>
    public const int MaxMembers = 16;

    /// <summary>The pointers a member's path follows at most after its root.</summary>
    public const int MaxHops = 4;

    /// <summary>The bytes of one member entry.</summary>
    public const int MemberSize = 6 + 2 * (MaxHops + 1);

    /// <summary>The bytes of one event entry.</summary>
    public const int EventSize = 16 + 4 * MaxStrings + MemberSize * MaxMembers;

    /// <summary>The configuration's flag (in <c>tpgen_config.flags</c>): each record carries the task's cgroup id (8 bytes) after the command name.</summary>
    public const uint CaptureCgroupFlag = 2;

    /// <summary>The status word's bit for user string <paramref name="index"/> read.</summary>
    public static uint StringRead(int index) => 1u << (16 + index);

    /// <summary>The status word's bit for user string <paramref name="index"/> cut at the bound.</summary>
    public static uint StringCut(int index) => 1u << (20 + index);

    /// <summary>The status word's bit for a packet's bytes read.</summary>
    public const uint PacketRead = 1u << 24;

    /// <summary>The size of <c>struct tpgen_context</c> for <paramref name="events"/> events.</summary>
    public static int Size(int events) => 8 + EventSize * events;

    /// <summary>Where event <paramref name="index"/>'s entry starts, from the start of the context part.</summary>
    public static int EventOffset(int index) => 8 + EventSize * index;

    /// <summary>Writes the bounds every event shares.</summary>
    public static void WriteBounds(Span<byte> context, int stringBytes, int packetBytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(context, (uint)stringBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(context.Slice(4), (uint)packetBytes);
    }

    /// <summary>Writes one event's entry.</summary>
    /// <exception cref="ArgumentException">More strings or members than a handler reads, or a value that does not fit its field.</exception>
    public static void WriteEvent(Span<byte> entry, BpfEventContext context)
    {
        if (context.Strings.Count > MaxStrings)
            throw new ArgumentException($"an event's handler reads at most {MaxStrings} user strings, not {context.Strings.Count}", nameof(context));
        if (context.Members.Count > MaxMembers)
            throw new ArgumentException($"an event's handler reads at most {MaxMembers} kernel struct members, not {context.Members.Count}", nameof(context));
        entry = entry.Slice(0, EventSize);
        entry.Clear();
        Write16(entry, 0, context.Size);
        Write16(entry, 2, context.Status);
        Write16(entry, 4, context.Arguments);
        entry[6] = (byte)context.Strings.Count;
        entry[7] = (byte)context.Members.Count;
        Write16(entry, 8, context.PacketHead);
        Write16(entry, 10, context.PacketNetwork);
        Write16(entry, 12, context.PacketData);
        Write16(entry, 14, context.PacketDestination);
        for (int s = 0; s < context.Strings.Count; s++)
        {
            Write16(entry, 16 + 4 * s, context.Strings[s].Root);
            Write16(entry, 18 + 4 * s, context.Strings[s].Destination);
        }
        for (int m = 0; m < context.Members.Count; m++)
        {
            BpfMemberRead member = context.Members[m];
            if (member.Offsets.Count < 1 || member.Offsets.Count > MaxHops + 1)
                throw new ArgumentException($"a member is read through 0 to {MaxHops} pointers, not {member.Offsets.Count - 1}", nameof(context));
            if (member.Size is < 1 or > 255)
                throw new ArgumentException($"a member is 1 to 255 bytes, not {member.Size}", nameof(context));
            Span<byte> slot = entry.Slice(16 + 4 * MaxStrings + MemberSize * m, MemberSize);
            Write16(slot, 0, member.Root);
            Write16(slot, 2, member.Destination);
            slot[4] = (byte)(member.Offsets.Count - 1);
            slot[5] = (byte)member.Size;
            for (int h = 0; h < member.Offsets.Count; h++)
                Write16(slot, 6 + 2 * h, member.Offsets[h]);
        }
    }

    private static void Write16(Span<byte> entry, int at, int value)
    {
        if (value < 0 || value > ushort.MaxValue)
            throw new ArgumentException($"{value} does not fit the 16 bits of a context entry (a record or context larger than 64 KiB)");
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(at), (ushort)value);
    }
}

/// <summary>How one event's handler captures its context, as <c>struct tpgen_event_context</c> holds it. Offsets called destinations count from the end of the record header.</summary>
/// <param name="Size">Bytes of the event's context, after the process's.</param>
/// <param name="Status">Where the status word goes.</param>
/// <param name="Arguments">For a tp_btf event, bytes of arguments copied into the record; 0 for a tracepoint.</param>
/// <param name="Strings">The user strings.</param>
/// <param name="Members">The kernel struct members.</param>
/// <param name="PacketHead">Destination of <c>skb-&gt;head</c>, or 0 for no packet.</param>
/// <param name="PacketNetwork">Destination of <c>skb-&gt;network_header</c>.</param>
/// <param name="PacketData">Destination of <c>skb-&gt;data</c>.</param>
/// <param name="PacketDestination">Where the packet's bytes go.</param>
public sealed record BpfEventContext(
    int Size,
    int Status,
    int Arguments,
    IReadOnlyList<BpfUserStringRead> Strings,
    IReadOnlyList<BpfMemberRead> Members,
    int PacketHead = 0,
    int PacketNetwork = 0,
    int PacketData = 0,
    int PacketDestination = 0);

/// <summary>A user string: the pointer at <paramref name="Root"/> of the record, its text to <paramref name="Destination"/>.</summary>
public sealed record BpfUserStringRead(int Root, int Destination);

/// <summary>A kernel struct member: from the pointer at <paramref name="Root"/> of the program's context, through <paramref name="Offsets"/>, <paramref name="Size"/> bytes to <paramref name="Destination"/>.</summary>
public sealed record BpfMemberRead(int Root, int Destination, IReadOnlyList<int> Offsets, int Size);
