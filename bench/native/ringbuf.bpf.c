// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * The C baseline's BPF side, written by hand against libbpf's headers: the handler TpGen
 * generates for skb:kfree_skb, without the generator. Each ring buffer record is a 24-byte
 * header (time, CPU, event index, flags, process, record size) followed by the raw tracepoint
 * record (common fields rebuilt, the rest copied from the context), and the reader is woken
 * only when config.wakeup_bytes are waiting (0: for every record), as TpGen does by default.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "record_header.h"

/* skb:kfree_skb as /sys/kernel/tracing/events/skb/kfree_skb/format lays it out. */
struct kfree_skb_record {
    __u16 common_type;
    __u8 common_flags;
    __u8 common_preempt_count;
    __s32 common_pid;
    __u64 skbaddr;
    __u64 location;
    __u64 rx_sk;
    __u16 protocol;
    __u16 padding;
    __u32 reason;
};

struct sample {
    struct header header;
    struct kfree_skb_record record;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 22); /* the loader sets the size */
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} dropped SEC(".maps");

/* Set by the loader before loading; read-only to the program, so the verifier sees constants. */
const volatile struct {
    __u64 wakeup_bytes; /* 0: wake the reader for every record */
    __u16 event_id;     /* skb:kfree_skb's id on the running kernel, for common_type */
} config = {};

SEC("tracepoint/skb/kfree_skb")
int handle_kfree_skb(struct kfree_skb_record *context)
{
    struct sample *out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
    if (!out) {
        __u32 key = 0;
        __u64 *count = bpf_map_lookup_elem(&dropped, &key);
        if (count)
            *count += 1;
        return 0;
    }
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    out->header.timestamp_ns = bpf_ktime_get_ns();
    out->header.cpu = bpf_get_smp_processor_id();
    out->header.event_index = 0;
    out->header.flags = 0;
    out->header.tgid = pid_tgid >> 32;
    out->header.record_size = sizeof(out->record);
    /* The verifier refuses reads of the context's first 8 bytes: rebuild the common fields. */
    out->record.common_type = config.event_id;
    out->record.common_flags = 0;
    out->record.common_preempt_count = 0;
    out->record.common_pid = (__s32)pid_tgid;
    out->record.skbaddr = context->skbaddr;
    out->record.location = context->location;
    out->record.rx_sk = context->rx_sk;
    /* protocol, padding and reason as one aligned 8-byte load, as the generated handler does */
    *(__u64 *)&out->record.protocol = *(__u64 *)&context->protocol;

    __u64 flags = 0;
    if (config.wakeup_bytes != 0)
        flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= config.wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
    bpf_ringbuf_submit(out, flags);
    return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
