/* nullmodel.c: seeded null models of connectomes and the measures that
 * are normalised by them (small-worldness, normalised rich club).
 *
 * The rewiring follows BCT's randmio/latmio: pick two edges (a,b), (c,d)
 * with four distinct ends, swap to (a,d), (c,b) when neither exists (for
 * undirected graphs, half the time to (a,c), (d,b) instead), up to a few
 * attempts per swap, iter swaps per edge.  All randomness comes from one
 * tg_rng seeded by the caller, so a seed names a null exactly. */
#include "brain_internal.h"

#include <math.h>
#include <string.h>

typedef struct elist { int64_t *a, *b, m; } elist;

static void elist_free(elist *e)
{
    tg_free(e->a);
    tg_free(e->b);
    memset(e, 0, sizeof *e);
}

/* Edges of R: upper triangle (a < b) when undirected, every arc when directed. */
static tg_status elist_make(const double *R, int64_t n, bool directed, elist *e)
{
    memset(e, 0, sizeof *e);
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = directed ? 0 : i + 1; j < n; j++) m += i != j && R[i * n + j] != 0;
    e->a = tg_malloc(sizeof *e->a * (size_t)(m ? m : 1));
    e->b = tg_malloc(sizeof *e->b * (size_t)(m ? m : 1));
    if (!e->a || !e->b) {
        elist_free(e);
        return TG_ERR_NOMEM;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = directed ? 0 : i + 1; j < n; j++)
            if (i != j && R[i * n + j] != 0) {
                e->a[e->m] = i;
                e->b[e->m++] = j;
            }
    return TG_OK;
}

/* Ring distance of positions (BCT's distance-to-diagonal matrix). */
static double ring(const int64_t *pos, int64_t n, int64_t i, int64_t j)
{
    int64_t d = pos[i] > pos[j] ? pos[i] - pos[j] : pos[j] - pos[i];
    return (double)(d < n - d ? d : n - d);
}

/* The shared swap loop; pos != NULL makes it the lattice version. */
static tg_status rewire(double *R, int64_t n, bool directed, int iter, tg_rng *rng, const int64_t *pos,
                        int64_t *swaps)
{
    elist e;
    if (elist_make(R, n, directed, &e) != TG_OK) return TG_ERR_NOMEM;
    int64_t K = e.m, done = 0;
    /* BCT randmio_und and randmio_dir alike: round(n K / (n (n - 1))),
     * K the number of edges (undirected: counted once). */
    int64_t max_att = (int64_t)round((double)n * (double)K / ((double)n * (double)(n - 1)));
    if (max_att < 1) max_att = 1;
    int64_t total = K * (int64_t)iter;
    for (int64_t it = 0; K >= 2 && it < total; it++) {
        for (int64_t att = 0; att <= max_att; att++) {
            int64_t e1 = -1, e2 = -1, a = 0, b = 0, c = 0, d = 0;
            for (int tries = 0; tries < 1000; tries++) {
                e1 = (int64_t)tg_rng_below(rng, (uint64_t)K);
                e2 = (int64_t)tg_rng_below(rng, (uint64_t)K - 1);
                if (e2 >= e1) e2++;
                a = e.a[e1], b = e.b[e1], c = e.a[e2], d = e.b[e2];
                if (a != c && a != d && b != c && b != d) break;
                e1 = -1;
            }
            if (e1 < 0) break;   /* no two disjoint edges found: nothing to swap */
            bool flip = !directed && tg_rng_uniform(rng) > 0.5;
            if (flip) {
                int64_t t = c;
                c = d;
                d = t;
            }
            if (R[a * n + d] != 0 || R[c * n + b] != 0) continue;
            if (pos) {
                double wab = R[a * n + b], wcd = R[c * n + d];
                if (ring(pos, n, a, b) * wab + ring(pos, n, c, d) * wcd <
                    ring(pos, n, a, d) * wab + ring(pos, n, c, b) * wcd)
                    continue;
            }
            R[a * n + d] = R[a * n + b];
            R[a * n + b] = 0;
            R[c * n + b] = R[c * n + d];
            R[c * n + d] = 0;
            if (!directed) {
                R[d * n + a] = R[b * n + a];
                R[b * n + a] = 0;
                R[b * n + c] = R[d * n + c];
                R[d * n + c] = 0;
            }
            e.a[e2] = c;
            e.b[e1] = d;
            e.b[e2] = b;
            done++;
            break;
        }
    }
    elist_free(&e);
    if (swaps) *swaps = done;
    return TG_OK;
}

static tg_status null_check(const double *W, int64_t n, bool directed, int iter, double *R, const char *fn,
                            char *msg)
{
    tg_msg_clear(msg);
    if (!W || !R || n < 0 || iter < 0) return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (matrix, n, iter >= 0)", fn);
    if (!directed && !tg_graph_brain_is_symmetric(W, n))
        return tg_msg(msg, TG_ERR_ARG, "%s: the matrix is not symmetric (pass directed or symmetrize it)", fn);
    return TG_OK;
}

tg_status tg_graph_brain_randmio(const double *W, int64_t n, bool directed, int iter, uint64_t seed, double *R,
                                 int64_t *swaps, char *msg)
{
    static const char fn[] = "brain.randmio";
    tg_status s = null_check(W, n, directed, iter, R, fn, msg);
    if (s != TG_OK) return s;
    if (R != W) memcpy(R, W, sizeof *R * (size_t)(n * n));
    tg_graph_brain_zero_diagonal(R, n);
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    if (rewire(R, n, directed, iter, &rng, NULL, swaps) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    return TG_OK;
}

tg_status tg_graph_brain_latmio(const double *W, int64_t n, bool directed, int iter, uint64_t seed, double *R,
                                int64_t *swaps, char *msg)
{
    static const char fn[] = "brain.latmio";
    tg_status s = null_check(W, n, directed, iter, R, fn, msg);
    if (s != TG_OK) return s;
    int64_t *pos = tg_malloc(sizeof *pos * (size_t)(n ? n : 1));
    if (!pos) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (R != W) memcpy(R, W, sizeof *R * (size_t)(n * n));
    tg_graph_brain_zero_diagonal(R, n);
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    /* A random ring order of the nodes (BCT permutes, rewires towards the
     * diagonal, and permutes back). */
    for (int64_t i = 0; i < n; i++) pos[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)tg_rng_below(&rng, (uint64_t)i + 1), t = pos[i];
        pos[i] = pos[j];
        pos[j] = t;
    }
    if (rewire(R, n, directed, iter, &rng, pos, swaps) != TG_OK) s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    tg_free(pos);
    return s;
}

/* Index of the element of rank r (ascending key, ties by index) among
 * idx[0..m): quickselect, reordering idx. */
static int64_t select_rank(int64_t *idx, const double *key, int64_t m, int64_t r)
{
    int64_t lo = 0, hi = m - 1;
#define LESS(x, y) (key[x] < key[y] || (key[x] == key[y] && (x) < (y)))
    while (lo < hi) {
        int64_t p = idx[lo + (hi - lo) / 2], i = lo, j = hi;
        while (i <= j) {
            while (LESS(idx[i], p)) i++;
            while (LESS(p, idx[j])) j--;
            if (i <= j) {
                int64_t t = idx[i];
                idx[i++] = idx[j];
                idx[j--] = t;
            }
        }
        if (r <= j) hi = j;
        else if (r >= i) lo = i;
        else break;
    }
#undef LESS
    return idx[r];
}

static int dbl_asc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

tg_status tg_graph_brain_null_strength(const double *W, int64_t n, int iter, uint64_t seed, double *R, char *msg)
{
    static const char fn[] = "brain.null_strength";
    tg_status s = null_check(W, n, false, iter, R, fn, msg);
    if (s != TG_OK) return s;
    for (int64_t k = 0; k < n * n; k++)
        if (W[k] < 0 || isnan(W[k]))
            return tg_msg(msg, TG_ERR_NUMERIC, "%s: weight (%lld,%lld) = %g: needs W >= 0 (split signs first)", fn,
                          (long long)(k / n + 1), (long long)(k % n + 1), W[k]);
    double *S = tg_malloc(sizeof *S * (size_t)(n ? n : 1)), *key = NULL, *wv = NULL;
    int64_t *idx = NULL;
    elist e;
    memset(&e, 0, sizeof e);
    if (!S) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    tg_graph_brain_strength(W, n, false, S, NULL, NULL);
    if (R != W) memcpy(R, W, sizeof *R * (size_t)(n * n));
    tg_graph_brain_zero_diagonal(R, n);
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    if (rewire(R, n, false, iter, &rng, NULL, NULL) != TG_OK || elist_make(R, n, false, &e) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    int64_t m = e.m;
    key = tg_malloc(sizeof *key * (size_t)(m ? m : 1));
    wv = tg_malloc(sizeof *wv * (size_t)(m ? m : 1));
    idx = tg_malloc(sizeof *idx * (size_t)(m ? m : 1));
    if (!key || !wv || !idx) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t k = 0; k < m; k++) {
        wv[k] = R[e.a[k] * n + e.b[k]];
        idx[k] = k;
    }
    qsort(wv, (size_t)m, sizeof *wv, dbl_asc);
    for (int64_t left = m; left > 0; left--) {
        for (int64_t k = 0; k < left; k++) {
            int64_t x = idx[k];
            key[x] = S[e.a[x]] * S[e.b[x]];
        }
        int64_t r = (int64_t)tg_rng_below(&rng, (uint64_t)left);
        int64_t x = select_rank(idx, key, left, r);
        double w = wv[r];
        R[e.a[x] * n + e.b[x]] = R[e.b[x] * n + e.a[x]] = w;
        S[e.a[x]] -= w;
        S[e.b[x]] -= w;
        /* Drop edge x (it is at idx[r] after the selection) and weight r. */
        idx[r] = idx[left - 1];
        memmove(wv + r, wv + r + 1, sizeof *wv * (size_t)(left - 1 - r));
    }
done:
    elist_free(&e);
    tg_free(S);
    tg_free(key);
    tg_free(wv);
    tg_free(idx);
    return s;
}

/* Mean binary clustering and finite characteristic path length. */
static tg_status c_and_l(const double *A, int64_t n, double *C, double *L, double *cbuf, double *D, char *msg)
{
    tg_status s = tg_graph_brain_clustering(A, n, false, false, cbuf, msg);
    if (s != TG_OK) return s;
    double c = 0;
    for (int64_t i = 0; i < n; i++) c += cbuf[i];
    *C = c / (double)n;
    if ((s = tg_graph_brain_distance(A, n, false, D, NULL, msg)) != TG_OK) return s;
    return tg_graph_brain_charpath(D, n, false, L, NULL, NULL, NULL, NULL, msg);
}

tg_status tg_graph_brain_small_world(const double *W, int64_t n, int nulls, int iter, uint64_t seed,
                                     tg_brain_smallworld *out, char *msg)
{
    static const char fn[] = "brain.small_world";
    tg_msg_clear(msg);
    if (!W || n < 4 || nulls < 1 || iter < 0 || !out)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (n >= 4, nulls >= 1, iter >= 0)", fn);
    size_t nn = TG_BRAIN_NN(n);
    double *A = tg_malloc(sizeof *A * nn), *R = tg_malloc(sizeof *R * nn), *D = tg_malloc(sizeof *D * nn);
    double *cb = tg_malloc(sizeof *cb * (size_t)n);
    tg_status s = TG_OK;
    if (!A || !R || !D || !cb) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) A[i * n + j] = i != j && (W[i * n + j] != 0 || W[j * n + i] != 0);
    tg_brain_smallworld r = {0};
    if ((s = c_and_l(A, n, &r.C, &r.L, cb, D, msg)) != TG_OK) goto done;
    for (int k = 0; k < nulls; k++) {
        double c, l;
        if ((s = tg_graph_brain_randmio(A, n, false, iter, seed + (uint64_t)k, R, NULL, msg)) != TG_OK ||
            (s = c_and_l(R, n, &c, &l, cb, D, msg)) != TG_OK)
            goto done;
        r.Cr += c / nulls;
        r.Lr += l / nulls;
        if ((s = tg_graph_brain_latmio(A, n, false, iter, seed + (uint64_t)k, R, NULL, msg)) != TG_OK ||
            (s = tg_graph_brain_clustering(R, n, false, false, cb, msg)) != TG_OK)
            goto done;
        c = 0;
        for (int64_t i = 0; i < n; i++) c += cb[i];
        r.Cl += c / (double)n / nulls;
    }
    r.sigma = (r.C / r.Cr) / (r.L / r.Lr);
    r.omega = r.Lr / r.L - r.C / r.Cl;
    *out = r;
done:
    tg_free(A);
    tg_free(R);
    tg_free(D);
    tg_free(cb);
    return s;
}

tg_status tg_graph_brain_rich_club_norm(const double *W, int64_t n, bool directed, bool weighted, int64_t kmax,
                                        int nulls, int iter, uint64_t seed, double *R, double *Rnull,
                                        double *Rnorm, char *msg)
{
    static const char fn[] = "brain.rich_club_norm";
    tg_msg_clear(msg);
    if (!W || !R || !Rnorm || kmax < 1 || nulls < 1)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (kmax >= 1, nulls >= 1, outputs)", fn);
    double *N = tg_malloc(sizeof *N * TG_BRAIN_NN(n)), *rk = tg_malloc(sizeof *rk * (size_t)kmax);
    double *acc = tg_calloc((size_t)kmax, sizeof *acc);
    int64_t *cnt = tg_calloc((size_t)kmax, sizeof *cnt);
    tg_status s = TG_OK;
    if (!N || !rk || !acc || !cnt) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    if ((s = tg_graph_brain_rich_club(W, n, directed, weighted, kmax, R, msg)) != TG_OK) goto done;
    for (int k = 0; k < nulls; k++) {
        if ((s = tg_graph_brain_randmio(W, n, directed, iter, seed + (uint64_t)k, N, NULL, msg)) != TG_OK ||
            (s = tg_graph_brain_rich_club(N, n, directed, weighted, kmax, rk, msg)) != TG_OK)
            goto done;
        for (int64_t j = 0; j < kmax; j++)
            if (!isnan(rk[j])) {
                acc[j] += rk[j];
                cnt[j]++;
            }
    }
    for (int64_t j = 0; j < kmax; j++) {
        double mu = cnt[j] ? acc[j] / (double)cnt[j] : NAN;
        if (Rnull) Rnull[j] = mu;
        Rnorm[j] = R[j] / mu;
    }
done:
    tg_free(N);
    tg_free(rk);
    tg_free(acc);
    tg_free(cnt);
    return s;
}
