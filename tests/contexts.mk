# tests/test_contexts: backends and contexts with different thread counts in one process,
# their ops interleaved. The program defines GOMP_parallel to see every OpenMP team, so
# it exports that symbol ahead of libgomp's.
check_PROGRAMS += tests/test_contexts
TESTS += tests/test_contexts
tests_test_contexts_SOURCES = tests/test_contexts.c
tests_test_contexts_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_test_contexts_LDFLAGS = -Wl,--export-dynamic-symbol=GOMP_parallel
tests_test_contexts_LDADD = $(CORE_TEST_LDADD)
