/* Running the built programs from tests (shell.h). */
#include "shell.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "vitbench/dataset.h"

char shell_output[65536];

int shell_run(const char *fmt, ...)
{
    char command[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(command, sizeof command, fmt, ap);
    va_end(ap);
    strncat(command, " 2>&1", sizeof command - strlen(command) - 1);
    FILE *p = popen(command, "r");
    cr_assert_not_null(p);
    size_t n = fread(shell_output, 1, sizeof shell_output - 1, p);
    shell_output[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void shell_result_line(char *line, size_t len)
{
    const char *at = strstr(shell_output, "top1 ");
    cr_assert_not_null(at, "no result line in:\n%s", shell_output);
    snprintf(line, len, "%.*s", (int)strcspn(at, "\n"), at);
}

void shell_expect_same_result(const char *other, const char *ours, const char *context)
{
    double top1[2], top5[2], loss[2];
    const char *line[2] = {other, ours};
    for (int i = 0; i < 2; i++)
        cr_assert_eq(sscanf(line[i], "top1 %lf top5 %lf loss %lf", &top1[i], &top5[i],
                            &loss[i]), 3, "not a result line: '%s'", line[i]);
    cr_expect(top1[0] == top1[1] && top5[0] == top5[1] && fabs(loss[0] - loss[1]) <= 1.5e-6,
              "'%s' against ours '%s' (top-1 and top-5 exactly, loss within 1e-6)\n%s",
              other, ours, context);
}

char *shell_slurp(const char *path)
{
    static char text[65536];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s missing", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

void shell_make_dir(char *dir, size_t len, const char *prefix)
{
    snprintf(dir, len, "/tmp/%s-XXXXXX", prefix);
    cr_assert_not_null(mkdtemp(dir));
}

void shell_remove_dir(const char *dir)
{
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

void shell_skip_without_fashion_mnist(void)
{
    vb_dataset train, test;
    char err[1024];
    if (vb_dataset_open("fashion_mnist", NULL, &train, &test, err, sizeof err) != 0)
        cr_skip_test("Fashion-MNIST absent (apt-get install dataset-fashion-mnist): %s", err);
    vb_dataset_free(&train);
    vb_dataset_free(&test);
}
