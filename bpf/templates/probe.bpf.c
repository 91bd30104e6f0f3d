// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * TpGen probe set {{PROBE_SET}}: one handler per tracepoint, one shared ring buffer.
 * Generated from the kernel's own description of: {{EVENTS}}.
 *
 * Each record in the ring buffer is a struct tpgen_header followed by the tracepoint's raw
 * record, exactly as the kernel laid it out (common fields first), and then a bounded copy of
 * its __data_loc payloads. Self-contained: no kernel or libbpf headers are needed to build it.
 */

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))
#define __uint(name, value) int (*name)[value]
#define __type(name, type) type *name

#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_RB_NO_WAKEUP 1
#define BPF_RB_FORCE_WAKEUP 2
#define BPF_RB_AVAIL_DATA 0

/* BPF helpers, by their stable numbers in the kernel's UAPI (include/uapi/linux/bpf.h). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static long (*bpf_get_current_comm)(void *buffer, __u32 size) = (void *)16;
static long (*bpf_probe_read_kernel)(void *destination, __u32 size, const void *source) = (void *)113;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static __u64 (*bpf_ringbuf_query)(void *ringbuf, __u64 flags) = (void *)134;

/* Mirrors TpGen.RecordHeader in the runtime. */
struct tpgen_header {
    __u64 timestamp_ns;
    __u32 cpu;
    __u16 event_index;
    __u16 flags;
    __u32 tgid;
    __u32 record_size;
};

#define TPGEN_TRUNCATED 1

/* The ring buffer's size is set by the runtime before loading (ProbeOptions.RingBufferSize). */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 22);
} tpgen_events SEC(".maps");

/* Per-CPU counters; index 0 counts records dropped because the ring buffer was full. */
#define TPGEN_DROPPED 0
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tpgen_counters SEC(".maps");

/*
 * Set by the runtime before loading, then frozen (read-only to the program, so the verifier
 * treats them as constants): the running kernel's event ids, for common_type, and the wakeup
 * threshold. The struct is the only .rodata variable, so it lives at offset 0.
 */
const volatile struct {
    __u64 wakeup_bytes;   /* 0: wake the reader for every record */
    __u16 event_ids[{{EVENT_COUNT}}];
} tpgen_config = {};

/*
 * Keeps the compiler from using a copy of a size from before it was clamped: the verifier
 * checks the register that is passed, and only the clamped one is provably in bounds.
 */
#define tpgen_bounded(value) asm volatile("" : "+r"(value))

static __always_inline void tpgen_count(__u32 counter)
{
    __u64 *value = bpf_map_lookup_elem(&tpgen_counters, &counter);
    if (value)
        *value += 1;
}

/*
 * A wakeup per record costs the traced workload more than the tracing itself; waking the
 * reader only when enough data waits (it polls with a short timeout meanwhile) is much cheaper.
 */
static __always_inline __u64 tpgen_wakeup(void)
{
    if (tpgen_config.wakeup_bytes == 0)
        return 0;
    return bpf_ringbuf_query(&tpgen_events, BPF_RB_AVAIL_DATA) >= tpgen_config.wakeup_bytes
        ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/*
 * The first 8 bytes of a tracepoint program's context hold the kernel's pt_regs pointer, not
 * the common fields, and the verifier forbids reading them: the handler rebuilds them.
 */
static __always_inline void tpgen_common_fields(__u8 *record, __u16 event_index, __u64 pid_tgid)
{
    *(__u16 *)&record[0] = tpgen_config.event_ids[event_index];
    record[2] = 0; /* common_flags: no helper exposes the irq flags */
    record[3] = 0; /* common_preempt_count: likewise */
    *(__s32 *)&record[4] = (__s32)pid_tgid;
}

{{HANDLERS}}
char LICENSE[] SEC("license") = "Dual MIT/GPL";
