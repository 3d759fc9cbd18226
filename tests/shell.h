/* Running the built programs from tests: a command line's exit status with its output
 * captured, a file's text, and a scratch folder. Assertions fail the calling test. */
#ifndef VITBENCH_TESTS_SHELL_H
#define VITBENCH_TESTS_SHELL_H

#include <stddef.h>

/* stdout and stderr of the last shell_run. */
extern char shell_output[65536];

/* Runs a shell command line (printf-style); returns its exit status, -1 if it was killed. */
__attribute__((format(printf, 1, 2))) int shell_run(const char *fmt, ...);

/* The result line of the last shell_run (vbmodel eval's and the PyTorch scripts'
 * "top1 T top5 T loss L"), copied into line; fails the test when there is none. */
void shell_result_line(char *line, size_t len);

/* Another framework's result line agrees with ours (both "top1 T top5 T loss L"): top-1
 * and top-5 exactly (counts over the split: a different count moves them by 1/N), the
 * loss to one unit of its last printed digit (1e-6: a float32 mean summed in another
 * order can round to the neighbouring value). An expectation: the test goes on. */
void shell_expect_same_result(const char *other, const char *ours, const char *context);

/* The text of a file (up to 64 KiB), in a buffer that the next call reuses. */
char *shell_slurp(const char *path);

/* Skips the calling test, saying why, when Debian's Fashion-MNIST (the data of the
 * programs' short trainings) is not installed. */
void shell_skip_without_fashion_mnist(void);

/* mkdtemp("/tmp/PREFIX-XXXXXX") into dir; shell_remove_dir removes it and all inside. */
void shell_make_dir(char *dir, size_t len, const char *prefix);
void shell_remove_dir(const char *dir);

#endif
