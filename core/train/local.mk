# core/train: recipes, schedules, checkpoints, the training loop (train.h).
noinst_LTLIBRARIES += core/train/libvbtrain.la
core_train_libvbtrain_la_SOURCES = \
	core/train/internal.h \
	core/train/recipe.c \
	core/train/schedule.c \
	core/train/evaluate.c \
	core/train/checkpoint.c \
	core/train/weights.c \
	core/train/split.c \
	core/train/memory.c \
	core/train/metrics.c \
	core/train/progress.c \
	core/train/diagnose.c \
	core/train/summary.c \
	core/train/trainer.c
