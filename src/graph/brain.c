/* brain.c: brain-connectivity measures with the conventions of the Brain
 * Connectivity Toolbox (Rubinov & Sporns 2010), on dense n x n matrices.
 *
 * Connectomes are small (tens to a thousand regions) and often dense, so
 * the matrix is the natural representation: every function takes a
 * row-major double array and, where paths are needed, builds a compact
 * adjacency list (CSR) once.  Formulas follow the BCT MATLAB functions
 * named in tg_graph.h, including their corner cases (nodes in no triangle
 * get clustering 0, NaN z-scores become 0, betweenness counts ordered
 * pairs); tests/graph/make_brain_golden.py re-implements them in numpy
 * and the tests hold this file to those values and to BCT's published
 * outputs. */
#include "brain_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define FN_CHECK(fn, W, n)                                                        \
    do {                                                                          \
        tg_msg_clear(msg);                                                        \
        if (!(W) || (n) < 0) return tg_msg(msg, TG_ERR_ARG, "%s: matrix is NULL or n < 0", fn); \
    } while (0)

/* ---- matrix workflow ---------------------------------------------------- */

bool tg_graph_brain_is_symmetric(const double *W, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++)
            if (W[i * n + j] != W[j * n + i]) return false;
    return true;
}

tg_status tg_graph_brain_symmetrize(double *W, int64_t n, tg_brain_sym how, char *msg)
{
    FN_CHECK("brain.symmetrize", W, n);
    if (how < TG_SYM_MAX || how > TG_SYM_SUM)
        return tg_msg(msg, TG_ERR_ARG, "brain.symmetrize: unknown rule %d", (int)how);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++) {
            double a = W[i * n + j], b = W[j * n + i], v;
            switch (how) {
            case TG_SYM_MAX: v = a > b ? a : b; break;
            case TG_SYM_MIN: v = a < b ? a : b; break;
            case TG_SYM_MEAN: v = (a + b) / 2; break;
            default: v = a + b; break;
            }
            W[i * n + j] = W[j * n + i] = v;
        }
    return TG_OK;
}

void tg_graph_brain_zero_diagonal(double *W, int64_t n)
{
    for (int64_t i = 0; i < n; i++) W[i * n + i] = 0;
}

tg_status tg_graph_brain_threshold_absolute(double *W, int64_t n, double thr, char *msg)
{
    FN_CHECK("brain.threshold_absolute", W, n);
    if (isnan(thr)) return tg_msg(msg, TG_ERR_ARG, "brain.threshold_absolute: threshold is NaN");
    for (int64_t k = 0; k < n * n; k++)
        if (W[k] < thr) W[k] = 0;
    return TG_OK;
}

typedef struct ent { double v; int64_t key; int64_t i, j; } ent;

/* Descending value, then ascending key (MATLAB's stable sort of find()). */
static int ent_cmp(const void *a, const void *b)
{
    const ent *x = a, *y = b;
    if (x->v > y->v) return -1;
    if (x->v < y->v) return 1;
    return (x->key > y->key) - (x->key < y->key);
}

/* Off-diagonal nonzero entries (upper triangle when sym), with their
 * column-major linear index as the tie key. */
static tg_status collect(const double *W, int64_t n, bool sym, bool absval, ent **out, int64_t *m)
{
    int64_t cnt = 0;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < (sym ? j : n); i++)
            cnt += i != j && W[i * n + j] != 0;
    ent *e = tg_malloc(sizeof *e * (size_t)(cnt ? cnt : 1));
    if (!e) return TG_ERR_NOMEM;
    cnt = 0;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < (sym ? j : n); i++)
            if (i != j && W[i * n + j] != 0) {
                double v = W[i * n + j];
                e[cnt++] = (ent){absval ? fabs(v) : v, j * n + i, i, j};
            }
    qsort(e, (size_t)cnt, sizeof *e, ent_cmp);
    *out = e;
    *m = cnt;
    return TG_OK;
}

tg_status tg_graph_brain_threshold_proportional(double *W, int64_t n, double p, char *msg)
{
    static const char fn[] = "brain.threshold_proportional";
    FN_CHECK(fn, W, n);
    if (!(p >= 0 && p <= 1)) return tg_msg(msg, TG_ERR_ARG, "%s: p = %g is not in [0, 1]", fn, p);
    tg_graph_brain_zero_diagonal(W, n);
    bool sym = tg_graph_brain_is_symmetric(W, n);
    ent *e = NULL;
    int64_t m;
    if (collect(W, n, sym, false, &e, &m) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t keep = (int64_t)round((double)(n * n - n) * p / (sym ? 2 : 1));
    for (int64_t k = keep; k < m; k++) {
        W[e[k].i * n + e[k].j] = 0;
        if (sym) W[e[k].j * n + e[k].i] = 0;
    }
    tg_free(e);
    return TG_OK;
}

static int64_t uf_find(int64_t *par, int64_t x)
{
    while (par[x] != x) x = par[x] = par[par[x]];
    return x;
}

tg_status tg_graph_brain_threshold_backbone(double *W, int64_t n, double p, char *msg)
{
    static const char fn[] = "brain.threshold_backbone";
    FN_CHECK(fn, W, n);
    if (!(p >= 0 && p <= 1)) return tg_msg(msg, TG_ERR_ARG, "%s: p = %g is not in [0, 1]", fn, p);
    tg_graph_brain_zero_diagonal(W, n);
    if (!tg_graph_brain_is_symmetric(W, n))
        return tg_msg(msg, TG_ERR_ARG, "%s: the matrix is not symmetric (symmetrize it first)", fn);
    ent *e = NULL;
    int64_t *par = NULL, m;
    bool *keep = NULL;
    tg_status s = TG_OK;
    if (collect(W, n, true, true, &e, &m) != TG_OK || !(par = tg_malloc(sizeof *par * (size_t)(n ? n : 1))) ||
        !(keep = tg_calloc((size_t)(m ? m : 1), sizeof *keep))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t i = 0; i < n; i++) par[i] = i;
    int64_t kept = 0, target = (int64_t)round((double)(n * n - n) * p / 2);
    for (int64_t k = 0; k < m; k++) {
        int64_t a = uf_find(par, e[k].i), b = uf_find(par, e[k].j);
        if (a != b) {
            par[a] = b;
            keep[k] = true;
            kept++;
        }
    }
    for (int64_t k = 0; k < m && kept < target; k++)
        if (!keep[k]) {
            keep[k] = true;
            kept++;
        }
    for (int64_t k = 0; k < m; k++)
        if (!keep[k]) W[e[k].i * n + e[k].j] = W[e[k].j * n + e[k].i] = 0;
done:
    tg_free(e);
    tg_free(par);
    tg_free(keep);
    return s;
}

void tg_graph_brain_binarize(double *W, int64_t n)
{
    for (int64_t k = 0; k < n * n; k++) W[k] = W[k] != 0;
}

void tg_graph_brain_normalize(double *W, int64_t n)
{
    double mx = 0;
    for (int64_t k = 0; k < n * n; k++)
        if (fabs(W[k]) > mx) mx = fabs(W[k]);
    if (mx > 0)
        for (int64_t k = 0; k < n * n; k++) W[k] /= mx;
}

tg_status tg_graph_brain_lengths(const double *W, int64_t n, int kind, double *L, char *msg)
{
    FN_CHECK("brain.lengths", W, n);
    if (!L || (kind != 0 && kind != 1)) return tg_msg(msg, TG_ERR_ARG, "brain.lengths: bad kind %d or NULL output", kind);
    for (int64_t k = 0; k < n * n; k++) {
        double w = W[k];
        if (!(w > 0)) L[k] = 0;
        else if (kind == 0) L[k] = 1 / w;
        else if (w > 1) L[k] = 0;
        else L[k] = w == 1 ? DBL_MIN : -log(w);
    }
    return TG_OK;
}

void tg_graph_brain_split_signs(const double *W, int64_t n, double *pos, double *neg)
{
    for (int64_t k = 0; k < n * n; k++) {
        double w = W[k];
        if (pos) pos[k] = w > 0 ? w : 0;
        if (neg) neg[k] = w < 0 ? -w : 0;
    }
}

/* ---- degree and strength ------------------------------------------------ */

void tg_graph_brain_degree(const double *W, int64_t n, bool directed, double *deg, double *in,
                           double *out)
{
    if (!directed && !in) {   /* row counts only: one sequential pass */
        for (int64_t i = 0; i < n; i++) {
            const double *row = W + i * n;
            int64_t cnt = 0;
            for (int64_t j = 0; j < n; j++) cnt += row[j] != 0;
            double o = (double)(cnt - (row[i] != 0));
            if (out) out[i] = o;
            if (deg) deg[i] = o;
        }
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        double o = 0, d = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j == i) continue;
            o += W[i * n + j] != 0;
            d += W[j * n + i] != 0;
        }
        if (out) out[i] = o;
        if (in) in[i] = d;
        if (deg) deg[i] = directed ? o + d : o;
    }
}

void tg_graph_brain_strength(const double *W, int64_t n, bool directed, double *str, double *in,
                             double *out)
{
    if (!directed && !in) {
        for (int64_t i = 0; i < n; i++) {
            const double *row = W + i * n;
            /* Four partial sums: independent adds the compiler can
             * pipeline and vectorise (a single sum is a dependency chain). */
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            int64_t j = 0;
            for (; j + 4 <= n; j += 4) {
                a0 += row[j];
                a1 += row[j + 1];
                a2 += row[j + 2];
                a3 += row[j + 3];
            }
            for (; j < n; j++) a0 += row[j];
            double o = (a0 + a1) + (a2 + a3) - row[i];
            if (out) out[i] = o;
            if (str) str[i] = o;
        }
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        double o = 0, d = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j == i) continue;
            o += W[i * n + j];
            d += W[j * n + i];
        }
        if (out) out[i] = o;
        if (in) in[i] = d;
        if (str) str[i] = directed ? o + d : o;
    }
}

/* ---- CSR ---------------------------------------------------------------- */

void tg_brain_i_csr_free(tg_brain_csr *c)
{
    tg_free(c->ptr);
    tg_free(c->idx);
    tg_free(c->val);
    memset(c, 0, sizeof *c);
}

tg_status tg_brain_i_csr(const double *M, int64_t n, bool transpose, tg_brain_csr *c)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->ptr = tg_malloc(sizeof *c->ptr * (size_t)(n + 1));
    if (!c->ptr) return TG_ERR_NOMEM;
    /* One pass over the matrix, growing the arrays (connectomes are often
     * dense: a counting pass would double the reads). */
    size_t cap = (size_t)(n > 0 ? 4 * n : 1), k = 0;
    c->idx = tg_malloc(sizeof *c->idx * cap);
    c->val = tg_malloc(sizeof *c->val * cap);
    if (!c->idx || !c->val) {
        tg_brain_i_csr_free(c);
        return TG_ERR_NOMEM;
    }
    for (int64_t i = 0; i < n; i++) {
        c->ptr[i] = (int64_t)k;
        if (k + (size_t)n > cap) {
            size_t nc = 2 * cap > k + (size_t)n ? 2 * cap : k + (size_t)n;
            int64_t *ni = tg_realloc(c->idx, sizeof *ni * nc);
            if (ni) c->idx = ni;
            double *nv = ni ? tg_realloc(c->val, sizeof *nv * nc) : NULL;
            if (!ni || !nv) {
                tg_brain_i_csr_free(c);
                return TG_ERR_NOMEM;
            }
            c->val = nv;
            cap = nc;
        }
        if (transpose) {
            for (int64_t j = 0; j < n; j++) {
                double v = M[j * n + i];
                if (v != 0 && i != j) {
                    c->idx[k] = j;
                    c->val[k++] = v;
                }
            }
        } else {
            const double *row = M + i * n;
            int64_t *ix = c->idx;
            double *vx = c->val;
            /* Branch-free compaction (room for n more was ensured above):
             * at connectome densities the test is unpredictable. */
            for (int64_t j = 0; j < n; j++) {
                ix[k] = j;
                vx[k] = row[j];
                k += row[j] != 0;
            }
            if (row[i] != 0) {   /* drop the diagonal entry */
                int64_t a = c->ptr[i];
                while (c->idx[a] != i) a++;
                memmove(c->idx + a, c->idx + a + 1, sizeof *c->idx * (k - (size_t)a - 1));
                memmove(c->val + a, c->val + a + 1, sizeof *c->val * (k - (size_t)a - 1));
                k--;
            }
        }
    }
    c->ptr[n] = (int64_t)k;
    return TG_OK;
}

/* ---- shortest paths (Brandes) ------------------------------------------- */

/* Indexed binary heap of nodes keyed by dist (decrease-key in place, so
 * it never holds more than n entries, as igraph's). */
typedef struct heap { int64_t *v, *pos; const double *key; int64_t len; } heap;

static void heap_up(heap *h, int64_t k)
{
    int64_t x = h->v[k];
    double d = h->key[x];
    while (k > 0) {
        int64_t p = (k - 1) / 2, y = h->v[p];
        if (h->key[y] <= d) break;
        h->v[k] = y;
        h->pos[y] = k;
        k = p;
    }
    h->v[k] = x;
    h->pos[x] = k;
}

static int64_t heap_pop(heap *h)
{
    int64_t top = h->v[0], x = h->v[--h->len], k = 0;
    h->pos[top] = -2;   /* finished */
    if (h->len == 0) return top;
    double d = h->key[x];
    for (;;) {
        int64_t c = 2 * k + 1;
        if (c >= h->len) break;
        if (c + 1 < h->len && h->key[h->v[c + 1]] < h->key[h->v[c]]) c++;
        if (h->key[h->v[c]] >= d) break;
        h->v[k] = h->v[c];
        h->pos[h->v[k]] = k;
        k = c;
    }
    h->v[k] = x;
    h->pos[x] = k;
    return top;
}

void tg_brain_i_sssp_free(tg_brain_sssp *w)
{
    tg_free(w->dist);
    tg_free(w->sigma);
    tg_free(w->order);
    tg_free(w->hops);
    tg_free(w->hv);
    tg_free(w->hpos);
    tg_free(w->pbase);
    tg_free(w->npred);
    tg_free(w->pred);
    tg_free(w->delta);
    memset(w, 0, sizeof *w);
}

tg_status tg_brain_i_sssp_init(tg_brain_sssp *w, const tg_brain_csr *c)
{
    memset(w, 0, sizeof *w);
    size_t n = (size_t)(c->n ? c->n : 1), m = (size_t)(c->ptr[c->n] + 1);
    w->dist = tg_malloc(sizeof *w->dist * n);
    w->sigma = tg_malloc(sizeof *w->sigma * n);
    w->delta = tg_malloc(sizeof *w->delta * n);
    w->order = tg_malloc(sizeof *w->order * n);
    w->hops = tg_malloc(sizeof *w->hops * n);
    w->hv = tg_malloc(sizeof *w->hv * n);
    w->hpos = tg_malloc(sizeof *w->hpos * n);
    w->pbase = tg_calloc(n + 1, sizeof *w->pbase);
    w->npred = tg_malloc(sizeof *w->npred * n);
    w->pred = tg_malloc(sizeof *w->pred * m);
    if (!w->dist || !w->sigma || !w->delta || !w->order || !w->hops || !w->hv || !w->hpos || !w->pbase ||
        !w->npred || !w->pred) {
        tg_brain_i_sssp_free(w);
        return TG_ERR_NOMEM;
    }
    /* Room for each node's predecessors: its in-degree. */
    for (int64_t e = 0; e < c->ptr[c->n]; e++) w->pbase[c->idx[e] + 1]++;
    for (int64_t v = 0; v < c->n; v++) w->pbase[v + 1] += w->pbase[v];
    return TG_OK;
}

/* From s over c (val = lengths if weighted, else hop counts), skipping
 * nodes with dead[v] (dead may be NULL): dist, sigma (number of shortest
 * paths), order (nodes by nondecreasing distance, w->nord of them), hops. */
void tg_brain_i_sssp(const tg_brain_csr *c, bool weighted, const bool *dead, int64_t s,
                     tg_brain_sssp *w)
{
    int64_t n = c->n;
    for (int64_t v = 0; v < n; v++) {
        w->dist[v] = INFINITY;
        w->sigma[v] = 0;
        w->hops[v] = 0;
        w->npred[v] = 0;
    }
    int64_t *pbase = w->pbase, *npred = w->npred, *pred = w->pred;
    w->dist[s] = 0;
    w->sigma[s] = 1;
    w->nord = 0;
    if (!weighted) {
        int64_t head = 0, *order = w->order, nord = 0, *hops = w->hops;
        double *dist = w->dist, *sigma = w->sigma;
        order[nord++] = s;
        while (head < nord) {
            int64_t v = order[head++];
            double dn = dist[v] + 1, sv = sigma[v];
            const int64_t *idx = c->idx + c->ptr[v], *end = c->idx + c->ptr[v + 1];
            for (; idx < end; idx++) {
                int64_t u = *idx;
                if (dead && dead[u]) continue;
                if (dist[u] == INFINITY) {
                    dist[u] = dn;
                    hops[u] = hops[v] + 1;
                    order[nord++] = u;
                }
                if (dist[u] == dn) {
                    sigma[u] += sv;
                    pred[pbase[u] + npred[u]++] = v;
                }
            }
        }
        w->nord = nord;
        return;
    }
    heap h = {w->hv, w->hpos, w->dist, 0};
    for (int64_t v = 0; v < n; v++) w->hpos[v] = -1;
    h.v[0] = s;
    h.pos[s] = 0;
    h.len = 1;
    double *dist = w->dist, *sigma = w->sigma;
    int64_t *hops = w->hops, *pos = w->hpos;
    while (h.len) {
        int64_t v = heap_pop(&h);
        w->order[w->nord++] = v;
        double d = dist[v], sv = sigma[v];
        const int64_t *idx = c->idx + c->ptr[v], *end = c->idx + c->ptr[v + 1];
        const double *len = c->val + c->ptr[v];
        for (; idx < end; idx++, len++) {
            int64_t u = *idx;
            if (pos[u] == -2 || (dead && dead[u])) continue;
            double nd = d + *len;
            if (nd < dist[u]) {
                dist[u] = nd;
                sigma[u] = sv;
                hops[u] = hops[v] + 1;
                pred[pbase[u]] = v;
                npred[u] = 1;
                if (pos[u] < 0) {
                    h.v[h.len] = u;
                    pos[u] = h.len++;
                }
                heap_up(&h, pos[u]);
            } else if (nd == dist[u]) {
                sigma[u] += sv;
                pred[pbase[u] + npred[u]++] = v;
            }
        }
    }
}

void tg_brain_i_accumulate(tg_brain_sssp *w, double *bc)
{
    const double *sigma = w->sigma;
    double *delta = w->delta;
    const int64_t *pbase = w->pbase, *npred = w->npred, *pred = w->pred;
    for (int64_t k = 0; k < w->nord; k++) delta[w->order[k]] = 0;
    for (int64_t k = w->nord - 1; k > 0; k--) {
        int64_t t = w->order[k];
        double coef = (1 + delta[t]) / sigma[t];
        for (const int64_t *p = pred + pbase[t], *e = p + npred[t]; p < e; p++) delta[*p] += sigma[*p] * coef;
        bc[t] += delta[t];
    }
}

tg_status tg_graph_brain_distance(const double *L, int64_t n, bool weighted, double *D, double *hops,
                                  char *msg)
{
    static const char fn[] = "brain.distance";
    FN_CHECK(fn, L, n);
    if (!D) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    if (weighted)
        for (int64_t k = 0; k < n * n; k++)
            if (L[k] < 0 || isnan(L[k]))
                return tg_msg(msg, TG_ERR_NUMERIC, "%s: length (%lld,%lld) = %g is negative or NaN", fn,
                              (long long)(k / n + 1), (long long)(k % n + 1), L[k]);
    tg_brain_csr c;
    tg_brain_sssp w;
    if (tg_brain_i_csr(L, n, false, &c) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (tg_brain_i_sssp_init(&w, &c) != TG_OK) {
        tg_brain_i_csr_free(&c);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    for (int64_t s = 0; s < n; s++) {
        tg_brain_i_sssp(&c, weighted, NULL, s, &w);
        memcpy(D + s * n, w.dist, sizeof *D * (size_t)n);
        if (hops)
            for (int64_t v = 0; v < n; v++) hops[s * n + v] = w.dist[v] == INFINITY ? INFINITY : (double)w.hops[v];
    }
    tg_brain_i_sssp_free(&w);
    tg_brain_i_csr_free(&c);
    return TG_OK;
}

tg_status tg_graph_brain_charpath(const double *D, int64_t n, bool include_infinite, double *lambda,
                                  double *efficiency, double *ecc, double *radius, double *diameter,
                                  char *msg)
{
    FN_CHECK("brain.charpath", D, n);
    double sum = 0, inv = 0, rad = INFINITY, diam = 0;
    int64_t cnt = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = 0;
        for (int64_t j = 0; j < n; j++) {
            if (i == j) continue;
            double d = D[i * n + j];
            if (d != INFINITY) {
                sum += d;
                cnt++;
                inv += 1 / d;
                if (d > e) e = d;
            } else if (include_infinite) {
                sum = INFINITY;
                cnt++;
            }
        }
        if (ecc) ecc[i] = e;
        if (e < rad) rad = e;
        if (e > diam) diam = e;
    }
    if (lambda) *lambda = cnt ? sum / (double)cnt : NAN;
    if (efficiency) *efficiency = n > 1 ? inv / (double)(n * n - n) : NAN;
    if (radius) *radius = n ? rad : NAN;
    if (diameter) *diameter = diam;
    return TG_OK;
}

tg_status tg_graph_brain_efficiency(const double *W, int64_t n, bool weighted, double *out, char *msg)
{
    static const char fn[] = "brain.efficiency";
    FN_CHECK(fn, W, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    /* Sum of 1/d straight from the searches (no n x n distance matrix). */
    tg_brain_csr c;
    tg_brain_sssp w;
    if (tg_brain_i_csr(W, n, false, &c) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t m = c.ptr[n];
    if (weighted) {
        /* BCT: lengths 1/w of the positive weights; others are no link. */
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t start = c.ptr[i];
            c.ptr[i] = k;
            for (int64_t e = start; e < c.ptr[i + 1] && e < m; e++)
                if (c.val[e] > 0) {
                    c.idx[k] = c.idx[e];
                    c.val[k++] = 1 / c.val[e];
                }
        }
        c.ptr[n] = k;
    }
    double sum = 0;
    if (!weighted) {
        /* Plain BFS with integer levels: no path counts needed here. */
        int32_t *lev = tg_malloc(sizeof *lev * (size_t)(n ? n : 1));
        int64_t *q = tg_malloc(sizeof *q * (size_t)(n ? n : 1));
        if (!lev || !q) {
            tg_free(lev);
            tg_free(q);
            tg_brain_i_csr_free(&c);
            return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        }
        for (int64_t s0 = 0; s0 < n; s0++) {
            for (int64_t v = 0; v < n; v++) lev[v] = -1;
            int64_t head = 0, tail = 0;
            q[tail++] = s0;
            lev[s0] = 0;
            int64_t cnt = 0, d = 0;
            while (head < tail) {
                int64_t v = q[head++];
                if (lev[v] != d) {   /* next level: flush the count of the previous one */
                    if (d > 0) sum += (double)cnt / (double)d;
                    d = lev[v];
                    cnt = 0;
                }
                cnt++;
                int32_t ln = lev[v] + 1;
                for (const int64_t *u = c.idx + c.ptr[v], *e = c.idx + c.ptr[v + 1]; u < e; u++)
                    if (lev[*u] < 0) {
                        lev[*u] = ln;
                        q[tail++] = *u;
                    }
            }
            if (d > 0) sum += (double)cnt / (double)d;
        }
        tg_free(lev);
        tg_free(q);
        tg_brain_i_csr_free(&c);
        *out = n > 1 ? sum / ((double)n * (double)(n - 1)) : NAN;
        return TG_OK;
    }
    if (tg_brain_i_sssp_init(&w, &c) != TG_OK) {
        tg_brain_i_csr_free(&c);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    for (int64_t s0 = 0; s0 < n; s0++) {
        tg_brain_i_sssp(&c, weighted, NULL, s0, &w);
        for (int64_t k = 1; k < w.nord; k++) sum += 1 / w.dist[w.order[k]];
    }
    tg_brain_i_sssp_free(&w);
    tg_brain_i_csr_free(&c);
    *out = n > 1 ? sum / ((double)n * (double)(n - 1)) : NAN;
    return TG_OK;
}

/* Dense Dijkstra from every node of the k x k length matrix L (0 = no
 * link): Dinv = 1/d (0 on the diagonal and when unreachable). */
static void dense_inv_dist(const double *L, int64_t k, double *Dinv, double *d, bool *done)
{
    for (int64_t s = 0; s < k; s++) {
        for (int64_t v = 0; v < k; v++) {
            d[v] = INFINITY;
            done[v] = false;
        }
        d[s] = 0;
        for (;;) {
            int64_t u = -1;
            double best = INFINITY;
            for (int64_t v = 0; v < k; v++)
                if (!done[v] && d[v] < best) {
                    best = d[v];
                    u = v;
                }
            if (u < 0) break;
            done[u] = true;
            for (int64_t v = 0; v < k; v++) {
                double l = L[u * k + v];
                if (l != 0 && v != u && !done[v] && best + l < d[v]) d[v] = best + l;
            }
        }
        for (int64_t v = 0; v < k; v++) Dinv[s * k + v] = v == s ? 0 : 1 / d[v];
    }
}

tg_status tg_graph_brain_local_efficiency(const double *W, int64_t n, bool weighted, int variant,
                                          double *out, char *msg)
{
    static const char fn[] = "brain.local_efficiency";
    FN_CHECK(fn, W, n);
    if (!out || (weighted && variant != 1 && variant != 2))
        return tg_msg(msg, TG_ERR_ARG, "%s: variant must be 1 (original) or 2 (modified)", fn);
    size_t nn = TG_BRAIN_NN(n), n1 = (size_t)(n ? n : 1);
    int64_t *V = tg_malloc(sizeof *V * n1);
    double *sub = tg_malloc(sizeof *sub * nn), *di = tg_malloc(sizeof *di * nn);
    double *sw = tg_malloc(sizeof *sw * n1), *sa = tg_malloc(sizeof *sa * n1), *d = tg_malloc(sizeof *d * n1);
    bool *done = tg_malloc(sizeof *done * n1);
    tg_status s = TG_OK;
    if (!V || !sub || !di || !sw || !sa || !d || !done) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    const double third = 1.0 / 3.0;
    for (int64_t u = 0; u < n; u++) {
        int64_t k = 0;
        /* BCT: A = W > 0 for weighted, W != 0 for binary. */
        for (int64_t v = 0; v < n; v++) {
            if (v == u) continue;
            bool a = weighted ? W[u * n + v] > 0 : W[u * n + v] != 0;
            bool b = weighted ? W[v * n + u] > 0 : W[v * n + u] != 0;
            if (a || b) {
                V[k] = v;
                sa[k] = (double)a + (double)b;
                sw[k] = weighted ? (a ? pow(W[u * n + v], third) : 0) + (b ? pow(W[v * n + u], third) : 0)
                                 : sa[k];
                k++;
            }
        }
        for (int64_t a = 0; a < k; a++)
            for (int64_t b = 0; b < k; b++) {
                double w = W[V[a] * n + V[b]];
                double l = 0;
                if (!weighted) l = w != 0;
                else if (w > 0) l = variant == 2 ? pow(1 / w, third) : 1 / w;
                sub[a * k + b] = a == b ? 0 : l;
            }
        dense_inv_dist(sub, k, di, d, done);
        double numer = 0;
        for (int64_t a = 0; a < k; a++)
            for (int64_t b = 0; b < k; b++) {
                double se = weighted && variant == 1 ? pow(di[a * k + b], third) + pow(di[b * k + a], third)
                                                     : di[a * k + b] + di[b * k + a];
                numer += sw[a] * sw[b] * se;
            }
        numer /= 2;
        double s1 = 0, s2 = 0;
        for (int64_t a = 0; a < k; a++) {
            s1 += sa[a];
            s2 += sa[a] * sa[a];
        }
        out[u] = numer != 0 ? numer / (s1 * s1 - s2) : 0;
    }
done:
    tg_free(V);
    tg_free(sub);
    tg_free(di);
    tg_free(sw);
    tg_free(sa);
    tg_free(d);
    tg_free(done);
    return s;
}

tg_status tg_graph_brain_betweenness(const double *L, int64_t n, bool weighted, double *out, char *msg)
{
    static const char fn[] = "brain.betweenness";
    FN_CHECK(fn, L, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    if (weighted)
        for (int64_t k = 0; k < n * n; k++)
            if (L[k] < 0 || isnan(L[k]))
                return tg_msg(msg, TG_ERR_NUMERIC, "%s: length (%lld,%lld) = %g is negative or NaN", fn,
                              (long long)(k / n + 1), (long long)(k % n + 1), L[k]);
    tg_brain_csr c;
    tg_brain_sssp w;
    memset(&w, 0, sizeof w);
    tg_status s = TG_OK;
    if (tg_brain_i_csr(L, n, false, &c) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (tg_brain_i_sssp_init(&w, &c) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t v = 0; v < n; v++) out[v] = 0;
    for (int64_t src = 0; src < n; src++) {
        tg_brain_i_sssp(&c, weighted, NULL, src, &w);
        tg_brain_i_accumulate(&w, out);
    }
done:
    tg_brain_i_sssp_free(&w);
    tg_brain_i_csr_free(&c);
    return s;
}

/* ---- clustering and transitivity ---------------------------------------- */

/* Per node: cyc3 (weighted or binary triangles through i, as BCT's
 * diag(S^3) / 2 for directed, diag(S^3) for undirected) and the
 * denominator BCT divides by. */
static tg_status triangles(const double *W, int64_t n, bool directed, bool weighted, double *cyc,
                           double *den, const char *fn, char *msg)
{
    /* The undirected count reads each edge from one side only, so an
     * asymmetric W would give silently wrong triangles: refuse it. */
    if (!directed && !tg_graph_brain_is_symmetric(W, n))
        return tg_msg(msg, TG_ERR_ARG, "%s: undirected, but the matrix is not symmetric "
                      "(symmetrize it first or pass directed)", fn);
    if (weighted)
        for (int64_t k = 0; k < n * n; k++)
            if (W[k] < 0 || isnan(W[k]))
                return tg_msg(msg, TG_ERR_NUMERIC, "%s: weight (%lld,%lld) = %g is negative or NaN "
                              "(weighted clustering needs W >= 0)", fn, (long long)(k / n + 1),
                              (long long)(k % n + 1), W[k]);
    if (!directed) {
        /* Undirected: S = W^(1/3) (or A) is symmetric.  Each triangle is
         * found once, from its lowest-ranked corner (rank = degree, then
         * index), by orienting every edge towards the higher rank; it adds
         * 2 S_ij S_jk S_ki to each corner (BCT's diag(S^3) counts both
         * orders).  O(m^1.5) at worst, no dense copy. */
        tg_brain_csr c;
        double *x = tg_calloc((size_t)(n ? n : 1), sizeof *x);
        int64_t *rank = tg_malloc(sizeof *rank * (size_t)(n ? n : 1)), *hi = tg_malloc(sizeof *hi * (size_t)(n ? n : 1));
        if (!x || !rank || !hi || tg_brain_i_csr(W, n, false, &c) != TG_OK) {
            tg_free(x);
            tg_free(rank);
            tg_free(hi);
            return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        }
        int64_t m = c.ptr[n];
        for (int64_t e = 0; e < m; e++) c.val[e] = weighted ? cbrt(c.val[e]) : 1;
        /* rank by (degree, index) with a counting sort on degree */
        for (int64_t i = 0; i < n; i++) hi[i] = 0;
        for (int64_t i = 0; i < n; i++) hi[c.ptr[i + 1] - c.ptr[i]]++;
        for (int64_t d = 0, acc = 0; d < n; d++) {
            int64_t k = hi[d];
            hi[d] = acc;
            acc += k;
        }
        for (int64_t i = 0; i < n; i++) rank[i] = hi[c.ptr[i + 1] - c.ptr[i]]++;
        /* Move each row's higher-ranked neighbours to its front; hi[i] = their count. */
        for (int64_t i = 0; i < n; i++) {
            int64_t a = c.ptr[i], b = c.ptr[i + 1] - 1;
            while (a <= b) {
                if (rank[c.idx[a]] > rank[i]) a++;
                else {
                    int64_t ti = c.idx[a];
                    double tv = c.val[a];
                    c.idx[a] = c.idx[b];
                    c.val[a] = c.val[b];
                    c.idx[b] = ti;
                    c.val[b] = tv;
                    b--;
                }
            }
            hi[i] = a - c.ptr[i];
            cyc[i] = 0;
        }
        for (int64_t i = 0; i < n; i++) {
            const int64_t *ni = c.idx + c.ptr[i];
            const double *vi = c.val + c.ptr[i];
            for (int64_t a = 0; a < hi[i]; a++) x[ni[a]] = vi[a];
            double si = 0;
            for (int64_t a = 0; a < hi[i]; a++) {
                int64_t j = ni[a];
                const int64_t *nj = c.idx + c.ptr[j];
                const double *vj = c.val + c.ptr[j];
                double sj = 0, w2 = 2 * vi[a];
                /* Branch-free: x is 0 off the neighbourhood of i, so
                 * non-triangles add 0 (dense connectomes make a test
                 * unpredictable). */
                for (int64_t b = 0; b < hi[j]; b++) {
                    double t = vj[b] * x[nj[b]];
                    sj += t;
                    cyc[nj[b]] += w2 * t;
                }
                cyc[j] += w2 * sj;
                si += vi[a] * sj;
            }
            cyc[i] += 2 * si;
            for (int64_t a = 0; a < hi[i]; a++) x[ni[a]] = 0;
        }
        for (int64_t i = 0; i < n; i++) {
            double k = (double)(c.ptr[i + 1] - c.ptr[i]);
            den[i] = k * (k - 1);
        }
        tg_brain_i_csr_free(&c);
        tg_free(x);
        tg_free(rank);
        tg_free(hi);
        return TG_OK;
    }
    size_t nn = TG_BRAIN_NN(n);
    double *S = tg_malloc(sizeof *S * nn);
    tg_brain_csr c;
    if (!S) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double a = i == j ? 0 : W[i * n + j], b = i == j ? 0 : W[j * n + i];
            if (weighted) {
                a = cbrt(a);
                b = cbrt(b);
            } else {
                a = a != 0;
                b = b != 0;
            }
            S[i * n + j] = a + b;
        }
    if (tg_brain_i_csr(S, n, false, &c) != TG_OK) {
        tg_free(S);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    for (int64_t i = 0; i < n; i++) {
        double t = 0;
        for (int64_t a = c.ptr[i]; a < c.ptr[i + 1]; a++) {
            int64_t j = c.idx[a];
            double sij = c.val[a];
            const double *Sj = S + j * n;
            for (int64_t b = c.ptr[i]; b < c.ptr[i + 1]; b++) t += sij * Sj[c.idx[b]] * c.val[b];
        }
        /* S symmetric here: sum_jk S_ij S_jk S_ki with S_ki = S_ik. */
        double k = 0, recip = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j == i) continue;
            bool o = W[i * n + j] != 0, in = W[j * n + i] != 0;
            k += (double)o + (double)in;
            recip += o && in;
        }
        cyc[i] = t / 2;
        den[i] = k * (k - 1) - 2 * recip;
    }
    tg_brain_i_csr_free(&c);
    tg_free(S);
    return TG_OK;
}

tg_status tg_graph_brain_clustering(const double *W, int64_t n, bool directed, bool weighted, double *out,
                                    char *msg)
{
    static const char fn[] = "brain.clustering";
    FN_CHECK(fn, W, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    double *den = tg_malloc(sizeof *den * (size_t)(n ? n : 1));
    if (!den) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    tg_status s = triangles(W, n, directed, weighted, out, den, fn, msg);
    if (s == TG_OK)
        for (int64_t i = 0; i < n; i++) out[i] = out[i] == 0 ? 0 : out[i] / den[i];
    tg_free(den);
    return s;
}

tg_status tg_graph_brain_transitivity(const double *W, int64_t n, bool directed, bool weighted, double *out,
                                      char *msg)
{
    static const char fn[] = "brain.transitivity";
    FN_CHECK(fn, W, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    double *cyc = tg_malloc(sizeof *cyc * (size_t)(n ? n : 1)), *den = tg_malloc(sizeof *den * (size_t)(n ? n : 1));
    tg_status s = TG_OK;
    if (!cyc || !den) s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    else if ((s = triangles(W, n, directed, weighted, cyc, den, fn, msg)) == TG_OK) {
        double a = 0, b = 0;
        for (int64_t i = 0; i < n; i++) {
            a += cyc[i];
            b += den[i];
        }
        *out = b > 0 ? a / b : 0;
    }
    tg_free(cyc);
    tg_free(den);
    return s;
}

/* ---- partitions ---------------------------------------------------------- */

tg_status tg_brain_i_check_partition(const int64_t *m, int64_t n, int64_t *nmod, const char *fn, char *msg)
{
    if (!m) return tg_msg(msg, TG_ERR_ARG, "%s: membership is NULL", fn);
    int64_t mx = -1;
    for (int64_t i = 0; i < n; i++) {
        if (m[i] < 0 || m[i] >= n)
            return tg_msg(msg, TG_ERR_ARG, "%s: node %lld: module %lld out of range 0..%lld", fn,
                          (long long)i + 1, (long long)m[i], (long long)n - 1);
        if (m[i] > mx) mx = m[i];
    }
    *nmod = mx + 1;
    return TG_OK;
}

/* The partition, the mode and the output of a per-node module measure. */
static tg_status check_module_args(const int64_t *membership, int64_t n, tg_mode mode, const double *out,
                                   int64_t *nm, const char *fn, char *msg)
{
    tg_status s = tg_brain_i_check_partition(membership, n, nm, fn, msg);
    if (s == TG_OK && (!out || (mode != TG_OUT && mode != TG_IN && mode != TG_ALL)))
        s = tg_msg(msg, TG_ERR_ARG, "%s: bad mode or NULL output", fn);
    return s;
}

tg_status tg_graph_brain_participation(const double *W, int64_t n, const int64_t *membership, tg_mode mode,
                                       double *out, char *msg)
{
    static const char fn[] = "brain.participation";
    FN_CHECK(fn, W, n);
    int64_t nm;
    tg_status s = check_module_args(membership, n, mode, out, &nm, fn, msg);
    if (s != TG_OK) return s;
    double *km = tg_malloc(sizeof *km * (size_t)(nm ? nm : 1));
    if (!km) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    for (int64_t i = 0; i < n; i++) {
        for (int64_t m = 0; m < nm; m++) km[m] = 0;
        double k = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j == i) continue;
            double w = mode == TG_IN ? W[j * n + i] : W[i * n + j];
            k += w;
            km[membership[j]] += w;
        }
        double sum = 0;
        for (int64_t m = 0; m < nm; m++) sum += km[m] * km[m];
        out[i] = k != 0 ? 1 - sum / (k * k) : 0;
    }
    tg_free(km);
    return TG_OK;
}

tg_status tg_graph_brain_module_zscore(const double *W, int64_t n, const int64_t *membership, tg_mode mode,
                                       double *out, char *msg)
{
    static const char fn[] = "brain.module_zscore";
    FN_CHECK(fn, W, n);
    int64_t nm;
    tg_status s = check_module_args(membership, n, mode, out, &nm, fn, msg);
    if (s != TG_OK) return s;
    double *sum = tg_calloc((size_t)(nm ? nm : 1), sizeof *sum), *sq = tg_calloc((size_t)(nm ? nm : 1), sizeof *sq);
    int64_t *cnt = tg_calloc((size_t)(nm ? nm : 1), sizeof *cnt);
    if (!sum || !sq || !cnt) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        double k = 0;
        for (int64_t j = 0; j < n; j++)
            if (j != i && membership[j] == membership[i]) k += mode == TG_IN ? W[j * n + i] : W[i * n + j];
        out[i] = k;
        sum[membership[i]] += k;
        cnt[membership[i]]++;
    }
    for (int64_t i = 0; i < n; i++) {
        double mean = sum[membership[i]] / (double)cnt[membership[i]];
        sq[membership[i]] += (out[i] - mean) * (out[i] - mean);
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t m = membership[i];
        double mean = sum[m] / (double)cnt[m];
        double sd = cnt[m] > 1 ? sqrt(sq[m] / (double)(cnt[m] - 1)) : NAN;
        double z = (out[i] - mean) / sd;
        out[i] = isfinite(z) ? z : 0;   /* BCT: Z(isnan(Z)) = 0 */
        if (sd == 0 || isnan(sd)) out[i] = 0;
    }
done:
    tg_free(sum);
    tg_free(sq);
    tg_free(cnt);
    return s;
}

/* ---- assortativity, rich club, cores -------------------------------------- */

/* The dense versions build the sparse view (brain_sparse.c) and run there. */
tg_status tg_graph_brain_assortativity(const double *W, int64_t n, bool directed, bool weighted, double *out,
                                       char *msg)
{
    static const char fn[] = "brain.assortativity";
    FN_CHECK(fn, W, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    tg_brain_adj *a = NULL;
    tg_status s = tg_graph_brain_adj_new(W, n, directed, &a, msg);
    if (s == TG_OK) s = tg_graph_brain_assortativity_adj(a, weighted, out, msg);
    tg_graph_brain_adj_free(&a);
    return s;
}

static int dbl_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

tg_status tg_graph_brain_rich_club(const double *W, int64_t n, bool directed, bool weighted, int64_t kmax,
                                   double *R, char *msg)
{
    static const char fn[] = "brain.rich_club";
    FN_CHECK(fn, W, n);
    if (!R || kmax < 1) return tg_msg(msg, TG_ERR_ARG, "%s: kmax must be >= 1 (and R not NULL)", fn);
    double *deg = tg_malloc(sizeof *deg * (size_t)(n ? n : 1));
    double *ranked = tg_malloc(sizeof *ranked * TG_BRAIN_NN(n));
    if (!deg || !ranked) {
        tg_free(deg);
        tg_free(ranked);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    tg_graph_brain_degree(W, n, directed, deg, NULL, NULL);
    int64_t nr = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            if (i != j && W[i * n + j] != 0) ranked[nr++] = W[i * n + j];
    qsort(ranked, (size_t)nr, sizeof *ranked, dbl_desc);
    /* BCT keeps the nodes of degree > k in rich_club_bu/_bd but of degree
     * >= k in rich_club_wu/_wd, where a level that removes no node is NaN. */
    for (int64_t k = 1; k <= kmax; k++) {
        double cut = weighted ? (double)k - 0.5 : (double)k;   /* kept: deg > cut */
        int64_t nk = 0, ek = 0;
        double wk = 0;
        for (int64_t i = 0; i < n; i++) {
            if (deg[i] <= cut) continue;
            nk++;
            for (int64_t j = 0; j < n; j++)
                if (j != i && deg[j] > cut && W[i * n + j] != 0) {
                    ek++;
                    wk += W[i * n + j];
                }
        }
        if (weighted ? nk == n : nk < 2) R[k - 1] = NAN;
        else if (!weighted) R[k - 1] = (double)ek / ((double)nk * (double)(nk - 1));
        else {
            double top = 0;
            for (int64_t e = 0; e < ek; e++) top += ranked[e];
            R[k - 1] = top > 0 ? wk / top : NAN;
        }
    }
    tg_free(deg);
    tg_free(ranked);
    return TG_OK;
}

tg_status tg_graph_brain_coreness(const double *W, int64_t n, bool directed, int64_t *core, char *msg)
{
    static const char fn[] = "brain.coreness";
    FN_CHECK(fn, W, n);
    if (!core) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    tg_brain_adj *a = NULL;
    tg_status s = tg_graph_brain_adj_new(W, n, directed, &a, msg);
    if (s == TG_OK) s = tg_graph_brain_coreness_adj(a, core, msg);
    tg_graph_brain_adj_free(&a);
    return s;
}

tg_status tg_graph_brain_score(const double *W, int64_t n, double s, int64_t *in, int64_t *size, char *msg)
{
    static const char fn[] = "brain.score";
    FN_CHECK(fn, W, n);
    if (!in || isnan(s)) return tg_msg(msg, TG_ERR_ARG, "%s: bad s or NULL output", fn);
    for (int64_t i = 0; i < n; i++) in[i] = 1;
    int64_t left = n;
    for (bool changed = true; changed;) {
        changed = false;
        for (int64_t i = 0; i < n; i++) {
            if (!in[i]) continue;
            double st = 0;
            for (int64_t j = 0; j < n; j++)
                if (j != i && in[j]) st += W[i * n + j];
            if (st < s) {
                in[i] = 0;
                left--;
                changed = true;
            }
        }
    }
    if (size) *size = left;
    return TG_OK;
}

/* ---- graphs <-> matrices ------------------------------------------------- */

tg_status tg_graph_brain_matrix(const tg_graph *g, const char *weight, double *W, char *msg)
{
    static const char fn[] = "brain.matrix";
    tg_msg_clear(msg);
    if (!g || !W) return tg_msg(msg, TG_ERR_ARG, "%s: graph or output is NULL", fn);
    int64_t n = tg_graph_node_count(g), m = tg_graph_edge_count(g);
    double *w = NULL;
    if (weight) {
        if (!(w = tg_malloc(sizeof *w * (size_t)(m ? m : 1)))) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        char sub[TG_MSG_LEN] = "";
        tg_status s = tg_graph_attr_numeric(g, TG_EDGES, weight, false, w, sub);
        if (s != TG_OK) {
            tg_free(w);
            return tg_msg(msg, s, "%s: weight: %s", fn, sub);
        }
        for (int64_t e = 0; e < m; e++)
            if (!isfinite(w[e])) {
                const char *id = tg_graph_edge_id(g, e);
                tg_free(w);
                return tg_msg(msg, TG_ERR_NUMERIC, "%s: weight: edge %s%lld: '%s' is missing or not finite", fn,
                              id ? id : "#", (long long)(id ? 0 : e + 1), weight);
            }
    }
    memset(W, 0, sizeof *W * (size_t)(n * n));
    bool dir = tg_graph_is_directed(g);
    for (int64_t e = 0; e < m; e++) {
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        double v = w ? w[e] : 1;
        W[a * n + b] += v;
        if (!dir && a != b) W[b * n + a] += v;
    }
    tg_free(w);
    return TG_OK;
}

tg_status tg_graph_brain_to_graph(const double *W, int64_t n, bool directed, const char *const *ids,
                                  tg_graph **out, char *msg)
{
    static const char fn[] = "brain.to_graph";
    FN_CHECK(fn, W, n);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    *out = NULL;
    tg_graph *g = NULL;
    int64_t *ends = NULL, ne = 0;
    tg_status s;
    if ((s = tg_graph_new(&g, directed, msg)) != TG_OK) return s;
    for (int64_t i = 0; i < n && s == TG_OK; i++) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)i + 1);
        s = tg_graph_add_node(g, ids ? ids[i] : num, NULL, NULL, msg);
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = directed ? 0 : i + 1; j < n; j++) ne += i != j && W[i * n + j] != 0;
    if (s == TG_OK && !(ends = tg_malloc(sizeof *ends * (size_t)(2 * ne + 2))))
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t e = 0;
    if (s == TG_OK) {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = directed ? 0 : i + 1; j < n; j++)
                if (i != j && W[i * n + j] != 0) {
                    ends[2 * e] = i;
                    ends[2 * e + 1] = j;
                    e++;
                }
        s = tg_graph_add_edges(g, ne, ends, msg);
    }
    if (s == TG_OK) s = tg_graph_attr_add(g, TG_EDGES, "weight", TG_DOUBLE, msg);
    for (int64_t k = 0; k < ne && s == TG_OK; k++)
        s = tg_graph_set_double(g, TG_EDGES, "weight", k, W[ends[2 * k] * n + ends[2 * k + 1]], msg);
    tg_free(ends);
    if (s != TG_OK) {
        tg_graph_free(&g);
        return s;
    }
    *out = g;
    return TG_OK;
}
