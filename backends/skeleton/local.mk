# skeleton: the documented minimal backend (one op of its own, the rest from the
# reference), built from the public headers only; the template of "Writing a backend".
pkglib_LTLIBRARIES += backends/vitbench-skeleton.la
backends_vitbench_skeleton_la_SOURCES = backends/skeleton/skeleton.c
backends_vitbench_skeleton_la_LDFLAGS = $(BACKEND_LDFLAGS)
backends_vitbench_skeleton_la_LIBADD = -lm
