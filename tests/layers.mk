# Layer tests: one program per layer family, each a table of cases for layer_check.c.
noinst_LTLIBRARIES += tests/liblayercheck.la
tests_liblayercheck_la_SOURCES = tests/layer_check.c tests/layer_check.h
tests_liblayercheck_la_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)

LAYER_TEST_LDADD = tests/liblayercheck.la lib/libvitbench.la $(CRITERION_LIBS) -lm
check_PROGRAMS += tests/test_layers_tokenizer tests/test_layers_sequence tests/test_layers_encoder
TESTS += tests/test_layers_tokenizer tests/test_layers_sequence tests/test_layers_encoder
tests_test_layers_tokenizer_SOURCES = tests/test_layers_tokenizer.c
tests_test_layers_tokenizer_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_layers_tokenizer_LDADD = $(LAYER_TEST_LDADD)
tests_test_layers_sequence_SOURCES = tests/test_layers_sequence.c
tests_test_layers_sequence_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_layers_sequence_LDADD = $(LAYER_TEST_LDADD)
tests_test_layers_encoder_SOURCES = tests/test_layers_encoder.c
tests_test_layers_encoder_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_layers_encoder_LDADD = $(LAYER_TEST_LDADD)

# The registry: every kind lib/layers defines, each whole (it reads the sources).
check_PROGRAMS += tests/test_layer_kinds
TESTS += tests/test_layer_kinds
tests_test_layer_kinds_SOURCES = tests/test_layer_kinds.c
tests_test_layer_kinds_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_layer_kinds_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
