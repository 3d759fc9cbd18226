# core/data: dataset readers and writers (dataset.h).
noinst_LTLIBRARIES += core/data/libvbdata.la
core_data_libvbdata_la_SOURCES = \
	core/data/data.h \
	core/data/stream.c \
	core/data/archive.c \
	core/data/dataset.c \
	core/data/checksum.c \
	core/data/cifar.c \
	core/data/cifar_write.c \
	core/data/idx.c \
	core/data/jpeg.c \
	core/data/png.c \
	core/data/image_folder.c \
	core/data/subset.c \
	core/data/search.c
core_data_libvbdata_la_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
core_data_libvbdata_la_LIBADD = $(ARCHIVE_LIBS) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
