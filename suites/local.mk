# suites/: the programs users run on models, and the model descriptions (models/*.cfg).

# The command-line parser of every program, and what the training programs do around
# their work (MPI group, progress line).
CLI_SOURCES = suites/cli.c suites/cli.h
CLI_PROCESS_SOURCES = suites/cli_process.c suites/cli_process.h

# What vbmodel, vbtrain and runsuite share: finding their data files (suites/data_dir.c:
# the source tree when run from the build tree, else the installed folders) and loading
# a run's model, recipe, backend and dataset (suites/run_inputs.c).
RUN_INPUTS_SOURCES = suites/data_dir.c suites/data_dir.h suites/run_inputs.c \
	suites/run_inputs.h
RUN_INPUTS_CPPFLAGS = $(AM_CPPFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"' \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_BINDIR='"$(bindir)"' \
	-DVB_PKGDATADIR='"$(pkgdatadir)"' -DVB_MODELSDIR='"$(modelsdir)"' \
	-DVB_RECIPESDIR='"$(recipesdir)"' -DVB_SUITESDIR='"$(suitesdir)"' \
	-DVB_PUBLISHEDDIR='"$(publisheddir)"'

bin_PROGRAMS += vbmodel
vbmodel_SOURCES = suites/vbmodel.c suites/vbmodel.h suites/vbmodel_eval.c suites/vbmodel_export.c \
	suites/keras_names.c suites/keras_names.h \
	$(CLI_SOURCES) $(RUN_INPUTS_SOURCES)
vbmodel_CPPFLAGS = $(RUN_INPUTS_CPPFLAGS)
vbmodel_LDADD = lib/libvitbench.la -lm

modelsdir = $(pkgdatadir)/models
dist_models_DATA = \
	suites/models/cct_14_7x2.cfg \
	suites/models/cct_2_3x2.cfg \
	suites/models/cct_4_3x2.cfg \
	suites/models/cct_6_3x1.cfg \
	suites/models/cct_6_3x2.cfg \
	suites/models/cct_7_3x1.cfg \
	suites/models/cct_7_3x2.cfg \
	suites/models/cct_7_7x2.cfg \
	suites/models/cvt_6_4.cfg \
	suites/models/cvt_7_4.cfg \
	suites/models/fashion_cct.cfg \
	suites/models/keras_cct.cfg \
	suites/models/keras_cct_keras3.cfg \
	suites/models/keras_vit_small_ds_lsa.cfg \
	suites/models/keras_vit_small_ds_lsa_mask.cfg \
	suites/models/keras_vit_small_ds_lsa_temperature.cfg \
	suites/models/keras_vit_small_ds_spt.cfg \
	suites/models/keras_vit_small_ds_spt_lsa.cfg \
	suites/models/keras_vit_small_ds_vanilla.cfg \
	suites/models/qiita_vit.cfg \
	suites/models/qiita_vit_cls.cfg \
	suites/models/spt_lsa_paper_sl_vit.cfg \
	suites/models/spt_lsa_paper_sl_vit_tiny_imagenet.cfg \
	suites/models/spt_lsa_paper_vit.cfg \
	suites/models/spt_lsa_paper_vit_tiny_imagenet.cfg \
	suites/models/vit_base.cfg \
	suites/models/vit_huge.cfg \
	suites/models/vit_large.cfg \
	suites/models/vit_lite_6_4.cfg \
	suites/models/vit_lite_7_4.cfg \
	suites/models/vit_lite_7_8.cfg

include $(srcdir)/suites/vbdata.mk
include $(srcdir)/suites/vbtrain.mk
include $(srcdir)/suites/bench.mk
include $(srcdir)/suites/runsuite.mk
