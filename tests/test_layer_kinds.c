/* The layer registry (layer.h): every kind a file of lib/layers defines is registered —
 * the build collects them (scripts/layer-kinds), so none can be forgotten in a hand-kept
 * table — and each is whole: found by its name, listed in the names errors show, with a
 * count component that a forgotten `.component` would give away. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include "vitbench/layer.h"

#define LAYERS_DIR VB_SRCDIR "/lib/layers"

/* Lines of the .c files of lib/layers that define a kind, however they are written. */
static int kind_definitions_in_sources(void)
{
    DIR *d = opendir(LAYERS_DIR);
    cr_assert_not_null(d, "cannot read %s", LAYERS_DIR);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0) continue;
        char path[1024], line[512];
        snprintf(path, sizeof path, "%s/%s", LAYERS_DIR, e->d_name);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "cannot read %s", path);
        while (fgets(line, sizeof line, f))
            n += strstr(line, "vb_layer_kind vb_layer_") && strchr(line, '=') && !strchr(line, ';');
        fclose(f);
    }
    closedir(d);
    return n;
}

/* name appears in the list as a whole item of "a, b, c". */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0')) return 1;
    return 0;
}

Test(registry, holds_every_kind_lib_layers_defines)
{
    int registered = 0;
    while (vb_layer_kind_at(registered)) registered++;
    int defined = kind_definitions_in_sources();
    cr_expect_eq(registered, defined,
                 "lib/layers defines %d kinds, the registry holds %d: a file missing from "
                 "lib/local.mk, or a definition not written `const vb_layer_kind vb_layer_NAME "
                 "= {` at the start of a line (layer.h)", defined, registered);
    cr_expect_null(vb_layer_kind_at(-1));
}

Test(registry, every_kind_is_whole)
{
    const char *names = vb_layer_kind_names();
    for (int i = 0; vb_layer_kind_at(i); i++) {
        const vb_layer_kind *k = vb_layer_kind_at(i);
        cr_assert_not_null(k->name, "kind %d has no name", i);
        cr_expect(k->configure && k->count && k->forward && k->backward,
                  "%s: configure, count, forward and backward are required", k->name);
        cr_expect((k->declare == NULL) == (k->init == NULL),
                  "%s: a kind with parameters declares and initialises them", k->name);
        cr_expect_eq(vb_layer_kind_find(k->name), k, "%s: another kind has its name", k->name);
        cr_expect(listed(names, k->name), "%s missing from the names errors show: '%s'",
                  k->name, names);
        vb_layer_component c = k->component;
        cr_expect(c.before_encoder >= 0 && c.before_encoder < VB_COMP_COUNT &&
                  c.after_encoder >= 0 && c.after_encoder < VB_COMP_COUNT,
                  "%s: component out of range", k->name);
        cr_expect_neq(c.after_encoder, VB_COMP_TOKENIZER,
                      "%s: counted as tokenizer after the encoder (a forgotten .component?)",
                      k->name);
    }
    cr_expect_null(vb_layer_kind_find("no_such_kind"));
}
