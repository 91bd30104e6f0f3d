// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * TpGen probe set (any probe set without filters): one handler per tracepoint, one shared ring buffer.
 * Generated from the kernel's own description of: any 64 events, each named at load.
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

/*
 * Aggregation in the kernel: counts, sums, minimums, maximums and histograms by key, and
 * latencies between two events matched by a key, kept in bounded maps that user space reads as
 * snapshots. Nothing per event reaches user space. Generic: which events feed which aggregation,
 * the key parts each reads and where the running kernel puts them are all in
 * tpgen_config.aggregation (TpGen.Emitters.Bpf.AggregationConfigLayout), so this code runs in the
 * object every probe set without filters shares. Names here start with tpgen_agg.
 *
 * The emitter puts the part before the TPGEN:AGGREGATION-FUNCTIONS line ahead of tpgen_config and
 * the rest ahead of the handlers.
 */

#define TPGEN_AGG_MAX 8                 /* AggregationPlan.MaxAggregations: one map each */
#define TPGEN_AGG_INPUTS 8              /* AggregationPlan.InputsPerEvent */
#define TPGEN_AGG_PARTS 4               /* AggregationPlan.PartsPerKey */
#define TPGEN_AGG_KEY_BYTES 64          /* AggregationPlan.MaxKeyBytes */
#define TPGEN_AGG_MAX_SLOTS 514         /* AggregationConfigLayout.MaxValueSlots: count, sum, buckets */
#define TPGEN_AGG_STACK_DEPTH 127       /* frames per kernel stack (PERF_MAX_STACK_DEPTH) */

/* What an input of an event does. */
#define TPGEN_AGG_ROLE_NONE 0
#define TPGEN_AGG_ROLE_UPDATE 1         /* adds the event to its aggregation under its key */
#define TPGEN_AGG_ROLE_START 2          /* latency: remembers when the event happened, under its key */
#define TPGEN_AGG_ROLE_STOP 3           /* latency: takes the start remembered under its key; the value of the inputs after it */

/* What an aggregation keeps per key: slot 0 counts events; slot 1 and the buckets from slot 2 by kind. */
#define TPGEN_AGG_COUNT 1
#define TPGEN_AGG_SUM 2
#define TPGEN_AGG_MIN 3
#define TPGEN_AGG_MAX_VALUE 4
#define TPGEN_AGG_LOG2 5                /* bucket 0: < 0, 1: 0, 2 + n: [2^n, 2^(n+1)) */
#define TPGEN_AGG_LINEAR 6              /* bucket 0: < min, 1 + n: [min + n step, min + (n + 1) step), last: >= max */

/* Where a key part or a value comes from. Numbers take 8 bytes of the key, strings their bound. */
#define TPGEN_AGG_FROM_FIELD 1          /* a number in the record (sign-extended where signed) */
#define TPGEN_AGG_FROM_STRING 2         /* a char array or __data_loc string in the record */
#define TPGEN_AGG_FROM_COMM 3           /* the current task's command name (16 bytes) */
#define TPGEN_AGG_FROM_PID 4            /* the current process id (tgid) */
#define TPGEN_AGG_FROM_TID 5            /* the current thread id */
#define TPGEN_AGG_FROM_CGROUP 6         /* the current task's cgroup v2 id */
#define TPGEN_AGG_FROM_CPU 7
#define TPGEN_AGG_FROM_KSTACK 8         /* the kernel stack's id in tpgen_agg_stacks (< 0: not stored) */
#define TPGEN_AGG_FROM_EVENT 9          /* the event's index in the probe set */
#define TPGEN_AGG_FROM_LATENCY 10       /* value only: nanoseconds since the matching start */

/* Counters in tpgen_agg_counters. */
#define TPGEN_AGG_KEYS_LOST(j) (2 * (j))        /* updates of aggregation j whose key did not fit its map */
#define TPGEN_AGG_STARTS_LOST(j) (2 * (j) + 1)  /* latency starts of aggregation j that did not fit */
#define TPGEN_AGG_STACKS_LOST (2 * TPGEN_AGG_MAX)
#define TPGEN_AGG_COUNTERS (2 * TPGEN_AGG_MAX + 1)

#define TPGEN_AGG_HASH 1
#define TPGEN_AGG_ARRAY 2
#define TPGEN_AGG_PERCPU_HASH 5
#define TPGEN_AGG_PERCPU_ARRAY 6
#define TPGEN_AGG_STACK_TRACE 7
#define TPGEN_AGG_NOEXIST 1
#define TPGEN_AGG_EEXIST 17

static long (*tpgen_agg_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*tpgen_agg_delete_elem)(void *map, const void *key) = (void *)3;
static long (*tpgen_agg_get_stackid)(void *ctx, void *map, __u64 flags) = (void *)27;
static __u64 (*tpgen_agg_get_cgroup_id)(void) = (void *)80;

/* A key part or a value: where it is read from and where it goes in the key. */
struct tpgen_agg_part {
    __u16 offset;                        /* FIELD, STRING: where the running kernel puts the field */
    __u8 size;                           /* FIELD: the field's bytes; STRING: bytes kept (with the NUL) */
    __u8 source;                         /* TPGEN_AGG_FROM_* */
    __u8 flags;                          /* TPGEN_FIELD_SIGNED, TPGEN_FIELD_DYNAMIC, TPGEN_FIELD_RELATIVE */
    __u8 dest;                           /* its offset in the key */
    __u16 reserved;
};

/* One thing an event does for an aggregation. */
struct tpgen_agg_input {
    __u8 role;                           /* TPGEN_AGG_ROLE_* */
    __u8 aggregation;                    /* which aggregation, and so which maps */
    __u8 parts;                          /* key parts used */
    __u8 reserved[5];
    struct tpgen_agg_part value;         /* UPDATE of SUM, MIN, MAX, LOG2, LINEAR: the value */
    struct tpgen_agg_part key[TPGEN_AGG_PARTS];
};

struct tpgen_agg_spec {
    __u8 kind;                           /* TPGEN_AGG_COUNT ... TPGEN_AGG_LINEAR; 0: unused */
    __u8 reserved[3];
    __u32 buckets;                       /* LOG2, LINEAR: how many */
    __s64 min;                           /* LINEAR: the lowest bucket's lower bound */
    __u64 step;                          /* LINEAR: each bucket's width */
};

struct tpgen_aggregation_config {
    __u32 enabled;                       /* whether any event has an input */
    __u32 reserved;
    struct tpgen_agg_spec aggregations[TPGEN_AGG_MAX];
    struct tpgen_agg_input inputs[64][TPGEN_AGG_INPUTS];
    __u8 quiet[64];         /* the event's records are not sent to the ring buffer */
};

/*
 * Aggregation j's values by key (per CPU: no atomics, no shared cache lines) and, for a latency,
 * its start times by key. Each map's key size, value size and bound are set at load.
 */
#define TPGEN_AGG_MAPS(j) \
    struct { \
        __uint(type, TPGEN_AGG_PERCPU_HASH); \
        __uint(max_entries, 1); \
        __uint(key_size, 8); \
        __uint(value_size, 8); \
    } tpgen_agg_##j SEC(".maps"); \
    struct { \
        __uint(type, TPGEN_AGG_HASH); \
        __uint(max_entries, 1); \
        __uint(key_size, 8); \
        __uint(value_size, 8); \
    } tpgen_agg_start_##j SEC(".maps");

TPGEN_AGG_MAPS(0)
TPGEN_AGG_MAPS(1)
TPGEN_AGG_MAPS(2)
TPGEN_AGG_MAPS(3)
TPGEN_AGG_MAPS(4)
TPGEN_AGG_MAPS(5)
TPGEN_AGG_MAPS(6)
TPGEN_AGG_MAPS(7)

/* Kernel stacks by id, for TPGEN_AGG_FROM_KSTACK; its bound is set at load. */
struct {
    __uint(type, TPGEN_AGG_STACK_TRACE);
    __uint(max_entries, 1);
    __uint(key_size, 4);
    __uint(value_size, 8 * TPGEN_AGG_STACK_DEPTH);
} tpgen_agg_stacks SEC(".maps");

/* Never written: the zeros a new key's value starts from. */
struct {
    __uint(type, TPGEN_AGG_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __uint(key_size, 4);
    __uint(value_size, 8 * TPGEN_AGG_MAX_SLOTS);
} tpgen_agg_zero SEC(".maps");

/* What did not fit, counted (TPGEN_AGG_KEYS_LOST, ...). */
struct {
    __uint(type, TPGEN_AGG_ARRAY);
    __uint(max_entries, TPGEN_AGG_COUNTERS);
    __type(key, __u32);
    __type(value, __u64);
} tpgen_agg_counters SEC(".maps");

/*
 * ---- Context: what a record carries besides the tracepoint's own fields ----
 * (TpGen.Emitters.Bpf.ContextConfigLayout describes these for the runtime.)
 *
 * Between the header and the record: the process's context (the command name, 16 bytes, then
 * the cgroup id, 8 bytes, each when asked for), then the event's context: a status word, the
 * user-space strings its syscall arguments point to, and a packet block (members of its sk_buff
 * and the first bytes from its network header). A tp_btf event's record is its arguments, a u64
 * each, and the struct members captured from them. Every offset of every member is the running
 * kernel's, resolved by name from its BTF at load: one object for every kernel.
 */
#define TPGEN_CAPTURE_CGROUP 2         /* the task's cgroup id, 8 bytes after the command name */
#define TPGEN_MAX_STRINGS 4            /* ContextConfigLayout.MaxStrings */
#define TPGEN_MAX_MEMBERS 16           /* ContextConfigLayout.MaxMembers */
#define TPGEN_MAX_HOPS 4               /* ContextConfigLayout.MaxHops */
#define TPGEN_STRING_READ(s) (1u << (16 + (s)))
#define TPGEN_STRING_CUT(s) (1u << (20 + (s)))
#define TPGEN_PACKET_READ (1u << 24)

/* A kernel struct member: from the pointer at `root` in the program's context, follow `hops` pointers. */
struct tpgen_member {
    __u16 root;                          /* where the pointer the path starts from is in the program's context */
    __u16 dest;                          /* where the value goes, counted from the end of the header */
    __u8 hops;                           /* pointers loaded after the root, at offset[0..hops-1] */
    __u8 size;                           /* bytes read at offset[hops] of the last object */
    __u16 offset[TPGEN_MAX_HOPS + 1];
};

/* A NUL-terminated string in the traced process's memory, pointed to by a record field. */
struct tpgen_user_string {
    __u16 root;                          /* where the pointer is in the record */
    __u16 dest;                          /* where the text goes, counted from the end of the header */
};

struct tpgen_event_context {
    __u16 size;                          /* bytes of the event's context (after the process's) */
    __u16 status;                        /* where the status word goes: bit m = member m read, then TPGEN_STRING_*, TPGEN_PACKET_READ */
    __u16 arguments;                     /* tp_btf: bytes of arguments copied to the record after its common fields; 0 for a tracepoint */
    __u8 string_count;
    __u8 member_count;
    __u16 packet_head;                   /* dest of skb->head; 0: no packet */
    __u16 packet_network;                /* dest of skb->network_header */
    __u16 packet_data;                   /* dest of skb->data, read from when no network header is set */
    __u16 packet_dest;                   /* where the packet's first bytes go */
    struct tpgen_user_string strings[TPGEN_MAX_STRINGS];
    struct tpgen_member members[TPGEN_MAX_MEMBERS];
};

struct tpgen_context {
    __u32 string_bytes;                  /* each user string's bound, NUL included */
    __u32 packet_bytes;                  /* bytes of each packet, from its network header */
    struct tpgen_event_context events[64];
};

/*
 * Set by the runtime before loading, then frozen (read-only to the programs, so the verifier
 * treats every value as a constant): one object for every kernel. TpGen.Emitters.Bpf.
 * BpfConfigLayout describes this layout for the runtime; it is the only .rodata variable.
 */
const volatile struct {
    __u64 wakeup_bytes;                  /* 0: wake the reader for every record */
    __u32 exclude_tgid;                  /* this process's events are not recorded (the reader's own); 0: none */
    __u32 flags;                         /* TPGEN_CAPTURE_*: what each record carries after its header */
    struct tpgen_event events[64];
    struct tpgen_field fields[1];
    __u64 constants[1];  /* the running kernel's values of the names filters use */
    __u8 valid[1];       /* whether the running kernel has each name */
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

/* ---- Context: the process, user strings, kernel struct members, packets ---- */

static long (*bpf_probe_read_user)(void *destination, __u32 size, const void *source) = (void *)112;
static long (*bpf_probe_read_user_str)(void *destination, __u32 size, const void *source) = (void *)114;
static __u64 (*bpf_get_current_cgroup_id)(void) = (void *)80;

/* The bytes between the header and the record: the process's context, then the event's. */
static __always_inline __u64 tpgen_context_size(const int index)
{
    return ((tpgen_config.flags & TPGEN_CAPTURE_COMMAND) ? 16 : 0) +
        ((tpgen_config.flags & TPGEN_CAPTURE_CGROUP) ? 8 : 0) +
        tpgen_config.context.events[index].size;
}

/*
 * A tp_btf program's context is the tracepoint's arguments, a u64 each: they become the record
 * after its common fields. Returns 0 for a tracepoint, whose record the caller copies.
 */
static __always_inline int tpgen_copy_arguments(void *ctx, const int index, __u8 *record)
{
    __u64 size = tpgen_config.context.events[index].arguments;
    if (size == 0)
        return 0;
    bpf_probe_read_kernel(record + 8, size, ctx);
    return 1;
}

/*
 * Writes the context of event `index` at `area` (the end of the header). A member whose chain
 * meets a NULL pointer reads as zeros (a failed read fills its destination with zeros) and its
 * status bit stays clear; so does a string the process's memory does not hold.
 */
static __always_inline void tpgen_context(void *ctx, const int index, __u8 *area)
{
    __u8 *process = area;
    if (tpgen_config.flags & TPGEN_CAPTURE_COMMAND) {
        bpf_get_current_comm(process, 16);
        process += 16;
    }
    if (tpgen_config.flags & TPGEN_CAPTURE_CGROUP)
        *(__u64 *)process = bpf_get_current_cgroup_id();
    if (tpgen_config.context.events[index].size == 0)
        return;

    __u32 status = 0;
#pragma unroll
    for (int m = 0; m < TPGEN_MAX_MEMBERS; m++) {
        if (m >= tpgen_config.context.events[index].member_count)
            break;
        __u64 pointer = 0;
        long failed = bpf_probe_read_kernel(&pointer, 8, (__u8 *)ctx + tpgen_config.context.events[index].members[m].root);
#pragma unroll
        for (int h = 0; h < TPGEN_MAX_HOPS; h++) {
            if (h >= tpgen_config.context.events[index].members[m].hops)
                break;
            failed |= bpf_probe_read_kernel(&pointer, 8, (__u8 *)pointer + tpgen_config.context.events[index].members[m].offset[h]);
        }
        __u64 at = tpgen_config.context.events[index].members[m].offset[tpgen_config.context.events[index].members[m].hops];
        __u64 size = tpgen_config.context.events[index].members[m].size;
        failed |= bpf_probe_read_kernel(area + tpgen_config.context.events[index].members[m].dest, size, (__u8 *)pointer + at);
        if (!failed)
            status |= 1u << m;
    }

    __u64 bound = tpgen_config.context.string_bytes;
#pragma unroll
    for (int s = 0; s < TPGEN_MAX_STRINGS; s++) {
        if (s >= tpgen_config.context.events[index].string_count)
            break;
        __u64 pointer = 0;
        bpf_probe_read_kernel(&pointer, 8, (__u8 *)ctx + tpgen_config.context.events[index].strings[s].root);
        long copied = bpf_probe_read_user_str(area + tpgen_config.context.events[index].strings[s].dest, bound, (void *)pointer);
        if (copied > 0) {
            status |= TPGEN_STRING_READ(s);
            /* As long as the bound, NUL included: cut unless the process's string ends right there. */
            if ((__u64)copied == bound) {
                __u8 last = 0;
                bpf_probe_read_user(&last, 1, (__u8 *)pointer + bound - 1);
                if (last)
                    status |= TPGEN_STRING_CUT(s);
            }
        }
    }

    if (tpgen_config.context.events[index].packet_head) {
        __u64 head = *(__u64 *)(area + tpgen_config.context.events[index].packet_head);
        __u16 network = *(__u16 *)(area + tpgen_config.context.events[index].packet_network);
        __u64 from = network == 0xffff ? *(__u64 *)(area + tpgen_config.context.events[index].packet_data) : head + network;
        __u64 bytes = tpgen_config.context.packet_bytes;
        if (bpf_probe_read_kernel(area + tpgen_config.context.events[index].packet_dest, bytes, (void *)from) == 0)
            status |= TPGEN_PACKET_READ;
    }
    *(__u32 *)(area + tpgen_config.context.events[index].status) = status;
}

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

#define tpgen_agg_input(index, k) tpgen_config.aggregation.inputs[index][k]

static __always_inline void tpgen_agg_lost(__u32 counter)
{
    __u64 *value = bpf_map_lookup_elem(&tpgen_agg_counters, &counter);
    if (value)
        __sync_fetch_and_add(value, 1);
}

/* A number from the record, sign-extended where it is signed. */
static __always_inline __u64 tpgen_agg_number(void *ctx, __u64 offset, __u64 size, __u64 flags)
{
    __u64 value = 0;
    if (size > 8)
        size = 8;
    tpgen_bounded(size);
    bpf_probe_read_kernel(&value, size, (__u8 *)ctx + offset);
    if ((flags & TPGEN_FIELD_SIGNED) && size < 8) {
        __u64 shift = 64 - 8 * size;
        value = (__u64)((__s64)(value << shift) >> shift);
    }
    return value;
}

/* A string from the record into the key: up to size - 1 bytes and a NUL, the rest left zero. */
static __always_inline void tpgen_agg_string(void *ctx, __u32 offset, __u32 size, __u32 flags, __u8 *destination)
{
    if (flags & TPGEN_FIELD_DYNAMIC) {
        __u32 location = 0;
        if (bpf_probe_read_kernel(&location, 4, (__u8 *)ctx + offset))
            return;
        __u32 length = location >> 16;
        offset = (location & 0xffff) + ((flags & TPGEN_FIELD_RELATIVE) ? offset + 4 : 0);
        if (length < size)
            size = length;
    }
    if (size > TPGEN_AGG_KEY_BYTES)
        size = TPGEN_AGG_KEY_BYTES;
    tpgen_bounded(size);
    if (size > 0)
        bpf_probe_read_kernel_str(destination, size, (__u8 *)ctx + offset);
}

/* Builds input k of event index's key in key (zeroed by the caller). */
static __attribute__((noinline)) int tpgen_agg_key(void *ctx, const int index, const int k, __u8 *key, __u64 pid_tgid)
{
#pragma unroll
    for (int p = 0; p < TPGEN_AGG_PARTS; p++) {
        if (p >= tpgen_agg_input(index, k).parts)
            break;
        __u32 dest = tpgen_agg_input(index, k).key[p].dest;
        if (dest > TPGEN_AGG_KEY_BYTES - 8)
            break;
        __u64 *slot = (__u64 *)(key + dest);
        switch (tpgen_agg_input(index, k).key[p].source) {
        case TPGEN_AGG_FROM_FIELD:
            *slot = tpgen_agg_number(ctx, tpgen_agg_input(index, k).key[p].offset, tpgen_agg_input(index, k).key[p].size,
                tpgen_agg_input(index, k).key[p].flags);
            break;
        case TPGEN_AGG_FROM_STRING:
            if (dest + tpgen_agg_input(index, k).key[p].size <= TPGEN_AGG_KEY_BYTES)
                tpgen_agg_string(ctx, tpgen_agg_input(index, k).key[p].offset, tpgen_agg_input(index, k).key[p].size,
                    tpgen_agg_input(index, k).key[p].flags, key + dest);
            break;
        case TPGEN_AGG_FROM_COMM:
            if (dest + 16 <= TPGEN_AGG_KEY_BYTES)
                bpf_get_current_comm(key + dest, 16);
            break;
        case TPGEN_AGG_FROM_PID:
            *slot = pid_tgid >> 32;
            break;
        case TPGEN_AGG_FROM_TID:
            *slot = (__u32)pid_tgid;
            break;
        case TPGEN_AGG_FROM_CGROUP:
            *slot = tpgen_agg_get_cgroup_id();
            break;
        case TPGEN_AGG_FROM_CPU:
            *slot = bpf_get_smp_processor_id();
            break;
        case TPGEN_AGG_FROM_KSTACK: {
            long id = tpgen_agg_get_stackid(ctx, &tpgen_agg_stacks, 0);
            if (id < 0)
                tpgen_agg_lost(TPGEN_AGG_STACKS_LOST);
            *slot = (__u64)(__s64)id;
            break;
        }
        case TPGEN_AGG_FROM_EVENT:
            *slot = index;
            break;
        }
    }
    return 0;
}

/* Is a below b, as the value's field compares (signed or not)? */
static __always_inline int tpgen_agg_below(__u64 a, __u64 b, __u64 flags)
{
    return (flags & TPGEN_FIELD_SIGNED) ? (__s64)a < (__s64)b : a < b;
}

/* The histogram bucket of value in aggregation j. */
static __always_inline __u64 tpgen_agg_bucket(const int j, __u64 value, __u64 flags)
{
    if (tpgen_config.aggregation.aggregations[j].kind == TPGEN_AGG_LINEAR) {
        __s64 min = tpgen_config.aggregation.aggregations[j].min;
        if (tpgen_agg_below(value, (__u64)min, flags))
            return 0;
        __u64 step = tpgen_config.aggregation.aggregations[j].step;
        return 1 + (value - (__u64)min) / (step ? step : 1);
    }
    if ((flags & TPGEN_FIELD_SIGNED) && (__s64)value < 0)
        return 0;
    if (value == 0)
        return 1;
    __u64 log = 0, shift;
    shift = (value >= (1ULL << 32)) << 5; value >>= shift; log |= shift;
    shift = (value >= (1ULL << 16)) << 4; value >>= shift; log |= shift;
    shift = (value >= (1ULL << 8)) << 3; value >>= shift; log |= shift;
    shift = (value >= (1ULL << 4)) << 2; value >>= shift; log |= shift;
    shift = (value >= (1ULL << 2)) << 1; value >>= shift; log |= shift;
    log |= (value >> 1);
    return 2 + log;
}

/* Adds one event with value to aggregation j's entry for key, making the entry if it is new. */
static __always_inline void tpgen_agg_add(void *map, const int j, __u8 *key, __u64 value, __u64 flags)
{
    __u64 *slots = bpf_map_lookup_elem(map, key);
    if (!slots) {
        __u32 zero = 0;
        void *initial = bpf_map_lookup_elem(&tpgen_agg_zero, &zero);
        if (!initial)
            return;
        long error = tpgen_agg_update_elem(map, key, initial, TPGEN_AGG_NOEXIST);
        if (error && error != -TPGEN_AGG_EEXIST) {
            tpgen_agg_lost(TPGEN_AGG_KEYS_LOST(j));
            return;
        }
        slots = bpf_map_lookup_elem(map, key);
        if (!slots)
            return;
    }
    __u64 count = slots[0]++;
    switch (tpgen_config.aggregation.aggregations[j].kind) {
    case TPGEN_AGG_SUM:
        slots[1] += value;
        break;
    case TPGEN_AGG_MIN:
        if (count == 0 || tpgen_agg_below(value, slots[1], flags))
            slots[1] = value;
        break;
    case TPGEN_AGG_MAX_VALUE:
        if (count == 0 || tpgen_agg_below(slots[1], value, flags))
            slots[1] = value;
        break;
    case TPGEN_AGG_LOG2:
    case TPGEN_AGG_LINEAR: {
        slots[1] += value;
        __u64 bucket = tpgen_agg_bucket(j, value, flags);
        __u64 last = tpgen_config.aggregation.aggregations[j].buckets - 1;
        if (last > TPGEN_AGG_MAX_SLOTS - 3)
            last = TPGEN_AGG_MAX_SLOTS - 3;
        if (bucket > last)
            bucket = last;
        tpgen_bounded(bucket);
        slots[2 + bucket] += 1;
        break;
    }
    }
}

#define TPGEN_AGG_CASE(j, action) case j: action(&tpgen_agg_##j, &tpgen_agg_start_##j, j); break;
#define TPGEN_AGG_SWITCH(j, action) \
    switch (j) { \
    TPGEN_AGG_CASE(0, action) TPGEN_AGG_CASE(1, action) TPGEN_AGG_CASE(2, action) TPGEN_AGG_CASE(3, action) \
    TPGEN_AGG_CASE(4, action) TPGEN_AGG_CASE(5, action) TPGEN_AGG_CASE(6, action) TPGEN_AGG_CASE(7, action) \
    }

/* Aggregation j's maps, chosen by a switch on j: the verifier knows j, so only its case stays. */
static __attribute__((noinline)) int tpgen_agg_update(const int j, __u8 *key, __u64 value, __u64 flags)
{
#define TPGEN_AGG_DO_ADD(map, starts, n) tpgen_agg_add(map, n, key, value, flags)
    TPGEN_AGG_SWITCH(j, TPGEN_AGG_DO_ADD)
#undef TPGEN_AGG_DO_ADD
    return 0;
}

static __attribute__((noinline)) int tpgen_agg_start(const int j, __u8 *key, __u64 now)
{
#define TPGEN_AGG_DO_START(map, starts, n) \
    if (tpgen_agg_update_elem(starts, key, &now, 0)) \
        tpgen_agg_lost(TPGEN_AGG_STARTS_LOST(n));
    TPGEN_AGG_SWITCH(j, TPGEN_AGG_DO_START)
#undef TPGEN_AGG_DO_START
    return 0;
}

/* The nanoseconds since the start remembered under key, which is forgotten; 0 (and *found 0) when there is none. */
static __attribute__((noinline)) __u64 tpgen_agg_stop(const int j, __u8 *key, __u64 now, int *found)
{
    __u64 *start = 0;
#define TPGEN_AGG_DO_STOP(map, starts, n) \
    start = bpf_map_lookup_elem(starts, key); \
    if (start) { \
        __u64 began = *start; \
        tpgen_agg_delete_elem(starts, key); \
        *found = 1; \
        return now > began ? now - began : 0; \
    }
    TPGEN_AGG_SWITCH(j, TPGEN_AGG_DO_STOP)
#undef TPGEN_AGG_DO_STOP
    *found = 0;
    return 0;
}

/* Everything event index does for aggregations, in the order of its inputs. */
static __attribute__((noinline)) int tpgen_agg_event(void *ctx, const int index, __u64 pid_tgid)
{
    __u64 latency = 0;
    int timed = 0;
#pragma unroll
    for (int k = 0; k < TPGEN_AGG_INPUTS; k++) {
        __u8 role = tpgen_agg_input(index, k).role;
        if (role == TPGEN_AGG_ROLE_NONE)
            break;
        __u64 key[TPGEN_AGG_KEY_BYTES / 8] = {};
        tpgen_agg_key(ctx, index, k, (__u8 *)key, pid_tgid);
        int j = tpgen_agg_input(index, k).aggregation;
        if (role == TPGEN_AGG_ROLE_START) {
            tpgen_agg_start(j, (__u8 *)key, bpf_ktime_get_ns());
        } else if (role == TPGEN_AGG_ROLE_STOP) {
            latency = tpgen_agg_stop(j, (__u8 *)key, bpf_ktime_get_ns(), &timed);
        } else {
            __u64 value = 0;
            __u64 flags = tpgen_agg_input(index, k).value.flags;
            __u8 source = tpgen_agg_input(index, k).value.source;
            if (source == TPGEN_AGG_FROM_LATENCY) {
                if (!timed)
                    continue;
                value = latency;
            } else if (source == TPGEN_AGG_FROM_FIELD) {
                value = tpgen_agg_number(ctx, tpgen_agg_input(index, k).value.offset, tpgen_agg_input(index, k).value.size, flags);
            }
            tpgen_agg_update(j, (__u8 *)key, value, flags);
        }
    }
    return 0;
}

/*
 * Called by every handler after its filter: feeds the event's aggregations, and says whether the
 * event is quiet (its record is not sent). The verifier knows the configuration, so a probe set
 * without aggregations runs none of this.
 */
static __always_inline int tpgen_aggregate(void *ctx, const int index, __u64 pid_tgid)
{
    if (!tpgen_config.aggregation.enabled)
        return 0;
    if (tpgen_agg_input(index, 0).role != TPGEN_AGG_ROLE_NONE)
        tpgen_agg_event(ctx, index, pid_tgid);
    return tpgen_config.aggregation.quiet[index];
}

SEC("tracepoint")
int tpgen_handle_0(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 0, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 0, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_1(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 1, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 1, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_2(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 2, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 2, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_3(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 3, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 3, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_4(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 4, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 4, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_5(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 5, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 5, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_6(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 6, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 6, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_7(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 7, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 7, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_8(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 8, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 8, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_9(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 9, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 9, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_10(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 10, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 10, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_11(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 11, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 11, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_12(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 12, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 12, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_13(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 13, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 13, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_14(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 14, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 14, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_15(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 15, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 15, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_16(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 16, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 16, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_17(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 17, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 17, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_18(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 18, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 18, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_19(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 19, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 19, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_20(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 20, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 20, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_21(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 21, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 21, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_22(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 22, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 22, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_23(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 23, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 23, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_24(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 24, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 24, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_25(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 25, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 25, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_26(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 26, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 26, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_27(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 27, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 27, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_28(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 28, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 28, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_29(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 29, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 29, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_30(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 30, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 30, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_31(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 31, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 31, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_32(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 32, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 32, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_33(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 33, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 33, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_34(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 34, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 34, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_35(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 35, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 35, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_36(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 36, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 36, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_37(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 37, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 37, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_38(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 38, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 38, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_39(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 39, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 39, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_40(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 40, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 40, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_41(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 41, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 41, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_42(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 42, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 42, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_43(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 43, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 43, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_44(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 44, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 44, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_45(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 45, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 45, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_46(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 46, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 46, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_47(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 47, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 47, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_48(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 48, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 48, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_49(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 49, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 49, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_50(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 50, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 50, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_51(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 51, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 51, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_52(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 52, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 52, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_53(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 53, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 53, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_54(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 54, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 54, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_55(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 55, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 55, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_56(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 56, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 56, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_57(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 57, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 57, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_58(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 58, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 58, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_59(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 59, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 59, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_60(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 60, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 60, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_61(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 61, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 61, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_62(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 62, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 62, pid_tgid);
}

SEC("tracepoint")
int tpgen_handle_63(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    if (tpgen_aggregate(ctx, 63, pid_tgid))
        return 0;
    return tpgen_emit(ctx, 63, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_0(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 0, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_1(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 1, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_2(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 2, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_3(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 3, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_4(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 4, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_5(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 5, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_6(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 6, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_7(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 7, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_8(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 8, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_9(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 9, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_10(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 10, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_11(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 11, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_12(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 12, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_13(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 13, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_14(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 14, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_15(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 15, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_16(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 16, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_17(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 17, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_18(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 18, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_19(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 19, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_20(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 20, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_21(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 21, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_22(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 22, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_23(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 23, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_24(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 24, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_25(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 25, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_26(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 26, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_27(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 27, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_28(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 28, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_29(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 29, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_30(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 30, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_31(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 31, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_32(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 32, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_33(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 33, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_34(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 34, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_35(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 35, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_36(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 36, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_37(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 37, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_38(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 38, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_39(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 39, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_40(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 40, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_41(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 41, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_42(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 42, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_43(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 43, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_44(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 44, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_45(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 45, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_46(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 46, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_47(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 47, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_48(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 48, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_49(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 49, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_50(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 50, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_51(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 51, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_52(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 52, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_53(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 53, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_54(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 54, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_55(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 55, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_56(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 56, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_57(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 57, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_58(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 58, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_59(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 59, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_60(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 60, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_61(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 61, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_62(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 62, pid_tgid);
}

SEC("tp_btf")
int tpgen_btf_handle_63(void *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (tpgen_excluded(pid_tgid))
        return 0;
    return tpgen_emit(ctx, 63, pid_tgid);
}


char LICENSE[] SEC("license") = "Dual MIT/GPL";
