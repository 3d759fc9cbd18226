/* Command-line helpers (cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int64_t cli_int_arg(const char *program, const char *option, const char *value, int64_t min,
                    int64_t max)
{
    char *end;
    errno = 0;
    long long v = value ? strtoll(value, &end, 10) : 0;
    if (value && !errno && *end == '\0' && end != value && v >= min && v <= max) return v;
    if (max == INT64_MAX)
        fprintf(stderr, "%s: %s needs an integer >= %lld, got '%s'\n", program, option,
                (long long)min, value ? value : "");
    else
        fprintf(stderr, "%s: %s needs an integer from %lld to %lld, got '%s'\n", program,
                option, (long long)min, (long long)max, value ? value : "");
    exit(2);
}

int64_t cli_count_arg(const char *program, const char *option, const char *value, int64_t min)
{
    return cli_int_arg(program, option, value, min, INT64_MAX);
}

int cli_choice_arg(const char *program, const char *option, const char *value, const char *no,
                   const char *yes)
{
    if (value && strcmp(value, yes) == 0) return 1;
    if (value && strcmp(value, no) == 0) return 0;
    fprintf(stderr, "%s: %s takes %s or %s, got '%s'\n", program, option, no, yes,
            value ? value : "");
    exit(2);
}

void cli_unknown_option(const char *program, const char *option, const char *value)
{
    fprintf(stderr, "%s: unknown option '%s'%s\n", program, option,
            value || option[0] != '-' ? "" : " (or its value is missing)");
}

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
