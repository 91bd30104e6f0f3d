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
