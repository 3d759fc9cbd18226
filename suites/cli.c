/* The command-line parser and the help it writes (cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- choices: "a|b|c" ------------------------------------------------------------------ */

static int choice_count(const char *choices)
{
    int n = 1;
    for (const char *c = choices; *c; c++) n += *c == '|';
    return n;
}

/* The index of value among choices, or -1. */
static int choice_index(const char *choices, const char *value)
{
    size_t n = strlen(value);
    int k = 0;
    for (const char *c = choices;; k++) {
        const char *end = strchr(c, '|');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len == n && strncmp(c, value, n) == 0) return k;
        if (!end) return -1;
        c = end + 1;
    }
}

/* Choice k of choices, into buf. */
static const char *choice_name(const char *choices, int k, char *buf, size_t len)
{
    const char *c = choices;
    for (; k > 0 && strchr(c, '|'); k--) c = strchr(c, '|') + 1;
    snprintf(buf, len, "%.*s", (int)strcspn(c, "|"), c);
    return buf;
}

/* ---- values ---------------------------------------------------------------------------- */

/* What an option takes, as errors and help say it: "an integer in 1..1024", "test or val",
 * "one of a, b or c", "DIR". */
static void expected(const cli_option *o, char *buf, size_t len)
{
    switch (o->kind) {
    case CLI_INT:
        snprintf(buf, len, "an integer in %lld..%lld", (long long)o->min, (long long)o->max);
        return;
    case CLI_SEED: snprintf(buf, len, "an integer in 0..2^64-1"); return;
    case CLI_CHOICE: {
        int n = choice_count(o->choices);
        size_t used = (size_t)snprintf(buf, len, "%s", n > 2 ? "one of " : "");
        for (int k = 0; k < n && used < len; k++) {
            char name[64];
            used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                     k == 0 ? "" : k == n - 1 ? " or " : ", ",
                                     choice_name(o->choices, k, name, sizeof name));
        }
        return;
    }
    default: snprintf(buf, len, "%s", o->value ? o->value : "a value"); return;
    }
}

/* A decimal integer: an optional '-', then digits only (no spaces, no '+', no hex). */
static int decimal(const char *text, int allow_minus)
{
    const char *d = allow_minus && text[0] == '-' ? text + 1 : text;
    return *d && strspn(d, "0123456789") == strlen(d);
}

/* Checks value against o and, when apply, stores it. 0, or -1 with err set. */
static int take_value(const char *prefix, const cli_option *o, const char *value, int apply,
                      char *err, size_t err_len)
{
    int ok = 0;
    int64_t integer = 0;
    uint64_t seed = 0;
    int choice = -1;
    /* "--out --resume": the value was forgotten, not "--resume". */
    int looks_like_option = value && value[0] == '-' && value[1] == '-' && value[2];
    if (value && !looks_like_option) {
        char *end;
        errno = 0;
        switch (o->kind) {
        case CLI_INT:
            integer = decimal(value, 1) ? strtoll(value, &end, 10) : 0;
            ok = decimal(value, 1) && !errno && integer >= o->min && integer <= o->max;
            break;
        case CLI_SEED:
            seed = decimal(value, 0) ? strtoull(value, &end, 10) : 0;
            ok = decimal(value, 0) && !errno;
            break;
        case CLI_CHOICE: ok = (choice = choice_index(o->choices, value)) >= 0; break;
        case CLI_STRING: ok = value[0] != '\0'; break; /* --out "": no folder, not "here" */
        default: ok = 1; break;
        }
    }
    if (!ok) {
        char want[256];
        expected(o, want, sizeof want);
        if (value)
            snprintf(err, err_len, "%s: %s: expected %s, got '%s'", prefix, o->name, want,
                     value);
        else
            snprintf(err, err_len, "%s: %s: expected %s, got nothing", prefix, o->name, want);
        return -1;
    }
    if (!apply) return 0;
    switch (o->kind) {
    case CLI_INT: *o->to.integer = integer; break;
    case CLI_SEED: *o->to.seed = seed; break;
    case CLI_CHOICE: *o->to.choice = choice; break;
    case CLI_STRING: *o->to.string = value; break;
    case CLI_FLAG: break;
    }
    return 0;
}

/* ---- parsing --------------------------------------------------------------------------- */

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

static int arg_count(const cli_command *c)
{
    int n = 0;
    while (n < CLI_MAX_ARGS && c->args[n].name) n++;
    return n;
}

static int option_count(const cli_command *c)
{
    int n = 0;
    while (c->options && c->options[n].name) n++;
    return n;
}

/* "vbmodel bench", or "vbtrain" for a program's unnamed form. */
static void command_prefix(const cli_program *p, const cli_command *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", p->name, c->name ? " " : "", c->name ? c->name : "");
}

/* "vbmodel bench MODEL --out FILE [OPTIONS]" */
static void synopsis(const cli_program *p, const cli_command *c, char *buf, size_t len)
{
    command_prefix(p, c, buf, len);
    size_t used = strlen(buf);
    int optional = 0;
    for (int k = 0; k < arg_count(c) && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, " %s", c->args[k].name);
    for (int k = 0; k < option_count(c) && used < len; k++) {
        const cli_option *o = &c->options[k];
        if (o->required)
            used += (size_t)snprintf(buf + used, len - used, " %s %s", o->name,
                                     o->value ? o->value : o->choices);
        else
            optional = 1;
    }
    if (optional && used < len) snprintf(buf + used, len - used, " [OPTIONS]");
}

static const cli_option *find_option(const cli_command *c, const char *name)
{
    for (int k = 0; k < option_count(c); k++)
        if (strcmp(c->options[k].name, name) == 0) return &c->options[k];
    return NULL;
}

/* 1 when argv[first..argc) names the option (a value never starts with "--": take_value). */
static int given(const char *name, int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

/* One pass over argv[first..argc) for command c: checks everything, and stores the values
 * when apply. */
static cli_status parse_command(const cli_program *p, const cli_command *c, int argc,
                                char **argv, int first, int apply, char *err, size_t err_len)
{
    char prefix[128], usage[512];
    command_prefix(p, c, prefix, sizeof prefix);
    int positional = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) return CLI_HELP;
        if (a[0] != '-' || a[1] == '\0') { /* "-" is an argument, as for most tools */
            if (positional == arg_count(c)) {
                synopsis(p, c, usage, sizeof usage);
                snprintf(err, err_len, "%s: unexpected argument '%s' (usage: %s)", prefix, a,
                         usage);
                return CLI_ERROR;
            }
            if (apply) *c->args[positional].to = a;
            positional++;
            continue;
        }
        const cli_option *o = find_option(c, a);
        if (!o) {
            snprintf(err, err_len, "%s: unknown option '%s' (%s --help lists the options)",
                     prefix, a, prefix);
            return CLI_ERROR;
        }
        if (o->kind == CLI_FLAG) {
            if (apply) *o->to.flag = 1;
            continue;
        }
        const char *value = i + 1 < argc ? argv[++i] : NULL;
        if (take_value(prefix, o, value, apply, err, err_len)) return CLI_ERROR;
    }
    if (positional < arg_count(c)) {
        synopsis(p, c, usage, sizeof usage);
        snprintf(err, err_len, "%s: missing %s (usage: %s)", prefix, c->args[positional].name,
                 usage);
        return CLI_ERROR;
    }
    for (int k = 0; k < option_count(c); k++) {
        const cli_option *o = &c->options[k];
        if (o->required && !given(o->name, argc, argv, first)) {
            snprintf(err, err_len, "%s: %s %s is required", prefix, o->name,
                     o->value ? o->value : o->choices);
            return CLI_ERROR;
        }
    }
    return CLI_PARSED;
}

/* "count, step or bench": the words that select commands. */
static void command_words(const cli_program *p, char *buf, size_t len)
{
    int n = 0, used = 0;
    for (int k = 0; p->commands[k]; k++) n += p->commands[k]->name != NULL;
    buf[0] = '\0';
    for (int k = 0, w = 0; p->commands[k] && (size_t)used < len; k++) {
        if (!p->commands[k]->name) continue;
        used += snprintf(buf + used, len - (size_t)used, "%s%s",
                         w == 0 ? "" : w == n - 1 ? " or " : ", ", p->commands[k]->name);
        w++;
    }
}

cli_status cli_parse_args(const cli_program *p, int argc, char **argv,
                          const cli_command **chosen, char *err, size_t err_len)
{
    *chosen = NULL;
    if (argc >= 2 && is_help(argv[1])) return CLI_HELP;
    const cli_command *unnamed = NULL;
    for (int k = 0; p->commands[k]; k++) {
        const cli_command *c = p->commands[k];
        if (!c->name) unnamed = c;
        else if (argc >= 2 && strcmp(argv[1], c->name) == 0) *chosen = c;
    }
    int first = 2;
    if (!*chosen && unnamed) {
        *chosen = unnamed;
        first = 1;
    }
    if (!*chosen) {
        char words[256];
        command_words(p, words, sizeof words);
        if (argc < 2)
            snprintf(err, err_len, "%s: missing command: %s (%s --help)", p->name, words,
                     p->name);
        else
            snprintf(err, err_len, "%s: unknown command '%s': %s (%s --help)", p->name,
                     argv[1], words, p->name);
        return CLI_ERROR;
    }
    /* Checked in full first, so that a failed parse or --help leaves the defaults. */
    cli_status s = parse_command(p, *chosen, argc, argv, first, 0, err, err_len);
    if (s == CLI_PARSED) parse_command(p, *chosen, argc, argv, first, 1, err, err_len);
    return s;
}

const cli_command *cli_parse(const cli_program *p, int argc, char **argv)
{
    const cli_command *c;
    char err[1024];
    switch (cli_parse_args(p, argc, argv, &c, err, sizeof err)) {
    case CLI_PARSED: return c;
    case CLI_HELP:
        cli_print_help(stdout, p, c);
        exit(0);
    case CLI_ERROR: break;
    }
    fprintf(stderr, "%s\n", err);
    exit(2);
}

_Noreturn void cli_bad_value(const char *program, const char *option, const char *want,
                             const char *value)
{
    fprintf(stderr, "%s: %s: expected %s, got '%s'\n", program, option, want, value);
    exit(2);
}

/* ---- help ------------------------------------------------------------------------------ */

#define HELP_WIDTH 79 /* columns */

/* text, starting at column `column`, wrapped at spaces to HELP_WIDTH columns; each of
 * its lines ('\n') and each wrapped line after the first starts at column indent. A word
 * longer than the room left gets a line of its own. */
static void put_wrapped(FILE *to, const char *text, int indent, int column)
{
    int fresh = 1; /* nothing written on this line yet */
    for (const char *c = text; *c;) {
        if (*c == ' ') {
            c++;
            continue;
        }
        int word = (int)strcspn(c, " \n");
        if (*c == '\n' || (!fresh && column + 1 + word > HELP_WIDTH)) {
            fprintf(to, "\n%*s", indent, "");
            column = indent;
            fresh = 1;
            c += *c == '\n';
            continue;
        }
        column += fprintf(to, "%s%.*s", fresh ? "" : " ", word, c);
        fresh = 0;
        c += word;
    }
    fputc('\n', to);
}

/* "--batch N", "--split test|val", "--resume" */
static void option_label(const cli_option *o, char *buf, size_t len)
{
    if (o->kind == CLI_FLAG) snprintf(buf, len, "%s", o->name);
    else snprintf(buf, len, "%s %s", o->name, o->kind == CLI_CHOICE ? o->choices : o->value);
}

/* " (1..1024, default 2)", " (default best)", " (required)" or "": what the help adds. */
static void option_note(const cli_option *o, char *buf, size_t len)
{
    char range[64] = "", fallback[256] = "";
    if (o->kind == CLI_INT)
        snprintf(range, sizeof range, "%lld..%lld", (long long)o->min, (long long)o->max);
    if (o->kind == CLI_SEED) snprintf(range, sizeof range, "0..2^64-1");
    if (o->required) snprintf(fallback, sizeof fallback, "required");
    else if (o->kind == CLI_INT && *o->to.integer >= o->min && *o->to.integer <= o->max)
        snprintf(fallback, sizeof fallback, "default %lld", (long long)*o->to.integer);
    else if (o->kind == CLI_SEED)
        snprintf(fallback, sizeof fallback, "default %llu", (unsigned long long)*o->to.seed);
    else if (o->kind == CLI_CHOICE && *o->to.choice >= 0) {
        char name[64];
        snprintf(fallback, sizeof fallback, "default %s",
                 choice_name(o->choices, *o->to.choice, name, sizeof name));
    } else if (o->kind == CLI_STRING && *o->to.string)
        snprintf(fallback, sizeof fallback, "default %s", *o->to.string);
    const char *sep = range[0] && fallback[0] ? ", " : "";
    if (range[0] || fallback[0]) snprintf(buf, len, " (%s%s%s)", range, sep, fallback);
    else buf[0] = '\0';
}

static const char HELP_LINE[] = "print this help and exit";

static void print_options(FILE *to, const cli_option *options)
{
    int width = (int)strlen("-h, --help");
    char label[128], note[384], text[1024];
    for (const cli_option *o = options; o && o->name; o++) {
        option_label(o, label, sizeof label);
        if ((int)strlen(label) > width) width = (int)strlen(label);
    }
    for (const cli_option *o = options; o && o->name; o++) {
        option_label(o, label, sizeof label);
        option_note(o, note, sizeof note);
        snprintf(text, sizeof text, "%s%s", o->help, note);
        fprintf(to, "  %-*s  ", width, label);
        put_wrapped(to, text, width + 4, width + 4);
    }
    fprintf(to, "  %-*s  %s\n", width, "-h, --help", HELP_LINE);
}

static void print_command_help(FILE *to, const cli_program *p, const cli_command *c)
{
    char usage[512];
    synopsis(p, c, usage, sizeof usage);
    fprintf(to, "Usage: %s\n", usage);
    put_wrapped(to, c->summary ? c->summary : p->summary, 0, 0);
    fprintf(to, "\nOptions:\n");
    print_options(to, c->options);
    if (p->notes) {
        fprintf(to, "\n");
        put_wrapped(to, p->notes, 0, 0);
    }
}

/* "count", or "SUITE" for an unnamed command. */
static const char *command_label(const cli_command *c)
{
    return c->name ? c->name : c->args[0].name ? c->args[0].name : "";
}

static int shared_table(const cli_program *p, int k)
{
    for (int j = 0; j < k; j++)
        if (p->commands[j]->options == p->commands[k]->options) return 1;
    return 0;
}

/* Each distinct option table once, headed by the commands that use it. */
static void print_option_tables(FILE *to, const cli_program *p)
{
    int tables = 0;
    for (int k = 0; p->commands[k]; k++)
        tables += option_count(p->commands[k]) > 0 && !shared_table(p, k);
    for (int k = 0; p->commands[k]; k++) {
        const cli_command *c = p->commands[k];
        if (option_count(c) == 0 || shared_table(p, k)) continue;
        fprintf(to, "\nOptions%s", tables > 1 ? " of " : "");
        for (int j = k, n = 0; tables > 1 && p->commands[j]; j++)
            if (p->commands[j]->options == c->options)
                fprintf(to, "%s%s", n++ ? ", " : "", command_label(p->commands[j]));
        fprintf(to, ":\n");
        print_options(to, c->options);
    }
}

static void print_program_help(FILE *to, const cli_program *p)
{
    char usage[512];
    int n = 0, width = 0;
    for (; p->commands[n]; n++) {
        int len = (int)strlen(command_label(p->commands[n]));
        if (len > width) width = len;
    }
    for (int k = 0; k < n; k++) {
        synopsis(p, p->commands[k], usage, sizeof usage);
        fprintf(to, "%s %s\n", k == 0 ? "Usage:" : "  or: ", usage);
    }
    put_wrapped(to, p->summary, 0, 0);
    if (n > 1) {
        fprintf(to, "\nCommands:\n");
        for (int k = 0; k < n; k++) {
            fprintf(to, "  %-*s  ", width, command_label(p->commands[k]));
            put_wrapped(to, p->commands[k]->summary, width + 4, width + 4);
        }
    }
    print_option_tables(to, p);
    if (n > 1)
        fprintf(to, "\n%s COMMAND --help prints the help of one command.\n", p->name);
    if (p->notes) {
        fprintf(to, "\n");
        put_wrapped(to, p->notes, 0, 0);
    }
}

void cli_print_help(FILE *to, const cli_program *p, const cli_command *c)
{
    if (c) print_command_help(to, p, c);
    else print_program_help(to, p);
}
