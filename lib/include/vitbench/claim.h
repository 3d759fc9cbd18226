/* A run folder belongs to one run, and one process at a time.
 *
 * Every program that writes a run folder (vbtrain, runsuite's cells) claims it first: an
 * exclusive lock (flock) on FOLDER/.lock, held for as long as the run writes there, so a
 * second process is refused with a message naming the first. While it holds the claim, a
 * process may remove what a killed writer left half-written (*.tmp, *.tmp.PID). What the
 * folder already holds is the caller's to judge: vb_folder_state says whether a run is
 * there, and callers refuse to start afresh over one unless asked to resume it. */
#ifndef VITBENCH_CLAIM_H
#define VITBENCH_CLAIM_H

#include <stddef.h>

typedef struct vb_claim {
    int fd;       /* the locked FOLDER/.lock, -1 when nothing is held */
    char *path;   /* FOLDER/.lock */
} vb_claim;

/* Creates the folder (mkdir -p) and locks it. 0, or -1 with one line in err: the folder
 * cannot be created, or "FOLDER is in use by another run (pid P, PROGRAM, since TIME)".
 * Then removes the stale temporary files a killed writer left there. */
int vb_claim_folder(vb_claim *c, const char *dir, char *err, size_t err_len);

/* Unlocks and removes FOLDER/.lock. Safe on a claim that holds nothing. */
void vb_release_folder(vb_claim *c);

typedef enum vb_folder_state {
    VB_FOLDER_EMPTY = 0,      /* no run's files */
    VB_FOLDER_UNFINISHED = 1, /* metrics.csv or a checkpoint, no summary.json */
    VB_FOLDER_FINISHED = 2    /* summary.json: a run tested and summarised */
} vb_folder_state;

/* What the folder holds of a training run (vb_train's files). */
vb_folder_state vb_folder_state_of(const char *dir);

#endif
