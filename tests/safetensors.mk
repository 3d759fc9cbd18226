# safetensors reader/writer (lib/safetensors.c).
check_PROGRAMS += tests/test_safetensors
TESTS += tests/test_safetensors
tests_test_safetensors_SOURCES = tests/test_safetensors.c
tests_test_safetensors_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_test_safetensors_LDADD = lib/libvitbench.la $(CRITERION_LIBS) -lm
