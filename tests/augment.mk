# Augmentation and the batch loader (lib/augment). Links the augment library alone: the
# test reaches its internals (lib/augment/internal.h) and needs nothing else.
check_PROGRAMS += tests/test_augment
TESTS += tests/test_augment
tests_test_augment_SOURCES = tests/test_augment.c
tests_test_augment_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_augment_LDADD = lib/augment/libvbaugment.la $(CRITERION_LIBS) -lm
