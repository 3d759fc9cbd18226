/* safetensors files: a small, dependency-free reader and writer.
 *
 * Format: 8 bytes little-endian header length N, then N bytes of JSON
 *   {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 *    "__metadata__": {"key": "value", ...}}
 * padded with spaces, then the data region. Offsets are bytes from the start of the data
 * region; tensors are row-major, little-endian, and tile the region with no gap or overlap.
 *
 *   vb_st_writer w;                                  // collect, then write atomically
 *   vb_st_writer_init(&w);
 *   vb_st_writer_add(&w, "dense.0.weight", VB_ST_F32, 2, (int64_t[]){48, 64}, weights);
 *   vb_st_writer_meta(&w, "format", "vitbench-golden");
 *   vb_st_writer_write(&w, "out.safetensors", err, sizeof err);
 *   vb_st_writer_free(&w);
 *
 *   vb_st_file f;                                    // load, validate, look up by name
 *   if (vb_st_read(&f, "out.safetensors", err, sizeof err)) fail(err);
 *   const vb_st_tensor *t = vb_st_find(&f, "dense.0.weight");
 *   vb_st_close(&f);
 *
 * Errors are one line naming the file and the tensor or the byte offset in the file. */
#ifndef VITBENCH_SAFETENSORS_H
#define VITBENCH_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#define VB_ST_MAX_DIMS 8

typedef enum vb_st_dtype { VB_ST_F32 = 0, VB_ST_I32, VB_ST_I64, VB_ST_F64 } vb_st_dtype;

size_t vb_st_dtype_size(vb_st_dtype dtype);
const char *vb_st_dtype_name(vb_st_dtype dtype); /* "F32", ... */

typedef struct vb_st_tensor {
    char *name;
    vb_st_dtype dtype;
    int ndim; /* 0 = scalar (one element) */
    int64_t shape[VB_ST_MAX_DIMS];
    int64_t numel;
    const void *data; /* reader: aligned to the dtype size, inside the file's buffer */
    size_t bytes;
} vb_st_tensor;

typedef struct vb_st_meta {
    char *key, *value;
} vb_st_meta;

/* ---- writer ------------------------------------------------------------------------- */

typedef struct vb_st_writer {
    vb_st_tensor *tensors;
    int count, capacity;
    vb_st_meta *meta;
    int meta_count, meta_capacity;
} vb_st_writer;

void vb_st_writer_init(vb_st_writer *w);
/* Records a tensor; data is not copied and must stay valid until vb_st_writer_write.
 * 0, or -1 on a bad shape, a duplicate or reserved name, or no memory. */
int vb_st_writer_add(vb_st_writer *w, const char *name, vb_st_dtype dtype, int ndim,
                     const int64_t *shape, const void *data);
/* Records a string metadata entry (copied). 0 or -1 (duplicate key, no memory). */
int vb_st_writer_meta(vb_st_writer *w, const char *key, const char *value);
/* Writes "path.tmp.PID", syncs it and renames it over path, so readers never see a
 * half-written file. 0 or -1 with a one-line message in err. */
int vb_st_writer_write(const vb_st_writer *w, const char *path, char *err, size_t err_len);
void vb_st_writer_free(vb_st_writer *w);

/* ---- reader ------------------------------------------------------------------------- */

typedef struct vb_st_file {
    vb_st_tensor *tensors; /* in header order */
    int count;
    vb_st_meta *meta;
    int meta_count;
    void *data; /* the data region, 64-byte aligned */
    size_t data_bytes;
} vb_st_file;

/* Loads and validates the whole file. 0, or -1 with err set and f left empty. */
int vb_st_read(vb_st_file *f, const char *path, char *err, size_t err_len);
/* Same from bytes already in memory (the whole file); `label` names it in errors. */
int vb_st_parse(vb_st_file *f, const char *label, const unsigned char *bytes, size_t size,
                char *err, size_t err_len);
const vb_st_tensor *vb_st_find(const vb_st_file *f, const char *name);
const char *vb_st_meta_get(const vb_st_file *f, const char *key); /* NULL if absent */
void vb_st_close(vb_st_file *f);

#endif
