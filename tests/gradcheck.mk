# tests/gradcheck: every backward op of the reference against finite differences of its
# forward, plus accumulation, NULL gradients, maxpool ties and Adam's step.
check_PROGRAMS += tests/test_gradcheck
TESTS += tests/test_gradcheck
tests_test_gradcheck_SOURCES = tests/test_gradcheck.c
tests_test_gradcheck_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/lib/ref
tests_test_gradcheck_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_gradcheck_LDADD = lib/libvbref.la $(CRITERION_LIBS) -lm
