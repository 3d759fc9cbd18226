/* The aligned table, the CSV and the one line that reproduces a failure. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "conformance.h"

static const char *impl(const cf_result *r)
{
    return r->cmp.status == CF_SKIP ? "-" : r->native ? "native" : "reference";
}

void cf_report_header(FILE *f, cf_mode mode)
{
    if (mode == CF_MODE_PERF)
        fprintf(f, "%-19s %-18s %-34s %-9s %-9s %10s %9s %7s\n", "op", "case", "shape",
                "backend", "impl", "ms", "GFLOP/s", "%cblas");
    else
        fprintf(f, "%-19s %-18s %-34s %-9s %-10s %-10s %-10s %-9s %s\n", "op", "case",
                "shape", "backend", "nmse", "threshold", "status", "impl", "detail");
}

void cf_report_row(FILE *f, cf_mode mode, const cf_result *r)
{
    const char *op = vb_op_name(r->op);
    if (mode == CF_MODE_PERF) {
        if (r->cmp.status == CF_SKIP || r->seconds <= 0) {
            fprintf(f, "%-19s %-18s %-34s %-9s %-9s %10s %9s %7s  %s\n", op, r->label, r->shape,
                    r->backend, impl(r), "-", "-", "-",
                    r->cmp.status == CF_SKIP ? r->cmp.detail : "failed");
            return;
        }
        char gf[16] = "-", pct[16] = "-";
        if (r->gflops > 0)
            snprintf(gf, sizeof gf, "%.1f", r->gflops);
        if (r->pct_blas >= 0)
            snprintf(pct, sizeof pct, "%.0f%%", r->pct_blas);
        fprintf(f, "%-19s %-18s %-34s %-9s %-9s %10.3f %9s %7s\n", op, r->label, r->shape,
                r->backend, impl(r), r->seconds * 1e3, gf, pct);
        return;
    }
    char nmse[16] = "-", thr[16] = "-";
    if (r->cmp.status != CF_SKIP) {
        snprintf(nmse, sizeof nmse, "%.3g", r->cmp.nmse);
        snprintf(thr, sizeof thr, "%.3g", r->cmp.threshold);
    }
    fprintf(f, "%-19s %-18s %-34s %-9s %-10s %-10s %-10s %-9s %s\n", op, r->label, r->shape,
            r->backend, nmse, thr, cf_status_name(r->cmp.status), impl(r), r->cmp.detail);
}

void cf_csv_header(FILE *f, cf_mode mode)
{
    fprintf(f, mode == CF_MODE_PERF
                   ? "op,case,shape,backend,fallback,status,seconds,gflops,pct_cblas\n"
                   : "op,case,shape,backend,fallback,metric,nmse,threshold,status,detail\n");
}

void cf_csv_row(FILE *f, cf_mode mode, const cf_result *r)
{
    const char *op = vb_op_name(r->op);
    if (mode == CF_MODE_PERF)
        fprintf(f, "%s,%s,\"%s\",%s,%s,%s,%.6g,%.4g,%.4g\n", op, r->label, r->shape,
                r->backend, impl(r), cf_status_name(r->cmp.status), r->seconds, r->gflops,
                r->pct_blas);
    else
        fprintf(f, "%s,%s,\"%s\",%s,%s,%s,%.6g,%.6g,%s,\"%s\"\n", op, r->label, r->shape,
                r->backend, impl(r), mode == CF_MODE_GRAD ? "nmse_fd" : "nmse", r->cmp.nmse,
                r->cmp.threshold, cf_status_name(r->cmp.status), r->cmp.detail);
}

void cf_repro(char *buf, size_t len, cf_mode mode, const cf_result *r, int threads)
{
    static const char *modes[] = {"test", "grad", "perf"};
    int random = strcmp(r->label, "random") == 0; /* cases drawn by --stress */
    snprintf(buf, len, "vbcheck %s --backend %s --op %s %s%s --seed %llu --threads %d%s",
             modes[mode], r->backend, vb_op_name(r->op), random ? "--stress 1" : "--case ",
             random ? "" : r->label, (unsigned long long)r->seed, threads,
             r->precision == VB_PRECISION_BF16 ? " --precision bf16" : "");
}
