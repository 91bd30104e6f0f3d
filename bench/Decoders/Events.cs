using TpGen;

namespace Decoders;

/// <summary>A fixed-size event (kfree_skb, 40 bytes) and one with a __data_loc string (sched_process_exec).</summary>
[Tracepoint("skb", "kfree_skb")]
[Tracepoint("sched", "sched_process_exec")]
public partial class Events;
