/* test_ga.c: the GA engine of tg_ga_solve and its operators.
 *
 * Operators are checked against their defining properties, not only run:
 * PMX/OX children are permutations that keep the parent's segment (and the
 * textbook example of Eiben & Smith, Introduction to Evolutionary
 * Computing, ch. 4, by hand); SBX keeps the parents' mean exactly and the
 * bounds; polynomial mutation stays in bounds and its perturbation has the
 * closed-form distribution derived below; SUS gives each individual
 * floor(e_i) or ceil(e_i) copies with mean e_i, roulette Binomial counts.
 * Statistical checks use 5 standard deviations of the estimator (a false
 * failure has probability < 6e-7 per check), with the seeds fixed.
 *
 * Benchmarks with known optima, each optimum computed independently in
 * this file: OneMax (n), 0/1 knapsack (dynamic programming), sphere and
 * Rastrigin (0 at the origin), a 9-city TSP (brute force over 8!/2 tours),
 * ZDT1/ZDT2 with NSGA-II (hypervolume of the analytic front). */
#include "../test_util.h"

#include <math.h>
#include <stdio.h>

#include "mining/tg_mining.h"

#define SIGMAS 5.0

/* ---- permutation crossovers ---- */

static bool is_perm(const int32_t *p, int n)
{
    int seen[64] = {0};
    for (int i = 0; i < n; i++) {
        if (p[i] < 0 || p[i] >= n || seen[p[i]]) return false;
        seen[p[i]] = 1;
    }
    return true;
}

static void shuffle(tg_rng *r, int32_t *p, int n)
{
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)tg_rng_below(r, (uint64_t)i + 1);
        int32_t t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

static void test_pmx_ox(void **state)
{
    (void)state;
    /* Eiben & Smith's example (values 1..9 here 0..8), segment at 1-based
     * positions 4..7: PMX child 1 = 9 3 2 4 5 6 7 1 8, OX child 1 =
     * 3 8 2 4 5 6 7 1 9 (worked by hand from the definitions). */
    int32_t p1[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, p2[9] = {8, 2, 6, 7, 1, 5, 4, 0, 3}, c1[9], c2[9], w[64];
    int32_t pmx1[9] = {8, 2, 1, 3, 4, 5, 6, 0, 7}, ox1[9] = {2, 7, 1, 3, 4, 5, 6, 0, 8};
    tg_ga_pmx_at(p1, p2, c1, c2, 9, 3, 6, w);
    assert_memory_equal(c1, pmx1, sizeof pmx1);
    tg_ga_order_crossover_at(p1, p2, c1, c2, 9, 3, 6, w);
    assert_memory_equal(c1, ox1, sizeof ox1);
    /* Every cut pair on random parents: permutations, segment kept; OX:
     * the other genes in the other parent's cyclic order from b+1; PMX: a
     * gene outside the segment whose parent value is not in the segment is
     * the other parent's value. */
    tg_rng r;
    tg_rng_seed(&r, 7);
    for (int trial = 0; trial < 200; trial++) {
        int n = 2 + (int)tg_rng_below(&r, 30);
        int32_t a[32], b[32], x[32], y[32];
        shuffle(&r, a, n);
        shuffle(&r, b, n);
        for (int lo = 0; lo < n; lo++)
            for (int hi = lo; hi < n; hi++) {
                for (int op = 0; op < 2; op++) {
                    if (op == 0) tg_ga_pmx_at(a, b, x, y, n, lo, hi, w);
                    else tg_ga_order_crossover_at(a, b, x, y, n, lo, hi, w);
                    assert_true(is_perm(x, n) && is_perm(y, n));
                    for (int i = lo; i <= hi; i++) assert_true(x[i] == a[i] && y[i] == b[i]);
                    int inseg[32] = {0};
                    for (int i = lo; i <= hi; i++) inseg[a[i]] = 1;
                    if (op == 0) {
                        for (int i = 0; i < n; i++)
                            if ((i < lo || i > hi) && !inseg[b[i]]) assert_int_equal(x[i], b[i]);
                    } else {
                        int pos = (hi + 1) % n;
                        for (int t = 0; t < n; t++) {
                            int32_t v = b[(hi + 1 + t) % n];
                            if (inseg[v]) continue;
                            assert_int_equal(x[pos], v);
                            pos = (pos + 1) % n;
                        }
                    }
                }
            }
        tg_ga_pmx(&r, a, b, x, y, n, w);
        assert_true(is_perm(x, n) && is_perm(y, n));
        tg_ga_order_crossover(&r, a, b, x, y, n, w);
        assert_true(is_perm(x, n) && is_perm(y, n));
    }
}

/* ---- SBX and polynomial mutation ---- */

static void test_sbx_polynomial(void **state)
{
    (void)state;
    tg_rng r;
    tg_rng_seed(&r, 11);
    enum { N = 8 };
    double lo[N], hi[N], p1[N], p2[N], c1[N], c2[N];
    for (int k = 0; k < N; k++) {
        lo[k] = -1 - k;
        hi[k] = 2 + k * 0.5;
    }
    long crossed = 0, inside = 0;
    for (int trial = 0; trial < 20000; trial++) {
        for (int k = 0; k < N; k++) {
            /* Parents anywhere, often at or next to a bound. */
            double u = tg_rng_uniform(&r), v = tg_rng_uniform(&r);
            p1[k] = trial % 4 == 0 ? lo[k] : lo[k] + u * (hi[k] - lo[k]);
            p2[k] = trial % 8 == 1 ? hi[k] : lo[k] + v * (hi[k] - lo[k]);
        }
        double eta = 1 + (trial % 30);
        tg_ga_sbx(&r, p1, p2, c1, c2, N, lo, hi, eta);
        for (int k = 0; k < N; k++) {
            assert_true(c1[k] >= lo[k] && c1[k] <= hi[k] && c2[k] >= lo[k] && c2[k] <= hi[k]);
            double scale = fabs(p1[k]) + fabs(p2[k]) + 1;
            assert_true(fabs((c1[k] + c2[k]) - (p1[k] + p2[k])) <= 1e-12 * scale);
        }
    }
    /* Unbounded in effect (parents in the middle of huge bounds): beta has
     * P(beta <= 1) = 1/2, so half the crossed genes land between the
     * parents.  Binomial: sd = sqrt(0.25 / crossed). */
    double L[1] = {-1e9}, H[1] = {1e9};
    for (int trial = 0; trial < 100000; trial++) {
        double a = 0, b = 1, x, y;
        tg_ga_sbx(&r, &a, &b, &x, &y, 1, L, H, 5);
        if (x == a && y == b) continue;   /* gene not crossed (probability 1/2) */
        crossed++;
        if (fabs(x - y) <= 1) inside++;
    }
    double frac = (double)inside / crossed;
    assert_true(fabs(frac - 0.5) <= SIGMAS * sqrt(0.25 / crossed));
    assert_true(crossed > 45000 && crossed < 55000);

    /* Polynomial mutation: always within bounds, from any start. */
    for (int trial = 0; trial < 20000; trial++) {
        double x[N];
        for (int k = 0; k < N; k++) x[k] = trial % 3 == 0 ? lo[k] : trial % 3 == 1 ? hi[k] : lo[k] + tg_rng_uniform(&r) * (hi[k] - lo[k]);
        tg_ga_polynomial_mutation(&r, x, N, lo, hi, 1 + trial % 40, 1.0);
        for (int k = 0; k < N; k++) assert_true(x[k] >= lo[k] && x[k] <= hi[k]);
    }
    /* Distribution at the middle of [0, 1] (d1 = d2 = 1/2): for u < 1/2,
     * dq = (c + 2u(1 - c))^(1/(eta+1)) - 1 with c = 0.5^(eta+1), increasing
     * in u, so P(dq <= q) = ((1 + q)^(eta+1) - c) / (2 (1 - c)) for
     * -1/2 <= q <= 0; by symmetry P(dq >= -q) is the same. */
    double eta = 20, c = pow(0.5, eta + 1), lo1[1] = {0}, hi1[1] = {1};
    const double qs[3] = {-0.2, -0.05, -0.01};
    long below[3] = {0}, above[3] = {0}, R = 200000;
    for (long t = 0; t < R; t++) {
        double x = 0.5;
        tg_ga_polynomial_mutation(&r, &x, 1, lo1, hi1, eta, 1.0);
        for (int j = 0; j < 3; j++) {
            below[j] += x - 0.5 <= qs[j];
            above[j] += x - 0.5 >= -qs[j];
        }
    }
    for (int j = 0; j < 3; j++) {
        double p = (pow(1 + qs[j], eta + 1) - c) / (2 * (1 - c)), sd = sqrt(p * (1 - p) / R);
        assert_true(fabs((double)below[j] / R - p) <= SIGMAS * sd);
        assert_true(fabs((double)above[j] / R - p) <= SIGMAS * sd);
    }
}

/* ---- selection ---- */

static void test_sus_roulette(void **state)
{
    (void)state;
    tg_rng r;
    tg_rng_seed(&r, 5);
    enum { NW = 7, K = 9 };
    const double w[NW] = {1, 2, 3.5, 0, 4, 10, 0.5};
    double sum = 0, e[NW];
    for (int i = 0; i < NW; i++) sum += w[i];
    for (int i = 0; i < NW; i++) e[i] = K * w[i] / sum;
    long tot_sus[NW] = {0}, tot_rw[NW] = {0}, R = 50000;
    int32_t out[K];
    for (long t = 0; t < R; t++) {
        int cnt[NW] = {0};
        tg_ga_select_sus(&r, w, NW, K, out);
        for (int j = 0; j < K; j++) cnt[out[j]]++;
        for (int i = 0; i < NW; i++) {
            /* SUS's defining property: floor or ceil of the expectation. */
            assert_true(cnt[i] == (int)floor(e[i]) || cnt[i] == (int)ceil(e[i]));
            tot_sus[i] += cnt[i];
        }
        tg_ga_select_roulette(&r, w, NW, K, out);
        for (int j = 0; j < K; j++) tot_rw[out[j]]++;
    }
    for (int i = 0; i < NW; i++) {
        /* SUS count = floor(e) + Bernoulli(frac(e)): sd of the mean
         * sqrt(f (1 - f) / R); roulette: Binomial(K, p), sd sqrt(K p (1-p) / R). */
        double f = e[i] - floor(e[i]), p = w[i] / sum;
        double mean_sus = (double)tot_sus[i] / R, mean_rw = (double)tot_rw[i] / R;
        if (f == 0) assert_true(mean_sus == e[i]);
        else assert_true(fabs(mean_sus - e[i]) <= SIGMAS * sqrt(f * (1 - f) / R));
        if (p == 0) assert_true(tot_rw[i] == 0);
        else assert_true(fabs(mean_rw - e[i]) <= SIGMAS * sqrt(K * p * (1 - p) / R));
    }
}

/* Linear ranking: weights sum to 1, best s/n, worst (2-s)/n, equal steps. */
static void test_rank_weights(void **state)
{
    (void)state;
    for (int n = 2; n <= 50; n += 7)
        for (double s = 1; s <= 2; s += 0.25) {
            double w[50], sum = 0;
            tg_ga_rank_weights(n, s, w);
            for (int p = 0; p < n; p++) sum += w[p];
            assert_true(fabs(sum - 1) < 1e-12);
            assert_true(fabs(w[0] - s / n) < 1e-12 && fabs(w[n - 1] - (2 - s) / n) < 1e-12);
            for (int p = 1; p < n; p++) assert_true(fabs((w[p - 1] - w[p]) - (w[0] - w[n - 1]) / (n - 1)) < 1e-12);
        }
}

/* ---- NSGA-II blocks ---- */

static void test_pareto_crowding_hv(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_rng r;
    tg_rng_seed(&r, 3);
    for (int trial = 0; trial < 50; trial++) {
        int n = 1 + (int)tg_rng_below(&r, 60), m = 2 + trial % 3;
        double ob[60 * 4];
        int32_t rk[60], want[60];
        /* Small integer values: ties and duplicates on purpose. */
        for (int i = 0; i < n * m; i++) ob[i] = (double)tg_rng_below(&r, 6);
        assert_int_equal(tg_ga_pareto_ranks(ob, n, m, rk, msg), TG_OK);
        /* Brute force: peel the points no remaining point dominates. */
        int left = n, level = 0;
        for (int i = 0; i < n; i++) want[i] = -1;
        while (left > 0) {
            int32_t front[60];
            int nf = 0;
            for (int i = 0; i < n; i++) {
                if (want[i] >= 0) continue;
                bool dom = false;
                for (int j = 0; j < n && !dom; j++) {
                    if (j == i || want[j] >= 0) continue;
                    bool le = true, lt = false;
                    for (int k = 0; k < m; k++) {
                        if (ob[j * m + k] > ob[i * m + k]) le = false;
                        if (ob[j * m + k] < ob[i * m + k]) lt = true;
                    }
                    dom = le && lt;
                }
                if (!dom) front[nf++] = i;
            }
            for (int t = 0; t < nf; t++) want[front[t]] = level;
            left -= nf;
            level++;
        }
        assert_memory_equal(rk, want, sizeof *rk * (size_t)n);
    }
    /* Crowding on (1,4) (2,3) (3,2) (4,1): ends infinite, inner ones
     * (3-1)/3 + (4-2)/3 = 4/3. */
    double line[8] = {1, 4, 2, 3, 3, 2, 4, 1}, d[4];
    int32_t idx[4] = {0, 1, 2, 3};
    assert_int_equal(tg_ga_crowding(line, 2, idx, 4, d, msg), TG_OK);
    assert_true(isinf(d[0]) && isinf(d[3]) && fabs(d[1] - 4.0 / 3) < 1e-15 && fabs(d[2] - 4.0 / 3) < 1e-15);
    /* Hypervolume of (1,3) (2,2) (3,1) and a dominated (3,3) to (4,4):
     * 3 + 2 + 1 = 6 by hand; a point beyond the reference adds nothing. */
    double pts[10] = {2, 2, 3, 3, 1, 3, 3, 1, 5, 0}, ref[2] = {4, 4}, hv;
    assert_int_equal(tg_ga_hypervolume2(pts, 5, ref, &hv, msg), TG_OK);
    assert_true(fabs(hv - 6) < 1e-15);
    assert_int_equal(tg_ga_pareto_ranks(NULL, 2, 2, idx, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* ---- benchmark problems ---- */

typedef struct prob {
    int kind;                   /* 0 onemax, 1 knapsack, 2 sphere, 3 rastrigin, 4 tsp, 5 zdt1, 6 zdt2, 7 fail */
    int n;
    const double *val, *wt;     /* knapsack */
    double cap;
    const double *dist;         /* tsp, n x n */
    int fail_at;                /* kind 7: fail at this evaluation */
    int calls;
} prob;

static tg_status eval(void *ud, const int32_t *g, const double *x, double *obj, double *viol, char *msg)
{
    prob *p = ud;
    int n = p->n;
    p->calls++;
    switch (p->kind) {
    case 0:
    case 7: {
        if (p->kind == 7 && p->calls == p->fail_at) return tg_msg(msg, TG_ERR_NUMERIC, "fitness failed at call %d", p->calls);
        int s = 0;
        for (int i = 0; i < n; i++) s += g[i];
        obj[0] = s;
        break;
    }
    case 1: {
        double v = 0, w = 0;
        for (int i = 0; i < n; i++)
            if (g[i]) v += p->val[i], w += p->wt[i];
        obj[0] = v;
        *viol = w > p->cap ? w - p->cap : 0;
        break;
    }
    case 2:
    case 3: {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[i] * x[i] + (p->kind == 3 ? 10 - 10 * cos(2 * M_PI * x[i]) : 0);
        obj[0] = s;
        break;
    }
    case 4: {
        double s = 0;
        for (int i = 0; i < n; i++) s += p->dist[g[i] * n + g[(i + 1) % n]];
        obj[0] = s;
        break;
    }
    case 5:
    case 6: {
        double s = 0;
        for (int i = 1; i < n; i++) s += x[i];
        double gg = 1 + 9 * s / (n - 1), f1 = x[0];
        obj[0] = f1;
        obj[1] = gg * (p->kind == 5 ? 1 - sqrt(f1 / gg) : 1 - (f1 / gg) * (f1 / gg));
        break;
    }
    }
    return TG_OK;
}

/* Knapsack repair: drop the chosen item of lowest value/weight until it fits. */
static tg_status repair_knap(void *ud, int32_t *g, double *x, char *msg)
{
    (void)x;
    (void)msg;
    prob *p = ud;
    double w = 0;
    for (int i = 0; i < p->n; i++) w += g[i] ? p->wt[i] : 0;
    while (w > p->cap) {
        int worst = -1;
        for (int i = 0; i < p->n; i++)
            if (g[i] && (worst < 0 || p->val[i] / p->wt[i] < p->val[worst] / p->wt[worst])) worst = i;
        g[worst] = 0;
        w -= p->wt[worst];
    }
    return TG_OK;
}

static tg_ga_sol *solve(tg_ga_config *c, prob *p)
{
    char msg[TG_MSG_LEN];
    tg_ga_sol *s = NULL;
    c->eval = eval;
    c->ud = p;
    tg_status st = tg_ga_solve(c, &s, msg);
    if (st != TG_OK) fail_msg("tg_ga_solve: %s", msg);
    return s;
}

static void test_onemax_selections(void **state)
{
    (void)state;
    tg_test_install_allocator();
    /* OneMax, n = 64: optimum 64.  Every selection and every crossover of
     * the binary encoding finds it within 150 generations of 60. */
    const tg_ga_selection sel[4] = {TG_GA_TOURNAMENT, TG_GA_ROULETTE, TG_GA_RANK, TG_GA_SUS};
    const tg_ga_crossover cx[3] = {TG_GA_CX_ONE_POINT, TG_GA_CX_TWO_POINT, TG_GA_CX_UNIFORM};
    for (int s = 0; s < 4; s++)
        for (int x = 0; x < 3; x++) {
            prob p = {.kind = 0, .n = 64};
            tg_ga_config c;
            tg_ga_config_default(&c, TG_GA_BINARY, 64);
            c.pop = 60;
            c.generations = 150;
            c.selection = sel[s];
            c.crossover = cx[x];
            c.seed = 100 + (uint64_t)(s * 3 + x);
            tg_ga_sol *sol = solve(&c, &p);
            if (tg_ga_sol_objectives(sol, 0)[0] != 64)
                fail_msg("selection %d crossover %d: OneMax %g", s, x, tg_ga_sol_objectives(sol, 0)[0]);
            /* The log: one line per generation plus the initial one, best
             * never falls (elitism), worst <= mean <= best. */
            int64_t nl;
            const tg_ga_gen_stats *l = tg_ga_sol_log(sol, &nl);
            assert_int_equal(nl, tg_ga_sol_generations(sol) + 1);
            assert_int_equal(p.calls, tg_ga_sol_evals(sol));
            assert_int_equal(l[nl - 1].evals, tg_ga_sol_evals(sol));
            for (int64_t i = 0; i < nl; i++) {
                assert_true(l[i].worst <= l[i].mean && l[i].mean <= l[i].best && l[i].feasible == 60);
                if (i) assert_true(l[i].best >= l[i - 1].best);
            }
            tg_ga_sol_free(&sol);
        }
    TG_CHECK_NO_LEAK();
}

static tg_ga_sol *onemax_run(uint64_t seed, int islands)
{
    static prob p;
    p = (prob){.kind = 0, .n = 40};
    tg_ga_config c;
    tg_ga_config_default(&c, TG_GA_BINARY, 40);
    c.pop = 20;
    c.generations = 40;
    c.seed = seed;
    c.islands = islands;
    c.migration_interval = 5;
    c.migrants = 2;
    return solve(&c, &p);
}

static void test_determinism_islands_log(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    for (int islands = 1; islands <= 4; islands += 3) {
        tg_ga_sol *a = onemax_run(9, islands), *b = onemax_run(9, islands), *c = onemax_run(10, islands);
        int64_t na, nb, nc;
        const tg_ga_gen_stats *la = tg_ga_sol_log(a, &na), *lb = tg_ga_sol_log(b, &nb), *lc = tg_ga_sol_log(c, &nc);
        assert_int_equal(na, nb);
        assert_memory_equal(la, lb, sizeof *la * (size_t)na);
        assert_memory_equal(tg_ga_sol_int_genes(a, 0), tg_ga_sol_int_genes(b, 0), 40 * sizeof(int32_t));
        bool differ = na != nc;
        for (int64_t i = 0; i < na && !differ; i++) differ = la[i].mean != lc[i].mean;
        assert_true(differ);
        if (islands == 4) {
            assert_int_equal(tg_ga_sol_evals(a), 4 * 20 + 40 * 4 * 19);
            assert_true(tg_ga_sol_objectives(a, 0)[0] == 40);
        }
        /* CSV: header and one line per generation. */
        assert_int_equal(tg_ga_sol_write_log(a, "/tmp/tg_ga_log.csv", msg), TG_OK);
        FILE *f = fopen("/tmp/tg_ga_log.csv", "r");
        char line[256];
        int lines = 0;
        assert_non_null(fgets(line, sizeof line, f));
        assert_string_equal(line, "generation,evals,best,mean,worst,feasible,front\n");
        while (fgets(line, sizeof line, f)) lines++;
        fclose(f);
        remove("/tmp/tg_ga_log.csv");
        assert_int_equal(lines, na);
        tg_ga_sol_free(&a);
        tg_ga_sol_free(&b);
        tg_ga_sol_free(&c);
    }
    assert_int_equal(tg_ga_sol_write_log(NULL, "/tmp/x", msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* Migration, seen from outside: with no crossover and no mutation an
 * island can only copy what it holds, so without migration each island
 * ends full of its own best (the population mean stays below the global
 * best unless every island started with the same best), and with ring
 * migration of 1 individual every generation the global best reaches every
 * island (after at most islands - 1 migrations) and takes it over. */
static void test_migration(void **state)
{
    (void)state;
    tg_test_install_allocator();
    for (int migrants = 0; migrants <= 1; migrants++) {
        prob p = {.kind = 0, .n = 30};
        tg_ga_config c;
        tg_ga_config_default(&c, TG_GA_BINARY, 30);
        c.crossover = TG_GA_CX_NONE;
        c.mutation = TG_GA_MUT_NONE;
        c.pop = 10;
        c.generations = 60;
        c.islands = 4;
        c.migrants = migrants;
        c.migration_interval = 1;
        c.tournament = 3;
        c.seed = 21;
        tg_ga_sol *s = solve(&c, &p);
        int64_t nl;
        const tg_ga_gen_stats *l = tg_ga_sol_log(s, &nl);
        /* The initial best is the best ever: nothing new is made. */
        assert_true(l[nl - 1].best == l[0].best && tg_ga_sol_objectives(s, 0)[0] == l[0].best);
        if (migrants) assert_true(l[nl - 1].mean == l[nl - 1].best && l[nl - 1].worst == l[nl - 1].best);
        else assert_true(l[nl - 1].mean < l[nl - 1].best);
        tg_ga_sol_free(&s);
    }
    TG_CHECK_NO_LEAK();
}

/* 0/1 knapsack optimum by dynamic programming over integer capacities. */
static double knap_dp(const double *val, const double *wt, int n, int cap)
{
    double best[4096] = {0};
    assert_true(cap >= 0 && cap < 4096);
    for (int i = 0; i < n; i++)
        for (int w = cap; w >= (int)wt[i]; w--)
            if (best[w - (int)wt[i]] + val[i] > best[w]) best[w] = best[w - (int)wt[i]] + val[i];
    return best[cap];
}

static void test_knapsack(void **state)
{
    (void)state;
    tg_test_install_allocator();
    enum { N = 40 };
    double val[N], wt[N], tw = 0;
    tg_rng r;
    tg_rng_seed(&r, 2024);
    /* Weakly correlated instance (Pisinger): weights 10..60, value = weight +/- 10. */
    for (int i = 0; i < N; i++) {
        wt[i] = 10 + (double)tg_rng_below(&r, 51);
        val[i] = wt[i] - 10 + (double)tg_rng_below(&r, 21);
        if (val[i] < 1) val[i] = 1;
        tw += wt[i];
    }
    int cap = (int)(tw / 2);
    double opt = knap_dp(val, wt, N, cap);
    /* Three constraint handlings, 10 seeds each, 30,000 evaluations.  With
     * the greedy repair the GA must reach the DP optimum in every seed.
     * Deb's rules and the penalty alone leave a plain GA on the capacity
     * boundary (measured: 0 of 10 seeds reach 793, mean 779.5): there we
     * assert what must hold for any correct engine, a feasible result no
     * better than the optimum, and within 3 % of it. */
    for (int mode = 0; mode < 3; mode++)
        for (uint64_t seed = 1; seed <= 10; seed++) {
            prob p = {.kind = 1, .n = N, .val = val, .wt = wt, .cap = cap};
            tg_ga_config c;
            tg_ga_config_default(&c, TG_GA_BINARY, N);
            c.pop = 100;
            c.generations = 300;
            c.seed = seed;
            if (mode == 1) {
                c.constraints = TG_GA_PENALTY;
                c.penalty = 100;    /* > the largest value per unit weight (70 / 10) */
            }
            if (mode == 2) c.repair = repair_knap;
            tg_ga_sol *s = solve(&c, &p);
            double got = tg_ga_sol_objectives(s, 0)[0];
            const int32_t *g = tg_ga_sol_int_genes(s, 0);
            double w = 0, v = 0;
            for (int i = 0; i < N; i++) w += g[i] ? wt[i] : 0, v += g[i] ? val[i] : 0;
            assert_true(v == got && w <= cap && tg_ga_sol_violation(s, 0) == 0 && got <= opt);
            if (mode == 2 ? got != opt : got < 0.97 * opt)
                fail_msg("knapsack mode %d seed %d: %g, optimum %g", mode, (int)seed, got, opt);
            tg_ga_sol_free(&s);
        }
    TG_CHECK_NO_LEAK();
}

static void test_real_coded(void **state)
{
    (void)state;
    tg_test_install_allocator();
    enum { N = 10 };
    double lo[N], hi[N];
    for (int k = 0; k < N; k++) lo[k] = -5.12, hi[k] = 5.12;
    /* Sphere, minimised, optimum 0: SBX + polynomial and SBX + Gaussian must
     * get below 1e-3 (every coordinate within about 0.01 of 0). */
    for (int mut = 0; mut < 2; mut++) {
        prob p = {.kind = 2, .n = N};
        tg_ga_config c;
        tg_ga_config_default(&c, TG_GA_REAL, N);
        c.lo = lo;
        c.hi = hi;
        c.minimize = true;
        c.pop = 60;
        c.generations = mut == 0 ? 1000 : 300;   /* polynomial (eta 20) fine-tunes slowly */
        c.seed = 5;
        if (mut == 1) {
            c.mutation = TG_GA_MUT_GAUSSIAN;
            c.sigma = 0.01;
        }
        tg_ga_sol *s = solve(&c, &p);
        double f = tg_ga_sol_objectives(s, 0)[0];
        if (!(f < 1e-3)) fail_msg("sphere (mutation %d): %g", mut, f);
        tg_ga_sol_free(&s);
    }
    /* Rastrigin, n = 5, minimised: optimum 0 at the origin; the next local
     * minima are >= 0.99 (one coordinate near +/-1), so f < 0.5 means the
     * global basin was found; 4 islands. */
    prob p = {.kind = 3, .n = 5};
    tg_ga_config c;
    tg_ga_config_default(&c, TG_GA_REAL, 5);
    c.lo = lo;
    c.hi = hi;
    c.minimize = true;
    c.pop = 50;
    c.generations = 300;
    c.islands = 4;
    c.seed = 8;
    tg_ga_sol *s = solve(&c, &p);
    double f = tg_ga_sol_objectives(s, 0)[0];
    if (!(f < 1e-3)) fail_msg("rastrigin: %g", f);
    for (int k = 0; k < 5; k++) assert_true(fabs(tg_ga_sol_real_genes(s, 0)[k]) < 0.01);
    tg_ga_sol_free(&s);
    TG_CHECK_NO_LEAK();
}

/* Brute force: every tour starting at city 0. */
static double tsp_brute(const double *d, int n, int32_t *perm, int k, double acc, double best)
{
    if (k == n) {
        double t = acc + d[perm[n - 1] * n + perm[0]];
        return t < best ? t : best;
    }
    for (int i = k; i < n; i++) {
        int32_t t = perm[k];
        perm[k] = perm[i];
        perm[i] = t;
        best = tsp_brute(d, n, perm, k + 1, acc + d[perm[k - 1] * n + perm[k]], best);
        t = perm[k];
        perm[k] = perm[i];
        perm[i] = t;
    }
    return best;
}

static void test_tsp(void **state)
{
    (void)state;
    tg_test_install_allocator();
    enum { N = 9 };
    double xy[2 * N], d[N * N];
    tg_rng r;
    tg_rng_seed(&r, 31);
    for (int i = 0; i < 2 * N; i++) xy[i] = tg_rng_uniform(&r) * 100;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) d[i * N + j] = hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]);
    int32_t perm[N];
    for (int i = 0; i < N; i++) perm[i] = i;
    double opt = tsp_brute(d, N, perm, 1, 0, INFINITY);
    const tg_ga_crossover cx[2] = {TG_GA_CX_ORDER, TG_GA_CX_PMX};
    for (int x = 0; x < 2; x++) {
        prob p = {.kind = 4, .n = N, .dist = d};
        tg_ga_config c;
        tg_ga_config_default(&c, TG_GA_PERMUTATION, N);
        c.crossover = cx[x];
        c.minimize = true;
        c.pop = 60;
        c.generations = 200;
        c.mutation_rate = 0.1;
        c.seed = 12;
        tg_ga_sol *s = solve(&c, &p);
        double got = tg_ga_sol_objectives(s, 0)[0];
        assert_true(is_perm(tg_ga_sol_int_genes(s, 0), N));
        if (fabs(got - opt) > 1e-9 * opt) fail_msg("tsp crossover %d: %g, optimum %g", x, got, opt);
        tg_ga_sol_free(&s);
    }
    TG_CHECK_NO_LEAK();
}

/* NSGA-II on ZDT1 and ZDT2 (n = 30, minimised).  True fronts: f2 = 1 -
 * sqrt(f1) and f2 = 1 - f1^2 on [0, 1]; hypervolume to (1, 1): the area
 * above the curve, integral of sqrt(f1) = 2/3 and of f1^2 = 1/3.  A set of
 * N points has less: the staircase through N points evenly spaced in f1
 * on the true front loses a computable amount (staircase deficit, computed
 * below).  Tolerance: that deficit plus 1 % of the true hypervolume for
 * incomplete convergence after 25,000 evaluations. */
static void test_nsga2_zdt(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    enum { N = 30 };
    double lo[N] = {0}, hi[N];
    for (int k = 0; k < N; k++) hi[k] = 1;
    for (int kind = 5; kind <= 6; kind++) {
        prob p = {.kind = kind, .n = N};
        tg_ga_config c;
        tg_ga_config_default(&c, TG_GA_REAL, N);
        c.nobj = 2;
        c.lo = lo;
        c.hi = hi;
        c.minimize = true;
        c.pop = 100;
        c.generations = 249;
        c.sbx_eta = 20;
        c.seed = 4;
        tg_ga_sol *s = solve(&c, &p);
        int F = tg_ga_sol_count(s);
        double *pts = malloc(sizeof *pts * 2 * (size_t)F), ref[2] = {1, 1}, hv, hv_even;
        for (int i = 0; i < F; i++) memcpy(pts + 2 * i, tg_ga_sol_objectives(s, i), 2 * sizeof *pts);
        assert_int_equal(tg_ga_sol_evals(s), 100 * 250);
        assert_int_equal(tg_ga_hypervolume2(pts, F, ref, &hv, msg), TG_OK);
        double even[200];
        for (int i = 0; i < F; i++) {
            double f1 = (double)i / (F - 1);
            even[2 * i] = f1;
            even[2 * i + 1] = kind == 5 ? 1 - sqrt(f1) : 1 - f1 * f1;
        }
        assert_int_equal(tg_ga_hypervolume2(even, F, ref, &hv_even, msg), TG_OK);
        double truth = kind == 5 ? 2.0 / 3 : 1.0 / 3, tol = (truth - hv_even) + 0.01 * truth;
        if (!(hv <= truth + 1e-12 && truth - hv <= tol))
            fail_msg("ZDT%d: hypervolume %.5f, true %.5f, tolerance %.5f (%d points)", kind - 4, hv, truth, tol, F);
        /* Every returned point is mutually non-dominated. */
        for (int i = 0; i < F; i++)
            for (int j = 0; j < F; j++)
                assert_false(i != j && pts[2 * i] <= pts[2 * j] && pts[2 * i + 1] <= pts[2 * j + 1] &&
                             (pts[2 * i] < pts[2 * j] || pts[2 * i + 1] < pts[2 * j + 1]));
        free(pts);
        tg_ga_sol_free(&s);
    }
    TG_CHECK_NO_LEAK();
}

static tg_status bad_repair(void *ud, int32_t *g, double *x, char *msg)
{
    (void)ud;
    (void)x;
    (void)msg;
    g[0] = g[1];   /* breaks the permutation */
    return TG_OK;
}

/* Memetic step for OneMax: set up to `flips` zero bits, one evaluation
 * each (counted in p->calls like the engine's own), within the budget. */
typedef struct climb { prob p; int flips; int64_t spent, worst_margin; int64_t overspend; } climb;

static tg_status improve_onemax(void *ud, int32_t *g, double *x, double *obj, double *viol, int64_t budget,
                                int64_t *spent, char *msg)
{
    (void)x;
    (void)msg;
    climb *c = ud;
    int64_t k = 0;
    for (int i = 0; i < c->p.n && k < c->flips && k < budget; i++)
        if (!g[i]) g[i] = 1, k++, c->p.calls++;
    int s = 0;
    for (int i = 0; i < c->p.n; i++) s += g[i];
    if (obj[0] + (double)k != s) return tg_msg(msg, TG_ERR_NUMERIC, "improve got a stale objective");
    obj[0] = s;
    *viol = 0;
    *spent = k + c->overspend;
    c->spent += k;
    return TG_OK;
}

static tg_status eval_climb(void *ud, const int32_t *g, const double *x, double *obj, double *viol, char *msg)
{
    return eval(&((climb *)ud)->p, g, x, obj, viol, msg);
}

/* The improvement hook: its evaluations count towards max_evals (never
 * exceeded), in the result and in the log; it speeds OneMax up; a hook
 * that overspends its budget or breaks the encoding stops the run. */
static void test_improve_hook(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    climb cl = {.p = {.kind = 0, .n = 200}, .flips = 3};
    tg_ga_config c;
    tg_ga_config_default(&c, TG_GA_BINARY, 200);
    c.pop = 20;
    c.generations = INT64_MAX;
    c.max_evals = 3000;
    c.eval = eval_climb;
    c.improve = improve_onemax;
    c.ud = &cl;
    tg_ga_sol *sol = NULL;
    assert_int_equal(tg_ga_solve(&c, &sol, msg), TG_OK);
    assert_true(cl.spent > 0);
    assert_int_equal(tg_ga_sol_evals(sol), cl.p.calls);          /* every evaluation counted once */
    assert_true(tg_ga_sol_evals(sol) <= 3000);
    int64_t nl;
    const tg_ga_gen_stats *l = tg_ga_sol_log(sol, &nl);
    assert_int_equal(l[nl - 1].evals, tg_ga_sol_evals(sol));
    double with = tg_ga_sol_objectives(sol, 0)[0];
    tg_ga_sol_free(&sol);
    /* the same budget without the hook ends lower */
    prob plain = {.kind = 0, .n = 200};
    c.improve = NULL;
    c.eval = eval;
    c.ud = &plain;
    assert_int_equal(tg_ga_solve(&c, &sol, msg), TG_OK);
    assert_true(with > tg_ga_sol_objectives(sol, 0)[0]);
    tg_ga_sol_free(&sol);
    /* overspending is refused */
    cl = (climb){.p = {.kind = 0, .n = 200}, .flips = 3, .overspend = INT64_MAX / 2};
    c.eval = eval_climb;
    c.improve = improve_onemax;
    c.ud = &cl;
    assert_int_equal(tg_ga_solve(&c, &sol, msg), TG_ERR_ARG);
    assert_msg_has(msg, "improve spent");
    assert_null(sol);
    /* several objectives: refused */
    c.nobj = 2;
    assert_int_equal(tg_ga_solve(&c, &sol, msg), TG_ERR_ARG);
    assert_msg_has(msg, "one objective");
    TG_CHECK_NO_LEAK();
}

static void test_errors_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_ga_sol *s = NULL;
    prob p = {.kind = 0, .n = 8};
    tg_ga_config c;
    tg_ga_config_default(&c, TG_GA_BINARY, 8);
    c.eval = eval;
    c.ud = &p;
    c.pop = 3;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "pop = 3");
    c.pop = 10;
    c.crossover = TG_GA_CX_SBX;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "SBX is for real encoding");
    c.crossover = TG_GA_CX_UNIFORM;
    c.mutation = TG_GA_MUT_POLYNOMIAL;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    c.mutation = TG_GA_MUT_BITFLIP;
    c.encoding = TG_GA_INTEGER;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "bit-flip");
    c.encoding = TG_GA_REAL;
    c.mutation = TG_GA_MUT_GAUSSIAN;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "needs bounds");
    c.encoding = TG_GA_BINARY;
    c.mutation = TG_GA_MUT_BITFLIP;
    c.nobj = 2;
    c.islands = 2;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    c.nobj = 1;
    c.islands = 1;
    c.max_evals = 5;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "less than the initial population");
    c.max_evals = 0;
    int32_t init[8 * 11] = {0};
    c.init_int = init;
    c.ninit = 11;   /* more than the population */
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "ninit = 11");
    init[8 * 2 + 3] = 2;   /* not binary */
    c.ninit = 3;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "initial individual 3 is not valid: gene 4 out of its bounds");
    for (int i = 0; i < 8; i++) init[i] = 1;   /* the OneMax optimum first */
    init[8 * 2 + 3] = 0;
    c.generations = 0;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_OK);
    assert_true(tg_ga_sol_objectives(s, 0)[0] == 8 && tg_ga_sol_evals_at_best(s) == 1);
    tg_ga_sol_free(&s);
    c.ninit = 0;
    c.init_int = NULL;
    c.generations = 100;
    /* A failing fitness stops the run with its status and message, no leak. */
    p.kind = 7;
    p.fail_at = 25;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_NUMERIC);
    assert_msg_has(msg, "fitness failed at call 25");
    assert_null(s);
    /* A repair that breaks the encoding is caught. */
    p.kind = 0;
    tg_ga_config_default(&c, TG_GA_PERMUTATION, 5);
    c.eval = eval;
    c.ud = &p;
    c.repair = bad_repair;
    assert_int_equal(tg_ga_solve(&c, &s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "no permutation");
    TG_CHECK_NO_LEAK();
    /* Out of memory at every allocation: clean failure, no leak. */
    double lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
    for (int nobj = 1; nobj <= 2; nobj++) {
        prob z = {.kind = 5, .n = 3};
        tg_ga_config_default(&c, TG_GA_REAL, 3);
        c.lo = lo;
        c.hi = hi;
        c.nobj = nobj;
        c.pop = 8;
        c.generations = 3;
        c.eval = eval;
        c.ud = &z;
        c.islands = nobj == 1 ? 2 : 1;
        c.migration_interval = 1;
        tg_status st = TG_ERR_NOMEM;
        TG_OOM_LOOP(
            {
                st = tg_ga_solve(&c, &s, msg);
                assert_true(st == TG_OK || st == TG_ERR_NOMEM);
                tg_ga_sol_free(&s);
            },
            st == TG_OK);
    }
    TG_CHECK_NO_LEAK();
}

/* k-NN cross-validation on a 1-D case worked by hand: x = 0 1 10 11 2 12,
 * classes 0 0 1 1 0 1, folds by row parity.  k = 1: every row's nearest
 * training row has its class (row 1 ties between x = 0 and 2, both class
 * 0): accuracy 1.  k = 3 takes the whole training fold: fold 0 trains on
 * classes 0 1 1 (predicts 1: right for row 2 only), fold 1 on 0 1 0
 * (predicts 0: right for row 1 only): 2/6. */
static void test_knn(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    double X[12] = {0, 5, 1, -3, 10, 7, 11, 0, 2, 2, 12, -1};   /* second column: noise */
    int32_t y[6] = {0, 0, 1, 1, 0, 1};
    unsigned char first[2] = {1, 0}, none[2] = {0, 0};
    double acc;
    assert_int_equal(tg_knn_cv_accuracy(X, y, 6, 2, first, 1, 2, &acc, msg), TG_OK);
    assert_true(acc == 1.0);
    assert_int_equal(tg_knn_cv_accuracy(X, y, 6, 2, first, 3, 2, &acc, msg), TG_OK);
    assert_true(fabs(acc - 2.0 / 6) < 1e-15);
    /* No feature: the majority class of each training fold, as for k = 3. */
    assert_int_equal(tg_knn_cv_accuracy(X, y, 6, 2, none, 1, 2, &acc, msg), TG_OK);
    assert_true(fabs(acc - 2.0 / 6) < 1e-15);
    assert_int_equal(tg_knn_cv_accuracy(X, y, 6, 2, NULL, 1, 7, &acc, msg), TG_ERR_ARG);
    /* Hold-out: train on rows 0..3 (x = 0 1 10 11), test rows 4, 5 (x = 2,
     * 12): k = 1 right twice; k = 4 votes 2:2, the tie goes to the
     * nearest's class: right twice as well; k = 3 on the noise column
     * alone (5 -3 7 0 | 2 -1): row 4 (2) nearest 0 (class 1), 5 (class
     * 0), -3 (class 0): class 0, right; row 5 (-1): 0, -3, 5: classes 1,
     * 0, 0: class 0, wrong.  1/2. */
    assert_int_equal(tg_knn_holdout_accuracy(X, y, 6, 2, first, 1, 4, &acc, msg), TG_OK);
    assert_true(acc == 1.0);
    assert_int_equal(tg_knn_holdout_accuracy(X, y, 6, 2, first, 4, 4, &acc, msg), TG_OK);
    assert_true(acc == 1.0);
    unsigned char second[2] = {0, 1};
    assert_int_equal(tg_knn_holdout_accuracy(X, y, 6, 2, second, 3, 4, &acc, msg), TG_OK);
    assert_true(acc == 0.5);
    assert_int_equal(tg_knn_holdout_accuracy(X, y, 6, 2, NULL, 1, 6, &acc, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    tg_progress_force(0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pmx_ox),
        cmocka_unit_test(test_sbx_polynomial),
        cmocka_unit_test(test_sus_roulette),
        cmocka_unit_test(test_rank_weights),
        cmocka_unit_test(test_pareto_crowding_hv),
        cmocka_unit_test(test_onemax_selections),
        cmocka_unit_test(test_determinism_islands_log),
        cmocka_unit_test(test_migration),
        cmocka_unit_test(test_knapsack),
        cmocka_unit_test(test_real_coded),
        cmocka_unit_test(test_tsp),
        cmocka_unit_test(test_nsga2_zdt),
        cmocka_unit_test(test_improve_hook),
        cmocka_unit_test(test_errors_oom),
        cmocka_unit_test(test_knn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
