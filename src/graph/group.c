/* group.c: group studies over many subjects' connectomes: a tidy table of
 * per-subject, per-node measures, and the network-based statistic (NBS,
 * Zalesky et al. 2010) for connections that differ between two groups.
 *
 * NBS permutes group labels many times; each permutation needs the t
 * statistic of every connection.  The subjects' upper triangles are
 * packed once into one subject-major array, so a
 * permutation is a sum of n0 contiguous rows plus one pass for t: n0 E
 * additions, vectorisable, instead of re-reading the matrices. */
#include "brain_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- per-subject measures ------------------------------------------------- */

static const char *base_name(const char *path, size_t *len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    *len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    return b;
}

static void put_csv_field(FILE *f, const char *s, size_t len)
{
    bool quote = false;
    for (size_t i = 0; i < len; i++) quote |= s[i] == ',' || s[i] == '"' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

tg_status tg_graph_brain_group(int64_t nsub, const char *const *paths, const tg_brain_group_opts *o,
                               const char *out_csv, int64_t *nodes, char *msg)
{
    static const char fn[] = "brain.group";
    tg_msg_clear(msg);
    if (nsub < 1 || !paths || !o || !out_csv || o->louvain_runs < 1)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (subjects >= 1, paths, options, output, louvain_runs >= 1)", fn);
    for (int64_t s = 0; s < nsub; s++)
        if (!paths[s]) return tg_msg(msg, TG_ERR_ARG, "%s: path %lld is NULL", fn, (long long)s + 1);
    size_t plen = strlen(out_csv);
    char *tmp = tg_malloc(plen + 16);
    if (!tmp) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    memcpy(tmp, out_csv, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        tg_status st = tg_msg(msg, TG_ERR_IO, "%s: %s: cannot create a file next to it (%s)", fn, out_csv, strerror(errno));
        tg_free(tmp);
        return st;
    }
    FILE *f = fdopen(fd, "w");
    tg_status s = TG_OK;
    tg_graph *g = NULL;
    double *W = NULL, *L = NULL, *col[7] = {NULL};
    int64_t *m = NULL, n = -1;
    if (!f) {
        close(fd);
        s = tg_msg(msg, TG_ERR_IO, "%s: %s: %s", fn, tmp, strerror(errno));
        goto done;
    }
    fprintf(f, "subject,node,degree,strength,clustering,betweenness,participation,module_zscore%s\n",
            o->local_efficiency ? ",local_efficiency" : "");
    tg_progress pr;
    tg_progress_start(&pr, "group study", nsub);
    for (int64_t k = 0; k < nsub; k++) {
        tg_read_opts ro = {"matrix", -1, o->labels, 0};
        char sub[TG_MSG_LEN] = "";
        if ((s = tg_graph_read(paths[k], &ro, &g, sub)) != TG_OK) {
            tg_msg(msg, s, "%s: %s", fn, sub);
            break;
        }
        int64_t nk = tg_graph_node_count(g);
        if (n < 0) {
            n = nk;
            size_t nn = TG_BRAIN_NN(n);
            W = tg_malloc(sizeof *W * nn);
            L = tg_malloc(sizeof *L * nn);
            m = tg_malloc(sizeof *m * (size_t)(n ? n : 1));
            for (int c = 0; c < 7; c++) col[c] = tg_malloc(sizeof *col[c] * (size_t)(n ? n : 1));
            bool ok = W && L && m;
            for (int c = 0; c < 7; c++) ok = ok && col[c];
            if (!ok) {
                s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
                break;
            }
        } else if (nk != n) {
            s = tg_msg(msg, TG_ERR_ARG, "%s: %s has %lld nodes, the first subject %lld", fn, paths[k], (long long)nk,
                       (long long)n);
            break;
        }
        if ((s = tg_graph_brain_matrix(g, "weight", W, msg)) != TG_OK) break;
        tg_graph_brain_zero_diagonal(W, n);
        if (o->proportional > 0 && o->proportional < 1 &&
            (s = tg_graph_brain_threshold_proportional(W, n, o->proportional, msg)) != TG_OK)
            break;
        bool weighted = false, negative = false;
        for (int64_t q = 0; q < n * n; q++) {
            weighted |= W[q] != 0 && W[q] != 1;
            negative |= W[q] < 0;
        }
        if (negative) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "%s: %s has negative weights (split signs first)", fn, paths[k]);
            break;
        }
        bool dir = !tg_graph_brain_is_symmetric(W, n);
        tg_graph_brain_degree(W, n, dir, col[0], NULL, NULL);
        tg_graph_brain_strength(W, n, dir, col[1], NULL, NULL);
        if ((s = tg_graph_brain_clustering(W, n, dir, weighted, col[2], msg)) != TG_OK ||
            (s = tg_graph_brain_lengths(W, n, 0, L, msg)) != TG_OK ||
            (s = tg_graph_brain_betweenness(weighted ? L : W, n, weighted, col[3], msg)) != TG_OK)
            break;
        bool any = false;
        for (int64_t q = 0; q < n * n && !any; q++) any = W[q] != 0;
        if (any) {
            if ((s = tg_graph_brain_louvain_best(W, n, 1.0, TG_BRAIN_POSITIVE, o->seed, o->louvain_runs, m, NULL, msg)) != TG_OK)
                break;
        } else {
            for (int64_t i = 0; i < n; i++) m[i] = 0;
        }
        if ((s = tg_graph_brain_participation(W, n, m, TG_ALL, col[4], msg)) != TG_OK ||
            (s = tg_graph_brain_module_zscore(W, n, m, TG_ALL, col[5], msg)) != TG_OK)
            break;
        if (o->local_efficiency && (s = tg_graph_brain_local_efficiency(W, n, weighted, 2, col[6], msg)) != TG_OK) break;
        size_t bl;
        const char *b = base_name(paths[k], &bl);
        for (int64_t i = 0; i < n; i++) {
            put_csv_field(f, b, bl);
            fputc(',', f);
            const char *id = tg_graph_node_id(g, i);
            put_csv_field(f, id, strlen(id));
            for (int c = 0; c < (o->local_efficiency ? 7 : 6); c++) fprintf(f, ",%.17g", col[c][i]);
            fputc('\n', f);
        }
        tg_graph_free(&g);
        tg_progress_update(&pr, k + 1);
    }
    tg_progress_finish(&pr);
done:
    tg_graph_free(&g);
    if (f) {
        if (fclose(f) != 0 && s == TG_OK) s = tg_msg(msg, TG_ERR_IO, "%s: %s: write failed", fn, out_csv);
        if (s == TG_OK && rename(tmp, out_csv) != 0)
            s = tg_msg(msg, TG_ERR_IO, "%s: %s: cannot rename (%s)", fn, out_csv, strerror(errno));
    }
    if (s != TG_OK) remove(tmp);
    else if (nodes) *nodes = n;
    tg_free(tmp);
    tg_free(W);
    tg_free(L);
    tg_free(m);
    for (int c = 0; c < 7; c++) tg_free(col[c]);
    return s;
}

/* ---- NBS ----------------------------------------------------------------------- */

typedef struct nbs_work {
    int64_t n, E, nsub;
    const double *Y;         /* nsub x E */
    double *S, *SS;          /* totals */
    double *s0, *t;
    int64_t *ei, *ej, *uf, *cnt;
} nbs_work;

/* t of every connection for the group-0 subjects listed in idx[0..n0).
 * The pooled sum of squares is SS - n0 m0^2 - n1 m1^2 with SS the total
 * over all subjects, the same for every relabelling: only the group-0
 * sums change, so a permutation costs n0 E additions. */
static void nbs_t(nbs_work *w, const int64_t *idx, int64_t n0)
{
    int64_t E = w->E, n1 = w->nsub - n0;
    memset(w->s0, 0, sizeof *w->s0 * (size_t)E);
    for (int64_t k = 0; k < n0; k++) {
        const double *y = w->Y + idx[k] * E;
        double *a = w->s0;
        for (int64_t e = 0; e < E; e++) a[e] += y[e];
    }
    double f = 1.0 / (double)n0 + 1.0 / (double)n1, dof = (double)(w->nsub - 2);
    for (int64_t e = 0; e < E; e++) {
        double m0 = w->s0[e] / (double)n0, m1 = (w->S[e] - w->s0[e]) / (double)n1;
        double v = (w->SS[e] - (double)n0 * m0 * m0 - (double)n1 * m1 * m1) / dof;
        double se = sqrt((v > 0 ? v : 0) * f);
        double d = m0 - m1;
        w->t[e] = se > 0 ? d / se : (d > 0 ? INFINITY : d < 0 ? -INFINITY : 0);
    }
}

static bool supra(double t, double thr, int tail)
{
    return tail > 0 ? t > thr : tail < 0 ? -t > thr : fabs(t) > thr;
}

static int64_t nbs_root(int64_t *p, int64_t x)
{
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

/* Components of the supra-threshold connections: cnt[root] = connections;
 * returns the largest. */
static int64_t nbs_components(nbs_work *w, double thr, int tail)
{
    for (int64_t v = 0; v < w->n; v++) {
        w->uf[v] = v;
        w->cnt[v] = 0;
    }
    for (int64_t e = 0; e < w->E; e++)
        if (supra(w->t[e], thr, tail)) {
            int64_t a = nbs_root(w->uf, w->ei[e]), b = nbs_root(w->uf, w->ej[e]);
            if (a != b) {
                w->uf[a] = b;
                w->cnt[b] += w->cnt[a];
            }
            w->cnt[b]++;
        }
    int64_t big = 0;
    for (int64_t v = 0; v < w->n; v++)
        if (w->uf[v] == v && w->cnt[v] > big) big = w->cnt[v];
    return big;
}

typedef struct comp_row { int64_t size, root; } comp_row;

static int comp_cmp(const void *a, const void *b)
{
    const comp_row *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return (x->root > y->root) - (x->root < y->root);
}

tg_status tg_graph_brain_nbs(const double *X, int64_t nsub, int64_t n, const int *group, double thresh, int tail,
                             int perms, uint64_t seed, double *t, int64_t *comp, int64_t *ncomp, int64_t **size,
                             double **p, char *msg)
{
    static const char fn[] = "brain.nbs";
    tg_msg_clear(msg);
    if (!X || !group || !ncomp || !size || !p || n < 2 || nsub < 4 || perms < 1 || isnan(thresh) || tail < -1 || tail > 1)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (X, groups, n >= 2, subjects >= 4, perms >= 1, tail -1/0/1)", fn);
    *size = NULL;
    *p = NULL;
    *ncomp = 0;
    int64_t n0 = 0;
    for (int64_t s = 0; s < nsub; s++) {
        if (group[s] != 0 && group[s] != 1)
            return tg_msg(msg, TG_ERR_ARG, "%s: subject %lld: group %d must be 0 or 1", fn, (long long)s + 1, group[s]);
        n0 += group[s] == 0;
    }
    if (n0 < 2 || nsub - n0 < 2) return tg_msg(msg, TG_ERR_ARG, "%s: each group needs >= 2 subjects (%lld and %lld)", fn,
                                               (long long)n0, (long long)(nsub - n0));
    int64_t E = n * (n - 1) / 2;
    nbs_work w = {n, E, nsub, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    double *Y = tg_malloc(sizeof *Y * (size_t)nsub * (size_t)E);
    int64_t *idx = tg_malloc(sizeof *idx * (size_t)nsub), *perm = tg_malloc(sizeof *perm * (size_t)nsub);
    comp_row *rows = NULL;
    int64_t *cnt_ge = NULL, *rootid = NULL;
    w.S = tg_calloc((size_t)E, sizeof *w.S);
    w.SS = tg_calloc((size_t)E, sizeof *w.SS);
    w.s0 = tg_malloc(sizeof *w.s0 * (size_t)E);
    w.t = tg_malloc(sizeof *w.t * (size_t)E);
    w.ei = tg_malloc(sizeof *w.ei * (size_t)E);
    w.ej = tg_malloc(sizeof *w.ej * (size_t)E);
    w.uf = tg_malloc(sizeof *w.uf * (size_t)n);
    w.cnt = tg_malloc(sizeof *w.cnt * (size_t)n);
    tg_status s = TG_OK;
    if (!Y || !idx || !perm || !w.S || !w.SS || !w.s0 || !w.t || !w.ei || !w.ej || !w.uf || !w.cnt) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    int64_t e = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++, e++) {
            w.ei[e] = i;
            w.ej[e] = j;
        }
    for (int64_t sb = 0; sb < nsub; sb++) {
        const double *M = X + sb * n * n;
        double *y = Y + sb * E;
        for (e = 0; e < E; e++) {
            double v = M[w.ei[e] * n + w.ej[e]];
            if (!isfinite(v)) {
                s = tg_msg(msg, TG_ERR_NUMERIC, "%s: subject %lld: entry (%lld,%lld) is not finite", fn, (long long)sb + 1,
                           (long long)w.ei[e] + 1, (long long)w.ej[e] + 1);
                goto done;
            }
            y[e] = v;
            w.S[e] += v;
            w.SS[e] += v * v;
        }
    }
    w.Y = Y;
    int64_t k = 0;
    for (int64_t sb = 0; sb < nsub; sb++)
        if (group[sb] == 0) idx[k++] = sb;
    nbs_t(&w, idx, n0);
    if (t) {
        for (int64_t q = 0; q < n * n; q++) t[q] = 0;
        for (e = 0; e < E; e++) t[w.ei[e] * n + w.ej[e]] = t[w.ej[e] * n + w.ei[e]] = w.t[e];
    }
    nbs_components(&w, thresh, tail);
    int64_t nc = 0;
    rows = tg_malloc(sizeof *rows * (size_t)n);
    rootid = tg_malloc(sizeof *rootid * (size_t)n);
    if (!rows || !rootid) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t v = 0; v < n; v++)
        if (w.uf[v] == v && w.cnt[v] > 0) rows[nc++] = (comp_row){w.cnt[v], v};
    qsort(rows, (size_t)nc, sizeof *rows, comp_cmp);
    for (int64_t v = 0; v < n; v++) rootid[v] = 0;
    for (int64_t c = 0; c < nc; c++) rootid[rows[c].root] = c + 1;
    if (comp) {
        for (int64_t q = 0; q < n * n; q++) comp[q] = 0;
        for (e = 0; e < E; e++)
            if (supra(w.t[e], thresh, tail)) {
                int64_t id = rootid[nbs_root(w.uf, w.ei[e])];
                comp[w.ei[e] * n + w.ej[e]] = comp[w.ej[e] * n + w.ei[e]] = id;
            }
    }
    cnt_ge = tg_calloc((size_t)(nc ? nc : 1), sizeof *cnt_ge);
    int64_t *sz = tg_malloc(sizeof *sz * (size_t)(nc ? nc : 1));
    double *pv = tg_malloc(sizeof *pv * (size_t)(nc ? nc : 1));
    if (!cnt_ge || !sz || !pv) {
        tg_free(sz);
        tg_free(pv);
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    for (int64_t sb = 0; sb < nsub; sb++) perm[sb] = sb;
    tg_progress pr;
    tg_progress_start(&pr, "NBS permutations", perms);
    for (int r = 0; r < perms; r++) {
        for (int64_t i = nsub - 1; i > 0; i--) {
            int64_t j = (int64_t)tg_rng_below(&rng, (uint64_t)i + 1), x = perm[i];
            perm[i] = perm[j];
            perm[j] = x;
        }
        nbs_t(&w, perm, n0);   /* the first n0 of a random permutation: a random relabelling */
        int64_t big = nbs_components(&w, thresh, tail);
        for (int64_t c = 0; c < nc; c++) cnt_ge[c] += big >= rows[c].size;
        tg_progress_update(&pr, r + 1);
    }
    tg_progress_finish(&pr);
    for (int64_t c = 0; c < nc; c++) {
        sz[c] = rows[c].size;
        pv[c] = (double)cnt_ge[c] / (double)perms;
    }
    *size = sz;
    *p = pv;
    *ncomp = nc;
done:
    tg_free(Y);
    tg_free(idx);
    tg_free(perm);
    tg_free(rows);
    tg_free(rootid);
    tg_free(cnt_ge);
    tg_free(w.S);
    tg_free(w.SS);
    tg_free(w.s0);
    tg_free(w.t);
    tg_free(w.ei);
    tg_free(w.ej);
    tg_free(w.uf);
    tg_free(w.cnt);
    return s;
}

/* ---- synthetic subjects and matrix output ------------------------------------- */

tg_status tg_graph_brain_synthetic(int64_t n, int64_t modules, uint64_t structure_seed, uint64_t seed,
                                   int64_t effect_nodes, double effect, double *W, char *msg)
{
    tg_msg_clear(msg);
    if (!W || n < 2 || modules < 1 || modules > n || effect_nodes < 0 || effect_nodes > n || !isfinite(effect))
        return tg_msg(msg, TG_ERR_ARG, "brain.synthetic: bad argument (n >= 2, 1 <= modules <= n, effect)");
    tg_rng st, r;
    tg_rng_seed(&st, structure_seed);
    tg_rng_seed(&r, seed);
    for (int64_t i = 0; i < n; i++) {
        W[i * n + i] = 0;
        for (int64_t j = i + 1; j < n; j++) {
            bool same = i * modules / n == j * modules / n;
            double v = 0;
            if (tg_rng_uniform(&st) < (same ? 0.3 : 0.05)) {
                v = (same ? 0.5 : 0.2) + 0.1 * tg_rng_normal(&r);
                if (i < effect_nodes && j < effect_nodes) v += effect;
                if (v < 0.01) v = 0.01;
            }
            W[i * n + j] = W[j * n + i] = v;
        }
    }
    return TG_OK;
}

tg_status tg_graph_brain_write_matrix(const double *W, int64_t n, const char *path, char *msg)
{
    static const char fn[] = "brain.write_matrix";
    tg_msg_clear(msg);
    if (!W || n < 0 || !path) return tg_msg(msg, TG_ERR_ARG, "%s: bad argument", fn);
    size_t plen = strlen(path);
    char *tmp = tg_malloc(plen + 16);
    if (!tmp) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    tg_status s = TG_OK;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        s = tg_msg(msg, TG_ERR_IO, "%s: %s: cannot create a file next to it (%s)", fn, path, strerror(errno));
        if (fd >= 0) remove(tmp);
        tg_free(tmp);
        return s;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) fprintf(f, j + 1 < n ? "%.17g," : "%.17g\n", W[i * n + j]);
    if (fclose(f) != 0) s = tg_msg(msg, TG_ERR_IO, "%s: %s: write failed", fn, path);
    else if (rename(tmp, path) != 0) s = tg_msg(msg, TG_ERR_IO, "%s: %s: cannot rename (%s)", fn, path, strerror(errno));
    if (s != TG_OK) remove(tmp);
    tg_free(tmp);
    return s;
}
