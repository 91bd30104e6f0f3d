// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * TpGen probe set {{PROBE_SET}}: one handler per tracepoint, one shared ring buffer.
 * Generated from the kernel's own description of: {{EVENTS}}.
 *
 * Each record in the ring buffer is a struct tpgen_header followed by the tracepoint's raw
 * record, exactly as the running kernel laid it out (common fields first), and then a bounded
 * copy of its __data_loc payloads. Nothing here depends on one kernel's layout: sizes, offsets
 * and ids are set in tpgen_config at load. Self-contained: no kernel or libbpf headers needed.
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
#define __always_inline inline __attribute__((always_inline, unused))
#define __uint(name, value) int (*name)[value]
#define __type(name, type) type *name

#define BPF_MAP_TYPE_ARRAY 2
#define BPF_F_MMAPABLE (1U << 10)
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
static long (*bpf_probe_read_kernel_str)(void *destination, __u32 size, const void *source) = (void *)115;
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

/*
 * Counters the reader maps into its memory and reads without a system call (a lookup per poll
 * would itself fire tracepoints such as kmalloc and syscalls, and trace the tracer).
 * Index 0 counts records dropped because the ring buffer was full.
 */
#define TPGEN_DROPPED 0
#define TPGEN_COUNTERS 8
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, TPGEN_COUNTERS);
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, __u64);
} tpgen_counters SEC(".maps");

#define TPGEN_MAX_DYNAMIC 8           /* BpfConfigLayout.MaxDynamicFields */
#define TPGEN_RELATIVE 0x8000          /* a __rel_loc location word */
#define TPGEN_FIELD_SIGNED 1
#define TPGEN_FIELD_DYNAMIC 2
#define TPGEN_FIELD_RELATIVE 4
#define TPGEN_CAPTURE_COMMAND 1        /* the task's command name, 16 bytes after the header */

/* One event as the running kernel lays it out; the build fixes none of it. */
struct tpgen_event {
    __u32 record_size;                   /* reserved per record: the fixed part and the payload bound */
    __u16 fixed_size;                    /* the fixed part of the running kernel's record */
    __u16 id;                            /* the running kernel's event id, for common_type */
    __u16 payload_bound;                 /* at most this much dynamic payload is copied */
    __u16 dynamic_count;
    __u16 dynamic[TPGEN_MAX_DYNAMIC];    /* each dynamic field's location word offset, | TPGEN_RELATIVE */
};

/* A field a filter reads, where the running kernel puts it. */
struct tpgen_field {
    __u16 offset;
    __u16 size;
    __u8 flags;
    __u8 reserved[3];
};

{{AGGREGATION_DECLARATIONS}}
{{CONTEXT_TYPES}}
/*
 * Set by the runtime before loading, then frozen (read-only to the programs, so the verifier
 * treats every value as a constant): one object for every kernel. TpGen.Emitters.Bpf.
 * BpfConfigLayout describes this layout for the runtime; it is the only .rodata variable.
 */
const volatile struct {
    __u64 wakeup_bytes;                  /* 0: wake the reader for every record */
    __u32 exclude_tgid;                  /* this process's events are not recorded (the reader's own); 0: none */
    __u32 flags;                         /* TPGEN_CAPTURE_*: what each record carries after its header */
    struct tpgen_event events[{{EVENT_COUNT}}];
    struct tpgen_field fields[{{FIELD_SLOTS}}];
    __u64 constants[{{CONSTANT_SLOTS}}];  /* the running kernel's values of the names filters use */
    __u8 valid[{{CONSTANT_SLOTS}}];       /* whether the running kernel has each name */
    struct tpgen_aggregation_config aggregation; /* in-kernel aggregation: bpf/templates/aggregation.bpf.c */
    struct tpgen_context context;        /* what records carry besides the tracepoint's fields (context section) */
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
        __sync_fetch_and_add(value, 1);
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

/* Whether this event comes from the process reading the ring buffer: tracing it would trace itself. */
static __always_inline int tpgen_excluded(__u64 pid_tgid)
{
    return tpgen_config.exclude_tgid != 0 && (__u32)(pid_tgid >> 32) == tpgen_config.exclude_tgid;
}

/*
 * A filter's field, read where the running kernel puts it, sign-extended where it is signed.
 * The first 8 bytes of the context are not the record (the pid comes from a helper instead).
 */
static __always_inline __u64 tpgen_field(void *ctx, const int slot)
{
    __u64 value = 0;
    __u64 size = tpgen_config.fields[slot].size;
    bpf_probe_read_kernel(&value, size, (__u8 *)ctx + tpgen_config.fields[slot].offset);
    if (tpgen_config.fields[slot].flags & TPGEN_FIELD_SIGNED) {
        __u64 shift = 64 - 8 * size;
        value = (__u64)((__s64)(value << shift) >> shift);
    }
    return value;
}

/*
 * A filter's string field, copied onto the stack: up to size - 1 bytes and a NUL. Returns its
 * length, or -1 when it cannot be read.
 */
static __always_inline int tpgen_string(void *ctx, const int slot, __u8 *buffer, const __u32 size)
{
    __u32 offset = tpgen_config.fields[slot].offset;
    __u32 length = tpgen_config.fields[slot].size;
    if (tpgen_config.fields[slot].flags & TPGEN_FIELD_DYNAMIC) {
        __u32 location = 0;
        if (bpf_probe_read_kernel(&location, 4, (__u8 *)ctx + offset))
            return -1;
        offset = (location & 0xffff) + ((tpgen_config.fields[slot].flags & TPGEN_FIELD_RELATIVE) ? offset + 4 : 0);
        length = location >> 16;
    }
    if (length > size)
        length = size;
    tpgen_bounded(length);
    long copied = bpf_probe_read_kernel_str(buffer, length, (__u8 *)ctx + offset);
    return copied > 0 ? (int)copied - 1 : -1;
}

/*
 * The current task's command name (a filter's `comm`), copied as tpgen_string copies a field:
 * up to size - 1 bytes and a NUL. Returns its length, or -1 when it cannot be read.
 */
static __always_inline int tpgen_comm(__u8 *buffer, const __u32 size)
{
    __u8 comm[16] = {};
    if (bpf_get_current_comm(comm, sizeof(comm)))
        return -1;
    __u32 bound = size < 16 ? size : 16;
    long copied = bpf_probe_read_kernel_str(buffer, bound, comm);
    return copied > 0 ? (int)copied - 1 : -1;
}

/*
 * The first 8 bytes of a tracepoint program's context hold the kernel's pt_regs pointer, not
 * the common fields, and the verifier forbids reading them: the handler rebuilds them.
 */
static __always_inline void tpgen_common_fields(__u8 *record, __u16 id, __u64 pid_tgid)
{
    *(__u16 *)&record[0] = id;
    record[2] = 0; /* common_flags: no helper exposes the irq flags */
    record[3] = 0; /* common_preempt_count: likewise */
    *(__s32 *)&record[4] = (__s32)pid_tgid;
}

{{CONTEXT_CODE}}
/*
 * Writes event `index`'s record into the ring buffer as the running kernel laid it out: the
 * fixed part, then the dynamic payloads up to where the last one ends, bounded. Every size and
 * offset comes from tpgen_config, so the same code fits every kernel's layout. One copy for all
 * handlers: the verifier follows each call with the caller's constant index, so it still sees
 * every size as a constant.
 */
static __attribute__((noinline)) int tpgen_emit(void *ctx, const int index, __u64 pid_tgid)
{
    __u64 context = tpgen_context_size(index);
    __u64 reserve = sizeof(struct tpgen_header) + context + tpgen_config.events[index].record_size;
    struct tpgen_header *out = bpf_ringbuf_reserve(&tpgen_events, reserve, 0);
    if (!out) {
        tpgen_count(TPGEN_DROPPED);
        return 0;
    }
    __u8 *record = (__u8 *)(out + 1) + context;
    __u64 fixed = tpgen_config.events[index].fixed_size;
    out->timestamp_ns = bpf_ktime_get_ns();
    out->cpu = bpf_get_smp_processor_id();
    out->event_index = index;
    out->flags = 0;
    out->tgid = pid_tgid >> 32;
    if (!tpgen_copy_arguments(ctx, index, record))
        bpf_probe_read_kernel(record + 8, fixed - 8, (__u8 *)ctx + 8);
    tpgen_common_fields(record, tpgen_config.events[index].id, pid_tgid);

    __u64 end = fixed;
#pragma unroll
    for (int i = 0; i < TPGEN_MAX_DYNAMIC; i++) {
        if (i >= tpgen_config.events[index].dynamic_count)
            break;
        __u16 where = tpgen_config.events[index].dynamic[i];
        __u32 location = *(__u32 *)(record + (where & ~TPGEN_RELATIVE));
        __u64 payload_end = (location & 0xffff) + (location >> 16) +
            ((where & TPGEN_RELATIVE) ? (where & ~TPGEN_RELATIVE) + 4 : 0);
        if (payload_end > end)
            end = payload_end;
    }
    __u64 size = end - fixed;
    __u64 bound = tpgen_config.events[index].payload_bound;
    if (size > bound) {
        size = bound;
        out->flags = TPGEN_TRUNCATED;
    }
    tpgen_bounded(size);
    if (size > 0)
        bpf_probe_read_kernel(record + fixed, size, (__u8 *)ctx + fixed);
    out->record_size = fixed + size;
    tpgen_context(ctx, index, (__u8 *)(out + 1));
    bpf_ringbuf_submit(out, tpgen_wakeup());
    return 0;
}

{{AGGREGATION_FUNCTIONS}}
{{HANDLERS}}
char LICENSE[] SEC("license") = "Dual MIT/GPL";
