# vbmodel export --format keras: the seeds' Keras names, and scripts/keras-seeds.py (PyTorch
# under those names) against vbmodel eval (it runs the built programs).
check_PROGRAMS += tests/test_keras_export
TESTS += tests/test_keras_export
tests_test_keras_export_SOURCES = tests/test_keras_export.c tests/shell.c tests/shell.h
tests_test_keras_export_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_keras_export_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
EXTRA_DIST += scripts/keras-seeds.py tests/keras_vit_small_ds_cifar10.cfg
