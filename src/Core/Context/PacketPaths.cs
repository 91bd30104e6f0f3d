using System;
using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Context;

/// <summary>
/// What a packet capture reads from an event's <c>struct sk_buff</c>, as member paths that are
/// resolved against the running kernel's BTF at attach (so the same handler reads every kernel's
/// layout), and how an event's skb is found.
/// </summary>
/// <remarks>
/// An event is about a packet when it has a <c>struct sk_buff *</c> argument (tp_btf events,
/// typed by BTF) or, for tracefs events, whose record types no pointers, a pointer field named
/// <c>skbaddr</c>, the name the kernel's networking events (<c>skb</c>, <c>net</c>, <c>qdisc</c>,
/// ...) give the sk_buff they are about.
/// </remarks>
public static class PacketPaths
{
    /// <summary>The struct a packet capture starts from.</summary>
    public const string SkbStruct = "sk_buff";

    /// <summary>The tracefs field that holds an event's sk_buff.</summary>
    public const string SkbField = "skbaddr";

    /// <summary>The members a packet capture reads, in the order of its block (see <see cref="PacketMember"/>).</summary>
    public static IReadOnlyList<PacketMember> Members { get; } = new[]
    {
        new PacketMember(PacketValue.Head, "skb->head", 8),
        new PacketMember(PacketValue.Data, "skb->data", 8),
        new PacketMember(PacketValue.NetworkNamespace, "skb->dev->nd_net.net->ns.inum", 4),
        new PacketMember(PacketValue.SocketNetworkNamespace, "skb->sk->__sk_common.skc_net.net->ns.inum", 4),
        new PacketMember(PacketValue.Length, "skb->len", 4),
        new PacketMember(PacketValue.InterfaceIndex, "skb->dev->ifindex", 4),
        new PacketMember(PacketValue.NetworkHeader, "skb->network_header", 2),
        new PacketMember(PacketValue.Protocol, "skb->protocol", 2),
        new PacketMember(PacketValue.DeviceName, "skb->dev->name", 16),
    };

    /// <summary>The field of <paramref name="schema"/> that holds the sk_buff the event is about, or null when it is not about a packet.</summary>
    public static FieldSpec? FindSkb(TracepointSchema schema)
    {
        if (schema is null)
            throw new ArgumentNullException(nameof(schema));
        foreach (FieldSpec field in schema.Fields)
        {
            if (!field.IsCommon && field.Kind == FieldKind.Pointer && field.Type.PointerDepth == 1 && field.Type.BaseType == "struct " + SkbStruct)
                return field;
        }
        FieldSpec? named = schema.FindField(SkbField);
        return named is { Kind: FieldKind.Pointer, Size: 8 } ? named : null;
    }
}

/// <summary>What each member of a packet capture is.</summary>
public enum PacketValue
{
    /// <summary><c>skb-&gt;head</c>: where the buffer starts.</summary>
    Head,

    /// <summary><c>skb-&gt;data</c>: where the data starts now (read from when no network header is set).</summary>
    Data,

    /// <summary>The device's network namespace's inode number (as <c>/proc/PID/ns/net</c> shows it).</summary>
    NetworkNamespace,

    /// <summary>The socket's network namespace's inode number, for a packet without a device.</summary>
    SocketNetworkNamespace,

    /// <summary><c>skb-&gt;len</c>.</summary>
    Length,

    /// <summary>The device's interface index.</summary>
    InterfaceIndex,

    /// <summary><c>skb-&gt;network_header</c>: the network header's offset from <c>head</c>.</summary>
    NetworkHeader,

    /// <summary><c>skb-&gt;protocol</c>: the ethertype, big-endian.</summary>
    Protocol,

    /// <summary>The device's name.</summary>
    DeviceName,
}

/// <summary>One member a packet capture reads.</summary>
/// <param name="Value">What it is.</param>
/// <param name="Path">Its path from the sk_buff.</param>
/// <param name="Size">The bytes the packet block gives it (the kernel's member is at most this).</param>
public sealed record PacketMember(PacketValue Value, string Path, int Size);
