# core/: libvbref (the reference ops, also linked into the naive backend) and
# libvitbench (tensors, parameter blocks, descriptor checks, the backend loader).
noinst_LTLIBRARIES += core/libvbref.la core/libvitbench.la

core_libvbref_la_SOURCES = \
	core/ref/ref.h \
	core/ref/reference_backend.c \
	core/ref/gemm.c \
	core/ref/conv2d.c \
	core/ref/maxpool.c \
	core/ref/pad.c \
	core/ref/eltwise.c \
	core/ref/add.c \
	core/ref/layernorm.c \
	core/ref/softmax.c \
	core/ref/attention.c \
	core/ref/dropout.c \
	core/ref/seqpool.c \
	core/ref/xent.c \
	core/ref/adam.c

core_libvitbench_la_SOURCES = \
	core/include/vitbench/ops.h \
	core/include/vitbench/backend.h \
	core/include/vitbench/rng.h \
	core/include/vitbench/tensor.h \
	core/include/vitbench/desc_check.h \
	core/include/vitbench/loader.h \
	core/tensor.c \
	core/desc_check.c \
	core/loader.c
core_libvitbench_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVB_BUILD_BACKEND_DIR='"$(abs_top_builddir)/backends/.libs"' \
	-DVB_PKGLIBDIR='"$(pkglibdir)"'
core_libvitbench_la_LIBADD = core/libvbref.la
