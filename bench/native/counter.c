// SPDX-License-Identifier: MIT
/*
 * Loads counter.bpf.o, attaches it to skb:kfree_skb, waits for SIGINT or SIGTERM, and prints
 * events=N (the per-CPU counts summed); nothing leaves the kernel per event.
 *
 * usage: counter OBJECT
 */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void stop(int signal)
{
    (void)signal;
    stopping = 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: counter OBJECT\n");
        return 2;
    }
    struct bpf_object *object = bpf_object__open_file(argv[1], NULL);
    if (!object || bpf_object__load(object) != 0) {
        fprintf(stderr, "counter: cannot load %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct bpf_link *link = bpf_program__attach(bpf_object__find_program_by_name(object, "count_kfree_skb"));
    if (!link) {
        fprintf(stderr, "counter: attach failed: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGINT, stop);
    signal(SIGTERM, stop);
    fprintf(stderr, "ready\n");
    while (!stopping)
        pause();

    int cpus = libbpf_num_possible_cpus();
    unsigned long long values[cpus > 0 ? cpus : 1], total = 0;
    __u32 key = 0;
    if (cpus > 0 && bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(object, "counts")), &key, values) == 0) {
        for (int cpu = 0; cpu < cpus; cpu++)
            total += values[cpu];
    }
    printf("events=%llu dropped=0\n", total);
    fflush(stdout);
    bpf_link__destroy(link);
    bpf_object__close(object);
    return 0;
}
