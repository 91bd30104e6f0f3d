using TpGen;

namespace DropWatch;

/// <summary>Every packet the kernel drops (kfree_skb, with its reason) or frees after use (consume_skb).</summary>
[Tracepoint("skb", "kfree_skb")]
[Tracepoint("skb", "consume_skb")]
public partial class SkbDrops;

/// <summary>Dropped packets with the packet each one was (addresses, ports, protocol), for <c>--by-flow</c>.</summary>
[Tracepoint("skb", "kfree_skb", Packet = true)]
public partial class FlowDrops;
