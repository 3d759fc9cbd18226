/* Process groups for data-parallel training (dist.h): MPI_COMM_WORLD when built with MPI
 * and started by a launcher, else this process alone. */
#include "vitbench/dist.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef VB_HAVE_MPI
#include <mpi.h>
#endif

/* What Open MPI's mpirun, PMIx launchers (srun --mpi=pmix) and MPICH's hydra set in every
 * process they start: the group's size. */
static const char *const size_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"};

static int launcher_size(void)
{
    for (size_t i = 0; i < sizeof size_vars / sizeof *size_vars; i++) {
        const char *v = getenv(size_vars[i]);
        if (v && *v) return atoi(v);
    }
    return 0;
}

int vb_dist_built_with_mpi(void)
{
#ifdef VB_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

#ifdef VB_HAVE_MPI
static int joined;

int vb_dist_init(int *argc, char ***argv, vb_dist *world, char *err, size_t err_len)
{
    (void)err;
    (void)err_len;
    *world = (vb_dist){.rank = 0, .size = 1};
    if (launcher_size() == 0) return 0;
    /* Only the main thread calls MPI; OpenMP workers and the data loader never do. */
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    joined = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world->size);
    return 0;
}

void vb_dist_finalize(void)
{
    if (joined) MPI_Finalize();
    joined = 0;
}

void vb_dist_abort(const vb_dist *d, int status)
{
    if (vb_dist_shared(d)) MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

/* MPI counts are int: large buffers go in chunks. */
#define CHUNK ((size_t)INT_MAX / 8)

void vb_dist_sum_floats(const vb_dist *d, float *x, size_t n)
{
    if (!vb_dist_shared(d)) return;
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t k = n - at < CHUNK ? n - at : CHUNK;
        MPI_Allreduce(MPI_IN_PLACE, x + at, (int)k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
}

void vb_dist_sum_doubles(const vb_dist *d, double *x, size_t n)
{
    if (!vb_dist_shared(d)) return;
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t k = n - at < CHUNK ? n - at : CHUNK;
        MPI_Allreduce(MPI_IN_PLACE, x + at, (int)k, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    }
}

int vb_dist_max(const vb_dist *d, int value)
{
    if (!vb_dist_shared(d)) return value;
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return value;
}

void vb_dist_broadcast(const vb_dist *d, void *buf, size_t bytes)
{
    if (!vb_dist_shared(d)) return;
    for (size_t at = 0; at < bytes; at += CHUNK) {
        size_t k = bytes - at < CHUNK ? bytes - at : CHUNK;
        MPI_Bcast((char *)buf + at, (int)k, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
}
#else
int vb_dist_init(int *argc, char ***argv, vb_dist *world, char *err, size_t err_len)
{
    (void)argc;
    (void)argv;
    *world = (vb_dist){.rank = 0, .size = 1};
    int size = launcher_size();
    if (size <= 1) return 0;
    snprintf(err, err_len, "started by an MPI launcher as one of %d processes, but this "
             "vitbench was built without MPI: ./configure --with-mpi, or run it once "
             "without mpirun", size);
    return -1;
}

void vb_dist_finalize(void) {}

void vb_dist_abort(const vb_dist *d, int status)
{
    (void)d;
    exit(status);
}

void vb_dist_sum_floats(const vb_dist *d, float *x, size_t n)
{
    (void)d, (void)x, (void)n;
}

void vb_dist_sum_doubles(const vb_dist *d, double *x, size_t n)
{
    (void)d, (void)x, (void)n;
}

int vb_dist_max(const vb_dist *d, int value)
{
    (void)d;
    return value;
}

void vb_dist_broadcast(const vb_dist *d, void *buf, size_t bytes)
{
    (void)d, (void)buf, (void)bytes;
}
#endif

void vb_dist_slice(const vb_dist *d, int64_t n, int64_t *first, int64_t *count)
{
    const int64_t rank = d ? d->rank : 0, size = d ? d->size : 1;
    *first = n * rank / size;
    *count = n * (rank + 1) / size - *first;
}
