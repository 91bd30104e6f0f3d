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
    struct tpgen_agg_input inputs[{{EVENT_COUNT}}][TPGEN_AGG_INPUTS];
    __u8 quiet[{{EVENT_COUNT}}];         /* the event's records are not sent to the ring buffer */
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

/* TPGEN:AGGREGATION-FUNCTIONS */

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

