# tests/test_governor: the thread governor picks fewer threads while other processes keep
# the cores busy, and a fixed one never does.
check_PROGRAMS += tests/test_governor
TESTS += tests/test_governor
tests_test_governor_SOURCES = tests/test_governor.c
tests_test_governor_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_test_governor_LDADD = $(CORE_TEST_LDADD)
