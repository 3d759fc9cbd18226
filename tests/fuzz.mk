# Fuzz regressions: every fuzz target (fuzz/fuzz_TARGET.c) is also built for make check,
# renamed, and test_fuzz_replay runs it over tests/fuzz/TARGET/* — inputs the fuzzers
# found (crashes, once fixed, and corner cases) — under the normal build or the
# sanitizers. `make fuzz` (scripts/fuzz) does the fuzzing itself, with clang.

check_LTLIBRARIES += tests/fuzz/libfuzz_replay.la
tests_fuzz_libfuzz_replay_la_SOURCES = fuzz/fuzz_input.c fuzz/fuzz_input.h
tests_fuzz_libfuzz_replay_la_LIBADD = tests/fuzz/libfuzz_model_cfg.la \
	tests/fuzz/libfuzz_recipe_cfg.la tests/fuzz/libfuzz_suite_cfg.la \
	tests/fuzz/libfuzz_safetensors.la tests/fuzz/libfuzz_cifar.la tests/fuzz/libfuzz_idx.la \
	tests/fuzz/libfuzz_image_folder.la tests/fuzz/libfuzz_gzip.la
check_LTLIBRARIES += tests/fuzz/libfuzz_model_cfg.la tests/fuzz/libfuzz_recipe_cfg.la \
	tests/fuzz/libfuzz_suite_cfg.la tests/fuzz/libfuzz_safetensors.la \
	tests/fuzz/libfuzz_cifar.la tests/fuzz/libfuzz_idx.la tests/fuzz/libfuzz_image_folder.la \
	tests/fuzz/libfuzz_gzip.la
tests_fuzz_libfuzz_model_cfg_la_SOURCES = fuzz/fuzz_model_cfg.c
tests_fuzz_libfuzz_model_cfg_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_model_cfg_one
tests_fuzz_libfuzz_recipe_cfg_la_SOURCES = fuzz/fuzz_recipe_cfg.c
tests_fuzz_libfuzz_recipe_cfg_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_recipe_cfg_one
# Suite parsing is runsuite's, not the library's: suite.c (and data_dir.c, where it looks
# for suite files) are compiled in with its target.
tests_fuzz_libfuzz_suite_cfg_la_SOURCES = fuzz/fuzz_suite_cfg.c suites/runsuite/suite.c \
	suites/data_dir.c
tests_fuzz_libfuzz_suite_cfg_la_CPPFLAGS = $(RUN_INPUTS_CPPFLAGS) -I$(srcdir)/suites/runsuite \
	-DLLVMFuzzerTestOneInput=fuzz_suite_cfg_one
tests_fuzz_libfuzz_safetensors_la_SOURCES = fuzz/fuzz_safetensors.c
tests_fuzz_libfuzz_safetensors_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_safetensors_one
tests_fuzz_libfuzz_cifar_la_SOURCES = fuzz/fuzz_cifar.c
tests_fuzz_libfuzz_cifar_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_cifar_one
tests_fuzz_libfuzz_idx_la_SOURCES = fuzz/fuzz_idx.c
tests_fuzz_libfuzz_idx_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_idx_one
tests_fuzz_libfuzz_image_folder_la_SOURCES = fuzz/fuzz_image_folder.c
tests_fuzz_libfuzz_image_folder_la_CPPFLAGS = $(AM_CPPFLAGS) -DLLVMFuzzerTestOneInput=fuzz_image_folder_one
# gzip fuzzes lib/data's internal stream layer: it sees lib/data/data.h
tests_fuzz_libfuzz_gzip_la_SOURCES = fuzz/fuzz_gzip.c
tests_fuzz_libfuzz_gzip_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/lib/data \
	-DLLVMFuzzerTestOneInput=fuzz_gzip_one

check_PROGRAMS += tests/test_fuzz_replay
TESTS += tests/test_fuzz_replay
tests_test_fuzz_replay_SOURCES = tests/test_fuzz_replay.c
tests_test_fuzz_replay_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_fuzz_replay_LDADD = tests/fuzz/libfuzz_replay.la lib/libvitbench.la $(CRITERION_LIBS) -lm

EXTRA_DIST += scripts/fuzz fuzz/make_seeds.c tests/fuzz/model_cfg tests/fuzz/recipe_cfg \
	tests/fuzz/suite_cfg tests/fuzz/safetensors \
	tests/fuzz/cifar tests/fuzz/idx tests/fuzz/image_folder tests/fuzz/gzip
fuzz:
	$(SHELL) $(srcdir)/scripts/fuzz $(FUZZ_FLAGS)
.PHONY: fuzz

# A 1-epoch training on a cut of Fashion-MNIST under valgrind's memcheck (scripts/valgrind-train).
EXTRA_DIST += scripts/valgrind-train
valgrind: all
	$(SHELL) $(srcdir)/scripts/valgrind-train --build . $(VALGRIND_FLAGS)
.PHONY: valgrind
