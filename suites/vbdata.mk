# vbdata: find, inspect and import datasets (lib/data).
bin_PROGRAMS += vbdata
vbdata_SOURCES = suites/vbdata.c $(CLI_SOURCES)
vbdata_LDADD = lib/libvitbench.la -lm
