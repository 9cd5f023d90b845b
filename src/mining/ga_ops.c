/* ga_ops.c: the operators of the GA engine that stand alone and have
 * properties worth testing on their own: fitness-proportional selection
 * (roulette, stochastic universal sampling), SBX, polynomial mutation,
 * PMX and order crossover, and NSGA-II's building blocks (non-dominated
 * sorting, crowding distance) with a 2-objective hypervolume. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

/* ---- selection ---------------------------------------------------------- */

/* Index of the first cumulative weight > t (cum ascending, cum[n-1] > t). */
static int wheel(const double *w, int n, double t)
{
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        if (t < acc && w[i] > 0) return i;
    }
    for (int i = n - 1; i >= 0; i--)    /* rounding at the very end */
        if (w[i] > 0) return i;
    return n - 1;
}

void tg_ga_select_roulette(tg_rng *r, const double *w, int n, int k, int32_t *out)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += w[i];
    for (int j = 0; j < k; j++) out[j] = wheel(w, n, tg_rng_uniform(r) * sum);
}

void tg_ga_select_sus(tg_rng *r, const double *w, int n, int k, int32_t *out)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += w[i];
    double step = sum / k, t = tg_rng_uniform(r) * step, acc = 0;
    int i = 0, j = 0;
    /* Pointers t, t + step, ...: one walk down the wheel. */
    while (j < k) {
        while (i < n - 1 && (acc + w[i] <= t || w[i] <= 0)) {
            acc += w[i];
            i++;
        }
        out[j++] = i;
        t += step;
    }
}

void tg_ga_rank_weights(int n, double s, double *w)
{
    for (int p = 0; p < n; p++) w[p] = (2 - s) / n + 2.0 * (s - 1) * (n - 1 - p) / ((double)n * (n - 1));
}

/* ---- real-coded operators ----------------------------------------------- */

void tg_ga_sbx(tg_rng *r, const double *p1, const double *p2, double *c1, double *c2, int n, const double *lo,
               const double *hi, double eta)
{
    for (int k = 0; k < n; k++) {
        double a = p1[k], b = p2[k];
        if (tg_rng_uniform(r) >= 0.5 || fabs(a - b) < 1e-14) {
            c1[k] = a;
            c2[k] = b;
            continue;
        }
        /* Spread factor beta with density 0.5(eta+1)beta^eta on [0, 1] and
         * 0.5(eta+1)/beta^(eta+2) beyond (Deb & Agrawal 1995). */
        double u = tg_rng_uniform(r), beta;
        if (u <= 0.5) beta = pow(2 * u, 1 / (eta + 1));
        else beta = pow(1 / (2 * (1 - u)), 1 / (eta + 1));
        double m = 0.5 * (a + b), d = fabs(b - a);
        /* Keep m +/- beta d / 2 inside [lo, hi]: symmetric, so the mean stays. */
        double room = fmin(m - lo[k], hi[k] - m);
        if (room < 0) room = 0;
        if (beta * d / 2 > room) beta = 2 * room / d;
        double x1 = m - beta * d / 2, x2 = m + beta * d / 2;
        if (x1 < lo[k]) x1 = lo[k];
        if (x2 > hi[k]) x2 = hi[k];
        if (tg_rng_u64(r) & 1) {
            c1[k] = x1;
            c2[k] = x2;
        } else {
            c1[k] = x2;
            c2[k] = x1;
        }
    }
}

void tg_ga_polynomial_mutation(tg_rng *r, double *x, int n, const double *lo, const double *hi, double eta,
                               double rate)
{
    for (int k = 0; k < n; k++) {
        if (tg_rng_uniform(r) >= rate) continue;
        double range = hi[k] - lo[k];
        if (!(range > 0)) continue;
        double d1 = (x[k] - lo[k]) / range, d2 = (hi[k] - x[k]) / range;
        double u = tg_rng_uniform(r), p = 1 / (eta + 1), dq;
        /* Bounded form (Deb & Deb 2014): dq in [-d1, d2] by construction. */
        if (u < 0.5) {
            double v = 2 * u + (1 - 2 * u) * pow(1 - d1, eta + 1);
            dq = pow(v, p) - 1;
        } else {
            double v = 2 * (1 - u) + 2 * (u - 0.5) * pow(1 - d2, eta + 1);
            dq = 1 - pow(v, p);
        }
        double y = x[k] + dq * range;
        x[k] = y < lo[k] ? lo[k] : y > hi[k] ? hi[k] : y;   /* rounding only */
    }
}

/* ---- permutation crossovers --------------------------------------------- */

static void cuts(tg_rng *r, int n, int *a, int *b)
{
    int i = (int)tg_rng_below(r, (uint64_t)n), j = (int)tg_rng_below(r, (uint64_t)n);
    *a = i < j ? i : j;
    *b = i < j ? j : i;
}

/* c = p2 with p1's segment [a, b] moved in by swaps: each swap puts p1[i]
 * at i and moves the value it displaces to where p1[i] was, which is the
 * mapping chain of PMX (Goldberg & Lingle 1985). */
static void pmx_one(const int32_t *p1, const int32_t *p2, int32_t *c, int n, int a, int b, int32_t *pos)
{
    memcpy(c, p2, sizeof *c * (size_t)n);
    for (int i = 0; i < n; i++) pos[c[i]] = i;
    for (int i = a; i <= b; i++) {
        int32_t v = p1[i];
        int j = pos[v];
        if (j == i) continue;
        int32_t w = c[i];
        c[i] = v;
        c[j] = w;
        pos[v] = i;
        pos[w] = j;
    }
}

void tg_ga_pmx_at(const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int a, int b,
                  int32_t *work)
{
    pmx_one(p1, p2, c1, n, a, b, work);
    pmx_one(p2, p1, c2, n, a, b, work);
}

void tg_ga_pmx(tg_rng *r, const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int32_t *work)
{
    int a, b;
    cuts(r, n, &a, &b);
    tg_ga_pmx_at(p1, p2, c1, c2, n, a, b, work);
}

/* OX (Davis 1985): c keeps p1[a..b]; the other positions, from b+1 round
 * to a-1, take p2's values in p2's order from b+1 round, skipping those
 * already in the segment. */
static void ox_one(const int32_t *p1, const int32_t *p2, int32_t *c, int n, int a, int b, int32_t *used)
{
    memset(used, 0, sizeof *used * (size_t)n);
    for (int i = a; i <= b; i++) {
        c[i] = p1[i];
        used[p1[i]] = 1;
    }
    int out = (b + 1) % n;
    for (int t = 0; t < n; t++) {
        int32_t v = p2[(b + 1 + t) % n];
        if (used[v]) continue;
        c[out] = v;
        out = (out + 1) % n;
    }
}

void tg_ga_order_crossover_at(const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int a, int b,
                              int32_t *work)
{
    ox_one(p1, p2, c1, n, a, b, work);
    ox_one(p2, p1, c2, n, a, b, work);
}

void tg_ga_order_crossover(tg_rng *r, const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n,
                           int32_t *work)
{
    int a, b;
    cuts(r, n, &a, &b);
    tg_ga_order_crossover_at(p1, p2, c1, c2, n, a, b, work);
}

/* ---- NSGA-II building blocks -------------------------------------------- */

static bool dominates(const double *x, const double *y, int m)
{
    bool strict = false;
    for (int k = 0; k < m; k++) {
        if (x[k] > y[k]) return false;
        if (x[k] < y[k]) strict = true;
    }
    return strict;
}

#undef FREE_ALL
#define FREE_ALL                                                                                                     \
    do {                                                                                                             \
        tg_free(cnt);                                                                                                \
        tg_free(dom);                                                                                                \
        tg_free(off);                                                                                                \
        tg_free(cur);                                                                                                \
    } while (0)

/* Deb's fast non-dominated sort: for each p, the set it dominates (as a
 * CSR list) and how many dominate it; peel fronts. */
tg_status tg_ga_pareto_ranks(const double *obj, int n, int m, int32_t *rank, char *msg)
{
    tg_msg_clear(msg);
    if (!obj || !rank || n < 0 || m < 1) return tg_msg(msg, TG_ERR_ARG, "ga.pareto_ranks: bad arguments");
    int32_t *cnt = NULL, *dom = NULL, *cur = NULL;
    int64_t *off = NULL;
    if (n == 0) return TG_OK;
    size_t N = (size_t)n;
    cnt = tg_calloc(N, sizeof *cnt);
    off = tg_calloc(N + 1, sizeof *off);
    cur = tg_malloc(sizeof *cur * N);
    if (!cnt || !off || !cur) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "ga.pareto_ranks: out of memory");
    }
    /* First pass counts, second pass fills the dominated lists. */
    for (int p = 0; p < n; p++)
        for (int q = 0; q < n; q++)
            if (p != q && dominates(obj + (size_t)p * m, obj + (size_t)q * m, m)) {
                off[p + 1]++;
                cnt[q]++;
            }
    for (size_t p = 0; p < N; p++) off[p + 1] += off[p];
    dom = tg_malloc(sizeof *dom * (size_t)(off[N] > 0 ? off[N] : 1));
    if (!dom) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "ga.pareto_ranks: out of memory");
    }
    for (int p = 0; p < n; p++) {
        int64_t at = off[p];
        for (int q = 0; q < n; q++)
            if (p != q && dominates(obj + (size_t)p * m, obj + (size_t)q * m, m)) dom[at++] = q;
    }
    int nc = 0;
    for (int p = 0; p < n; p++)
        if (cnt[p] == 0) {
            rank[p] = 0;
            cur[nc++] = p;
        }
    /* cur holds the current front at [lo, nc); appended fronts follow. */
    int lo = 0, level = 0;
    while (lo < nc) {
        int hi = nc;
        level++;
        for (int t = lo; t < hi; t++) {
            int p = cur[t];
            for (int64_t e = off[p]; e < off[p + 1]; e++)
                if (--cnt[dom[e]] == 0) {
                    rank[dom[e]] = level;
                    cur[nc++] = dom[e];
                }
        }
        lo = hi;
    }
    FREE_ALL;
    return TG_OK;
}
#undef FREE_ALL

typedef struct crowd_key { double v; int32_t i; } crowd_key;

static int by_value(const void *a, const void *b)
{
    const crowd_key *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : x->i - y->i;
}

tg_status tg_ga_crowding(const double *obj, int m, const int32_t *idx, int count, double *dist, char *msg)
{
    tg_msg_clear(msg);
    if (!obj || !idx || !dist || m < 1 || count < 0) return tg_msg(msg, TG_ERR_ARG, "ga.crowding: bad arguments");
    if (count == 0) return TG_OK;
    crowd_key *key = tg_malloc(sizeof *key * (size_t)count);
    if (!key) return tg_msg(msg, TG_ERR_NOMEM, "ga.crowding: out of memory");
    for (int i = 0; i < count; i++) dist[i] = 0;
    for (int k = 0; k < m; k++) {
        for (int i = 0; i < count; i++) {
            key[i].v = obj[(size_t)idx[i] * m + k];
            key[i].i = i;
        }
        qsort(key, (size_t)count, sizeof *key, by_value);
        double span = key[count - 1].v - key[0].v;
        dist[key[0].i] = INFINITY;
        dist[key[count - 1].i] = INFINITY;
        if (!(span > 0)) continue;
        for (int t = 1; t < count - 1; t++)
            dist[key[t].i] += (key[t + 1].v - key[t - 1].v) / span;
    }
    tg_free(key);
    return TG_OK;
}

tg_status tg_ga_hypervolume2(const double *obj, int n, const double ref[2], double *hv, char *msg)
{
    tg_msg_clear(msg);
    if (!obj || !ref || !hv || n < 0) return tg_msg(msg, TG_ERR_ARG, "ga.hypervolume: bad arguments");
    *hv = 0;
    crowd_key *key = tg_malloc(sizeof *key * (size_t)(n > 0 ? n : 1));
    if (!key) return tg_msg(msg, TG_ERR_NOMEM, "ga.hypervolume: out of memory");
    int c = 0;
    for (int i = 0; i < n; i++)
        if (obj[2 * i] < ref[0] && obj[2 * i + 1] < ref[1]) key[c++] = (crowd_key){obj[2 * i], i};
    qsort(key, (size_t)c, sizeof *key, by_value);
    /* Sweep by f1 ascending: each point adds a slab up to the lowest f2 so far. */
    double best2 = ref[1], sum = 0;
    for (int t = 0; t < c; t++) {
        double f2 = obj[2 * key[t].i + 1];
        if (f2 >= best2) continue;
        double next1 = ref[0];
        sum += (next1 - key[t].v) * (best2 - f2);
        best2 = f2;
    }
    tg_free(key);
    *hv = sum;
    return TG_OK;
}
