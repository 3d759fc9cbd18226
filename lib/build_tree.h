/* Build tree or installed: where the programs and the loader find their files. Private
 * to vitbench (not installed). */
#ifndef VITBENCH_BUILD_TREE_H
#define VITBENCH_BUILD_TREE_H

/* 1 when this process's executable lies under the folder vitbench was built in (the
 * programs, tests and libtool wrappers of the build tree): they read the source tree's
 * data files and the build tree's backends. 0 for an installed program, which reads only
 * the installed ones, even while the trees it was built from still exist. */
int vb_in_build_tree(void);

#endif
