/* Shipped data is installed and distributed: every file of suites/models, suites/recipes,
 * suites/suites and suites/published is in its install list (a dist_..._DATA list of
 * suites/), which make writes to tests/shipped_data.list for this test, and every listed
 * file exists. automake needs those lists written out, so this keeps them whole. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIST VB_BUILDDIR "/tests/shipped_data.list"

static const char *const folders[] = {"suites/models", "suites/recipes", "suites/suites",
                                      "suites/published"};

/* The install lists, one source-relative path a line; the lines counted in *n. */
static char **read_list(int *n)
{
    FILE *f = fopen(LIST, "r");
    cr_assert_not_null(f, "%s missing: run this test through make check, which makes it", LIST);
    char **paths = NULL, line[1024];
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        paths = realloc(paths, (size_t)(*n + 1) * sizeof *paths);
        cr_assert(paths && (paths[*n] = strdup(line)));
        (*n)++;
    }
    fclose(f);
    return paths;
}

static int listed(char *const *paths, int n, const char *path)
{
    for (int i = 0; i < n; i++)
        if (strcmp(paths[i], path) == 0) return 1;
    return 0;
}

static void free_list(char **paths, int n)
{
    for (int i = 0; i < n; i++) free(paths[i]);
    free(paths);
}

Test(shipped, every_file_of_the_data_folders_is_installed)
{
    int n;
    char **paths = read_list(&n);
    int seen = 0;
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", VB_SRCDIR, folders[i]);
        DIR *d = opendir(dir);
        cr_assert_not_null(d, "cannot read %s", dir);
        for (struct dirent *e; (e = readdir(d));) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.' || e->d_name[len - 1] == '~') continue; /* editors' */
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", folders[i], e->d_name);
            seen++;
            cr_expect(listed(paths, n, path), "%s is shipped but in no install list: add it "
                      "to its folder's dist_..._DATA list (suites/local.mk or a .mk beside "
                      "it)", path);
        }
        closedir(d);
    }
    cr_expect_gt(seen, 0, "no shipped files found under %s", VB_SRCDIR);
    free_list(paths, n);
}

Test(shipped, every_listed_file_exists)
{
    int n;
    char **paths = read_list(&n);
    cr_expect_gt(n, 0, "%s is empty", LIST);
    for (int i = 0; i < n; i++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", VB_SRCDIR, paths[i]);
        cr_expect(stat(path, &st) == 0 && S_ISREG(st.st_mode), "%s is listed for install, "
                  "but there is no such file", path);
    }
    free_list(paths, n);
}
