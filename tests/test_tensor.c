/* Aligned allocation and the parameter/gradient block pair. */
#include <criterion/criterion.h>
#include <stdint.h>
#include "vitbench/tensor.h"

Test(tensor, alloc_is_aligned_and_zeroed)
{
    for (size_t bytes = 1; bytes < 5000; bytes = bytes * 3 + 1) {
        unsigned char *p = vb_alloc(bytes);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % VB_ALIGN, 0, "%zu bytes at %p", bytes, (void *)p);
        for (size_t i = 0; i < bytes; i++) cr_assert_eq(p[i], 0);
        vb_free(p);
    }
    cr_assert_null(vb_alloc(0));
}

Test(tensor, param_block_shares_offsets_between_data_and_grad)
{
    vb_param_block pb;
    vb_param_block_init(&pb);
    int w = vb_param_block_add(&pb, "w", 2, (int64_t[]){3, 5});
    int b = vb_param_block_add(&pb, "b", 1, (int64_t[]){5});
    cr_assert_eq(vb_param_block_add(&pb, "w", 1, (int64_t[]){1}), -1, "duplicate accepted");
    cr_assert_eq(vb_param_block_add(&pb, "zero", 1, (int64_t[]){0}), -1, "empty accepted");
    cr_assert_eq(vb_param_block_alloc(&pb), 0);
    cr_assert_eq(vb_param_block_numel(&pb), 20);
    cr_assert_eq(vb_param_block_find(&pb, "b"), b);
    for (int i = 0; i < pb.count; i++) {
        cr_assert_eq((uintptr_t)vb_param_data(&pb, i) % VB_ALIGN, 0);
        cr_assert_eq(vb_param_grad(&pb, i) - pb.grad, vb_param_data(&pb, i) - pb.data);
    }
    cr_assert_eq(vb_param_block_add(&pb, "late", 1, (int64_t[]){1}), -1, "added after alloc");
    vb_param_grad(&pb, w)[14] = 3.0f;
    vb_param_block_zero_grad(&pb);
    cr_assert_eq(vb_param_grad(&pb, w)[14], 0.0f);
    vb_param_block_free(&pb);
}
