# Model description files: the INI parser and its typed getters.
check_PROGRAMS += tests/test_cfg
TESTS += tests/test_cfg
tests_test_cfg_SOURCES = tests/test_cfg.c
tests_test_cfg_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_cfg_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
