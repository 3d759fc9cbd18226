/* Model description files: the INI dialect, its syntax errors, the typed getters and the
 * unused-key check. Every error must name the file, the right line and the key. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vitbench/cfg.h"

#define NAME "model.cfg"

static char err[512];

static vb_cfg parse_ok(const char *text)
{
    vb_cfg cfg;
    err[0] = '\0';
    cr_assert_eq(vb_cfg_parse(&cfg, NAME, text, err, sizeof err), 0, "rejected: %s", err);
    return cfg;
}

/* err must hold "model.cfg:<line>: " and every needle (NULL-terminated). */
static void assert_error_at(int line, const char *const *needles)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, NAME ":%d: ", line);
    cr_assert_eq(strncmp(err, prefix, strlen(prefix)), 0, "'%s' does not start with '%s'", err,
                 prefix);
    cr_assert_null(strchr(err, '\n'), "more than one line: '%s'", err);
    for (int i = 0; needles[i]; i++)
        cr_assert_not_null(strstr(err, needles[i]), "'%s' lacks '%s'", err, needles[i]);
}
#define ASSERT_ERROR_AT(line, ...) assert_error_at(line, (const char *const[]){__VA_ARGS__, NULL})

static void parse_fails_at(const char *text, int line, const char *needle)
{
    vb_cfg cfg;
    err[0] = '\0';
    cr_assert_eq(vb_cfg_parse(&cfg, NAME, text, err, sizeof err), -1, "accepted:\n%s", text);
    cr_assert_eq(cfg.count, 0, "partial cfg left behind");
    ASSERT_ERROR_AT(line, needle);
}

/* ---- the dialect ---------------------------------------------------------------------- */

Test(cfg, parses_sections_keys_and_comments)
{
    vb_cfg cfg = parse_ok("# a model\n"
                          "; another comment\n"
                          "\n"
                          "[net]   # trailing comment\n"
                          "  width   =  32  \n"
                          "name = a#b ; c\n"
                          "expr = x=y\r\n"
                          "empty =\n"
                          "[ block ]\n"
                          "width = 1\n"
                          "[block]\n"
                          "width = 2");
    cr_assert_eq(cfg.count, 3);
    cr_assert_str_eq(cfg.file, NAME);
    vb_cfg_section *net = &cfg.sections[0];
    cr_assert_str_eq(net->name, "net");
    cr_assert_eq(net->line, 4);
    cr_assert_str_eq(net->file, NAME);
    cr_assert_eq(net->count, 4);
    cr_assert_str_eq(net->entries[0].key, "width");
    cr_assert_str_eq(net->entries[0].value, "32");
    cr_assert_eq(net->entries[0].line, 5);
    cr_assert_str_eq(vb_cfg_find(net, "name"), "a#b", "'#' inside a word is not a comment");
    cr_assert_str_eq(vb_cfg_find(net, "expr"), "x=y", "CRLF or second '=' mishandled");
    cr_assert_str_eq(vb_cfg_find(net, "empty"), "");
    // Repeated sections stay separate and in file order.
    cr_assert_str_eq(cfg.sections[1].name, "block");
    cr_assert_str_eq(cfg.sections[1].entries[0].value, "1");
    cr_assert_str_eq(cfg.sections[2].entries[0].value, "2");
    cr_assert_eq(cfg.sections[2].entries[0].line, 12);
    vb_cfg_free(&cfg);
    cr_assert_eq(cfg.count, 0);
    cr_assert_null(cfg.sections);
}

Test(cfg, empty_text_has_no_sections)
{
    vb_cfg cfg = parse_ok("\n  \n# only comments\n");
    cr_assert_eq(cfg.count, 0);
    vb_cfg_free(&cfg);
}

Test(cfg, lines_of_any_length)
{
    size_t n = 100000;
    char *text = malloc(n + 64);
    cr_assert_not_null(text);
    char *p = text + sprintf(text, "[s]\nlong = ");
    memset(p, 'v', n);
    strcpy(p + n, "\nafter = 1\n");
    vb_cfg cfg = parse_ok(text);
    cr_assert_eq(strlen(vb_cfg_find(&cfg.sections[0], "long")), n, "long line truncated");
    cr_assert_str_eq(vb_cfg_find(&cfg.sections[0], "after"), "1");
    cr_assert_eq(cfg.sections[0].entries[1].line, 3);
    vb_cfg_free(&cfg);
    free(text);
}

Test(cfg, rejects_line_without_equals)
{
    parse_fails_at("[s]\na = 1\nheads 4\n", 3, "'heads 4'");
}

Test(cfg, rejects_key_before_section)
{
    parse_fails_at("# header\nwidth = 3\n[s]\n", 2, "'width'");
}

Test(cfg, rejects_empty_key)
{
    parse_fails_at("[s]\n\n  = 3\n", 3, "empty key");
}

Test(cfg, rejects_duplicate_key_in_one_section)
{
    parse_fails_at("[s]\nheads = 2\ndim = 4\nheads = 3\n", 4, "key 'heads'");
    ASSERT_ERROR_AT(4, "[s]", "duplicate", "line 2");
    // The same key in a repeated section is fine.
    vb_cfg cfg = parse_ok("[s]\nheads = 2\n[s]\nheads = 3\n");
    vb_cfg_free(&cfg);
}

Test(cfg, rejects_unterminated_section)
{
    parse_fails_at("[s]\na = 1\n[encoder\nb = 2\n", 3, "unterminated '['");
}

Test(cfg, rejects_text_after_section)
{
    parse_fails_at("[s] x\n", 1, "after ']'");
}

Test(cfg, rejects_empty_section_name)
{
    parse_fails_at("\n[  ]\n", 2, "empty section name");
}

/* ---- files ------------------------------------------------------------------------------ */

Test(cfg, loads_a_file)
{
    char path[] = "/tmp/test_cfg_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs("[net]\nheads = 4\n[net]\nheads = two\n", f);
    fclose(f);

    vb_cfg cfg;
    cr_assert_eq(vb_cfg_load(&cfg, path, err, sizeof err), 0, "%s", err);
    unlink(path);
    cr_assert_str_eq(cfg.file, path);
    cr_assert_eq(cfg.count, 2);
    int64_t heads;
    cr_assert_eq(vb_cfg_int(&cfg.sections[0], "heads", &heads, err, sizeof err), 0, "%s", err);
    cr_assert_eq(heads, 4);
    cr_assert_eq(vb_cfg_int(&cfg.sections[1], "heads", &heads, err, sizeof err), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:4: [net] key 'heads': ", path);
    cr_assert_eq(strncmp(err, want, strlen(want)), 0, "'%s' does not start with '%s'", err, want);
    cr_assert_not_null(strstr(err, "'two'"), "%s", err);
    vb_cfg_free(&cfg);
}

/* Writes n bytes to a fresh temporary file; its path is in path (of 32 bytes). */
static void write_temp(char *path, const char *bytes, size_t n)
{
    strcpy(path, "/tmp/test_cfg_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, bytes, n), (ssize_t)n);
    close(fd);
}

/* A NUL byte would end a C string: the rest of the file would vanish without a word. */
Test(cfg, nul_byte_in_a_file_is_an_error_at_its_line)
{
    static const char text[] = "[recipe]\nepochs = 5\0\nlabel_smoothing = 0.1\n";
    char path[32], want[64];
    write_temp(path, text, sizeof text - 1);
    vb_cfg cfg;
    int rc = vb_cfg_load(&cfg, path, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, -1, "a file with a NUL byte loaded");
    snprintf(want, sizeof want, "%s:2: NUL byte (not a text file)", path);
    cr_assert_str_eq(err, want);
}

Test(cfg, byte_order_mark_is_skipped)
{
    vb_cfg cfg = parse_ok("\xef\xbb\xbf# A small model\n[s]\na = 1\n");
    cr_assert_eq(cfg.count, 1);
    cr_assert_str_eq(vb_cfg_find(&cfg.sections[0], "a"), "1");
    vb_cfg_free(&cfg);
}

Test(cfg, accepts_utf8_tabs_and_crlf)
{
    vb_cfg cfg = parse_ok("[s]\r\nnotes = caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\r\n\tb\t= 2\n");
    cr_assert_str_eq(vb_cfg_find(&cfg.sections[0], "notes"),
                     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    cr_assert_str_eq(vb_cfg_find(&cfg.sections[0], "b"), "2");
    vb_cfg_free(&cfg);
}

Test(cfg, rejects_invalid_utf8)
{
    static const char *const bad[] = {
        "caf\xe9",             /* Latin-1 */
        "\xc0\xaf",            /* overlong '/' */
        "\xe0\x80\xaf",        /* overlong, three bytes */
        "\xed\xa0\x80",        /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80",    /* above U+10FFFF */
        "\xe2\x82",            /* cut short at the end */
        "\xe2\x82 x",          /* cut short mid-line */
        "\x80",                /* a lone continuation byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "[s]\nname = %s\n", bad[i]);
        parse_fails_at(text, 2, "not valid UTF-8");
    }
}

Test(cfg, rejects_control_characters)
{
    parse_fails_at("[s]\na = 1\x1b[0m\n", 2, "control character 0x1b");
    parse_fails_at("[s]\na = 1\rb = 2\n", 2, "control character 0x0d"); /* not CRLF */
    parse_fails_at("[s]\n\x0c\n", 2, "control character 0x0c");
    parse_fails_at("[s]\na = \x7f\n", 2, "control character 0x7f");
}

Test(cfg, missing_file_names_path_and_reason)
{
    vb_cfg cfg;
    const char *path = "/nonexistent/dir/model.cfg";
    cr_assert_eq(vb_cfg_load(&cfg, path, err, sizeof err), -1);
    cr_assert_str_eq(err, "/nonexistent/dir/model.cfg: cannot open: No such file or directory");
    cr_assert_eq(cfg.count, 0);
}

/* ---- getters ---------------------------------------------------------------------------- */

/* One section "[enc]" at line 1 whose key k sits at line 2 with value v. */
static vb_cfg one_key(const char *k, const char *v)
{
    char text[256];
    snprintf(text, sizeof text, "[enc]\n%s = %s\n", k, v);
    return parse_ok(text);
}

Test(cfg, str_and_missing_key)
{
    vb_cfg cfg = parse_ok("[enc]\nact = gelu\n");
    vb_cfg_section *s = &cfg.sections[0];
    const char *v = NULL;
    cr_assert_eq(vb_cfg_str(s, "act", &v, err, sizeof err), 0);
    cr_assert_str_eq(v, "gelu");
    cr_assert_eq(vb_cfg_str(s, "norm", &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(1, "[enc]", "missing key 'norm'");
    cr_assert_eq(vb_cfg_str_or(s, "norm", "layer", &v), 0);
    cr_assert_str_eq(v, "layer");
    cr_assert_null(vb_cfg_find(s, "norm"));
    vb_cfg_free(&cfg);
}

Test(cfg, int_accepts_signed_and_int64_range)
{
    vb_cfg cfg = parse_ok("[enc]\na = -12\nb = +7\nc = 9223372036854775807\n");
    vb_cfg_section *s = &cfg.sections[0];
    int64_t v;
    cr_assert_eq(vb_cfg_int(s, "a", &v, err, sizeof err), 0);
    cr_assert_eq(v, -12);
    cr_assert_eq(vb_cfg_int(s, "b", &v, err, sizeof err), 0);
    cr_assert_eq(v, 7);
    cr_assert_eq(vb_cfg_int(s, "c", &v, err, sizeof err), 0);
    cr_assert_eq(v, INT64_MAX);
    cr_assert_eq(vb_cfg_int_or(s, "d", 5, &v, err, sizeof err), 0);
    cr_assert_eq(v, 5);
    cr_assert_eq(vb_cfg_int(s, "d", &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(1, "missing key 'd'");
    vb_cfg_free(&cfg);
}

static void int_rejects(const char *value)
{
    vb_cfg cfg = one_key("heads", value);
    int64_t v;
    cr_assert_eq(vb_cfg_int(&cfg.sections[0], "heads", &v, err, sizeof err), -1,
                 "'%s' accepted", value);
    ASSERT_ERROR_AT(2, "[enc] key 'heads': ", "integer");
    cr_assert_eq(vb_cfg_int_or(&cfg.sections[0], "heads", 1, &v, err, sizeof err), -1,
                 "'%s' accepted with a default", value);
    vb_cfg_free(&cfg);
}

Test(cfg, int_in_bounds_values_and_names_the_range)
{
    vb_cfg cfg = parse_ok("[enc]\na = 64\nb = 65\nc = -9223372036854775807\n");
    vb_cfg_section *s = &cfg.sections[0];
    int64_t v;
    cr_assert_eq(vb_cfg_int_in(s, "a", 1, 64, &v, err, sizeof err), 0, "%s", err);
    cr_assert_eq(v, 64);
    cr_assert_eq(vb_cfg_int_in(s, "b", 1, 64, &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(3, "[enc] key 'b': 65 is out of range [1, 64]");
    cr_assert_eq(vb_cfg_int_in_or(s, "c", 1, 1, 64, &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(4, "key 'c': -9223372036854775807 is out of range");
    cr_assert_eq(vb_cfg_int_in_or(s, "d", 7, 1, 64, &v, err, sizeof err), 0);
    cr_assert_eq(v, 7);
    cr_assert_eq(vb_cfg_int_in(s, "d", 1, 64, &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(1, "missing key 'd'");
    vb_cfg_free(&cfg);
}

Test(cfg, int_rejects_junk_overflow_and_empty)
{
    int_rejects("two");
    int_rejects("4x");
    int_rejects("4.0");
    int_rejects("9223372036854775808");
    int_rejects("-9223372036854775809");
    int_rejects("");
}

Test(cfg, float_accepts_finite_numbers)
{
    vb_cfg cfg = parse_ok("[opt]\nlr = 1e-3\nwd = -0.5\n");
    vb_cfg_section *s = &cfg.sections[0];
    double v;
    cr_assert_eq(vb_cfg_float(s, "lr", &v, err, sizeof err), 0);
    cr_assert_float_eq(v, 1e-3, 1e-15);
    cr_assert_eq(vb_cfg_float_or(s, "wd", 0.0, &v, err, sizeof err), 0);
    cr_assert_float_eq(v, -0.5, 0.0);
    cr_assert_eq(vb_cfg_float_or(s, "beta", 0.9, &v, err, sizeof err), 0);
    cr_assert_float_eq(v, 0.9, 0.0);
    cr_assert_eq(vb_cfg_float(s, "beta", &v, err, sizeof err), -1);
    vb_cfg_free(&cfg);
}

Test(cfg, float_rejects_nan_inf_junk_and_overflow)
{
    const char *bad[] = {"nan", "inf", "-inf", "1e999", "0.1x", "", "fast"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vb_cfg cfg = one_key("lr", bad[i]);
        double v;
        cr_assert_eq(vb_cfg_float(&cfg.sections[0], "lr", &v, err, sizeof err), -1,
                     "'%s' accepted", bad[i]);
        ASSERT_ERROR_AT(2, "[enc] key 'lr': ");
        vb_cfg_free(&cfg);
    }
}

Test(cfg, bool_spellings)
{
    const char *yes[] = {"yes", "true", "1", "on"}, *no[] = {"no", "false", "0", "off"};
    for (int i = 0; i < 4; i++) {
        int v;
        vb_cfg cfg = one_key("bias", yes[i]);
        cr_assert_eq(vb_cfg_bool_or(&cfg.sections[0], "bias", 0, &v, err, sizeof err), 0);
        cr_assert_eq(v, 1, "'%s'", yes[i]);
        vb_cfg_free(&cfg);
        cfg = one_key("bias", no[i]);
        cr_assert_eq(vb_cfg_bool_or(&cfg.sections[0], "bias", 1, &v, err, sizeof err), 0);
        cr_assert_eq(v, 0, "'%s'", no[i]);
        cr_assert_eq(vb_cfg_bool_or(&cfg.sections[0], "absent", 1, &v, err, sizeof err), 0);
        cr_assert_eq(v, 1);
        vb_cfg_free(&cfg);
    }
}

Test(cfg, bool_rejects_other_words)
{
    vb_cfg cfg = one_key("bias", "maybe");
    int v;
    cr_assert_eq(vb_cfg_bool_or(&cfg.sections[0], "bias", 0, &v, err, sizeof err), -1);
    ASSERT_ERROR_AT(2, "[enc] key 'bias': ", "'maybe'");
    vb_cfg_free(&cfg);
}

Test(cfg, enum_gives_index_or_lists_choices)
{
    const char *const choices[] = {"patch", "conv", NULL};
    int v;
    vb_cfg cfg = one_key("tokenizer", "conv");
    cr_assert_eq(vb_cfg_enum_or(&cfg.sections[0], "tokenizer", choices, 0, &v, err, sizeof err),
                 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(vb_cfg_enum_or(&cfg.sections[0], "absent", choices, 0, &v, err, sizeof err), 0);
    cr_assert_eq(v, 0);
    vb_cfg_free(&cfg);

    cfg = one_key("tokenizer", "Conv");
    cr_assert_eq(vb_cfg_enum_or(&cfg.sections[0], "tokenizer", choices, 0, &v, err, sizeof err),
                 -1);
    ASSERT_ERROR_AT(2, "[enc] key 'tokenizer': ", "'Conv'", "patch, conv");
    vb_cfg_free(&cfg);
}

Test(cfg, int_list_reads_up_to_max)
{
    vb_cfg cfg = one_key("depths", " 2, 4 ,6");
    int64_t v[4];
    int n = 0;
    cr_assert_eq(vb_cfg_int_list(&cfg.sections[0], "depths", 1, 100, v, 4, &n, err, sizeof err),
                 0, "%s", err);
    cr_assert_eq(n, 3);
    cr_assert_eq(v[0], 2);
    cr_assert_eq(v[1], 4);
    cr_assert_eq(v[2], 6);
    cr_assert_eq(vb_cfg_int_list(&cfg.sections[0], "depths", 1, 100, v, 3, &n, err, sizeof err),
                 0);
    cr_assert_eq(vb_cfg_int_list(&cfg.sections[0], "absent", 1, 100, v, 3, &n, err, sizeof err),
                 -1);
    ASSERT_ERROR_AT(1, "missing key 'absent'");
    vb_cfg_free(&cfg);
}

static void int_list_rejects(const char *value, int max, const char *needle)
{
    vb_cfg cfg = one_key("depths", value);
    int64_t v[8];
    int n;
    cr_assert_eq(vb_cfg_int_list(&cfg.sections[0], "depths", 1, 100, v, max, &n, err,
                                 sizeof err), -1, "'%s' accepted", value);
    ASSERT_ERROR_AT(2, "[enc] key 'depths': ", needle);
    vb_cfg_free(&cfg);
}

Test(cfg, int_list_rejects_empty_elements_junk_and_too_many)
{
    int_list_rejects("2,,4", 8, "empty element 2");
    int_list_rejects("2,4,", 8, "empty element 3");
    int_list_rejects("", 8, "empty element 1");
    int_list_rejects("2,four", 8, "'four'");
    int_list_rejects("1,2,3", 2, "more than 2");
    int_list_rejects("2,0", 8, "element 2: 0 is out of range [1, 100]");
    int_list_rejects("101", 8, "element 1: 101 is out of range [1, 100]");
}

Test(cfg, dims_accepts_x_and_comma_forms)
{
    vb_cfg cfg = parse_ok("[in]\nshape = 32x32x3\nother = 8, 8, 1\n");
    int64_t d[3];
    cr_assert_eq(vb_cfg_dims(&cfg.sections[0], "shape", 1, 100, d, 3, err, sizeof err), 0, "%s",
                 err);
    cr_assert(d[0] == 32 && d[1] == 32 && d[2] == 3);
    cr_assert_eq(vb_cfg_dims(&cfg.sections[0], "other", 1, 100, d, 3, err, sizeof err), 0, "%s",
                 err);
    cr_assert(d[0] == 8 && d[1] == 8 && d[2] == 1);
    cr_assert_eq(vb_cfg_dims(&cfg.sections[0], "absent", 1, 100, d, 3, err, sizeof err), -1);
    ASSERT_ERROR_AT(1, "[in]", "missing key 'absent'");
    vb_cfg_free(&cfg);
}

Test(cfg, dims_rejects_wrong_shapes)
{
    const char *bad[] = {"32x32", "32x32x3x1", "32xx3", "32x32xc", "32x32,3", "32", "",
                         "32x32x0", "32x101x3", "-1x32x3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vb_cfg cfg = one_key("shape", bad[i]);
        int64_t d[3];
        cr_assert_eq(vb_cfg_dims(&cfg.sections[0], "shape", 1, 100, d, 3, err, sizeof err), -1,
                     "'%s' accepted", bad[i]);
        ASSERT_ERROR_AT(2, "[enc] key 'shape': ");
        vb_cfg_free(&cfg);
    }
}

/* ---- section errors and unused keys ------------------------------------------------------ */

Test(cfg, section_error_names_header_line)
{
    vb_cfg cfg = parse_ok("\n\n[attn]\nheads = 3\n");
    cr_assert_eq(vb_cfg_error(&cfg.sections[0], err, sizeof err, "dim %d not divisible", 64), -1);
    cr_assert_str_eq(err, NAME ":3: [attn] dim 64 not divisible");
    vb_cfg_free(&cfg);
}

Test(cfg, check_unused_reports_first_unread_key)
{
    vb_cfg cfg = parse_ok("[a]\nheads = 2\n[b]\ndim = 4\nhedas = 3\nmlp = 8\n");
    int64_t v;
    cr_assert_eq(vb_cfg_int(&cfg.sections[0], "heads", &v, err, sizeof err), 0);
    cr_assert_eq(vb_cfg_int(&cfg.sections[1], "dim", &v, err, sizeof err), 0);
    cr_assert_eq(vb_cfg_check_unused(&cfg, err, sizeof err), -1);
    ASSERT_ERROR_AT(5, "[b] unknown key 'hedas'");
    // A find counts as use, whatever the caller then does with the value.
    cr_assert_eq(vb_cfg_find(&cfg.sections[1], "hedas"), cfg.sections[1].entries[1].value);
    cr_assert_eq(vb_cfg_check_unused(&cfg, err, sizeof err), -1);
    ASSERT_ERROR_AT(6, "unknown key 'mlp'");
    vb_cfg_str_or(&cfg.sections[1], "mlp", NULL, &(const char *){NULL});
    cr_assert_eq(vb_cfg_check_unused(&cfg, err, sizeof err), 0, "%s", err);
    vb_cfg_free(&cfg);
}

Test(cfg, small_error_buffer_is_truncated_safely)
{
    vb_cfg cfg;
    char tiny[8];
    cr_assert_eq(vb_cfg_parse(&cfg, NAME, "[s]\nbroken\n", tiny, sizeof tiny), -1);
    cr_assert_str_eq(tiny, "model.c");
    cr_assert_eq(vb_cfg_parse(&cfg, NAME, "[s]\nbroken\n", NULL, 0), -1);
}

/* The resolved text lists what the readers consumed, with the defaults they fell back on
 * marked (once, however often read), and leaves out keys nobody read. */
Test(cfg, resolved_text_lists_read_keys_and_marks_defaults)
{
    vb_cfg cfg = parse_ok("[encoder]\nheads = 4\nunread = 1\n");
    vb_cfg_section *s = &cfg.sections[0];
    int64_t heads, depth;
    int bias;
    cr_assert_eq(vb_cfg_int_or(s, "heads", 2, &heads, err, sizeof err), 0);
    cr_assert_eq(vb_cfg_int_or(s, "depth", 1, &depth, err, sizeof err), 0);
    cr_assert_eq(vb_cfg_bool_or(s, "bias", 1, &bias, err, sizeof err), 0);
    cr_assert_eq(vb_cfg_int_or(s, "depth", 1, &depth, err, sizeof err), 0); /* read twice */
    cr_assert_null(vb_cfg_find(s, "depth"), "a recorded default must not look like a file key");
    char *text = vb_cfg_resolved_text(&cfg);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, "[encoder]\nheads = 4\ndepth = 1  # default\nbias = yes  # default\n");
    free(text);
    vb_cfg_free(&cfg);
}
