/* vbcheck's last words: a backend op that crashes the process (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE) ends it with one line on stderr — the check under way, then the signal — and
 * exit status 1, instead of a bare signal death halfway through the table. */
#ifndef VITBENCH_CONFORMANCE_CRASH_GUARD_H
#define VITBENCH_CONFORMANCE_CRASH_GUARD_H

/* Catches the four signals for the rest of the process. */
void crash_guard_install(void);
/* The text the last line starts with while the next check runs (copied, up to 511
 * bytes), e.g. "vbcheck: omp: op gemm crashed on case sq64 (vbcheck test ...): ". */
void crash_guard_set(const char *what);

#endif
