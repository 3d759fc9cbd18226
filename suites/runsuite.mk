# runsuite: the papers' tables as suites (suites/suites/*.cfg), their published numbers
# (suites/published/*.csv) and the report script that plots them (scripts/report).
bin_PROGRAMS += runsuite
runsuite_SOURCES = $(RUN_INPUTS_SOURCES) $(CLI_SOURCES) $(CLI_PROCESS_SOURCES) \
	suites/runsuite/main.c \
	suites/runsuite/suite.c suites/runsuite/suite.h \
	suites/runsuite/estimate.c suites/runsuite/estimate.h \
	suites/runsuite/cell.c suites/runsuite/cell.h \
	suites/runsuite/cell_list.c suites/runsuite/cell_list.h \
	suites/runsuite/run_folder.c suites/runsuite/run_folder.h \
	suites/runsuite/provenance.c suites/runsuite/provenance.h \
	suites/runsuite/params_suite.c suites/runsuite/params_suite.h \
	suites/runsuite/backends_suite.c suites/runsuite/backends_suite.h \
	suites/runsuite/drift.c suites/runsuite/drift.h \
	suites/runsuite/report.c suites/runsuite/report.h
runsuite_CPPFLAGS = $(RUN_INPUTS_CPPFLAGS)
runsuite_LDADD = lib/libvitbench.la -lm

suitesdir = $(pkgdatadir)/suites
dist_suites_DATA = \
	suites/suites/backends.cfg \
	suites/suites/cct_cifar10.cfg \
	suites/suites/cct_paper.cfg \
	suites/suites/params.cfg \
	suites/suites/quickstart.cfg \
	suites/suites/vit_cifar10.cfg \
	suites/suites/vit_small_ds.cfg \
	suites/suites/throughput.csv

publisheddir = $(pkgdatadir)/published
dist_published_DATA = \
	suites/published/accuracy.csv \
	suites/published/keras_cct_val_accuracy.csv \
	suites/published/params.csv

dist_pkgdata_SCRIPTS = scripts/report
