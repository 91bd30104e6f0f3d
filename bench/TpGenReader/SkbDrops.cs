using TpGen;

namespace TpGenReader;

/// <summary>The benchmark's one event: every packet the kernel drops.</summary>
[Tracepoint("skb", "kfree_skb")]
public partial class SkbDrops;
