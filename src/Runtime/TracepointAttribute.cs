using System;

namespace TpGen;

/// <summary>
/// Asks the TpGen generator for a tracepoint: put it on a <c>partial class</c>, once per event.
/// All the events on one class make one probe set: one BPF object, one ring buffer, one
/// <c>Attach()</c>. The generator adds a typed record per event, enums for the values the
/// kernel names, the BPF handlers, and the plumbing to load them.
/// </summary>
/// <example>
/// <code>
/// [Tracepoint("skb", "kfree_skb")]
/// [Tracepoint("skb", "consume_skb")]
/// public partial class SkbDrops;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TracepointAttribute : Attribute
{
    /// <summary>Names a tracepoint by system and event, as tracefs does (<c>events/skb/kfree_skb</c>).</summary>
    /// <param name="system">The event's system, e.g. <c>skb</c>.</param>
    /// <param name="name">The event's name, e.g. <c>kfree_skb</c>.</param>
    public TracepointAttribute(string system, string name)
    {
        System = system;
        Name = name;
    }

    /// <summary>The event's system, e.g. <c>skb</c>.</summary>
    public string System { get; }

    /// <summary>The event's name, e.g. <c>kfree_skb</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// Whether the probe set attaches without this event where the running kernel lacks it (an
    /// event some kernels of a fleet have and others do not). <c>Relocation</c> says where it did.
    /// Default false: a missing tracepoint is an attach error.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>
    /// A filter the kernel applies before a record is written, in <c>tpgen trace --filter</c>'s
    /// language: <c>"reason == NO_SOCKET &amp;&amp; protocol == 0x0800"</c>, <c>"comm ~ \"kworker*\""</c>,
    /// <c>"flags &amp; 0x4"</c>. Fields and names are resolved on the running kernel at attach, so a
    /// filter works on every kernel the build runs on. The build checks it against the event.
    /// </summary>
    public string? Filter { get; set; }

    /// <summary>
    /// The event's class, the <c>DECLARE_EVENT_CLASS</c> whose layout it shares, e.g.
    /// <c>block_rq</c> for <c>block:block_rq_issue</c>. Needed only when the build describes the
    /// event from BTF (no snapshot, no tracefs access): BTF has the layout of every class but does
    /// not say which class an event uses, and the build warns (TPGEN0105) when it cannot tell.
    /// Ignored for events described by a snapshot, tracefs or kernel headers.
    /// </summary>
    /// <example>
    /// <code>
    /// [Tracepoint("block", "block_rq_issue", Class = "block_rq")]
    /// </code>
    /// </example>
    public string? Class { get; set; }

    /// <summary>
    /// For a tp_btf event (system <c>tp_btf</c>, read through a BTF-typed program with its C
    /// arguments): kernel struct members to capture into each record, as paths from an argument,
    /// <c>"skb-&gt;len"</c>, <c>"skb-&gt;dev-&gt;ifindex"</c>, <c>"skb-&gt;sk-&gt;__sk_common.skc_family"</c>.
    /// Each becomes a property named after its path (<c>SkbDevIfindex</c>) typed by BTF, and is
    /// resolved by name against the running kernel's BTF at attach, so one build reads every kernel;
    /// a kernel whose types lack a member reads it as absent (<c>HasSkbDevIfindex</c> is false).
    /// </summary>
    /// <example>
    /// <code>
    /// [Tracepoint("tp_btf", "kfree_skb", Members = new[] { "skb->len", "skb->dev->ifindex" })]
    /// </code>
    /// </example>
    public string[]? Members { get; set; }

    /// <summary>
    /// Whether each record carries the packet of the event's sk_buff (an event with a
    /// <c>struct sk_buff *</c> argument, or a tracefs event with an <c>skbaddr</c> field): its IPv4 or
    /// IPv6 addresses, TCP/UDP ports, transport protocol, device, network namespace and first bytes,
    /// as the generated <c>Packet</c> property (a <see cref="Packets.PacketView"/>).
    /// </summary>
    public bool Packet { get; set; }
}
