# Data-parallel training over MPI against training alone (skips when built without MPI).
check_PROGRAMS += tests/test_mpi
TESTS += tests/test_mpi
tests_test_mpi_SOURCES = tests/test_mpi.c tests/shell.c tests/shell.h
tests_test_mpi_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"' \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_MPIRUN='"$(MPIRUN)"'
tests_test_mpi_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
EXTRA_DIST += tests/mpi_fashion_cct_dropout.cfg
EXTRA_DIST += scripts/mpi-throughput
