# Every file in the folders of shipped data (models, recipes, suites, published numbers) is
# in its install list. automake needs those lists written out by hand, so a test compares
# them with the folders: a .cfg left out would be neither installed nor distributed.
SHIPPED_FILES = $(dist_models_DATA) $(dist_recipes_DATA) $(dist_suites_DATA) \
	$(dist_published_DATA)
check_DATA = tests/shipped_data.list
CLEANFILES += tests/shipped_data.list
tests/shipped_data.list: Makefile
	$(AM_V_GEN)$(MKDIR_P) tests && printf '%s\n' $(SHIPPED_FILES) > $@-t && mv -f $@-t $@

check_PROGRAMS += tests/test_shipped
TESTS += tests/test_shipped
tests_test_shipped_SOURCES = tests/test_shipped.c
tests_test_shipped_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS) \
	-DVB_BUILDDIR='"$(abs_top_builddir)"' -DVB_SRCDIR='"$(abs_top_srcdir)"'
tests_test_shipped_LDADD = $(CRITERION_LIBS)
