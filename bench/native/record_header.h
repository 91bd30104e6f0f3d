// SPDX-License-Identifier: MIT
/* The header before each raw tracepoint record in the ring buffer: TpGen's record header
 * (TpGen.RecordHeader in the runtime), so that the baseline does the same work as TpGen. */
#ifndef BENCH_RECORD_HEADER_H
#define BENCH_RECORD_HEADER_H

#include <linux/types.h>

struct header {
    __u64 timestamp_ns;
    __u32 cpu;
    __u16 event_index;
    __u16 flags;
    __u32 tgid;
    __u32 record_size;
};

#endif
