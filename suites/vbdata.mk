# vbdata: find, inspect and import datasets (core/data).
bin_PROGRAMS += vbdata
vbdata_SOURCES = suites/vbdata.c
vbdata_LDADD = core/libvitbench.la -lm
