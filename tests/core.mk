# Core tests: loader (with stub backends), descriptor checks, tensors and parameter blocks.
STUB_LDFLAGS = $(BACKEND_LDFLAGS) -rpath /nowhere
STUB_SRC = tests/stubs/stub_backend.c
check_LTLIBRARIES += tests/stubs/vitbench-stub-partial.la tests/stubs/vitbench-stub-major.la \
	tests/stubs/vitbench-stub-short.la tests/stubs/vitbench-stub-noentry.la \
	tests/stubs/vitbench-stub-probe.la tests/stubs/vitbench-stub-init.la \
	tests/stubs/vitbench-stub-crash.la tests/stubs/vitbench-stub-abi2.la \
	tests/stubs/vitbench-stub-badname.la tests/stubs/vitbench-stub-opcrash.la
tests_stubs_vitbench_stub_partial_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_partial_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-partial"'
tests_stubs_vitbench_stub_partial_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_major_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_major_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-major"' -DSTUB_WRONG_MAJOR
tests_stubs_vitbench_stub_major_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_abi2_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_abi2_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-abi2"' -DSTUB_ABI2
tests_stubs_vitbench_stub_abi2_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_short_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_short_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-short"' -DSTUB_SHORT_TABLE
tests_stubs_vitbench_stub_short_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_noentry_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_noentry_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-noentry"' -DSTUB_NO_ENTRY
tests_stubs_vitbench_stub_noentry_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_stubs_vitbench_stub_probe_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_probe_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-probe"' -DSTUB_PROBE_FAILS
tests_stubs_vitbench_stub_probe_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_init_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_init_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-init"' -DSTUB_INIT_FAILS
tests_stubs_vitbench_stub_init_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_crash_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_crash_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-crash"' -DSTUB_INIT_CRASHES
tests_stubs_vitbench_stub_crash_la_LDFLAGS = $(STUB_LDFLAGS)
# a sound table whose name would make run folders outside the results (NAME.RECIPE.seedS)
tests_stubs_vitbench_stub_badname_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_badname_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"../up"'
tests_stubs_vitbench_stub_badname_la_LDFLAGS = $(STUB_LDFLAGS)
tests_stubs_vitbench_stub_opcrash_la_SOURCES = $(STUB_SRC)
tests_stubs_vitbench_stub_opcrash_la_CPPFLAGS = $(AM_CPPFLAGS) -DSTUB_NAME='"stub-opcrash"' -DSTUB_OP_CRASHES
tests_stubs_vitbench_stub_opcrash_la_LDFLAGS = $(STUB_LDFLAGS)

CORE_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DSTUB_DIR='"$(abs_top_builddir)/tests/stubs/.libs"' \
	-DBUILD_BACKEND_DIR='"$(abs_top_builddir)/backends/.libs"'
CORE_TEST_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm

check_PROGRAMS += tests/test_loader tests/test_desc_check tests/test_tensor
TESTS += tests/test_loader tests/test_desc_check tests/test_tensor
tests_test_loader_SOURCES = tests/test_loader.c
tests_test_loader_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_test_loader_LDADD = $(CORE_TEST_LDADD)
tests_test_desc_check_SOURCES = tests/test_desc_check.c
tests_test_desc_check_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_test_desc_check_LDADD = $(CORE_TEST_LDADD)
tests_test_tensor_SOURCES = tests/test_tensor.c
tests_test_tensor_CPPFLAGS = $(CORE_TEST_CPPFLAGS)
tests_test_tensor_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/test_models
TESTS += tests/test_models
tests_test_models_SOURCES = tests/test_models.c
tests_test_models_CPPFLAGS = $(CORE_TEST_CPPFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_models_LDADD = $(CORE_TEST_LDADD)

check_PROGRAMS += tests/test_golden
TESTS += tests/test_golden
tests_test_golden_SOURCES = tests/test_golden.c
tests_test_golden_CPPFLAGS = $(CORE_TEST_CPPFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_golden_LDADD = $(CORE_TEST_LDADD)
EXTRA_DIST += tests/golden/keras_cct.safetensors tests/golden/qiita_vit.safetensors \
	tests/golden/vit_spt_lsa.safetensors scripts/golden.py scripts/torch-train.py \
	scripts/golden-mutations
