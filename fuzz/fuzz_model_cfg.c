/* Fuzz target: model description files (cfg.h, model.h) parsed from text. Any input must
 * give a model or a one-line error, never a crash, a leak or undefined behaviour. */
#include <stdlib.h>
#include <string.h>
#include "vitbench/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    vb_model m;
    char err[512];
    if (vb_model_parse(&m, "fuzz.cfg", text, err, sizeof err) == 0) {
        vb_counts c;
        vb_model_count(&m, &c);
        vb_model_free(&m);
    } else if (strchr(err, '\n')) {
        abort(); /* errors are one line */
    }
    free(text);
    return 0;
}
