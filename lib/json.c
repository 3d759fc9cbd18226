/* JSON literals (json.h). */
#include "vitbench/json.h"

#include <math.h>

void vb_json_quote(const char *s, vb_json_put put, void *ctx)
{
    put(ctx, "\"", 1);
    const char *plain = s; /* the start of the characters not yet handed over */
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c != '"' && c != '\\' && c >= 0x20) continue;
        char esc[8];
        int n = c < 0x20 ? snprintf(esc, sizeof esc, "\\u%04x", c)
                         : snprintf(esc, sizeof esc, "\\%c", c);
        put(ctx, plain, (size_t)(s - plain));
        put(ctx, esc, (size_t)n);
        plain = s + 1;
    }
    put(ctx, plain, (size_t)(s - plain));
    put(ctx, "\"", 1);
}

static void put_file(void *f, const char *bytes, size_t n) { fwrite(bytes, 1, n, f); }

void vb_json_string(FILE *f, const char *s)
{
    vb_json_quote(s, put_file, f);
}

void vb_json_number(FILE *f, const char *format, double x)
{
    if (isfinite(x)) fprintf(f, format, x);
    else fputs("null", f);
}
