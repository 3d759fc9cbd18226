/* A training program's process: MPI group and progress line (cli_process.h). */
#include "cli_process.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cli_progress_line(void)
{
    const char *ci = getenv("CI");
    return isatty(STDOUT_FILENO) && !(ci && *ci);
}

void cli_join_ranks(const char *program, int *argc, char ***argv, vb_dist *world)
{
    char err[512];
    if (vb_dist_init(argc, argv, world, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        exit(2);
    }
    if (world->rank > 0 && !freopen("/dev/null", "w", stdout)) {
        fprintf(stderr, "%s: rank %d: cannot silence stdout\n", program, world->rank);
        vb_dist_abort(world, 2);
    }
}

void cli_leave_ranks(void)
{
    vb_dist_finalize();
}
