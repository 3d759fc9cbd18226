/* libjpeg errors as a longjmp with the message (jpeg_failure.h). */
#include "jpeg_failure.h"

static void on_error(j_common_ptr cinfo)
{
    vb_jpeg_failure *f = (vb_jpeg_failure *)cinfo->err;
    cinfo->err->format_message(cinfo, f->msg);
    longjmp(f->jump, 1);
}

static void on_message_failing_warnings(j_common_ptr cinfo, int level)
{
    if (level < 0) on_error(cinfo); /* a warning: corrupt data */
}

struct jpeg_error_mgr *vb_jpeg_failure_init(vb_jpeg_failure *f, int warnings_fail)
{
    struct jpeg_error_mgr *mgr = jpeg_std_error(&f->mgr);
    mgr->error_exit = on_error;
    if (warnings_fail) mgr->emit_message = on_message_failing_warnings;
    return mgr;
}
