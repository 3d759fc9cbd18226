/* vbcheck's last line when a backend op crashes the process (crash_guard.h). */
#include "crash_guard.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static char in_flight[512]; /* the check under way, prefix of the last line */

static const char *signal_name(int sig)
{
    return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGILL ? "SIGILL"
                                                                               : "SIGFPE";
}

/* Only async-signal-safe calls: write and _exit (a failed write has no one to tell). */
static void on_crash(int sig)
{
    const char *name = signal_name(sig);
    (void)!write(STDERR_FILENO, in_flight, strlen(in_flight));
    (void)!write(STDERR_FILENO, name, strlen(name));
    (void)!write(STDERR_FILENO, "\n", 1);
    _exit(1);
}

void crash_guard_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

void crash_guard_set(const char *what)
{
    size_t n = strlen(what);
    if (n >= sizeof in_flight) n = sizeof in_flight - 1;
    memcpy(in_flight, what, n);
    in_flight[n] = '\0';
}
