# omp: hand-written GEMM (cache blocking, OpenMP, AVX-512 / AVX2 microkernels, and an
# AVX512-BF16 one for the bf16 precision; no BLAS); convolution and attention built on it
# by backends/common; every other op from the shared OpenMP kernels.
#
# Each SIMD kernel is compiled alone with its own target flags into a convenience
# library, so the rest of the object stays plain x86-64; isa.c picks the kernel at run
# time, so the module loads on any x86-64 CPU.
if BUILD_OMP
noinst_LTLIBRARIES += backends/omp/libvbomp_avx512.la backends/omp/libvbomp_bf16.la \
	backends/omp/libvbomp_avx2.la
backends_omp_libvbomp_avx512_la_SOURCES = backends/omp/kernel_avx512.c \
	backends/omp/avx512_tile.h
backends_omp_libvbomp_avx512_la_CFLAGS = $(AM_CFLAGS) -mavx512f -mfma
# the bf16 kernel and its packing (f32 rounded to bf16 pairs)
backends_omp_libvbomp_bf16_la_SOURCES = backends/omp/kernel_avx512_bf16.c \
	backends/omp/gemm_pack_bf16.c backends/omp/avx512_tile.h
backends_omp_libvbomp_bf16_la_CFLAGS = $(AM_CFLAGS) -mavx512f -mavx512bf16
backends_omp_libvbomp_avx2_la_SOURCES = backends/omp/kernel_avx2.c
backends_omp_libvbomp_avx2_la_CFLAGS = $(AM_CFLAGS) -mavx2 -mfma

pkglib_LTLIBRARIES += backends/vitbench-omp.la
backends_vitbench_omp_la_SOURCES = \
	backends/omp/omp_gemm.h \
	backends/omp/omp_backend.c \
	backends/omp/gemm.c \
	backends/omp/gemm_pack.c \
	backends/omp/epilogue.c \
	backends/omp/scratch.c \
	backends/omp/isa.c \
	backends/omp/kernel_generic.c
backends_vitbench_omp_la_LDFLAGS = $(BACKEND_LDFLAGS)
backends_vitbench_omp_la_LIBADD = backends/omp/libvbomp_avx512.la \
	backends/omp/libvbomp_bf16.la backends/omp/libvbomp_avx2.la \
	backends/common/libvbcommon.la -lm
endif
