# make bench: training and inference throughput of the three seed models on every
# backend and in PyTorch, on the same threads (scripts/bench). Results, manifest and
# plot go to results/bench/ in the source tree, for committing; BENCH_FLAGS passes
# options (e.g. BENCH_FLAGS='--threads 2 --backends omp,onednn').
vbmodel_SOURCES += suites/bench.c suites/bench.h
if BUILD_OPENBLAS
# the machine's sgemm peak, the yardstick of the % column
vbmodel_CPPFLAGS += -DVB_HAVE_CBLAS $(OPENBLAS_CFLAGS)
vbmodel_LDADD += $(OPENBLAS_LIBS)
endif
EXTRA_DIST += scripts/bench scripts/bench-torch.py scripts/contention-epoch

.PHONY: bench
bench: all
	VBMODEL=./vbmodel $(SHELL) $(srcdir)/scripts/bench --out $(srcdir)/results/bench $(BENCH_FLAGS)
