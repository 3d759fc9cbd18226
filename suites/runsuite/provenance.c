/* Provenance of a result (provenance.h): git for the commit, /proc for the CPU. */
#include "provenance.h"

#include "../data_dir.h"
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

/* The commit of the source tree and whether it has uncommitted changes, when the program
 * runs from a build tree whose source is the top of a git checkout (not a release
 * tarball unpacked inside one, nor an installed program). */
static void source_commit(provenance *p)
{
    snprintf(p->commit, sizeof p->commit, "unknown");
    p->dirty = -1;
    char git[1100], command[1200], changes[8];
    const char *src = source_dir();
    if (!src || snprintf(git, sizeof git, "%s/.git", src) >= (int)sizeof git ||
        access(git, F_OK) != 0)
        return;
    snprintf(command, sizeof command, "git -C '%s' rev-parse --short=12 HEAD 2>/dev/null", src);
    first_line(command, p->commit, sizeof p->commit);
    if (!p->commit[0]) {
        snprintf(p->commit, sizeof p->commit, "unknown");
        return;
    }
    snprintf(command, sizeof command,
             "git -C '%s' status --porcelain --untracked-files=no -- . "
             "':(exclude)results' 2>/dev/null",
             src);
    first_line(command, changes, sizeof changes);
    p->dirty = changes[0] != '\0';
}

void provenance_get(provenance *p)
{
    memset(p, 0, sizeof *p);
    source_commit(p);
    cpu_model(p->cpu, sizeof p->cpu);
    p->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    provenance_now(p->when, sizeof p->when);
}

const char *provenance_dirty_json(const provenance *p)
{
    return p->dirty < 0 ? "null" : p->dirty ? "true" : "false";
}

void provenance_now(char *out, size_t len)
{
    time_t now = time(NULL);
    struct tm utc;
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &utc));
}
