/* test_network.c: network reliability (src/risk/network.c), the issue 7
 * review: Monte Carlo with variance reduction (RVR) and nodes failing,
 * the frontier width known before the exact run, node criticality.
 *
 * Reference values are computed here, not stored: a brute-force sum over
 * every up/down state of edges and nodes (at most 2^16 states) gives the
 * exact reliability of small random graphs; the exact frontier method is
 * checked against it, and Monte Carlo estimates against the exact method
 * (within 4 standard errors at a fixed seed; z-scores over 200 seeds).
 * Criticality: the brute force with the element forced up minus forced
 * down, and central finite differences of the exact reliability (which is
 * linear in each element's probability, so the difference is exact up to
 * rounding).
 */
#include "../test_util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "risk/tg_risk.h"

/* Brute force over 2^(m+n) states: terminals all up and connected by up
 * edges between up nodes. */
static double brute(int n, int m, const int *u, const int *v, const double *p, const double *np,
                    int k, const int *t)
{
    double sum = 0;
    for (unsigned x = 0; x < (1u << (m + n)); x++) {
        double w = 1;
        int parent[8];
        for (int i = 0; i < m; i++) w *= (x >> i) & 1u ? p[i] : 1 - p[i];
        for (int i = 0; i < n; i++) w *= (x >> (m + i)) & 1u ? np[i] : 1 - np[i];
        if (w == 0) continue;
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < m; i++) {
            if (!((x >> i) & 1u) || !((x >> (m + u[i])) & 1u) || !((x >> (m + v[i])) & 1u)) continue;
            int a = u[i], b = v[i];
            while (parent[a] != a) a = parent[a];
            while (parent[b] != b) b = parent[b];
            parent[a] = b;
        }
        bool ok = true;
        int root = t[0];
        while (parent[root] != root) root = parent[root];
        for (int j = 0; j < k; j++) {
            int q = t[j];
            if (!((x >> (m + q)) & 1u)) ok = false;
            while (parent[q] != q) q = parent[q];
            if (q != root) ok = false;
        }
        if (ok) sum += w;
    }
    return sum;
}

typedef struct rgraph {
    int n, m, k, u[10], v[10], t[3];
    double p[10], np[6];
} rgraph;

/* Random multigraph on 3..6 nodes with 3..9 edges (loops and parallel
 * edges allowed), probabilities in [0.3, 0.99], terminals 0, n-1 (and 1). */
static void random_graph(tg_rng *r, rgraph *g, int trial)
{
    g->n = 3 + (int)tg_rng_below(r, 4);
    g->m = g->n + (int)tg_rng_below(r, 4);
    if (g->m + g->n > 15) g->m = 15 - g->n;
    for (int i = 0; i < g->m; i++) {
        g->u[i] = (int)tg_rng_below(r, (uint64_t)g->n);
        g->v[i] = (int)tg_rng_below(r, (uint64_t)g->n);
        g->p[i] = 0.3 + 0.69 * tg_rng_uniform(r);
    }
    for (int i = 0; i < g->n; i++) g->np[i] = trial % 3 == 0 ? 1 : 0.6 + 0.4 * tg_rng_uniform(r);
    g->k = 2 + trial % 2;
    g->t[0] = 0, g->t[1] = g->n - 1, g->t[2] = 1;
}

static void grid_graph(int N, double p, int *u, int *v, double *pr, int *m)
{
    *m = 0;
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            if (c + 1 < N) u[*m] = r * N + c, v[*m] = r * N + c + 1, pr[(*m)++] = p;
            if (r + 1 < N) u[*m] = r * N + c, v[*m] = (r + 1) * N + c, pr[(*m)++] = p;
        }
}

/* Exact (frontier) against brute force, Monte Carlo (both estimators)
 * within 4 standard errors, on random graphs with edges and nodes failing. */
static void test_mc_unbiased_random(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_rng r;
    tg_rng_seed(&r, 7);
    char msg[TG_MSG_LEN];
    for (int trial = 0; trial < 40; trial++) {
        rgraph g;
        random_graph(&r, &g, trial);
        double bf = brute(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t), ex;
        assert_int_equal(tg_risk_network_reliability_nodes(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t,
                                                           &ex, msg), TG_OK);
        if (fabs(ex - bf) > 1e-12) fail_msg("trial %d: exact %.15g, brute force %.15g", trial, ex, bf);
        for (int meth = 0; meth < 2; meth++) {
            tg_risk_mc_result mc;
            assert_int_equal(tg_risk_network_mc(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t, 20000,
                                                (uint64_t)(100 + trial), (tg_risk_mc_method)meth,
                                                &mc, msg), TG_OK);
            assert_true(fabs(mc.reliability + mc.unreliability - 1) < 1e-12);
            double z = mc.se > 0 ? (mc.reliability - bf) / mc.se : 0;
            if (mc.se == 0 && fabs(mc.reliability - bf) > 1e-12)
                fail_msg("trial %d method %d: se 0 but %.15g vs %.15g", trial, meth, mc.reliability, bf);
            if (fabs(z) > 4) fail_msg("trial %d method %d: z = %g (%.6g vs %.6g, se %.3g)", trial, meth,
                                      z, mc.reliability, bf, mc.se);
        }
    }
    TG_CHECK_NO_LEAK();
}

/* z-scores of RVR over 200 seeds on the 4 x 4 grid with nodes failing:
 * mean near 0 (its own sd is 1/sqrt(200) = 0.07) and sd near 1. */
static void test_mc_zscores(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int u[24], v[24], m, t[2] = {0, 15};
    double p[24], np[16], exact;
    char msg[TG_MSG_LEN];
    grid_graph(4, 0.9, u, v, p, &m);
    for (int i = 0; i < 16; i++) np[i] = 0.97;
    assert_int_equal(tg_risk_network_reliability_nodes(16, m, u, v, p, np, 2, t, &exact, msg), TG_OK);
    double sz = 0, sz2 = 0;
    int S = 200;
    for (int s = 0; s < S; s++) {
        tg_risk_mc_result mc;
        assert_int_equal(tg_risk_network_mc(16, m, u, v, p, np, 2, t, 2000, (uint64_t)(1000 + s),
                                            TG_RISK_MC_RVR, &mc, msg), TG_OK);
        double z = (mc.reliability - exact) / mc.se;
        sz += z, sz2 += z * z;
    }
    double mean = sz / S, sd = sqrt((sz2 - S * mean * mean) / (S - 1));
    printf("RVR z-scores over %d seeds: mean %.3f sd %.3f\n", S, mean, sd);
    if (fabs(mean) > 0.3 || sd < 0.8 || sd > 1.25) fail_msg("z mean %g sd %g", mean, sd);
    TG_CHECK_NO_LEAK();
}

/* Highly reliable networks: RVR stays within 4 standard errors of the
 * exact value and its per-sample variance is far below plain sampling's
 * (measured ratios are in docs/benchmarks.md; here only "at least 10"). */
static void test_mc_variance_reduction(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int u[60], v[60], m, t[2] = {0, 24};
    double p[60], np[25], exact;
    char msg[TG_MSG_LEN];
    grid_graph(5, 0.99, u, v, p, &m);
    for (int i = 0; i < 25; i++) np[i] = 0.999;
    for (int pass = 0; pass < 2; pass++) {
        const double *npp = pass ? np : NULL;
        assert_int_equal(tg_risk_network_reliability_nodes(25, m, u, v, p, npp, 2, t, &exact, msg),
                         TG_OK);
        tg_risk_mc_result rv, pl;
        assert_int_equal(tg_risk_network_mc(25, m, u, v, p, npp, 2, t, 20000, 11, TG_RISK_MC_RVR,
                                            &rv, msg), TG_OK);
        assert_int_equal(tg_risk_network_mc(25, m, u, v, p, npp, 2, t, 20000, 11, TG_RISK_MC_PLAIN,
                                            &pl, msg), TG_OK);
        double q = 1 - exact;
        if (fabs(rv.unreliability - q) > 4 * rv.se)
            fail_msg("pass %d: RVR %.6g vs exact %.6g (se %.3g)", pass, rv.unreliability, q, rv.se);
        if (fabs(pl.unreliability - q) > 4 * pl.se + 1e-12)
            fail_msg("pass %d: plain %.6g vs exact %.6g (se %.3g)", pass, pl.unreliability, q, pl.se);
        printf("5 x 5 grid p 0.99%s: Q %.4g, RVR %.4g (se %.2g), plain %.4g (se %.2g), variance "
               "ratio %.0f\n", pass ? ", nodes 0.999" : "", q, rv.unreliability, rv.se,
               pl.unreliability, pl.se, pl.sample_var / rv.sample_var);
        if (!(pl.sample_var > 10 * rv.sample_var))
            fail_msg("pass %d: variance plain %g, RVR %g", pass, pl.sample_var, rv.sample_var);
        /* Reproducible with its seed. */
        tg_risk_mc_result again;
        assert_int_equal(tg_risk_network_mc(25, m, u, v, p, npp, 2, t, 20000, 11, TG_RISK_MC_RVR,
                                            &again, msg), TG_OK);
        assert_true(again.unreliability == rv.unreliability && again.se == rv.se);
    }
    /* The old entry point is RVR on edges. */
    double est, se;
    assert_int_equal(tg_risk_network_reliability_mc(25, m, u, v, p, 2, t, 20000, 11, &est, &se, msg),
                     TG_OK);
    assert_int_equal(tg_risk_network_reliability(25, m, u, v, p, 2, t, &exact, msg), TG_OK);
    assert_true(fabs(est - exact) < 4 * se);
    TG_CHECK_NO_LEAK();
}

/* Degenerate cases decided without sampling noise, and bad arguments. */
static void test_mc_edges_and_errors(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int u[3] = {0, 1, 1}, v[3] = {1, 2, 1}, t[2] = {0, 2}, same[2] = {1, 1};
    double p[3] = {0.9, 0.8, 0.5}, np[3] = {1, 0.5, 0}, np1[3] = {1, 0.25, 1};
    tg_risk_mc_result mc;
    char msg[TG_MSG_LEN];
    for (int meth = 0; meth < 2; meth++) {
        /* Terminal 2 never works: reliability 0 exactly. */
        assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, np, 2, t, 100, 1, (tg_risk_mc_method)meth,
                                            &mc, msg), TG_OK);
        assert_true(mc.reliability == 0 && mc.se == 0);
        /* One distinct terminal: it works with 0.25. */
        assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, np1, 2, same, 100, 1,
                                            (tg_risk_mc_method)meth, &mc, msg), TG_OK);
        assert_true(fabs(mc.reliability - 0.25) < 1e-15 && mc.se == 0);
        /* A path with perfect elements: 1 exactly. */
        double one[3] = {1, 1, 1};
        assert_int_equal(tg_risk_network_mc(3, 3, u, v, one, NULL, 2, t, 100, 1,
                                            (tg_risk_mc_method)meth, &mc, msg), TG_OK);
        assert_true(mc.reliability == 1 && mc.se == 0);
    }
    double ex;
    assert_int_equal(tg_risk_network_reliability_nodes(3, 3, u, v, p, np1, 2, same, &ex, msg), TG_OK);
    assert_true(fabs(ex - 0.25) < 1e-15);
    assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, NULL, 2, t, 1, 1, TG_RISK_MC_RVR, &mc, msg),
                     TG_ERR_ARG);
    assert_msg_has(msg, "at least 2 samples");
    assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, NULL, 2, t, 10, 1, (tg_risk_mc_method)7, &mc,
                                        msg), TG_ERR_ARG);
    assert_msg_has(msg, "unknown method");
    double bad[3] = {1, 1.5, 1};
    assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, bad, 2, t, 10, 1, TG_RISK_MC_RVR, &mc, msg),
                     TG_ERR_ARG);
    assert_msg_has(msg, "node 1");
    int badt[2] = {0, 3};
    assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, NULL, 2, badt, 10, 1, TG_RISK_MC_RVR, &mc, msg),
                     TG_ERR_ARG);
    assert_msg_has(msg, "terminal 3");
    assert_int_equal(tg_risk_network_mc(3, 3, u, v, p, NULL, 2, t, 10, 1, TG_RISK_MC_RVR, NULL, msg),
                     TG_ERR_ARG);
    double crit[3];
    assert_int_equal(tg_risk_network_criticality_nodes(3, 3, u, v, p, bad, 2, t, crit, NULL, msg),
                     TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* The 30 x 30 grid used to run 240 s before refusing: the width of the
 * chosen order (31) is known before any state is built.  Grids are swept
 * at width N + 1, their pathwidth plus one. */
static void test_frontier_width(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static int u[2 * 900], v[2 * 900];
    static double p[2 * 900];
    char msg[TG_MSG_LEN];
    int m, w;
    for (int N = 3; N <= 30; N += 9) {
        grid_graph(N, 0.9, u, v, p, &m);
        int t[2] = {0, N * N - 1};
        assert_int_equal(tg_risk_network_frontier_width(N * N, m, u, v, 2, t, &w, msg), TG_OK);
        assert_int_equal(w, N + 1);
    }
    int t[2] = {0, 899};
    double out = 1;
    assert_int_equal(tg_risk_network_reliability(900, m, u, v, p, 2, t, &out, msg), TG_ERR_LIMIT);
    assert_msg_has(msg, "frontier width 31");
    assert_msg_has(msg, "Monte Carlo");
    assert_true(out == 0);
    double crit[1];
    assert_int_equal(tg_risk_network_criticality(900, m, u, v, p, 2, t, crit, msg), TG_ERR_LIMIT);
    /* A path: width 2 whatever the terminals. */
    int pu[5] = {0, 1, 2, 3, 4}, pv[5] = {1, 2, 3, 4, 5}, pt[2] = {3, 1};
    assert_int_equal(tg_risk_network_frontier_width(6, 5, pu, pv, 2, pt, &w, msg), TG_OK);
    assert_int_equal(w, 2);
    assert_int_equal(tg_risk_network_frontier_width(6, 5, pu, pv, 2, pt, NULL, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* Node and edge Birnbaum with nodes failing, against brute force and
 * central finite differences. */
static void test_node_criticality(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_rng r;
    tg_rng_seed(&r, 21);
    char msg[TG_MSG_LEN];
    for (int trial = 0; trial < 30; trial++) {
        rgraph g;
        random_graph(&r, &g, trial);
        double ec[10], nc[6];
        bool nodes = trial % 3 != 0;
        assert_int_equal(tg_risk_network_criticality_nodes(g.n, g.m, g.u, g.v, g.p,
                                                           nodes ? g.np : NULL, g.k, g.t, ec, nc,
                                                           msg), TG_OK);
        for (int i = 0; i < g.n; i++) {
            double save = g.np[i], h = 1e-4, rp, rm;
            g.np[i] = 1;
            double b1 = brute(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t);
            g.np[i] = 0;
            double b0 = brute(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t);
            /* central difference around p (kept inside [0, 1]) */
            double c = save < h ? h : save > 1 - h ? 1 - h : save;
            g.np[i] = c + h;
            assert_int_equal(tg_risk_network_reliability_nodes(g.n, g.m, g.u, g.v, g.p, g.np, g.k,
                                                               g.t, &rp, msg), TG_OK);
            g.np[i] = c - h;
            assert_int_equal(tg_risk_network_reliability_nodes(g.n, g.m, g.u, g.v, g.p, g.np, g.k,
                                                               g.t, &rm, msg), TG_OK);
            g.np[i] = save;
            if (fabs(nc[i] - (b1 - b0)) > 1e-12)
                fail_msg("trial %d node %d: %.15g, brute force %.15g", trial, i, nc[i], b1 - b0);
            if (fabs(nc[i] - (rp - rm) / (2 * h)) > 1e-8)
                fail_msg("trial %d node %d: %.15g, finite difference %.15g", trial, i, nc[i],
                         (rp - rm) / (2 * h));
        }
        for (int i = 0; i < g.m; i++) {
            double save = g.p[i];
            g.p[i] = 1;
            double b1 = brute(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t);
            g.p[i] = 0;
            double b0 = brute(g.n, g.m, g.u, g.v, g.p, g.np, g.k, g.t);
            g.p[i] = save;
            if (fabs(ec[i] - (b1 - b0)) > 1e-12)
                fail_msg("trial %d edge %d: %.15g, brute force %.15g", trial, i, ec[i], b1 - b0);
        }
    }
    TG_CHECK_NO_LEAK();
}

static void test_network_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int u[5] = {0, 1, 0, 2, 1}, v[5] = {1, 3, 2, 3, 2}, t[2] = {0, 3};
    double p[5] = {0.9, 0.8, 0.7, 0.6, 0.5}, np[4] = {0.99, 0.9, 0.95, 1};
    char msg[TG_MSG_LEN];
    tg_status s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            tg_risk_mc_result mc;
            s = tg_risk_network_mc(4, 5, u, v, p, np, 2, t, 50, 1, TG_RISK_MC_RVR, &mc, msg);
            if (s != TG_OK) assert_int_equal(s, TG_ERR_NOMEM);
        },
        s == TG_OK);
    s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            double ec[5];
            double nc[4];
            s = tg_risk_network_criticality_nodes(4, 5, u, v, p, np, 2, t, ec, nc, msg);
            if (s != TG_OK) assert_int_equal(s, TG_ERR_NOMEM);
        },
        s == TG_OK);
    s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            int w;
            s = tg_risk_network_frontier_width(4, 5, u, v, 2, t, &w, msg);
            if (s != TG_OK) assert_int_equal(s, TG_ERR_NOMEM);
        },
        s == TG_OK);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mc_unbiased_random),
        cmocka_unit_test(test_mc_zscores),
        cmocka_unit_test(test_mc_variance_reduction),
        cmocka_unit_test(test_mc_edges_and_errors),
        cmocka_unit_test(test_frontier_width),
        cmocka_unit_test(test_node_criticality),
        cmocka_unit_test(test_network_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
