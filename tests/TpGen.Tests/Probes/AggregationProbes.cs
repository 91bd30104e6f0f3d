namespace TpGen.Tests.Probes;

/// <summary>Drops aggregated in the kernel, from the fixtures' description of kfree_skb.</summary>
[Tracepoint("skb", "kfree_skb")]
[Count("DropsByReason", By = "reason")]
[Count("DropsByReasonAndProtocol", By = "reason, protocol")]
[Count("DropsByStack", By = "kstack", MaxEntries = 256)]
[Count("Drops")]
[Sum("ProtocolSum", "protocol", By = "comm")]
[Max("LargestProtocol", "protocol")]
[Histogram("Protocols", "protocol", Min = 0, Max = 65536, Step = 4096)]
public partial class SkbAggregates;

/// <summary>A map that holds one key.</summary>
[Tracepoint("skb", "kfree_skb")]
[Count("ByProtocol", By = "protocol", MaxEntries = 1)]
public partial class TinyAggregate;

/// <summary>Time off the CPU: from a task's switch away to its wakeup, by the woken task's name.</summary>
[Tracepoint("sched", "sched_switch")]
[Tracepoint("sched", "sched_wakeup")]
[Latency("OffCpu", "sched:sched_switch", "sched:sched_wakeup", StartKey = "prev_pid", EndKey = "pid", By = "comm")]
public partial class OffCpuTime;
