/* Data-parallel training across processes: a group of N processes ("ranks") trains one
 * model. Every rank prepares the same global batch and trains on its slice of it
 * (vb_dist_slice); the loss and the gradient block are summed across ranks once per step,
 * so every rank applies the same update to the same parameters. Rank 0 alone writes files.
 *
 * Built with MPI (./configure --with-mpi) and launched by an MPI launcher (mpirun, srun),
 * the group is MPI_COMM_WORLD; otherwise it is this process alone (rank 0 of 1), and
 * every function below is a no-op. */
#ifndef VITBENCH_DIST_H
#define VITBENCH_DIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct vb_dist {
    int rank, size;
} vb_dist;

/* 1 when d is a group of several processes (NULL or a group of one: training alone). */
static inline int vb_dist_shared(const vb_dist *d)
{
    return d && d->size > 1;
}

/* 1 when this library was built with MPI. */
int vb_dist_built_with_mpi(void);

/* Joins the launcher's group (MPI_Init) when the process was started by one, else a group
 * of one. 0, or -1 with one line in err (started by mpirun with several processes, but
 * built without MPI: each would train alone and write the same files). */
int vb_dist_init(int *argc, char ***argv, vb_dist *world, char *err, size_t err_len);
/* Leaves the group (MPI_Finalize) if vb_dist_init joined one. */
void vb_dist_finalize(void);
/* Ends every rank now with status (MPI_Abort), or exit(status) alone: for a failure that
 * the other ranks cannot learn of by agreement. */
void vb_dist_abort(const vb_dist *d, int status);

/* In place: x ← Σ over ranks of x (floats summed in float, doubles in double). */
void vb_dist_sum_floats(const vb_dist *d, float *x, size_t n);
void vb_dist_sum_doubles(const vb_dist *d, double *x, size_t n);
/* The largest of every rank's value: ranks agree that a step failed somewhere. */
int vb_dist_max(const vb_dist *d, int value);
/* Rank 0's bytes copied to every rank. */
void vb_dist_broadcast(const vb_dist *d, void *buf, size_t bytes);

/* The slice of n items that rank d->rank takes: items [*first, *first + *count), the
 * ranks' slices in rank order covering all n, their sizes differing by at most one. */
void vb_dist_slice(const vb_dist *d, int64_t n, int64_t *first, int64_t *count);

#endif
