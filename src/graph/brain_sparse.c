/* brain_sparse.c: a sparse view of a connectome (tg_brain_adj) and the
 * measures that only need its edges: assortativity and core numbers.
 *
 * The brain API takes dense matrices, so a measure that walks the edges
 * still pays O(n^2) to find them; on a 400-region connectome at 10 %
 * density that scan is most of the work.  A caller that keeps the matrix
 * (tg.Connectome in Lua) builds this view once and keeps it as derived data
 * until the matrix changes, as graph libraries keep their edge list.  The
 * dense functions in brain.c build one internally, so both paths share one
 * implementation and give identical values. */
#include "brain_internal.h"

#include <math.h>
#include <string.h>

struct tg_brain_adj {
    int64_t n, m;          /* nodes; nonzero off-diagonal entries */
    bool directed;
    tg_brain_csr out;      /* row i: entries (i, j), j ascending */
    tg_brain_csr in;       /* directed: column j: entries (i, j), i ascending */
    int64_t *upper;        /* undirected: index in out of row i's first j > i */
};

void tg_graph_brain_adj_free(tg_brain_adj **a)
{
    if (!a || !*a) return;
    tg_brain_i_csr_free(&(*a)->out);
    tg_brain_i_csr_free(&(*a)->in);
    tg_free((*a)->upper);
    tg_free(*a);
    *a = NULL;
}

/* Columns of c by a counting sort of its rows: O(n + m), the same order
 * (i ascending) and values as reading the matrix column by column. */
static tg_status transpose(const tg_brain_csr *c, tg_brain_csr *t)
{
    int64_t n = c->n, m = c->ptr[n];
    memset(t, 0, sizeof *t);
    t->n = n;
    t->ptr = tg_calloc((size_t)n + 1, sizeof *t->ptr);
    t->idx = tg_malloc(sizeof *t->idx * (size_t)(m ? m : 1));
    t->val = tg_malloc(sizeof *t->val * (size_t)(m ? m : 1));
    if (!t->ptr || !t->idx || !t->val) {
        tg_brain_i_csr_free(t);
        return TG_ERR_NOMEM;
    }
    for (int64_t k = 0; k < m; k++) t->ptr[c->idx[k] + 1]++;
    for (int64_t j = 0; j < n; j++) t->ptr[j + 1] += t->ptr[j];
    /* ptr[j] serves as the fill cursor of column j, then is shifted back. */
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = c->ptr[i]; k < c->ptr[i + 1]; k++) {
            int64_t q = t->ptr[c->idx[k]]++;
            t->idx[q] = i;
            t->val[q] = c->val[k];
        }
    for (int64_t j = n; j > 0; j--) t->ptr[j] = t->ptr[j - 1];
    t->ptr[0] = 0;
    return TG_OK;
}

tg_status tg_graph_brain_adj_new(const double *W, int64_t n, bool directed, tg_brain_adj **out, char *msg)
{
    static const char fn[] = "brain.adj_new";
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: output is NULL", fn);
    *out = NULL;
    if (!W || n < 0) return tg_msg(msg, TG_ERR_ARG, "%s: matrix is NULL or n < 0", fn);
    tg_brain_adj *a = tg_calloc(1, sizeof *a);
    if (!a) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    a->n = n;
    a->directed = directed;
    tg_status s = tg_brain_i_csr(W, n, false, &a->out);
    if (s == TG_OK && directed) s = transpose(&a->out, &a->in);
    if (s == TG_OK && !directed) {
        a->upper = tg_malloc(sizeof *a->upper * (size_t)(n ? n : 1));
        if (!a->upper) s = TG_ERR_NOMEM;
        for (int64_t i = 0; s == TG_OK && i < n; i++) {
            int64_t k = a->out.ptr[i];
            while (k < a->out.ptr[i + 1] && a->out.idx[k] < i) k++;
            a->upper[i] = k;
        }
    }
    if (s != TG_OK) {
        tg_graph_brain_adj_free(&a);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    a->m = a->out.ptr[n];
    *out = a;
    return TG_OK;
}

int64_t tg_graph_brain_adj_nodes(const tg_brain_adj *a) { return a ? a->n : 0; }
int64_t tg_graph_brain_adj_entries(const tg_brain_adj *a) { return a ? a->m : 0; }
bool tg_graph_brain_adj_is_directed(const tg_brain_adj *a) { return a && a->directed; }

/* ---- assortativity ---------------------------------------------------------- */

/* Assortativity from the edge sums (BCT assortativity_bin/_wei): x the
 * value at the source, y at the target, m edges. */
static double newman_r(bool directed, double sxy, double sx, double sy, double sxx, double syy, double m)
{
    /* BCT uses Newman's symmetric form for every flag: for directed graphs
     * too (x = out-value of the source, y = in-value of the target), which
     * is not the plain Pearson correlation of x and y. */
    (void)directed;
    if (!(m > 0)) return NAN;
    double mean = (sx + sy) / (2 * m);
    return (sxy / m - mean * mean) / ((sxx + syy) / (2 * m) - mean * mean);
}

tg_status tg_graph_brain_assortativity_adj(const tg_brain_adj *a, bool weighted, double *out, char *msg)
{
    static const char fn[] = "brain.assortativity";
    tg_msg_clear(msg);
    if (!a || !out) return tg_msg(msg, TG_ERR_ARG, "%s: sparse view or output is NULL", fn);
    int64_t n = a->n;
    const tg_brain_csr *c = &a->out;
    /* Edges: every positive entry when directed, else the positive upper
     * triangle (BCT: [i,j] = find(CIJ > 0), triu(CIJ,1) > 0 undirected: one
     * term per undirected edge, negative weights give no term); x = the
     * source's out-value, y = the target's in-value (undirected: both are
     * row values).  The values themselves count every nonzero entry
     * (degrees_und/_dir: CIJ ~= 0) or sum every weight, signed
     * (strengths_und/_dir). */
    double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0, m = 0;
    if (!weighted) {
        /* Degrees are integers: per source, the sums over its targets are
         * exact in integer arithmetic, and every product and total is an
         * integer, exact in a double while below 2^53 (n^4 < 2^53: up to
         * 9000 nodes), so the result equals edge-by-edge sums bit for bit
         * (beyond, both orders round). */
        const int64_t *ip = a->directed ? a->in.ptr : c->ptr;
        for (int64_t i = 0; i < n; i++) {
            int64_t x = c->ptr[i + 1] - c->ptr[i];
            int64_t k0 = a->directed ? c->ptr[i] : a->upper[i], k1 = c->ptr[i + 1];
            int64_t s1 = 0, s2 = 0;
            int64_t e = 0;
            for (int64_t k = k0; k < k1; k++) {
                if (!(c->val[k] > 0)) continue;
                int64_t j = c->idx[k], y = ip[j + 1] - ip[j];
                s1 += y;
                s2 += y * y;
                e++;
            }
            double cnt = (double)e, xd = (double)x;
            sxy += xd * (double)s1;
            sx += cnt * xd;
            sxx += cnt * xd * xd;
            sy += (double)s1;
            syy += (double)s2;
            m += cnt;
        }
        *out = newman_r(a->directed, sxy, sx, sy, sxx, syy, m);
        return TG_OK;
    }
    double *kout = tg_malloc(sizeof *kout * (size_t)(n ? n : 1));
    double *kin = a->directed ? tg_malloc(sizeof *kin * (size_t)(n ? n : 1)) : kout;
    if (!kout || !kin) {
        tg_free(kout);
        if (kin != kout) tg_free(kin);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    /* Strengths summed in index order, then the edge terms in row-major
     * order.  (Before the sparse view, undirected strengths came from
     * tg_graph_brain_strength's four partial sums: values then differed in
     * the last bits, ~1e-11 relative after the cancellation in r; binary
     * and directed results are unchanged bit for bit.) */
    for (int64_t i = 0; i < n; i++) {
        double o = 0, d = 0;
        for (int64_t k = c->ptr[i]; k < c->ptr[i + 1]; k++) o += c->val[k];
        kout[i] = o;
        if (a->directed) {
            for (int64_t k = a->in.ptr[i]; k < a->in.ptr[i + 1]; k++) d += a->in.val[k];
            kin[i] = d;
        }
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = a->directed ? c->ptr[i] : a->upper[i]; k < c->ptr[i + 1]; k++) {
            if (!(c->val[k] > 0)) continue;
            double x = kout[i], y = kin[c->idx[k]];
            sxy += x * y;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            m++;
        }
    *out = newman_r(a->directed, sxy, sx, sy, sxx, syy, m);
    tg_free(kout);
    if (kin != kout) tg_free(kin);
    return TG_OK;
}

/* ---- core numbers ----------------------------------------------------------- */

tg_status tg_graph_brain_coreness_adj(const tg_brain_adj *a, int64_t *core, char *msg)
{
    static const char fn[] = "brain.coreness";
    tg_msg_clear(msg);
    if (!a || !core) return tg_msg(msg, TG_ERR_ARG, "%s: sparse view or output is NULL", fn);
    /* Batagelj & Zaversnik (2003) bucket peeling, O(n + m).  Directed:
     * degree = in + out (BCT kcore_bd, networkx core_number), so the
     * neighbour lists are the out- and the in-lists, a reciprocal pair
     * counting twice.  core[] holds the current degrees. */
    int64_t n = a->n, sides = a->directed ? 2 : 1;
    int64_t *work = tg_malloc(sizeof *work * (size_t)(4 * n + 2));
    if (!work) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t *pos = work, *vert = work + n, *bin = work + 2 * n;   /* bin: 2n + 2 */
    int64_t *deg = core, maxd = 0;
    memset(bin, 0, sizeof *bin * (size_t)(2 * n + 2));
    for (int64_t v = 0; v < n; v++) {
        deg[v] = a->out.ptr[v + 1] - a->out.ptr[v] + (a->directed ? a->in.ptr[v + 1] - a->in.ptr[v] : 0);
        bin[deg[v]]++;
        if (deg[v] > maxd) maxd = deg[v];
    }
    for (int64_t d = 0, start = 0; d <= maxd; d++) {
        int64_t k = bin[d];
        bin[d] = start;
        start += k;
    }
    for (int64_t v = 0; v < n; v++) {
        pos[v] = bin[deg[v]]++;
        vert[pos[v]] = v;
    }
    for (int64_t d = maxd; d > 0; d--) bin[d] = bin[d - 1];
    bin[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t v = vert[i];
        for (int64_t side = 0; side < sides; side++) {
            const tg_brain_csr *L = side ? &a->in : &a->out;
            for (int64_t k = L->ptr[v]; k < L->ptr[v + 1]; k++) {
                int64_t u = L->idx[k];
                if (deg[u] > deg[v]) {
                    int64_t du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
                    if (u != w) {
                        pos[u] = pw;
                        vert[pu] = w;
                        pos[w] = pu;
                        vert[pw] = u;
                    }
                    bin[du]++;
                    deg[u]--;
                }
            }
        }
    }
    tg_free(work);
    return TG_OK;
}
