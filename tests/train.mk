# The trainer (lib/train/): recipes, schedules, checkpoints, determinism, resume.
check_PROGRAMS += tests/test_train
TESTS += tests/test_train
tests_test_train_SOURCES = tests/test_train.c
tests_test_train_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_train_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
