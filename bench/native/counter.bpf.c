// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* The floor: a tracepoint program on skb:kfree_skb that only increments a per-CPU counter. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/skb/kfree_skb")
int count_kfree_skb(void *context)
{
    __u32 key = 0;
    __u64 *count = bpf_map_lookup_elem(&counts, &key);
    if (count)
        *count += 1;
    return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
