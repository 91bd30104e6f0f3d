// SPDX-License-Identifier: MIT
/*
 * udpflood N [PORT]: sends N 16-byte UDP datagrams from one socket to a closed port on
 * 127.0.0.1 as fast as the socket takes them. Each datagram is one skb:kfree_skb (reason
 * NO_SOCKET) in the receiving softirq, and one NoPorts in the Udp line of /proc/net/snmp.
 *
 * Prints one line: packets=N seconds=S pps=R noports=D, where D is the NoPorts delta this
 * process saw (the oracle; it is read again after the packets have been processed).
 * Without PORT, it picks a port nobody listens on: one the kernel just handed out and freed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long noports(void)
{
    FILE *snmp = fopen("/proc/net/snmp", "r");
    char names[1024], values[1024];
    long long result = -1;
    if (!snmp)
        return -1;
    // Two "Udp:" lines: the column names, then the values.
    while (fgets(names, sizeof names, snmp)) {
        if (strncmp(names, "Udp:", 4) != 0)
            continue;
        if (!fgets(values, sizeof values, snmp))
            break;
        char *name_save, *value_save;
        char *name = strtok_r(names, " \n", &name_save);
        char *value = strtok_r(values, " \n", &value_save);
        while (name && value) {
            if (strcmp(name, "NoPorts") == 0) {
                result = atoll(value);
                break;
            }
            name = strtok_r(NULL, " \n", &name_save);
            value = strtok_r(NULL, " \n", &value_save);
        }
        break;
    }
    fclose(snmp);
    return result;
}

static int closed_port(void)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    if (probe < 0 || bind(probe, (struct sockaddr *)&address, sizeof address) != 0 ||
        getsockname(probe, (struct sockaddr *)&address, &length) != 0) {
        perror("udpflood: finding a closed port");
        exit(1);
    }
    close(probe);
    return ntohs(address.sin_port);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || atoll(argv[1]) <= 0) {
        fprintf(stderr, "usage: udpflood PACKETS [PORT]\n");
        return 2;
    }
    long long packets = atoll(argv[1]);
    int port = argc == 3 ? atoi(argv[2]) : closed_port();

    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    if (sender < 0) {
        perror("udpflood: socket");
        return 1;
    }
    struct sockaddr_in target = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    char payload[16] = { 0 };

    long long before = noports();
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long failed = 0;
    for (long long i = 0; i < packets; i++) {
        if (sendto(sender, payload, sizeof payload, 0, (struct sockaddr *)&target, sizeof target) != sizeof payload)
            failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    close(sender);

    // Loopback delivers in the sender's softirq; give any backlog a moment before the oracle is read.
    usleep(20 * 1000);
    long long after = noports();
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("packets=%lld seconds=%.6f pps=%.0f noports=%lld failed=%lld\n",
           packets, seconds, packets / seconds, after - before, failed);
    return 0;
}
