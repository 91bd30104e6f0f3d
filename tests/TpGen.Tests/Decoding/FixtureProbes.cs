namespace TpGen.Tests.Decoding;

// Probe sets over the fixture formats: the generator runs on this project as it runs on a user's.

[Tracepoint("skb", "kfree_skb")]
[Tracepoint("skb", "consume_skb")]
public partial class SkbProbes;

[Tracepoint("sched", "sched_switch")]
[Tracepoint("sched", "sched_process_exec")]
[Tracepoint("sched", "sched_wakeup")]
public partial class SchedProbes;

[Tracepoint("irq", "irq_handler_entry")]
[Tracepoint("net", "netif_receive_skb")]
[Tracepoint("sock", "inet_sock_set_state")]
[Tracepoint("tcp", "tcp_retransmit_skb")]
[Tracepoint("neigh", "neigh_cleanup_and_release")]
public partial class NetProbes;

[Tracepoint("syscalls", "sys_enter_openat")]
[Tracepoint("kmem", "kmalloc")]
[Tracepoint("timer", "timer_start")]
[Tracepoint("ipi", "ipi_send_cpumask")]
[Tracepoint("dma", "dma_map_sg")]
[Tracepoint("btrfs", "btrfs_flush_space")]
[Tracepoint("block", "block_rq_issue")]
[Tracepoint("signal", "signal_generate")]
[Tracepoint("xdp", "xdp_exception")]
[Tracepoint("rcu", "rcu_utilization")]
[Tracepoint("ext4", "ext4_fc_stats")]
public partial class MiscProbes;

/// <summary>kfree_skb alone: its kernel drop counter then counts only kfree_skb records.</summary>
[Tracepoint("skb", "kfree_skb")]
public partial class KfreeSkbOnly;

/// <summary>Events whose text reads lengths and bitmaps from the record itself: targets for hostile records.</summary>
[Tracepoint("ras", "non_standard_event")]
[Tracepoint("kvm", "kvm_emulate_insn")]
[Tracepoint("sched", "sched_skip_cpuset_numa")]
[Tracepoint("bridge", "br_mdb_full")]
[Tracepoint("fib", "fib_table_lookup")]
[Tracepoint("tcp", "tcp_probe")]
[Tracepoint("ftrace", "print")]
public partial class LengthProbes;
