# openblas: GEMM on OpenBLAS's cblas_sgemm; convolution and attention built on that GEMM
# by backends/common; every other op from the shared OpenMP kernels.
if BUILD_OPENBLAS
pkglib_LTLIBRARIES += backends/vitbench-openblas.la
backends_vitbench_openblas_la_SOURCES = \
	backends/openblas/openblas.h \
	backends/openblas/gemm.c \
	backends/openblas/openblas_backend.c
backends_vitbench_openblas_la_CFLAGS = $(AM_CFLAGS) $(OPENBLAS_CFLAGS)
backends_vitbench_openblas_la_LDFLAGS = $(BACKEND_LDFLAGS)
backends_vitbench_openblas_la_LIBADD = backends/common/libvbcommon.la $(OPENBLAS_LIBS) -lm
endif
