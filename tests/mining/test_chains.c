/* test_chains.c: failure chains ending in a critical event.
 * - Against a brute force on random logs: every chain with support >= 1,
 *   found by enumerating event tuples directly, with the same support,
 *   and nothing else.
 * - A planted two-step chain (A -> B -> C, each step with probability
 *   0.9 within 60 s) is found with confidence near 0.81, its rules'
 *   product near the same, and no chain from background events.
 * - Bad arguments and OOM injection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test_util.h"

#include "core/tg_core.h"
#include "mining/tg_mining.h"

enum { NEV = 160, NITEM = 4 };

typedef struct ev { double t; int item; } ev;

static int by_time(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : x->item - y->item;
}

/* Does the chain items[k..len) occur with its first event after t (within
 * dt)?  Direct recursion over all events. */
static bool occurs_from(const ev *e, int n, double t, const int *items, int k, int len, double dt)
{
    if (k == len) return true;
    for (int i = 0; i < n; i++)
        if (e[i].item == items[k] && e[i].t > t && e[i].t - t <= dt && occurs_from(e, n, e[i].t, items, k + 1, len, dt))
            return true;
    return false;
}

static int64_t brute_support(const ev *e, int n, const int *items, int len, double dt)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++)
        if (e[i].item == items[0] && occurs_from(e, n, e[i].t, items, 1, len, dt)) s++;
    return s;
}

static char path[64];

static void write_log(const ev *e, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("timestamp,component,event\n", f);
    for (int i = 0; i < n; i++) fprintf(f, "%.0f,C%d,trip\n", e[i].t, e[i].item);
    fclose(f);
}

static void test_brute_force(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_rng r;
    tg_rng_seed(&r, 7);
    for (int round = 0; round < 20; round++) {
        ev e[NEV];
        for (int i = 0; i < NEV; i++) e[i] = (ev){(double)tg_rng_below(&r, 4000), (int)tg_rng_below(&r, NITEM)};
        qsort(e, NEV, sizeof *e, by_time);
        write_log(e, NEV);
        tg_eventlog *log = NULL;
        assert_int_equal(tg_eventlog_read(path, TG_ITEM_COMPONENT, false, &log, NULL, msg), TG_OK);
        int32_t target = tg_eventlog_item_index(log, "C0");
        assert_true(target >= 0);
        double dt = 40 + 10 * round;
        tg_chain_opts o = {.dt = dt, .target = target, .max_len = 3, .min_count = 1};
        tg_chain *c = NULL;
        size_t n = 0;
        assert_int_equal(tg_mining_failure_chains(log, &o, &c, &n, msg), TG_OK);
        /* Every simple sequence of 2 or 3 items ending in C0, brute force. */
        size_t expected = 0;
        for (int a = 0; a < NITEM; a++)
            for (int b = -1; b < NITEM; b++) {
                int items[3], len = 0;
                items[len++] = a;
                if (b >= 0) items[len++] = b;
                items[len++] = 0;
                bool simple = a != 0 && (b < 0 || (b != 0 && b != a));
                if (!simple) continue;
                int64_t s = brute_support(e, NEV, items, len, dt);
                if (s == 0) continue;
                expected++;
                bool found = false;
                for (size_t k = 0; k < n && !found; k++) {
                    if (c[k].len != len) continue;
                    bool same = true;
                    for (int j = 0; j < len; j++) {
                        char name[8];
                        snprintf(name, sizeof name, "C%d", items[j]);
                        same &= c[k].items[j] == tg_eventlog_item_index(log, name);
                    }
                    if (same) {
                        found = true;
                        assert_int_equal(c[k].support, s);
                    }
                }
                if (!found) fail_msg("round %d: chain %d %d -> C0 (support %lld) missing", round, a, b, (long long)s);
            }
        assert_int_equal(n, expected);
        for (size_t k = 1; k < n; k++) assert_true(c[k - 1].confidence >= c[k].confidence);
        tg_free(c);
        tg_eventlog_free(&log);
    }
    remove(path);
}

static tg_status chains_once(const tg_chain_opts *o, char *msg)
{
    tg_eventlog *log = NULL;
    tg_status s = tg_eventlog_read(path, TG_ITEM_COMPONENT, false, &log, NULL, msg);
    if (s != TG_OK) return s;
    tg_chain *c = NULL;
    size_t n = 0;
    s = tg_mining_failure_chains(log, o, &c, &n, msg);
    tg_free(c);
    tg_eventlog_free(&log);
    return s;
}

static void test_planted(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_rng r;
    tg_rng_seed(&r, 11);
    enum { CAP = 20000 };
    ev *e = malloc(sizeof *e * CAP);
    assert_non_null(e);
    int n = 0;
    /* Background: items 3..9 at random over 30 days; chain A=0 -> B=1 -> C=2. */
    double span = 30 * 86400.0;
    for (int i = 0; i < 3000; i++) e[n++] = (ev){tg_rng_uniform(&r) * span, 3 + (int)tg_rng_below(&r, 7)};
    for (int i = 0; i < 400; i++) {
        double t = tg_rng_uniform(&r) * span;
        e[n++] = (ev){t, 0};
        if (tg_rng_uniform(&r) < 0.9) {
            double tb = t + 5 + 50 * tg_rng_uniform(&r);
            e[n++] = (ev){tb, 1};
            if (tg_rng_uniform(&r) < 0.9) e[n++] = (ev){tb + 5 + 50 * tg_rng_uniform(&r), 2};
        }
    }
    qsort(e, (size_t)n, sizeof *e, by_time);
    write_log(e, n);
    free(e);
    tg_eventlog *log = NULL;
    assert_int_equal(tg_eventlog_read(path, TG_ITEM_COMPONENT, false, &log, NULL, msg), TG_OK);
    int32_t A = tg_eventlog_item_index(log, "C0"), B = tg_eventlog_item_index(log, "C1"),
            C = tg_eventlog_item_index(log, "C2");
    tg_chain_opts o = {.dt = 60, .target = C, .max_len = 4, .min_count = 10, .min_rule_confidence = 0.3,
                       .min_lift = 5, .min_confidence = 0.3};
    tg_chain *c = NULL;
    size_t nc = 0;
    assert_int_equal(tg_mining_failure_chains(log, &o, &c, &nc, msg), TG_OK);
    /* B -> C (~0.9) and A -> B -> C (~0.81); A -> C directly also holds
     * (A is followed by C within 60 s when both steps are quick). */
    bool abc = false, bc = false;
    for (size_t k = 0; k < nc; k++) {
        assert_true(c[k].items[c[k].len - 1] == C);
        for (int j = 0; j < c[k].len; j++) assert_true(c[k].items[j] == A || c[k].items[j] == B || c[k].items[j] == C);
        if (c[k].len == 3 && c[k].items[0] == A && c[k].items[1] == B) {
            abc = true;
            /* 400 trials of p = 0.81: 4 standard deviations are 0.078 */
            assert_true(fabs(c[k].confidence - 0.81) < 0.08);
            assert_true(fabs(c[k].markov - 0.81) < 0.1);
            assert_true(c[k].delay_max <= 120 && c[k].delay_median > 10);
        }
        if (c[k].len == 2 && c[k].items[0] == B) bc = true, assert_true(fabs(c[k].confidence - 0.9) < 0.07);
    }
    assert_true(abc && bc);
    tg_free(c);
    tg_eventlog_free(&log);
    /* OOM injection over reading and mining: no crash, no leak */
    tg_test_install_allocator();
    tg_status st = TG_OK;
    TG_OOM_LOOP(st = chains_once(&o, msg), st == TG_OK);
    assert_int_equal(st, TG_OK);
    tg_set_allocator(NULL, NULL);
    remove(path);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_chain *c = NULL;
    size_t n = 0;
    tg_chain_opts o = {.dt = 0, .target = 0, .max_len = 3, .min_count = 1};
    assert_int_equal(tg_mining_failure_chains(NULL, &o, &c, &n, msg), TG_ERR_ARG);
    assert_non_null(strstr(msg, "mining.failure_chains"));
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/tg_chains_%ld.csv", (long)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_planted),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
