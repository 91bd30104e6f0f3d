using TpGen;

namespace DropWatch;

/// <summary>Every packet the kernel drops (kfree_skb, with its reason) or frees after use (consume_skb).</summary>
[Tracepoint("skb", "kfree_skb")]
[Tracepoint("skb", "consume_skb")]
public partial class SkbDrops;
