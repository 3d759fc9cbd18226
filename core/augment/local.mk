# core/augment: per-sample augmentation and the batch loader thread (augment.h).
noinst_LTLIBRARIES += core/augment/libvbaugment.la
core_augment_libvbaugment_la_SOURCES = \
	core/augment/internal.h \
	core/augment/random.c \
	core/augment/geometric.c \
	core/augment/imageops.c \
	core/augment/autoaugment.c \
	core/augment/randaugment.c \
	core/augment/normalize.c \
	core/augment/erasing.c \
	core/augment/mixing.c \
	core/augment/batch.c \
	core/augment/loader.c
