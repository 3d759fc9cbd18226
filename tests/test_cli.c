/* The command-line parser (suites/cli.c) on tables of its own: ranges, seeds, choices,
 * flags, positional arguments, required options, unknown options, missing values, command
 * selection, --help, the help text; then every built program and command as a user runs
 * them: --help exits 0 with the usage on stdout, an unknown option is one line naming it
 * with exit status 2, and the shared options keep one range everywhere. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../suites/cli.h"
#include "vitbench/train.h"
#include "shell.h"

/* ---- a program of two commands -------------------------------------------------------- */

static struct {
    const char *file, *out, *name;
    int64_t count;
    uint64_t seed;
    int split, verbose;
} opt;

static const cli_option run_options[] = {
    CLI_INT_OPT("--count", "N", &opt.count, 1, 4096, "how many"),
    CLI_SEED_OPT(&opt.seed, "the seed"),
    CLI_CHOICE_OPT("--split", "test|val|all", &opt.split, "which split"),
    CLI_FLAG_OPT("--verbose", &opt.verbose, "say more"),
    CLI_STRING_OPT("--name", "NAME", &opt.name, "a name"),
    {0}};

static const cli_option save_options[] = {
    CLI_REQUIRED_STRING_OPT("--out", "FILE", &opt.out, "where to"),
    {0}};

static const cli_command run_command = {
    .summary = "runs FILE", .args = {{"FILE", &opt.file}}, .options = run_options};

static const cli_command save_command = {
    .name = "save", .summary = "saves it", .options = save_options};

static const cli_program program = {
    .name = "prog",
    .summary = "A program of two commands.",
    .commands = (const cli_command *const[]){&save_command, &run_command, NULL},
    .notes = "FILE: any file."};

static const cli_command *chosen;
static char err[1024];

/* Parses the arguments after "prog" (a NULL-terminated list) from fresh defaults. */
static cli_status parse(const char *first, ...)
{
    char *argv[32] = {"prog"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) argv[argc++] = (char *)a;
    va_end(ap);
    memset(&opt, 0, sizeof opt);
    opt.count = 7;
    opt.seed = 1;
    err[0] = '\0';
    return cli_parse_args(&program, argc, argv, &chosen, err, sizeof err);
}

#define expect_error(message, ...)                                                        \
    do {                                                                                  \
        cr_assert_eq(parse(__VA_ARGS__, NULL), CLI_ERROR, "accepted");                    \
        cr_expect_str_eq(err, message);                                                   \
    } while (0)

Test(cli, integers_within_their_range)
{
    cr_assert_eq(parse("f", "--count", "1", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(opt.count, 1);
    cr_assert_eq(parse("f", "--count", "4096", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(opt.count, 4096);
    cr_assert_eq(parse("f", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(opt.count, 7, "the default changed");
    cr_expect_eq(chosen, &run_command);
    cr_expect_str_eq(opt.file, "f");
}

Test(cli, integers_out_of_range_or_malformed)
{
    const char *bad[] = {"0", "4097", "-1", "x", "", "1x", " 1", "+1", "0x10", "1.0",
                         "99999999999999999999", "-99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char message[256];
        snprintf(message, sizeof message,
                 "prog: --count: expected an integer in 1..4096, got '%s'", bad[i]);
        expect_error(message, "f", "--count", bad[i]);
        cr_expect_eq(opt.count, 7, "'%s' was stored", bad[i]);
    }
}

Test(cli, seeds_take_the_whole_unsigned_range)
{
    cr_assert_eq(parse("f", "--seed", "0", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(opt.seed, 0);
    cr_assert_eq(parse("f", "--seed", "18446744073709551615", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(opt.seed, UINT64_MAX);
    expect_error("prog: --seed: expected an integer in 0..2^64-1, got '18446744073709551616'",
                 "f", "--seed", "18446744073709551616");
    expect_error("prog: --seed: expected an integer in 0..2^64-1, got '-1'", "f", "--seed",
                 "-1");
}

Test(cli, choices_flags_and_strings)
{
    cr_assert_eq(parse("f", "--split", "all", "--verbose", "--name", "n", NULL), CLI_PARSED,
                 "%s", err);
    cr_expect_eq(opt.split, 2);
    cr_expect_eq(opt.verbose, 1);
    cr_expect_str_eq(opt.name, "n");
    expect_error("prog: --split: expected one of test, val or all, got 'train'", "f",
                 "--split", "train");
    expect_error("prog: --split: expected one of test, val or all, got 'va'", "f", "--split",
                 "va");
}

Test(cli, a_missing_value_is_named)
{
    expect_error("prog: --count: expected an integer in 1..4096, got nothing", "f", "--count");
    expect_error("prog: --name: expected NAME, got nothing", "f", "--name");
    /* "--name --verbose": the value was forgotten; --verbose is not a name */
    expect_error("prog: --name: expected NAME, got '--verbose'", "f", "--name", "--verbose");
    /* an empty value (--out "") names nothing: it once reached vb_train's own check */
    expect_error("prog: --name: expected NAME, got ''", "f", "--name", "");
}

Test(cli, unknown_options_and_arguments)
{
    expect_error("prog: unknown option '--cuont' (prog --help lists the options)", "f",
                 "--cuont", "3");
    expect_error("prog: unknown option '-c' (prog --help lists the options)", "f", "-c");
    expect_error("prog: unexpected argument 'g' (usage: prog FILE [OPTIONS])", "f", "g");
    expect_error("prog: missing FILE (usage: prog FILE [OPTIONS])", "--verbose");
    cr_assert_eq(parse("-", NULL), CLI_PARSED, "'-' is an argument: %s", err);
    cr_expect_str_eq(opt.file, "-");
}

Test(cli, a_failed_parse_writes_nothing)
{
    expect_error("prog: --count: expected an integer in 1..4096, got '0'", "f", "--verbose",
                 "--name", "n", "--seed", "9", "--count", "0");
    cr_expect_eq(opt.verbose, 0);
    cr_expect_null(opt.name);
    cr_expect_null(opt.file);
    cr_expect_eq(opt.seed, 1);
}

Test(cli, commands_and_required_options)
{
    cr_assert_eq(parse("save", "--out", "o", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(chosen, &save_command);
    cr_expect_str_eq(opt.out, "o");
    expect_error("prog save: --out FILE is required", "save");
    expect_error("prog save: unknown option '--count' (prog save --help lists the options)",
                 "save", "--out", "o", "--count", "3");
    /* a word that names no command is the unnamed command's argument */
    cr_assert_eq(parse("saved", NULL), CLI_PARSED, "%s", err);
    cr_expect_eq(chosen, &run_command);
}

Test(cli, programs_without_a_default_name_their_commands)
{
    static const cli_command a = {.name = "a", .summary = "A"}, b = {.name = "b", .summary = "B"},
                             c = {.name = "c", .summary = "C"};
    const cli_program three = {.name = "three", .summary = "Three.",
                               .commands = (const cli_command *const[]){&a, &b, &c, NULL}};
    char *none[] = {"three"}, *wrong[] = {"three", "d"}, *right[] = {"three", "b"};
    cr_expect_eq(cli_parse_args(&three, 1, none, &chosen, err, sizeof err), CLI_ERROR);
    cr_expect_str_eq(err, "three: missing command: a, b or c (three --help)");
    cr_expect_eq(cli_parse_args(&three, 2, wrong, &chosen, err, sizeof err), CLI_ERROR);
    cr_expect_str_eq(err, "three: unknown command 'd': a, b or c (three --help)");
    cr_expect_eq(cli_parse_args(&three, 2, right, &chosen, err, sizeof err), CLI_PARSED);
    cr_expect_eq(chosen, &b);
}

Test(cli, help_anywhere_and_before_errors_it_does_not_reach)
{
    cr_expect_eq(parse("--help", NULL), CLI_HELP);
    cr_expect_null(chosen, "the program's help");
    cr_expect_eq(parse("-h", NULL), CLI_HELP);
    cr_expect_eq(parse("save", "--help", NULL), CLI_HELP);
    cr_expect_eq(chosen, &save_command, "save's help");
    cr_expect_eq(parse("f", "--count", "3", "-h", "--count", "0", NULL), CLI_HELP);
    cr_expect_eq(chosen, &run_command);
    cr_expect_eq(opt.count, 7, "--help stored a value");
}

/* The help of the program (c NULL) or of one command, as text. */
static char *help_text(const cli_command *c)
{
    static char *text;
    size_t len;
    free(text);
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cli_print_help(f, &program, c);
    fclose(f);
    return text;
}

static int starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

Test(cli, help_comes_from_the_tables)
{
    opt.count = 7;
    opt.seed = 1;
    opt.split = 1;
    char *h = help_text(&run_command);
    cr_expect(starts_with(h, "Usage: prog FILE [OPTIONS]\nruns FILE\n\nOptions:\n"), "%s", h);
    cr_expect_not_null(strstr(h, "\n  --count N   "), "%s", h);
    cr_expect_not_null(strstr(h, " how many (1..4096, default 7)\n"), "%s", h);
    cr_expect_not_null(strstr(h, " the seed (0..2^64-1, default 1)\n"), "%s", h);
    cr_expect_not_null(strstr(h, "\n  --split test|val|all  which split (default val)\n"), "%s",
                       h);
    cr_expect_not_null(strstr(h, "\n  -h, --help  "), "%s", h);
    cr_expect_not_null(strstr(h, "\nFILE: any file.\n"), "%s", h);
    cr_expect_null(strstr(h, "--out"), "save's options in run's help: %s", h);
    h = help_text(&save_command);
    cr_expect(starts_with(h, "Usage: prog save --out FILE\nsaves it\n"), "%s", h);
    cr_expect_not_null(strstr(h, " where to (required)\n"), "%s", h);
    h = help_text(NULL);
    cr_expect(starts_with(h, "Usage: prog save --out FILE\n  or:  prog FILE [OPTIONS]\n"
                             "A program of two commands.\n\nCommands:\n"), "%s", h);
    cr_expect_not_null(strstr(h, "\nOptions of save:\n"), "%s", h);
    cr_expect_not_null(strstr(h, "\nOptions of FILE:\n"), "%s", h);
    for (char *line = h; *line; line += strcspn(line, "\n") + 1)
        cr_expect_leq(strcspn(line, "\n"), 79, "a line too long: %.*s",
                      (int)strcspn(line, "\n"), line);
}

Test(cli, help_wraps_long_text_at_79_columns)
{
    static const cli_option long_help[] = {
        CLI_FLAG_OPT("--x", &opt.verbose,
                     "one two three four five six seven eight nine ten eleven twelve thirteen "
                     "fourteen fifteen sixteen seventeen eighteen nineteen twenty\nnew line"),
        {0}};
    static const cli_command c = {.summary = "s", .options = long_help};
    const cli_program p = {.name = "p", .summary = "s",
                           .commands = (const cli_command *const[]){&c, NULL}};
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    cli_print_help(f, &p, &c);
    fclose(f);
    cr_expect_not_null(strstr(text, "\n  --x         one two three four five six seven eight "
                                    "nine ten eleven twelve\n"
                                    "              thirteen fourteen fifteen sixteen seventeen "
                                    "eighteen nineteen\n"
                                    "              twenty\n"
                                    "              new line\n"
                                    "  -h, --help  print this help and exit\n"), "%s", text);
    free(text);
}

/* ---- the programs --------------------------------------------------------------------- */

/* Every program and command, with the arguments that get it past its positional ones. */
static const char *const commands[] = {
    "vbtrain",          "vbtrain m r",          "vbmodel",          "vbmodel count m",
    "vbmodel step m",   "vbmodel bench m",      "vbmodel init m",   "vbmodel eval m w",
    "vbmodel export m w", "vbdata",             "vbdata info n",    "vbdata import s o",
    "vbdata path",      "runsuite",             "runsuite s",       "runsuite --list",
    "runsuite report",  "vbcheck",              "vbcheck test",     "vbcheck grad",
    "vbcheck perf",     "vbcheck list"};

Test(programs, help_on_every_program_and_command)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int rc = shell_run("{ %s/%s --help 2>/dev/null; }", VB_BUILDDIR, commands[i]);
        cr_expect_eq(rc, 0, "%s --help: %d\n%s", commands[i], rc, shell_output);
        cr_expect_eq(strncmp(shell_output, "Usage: ", 7), 0, "%s --help:\n%s", commands[i],
                     shell_output);
        cr_expect_not_null(strstr(shell_output, "-h, --help"), "%s", commands[i]);
    }
}

Test(programs, an_unknown_option_is_one_line_naming_it)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strchr(commands[i], ' ') == NULL && strcmp(commands[i], "vbtrain") != 0)
            continue; /* programs of several commands take a command first */
        int rc = shell_run("{ %s/%s --no-such-option 3 >/dev/null; }", VB_BUILDDIR,
                           commands[i]);
        cr_expect_eq(rc, 2, "%s: %d\n%s", commands[i], rc, shell_output);
        cr_expect_not_null(strstr(shell_output, "unknown option '--no-such-option'"), "%s: %s",
                           commands[i], shell_output);
        cr_expect_eq(strchr(shell_output, '\n'), shell_output + strlen(shell_output) - 1,
                     "%s: not one line: %s", commands[i], shell_output);
    }
}

/* One line on stderr naming the option and its range, exit status 2. */
static void expect_refused(const char *command, const char *line)
{
    int rc = shell_run("{ %s/%s >/dev/null; }", VB_BUILDDIR, command);
    cr_expect_eq(rc, 2, "%s: %d\n%s", command, rc, shell_output);
    char want[512];
    snprintf(want, sizeof want, "%s\n", line);
    cr_expect_str_eq(shell_output, want, "%s", command);
}

Test(programs, shared_options_have_one_range_everywhere)
{
    expect_refused("vbmodel step m --batch 1048577",
                   "vbmodel step: --batch: expected an integer in 1..1048576, got '1048577'");
    expect_refused("vbmodel bench m --batch 0",
                   "vbmodel bench: --batch: expected an integer in 1..1048576, got '0'");
    expect_refused("vbtrain m r --epochs 1000001",
                   "vbtrain: --epochs: expected an integer in 1..1000000, got '1000001'");
    expect_refused("runsuite s --epochs 0",
                   "runsuite: --epochs: expected an integer in 1..1000000, got '0'");
    expect_refused("vbtrain m r --limit 2147483648",
                   "vbtrain: --limit: expected an integer in 1..2147483647, got '2147483648'");
    expect_refused("runsuite s --limit x",
                   "runsuite: --limit: expected an integer in 1..2147483647, got 'x'");
    static const char *const threads[][2] = {
        {"vbtrain m r", "vbtrain"},           {"vbmodel step m", "vbmodel step"},
        {"vbmodel bench m", "vbmodel bench"}, {"vbmodel eval m w", "vbmodel eval"},
        {"runsuite s", "runsuite"},           {"vbcheck test", "vbcheck test"}};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        char command[128], line[256];
        snprintf(command, sizeof command, "%s --threads 1025", threads[i][0]);
        snprintf(line, sizeof line, "%s: --threads: expected an integer in 1..1024, got "
                 "'1025'", threads[i][1]);
        expect_refused(command, line);
    }
    expect_refused("vbmodel step m --seed -1",
                   "vbmodel step: --seed: expected an integer in 0..2^64-1, got '-1'");
    expect_refused("vbcheck perf --reps 10001",
                   "vbcheck perf: --reps: expected an integer in 1..10000, got '10001'");
    expect_refused("vbmodel count m --classes 1",
                   "vbmodel count: --classes: expected an integer in 2..1048576, got '1'");
}

/* A backend op that crashes (a segfaulting gemm, after a sound init) ends vbcheck with one
 * line naming the backend, the op, the case and how to rerun it, exit 1 — not a bare
 * SIGSEGV halfway through the table. */
Test(programs, vbcheck_names_an_op_that_crashes)
{
    int rc = shell_run("{ %s/vbcheck test --backend %s/tests/stubs/.libs/vitbench-stub-opcrash.so "
                       "--op gemm --case tiny --threads 1 >/dev/null; }", VB_BUILDDIR,
                       VB_BUILDDIR);
    cr_expect_eq(rc, 1, "%d: %s", rc, shell_output);
    cr_expect_str_eq(shell_output, "vbcheck: stub-opcrash: op gemm crashed on case tiny "
                     "(vbcheck test --backend stub-opcrash --op gemm --case tiny --seed 1234 "
                     "--threads 1): SIGSEGV\n");
}

Test(programs, seed_zero_is_a_seed_everywhere)
{
    char dir[256];
    shell_make_dir(dir, sizeof dir, "vb-cli");
    cr_expect_eq(shell_run("%s/vbmodel init keras_cct --seed 0 --out %s/w.safetensors",
                           VB_BUILDDIR, dir), 0, "%s", shell_output);
    cr_expect_not_null(strstr(shell_output, "wrote "), "%s", shell_output);
    /* vbtrain and runsuite get past their arguments to the missing recipe or suite */
    cr_expect_eq(shell_run("%s/vbtrain keras_cct %s/none.cfg --seed 0", VB_BUILDDIR, dir), 1,
                 "%s", shell_output);
    cr_expect_not_null(strstr(shell_output, "none.cfg"), "%s", shell_output);
    shell_run("%s/runsuite %s/none.cfg --seed 0", VB_BUILDDIR, dir);
    cr_expect_not_null(strstr(shell_output, "none.cfg"), "%s", shell_output);
    cr_expect_null(strstr(shell_output, "--seed"), "%s", shell_output);
    shell_remove_dir(dir);
}

/* A log or CSV that cannot be written (/dev/full plays the full disk) is an error, one
 * line naming the file and the reason, exit status 1: vbtrain's step log stops the run
 * (the checkpoint stays resumable), vbmodel bench's --csv fails the bench. */
Test(programs, a_log_that_cannot_be_written_is_one_line_and_status_1)
{
    int rc = shell_run("{ %s/vbmodel bench fashion_cct --backend naive --batch 2 --steps 1 "
                       "--reps 1 --warmup 0 --threads 1 --csv /dev/full >/dev/null; }",
                       VB_BUILDDIR);
    cr_expect_eq(rc, 1, "%d\n%s", rc, shell_output);
    cr_expect_not_null(strstr(shell_output, "\nvbmodel: /dev/full: cannot write: No space left "
                                            "on device\n"), "%s", shell_output);
}

Test(programs, a_step_log_that_cannot_be_written_stops_vbtrain)
{
    shell_skip_without_fashion_mnist();
    char dir[256];
    shell_make_dir(dir, sizeof dir, "vb-cli");
    int rc = shell_run("%s/vbtrain fashion_cct fashion_cct --epochs 1 --limit 256 --threads 1 "
                       "--out %s/run --step-log /dev/full --quiet", VB_BUILDDIR, dir);
    cr_expect_eq(rc, 1, "%d\n%s", rc, shell_output);
    cr_expect_str_eq(shell_output,
                     "vbtrain: /dev/full: cannot write the step log: No space left on device\n");
    shell_remove_dir(dir);
}

/* Training steps that cannot fit in memory are refused from the trainer's estimate before
 * anything is allocated, one line with the estimate and the --batch that would fit, exit
 * status 1 (under a 4 GiB cap, so a regression fails to allocate instead of swamping the
 * machine). Skipped where the available memory is unknown: nothing is checked there. */
Test(programs, steps_that_cannot_fit_in_memory_are_refused_before_allocating)
{
    if (vb_memory_available() == 0) cr_skip_test("available memory unknown");
    static const char *const commands[] = {"step", "bench"};
    for (int i = 0; i < 2; i++) {
        int rc = shell_run("{ ulimit -v 4000000; %s/vbmodel %s vit_huge --batch 1048576 "
                           "--steps 1 --threads 1 --backend naive >/dev/null; }",
                           VB_BUILDDIR, commands[i]);
        cr_expect_eq(rc, 1, "%s: %d\n%s", commands[i], rc, shell_output);
        cr_expect_eq(strncmp(shell_output, "vbmodel: vit_huge with batch 1048576 needs about ",
                             49), 0, "%s: %s", commands[i], shell_output);
        cr_expect_not_null(strstr(shell_output, "GiB is available: lower --batch (about "),
                           "%s: %s", commands[i], shell_output);
        cr_expect_eq(strchr(shell_output, '\n'), shell_output + strlen(shell_output) - 1,
                     "%s: not one line: %s", commands[i], shell_output);
    }
}
