/* Trying a backend in a child process first (loader.h): a backend whose load, probe or
 * init crashes or hangs takes down only the child, and the caller reports and skips it. */
#include "vitbench/loader.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_SECONDS 60 /* a child still busy after this is taken for hung */

/* The child: load, unload, and send the error line (if any) up the pipe. */
static void child(const char *name_or_path, int threads, int fd)
{
    alarm(PROBE_SECONDS);
    char err[512] = "";
    vb_loaded_backend *b = vb_backend_load(name_or_path, threads, err, sizeof err);
    vb_backend_unload(b);
    if (!b && write(fd, err, strlen(err)) < 0) _exit(2);
    _exit(b ? 0 : 1);
}

static int try_in_child(const char *name_or_path, int threads, char *err, size_t err_len)
{
    int fds[2];
    if (pipe(fds) != 0) return 0; /* cannot isolate: let the in-process load decide */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (pid == 0) {
        close(fds[0]);
        child(name_or_path, threads, fds[1]);
    }
    close(fds[1]);
    char msg[512];
    ssize_t got = read(fds[0], msg, sizeof msg - 1);
    close(fds[0]);
    msg[got > 0 ? got : 0] = '\0';
    int status;
    if (waitpid(pid, &status, 0) < 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(err, err_len, "backend %s did not finish loading in %d s (hung in its "
                 "probe or init)", name_or_path, PROBE_SECONDS);
    else if (WIFSIGNALED(status))
        snprintf(err, err_len, "backend %s crashed while loading (signal %d, %s)",
                 name_or_path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (msg[0])
        snprintf(err, err_len, "%s", msg);
    else /* a crash handler (a sanitizer's, say) turned the signal into an exit */
        snprintf(err, err_len, "backend %s crashed while loading (exit status %d, no error "
                 "message)", name_or_path, WEXITSTATUS(status));
    return -1;
}

/* The files that loaded cleanly in a child already: loading them again (another cell of
 * a suite) needs no second trial, which after OpenMP work would not be safe anyway. */
#define MAX_PASSED 32
static char passed[MAX_PASSED][PATH_MAX];
static int passed_count;

/* The backend's file, resolved (a name through the search path), or "" if not found. */
static void backend_file(const char *name_or_path, char file[PATH_MAX])
{
    char found[PATH_MAX], err[512];
    const char *path = name_or_path;
    if (!strchr(name_or_path, '/'))
        path = vb_backend_find(name_or_path, found, sizeof found, err, sizeof err) == 0 ? found
                                                                                      : NULL;
    if (!path || !realpath(path, file)) file[0] = '\0';
}

static int passed_before(const char *file)
{
    for (int i = 0; i < passed_count && file[0]; i++)
        if (strcmp(passed[i], file) == 0) return 1;
    return 0;
}

int vb_backend_try_isolated(const char *name_or_path, int threads, char *err, size_t err_len)
{
    char file[PATH_MAX];
    backend_file(name_or_path, file);
    if (passed_before(file)) return 0;
    int rc = try_in_child(name_or_path, threads, err, err_len);
    if (rc == 0 && file[0] && passed_count < MAX_PASSED)
        snprintf(passed[passed_count++], PATH_MAX, "%s", file);
    return rc;
}
