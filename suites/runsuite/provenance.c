/* Provenance of a result (provenance.h): git for the commit, /proc for the CPU. */
#include "provenance.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first line a shell command prints, or "" (no git, not a checkout). */
static void first_line(const char *command, char *out, size_t len)
{
    out[0] = '\0';
    FILE *p = popen(command, "r");
    if (!p) return;
    if (fgets(out, (int)len, p)) out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(out, len, "%s", colon + 2);
            out[strcspn(out, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

void provenance_get(provenance *p)
{
    memset(p, 0, sizeof *p);
    first_line("git -C '" VB_SRCDIR "' rev-parse --short=12 HEAD 2>/dev/null", p->commit,
               sizeof p->commit);
    if (!p->commit[0]) snprintf(p->commit, sizeof p->commit, "unknown");
    char changes[8];
    first_line("git -C '" VB_SRCDIR "' status --porcelain --untracked-files=no -- . "
               "':(exclude)results' 2>/dev/null",
               changes, sizeof changes);
    p->dirty = changes[0] != '\0';
    cpu_model(p->cpu, sizeof p->cpu);
    p->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    provenance_now(p->when, sizeof p->when);
}

void provenance_now(char *out, size_t len)
{
    time_t now = time(NULL);
    struct tm utc;
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &utc));
}
