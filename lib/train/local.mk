# lib/train: recipes, schedules, checkpoints, the training loop (train.h).
noinst_LTLIBRARIES += lib/train/libvbtrain.la
lib_train_libvbtrain_la_SOURCES = \
	lib/train/internal.h \
	lib/train/recipe.c \
	lib/train/schedule.c \
	lib/train/evaluate.c \
	lib/train/checkpoint.c \
	lib/train/weights.c \
	lib/train/split.c \
	lib/train/memory.c \
	lib/train/metrics.c \
	lib/train/progress.c \
	lib/train/diagnose.c \
	lib/train/summary.c \
	lib/train/trainer.c
