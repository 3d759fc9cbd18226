# tests/: Criterion suites (one fragment per area) and the conformance harness.
include $(srcdir)/tests/gradcheck.mk
include $(srcdir)/tests/conformance.mk
include $(srcdir)/tests/core.mk
include $(srcdir)/tests/contexts.mk
include $(srcdir)/tests/layers.mk
include $(srcdir)/tests/cfg.mk
include $(srcdir)/tests/safetensors.mk
include $(srcdir)/tests/augment.mk
include $(srcdir)/tests/data.mk
include $(srcdir)/tests/train.mk
include $(srcdir)/tests/runsuite.mk
include $(srcdir)/tests/cli.mk
include $(srcdir)/tests/eval.mk
include $(srcdir)/tests/keras_export.mk
include $(srcdir)/tests/fuzz.mk
include $(srcdir)/tests/mpi.mk
include $(srcdir)/tests/shipped.mk
