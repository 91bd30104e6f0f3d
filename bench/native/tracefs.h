// SPDX-License-Identifier: MIT
/* What the native benchmark programs read from tracefs: an event's id and a value its print fmt names. */
#ifndef BENCH_TRACEFS_H
#define BENCH_TRACEFS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *tracefs_open(const char *system, const char *event, const char *file)
{
    static const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
    char path[512];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(path, sizeof path, "%s/events/%s/%s/%s", roots[i], system, event, file);
        FILE *opened = fopen(path, "r");
        if (opened)
            return opened;
    }
    return NULL;
}

/* The event's id (common_type), or -1. */
static int tracefs_event_id(const char *system, const char *event)
{
    FILE *file = tracefs_open(system, event, "id");
    int id = -1;
    if (file) {
        if (fscanf(file, "%d", &id) != 1)
            id = -1;
        fclose(file);
    }
    return id;
}

/* The number the print fmt's __print_symbolic gives NAME ({ 3, "NO_SOCKET" }), or -1. */
static int tracefs_symbol_value(const char *system, const char *event, const char *name)
{
    FILE *file = tracefs_open(system, event, "format");
    if (!file)
        return -1;
    static char text[1 << 16];
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\" }", name);
    char *at = strstr(text, quoted);
    if (!at)
        return -1;
    while (at > text && *at != '{')
        at--;
    return *at == '{' ? (int)strtol(at + 1, NULL, 0) : -1;
}

#endif
