/* The command-line parser of every program (vbtrain, vbmodel, vbdata, runsuite, vbcheck).
 *
 * A program is a list of commands; a command is its required positional arguments and a
 * table of options, each with its kind, range and help. The same table parses argv and
 * writes --help (so the two cannot drift, and help2man makes the man pages from it):
 *
 *   static struct { const char *model; int64_t batch; } opt = {.batch = 128};
 *   static const cli_option bench_options[] = {
 *       CLI_BATCH(&opt.batch, "images per step"),
 *       {0}};
 *   static const cli_command bench = {.name = "bench", .summary = "...",
 *       .args = {{"MODEL", &opt.model}}, .options = bench_options};
 *
 * The destinations hold the defaults until the parse succeeds; nothing is written when
 * it fails or asks for help. Errors are one line, "PROGRAM: OPTION: expected an integer
 * in 1..1048576, got 'x'", and exit status 2; --help (or -h) anywhere prints the command's
 * help (the program's, before a command) on stdout and exits 0. */
#ifndef VITBENCH_SUITES_CLI_H
#define VITBENCH_SUITES_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vitbench/layer.h"
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/replicas.h"
#include "vitbench/train.h"

typedef enum cli_kind {
    CLI_FLAG,   /* no value: *flag = 1 */
    CLI_STRING, /* *string = the value as given */
    CLI_INT,    /* *integer = a decimal integer in min..max */
    CLI_SEED,   /* *seed = a decimal integer in 0..2^64-1 */
    CLI_CHOICE  /* *choice = the index of the value among choices ("test|val" -> 0 or 1) */
} cli_kind;

typedef struct cli_option {
    const char *name;  /* "--batch" */
    const char *value; /* its value in the help ("N", "DIR"); choices show themselves */
    const char *help;  /* what it does; the range and the default are added to it */
    cli_kind kind;
    union {
        int *flag, *choice;
        const char **string;
        int64_t *integer;
        uint64_t *seed;
    } to;
    int64_t min, max;    /* CLI_INT */
    const char *choices; /* CLI_CHOICE: the values, '|'-separated */
    int required;        /* 1: the command refuses to run without it */
} cli_option;

/* Table entries; the table ends with {0}. */
#define CLI_FLAG_OPT(name_, dest, help_) {(name_), NULL, (help_), CLI_FLAG, .to.flag = (dest)}
#define CLI_STRING_OPT(name_, value_, dest, help_) \
    {(name_), (value_), (help_), CLI_STRING, .to.string = (dest)}
#define CLI_REQUIRED_STRING_OPT(name_, value_, dest, help_) \
    {(name_), (value_), (help_), CLI_STRING, .to.string = (dest), .required = 1}
#define CLI_INT_OPT(name_, value_, dest, lo, hi, help_) \
    {(name_), (value_), (help_), CLI_INT, .to.integer = (dest), .min = (lo), .max = (hi)}
#define CLI_CHOICE_OPT(name_, choices_, dest, help_) \
    {(name_), NULL, (help_), CLI_CHOICE, .to.choice = (dest), .choices = (choices_)}

/* The options several programs share, with one spelling and one range everywhere. */
/* --precision f32|bf16: the choice's index is its vb_precision value. */
#define CLI_PRECISION(dest, help_) CLI_CHOICE_OPT("--precision", "f32|bf16", dest, help_)
/* Training: the recipe's precision key unless given (dest starts at -1). */
#define CLI_TRAINING_PRECISION(dest) \
    CLI_PRECISION(dest, "what the backend's products compute in: bf16 rounds the inputs of " \
                        "GEMM, convolution and attention, f32 master weights and the rest stay " \
                        "(default: the recipe's precision key, else f32)")
#define CLI_THREADS(dest) \
    CLI_INT_OPT("--threads", "N", dest, 1, VB_MAX_THREADS, "threads of the backend")
/* Training: --threads is the most, the governor (governor.h) may use fewer. */
#define CLI_TRAINING_THREADS(dest) \
    CLI_INT_OPT("--threads", "N", dest, 1, VB_MAX_THREADS, \
                "threads of the backend: the most a step runs on, fewer while other " \
                "processes keep cores busy (see --fixed-threads)")
#define CLI_FIXED_THREADS(dest) \
    CLI_FLAG_OPT("--fixed-threads", dest, \
                 "run every step on --threads threads, however busy the machine")
/* Training: sample-parallel steps (replicas.h), VB_CHUNK_DEFAULT images per chunk. */
#define CLI_CHUNK(dest) \
    CLI_INT_OPT("--chunk", "N", dest, 0, VB_BATCH_MAX, \
                "images per chunk: each step's chunks run on one-thread replicas, one " \
                "worker per thread, which meet once per step and compute the same bits " \
                "on any thread count (0: every op on all the threads)")
#define CLI_SEED_OPT(dest, help_) {"--seed", "S", (help_), CLI_SEED, .to.seed = (dest)}
/* A batch's bytes must fit a size_t (model.h). */
#define CLI_BATCH(dest, help_) CLI_INT_OPT("--batch", "N", dest, 1, VB_BATCH_MAX, help_)
#define CLI_EPOCHS(dest) \
    CLI_INT_OPT("--epochs", "N", dest, 1, VB_EPOCHS_MAX, \
                "train N epochs instead of the recipe's; the summary says so")
#define CLI_LIMIT(dest) \
    CLI_INT_OPT("--limit", "N", dest, 1, VB_LIMIT_MAX, \
                "train on the first N training images only; the summary says so")
#define CLI_CLASSES(dest, help_) CLI_INT_OPT("--classes", "N", dest, 2, VB_WIDTH_MAX, help_)
#define CLI_DATA(dest) \
    CLI_STRING_OPT("--data", "DIR", dest, \
                   "look for datasets in DIR first, then along the data search path")
/* Repetitions of a timing: the median is taken. */
#define CLI_REPS(dest, help_) CLI_INT_OPT("--reps", "N", dest, 1, 10000, help_)

/* A required positional argument: its name in the help ("MODEL") and where it goes. */
typedef struct cli_arg {
    const char *name;
    const char **to;
} cli_arg;

#define CLI_MAX_ARGS 3

typedef struct cli_command {
    const char *name;    /* the word that selects it ("bench"); NULL: the program's form
                          * when argv[1] names no command (vbtrain MODEL RECIPE) */
    const char *summary; /* what it does, one or more lines */
    cli_arg args[CLI_MAX_ARGS];
    const cli_option *options; /* ended by {0}; commands may share one table */
} cli_command;

typedef struct cli_program {
    const char *name;    /* "vbmodel" */
    const char *summary; /* the help's first paragraph */
    const cli_command *const *commands; /* ended by NULL */
    const char *notes;   /* the help's last paragraph, or NULL */
} cli_program;

typedef enum cli_status { CLI_PARSED, CLI_HELP, CLI_ERROR } cli_status;

/* Parses argv[1..argc) for p. CLI_PARSED: *chosen is the command and its destinations
 * hold the values given (the others keep their defaults). CLI_HELP: --help or -h was
 * given; *chosen is the command it is for, or NULL for the whole program. CLI_ERROR: err
 * holds one line naming the program and the option or argument; nothing was written. */
cli_status cli_parse_args(const cli_program *p, int argc, char **argv,
                          const cli_command **chosen, char *err, size_t err_len);

/* The help of one command (its usage, summary and options), or of the whole program when
 * c is NULL (every command, their options grouped by table, the notes). */
void cli_print_help(FILE *to, const cli_program *p, const cli_command *c);

/* cli_parse_args for main(): returns the command parsed; prints the help and exits 0, or
 * prints the error and exits 2. */
const cli_command *cli_parse(const cli_program *p, int argc, char **argv);

/* For checks a table cannot make (a name looked up at run time): prints "PROGRAM:
 * OPTION: expected EXPECTED, got 'VALUE'" and exits 2. */
_Noreturn void cli_bad_value(const char *program, const char *option, const char *expected,
                             const char *value);

#endif
