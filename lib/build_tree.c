/* Build tree or installed (build_tree.h). */
#include "build_tree.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int vb_in_build_tree(void)
{
    static int answer = -1;
    if (answer >= 0) return answer;
    char exe[PATH_MAX], tree[PATH_MAX];
    size_t len;
    answer = realpath("/proc/self/exe", exe) && realpath(VB_BUILDDIR, tree) &&
             strncmp(exe, tree, len = strlen(tree)) == 0 && exe[len] == '/';
    return answer;
}
