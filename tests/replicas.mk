# tests/test_replicas: sample-parallel steps compute the same bits on any number of
# workers, follow the whole batch within rounding, and stop cleanly on a non-finite loss.
check_PROGRAMS += tests/test_replicas
TESTS += tests/test_replicas
tests_test_replicas_SOURCES = tests/test_replicas.c
tests_test_replicas_CPPFLAGS = $(CORE_TEST_CPPFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_replicas_LDADD = $(CORE_TEST_LDADD)
