/* edges.c: edge data (features and regression targets, in the CSR edge
 * order of a dataset's graph), graph-level regression targets, and edge
 * saliency.
 *
 * A tg_gnn_graph keeps its edges sorted by destination, stably (input order
 * within a destination, added self loops last), so the position of every
 * input edge is found again by replaying that counting sort; attributes
 * given per input edge (a tg_graph's edges, or a caller's list) are moved
 * to the graph's order that way.
 */
#include <math.h>
#include <string.h>

#include "../graph/tg_graph.h"
#include "gnn_internal.h"

void tg_gnn_i_data_free_extra(tg_gnn_data *d)
{
    tg_free(d->ef);
    tg_free(d->eyt);
    tg_free(d->esplit);
    tg_free(d->gyt);
    d->ef = d->eyt = d->gyt = NULL;
    d->esplit = NULL;
    d->fe = d->etdim = d->gtdim = 0;
}

tg_status tg_gnn_graph_input_positions(const tg_gnn_graph *g, int64_t m, const int64_t *dst, int64_t *pos, char *msg)
{
    tg_msg_clear(msg);
    if (!g || m < 0 || m > g->m || (m && (!dst || !pos)))
        return tg_msg(msg, TG_ERR_ARG, "gnn.input_positions: bad arguments");
    int64_t *cur = tg_malloc(sizeof *cur * (size_t)(g->n + 1));
    if (!cur) return tg_msg(msg, TG_ERR_NOMEM, "gnn.input_positions: out of memory");
    memcpy(cur, g->rowptr, sizeof *cur * (size_t)(g->n + 1));
    tg_status s = TG_OK;
    for (int64_t k = 0; k < m; k++) {
        if (dst[k] < 0 || dst[k] >= g->n || cur[dst[k]] >= g->rowptr[dst[k] + 1]) {
            s = tg_msg(msg, TG_ERR_ARG, "gnn.input_positions: input edge %lld does not match the graph", (long long)k);
            break;
        }
        pos[k] = cur[dst[k]]++;
    }
    tg_free(cur);
    return s;
}

static tg_status check_finite(const float *v, int64_t n, const char *fn, char *msg)
{
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return tg_msg(msg, TG_ERR_NUMERIC, "gnn.%s: value %lld is not finite", fn, (long long)i);
    return TG_OK;
}

/* A copy of n floats (at least one element allocated). */
static float *fcopy(const float *v, int64_t n)
{
    float *c = tg_malloc(sizeof *c * (size_t)(n > 0 ? n : 1));
    if (c && n > 0) memcpy(c, v, sizeof *c * (size_t)n);
    return c;
}

tg_status tg_gnn_data_set_edge_features(tg_gnn_data *d, int64_t fe, const float *ef, char *msg)
{
    tg_msg_clear(msg);
    if (!d || fe < 1 || fe > (1 << 24) || !ef) return tg_msg(msg, TG_ERR_ARG, "gnn.set_edge_features: bad arguments");
    int64_t m = d->g->m;
    tg_status s = check_finite(ef, m * fe, "set_edge_features", msg);
    if (s != TG_OK) return s;
    float *c = fcopy(ef, m * fe);
    if (!c) return tg_msg(msg, TG_ERR_NOMEM, "gnn.set_edge_features: out of memory");
    tg_free(d->ef);
    d->ef = c;
    d->fe = fe;
    return TG_OK;
}

int64_t tg_gnn_data_edge_features(const tg_gnn_data *d) { return d->fe; }
const float *tg_gnn_data_edge_feature_values(const tg_gnn_data *d) { return d->ef; }
const uint8_t *tg_gnn_data_edge_split(const tg_gnn_data *d) { return d->esplit; }

const float *tg_gnn_data_edge_target_values(const tg_gnn_data *d, int64_t *t)
{
    if (t) *t = d->etdim;
    return d->eyt;
}

tg_status tg_gnn_data_set_edge_targets(tg_gnn_data *d, int64_t t, const float *y, const uint8_t *split, char *msg)
{
    tg_msg_clear(msg);
    if (!d || t < 1 || t > (1 << 24) || !y) return tg_msg(msg, TG_ERR_ARG, "gnn.set_edge_targets: bad arguments");
    const tg_gnn_graph *g = d->g;
    tg_status s = check_finite(y, g->m * t, "set_edge_targets", msg);
    if (s != TG_OK) return s;
    float *c = fcopy(y, g->m * t);
    uint8_t *sp = tg_malloc((size_t)(g->m ? g->m : 1));
    if (!c || !sp) {
        tg_free(c);
        tg_free(sp);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.set_edge_targets: out of memory");
    }
    if (split) memcpy(sp, split, (size_t)g->m);
    else if (d->gptr && d->gsplit) {
        /* Batched graphs: an edge belongs to the graph of its destination. */
        int64_t k = 0;
        for (int64_t i = 0; i < g->n; i++) {
            while (d->gptr[k + 1] <= i) k++;
            for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) sp[e] = d->gsplit[k];
        }
    } else memset(sp, TG_GNN_TRAIN, (size_t)g->m);
    tg_free(d->eyt);
    tg_free(d->esplit);
    d->eyt = c;
    d->esplit = sp;
    d->etdim = t;
    return TG_OK;
}

tg_status tg_gnn_data_set_graph_targets(tg_gnn_data *d, int64_t t, const float *y, char *msg)
{
    tg_msg_clear(msg);
    if (!d || t < 1 || t > (1 << 24) || !y) return tg_msg(msg, TG_ERR_ARG, "gnn.set_graph_targets: bad arguments");
    if (!d->gptr) return tg_msg(msg, TG_ERR_ARG, "gnn.set_graph_targets: the data is not a batch of graphs");
    tg_status s = check_finite(y, d->ngraphs * t, "set_graph_targets", msg);
    if (s != TG_OK) return s;
    float *c = fcopy(y, d->ngraphs * t);
    if (!c) return tg_msg(msg, TG_ERR_NOMEM, "gnn.set_graph_targets: out of memory");
    tg_free(d->gyt);
    d->gyt = c;
    d->gtdim = t;
    return TG_OK;
}

tg_status tg_gnn_data_edge_attrs(tg_gnn_data *d, int64_t ng, const tg_graph *const *gs, int nf,
                                 const char *const *features, int nt, const char *const *targets, bool antisym,
                                 char *msg)
{
    tg_msg_clear(msg);
    if (!d || ng < 1 || !gs || nf < 0 || nt < 0 || nf + nt < 1 || (nf && !features) || (nt && !targets))
        return tg_msg(msg, TG_ERR_ARG, "gnn.edge_attrs: bad arguments");
    if ((d->gptr ? d->ngraphs : 1) != ng)
        return tg_msg(msg, TG_ERR_ARG, "gnn.edge_attrs: %lld graphs given, the data holds %lld", (long long)ng,
                      (long long)(d->gptr ? d->ngraphs : 1));
    const tg_gnn_graph *g = d->g;
    int64_t M = g->m;
    float *ef = NULL, *ey = NULL;
    int64_t *dst = NULL, *pos = NULL, *orig = NULL;
    double *col = NULL;
    int8_t *sign = NULL;
    tg_status s = TG_ERR_NOMEM;
    int64_t maxm = 0, total = 0;
    for (int64_t k = 0; k < ng; k++) {
        if (!gs[k]) return tg_msg(msg, TG_ERR_ARG, "gnn.edge_attrs: graph %lld is missing", (long long)k + 1);
        if (tg_graph_edge_count(gs[k]) > maxm) maxm = tg_graph_edge_count(gs[k]);
        bool und = !tg_graph_is_directed(gs[k]);
        for (int64_t e = 0; e < tg_graph_edge_count(gs[k]); e++) {
            int64_t a, b;
            tg_graph_edge_ends(gs[k], e, &a, &b);
            total += und && a != b ? 2 : 1;
        }
    }
    if (total != M)
        return tg_msg(msg, TG_ERR_ARG, "gnn.edge_attrs: the graphs have %lld directed edges, the data %lld",
                      (long long)total, (long long)M);
    if (!(dst = tg_malloc(sizeof *dst * (size_t)(M + 1))) || !(pos = tg_malloc(sizeof *pos * (size_t)(M + 1))) ||
        !(orig = tg_malloc(sizeof *orig * (size_t)(M + 1))) || !(sign = tg_malloc((size_t)(M + 1))) ||
        !(col = tg_malloc(sizeof *col * (size_t)(maxm + 1))) ||
        (nf && !(ef = tg_malloc(sizeof *ef * (size_t)(M * nf + 1)))) ||
        (nt && !(ey = tg_malloc(sizeof *ey * (size_t)(M * nt + 1)))))
        goto nomem;
    /* The input edge list of tg_gnn_data_from_graph / _batch: per graph, per
     * edge (a, b), then (b, a) for an undirected edge that is no loop. */
    int64_t k_in = 0, base = 0;
    int64_t *ofs = tg_malloc(sizeof *ofs * (size_t)(ng + 1));   /* input edges before graph k */
    if (!ofs) goto nomem;
    for (int64_t k = 0; k < ng; k++) {
        ofs[k] = k_in;
        bool und = !tg_graph_is_directed(gs[k]);
        if (tg_graph_node_count(gs[k]) != (d->gptr ? d->gptr[k + 1] - d->gptr[k] : d->n)) {
            tg_free(ofs);
            s = tg_msg(msg, TG_ERR_ARG, "gnn.edge_attrs: graph %lld does not match the data", (long long)k + 1);
            goto done;
        }
        for (int64_t e = 0; e < tg_graph_edge_count(gs[k]); e++) {
            int64_t a, b;
            tg_graph_edge_ends(gs[k], e, &a, &b);
            dst[k_in] = base + b, orig[k_in] = e, sign[k_in++] = 1;
            if (und && a != b) dst[k_in] = base + a, orig[k_in] = e, sign[k_in++] = -1;
        }
        base += tg_graph_node_count(gs[k]);
    }
    ofs[ng] = k_in;
    if ((s = tg_gnn_graph_input_positions(g, M, dst, pos, msg)) != TG_OK) {
        tg_free(ofs);
        goto done;
    }
    for (int pass = 0; pass < 2 && s == TG_OK; pass++) {
        int nc = pass ? nt : nf;
        const char *const *names = pass ? targets : features;
        float *out = pass ? ey : ef;
        for (int j = 0; j < nc && s == TG_OK; j++)
            for (int64_t k = 0; k < ng && s == TG_OK; k++) {
                if ((s = tg_graph_attr_numeric(gs[k], TG_EDGES, names[j], false, col, msg)) != TG_OK) break;
                for (int64_t q = ofs[k]; q < ofs[k + 1]; q++) {
                    double v = col[orig[q]];
                    if (!isfinite(v)) {
                        s = tg_msg(msg, TG_ERR_NUMERIC, "gnn.edge_attrs: graph %lld edge %lld: '%s' is missing or "
                                   "not finite", (long long)k + 1, (long long)orig[q] + 1, names[j]);
                        break;
                    }
                    if (pass && antisym) v *= sign[q];
                    out[pos[q] * nc + j] = (float)v;
                }
            }
    }
    tg_free(ofs);
    if (s != TG_OK) goto done;
    /* Everything read: only now change d (a failure above leaves it as it was). */
    if (nf && (s = tg_gnn_data_set_edge_features(d, nf, ef, msg)) != TG_OK) goto done;
    if (nt && (s = tg_gnn_data_set_edge_targets(d, nt, ey, NULL, msg)) != TG_OK) goto done;
    s = TG_OK;
    goto done;
nomem:
    s = tg_msg(msg, TG_ERR_NOMEM, "gnn.edge_attrs: out of memory");
done:
    tg_free(ef);
    tg_free(ey);
    tg_free(dst);
    tg_free(pos);
    tg_free(orig);
    tg_free(sign);
    tg_free(col);
    return s;
}

/* ---- output rows and edge saliency ------------------------------------------ */

bool tg_gnn_model_is_edge_level(const tg_gnn_model *m)
{
    for (int k = 0; k < m->nl; k++)
        if (m->layers[k].kind == TG_GNN_EDGE_READOUT) return true;
    return false;
}

int64_t tg_gnn_output_rows(const tg_gnn_model *m, const tg_gnn_data *d)
{
    if (tg_gnn_model_is_edge_level(m)) return d->g->m;
    if (tg_gnn_model_is_graph_level(m) && d->gptr) return d->ngraphs;
    return d->n;
}

tg_status tg_gnn_edge_saliency(const tg_gnn_model *m, tg_gnn_data *d, int64_t row, int64_t col, double *edge_grad,
                               char *msg)
{
    tg_msg_clear(msg);
    if (!m || !d || !edge_grad) return tg_msg(msg, TG_ERR_ARG, "gnn.edge_saliency: bad arguments");
    if (d->f != m->in_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.edge_saliency: the data has %lld features, the model takes %lld",
                      (long long)d->f, (long long)m->in_f);
    int64_t rows = tg_gnn_output_rows(m, d);
    if (row < 0 || row >= rows || col < 0 || col >= m->out_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.edge_saliency: output (%lld, %lld) out of range (%lld x %lld)",
                      (long long)row, (long long)col, (long long)rows, (long long)m->out_f);
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 0);
    t.dense_input = true;
    t.use_emask = true;
    t.emask[0] = t.emask[1] = -1;
    int64_t *pos = NULL, *dst = NULL;
    tg_status s = TG_OK;
    int out = tg_gnn_i_forward(m, &t, d, d->x);
    if (out < 0) {
        s = tg_msg(msg, t.err ? t.err : TG_ERR_NOMEM, "%s", t.msg);
        goto done;
    }
    if ((s = tg_gnn_i_backward_at(&t, out, row * m->out_f + col, msg)) != TG_OK) goto done;
    const tg_gnn_graph *g = d->g;
    for (int64_t e = 0; e < g->m; e++)
        edge_grad[e] = t.emask[0] >= 0 && t.nodes[t.emask[0]].grad ? t.nodes[t.emask[0]].grad[e] : 0.0;
    if (t.emask[1] >= 0 && t.nodes[t.emask[1]].grad && d->looped) {
        /* The self-loop graph holds the same edges (loops added last per
         * destination): the weight of edge e appears in both graphs, so its
         * derivative is the sum of both. */
        if (!(pos = tg_malloc(sizeof *pos * (size_t)(g->m + 1))) || !(dst = tg_malloc(sizeof *dst * (size_t)(g->m + 1)))) {
            s = tg_msg(msg, TG_ERR_NOMEM, "gnn.edge_saliency: out of memory");
            goto done;
        }
        for (int64_t e = 0; e < g->m; e++) dst[e] = g->dst[e];
        if ((s = tg_gnn_graph_input_positions(d->looped, g->m, dst, pos, msg)) != TG_OK) goto done;
        for (int64_t e = 0; e < g->m; e++) edge_grad[e] += t.nodes[t.emask[1]].grad[pos[e]];
    }
done:
    tg_free(pos);
    tg_free(dst);
    tg_gnn_i_tape_free(&t);
    return s;
}
