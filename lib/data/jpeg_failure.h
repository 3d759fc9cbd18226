/* libjpeg's error handling for our decoder and encoder. libjpeg reports an error by
 * calling error_exit, which must not return: with this manager it longjmps to the caller's
 * jump with libjpeg's message in msg. Usage:
 *     vb_jpeg_failure fail;
 *     cinfo.err = vb_jpeg_failure_init(&fail, warnings_fail);
 *     if (setjmp(fail.jump)) { ... fail.msg ...; jpeg_destroy_...(&cinfo); return -1; } */
#ifndef VITBENCH_JPEG_FAILURE_H
#define VITBENCH_JPEG_FAILURE_H

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

typedef struct vb_jpeg_failure {
    struct jpeg_error_mgr mgr; /* first: libjpeg hands us a pointer to it */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} vb_jpeg_failure;

/* The error manager for cinfo.err. warnings_fail: libjpeg's warnings (corrupt data it
 * would paper over) fail too. */
struct jpeg_error_mgr *vb_jpeg_failure_init(vb_jpeg_failure *f, int warnings_fail);

#endif
