/* vbdata: find, inspect and convert datasets.
 *
 *   vbdata info NAME [--data DIR]
 *       counts, image shape, classes, content checksum, where it was read from and how
 *       long the read took. NAME is a dataset name (cifar10, cifar100, ...) or the path
 *       of an image folder / archive with train/<class>/ and test/<class>/.
 *   vbdata import SRC OUTDIR [--name NAME]
 *       an image folder or archive (images in train/<class>/ and test/<class>/) ->
 *       OUTDIR/train.bin, OUTDIR/test.bin and OUTDIR/batches.meta.txt in the CIFAR-10
 *       binary layout (32x32 RGB only). With --name, the files go to OUTDIR/NAME/
 *       instead (--name cifar-100 in a data folder is where `cifar100` finds it).
 *   vbdata path [--data DIR]
 *       the folders searched for datasets, in order, one per line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "vitbench/dataset.h"
#include "cli.h"

/* The command line: the arguments of the command chosen, and the options. */
typedef struct options {
    const char *name, *src, *outdir, *data, *subfolder;
} options;

static options opt;

static const cli_option data_options[] = {CLI_DATA(&opt.data), {0}};

static const cli_option import_options[] = {
    CLI_STRING_OPT("--name", "NAME", &opt.subfolder,
                   "write into OUTDIR/NAME/ instead (--name cifar-100 in a data folder is "
                   "where `cifar100` finds it)"),
    {0}};

static const cli_command info_command = {
    .name = "info",
    .summary = "counts, image shape, classes, content checksum, where it was read from "
               "and how long the read took",
    .args = {{"NAME", &opt.name}},
    .options = data_options};

static const cli_command import_command = {
    .name = "import",
    .summary = "an image folder or archive (images in train/<class>/ and test/<class>/) "
               "-> OUTDIR/train.bin, OUTDIR/test.bin and OUTDIR/batches.meta.txt in the "
               "CIFAR-10 binary layout (32x32 RGB only)",
    .args = {{"SRC", &opt.src}, {"OUTDIR", &opt.outdir}},
    .options = import_options};

static const cli_command path_command = {
    .name = "path",
    .summary = "the folders searched for datasets, in order, one per line",
    .options = data_options};

static cli_program program = {
    .name = "vbdata",
    .summary = "Finds, inspects and imports datasets.",
    .commands = (const cli_command *const[]){&info_command, &import_command, &path_command,
                                             NULL}};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A dataset by name, or an image folder / archive by path: train and test. */
static int open_any(const char *name, const char *data, vb_dataset *train, vb_dataset *test,
                    char *err, size_t len)
{
    struct stat st;
    if (strchr(name, '/') && stat(name, &st) == 0)
        return vb_read_image_folder_parts(name, train, test, err, len);
    return vb_dataset_open(name, data, train, test, err, len);
}

static void print_part(const char *part, const vb_dataset *d)
{
    printf("  %-5s %6lld images %lldx%lldx%lld, %lld classes, checksum %016llx\n", part,
           (long long)d->count, (long long)d->h, (long long)d->w, (long long)d->c,
           (long long)d->classes, (unsigned long long)d->checksum);
}

static void print_classes(const vb_dataset *d)
{
    if (!d->class_names) return;
    printf("  classes:");
    for (int64_t k = 0; k < d->classes; k++) {
        if (k == 12 && d->classes > 14) {
            printf(" ... (%lld more)", (long long)(d->classes - k));
            break;
        }
        printf("%s %s", k ? "," : "", d->class_names[k]);
    }
    printf("\n");
}

static int info(const options *o)
{
    vb_dataset train, test;
    char err[2048];
    double t0 = now();
    if (open_any(o->name, o->data, &train, &test, err, sizeof err)) {
        fprintf(stderr, "vbdata: %s\n", err);
        return 1;
    }
    printf("%s from %s (read in %.2f s)\n", train.name, train.source, now() - t0);
    print_part("train", &train);
    print_part("test", &test);
    print_classes(&train);
    vb_dataset_free(&train);
    vb_dataset_free(&test);
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
    fprintf(stderr, "vbdata: cannot create %s: %s\n", path, strerror(errno));
    return -1;
}

static int import(const options *o)
{
    char dir[4096], path[4200], err[2048];
    snprintf(dir, sizeof dir, "%s%s%s", o->outdir, o->subfolder ? "/" : "",
             o->subfolder ? o->subfolder : "");
    if (make_dir(o->outdir) || (o->subfolder && make_dir(dir))) return 1;
    vb_dataset d[2];
    double t0 = now();
    if (vb_read_image_folder_parts(o->src, &d[0], &d[1], err, sizeof err)) {
        fprintf(stderr, "vbdata: %s\n", err);
        return 1;
    }
    static const char *const parts[] = {"train", "test"};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(path, sizeof path, "%s/%s.bin", dir, parts[i]);
        rc = vb_write_cifar_binary(&d[i], path, err, sizeof err);
        if (rc) fprintf(stderr, "vbdata: %s\n", err);
        else printf("%s: %lld images, %lld classes, checksum %016llx (%.2f s)\n", path,
                    (long long)d[i].count, (long long)d[i].classes,
                    (unsigned long long)d[i].checksum, now() - t0);
    }
    vb_dataset_free(&d[0]);
    vb_dataset_free(&d[1]);
    return rc ? 1 : 0;
}

static int path(const options *o)
{
    char buf[8192];
    vb_data_search_path(o->data, buf, sizeof buf);
    for (char *dir = strtok(buf, ":"); dir; dir = strtok(NULL, ":")) {
        struct stat st;
        printf("%s%s\n", dir, stat(dir, &st) == 0 ? "" : "  (absent)");
    }
    return 0;
}

int main(int argc, char **argv)
{
    char notes[1024];
    snprintf(notes, sizeof notes, "NAME: %s, or the path of an image folder or archive with "
             "train/<class>/ and test/<class>/", vb_dataset_names());
    program.notes = notes;
    const cli_command *c = cli_parse(&program, argc, argv);
    if (c == &info_command) return info(&opt);
    if (c == &import_command) return import(&opt);
    return path(&opt);
}
