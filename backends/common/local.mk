# common: the OpenMP kernels shared by the openblas, onednn and omp backends (common.h),
# built once as a convenience library that each backend links in (libtool makes it PIC).
noinst_LTLIBRARIES += backends/common/libvbcommon.la

backends_common_libvbcommon_la_SOURCES = \
	backends/common/common.h \
	backends/common/internal.h \
	backends/common/context.c \
	backends/common/scratch.c \
	backends/common/reduce.c \
	backends/common/eltwise.c \
	backends/common/add.c \
	backends/common/pad.c \
	backends/common/maxpool.c \
	backends/common/layernorm.c \
	backends/common/softmax.c \
	backends/common/dropout.c \
	backends/common/seqpool.c \
	backends/common/xent.c \
	backends/common/adam.c \
	backends/common/epilogue.c \
	backends/common/conv_im2col.c \
	backends/common/attention.c

# -O3 for the vectoriser's full cost model; the user's CFLAGS come last and may say -O2,
# so the cost model is also named explicitly (an explicit -f flag outlives any -O level).
# -fno-math-errno lets sqrtf become one instruction and -fno-trapping-math lets the
# vectoriser if-convert the select loops; neither changes any result (no reassociation,
# NaN and ±inf still follow IEEE). -ffp-contract=fast lets the AVX-512 clones fuse
# a·b + c into one FMA (one rounding, not two, so results move in the last bit): -std=c11
# otherwise keeps them apart, and the polynomial chains of GELU and exp ran as separate
# multiplies and adds, 2.6x onednn's GELU time.
backends_common_libvbcommon_la_CFLAGS = $(AM_CFLAGS) -O3 -fvect-cost-model=dynamic \
	-fno-math-errno -fno-trapping-math -ffp-contract=fast
backends_common_libvbcommon_la_LIBADD = backends/common/libvbcommon_avx512.la

# The code compiled for AVX-512, each entry reached only after a run-time check of the
# CPU: attention one head at a time (attention.c takes it only when vb_cpu_has_avx512) and
# the bf16 conversion. Functions with AVX512-BF16 instructions say so themselves
# (VBC_BF16_TARGET, internal.h) and run only in bf16 contexts, which exist only on CPUs
# with those instructions (context.c).
noinst_LTLIBRARIES += backends/common/libvbcommon_avx512.la
backends_common_libvbcommon_avx512_la_SOURCES = backends/common/bf16.c \
	backends/common/attention_heads.c
backends_common_libvbcommon_avx512_la_CFLAGS = $(AM_CFLAGS) -O3 -mavx512f -mavx512bw -mavx512vl \
	-mprefer-vector-width=512 -fno-math-errno -fno-trapping-math -ffp-contract=fast
