/* Claiming a run folder (claim.h). */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "vitbench/claim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "vitbench/files.h"

/* "pid P, PROGRAM, since TIME" as the holder wrote it into the lock file. */
static void read_holder(const char *lock_path, char *who, size_t len)
{
    snprintf(who, len, "holder unknown");
    FILE *f = fopen(lock_path, "r");
    if (!f) return;
    if (fgets(who, (int)len, f)) who[strcspn(who, "\n")] = '\0';
    fclose(f);
}

static void write_holder(int fd)
{
    char line[256], when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    int n = snprintf(line, sizeof line, "pid %ld, %s, since %s\n", (long)getpid(),
                     program_invocation_short_name, when);
    if (ftruncate(fd, 0) == 0 && write(fd, line, (size_t)n) == n) (void)fsync(fd);
}

/* A file name a writer gives its temporary copy: NAME.tmp or NAME.tmp.DIGITS. */
static int is_temporary(const char *name)
{
    const char *t = NULL; /* the last ".tmp" */
    for (const char *s = name; (s = strstr(s, ".tmp")); s++) t = s;
    if (!t || t == name) return 0;
    const char *rest = t + 4;
    if (*rest == '\0') return 1;
    return rest[0] == '.' && rest[1] && strspn(rest + 1, "0123456789") == strlen(rest + 1);
}

static void remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_temporary(e->d_name)) continue;
        char *path = vb_path_join(dir, e->d_name);
        if (path) remove(path);
        free(path);
    }
    closedir(d);
}

/* Locks path; 1 when locked, 0 when another process holds it, -1 on error. The file may
 * have been unlinked by its last holder between our open and our lock: then the lock is
 * on a name nobody else will open, and we try again on the new file. */
static int lock_file(const char *path, int *fd_out)
{
    for (;;) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int busy = errno == EWOULDBLOCK;
            close(fd);
            return busy ? 0 : -1;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev) {
            *fd_out = fd;
            return 1;
        }
        close(fd);
    }
}

int vb_claim_folder(vb_claim *c, const char *dir, char *err, size_t err_len)
{
    *c = (vb_claim){.fd = -1};
    char brief[VB_PATH_BRIEF];
    if (vb_make_dirs(dir, err, err_len)) return -1;
    if (!(c->path = vb_path_join(dir, ".lock"))) {
        snprintf(err, err_len, "%s: out of memory", vb_path_brief(dir, brief));
        return -1;
    }
    int got = lock_file(c->path, &c->fd);
    if (got == 1) {
        write_holder(c->fd);
        remove_stale_temporaries(dir);
        return 0;
    }
    if (got == 0) {
        char who[200];
        read_holder(c->path, who, sizeof who);
        snprintf(err, err_len, "%s is in use by another run (%s): wait for it to end or "
                 "write elsewhere", vb_path_brief(dir, brief), who);
    } else {
        snprintf(err, err_len, "%s: cannot lock the run folder: %s",
                 vb_path_brief(c->path, brief), strerror(errno));
    }
    free(c->path);
    c->path = NULL;
    return -1;
}

void vb_release_folder(vb_claim *c)
{
    if (c->fd >= 0) {
        unlink(c->path); /* before unlocking: a waiter then finds its lock on a stale name */
        close(c->fd);
    }
    free(c->path);
    *c = (vb_claim){.fd = -1};
}

static int has(const char *dir, const char *name)
{
    char *path = vb_path_join(dir, name);
    int yes = path && access(path, F_OK) == 0;
    free(path);
    return yes;
}

vb_folder_state vb_folder_state_of(const char *dir)
{
    if (has(dir, "summary.json")) return VB_FOLDER_FINISHED;
    if (has(dir, "checkpoint.safetensors") || has(dir, "metrics.csv"))
        return VB_FOLDER_UNFINISHED;
    return VB_FOLDER_EMPTY;
}
