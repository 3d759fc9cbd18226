# Dataset readers, writers and splits (lib/data), on small generated files; the real
# datasets are opened when VITBENCH_DATA or ../shared/datasets has them.
check_PROGRAMS += tests/test_data
TESTS += tests/test_data
tests_test_data_SOURCES = tests/test_data.c
tests_test_data_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) $(ARCHIVE_CFLAGS) \
	$(PNG_CFLAGS) $(JPEG_CFLAGS) $(ZLIB_CFLAGS) -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_data_LDADD = lib/libvitbench.la $(CRITERION_LIBS) $(ARCHIVE_LIBS) $(PNG_LIBS) \
	$(JPEG_LIBS) $(ZLIB_LIBS) -lm
