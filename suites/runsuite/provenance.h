/* Where and from what a result came: the source commit, the CPU, the time. */
#ifndef VITBENCH_SUITES_RUNSUITE_PROVENANCE_H
#define VITBENCH_SUITES_RUNSUITE_PROVENANCE_H

#include <stddef.h>

typedef struct provenance {
    char commit[48];  /* "unknown" outside a git checkout */
    int dirty;        /* 1: uncommitted changes outside results/, -1: unknown (no git) */
    char cpu[128];    /* /proc/cpuinfo's model name */
    int cores;        /* online CPUs */
    char when[32];    /* when provenance_get ran: UTC, ISO 8601 */
} provenance;

void provenance_get(provenance *p);
/* dirty as JSON: "true", "false" or "null". */
const char *provenance_dirty_json(const provenance *p);
/* The time now, UTC, ISO 8601 ("2026-11-21T16:00:44Z"). */
void provenance_now(char *out, size_t len);

#endif
