# lib/: libvbref (the reference ops, also linked into the naive backend), libvblayers
# (one file per layer kind) and libvitbench (everything a program links: tensors,
# parameter blocks, descriptor checks, the backend loader, op dispatch, description
# files, models), installed as a shared library with its public headers and vitbench.pc.
noinst_LTLIBRARIES += lib/libvbref.la lib/layers/libvblayers.la
lib_LTLIBRARIES += lib/libvitbench.la

lib_libvbref_la_SOURCES = \
	lib/ref/ref.h \
	lib/ref/reference_backend.c \
	lib/ref/gemm.c \
	lib/ref/conv2d.c \
	lib/ref/maxpool.c \
	lib/ref/pad.c \
	lib/ref/eltwise.c \
	lib/ref/add.c \
	lib/ref/layernorm.c \
	lib/ref/softmax.c \
	lib/ref/attention.c \
	lib/ref/dropout.c \
	lib/ref/seqpool.c \
	lib/ref/xent.c \
	lib/ref/adam.c

# The public headers, installed as <vitbench/NAME.h>: they include only each other.
vitbenchincludedir = $(includedir)/vitbench
vitbenchinclude_HEADERS = \
	lib/include/vitbench/augment.h \
	lib/include/vitbench/backend.h \
	lib/include/vitbench/cfg.h \
	lib/include/vitbench/checked.h \
	lib/include/vitbench/claim.h \
	lib/include/vitbench/count.h \
	lib/include/vitbench/cpu.h \
	lib/include/vitbench/dataset.h \
	lib/include/vitbench/desc_check.h \
	lib/include/vitbench/dist.h \
	lib/include/vitbench/files.h \
	lib/include/vitbench/fnv1a.h \
	lib/include/vitbench/governor.h \
	lib/include/vitbench/replicas.h \
	lib/include/vitbench/json.h \
	lib/include/vitbench/layer.h \
	lib/include/vitbench/loader.h \
	lib/include/vitbench/model.h \
	lib/include/vitbench/ops.h \
	lib/include/vitbench/rng.h \
	lib/include/vitbench/run.h \
	lib/include/vitbench/safetensors.h \
	lib/include/vitbench/step.h \
	lib/include/vitbench/tensor.h \
	lib/include/vitbench/train.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = vitbench.pc

lib_libvitbench_la_SOURCES = \
	lib/build_tree.h \
	lib/build_tree.c \
	lib/json.c \
	lib/files.c \
	lib/claim.c \
	lib/dist.c \
	lib/tensor.c \
	lib/desc_check.c \
	lib/loader.c \
	lib/loader_isolated.c \
	lib/run.c \
	lib/governor.c \
	lib/replicas.c \
	lib/cfg.c \
	lib/count.c \
	lib/model.c \
	lib/step.c \
	lib/safetensors.c
lib_libvitbench_la_CPPFLAGS = $(AM_CPPFLAGS) -DVB_BUILDDIR='"$(abs_top_builddir)"' \
	-DVB_PKGLIBDIR='"$(pkglibdir)"'
# The interface's version (libtool's current:revision:age): change it at each release
# whose exported functions or structures differ, as libtool's manual says.
lib_libvitbench_la_LDFLAGS = -version-info 0:0:0
lib_libvitbench_la_LIBADD = lib/libvbref.la lib/layers/libvblayers.la \
	lib/data/libvbdata.la lib/augment/libvbaugment.la lib/train/libvbtrain.la
if HAVE_MPI
lib_libvitbench_la_CPPFLAGS += -DVB_HAVE_MPI $(MPI_CFLAGS)
lib_libvitbench_la_LIBADD += $(MPI_LIBS)
endif

lib_layers_libvblayers_la_SOURCES = \
	lib/layers/registry.c \
	lib/layers/init.h \
	lib/layers/init.c \
	lib/layers/window.h \
	lib/layers/window.c \
	lib/layers/patchify.h \
	lib/layers/patchify.c \
	lib/layers/conv.c \
	lib/layers/zeropad.c \
	lib/layers/maxpool.c \
	lib/layers/patches.c \
	lib/layers/shifted_patches.c \
	lib/layers/resize.c \
	lib/layers/dense.c \
	lib/layers/layernorm.c \
	lib/layers/dropout.c \
	lib/layers/flatten.c \
	lib/layers/token.c \
	lib/layers/posemb.c \
	lib/layers/class_token.c \
	lib/layers/seqpool.c \
	lib/layers/seq_common.h \
	lib/layers/seq_common.c \
	lib/layers/encoder.h \
	lib/layers/encoder.c \
	lib/layers/encoder_attention.c \
	lib/layers/encoder_mlp.c \
	lib/layers/encoder_dense.c
# registry.c lists every kind these files define (`const vb_layer_kind vb_layer_NAME = {`,
# layer.h), collected at build time by scripts/layer-kinds: a new kind is its own file and
# its line above, nothing else.
BUILT_SOURCES += lib/layers/layer_kinds.inc
CLEANFILES += lib/layers/layer_kinds.inc
EXTRA_DIST += scripts/layer-kinds
lib_layers_libvblayers_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/lib/layers
lib/layers/layer_kinds.inc: $(lib_layers_libvblayers_la_SOURCES) $(srcdir)/lib/local.mk \
	    $(srcdir)/scripts/layer-kinds
	$(AM_V_GEN)$(MKDIR_P) lib/layers && \
	(cd $(srcdir) && $(SHELL) scripts/layer-kinds $(lib_layers_libvblayers_la_SOURCES)) \
	    > $@-t && mv -f $@-t $@

include $(srcdir)/lib/data/local.mk
include $(srcdir)/lib/augment/local.mk
include $(srcdir)/lib/train/local.mk
