# man/: a page for every program, made by help2man from its --help; man/names holds the
# one-line description of each (the NAME section).
man1_MANS = man/runsuite.1 man/vbtrain.1 man/vbmodel.1 man/vbdata.1 man/vbcheck.1
EXTRA_DIST += man/names
CLEANFILES += $(man1_MANS)

$(man1_MANS): $(bin_PROGRAMS) $(srcdir)/man/names
	@$(MKDIR_P) man
	$(AM_V_GEN)prog=`basename $@ .1`; \
	$(HELP2MAN) --no-info --version-string=$(PACKAGE_VERSION) \
	    --name="`sed -n "s/^$$prog: //p" $(srcdir)/man/names`" --output=$@ ./$$prog$(EXEEXT)
