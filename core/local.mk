# core/: libvbref (the reference ops, also linked into the naive backend), libvblayers
# (one file per layer kind) and libvitbench (everything a program links: tensors,
# parameter blocks, descriptor checks, the backend loader, op dispatch, description
# files, models), installed as a shared library with its public headers and vitbench.pc.
noinst_LTLIBRARIES += core/libvbref.la core/layers/libvblayers.la
lib_LTLIBRARIES += core/libvitbench.la

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

# The public headers, installed as <vitbench/NAME.h>: they include only each other.
vitbenchincludedir = $(includedir)/vitbench
vitbenchinclude_HEADERS = \
	core/include/vitbench/augment.h \
	core/include/vitbench/backend.h \
	core/include/vitbench/cfg.h \
	core/include/vitbench/count.h \
	core/include/vitbench/dataset.h \
	core/include/vitbench/desc_check.h \
	core/include/vitbench/dist.h \
	core/include/vitbench/files.h \
	core/include/vitbench/json.h \
	core/include/vitbench/layer.h \
	core/include/vitbench/loader.h \
	core/include/vitbench/model.h \
	core/include/vitbench/ops.h \
	core/include/vitbench/rng.h \
	core/include/vitbench/run.h \
	core/include/vitbench/safetensors.h \
	core/include/vitbench/step.h \
	core/include/vitbench/tensor.h \
	core/include/vitbench/train.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = vitbench.pc

core_libvitbench_la_SOURCES = \
	core/build_tree.h \
	core/build_tree.c \
	core/json.c \
	core/files.c \
	core/dist.c \
	core/tensor.c \
	core/desc_check.c \
	core/loader.c \
	core/loader_isolated.c \
	core/run.c \
	core/cfg.c \
	core/count.c \
	core/model.c \
	core/step.c \
	core/safetensors.c
core_libvitbench_la_CPPFLAGS = $(AM_CPPFLAGS) -DVB_BUILDDIR='"$(abs_top_builddir)"' \
	-DVB_BUILD_BACKEND_DIR='"$(abs_top_builddir)/backends/.libs"' \
	-DVB_PKGLIBDIR='"$(pkglibdir)"'
# The interface's version (libtool's current:revision:age): change it at each release
# whose exported functions or structures differ, as libtool's manual says.
core_libvitbench_la_LDFLAGS = -version-info 0:0:0
core_libvitbench_la_LIBADD = core/libvbref.la core/layers/libvblayers.la \
	core/data/libvbdata.la core/augment/libvbaugment.la core/train/libvbtrain.la
if HAVE_MPI
core_libvitbench_la_CPPFLAGS += -DVB_HAVE_MPI $(MPI_CFLAGS)
core_libvitbench_la_LIBADD += $(MPI_LIBS)
endif

core_layers_libvblayers_la_SOURCES = \
	core/layers/registry.c \
	core/layers/init.h \
	core/layers/init.c \
	core/layers/window.h \
	core/layers/window.c \
	core/layers/patchify.h \
	core/layers/patchify.c \
	core/layers/conv.c \
	core/layers/zeropad.c \
	core/layers/maxpool.c \
	core/layers/patches.c \
	core/layers/shifted_patches.c \
	core/layers/resize.c \
	core/layers/dense.c \
	core/layers/layernorm.c \
	core/layers/dropout.c \
	core/layers/flatten.c \
	core/layers/token.c \
	core/layers/posemb.c \
	core/layers/class_token.c \
	core/layers/seqpool.c \
	core/layers/seq_common.h \
	core/layers/seq_common.c \
	core/layers/encoder.h \
	core/layers/encoder.c \
	core/layers/encoder_attention.c \
	core/layers/encoder_mlp.c \
	core/layers/encoder_dense.c

include $(srcdir)/core/data/local.mk
include $(srcdir)/core/augment/local.mk
include $(srcdir)/core/train/local.mk
