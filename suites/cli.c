/* Command-line helpers (cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int64_t cli_count_arg(const char *program, const char *option, const char *value, int64_t min)
{
    char *end;
    errno = 0;
    long long v = value ? strtoll(value, &end, 10) : 0;
    if (!value || errno || *end || v < min) {
        fprintf(stderr, "%s: %s needs an integer >= %lld, got '%s'\n", program, option,
                (long long)min, value ? value : "");
        exit(2);
    }
    return v;
}

int cli_progress_line(void)
{
    const char *ci = getenv("CI");
    return isatty(STDOUT_FILENO) && !(ci && *ci);
}
