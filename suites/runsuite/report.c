/* Running the report script (report.h), from the source tree or where `make install`
 * put it, with the published numbers' and the suite files' folders beside it. */
#include "report.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../data_dir.h"
#include "vitbench/files.h"

int report_run(const char *results_dir)
{
    char script[VB_PATH_ROOM];
    snprintf(script, sizeof script, "%s/report", data_dir(DATA_SCRIPTS));
    if (access(script, X_OK) != 0) {
        fprintf(stderr, "runsuite: no report script at %s\n", script);
        return -1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("runsuite: fork");
        return -1;
    }
    if (pid == 0) {
        execl(script, script, results_dir, data_dir(DATA_PUBLISHED), data_dir(DATA_SUITES),
              (char *)NULL);
        perror(script);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("runsuite: waiting for the report");
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    /* Exit status 1: the script has said why, in one line per failure (a CSV it refused, a
     * plot gnuplot could not draw); anything else (a signal, a command it could not run)
     * gets a line here. */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
        fprintf(stderr, "runsuite: the report (%s) failed\n", script);
    return -1;
}
