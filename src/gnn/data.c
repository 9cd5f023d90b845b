/* data.c: message-passing graphs (CSR by destination plus an index by
 * source), node datasets, and the reader of Cora in the LINQS format with
 * the Planetoid split.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../graph/tg_graph.h"
#include "gnn_internal.h"

/* ---- graphs ----------------------------------------------------------- */

void tg_gnn_graph_free(tg_gnn_graph **g)
{
    if (!g || !*g) return;
    tg_gnn_graph *x = *g;
    tg_free(x->rowptr);
    tg_free(x->src);
    tg_free(x->dst);
    tg_free(x->optr);
    tg_free(x->oedge);
    tg_free(x->gcn_w);
    tg_free(x->odst);
    tg_free(x->ow);
    tg_free(x);
    *g = NULL;
}

tg_status tg_gnn_graph_new(tg_gnn_graph **out, int64_t n, int64_t m, const int64_t *src, const int64_t *dst,
                           bool self_loops, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "gnn.graph_new: out is NULL");
    *out = NULL;
    if (n < 0 || n > INT32_MAX || m < 0 || (m > 0 && (!src || !dst)))
        return tg_msg(msg, TG_ERR_ARG, "gnn.graph_new: bad sizes (n %lld, m %lld)", (long long)n, (long long)m);
    for (int64_t k = 0; k < m; k++)
        if (src[k] < 0 || src[k] >= n || dst[k] < 0 || dst[k] >= n)
            return tg_msg(msg, TG_ERR_ARG, "gnn.graph_new: edge %lld (%lld -> %lld) is out of range 0..%lld",
                          (long long)k, (long long)src[k], (long long)dst[k], (long long)n - 1);
    tg_gnn_graph *g = tg_calloc(1, sizeof *g);
    uint8_t *loop = NULL;
    int64_t *pos = NULL;
    tg_status s = TG_ERR_NOMEM;
    if (!g) goto done;
    if (!(loop = tg_calloc((size_t)n + 1, 1))) goto done;
    int64_t extra = 0;
    for (int64_t k = 0; k < m; k++)
        if (src[k] == dst[k]) loop[src[k]] = 1;
    if (self_loops)
        for (int64_t i = 0; i < n; i++) extra += !loop[i];
    int64_t mm = m + extra;
    if (mm > INT32_MAX) {
        s = tg_msg(msg, TG_ERR_LIMIT, "gnn.graph_new: more than 2^31 edges");
        goto done;
    }
    g->n = n;
    g->m = mm;
    if (!(g->rowptr = tg_calloc((size_t)n + 1, sizeof *g->rowptr)) ||
        !(g->optr = tg_calloc((size_t)n + 1, sizeof *g->optr)) ||
        !(g->src = tg_malloc(sizeof *g->src * (size_t)(mm ? mm : 1))) ||
        !(g->dst = tg_malloc(sizeof *g->dst * (size_t)(mm ? mm : 1))) ||
        !(g->oedge = tg_malloc(sizeof *g->oedge * (size_t)(mm ? mm : 1))) ||
        !(pos = tg_malloc(sizeof *pos * ((size_t)n + 1))))
        goto done;
    /* Counting sort by destination; input order within a destination, the
     * added self loop last. */
    for (int64_t k = 0; k < m; k++) g->rowptr[dst[k] + 1]++;
    if (self_loops)
        for (int64_t i = 0; i < n; i++) g->rowptr[i + 1] += !loop[i];
    for (int64_t i = 0; i < n; i++) g->rowptr[i + 1] += g->rowptr[i];
    memcpy(pos, g->rowptr, sizeof *pos * (size_t)(n + 1));
    for (int64_t k = 0; k < m; k++) {
        int64_t e = pos[dst[k]]++;
        g->src[e] = (int32_t)src[k];
        g->dst[e] = (int32_t)dst[k];
    }
    if (self_loops)
        for (int64_t i = 0; i < n; i++)
            if (!loop[i]) {
                int64_t e = pos[i]++;
                g->src[e] = g->dst[e] = (int32_t)i;
            }
    /* Edges by source, ascending edge id within a source. */
    for (int64_t e = 0; e < mm; e++) g->optr[g->src[e] + 1]++;
    for (int64_t i = 0; i < n; i++) g->optr[i + 1] += g->optr[i];
    memcpy(pos, g->optr, sizeof *pos * (size_t)(n + 1));
    for (int64_t e = 0; e < mm; e++) g->oedge[pos[g->src[e]]++] = (int32_t)e;
    g->all_loops = true;
    for (int64_t i = 0; i < n && g->all_loops; i++)
        if (!loop[i] && !self_loops) g->all_loops = false;
    *out = g;
    g = NULL;
    s = TG_OK;
done:
    if (s == TG_ERR_NOMEM) tg_msg(msg, s, "gnn.graph_new: out of memory");
    tg_free(loop);
    tg_free(pos);
    tg_gnn_graph_free(&g);
    return s;
}

int64_t tg_gnn_graph_nodes(const tg_gnn_graph *g) { return g->n; }
int64_t tg_gnn_graph_edges(const tg_gnn_graph *g) { return g->m; }

void tg_gnn_graph_edge(const tg_gnn_graph *g, int64_t k, int64_t *src, int64_t *dst)
{
    *src = g->src[k];
    *dst = g->dst[k];
}

tg_status tg_gnn_i_graph_gcn_weights(tg_gnn_graph *g, char *msg)
{
    if (g->gcn_w) return TG_OK;
    size_t m = (size_t)(g->m ? g->m : 1);
    float *w = tg_malloc(sizeof *w * m), *ow = tg_malloc(sizeof *ow * m);
    int32_t *odst = tg_malloc(sizeof *odst * m);
    if (!w || !ow || !odst) {
        tg_free(w);
        tg_free(ow);
        tg_free(odst);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn: out of memory for GCN weights");
    }
    for (int64_t e = 0; e < g->m; e++) {
        double di = (double)(g->rowptr[g->dst[e] + 1] - g->rowptr[g->dst[e]]);
        double dj = (double)(g->rowptr[g->src[e] + 1] - g->rowptr[g->src[e]]);
        w[e] = (float)(1.0 / sqrt(di * dj));
    }
    /* The edges by source with their destination and weight side by side:
     * the backward product then streams them instead of gathering two
     * random words per edge through oedge. */
    for (int64_t q = 0; q < g->m; q++) {
        odst[q] = g->dst[g->oedge[q]];
        ow[q] = w[g->oedge[q]];
    }
    g->gcn_w = w;
    g->ow = ow;
    g->odst = odst;
    return TG_OK;
}

/* ---- datasets --------------------------------------------------------- */

void tg_gnn_data_free(tg_gnn_data **d)
{
    if (!d || !*d) return;
    tg_gnn_data *x = *d;
    tg_gnn_graph_free(&x->g);
    tg_gnn_graph_free(&x->looped);
    tg_free(x->x);
    tg_free(x->y);
    tg_free(x->yt);
    tg_free(x->gptr);
    tg_free(x->gy);
    tg_free(x->gsplit);
    tg_free(x->split);
    if (x->class_names)
        for (int32_t c = 0; c < x->classes; c++) tg_free(x->class_names[c]);
    tg_free(x->class_names);
    if (x->node_ids)
        for (int64_t i = 0; i < x->n; i++) tg_free(x->node_ids[i]);
    tg_free(x->node_ids);
    tg_free(x->xrp);
    tg_free(x->xcol);
    tg_free(x->xval);
    tg_gnn_i_data_free_extra(x);
    tg_free(x);
    *d = NULL;
}

tg_status tg_gnn_data_new(tg_gnn_data **out, tg_gnn_graph **g, int64_t f, const float *features,
                          const int32_t *labels, const uint8_t *split, char *msg)
{
    tg_msg_clear(msg);
    if (!out || !g || !*g) return tg_msg(msg, TG_ERR_ARG, "gnn.data_new: missing graph");
    *out = NULL;
    int64_t n = (*g)->n;
    if (f < 0 || (n * f > 0 && !features)) return tg_msg(msg, TG_ERR_ARG, "gnn.data_new: missing features");
    int32_t classes = 0;
    if (labels)
        for (int64_t i = 0; i < n; i++) {
            if (labels[i] < -1) return tg_msg(msg, TG_ERR_ARG, "gnn.data_new: label of node %lld is %d (< -1)",
                                              (long long)i, labels[i]);
            if (labels[i] + 1 > classes) classes = labels[i] + 1;
        }
    tg_gnn_data *d = tg_calloc(1, sizeof *d);
    if (!d) return tg_msg(msg, TG_ERR_NOMEM, "gnn.data_new: out of memory");
    d->n = n;
    d->f = f;
    d->classes = classes;
    if (!(d->x = tg_malloc(sizeof *d->x * (size_t)(n * f > 0 ? n * f : 1))) ||
        (labels && !(d->y = tg_malloc(sizeof *d->y * (size_t)(n ? n : 1)))) ||
        (split && !(d->split = tg_malloc((size_t)(n ? n : 1))))) {
        tg_gnn_data_free(&d);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.data_new: out of memory");
    }
    if (n * f > 0) memcpy(d->x, features, sizeof *d->x * (size_t)(n * f));
    int64_t nnz = 0;
    for (int64_t i = 0; i < n * f; i++) nnz += features[i] != 0;
    if (n * f > 0 && nnz <= n * f / 4 && nnz < INT32_MAX) {
        if (!(d->xrp = tg_malloc(sizeof *d->xrp * (size_t)(n + 1))) ||
            !(d->xcol = tg_malloc(sizeof *d->xcol * (size_t)(nnz + 1))) ||
            !(d->xval = tg_malloc(sizeof *d->xval * (size_t)(nnz + 1)))) {
            tg_gnn_data_free(&d);
            return tg_msg(msg, TG_ERR_NOMEM, "gnn.data_new: out of memory");
        }
        int64_t q = 0;
        for (int64_t i = 0; i < n; i++) {
            d->xrp[i] = q;
            for (int64_t j = 0; j < f; j++)
                if (features[i * f + j] != 0) {
                    d->xcol[q] = (int32_t)j;
                    d->xval[q++] = features[i * f + j];
                }
        }
        d->xrp[n] = q;
    }
    if (labels && n) memcpy(d->y, labels, sizeof *d->y * (size_t)n);
    if (split && n) memcpy(d->split, split, (size_t)n);
    d->g = *g;
    *g = NULL;
    *out = d;
    return TG_OK;
}

tg_status tg_gnn_i_data_looped(tg_gnn_data *d, const tg_gnn_graph **g, char *msg)
{
    if (d->g->all_loops) {
        *g = d->g;
        return tg_gnn_i_graph_gcn_weights(d->g, msg);
    }
    if (!d->looped) {
        const tg_gnn_graph *b = d->g;
        int64_t *s = tg_malloc(sizeof *s * (size_t)(b->m ? b->m : 1));
        int64_t *t = tg_malloc(sizeof *t * (size_t)(b->m ? b->m : 1));
        tg_status st = TG_ERR_NOMEM;
        if (s && t) {
            for (int64_t e = 0; e < b->m; e++) {
                s[e] = b->src[e];
                t[e] = b->dst[e];
            }
            st = tg_gnn_graph_new(&d->looped, b->n, b->m, s, t, true, msg);
        }
        tg_free(s);
        tg_free(t);
        if (st != TG_OK) return tg_msg(msg, st, "gnn: out of memory for the self-loop graph");
    }
    *g = d->looped;
    return tg_gnn_i_graph_gcn_weights(d->looped, msg);
}

tg_status tg_gnn_data_batch(int64_t ng, const tg_gnn_graph *const *graphs, int64_t f, const float *const *x,
                            const int32_t *labels, const uint8_t *split, tg_gnn_data **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out || ng < 1 || !graphs || f < 1 || !x || !labels)
        return tg_msg(msg, TG_ERR_ARG, "gnn.batch: need graphs, features and labels");
    *out = NULL;
    int64_t n = 0, m = 0;
    for (int64_t k = 0; k < ng; k++) {
        if (!graphs[k] || !x[k]) return tg_msg(msg, TG_ERR_ARG, "gnn.batch: graph %lld is missing", (long long)k + 1);
        if (labels[k] < 0) return tg_msg(msg, TG_ERR_ARG, "gnn.batch: label of graph %lld is negative", (long long)k + 1);
        n += graphs[k]->n;
        m += graphs[k]->m;
    }
    int64_t *s = tg_malloc(sizeof *s * (size_t)(m + 1)), *t = tg_malloc(sizeof *t * (size_t)(m + 1));
    float *feat = tg_malloc(sizeof *feat * (size_t)(n * f + 1));
    tg_gnn_graph *g = NULL;
    tg_gnn_data *d = NULL;
    tg_status st = TG_ERR_NOMEM;
    if (!s || !t || !feat) goto done;
    /* Block-diagonal: graph k's nodes follow graph k-1's. */
    int64_t base = 0, e = 0;
    for (int64_t k = 0; k < ng; k++) {
        const tg_gnn_graph *gk = graphs[k];
        for (int64_t q = 0; q < gk->m; q++, e++) {
            s[e] = base + gk->src[q];
            t[e] = base + gk->dst[q];
        }
        memcpy(feat + base * f, x[k], sizeof *feat * (size_t)(gk->n * f));
        base += gk->n;
    }
    if ((st = tg_gnn_graph_new(&g, n, m, s, t, false, msg)) != TG_OK) goto done;
    if ((st = tg_gnn_data_new(&d, &g, f, feat, NULL, NULL, msg)) != TG_OK) goto done;
    st = TG_ERR_NOMEM;
    if (!(d->gptr = tg_malloc(sizeof *d->gptr * (size_t)(ng + 1))) || !(d->gy = tg_malloc(sizeof *d->gy * (size_t)ng)) ||
        (split && !(d->gsplit = tg_malloc((size_t)ng))))
        goto done;
    d->ngraphs = ng;
    d->gptr[0] = 0;
    for (int64_t k = 0; k < ng; k++) {
        d->gptr[k + 1] = d->gptr[k] + graphs[k]->n;
        d->gy[k] = labels[k];
        if (split) d->gsplit[k] = split[k];
    }
    *out = d;
    d = NULL;
    st = TG_OK;
done:
    if (st == TG_ERR_NOMEM) tg_msg(msg, st, "gnn.batch: out of memory");
    tg_free(s);
    tg_free(t);
    tg_free(feat);
    tg_gnn_graph_free(&g);
    tg_gnn_data_free(&d);
    return st;
}

int64_t tg_gnn_data_graphs(const tg_gnn_data *d) { return d->ngraphs; }

tg_status tg_gnn_data_set_targets(tg_gnn_data *d, int64_t t, const float *targets, char *msg)
{
    tg_msg_clear(msg);
    if (!d || t < 1 || !targets) return tg_msg(msg, TG_ERR_ARG, "gnn.set_targets: bad arguments");
    for (int64_t i = 0; i < d->n * t; i++)
        if (!isfinite(targets[i]))
            return tg_msg(msg, TG_ERR_NUMERIC, "gnn.set_targets: target %lld of node %lld is not finite",
                          (long long)(i % t), (long long)(i / t));
    float *y = tg_malloc(sizeof *y * (size_t)(d->n * t + 1));
    if (!y) return tg_msg(msg, TG_ERR_NOMEM, "gnn.set_targets: out of memory");
    memcpy(y, targets, sizeof *y * (size_t)(d->n * t));
    tg_free(d->yt);
    d->yt = y;
    d->tdim = t;
    return TG_OK;
}

int64_t tg_gnn_data_nodes(const tg_gnn_data *d) { return d->n; }
int64_t tg_gnn_data_features(const tg_gnn_data *d) { return d->f; }
int32_t tg_gnn_data_classes(const tg_gnn_data *d) { return d->classes; }
const tg_gnn_graph *tg_gnn_data_graph(const tg_gnn_data *d) { return d->g; }
const int32_t *tg_gnn_data_labels(const tg_gnn_data *d) { return d->y; }

int64_t tg_gnn_data_split_count(const tg_gnn_data *d, tg_gnn_split s)
{
    int64_t c = 0;
    if (d->split)
        for (int64_t i = 0; i < d->n; i++) c += d->split[i] == (uint8_t)s && (!d->y || d->y[i] >= 0);
    return c;
}

const char *tg_gnn_data_class_name(const tg_gnn_data *d, int32_t c)
{
    return d->class_names && c >= 0 && c < d->classes ? d->class_names[c] : NULL;
}

const char *tg_gnn_data_node_id(const tg_gnn_data *d, int64_t v)
{
    return d->node_ids && v >= 0 && v < d->n ? d->node_ids[v] : NULL;
}

/* ---- Cora ------------------------------------------------------------- */

/* dir/name, or dir/name.gz when only that exists, into a NUL-terminated
 * buffer.  *path_out receives the name opened (caller frees). */
static tg_status slurp(const char *dir, const char *name, bool optional, char **out, char **path_out, char *msg)
{
    *out = NULL;
    *path_out = NULL;
    size_t L = strlen(dir) + strlen(name) + 8;
    char *path = tg_malloc(L);
    if (!path) return tg_msg(msg, TG_ERR_NOMEM, "gnn.read_cora: out of memory");
    snprintf(path, L, "%s/%s", dir, name);
    FILE *probe = fopen(path, "rb");
    if (probe) fclose(probe);
    else {
        snprintf(path, L, "%s/%s.gz", dir, name);
        probe = fopen(path, "rb");
        if (!probe) {
            snprintf(path, L, "%s/%s", dir, name);
            if (optional) {
                tg_free(path);
                return TG_NOT_FOUND;
            }
            tg_status s = tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
            tg_free(path);
            return s;
        }
        fclose(probe);
    }
    gzFile z = gzopen(path, "rb");
    if (!z) {
        tg_status s = tg_msg(msg, TG_ERR_IO, "%s: cannot open", path);
        tg_free(path);
        return s;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = tg_malloc(cap + 1);
    tg_status s = buf ? TG_OK : TG_ERR_NOMEM;
    while (s == TG_OK) {
        if (cap - n < (1 << 16)) {
            void *p = buf;
            if (tg_grow(&p, &cap, cap * 2, 1) != TG_OK) {
                s = TG_ERR_NOMEM;
                break;
            }
            buf = p;
        }
        int got = gzread(z, buf + n, (unsigned)(cap - n - 1));
        int e = Z_OK;
        if (got < 0 || (got == 0 && (gzerror(z, &e), e != Z_OK && e != Z_STREAM_END))) {
            s = tg_msg(msg, TG_ERR_IO, "%s: read error or corrupt compressed data", path);
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(z);
    if (s != TG_OK) {
        if (s == TG_ERR_NOMEM) tg_msg(msg, s, "%s: out of memory", path);
        tg_free(buf);
        tg_free(path);
        return s;
    }
    buf[n] = '\0';
    *out = buf;
    *path_out = path;
    return TG_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

/* Next line of buf (modified in place); NULL at the end. */
static char *next_line(char **p)
{
    if (!**p) return NULL;
    char *s = *p, *e = strchr(s, '\n');
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else *p = s + strlen(s);
    size_t L = strlen(s);
    if (L && s[L - 1] == '\r') s[L - 1] = '\0';
    return s;
}

tg_status tg_gnn_data_read_cora(const char *dir, bool row_normalise, tg_gnn_data **out, char *msg)
{
    tg_msg_clear(msg);
    if (!dir || !out) return tg_msg(msg, TG_ERR_ARG, "gnn.read_cora: bad arguments");
    *out = NULL;
    char *content = NULL, *cites = NULL, *splitf = NULL, *pc = NULL, *pe = NULL, *ps = NULL;
    char **ids = NULL, **labels_s = NULL, **names = NULL;
    float *x = NULL;
    int32_t *y = NULL;
    uint8_t *split = NULL;
    int64_t *pairs = NULL, *src = NULL, *dst = NULL;
    tg_strmap *map = NULL;
    tg_gnn_graph *g = NULL;
    tg_gnn_data *d = NULL;
    int64_t n = 0, f = -1, cap = 0, np = 0, ncls = 0;
    tg_status s;
    char *tokpos = NULL;   /* strtok_r's position: strtok keeps it in hidden global state */
#define FAIL(st, ...) do { s = tg_msg(msg, st, __VA_ARGS__); goto done; } while (0)
#define NOMEM() FAIL(TG_ERR_NOMEM, "gnn.read_cora: out of memory")
    if ((s = slurp(dir, "cora.content", false, &content, &pc, msg)) != TG_OK) goto done;
    if ((s = slurp(dir, "cora.cites", false, &cites, &pe, msg)) != TG_OK) goto done;
    s = slurp(dir, "planetoid_split.txt", true, &splitf, &ps, msg);
    if (s < 0) goto done;
    /* Pass 1 over content: ids, labels, the feature count. */
    for (char *p = content, *line; (line = next_line(&p));) {
        if (!*line) continue;
        int64_t lineno = n + 1;
        char *tok = strtok_r(line, "\t ", &tokpos);
        int64_t k = 0;
        char *last = NULL, *id = tok;
        while (tok) {
            last = tok;
            k++;
            tok = strtok_r(NULL, "\t ", &tokpos);
        }
        if (k < 3) FAIL(TG_ERR_PARSE, "%s:%lld: expected id, features and a label", pc, (long long)lineno);
        if (f < 0) f = k - 2;
        else if (k - 2 != f)
            FAIL(TG_ERR_PARSE, "%s:%lld: %lld features, the first line had %lld", pc, (long long)lineno,
                 (long long)(k - 2), (long long)f);
        if (n == cap) {
            size_t c1 = (size_t)cap, c2 = (size_t)cap;
            if (tg_grow((void **)&ids, &c1, (size_t)n + 1, sizeof *ids) != TG_OK) NOMEM();
            if (tg_grow((void **)&labels_s, &c2, (size_t)n + 1, sizeof *labels_s) != TG_OK) NOMEM();
            cap = (int64_t)(c1 < c2 ? c1 : c2);
        }
        ids[n] = id;      /* point into content; copied below */
        labels_s[n] = last;
        n++;
    }
    if (n == 0) FAIL(TG_ERR_PARSE, "%s: no papers", pc);
    if (tg_strmap_new(&map, (size_t)n) != TG_OK) NOMEM();
    for (int64_t i = 0; i < n; i++) {
        int64_t old;
        tg_status st = tg_strmap_put(map, ids[i], i, &old);
        if (st == TG_ERR_ID) FAIL(TG_ERR_PARSE, "%s:%lld: duplicate paper id %s (first on line %lld)", pc,
                                  (long long)i + 1, ids[i], (long long)old + 1);
        if (st != TG_OK) NOMEM();
    }
    /* Classes: the distinct labels in sorted order. */
    if (!(names = tg_malloc(sizeof *names * (size_t)n))) NOMEM();
    memcpy(names, labels_s, sizeof *names * (size_t)n);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int64_t i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i], names[ncls - 1]) != 0) names[ncls++] = names[i];
    if (ncls > 10000) FAIL(TG_ERR_PARSE, "%s: %lld distinct labels", pc, (long long)ncls);
    if (!(x = tg_calloc((size_t)(n * f), sizeof *x)) || !(y = tg_malloc(sizeof *y * (size_t)n))) NOMEM();
    /* Pass 2: the feature values (the tokens after each NUL-cut id). */
    for (int64_t i = 0; i < n; i++) {
        char *p = ids[i] + strlen(ids[i]) + 1;
        double row = 0;
        for (int64_t j = 0; j < f; j++) {
            while (*p == '\0' || *p == '\t' || *p == ' ') p++;
            char *e;
            double v = strtod(p, &e);
            if (e == p || !isfinite(v))
                FAIL(TG_ERR_PARSE, "%s:%lld: feature %lld is not a number", pc, (long long)i + 1, (long long)j + 1);
            x[i * f + j] = (float)v;
            row += v;
            p = e;
        }
        if (row_normalise && row != 0)
            for (int64_t j = 0; j < f; j++) x[i * f + j] = (float)(x[i * f + j] / row);
        int32_t lo = 0, hi = (int32_t)ncls - 1;
        while (lo < hi) {
            int32_t mid = (lo + hi) / 2;
            if (strcmp(names[mid], labels_s[i]) < 0) lo = mid + 1;
            else hi = mid;
        }
        y[i] = lo;
    }
    /* Citations: cited citing; undirected, without duplicates or loops. */
    size_t pcap = 0;
    int64_t lineno = 0;
    for (char *p = cites, *line; (line = next_line(&p));) {
        lineno++;
        char *a = strtok_r(line, "\t ", &tokpos), *b = strtok_r(NULL, "\t ", &tokpos);
        if (!a) continue;
        if (!b || strtok_r(NULL, "\t ", &tokpos))
            FAIL(TG_ERR_PARSE, "%s:%lld: expected two paper ids", pe, (long long)lineno);
        int64_t u = tg_strmap_get(map, a), v = tg_strmap_get(map, b);
        if (u < 0 || v < 0)
            FAIL(TG_ERR_PARSE, "%s:%lld: unknown paper id %s", pe, (long long)lineno, u < 0 ? a : b);
        if (u == v) continue;
        if (tg_grow((void **)&pairs, &pcap, (size_t)(np + 1) * 2, sizeof *pairs) != TG_OK) NOMEM();
        pairs[2 * np] = u < v ? u : v;
        pairs[2 * np + 1] = u < v ? v : u;
        np++;
    }
    qsort(pairs, (size_t)np, 2 * sizeof *pairs, cmp_pair);
    int64_t m = 0;
    if (!(src = tg_malloc(sizeof *src * (size_t)(2 * np + 1))) || !(dst = tg_malloc(sizeof *dst * (size_t)(2 * np + 1))))
        NOMEM();
    for (int64_t k = 0; k < np; k++) {
        if (k && pairs[2 * k] == pairs[2 * k - 2] && pairs[2 * k + 1] == pairs[2 * k - 1]) continue;
        src[m] = pairs[2 * k];
        dst[m++] = pairs[2 * k + 1];
        src[m] = pairs[2 * k + 1];
        dst[m++] = pairs[2 * k];
    }
    if ((s = tg_gnn_graph_new(&g, n, m, src, dst, false, msg)) != TG_OK) goto done;
    if (splitf) {
        if (!(split = tg_malloc((size_t)n))) NOMEM();
        memset(split, 255, (size_t)n);
        lineno = 0;
        for (char *p = splitf, *line; (line = next_line(&p));) {
            lineno++;
            if (!*line || *line == '#') continue;
            char *a = strtok_r(line, "\t ", &tokpos), *b = strtok_r(NULL, "\t ", &tokpos), *c = strtok_r(NULL, "\t ", &tokpos);
            if (!a || !b || !c) FAIL(TG_ERR_PARSE, "%s:%lld: expected index, paper id and split", ps, (long long)lineno);
            int64_t v = tg_strmap_get(map, b);
            if (v < 0) FAIL(TG_ERR_PARSE, "%s:%lld: unknown paper id %s", ps, (long long)lineno, b);
            uint8_t sv = strcmp(c, "train") == 0 ? 0 : strcmp(c, "val") == 0 ? 1 : strcmp(c, "test") == 0 ? 2 :
                         strcmp(c, "none") == 0 ? 255 : 254;
            if (sv == 254) FAIL(TG_ERR_PARSE, "%s:%lld: split '%s' is not train, val, test or none", ps,
                                (long long)lineno, c);
            split[v] = sv;
        }
    }
    if ((s = tg_gnn_data_new(&d, &g, f, x, y, split, msg)) != TG_OK) goto done;
    if (!(d->node_ids = tg_calloc((size_t)n, sizeof *d->node_ids)) ||
        !(d->class_names = tg_calloc((size_t)ncls, sizeof *d->class_names)))
        NOMEM();
    d->classes = (int32_t)ncls;
    for (int64_t i = 0; i < n; i++)
        if (!(d->node_ids[i] = tg_strdup(ids[i]))) NOMEM();
    for (int64_t c = 0; c < ncls; c++)
        if (!(d->class_names[c] = tg_strdup(names[c]))) NOMEM();
    *out = d;
    d = NULL;
    s = TG_OK;
done:
#undef FAIL
#undef NOMEM
    tg_gnn_data_free(&d);
    tg_gnn_graph_free(&g);
    tg_strmap_free(&map);
    tg_free(content);
    tg_free(cites);
    tg_free(splitf);
    tg_free(pc);
    tg_free(pe);
    tg_free(ps);
    tg_free(ids);
    tg_free(labels_s);
    tg_free(names);
    tg_free(x);
    tg_free(y);
    tg_free(split);
    tg_free(pairs);
    tg_free(src);
    tg_free(dst);
    return s;
}

/* ---- from a tg_graph ------------------------------------------------------ */

tg_status tg_gnn_data_from_graph(const tg_graph *gr, int nf, const char *const *features, const char *label,
                                 const char *split_attr, tg_gnn_data **out, char *msg)
{
    tg_msg_clear(msg);
    if (!gr || !out || nf < 1 || !features) return tg_msg(msg, TG_ERR_ARG, "gnn.dataset: need a graph and features");
    *out = NULL;
    int64_t n = tg_graph_node_count(gr), m = tg_graph_edge_count(gr);
    bool und = !tg_graph_is_directed(gr);
    double *col = NULL;
    float *x = NULL;
    int32_t *y = NULL;
    uint8_t *sp = NULL;
    int64_t *s = NULL, *t = NULL;
    char **names = NULL;
    int32_t ncls = 0;
    tg_gnn_graph *g = NULL;
    tg_gnn_data *d = NULL;
    tg_status st = TG_ERR_NOMEM;
    if (!(col = tg_malloc(sizeof *col * (size_t)(n ? n : 1))) || !(x = tg_malloc(sizeof *x * (size_t)(n * nf + 1))) ||
        !(s = tg_malloc(sizeof *s * (size_t)(2 * m + 1))) || !(t = tg_malloc(sizeof *t * (size_t)(2 * m + 1))))
        goto nomem;
    for (int j = 0; j < nf; j++) {
        if ((st = tg_graph_attr_numeric(gr, TG_NODES, features[j], false, col, msg)) != TG_OK) goto done;
        for (int64_t i = 0; i < n; i++) {
            if (!isfinite(col[i])) {
                st = tg_msg(msg, TG_ERR_NUMERIC, "gnn.dataset: feature '%s' of node %s is missing or not finite",
                            features[j], tg_graph_node_id(gr, i));
                goto done;
            }
            x[i * nf + j] = (float)col[i];
        }
    }
    if (label) {
        int c = tg_graph_attr_find(gr, TG_NODES, label);
        if (c < 0) {
            st = tg_msg(msg, TG_ERR_ARG, "gnn.dataset: no node attribute '%s'", label);
            goto done;
        }
        if (!(y = tg_malloc(sizeof *y * (size_t)(n ? n : 1)))) goto nomem;
        if (tg_graph_attr_type(gr, TG_NODES, c) == TG_STRING) {
            /* Classes: the distinct non-empty strings, sorted. */
            const char *const *v = tg_graph_attr_strings(gr, TG_NODES, c);
            if (!(names = tg_calloc((size_t)(n ? n : 1), sizeof *names))) goto nomem;
            int64_t k = 0;
            for (int64_t i = 0; i < n; i++)
                if (v[i] && v[i][0]) names[k++] = (char *)v[i];
            qsort(names, (size_t)k, sizeof *names, cmp_str);
            for (int64_t i = 0; i < k; i++)
                if (i == 0 || strcmp(names[i], names[ncls - 1]) != 0) names[ncls++] = names[i];
            for (int64_t i = 0; i < n; i++) {
                y[i] = -1;
                if (v[i] && v[i][0])
                    for (int32_t q = 0; q < ncls; q++)
                        if (strcmp(names[q], v[i]) == 0) y[i] = q;
            }
        } else {
            if ((st = tg_graph_attr_numeric(gr, TG_NODES, label, false, col, msg)) != TG_OK) goto done;
            for (int64_t i = 0; i < n; i++) {
                if (isnan(col[i])) y[i] = -1;
                else if (col[i] < 0 || col[i] > 1e6 || col[i] != floor(col[i])) {
                    st = tg_msg(msg, TG_ERR_ARG, "gnn.dataset: label of node %s is %g, not a class number >= 0",
                                tg_graph_node_id(gr, i), col[i]);
                    goto done;
                } else y[i] = (int32_t)col[i];
            }
        }
    }
    if (split_attr) {
        int c = tg_graph_attr_find(gr, TG_NODES, split_attr);
        if (c < 0 || tg_graph_attr_type(gr, TG_NODES, c) != TG_STRING) {
            st = tg_msg(msg, TG_ERR_ARG, "gnn.dataset: no string node attribute '%s' (train/val/test)", split_attr);
            goto done;
        }
        const char *const *v = tg_graph_attr_strings(gr, TG_NODES, c);
        if (!(sp = tg_malloc((size_t)(n ? n : 1)))) goto nomem;
        for (int64_t i = 0; i < n; i++)
            sp[i] = !v[i] ? 255 : strcmp(v[i], "train") == 0 ? 0 : strcmp(v[i], "val") == 0 ? 1
                  : strcmp(v[i], "test") == 0 ? 2 : 255;
    }
    int64_t k = 0;
    for (int64_t e = 0; e < m; e++) {
        int64_t a, b;
        tg_graph_edge_ends(gr, e, &a, &b);
        s[k] = a;
        t[k++] = b;
        if (und && a != b) {
            s[k] = b;
            t[k++] = a;
        }
    }
    if ((st = tg_gnn_graph_new(&g, n, k, s, t, false, msg)) != TG_OK) goto done;
    if ((st = tg_gnn_data_new(&d, &g, nf, x, y, sp, msg)) != TG_OK) goto done;
    if (names && ncls) {
        if (!(d->class_names = tg_calloc((size_t)ncls, sizeof *d->class_names))) goto nomem;
        for (int32_t q = 0; q < ncls; q++)
            if (!(d->class_names[q] = tg_strdup(names[q]))) goto nomem;
        d->classes = ncls;
    }
    *out = d;
    d = NULL;
    st = TG_OK;
    goto done;
nomem:
    st = tg_msg(msg, TG_ERR_NOMEM, "gnn.dataset: out of memory");
done:
    tg_gnn_data_free(&d);
    tg_gnn_graph_free(&g);
    tg_free(col);
    tg_free(x);
    tg_free(y);
    tg_free(sp);
    tg_free(s);
    tg_free(t);
    tg_free(names);
    return st;
}

tg_status tg_gnn_data_batch_graphs(int64_t ng, const tg_graph *const *gs, int nf, const char *const *features,
                                   const int32_t *labels, const uint8_t *split, tg_gnn_data **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out || ng < 1 || !gs) return tg_msg(msg, TG_ERR_ARG, "gnn.batch: no graphs");
    *out = NULL;
    tg_gnn_data **parts = tg_calloc((size_t)ng, sizeof *parts);
    const tg_gnn_graph **gg = tg_calloc((size_t)ng, sizeof *gg);
    const float **xx = tg_calloc((size_t)ng, sizeof *xx);
    tg_status st = TG_OK;
    if (!parts || !gg || !xx) st = tg_msg(msg, TG_ERR_NOMEM, "gnn.batch: out of memory");
    for (int64_t k = 0; k < ng && st == TG_OK; k++) {
        if ((st = tg_gnn_data_from_graph(gs[k], nf, features, NULL, NULL, &parts[k], msg)) != TG_OK) {
            char tmp[TG_MSG_LEN];
            snprintf(tmp, sizeof tmp, "%s", msg);
            msg[0] = '\0';
            tg_msg(msg, st, "gnn.batch: graph %lld: %s", (long long)k + 1, tmp);
            break;
        }
        gg[k] = parts[k]->g;
        xx[k] = parts[k]->x;
    }
    if (st == TG_OK) st = tg_gnn_data_batch(ng, gg, nf, xx, labels, split, out, msg);
    for (int64_t k = 0; parts && k < ng; k++) tg_gnn_data_free(&parts[k]);
    tg_free(parts);
    tg_free(gg);
    tg_free(xx);
    return st;
}
