// SPDX-License-Identifier: MIT
/*
 * The C baseline's reader: loads ringbuf.bpf.o with libbpf, attaches it to skb:kfree_skb and
 * reads the ring buffer as TpGen's reader does by default (ring_buffer__poll with a 10 ms
 * timeout, then ring_buffer__consume, since batched wakeups leave records waiting), counting
 * records and reading one field (reason) of each. Stops on SIGINT or SIGTERM and prints
 * events=N nosocket=M dropped=D.
 *
 * usage: ringbuf OBJECT [--every-record] [--ring-bytes N] [--poll-ms N]
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tracefs.h"
#include "record_header.h"

static volatile sig_atomic_t stopping;
static unsigned long long events, nosocket;
static unsigned int no_socket_reason;

static void stop(int signal)
{
    (void)signal;
    stopping = 1;
}

static int on_sample(void *context, void *data, size_t size)
{
    (void)context;
    if (size < sizeof(struct header) + 40)
        return 0;
    const struct header *header = data;
    const unsigned char *record = (const unsigned char *)data + sizeof(struct header);
    unsigned int reason;
    memcpy(&reason, record + 36, sizeof reason);
    events++;
    if (reason == no_socket_reason && header->event_index == 0)
        nosocket++;
    return 0;
}

static unsigned long long sum_dropped(int map_fd)
{
    int cpus = libbpf_num_possible_cpus();
    unsigned long long values[cpus > 0 ? cpus : 1], total = 0;
    __u32 key = 0;
    if (cpus <= 0 || bpf_map_lookup_elem(map_fd, &key, values) != 0)
        return 0;
    for (int cpu = 0; cpu < cpus; cpu++)
        total += values[cpu];
    return total;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long ring_bytes = 4u << 20;
    int poll_ms = 10, every_record = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--every-record") == 0)
            every_record = 1;
        else if (strcmp(argv[i], "--ring-bytes") == 0 && i + 1 < argc)
            ring_bytes = strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--poll-ms") == 0 && i + 1 < argc)
            poll_ms = atoi(argv[++i]);
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fprintf(stderr, "usage: ringbuf OBJECT [--every-record] [--ring-bytes N] [--poll-ms N]\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: ringbuf OBJECT [--every-record] [--ring-bytes N] [--poll-ms N]\n");
        return 2;
    }

    int event_id = tracefs_event_id("skb", "kfree_skb");
    int reason = tracefs_symbol_value("skb", "kfree_skb", "NO_SOCKET");
    if (event_id < 0 || reason < 0) {
        fprintf(stderr, "ringbuf: cannot read skb:kfree_skb from tracefs (mounted? root?)\n");
        return 1;
    }
    no_socket_reason = (unsigned int)reason;

    struct bpf_object *object = bpf_object__open_file(path, NULL);
    if (!object) {
        fprintf(stderr, "ringbuf: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct bpf_map *ring = bpf_object__find_map_by_name(object, "events");
    struct bpf_map *rodata = bpf_object__find_map_by_name(object, ".rodata");
    if (!ring || !rodata || bpf_map__set_max_entries(ring, ring_bytes) != 0) {
        fprintf(stderr, "ringbuf: %s is not the baseline object\n", path);
        return 1;
    }
    /* .rodata holds one variable, the config struct */
    struct {
        __u64 wakeup_bytes;
        __u16 event_id;
    } config = { every_record ? 0 : ring_bytes / 8, (__u16)event_id };
    size_t rodata_size;
    void *initial = (void *)bpf_map__initial_value(rodata, &rodata_size);
    if (!initial || rodata_size < sizeof config) {
        fprintf(stderr, "ringbuf: unexpected .rodata\n");
        return 1;
    }
    memcpy(initial, &config, sizeof config);
    if (bpf_object__load(object) != 0) {
        fprintf(stderr, "ringbuf: load failed: %s\n", strerror(errno));
        return 1;
    }
    struct bpf_program *program = bpf_object__find_program_by_name(object, "handle_kfree_skb");
    struct bpf_link *link = bpf_program__attach(program);
    if (!link) {
        fprintf(stderr, "ringbuf: attach failed: %s\n", strerror(errno));
        return 1;
    }
    struct ring_buffer *buffer = ring_buffer__new(bpf_map__fd(ring), on_sample, NULL, NULL);
    if (!buffer) {
        fprintf(stderr, "ringbuf: ring_buffer__new failed: %s\n", strerror(errno));
        return 1;
    }

    signal(SIGINT, stop);
    signal(SIGTERM, stop);
    fprintf(stderr, "ready\n");
    while (!stopping) {
        int polled = ring_buffer__poll(buffer, poll_ms);
        if (polled < 0 && polled != -EINTR) {
            fprintf(stderr, "ringbuf: poll failed: %d\n", polled);
            break;
        }
        /* A poll that timed out may leave records waiting (no wakeup yet): read them too. */
        ring_buffer__consume(buffer);
    }
    ring_buffer__consume(buffer);
    unsigned long long lost = sum_dropped(bpf_map__fd(bpf_object__find_map_by_name(object, "dropped")));
    printf("events=%llu nosocket=%llu dropped=%llu\n", events, nosocket, lost);
    fflush(stdout);

    ring_buffer__free(buffer);
    bpf_link__destroy(link);
    bpf_object__close(object);
    return 0;
}
