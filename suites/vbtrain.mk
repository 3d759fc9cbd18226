# vbtrain: train a model with a recipe (lib/train), and the recipes it ships.
bin_PROGRAMS += vbtrain
vbtrain_SOURCES = suites/vbtrain.c $(RUN_INPUTS_SOURCES) $(CLI_SOURCES) $(CLI_PROCESS_SOURCES)
vbtrain_CPPFLAGS = $(RUN_INPUTS_CPPFLAGS)
vbtrain_LDADD = lib/libvitbench.la -lm

recipesdir = $(pkgdatadir)/recipes
dist_recipes_DATA = \
	suites/recipes/cct_paper.cfg \
	suites/recipes/cct_paper_reduced.cfg \
	suites/recipes/fashion_cct.cfg \
	suites/recipes/keras_cct.cfg \
	suites/recipes/keras_cct_keras3.cfg \
	suites/recipes/keras_cct_jpeg75.cfg \
	suites/recipes/keras_vit_small_ds.cfg \
	suites/recipes/keras_vit_small_ds_cosine.cfg \
	suites/recipes/qiita_vit.cfg
