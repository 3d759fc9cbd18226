# lib/data: dataset readers and writers (dataset.h).
noinst_LTLIBRARIES += lib/data/libvbdata.la
lib_data_libvbdata_la_SOURCES = \
	lib/data/data.h \
	lib/data/stream.c \
	lib/data/archive.c \
	lib/data/dataset.c \
	lib/data/checksum.c \
	lib/data/cache.c \
	lib/data/cifar.c \
	lib/data/cifar_write.c \
	lib/data/idx.c \
	lib/data/jpeg.c \
	lib/data/jpeg_encode.c \
	lib/data/jpeg_failure.h \
	lib/data/jpeg_failure.c \
	lib/data/jpeg_roundtrip.c \
	lib/data/png.c \
	lib/data/image_folder.c \
	lib/data/subset.c \
	lib/data/search.c
lib_data_libvbdata_la_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
lib_data_libvbdata_la_LIBADD = $(ARCHIVE_LIBS) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
