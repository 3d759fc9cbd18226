/* Running the report script (report.h), from the source tree or where `make install`
 * put it, with the published numbers' and the suite files' folders beside it. */
#include "report.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

static const char *const script_paths[] = {VB_SRCDIR "/scripts/report", VB_REPORTDIR "/report"};
static const char *const published_dirs[] = {VB_SRCDIR "/suites/published",
                                             VB_PUBLISHEDDIR};

int report_run(const char *results_dir)
{
    int i = access(script_paths[0], X_OK) == 0 ? 0 : 1;
    if (access(script_paths[i], X_OK) != 0) {
        fprintf(stderr, "runsuite: no report script at %s or %s\n", script_paths[0],
                script_paths[1]);
        return -1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("runsuite: fork");
        return -1;
    }
    if (pid == 0) {
        execl(script_paths[i], script_paths[i], results_dir, published_dirs[i], suite_dirs[i],
              (char *)NULL);
        perror(script_paths[i]);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "runsuite: the report (%s) failed\n", script_paths[i]);
        return -1;
    }
    return 0;
}
