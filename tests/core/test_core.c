/* test_core.c: status messages, allocator, RNG, string map and pool. */
#include "../test_util.h"

#include <math.h>
#include <unistd.h>

/* First five outputs per seed, from tests/core/rng_reference.py, an
 * independent Python implementation of splitmix64 + xoshiro256**. */
static const uint64_t RNG_REF[3][5] = {
    /* seed 0 */ {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL, 0xbba5ad4a1f842e59ULL},
    /* seed 42 */ {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL, 0xfde6dc7fe2ec5e64ULL},
    /* seed 2^64-1 */ {0x8f5520d52a7ead08ULL, 0xc476a018caa1802dULL, 0x81de31c0d260469eULL, 0xbf658d7e065f3c2fULL, 0x913593fda1bca32aULL},
};

static void test_rng_reference(void **state)
{
    (void)state;
    const uint64_t seeds[3] = {0, 42, UINT64_MAX};
    for (int s = 0; s < 3; s++) {
        tg_rng r;
        tg_rng_seed(&r, seeds[s]);
        for (int i = 0; i < 5; i++) assert_true(tg_rng_u64(&r) == RNG_REF[s][i]);
    }
}

static void test_rng_distributions(void **state)
{
    (void)state;
    tg_rng r;
    tg_rng_seed(&r, 7);
    enum { N = 200000 };
    double sum = 0, sumsq = 0, nsum = 0, nsumsq = 0;
    long counts[10] = {0};
    for (int i = 0; i < N; i++) {
        double u = tg_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
        sumsq += u * u;
        counts[tg_rng_below(&r, 10)]++;
        double z = tg_rng_normal(&r);
        nsum += z;
        nsumsq += z * z;
    }
    /* Means within 5 standard errors: U(0,1) sd 0.2887, N(0,1) sd 1. */
    assert_true(fabs(sum / N - 0.5) < 5 * 0.2887 / sqrt(N));
    assert_true(fabs(sumsq / N - 1.0 / 3.0) < 0.005);
    assert_true(fabs(nsum / N) < 5.0 / sqrt(N));
    assert_true(fabs(nsumsq / N - 1.0) < 0.02);
    /* Each of 10 bins: binomial(N, 0.1), sd ~ 134; allow 5 sd. */
    for (int k = 0; k < 10; k++) assert_true(labs(counts[k] - N / 10) < 5 * 134);
}

static void test_msg_first_error_wins(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_msg_clear(msg);
    assert_int_equal(tg_msg(msg, TG_ERR_ARG, "first %d", 1), TG_ERR_ARG);
    assert_int_equal(tg_msg(msg, TG_ERR_IO, "second"), TG_ERR_IO);
    assert_string_equal(msg, "first 1");
    assert_int_equal(tg_msg(NULL, TG_ERR_IO, "no buffer"), TG_ERR_IO);
    assert_string_equal(tg_status_name(TG_ERR_PARSE), "TG_ERR_PARSE");
}

static void test_strmap(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_strmap *m = NULL;
    tg_pool *p = NULL;
    assert_int_equal(tg_strmap_new(&m, 4), TG_OK);
    assert_int_equal(tg_pool_new(&p), TG_OK);
    char buf[32];
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(buf, sizeof buf, "node%d", i);
        const char *k = tg_pool_add(p, buf, (size_t)n);
        assert_non_null(k);
        assert_int_equal(tg_strmap_put(m, k, i, NULL), TG_OK);
    }
    assert_int_equal(tg_strmap_count(m), 10000);
    for (int i = 0; i < 10000; i += 37) {
        snprintf(buf, sizeof buf, "node%d", i);
        assert_int_equal(tg_strmap_get(m, buf), i);
    }
    int64_t old = -1;
    assert_int_equal(tg_strmap_put(m, "node5", 99, &old), TG_ERR_ID);
    assert_int_equal(old, 5);
    assert_int_equal(tg_strmap_get(m, "nope"), -1);
    assert_int_equal(tg_strmap_getn(m, "node12xyz", 6), 12);
    tg_strmap_free(&m);
    tg_strmap_free(&m);   /* idempotent */
    assert_null(m);
    tg_pool_free(&p);
    TG_CHECK_NO_LEAK();
}

/* Build a 20-key map; any step may fail under OOM injection. */
static tg_status build_map(void)
{
    static const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
                                 "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"};
    tg_strmap *m = NULL;
    tg_status st = tg_strmap_new(&m, 2);
    for (int i = 0; st == TG_OK && i < 20; i++) st = tg_strmap_put(m, keys[i], i, NULL);
    if (st == TG_OK && tg_strmap_get(m, "t") != 19) st = TG_ERR_ARG;
    tg_strmap_free(&m);
    return st;
}

static void test_strmap_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_status st = TG_ERR_NOMEM;
    TG_OOM_LOOP(st = build_map(), st == TG_OK);
    assert_int_equal(st, TG_OK);
}

static void test_alloc_overflow(void **state)
{
    (void)state;
    tg_test_install_allocator();
    assert_null(tg_calloc(SIZE_MAX / 2, 4));
    void *p = NULL;
    size_t cap = 0;
    assert_int_equal(tg_grow(&p, &cap, 100, 8), TG_OK);
    assert_true(cap >= 100);
    assert_int_equal(tg_grow(&p, &cap, SIZE_MAX / 4, 8), TG_ERR_NOMEM);
    tg_free(p);
    TG_CHECK_NO_LEAK();
}

static void test_progress_silent_when_not_tty(void **state)
{
    (void)state;
    tg_progress_force(-1);
    tg_progress p;
    tg_progress_start(&p, "work", 10);
    /* Tests run with stderr redirected to a file by the runner. */
    if (!isatty(2)) assert_false(p.enabled);
    tg_progress_update(&p, 5);
    tg_progress_finish(&p);
    tg_progress_force(0);
    tg_progress_start(&p, "work", 10);
    assert_false(p.enabled);
    tg_progress_force(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_reference),
        cmocka_unit_test(test_rng_distributions),
        cmocka_unit_test(test_msg_first_error_wins),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_strmap_oom),
        cmocka_unit_test(test_alloc_overflow),
        cmocka_unit_test(test_progress_silent_when_not_tty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
