# onednn: oneDNN primitives (matmul, convolution, pooling, layer norm, softmax, eltwise,
# binary) behind the ABI; the other ops come from backends/common.
if BUILD_ONEDNN
pkglib_LTLIBRARIES += backends/vitbench-onednn.la
backends_vitbench_onednn_la_SOURCES = \
	backends/onednn/onednn_backend.c \
	backends/onednn/onednn.h \
	backends/onednn/check.h \
	backends/onednn/prim.h \
	backends/onednn/prim.c \
	backends/onednn/cache.h \
	backends/onednn/cache.c \
	backends/onednn/unary.h \
	backends/onednn/unary.c \
	backends/onednn/matmul.c \
	backends/onednn/conv.c \
	backends/onednn/pool.c \
	backends/onednn/layernorm.c \
	backends/onednn/softmax.c \
	backends/onednn/eltwise.c \
	backends/onednn/binary.c
backends_vitbench_onednn_la_LDFLAGS = $(BACKEND_LDFLAGS)
backends_vitbench_onednn_la_LIBADD = backends/common/libvbcommon.la $(ONEDNN_LIBS) -lm
endif
