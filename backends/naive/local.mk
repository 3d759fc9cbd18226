# naive: the reference ops behind the ABI, proving the dlopen path end to end.
pkglib_LTLIBRARIES += backends/vitbench-naive.la
backends_vitbench_naive_la_SOURCES = backends/naive/naive.c
backends_vitbench_naive_la_LDFLAGS = $(BACKEND_LDFLAGS)
backends_vitbench_naive_la_LIBADD = lib/libvbref.la
