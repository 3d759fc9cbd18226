# lib/augment: per-sample augmentation and the batch loader thread (augment.h).
noinst_LTLIBRARIES += lib/augment/libvbaugment.la
lib_augment_libvbaugment_la_SOURCES = \
	lib/augment/internal.h \
	lib/augment/random.c \
	lib/augment/geometric.c \
	lib/augment/imageops.c \
	lib/augment/autoaugment.c \
	lib/augment/randaugment.c \
	lib/augment/normalize.c \
	lib/augment/erasing.c \
	lib/augment/mixing.c \
	lib/augment/batch.c \
	lib/augment/loader.c
