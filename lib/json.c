/* JSON literals (json.h). */
#include "vitbench/json.h"

#include <math.h>

void vb_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void vb_json_number(FILE *f, const char *format, double x)
{
    if (isfinite(x)) fprintf(f, format, x);
    else fputs("null", f);
}
