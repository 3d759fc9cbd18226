# vbmodel eval and export end to end, and the PyTorch scripts against them (it runs the
# built programs).
check_PROGRAMS += tests/test_eval
TESTS += tests/test_eval
tests_test_eval_SOURCES = tests/test_eval.c tests/shell.c tests/shell.h
tests_test_eval_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_eval_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
EXTRA_DIST += scripts/torch-eval.py scripts/official-cct.py
