# tests/conformance: the harness library, the vbcheck program and the Criterion suite
# that runs every case on every backend against the reference.
noinst_LTLIBRARIES += tests/conformance/libconformance.la
tests_conformance_libconformance_la_SOURCES = \
	tests/conformance/conformance.h \
	tests/conformance/opinfo.c \
	tests/conformance/cases.c \
	tests/conformance/fill.c \
	tests/conformance/buffers.c \
	tests/conformance/prepare.c \
	tests/conformance/metrics.c \
	tests/conformance/check.c \
	tests/conformance/gradcheck.c \
	tests/conformance/perf.c \
	tests/conformance/report.c
tests_conformance_libconformance_la_CPPFLAGS = $(AM_CPPFLAGS)
tests_conformance_libconformance_la_LIBADD = lib/libvitbench.la -lm
if BUILD_OPENBLAS
# perf mode times bare cblas_sgemm next to every backend's GEMM.
tests_conformance_libconformance_la_CPPFLAGS += -DVB_HAVE_CBLAS $(OPENBLAS_CFLAGS)
tests_conformance_libconformance_la_LIBADD += $(OPENBLAS_LIBS)
endif

bin_PROGRAMS += vbcheck
vbcheck_SOURCES = tests/conformance/vbcheck.c tests/conformance/crash_guard.c \
	tests/conformance/crash_guard.h $(CLI_SOURCES)
vbcheck_LDADD = tests/conformance/libconformance.la

check_PROGRAMS += tests/test_conformance
TESTS += tests/test_conformance
tests_test_conformance_SOURCES = tests/test_conformance.c
tests_test_conformance_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_conformance_LDADD = tests/conformance/libconformance.la $(CRITERION_LIBS)
