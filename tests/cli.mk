# The command-line parser (suites/cli.c) on its own tables, and every built program's
# --help and argument errors (it runs the built programs).
check_PROGRAMS += tests/test_cli
TESTS += tests/test_cli
tests_test_cli_SOURCES = tests/test_cli.c tests/shell.c tests/shell.h $(CLI_SOURCES)
tests_test_cli_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DVB_BUILDDIR='"$(abs_top_builddir)"'
tests_test_cli_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
