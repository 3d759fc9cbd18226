# runsuite end to end (suites/runsuite): it runs the built program.
check_PROGRAMS += tests/test_runsuite
TESTS += tests/test_runsuite
tests_test_runsuite_SOURCES = tests/test_runsuite.c tests/shell.c tests/shell.h
tests_test_runsuite_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_runsuite_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
