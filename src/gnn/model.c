/* model.c: layers, sequential models, their parameters and forward pass.
 *
 * A model is a list of layer specs; its parameters are created once from
 * the input width and initialised with Glorot (Xavier) uniform weights and
 * zero biases, as GCN, GAT and PyTorch Geometric do.  The forward pass
 * records tape operations, so every layer is differentiated by the same
 * op kernels that the gradient tests check.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gnn_internal.h"

static const char *const NAMES[] = {
    [TG_GNN_LINEAR] = "linear", [TG_GNN_GCN] = "gcn",        [TG_GNN_SAGE_MEAN] = "sage",
    [TG_GNN_SAGE_MAX] = "sage_max", [TG_GNN_GIN] = "gin",    [TG_GNN_GAT] = "gat",
    [TG_GNN_RELU] = "relu",     [TG_GNN_LEAKY_RELU] = "leaky_relu", [TG_GNN_ELU] = "elu",
    [TG_GNN_TANH] = "tanh",     [TG_GNN_SIGMOID] = "sigmoid", [TG_GNN_DROPOUT] = "dropout",
    [TG_GNN_SUM_POOL] = "sum_pool", [TG_GNN_MEAN_POOL] = "mean_pool", [TG_GNN_MAX_POOL] = "max_pool",
    [TG_GNN_LAYER_NORM] = "layer_norm", [TG_GNN_BATCH_NORM] = "batch_norm", [TG_GNN_GINE] = "gine",
    [TG_GNN_MPNN] = "mpnn",     [TG_GNN_EDGE_READOUT] = "edge_readout",
};
_Static_assert(sizeof NAMES / sizeof NAMES[0] == TG_GNN_LAYER_KIND_COUNT, "a name for every layer kind");

const char *tg_gnn_layer_name(tg_gnn_layer_kind k)
{
    return k >= 0 && k < TG_GNN_LAYER_KIND_COUNT ? NAMES[k] : "?";
}

int tg_gnn_layer_kind_from_name(const char *name)
{
    for (int k = 0; k < TG_GNN_LAYER_KIND_COUNT; k++)
        if (name && strcmp(name, NAMES[k]) == 0) return k;
    return -1;
}

tg_gnn_layer_spec tg_gnn_layer_default(tg_gnn_layer_kind kind)
{
    tg_gnn_layer_spec s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.heads = 1;
    s.concat = true;
    s.slope = kind == TG_GNN_GAT ? 0.2 : 0.01;
    s.alpha = 1.0;
    s.weight_decay = -1;
    s.bias = true;
    return s;
}

static bool has_weights(tg_gnn_layer_kind k) { return k <= TG_GNN_GAT || k == TG_GNN_GINE || k == TG_GNN_MPNN; }

/* Layers that pass messages over the graph (and so need node rows). */
static bool is_graph_layer(tg_gnn_layer_kind k)
{
    return (k >= TG_GNN_GCN && k <= TG_GNN_GAT) || k == TG_GNN_GINE || k == TG_GNN_MPNN || k == TG_GNN_EDGE_READOUT;
}

void tg_gnn_model_free(tg_gnn_model **m)
{
    if (!m || !*m) return;
    tg_gnn_model *x = *m;
    for (int k = 0; k < x->np; k++) {
        tg_free(x->params[k].val);
        tg_free(x->params[k].grad);
        tg_free(x->params[k].m1);
        tg_free(x->params[k].m2);
    }
    tg_free(x->params);
    tg_free(x->layers);
    tg_free(x->dims);
    tg_free(x->first_param);
    tg_free(x);
    *m = NULL;
}

static tg_status add_param(tg_gnn_model *m, int layer, const char *name, int64_t rows, int64_t cols, bool decay)
{
    gnn_param *p = &m->params[m->np];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "layer%d.%s", layer, name);
    p->rows = rows;
    p->cols = cols;
    p->layer = layer;
    p->decay = decay;
    m->np++;
    /* Bounded by tg_gnn_model_new's limits, but a product that overflowed
     * would back a huge tensor with a small buffer: check anyway. */
    if (rows <= 0 || cols <= 0 || rows > INT64_MAX / cols || (uint64_t)(rows * cols) > SIZE_MAX / sizeof(float))
        return TG_ERR_NOMEM;
    size_t sz = (size_t)(rows * cols);
    if (!(p->val = tg_calloc(sz, sizeof(float))) || !(p->grad = tg_calloc(sz, sizeof(float))) ||
        !(p->m1 = tg_calloc(sz, sizeof(float))) || !(p->m2 = tg_calloc(sz, sizeof(float))))
        return TG_ERR_NOMEM;
    return TG_OK;
}

tg_status tg_gnn_model_new(tg_gnn_model **out, int nl, const tg_gnn_layer_spec *layers, int64_t in_features,
                           uint64_t seed, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "gnn.model: out is NULL");
    *out = NULL;
    if (nl <= 0 || !layers) return tg_msg(msg, TG_ERR_ARG, "gnn.model: no layers");
    if (in_features <= 0 || in_features > TG_GNN_MAX_IN_FEATURES)
        return tg_msg(msg, TG_ERR_ARG, "gnn.model: in_features must be in 1..2^31");
    /* Check the specs: after a pooling layer the rows are graphs, so only
     * dense layers may follow. */
    bool pooled = false, edges = false;
    int64_t ew = 0;   /* width of the edge state (0: none yet) */
    for (int k = 0; k < nl; k++) {
        const tg_gnn_layer_spec *s = &layers[k];
        if (s->kind < 0 || s->kind >= TG_GNN_LAYER_KIND_COUNT)
            return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d has an unknown kind", k + 1);
        if (has_weights(s->kind)) {
            if (s->out <= 0 || s->out > (1 << 24))
                return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) needs 1 <= out <= 2^24", k + 1,
                              NAMES[s->kind]);
            if (s->kind == TG_GNN_GAT && (s->heads < 1 || s->heads > 64))
                return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (gat) needs 1..64 heads", k + 1);
        }
        if (pooled && is_graph_layer(s->kind))
            return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) follows a pooling layer: only linear "
                          "layers and activations can", k + 1, NAMES[s->kind]);
        if (edges && (is_graph_layer(s->kind) || (s->kind >= TG_GNN_SUM_POOL && s->kind <= TG_GNN_MAX_POOL)))
            return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) follows an edge readout: only linear "
                          "layers, norms and activations can", k + 1, NAMES[s->kind]);
        if (s->kind == TG_GNN_GINE || s->kind == TG_GNN_MPNN || s->kind == TG_GNN_EDGE_READOUT) {
            if (s->edge_dim < 0 || s->edge_dim > (1 << 24) || (ew && s->edge_dim && s->edge_dim != ew))
                return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) has edge_dim %lld, the edges there are "
                              "%lld wide", k + 1, NAMES[s->kind], (long long)s->edge_dim, (long long)ew);
            if (!ew) ew = s->edge_dim;
            if (!ew)
                return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) needs edge features: set its edge_dim "
                              "to the data's edge feature count", k + 1, NAMES[s->kind]);
            if (s->kind == TG_GNN_MPNN) ew = s->out;
            if (s->kind == TG_GNN_EDGE_READOUT) edges = true;
        }
        if (s->kind >= TG_GNN_SUM_POOL && s->kind <= TG_GNN_MAX_POOL) {
            if (pooled) return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d pools twice", k + 1);
            pooled = true;
        }
        if (s->kind == TG_GNN_DROPOUT || s->kind == TG_GNN_GAT)
            if (!(s->p >= 0 && s->p < 1))
                return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) needs 0 <= p < 1", k + 1, NAMES[s->kind]);
    }
    tg_gnn_model *m = tg_calloc(1, sizeof *m);
    if (!m) return tg_msg(msg, TG_ERR_NOMEM, "gnn.model: out of memory");
    m->nl = nl;
    m->in_f = in_features;
    if (!(m->layers = tg_malloc(sizeof *m->layers * (size_t)nl)) ||
        !(m->dims = tg_malloc(sizeof *m->dims * (size_t)(nl + 1))) ||
        !(m->first_param = tg_malloc(sizeof *m->first_param * (size_t)(nl + 1))) ||
        !(m->params = tg_calloc((size_t)nl * 12, sizeof *m->params)))
        goto nomem;
    memcpy(m->layers, layers, sizeof *m->layers * (size_t)nl);
    m->dims[0] = in_features;
    ew = 0;
    for (int k = 0; k < nl; k++) {
        tg_gnn_layer_spec *s = &m->layers[k];
        if (s->kind == TG_GNN_GINE || s->kind == TG_GNN_MPNN || s->kind == TG_GNN_EDGE_READOUT) {
            if (!ew) ew = s->edge_dim;
            s->edge_dim = ew;   /* every edge layer records its edge width (saved in the architecture) */
        }
        int64_t in = m->dims[k], o = s->out;
        m->first_param[k] = m->np;
        tg_status st = TG_OK;
        switch (s->kind) {
        case TG_GNN_LINEAR:
        case TG_GNN_GCN:
            st = add_param(m, k, "weight", in, o, true);
            break;
        case TG_GNN_SAGE_MEAN:
        case TG_GNN_SAGE_MAX:
            if ((st = add_param(m, k, "weight_neigh", in, o, true)) == TG_OK)
                st = add_param(m, k, "weight_self", in, o, true);
            break;
        case TG_GNN_GIN:
            if ((st = add_param(m, k, "weight1", in, o, true)) == TG_OK &&
                (st = add_param(m, k, "bias1", 1, o, false)) == TG_OK)
                st = add_param(m, k, "weight2", o, o, true);
            break;
        case TG_GNN_GAT:
            if ((st = add_param(m, k, "weight", in, o * s->heads, true)) == TG_OK &&
                (st = add_param(m, k, "att_src", 1, o * s->heads, false)) == TG_OK)
                st = add_param(m, k, "att_dst", 1, o * s->heads, false);
            break;
        case TG_GNN_LAYER_NORM:
            if ((st = add_param(m, k, "gamma", 1, in, false)) == TG_OK) st = add_param(m, k, "beta", 1, in, false);
            break;
        case TG_GNN_BATCH_NORM:
            if ((st = add_param(m, k, "gamma", 1, in, false)) == TG_OK &&
                (st = add_param(m, k, "beta", 1, in, false)) == TG_OK &&
                (st = add_param(m, k, "running_mean", 1, in, false)) == TG_OK)
                st = add_param(m, k, "running_var", 1, in, false);
            if (st == TG_OK) m->params[m->np - 1].buffer = m->params[m->np - 2].buffer = true;
            break;
        case TG_GNN_GINE:   /* edge features projected to the node width, then GIN's MLP */
            if ((st = add_param(m, k, "weight_edge", ew, in, true)) == TG_OK &&
                (st = add_param(m, k, "bias_edge", 1, in, false)) == TG_OK &&
                (st = add_param(m, k, "weight1", in, o, true)) == TG_OK &&
                (st = add_param(m, k, "bias1", 1, o, false)) == TG_OK)
                st = add_param(m, k, "weight2", o, o, true);
            break;
        case TG_GNN_MPNN:   /* [x_j, x_i, e] W = x_j W_src + x_i W_dst + e W_edge; [x_i, agg] likewise */
            if ((st = add_param(m, k, "weight_e_src", in, o, true)) == TG_OK &&
                (st = add_param(m, k, "weight_e_dst", in, o, true)) == TG_OK &&
                (st = add_param(m, k, "weight_e_edge", ew, o, true)) == TG_OK &&
                (st = add_param(m, k, "bias_e1", 1, o, false)) == TG_OK &&
                (st = add_param(m, k, "weight_e2", o, o, true)) == TG_OK &&
                (st = add_param(m, k, "bias_e2", 1, o, false)) == TG_OK &&
                (st = add_param(m, k, "weight_n_self", in, o, true)) == TG_OK &&
                (st = add_param(m, k, "weight_n_agg", o, o, true)) == TG_OK &&
                (st = add_param(m, k, "bias_n1", 1, o, false)) == TG_OK)
                st = add_param(m, k, "weight_n2", o, o, true);
            break;
        default:
            break;
        }
        if (st == TG_OK && has_weights(s->kind) && s->bias)
            st = add_param(m, k, "bias", 1, s->kind == TG_GNN_GAT && s->concat ? o * s->heads : o, false);
        if (st != TG_OK) goto nomem;
        m->dims[k + 1] = has_weights(s->kind) ? (s->kind == TG_GNN_GAT && s->concat ? o * s->heads : o) : in;
        if (s->kind == TG_GNN_EDGE_READOUT) m->dims[k + 1] = ew;
        if (s->kind == TG_GNN_MPNN) ew = o;
    }
    m->first_param[nl] = m->np;
    m->out_f = m->dims[nl];
    tg_gnn_model_reset(m, seed);
    *out = m;
    return TG_OK;
nomem:
    tg_gnn_model_free(&m);
    return tg_msg(msg, TG_ERR_NOMEM, "gnn.model: out of memory");
}

void tg_gnn_model_reset(tg_gnn_model *m, uint64_t seed)
{
    tg_rng r;
    tg_rng_seed(&r, seed);
    for (int k = 0; k < m->np; k++) {
        gnn_param *p = &m->params[k];
        size_t sz = (size_t)(p->rows * p->cols);
        memset(p->grad, 0, sz * sizeof(float));
        memset(p->m1, 0, sz * sizeof(float));
        memset(p->m2, 0, sz * sizeof(float));
        bool bias = strstr(p->name, ".bias") != NULL || strstr(p->name, ".beta") != NULL;
        if (bias) {
            memset(p->val, 0, sz * sizeof(float));
            continue;
        }
        if (strstr(p->name, ".running_mean")) {   /* batch norm: mean 0, variance 1 */
            memset(p->val, 0, sz * sizeof(float));
            continue;
        }
        if (strstr(p->name, ".gamma") || strstr(p->name, ".running_var")) {   /* norms start as the identity scale */
            for (size_t i = 0; i < sz; i++) p->val[i] = 1.0f;
            continue;
        }
        /* Glorot uniform; attention vectors (1 x heads*f) use fan f + 1 per head. */
        double fan = p->rows == 1 ? (double)m->layers[p->layer].out + 1 : (double)(p->rows + p->cols);
        double lim = sqrt(6.0 / fan);
        for (size_t i = 0; i < sz; i++) p->val[i] = (float)((2 * tg_rng_uniform(&r) - 1) * lim);
    }
}

int tg_gnn_model_layers(const tg_gnn_model *m) { return m->nl; }
const tg_gnn_layer_spec *tg_gnn_model_layer(const tg_gnn_model *m, int k) { return &m->layers[k]; }
int64_t tg_gnn_model_in_features(const tg_gnn_model *m) { return m->in_f; }
int64_t tg_gnn_model_out_features(const tg_gnn_model *m) { return m->out_f; }
int tg_gnn_model_params(const tg_gnn_model *m) { return m->np; }
const char *tg_gnn_model_param_name(const tg_gnn_model *m, int k) { return m->params[k].name; }

const char *tg_gnn_model_fit_config(const tg_gnn_model *m) { return m->fit; }

bool tg_gnn_model_is_graph_level(const tg_gnn_model *m)
{
    for (int k = 0; k < m->nl; k++)
        if (m->layers[k].kind >= TG_GNN_SUM_POOL && m->layers[k].kind <= TG_GNN_MAX_POOL) return true;
    return false;
}

int64_t tg_gnn_model_param_count(const tg_gnn_model *m)
{
    int64_t c = 0;
    for (int k = 0; k < m->np; k++) c += m->params[k].rows * m->params[k].cols;
    return c;
}

float *tg_gnn_model_param(const tg_gnn_model *m, int k, int64_t *rows, int64_t *cols)
{
    if (rows) *rows = m->params[k].rows;
    if (cols) *cols = m->params[k].cols;
    return m->params[k].val;
}

/* The tape node of parameter k (with its gradient only when training). */
static int P(const tg_gnn_model *m, gnn_tape *t, int k)
{
    gnn_param *p = &m->params[k];
    return tg_gnn_i_param(t, p->rows, p->cols, p->val, t->training ? p->grad : NULL);
}

static int forward_fail(gnn_tape *t, tg_status st, const char *what)
{
    if (t->err == TG_OK) {
        t->err = st;
        snprintf(t->msg, sizeof t->msg, "%s", what);
    }
    return -1;
}

/* Edge saliency: the weight leaf (m x 1, all ones) of graph g (the data's
 * graph or its self-loop graph), created on first use; -1 when off. */
static int emask(gnn_tape *t, const tg_gnn_data *d, const tg_gnn_graph *g)
{
    if (!t->use_emask) return -1;
    int w = g == d->g ? 0 : 1;
    if (t->emask[w] >= 0) return t->emask[w];
    float *one = tg_gnn_i_tape_floats_raw(t, (size_t)(g->m ? g->m : 1));
    if (!one) return -1;
    for (int64_t e = 0; e < g->m; e++) one[e] = 1.0f;
    int id = tg_gnn_i_leaf(t, g->m, 1, one);
    if (id >= 0) t->nodes[id].req = true;
    t->emask[w] = id;
    return id;
}

/* Messages (m x c, one row per edge of g) summed into their destinations,
 * scaled first by the edge weights in saliency mode. */
static int aggregate(gnn_tape *t, const tg_gnn_data *d, const tg_gnn_graph *g, gnn_op op, int msgs)
{
    if (t->use_emask) msgs = tg_gnn_i_edge_scale(t, msgs, emask(t, d, g));
    return tg_gnn_i_edge(t, op, g, msgs);
}

/* The sparse product of kind (0 sum, 1 mean, 2 GCN weights); in saliency
 * mode the same as gather, scale by (edge weight x kind's weight), scatter. */
static int spmm(gnn_tape *t, const tg_gnn_data *d, const tg_gnn_graph *g, int kind, int h)
{
    if (!t->use_emask) return tg_gnn_i_spmm(t, g, kind, h);
    int w = emask(t, d, g);
    if (kind) {
        float *kw = tg_gnn_i_tape_floats_raw(t, (size_t)(g->m ? g->m : 1));
        if (!kw) return -1;
        for (int64_t e = 0; e < g->m; e++)
            kw[e] = kind == 2 ? g->gcn_w[e] : 1.0f / (float)(g->rowptr[g->dst[e] + 1] - g->rowptr[g->dst[e]]);
        w = tg_gnn_i_mul(t, w, tg_gnn_i_leaf(t, g->m, 1, kw));
    }
    return tg_gnn_i_edge(t, OP_SCATTER_SUM, g, tg_gnn_i_edge_scale(t, tg_gnn_i_edge(t, OP_GATHER_SRC, g, h), w));
}

int tg_gnn_i_forward(const tg_gnn_model *m, gnn_tape *t, tg_gnn_data *d, const float *x)
{
    /* Edge layers read the data's edge features (as wide as the first edge layer's edge_dim). */
    for (int k = 0; k < m->nl; k++) {
        const tg_gnn_layer_spec *s = &m->layers[k];
        if (s->kind != TG_GNN_GINE && s->kind != TG_GNN_MPNN && s->kind != TG_GNN_EDGE_READOUT) continue;
        if (!d->ef || d->fe != s->edge_dim) {
            char what[TG_MSG_LEN];
            snprintf(what, sizeof what, "gnn: layer %d (%s) takes %lld edge features, the data has %lld", k + 1,
                     NAMES[s->kind], (long long)s->edge_dim, (long long)(d->ef ? d->fe : 0));
            return forward_fail(t, TG_ERR_ARG, what);
        }
        break;
    }
    const tg_gnn_graph *gl = NULL;
    for (int k = 0; k < m->nl; k++)
        if (m->layers[k].kind == TG_GNN_GCN || m->layers[k].kind == TG_GNN_GAT) {
            char msg[TG_MSG_LEN] = "";
            tg_status ls = tg_gnn_i_data_looped(d, &gl, msg);
            if (ls != TG_OK) {
                if (t->err == TG_OK) {
                    t->err = ls;   /* its own status: not every failure is out of memory */
                    snprintf(t->msg, sizeof t->msg, "%s", msg);
                }
                return -1;
            }
            break;
        }
    const tg_gnn_graph *g = d->g;
    int h = tg_gnn_i_leaf(t, d->n, m->in_f, x);
    int he = d->ef ? tg_gnn_i_leaf(t, g->m, d->fe, d->ef) : -1;   /* the edge state */
    /* Sparse input (bag-of-words features): leading dropout layers are held
     * back and folded into the first product, which then runs over the
     * nonzeros of X only.  Any other first layer gets the dense input.  A
     * dense input in training folds its leading dropout into the first
     * product too (the dropped copy of X is never stored). */
    bool raw = x == d->x && (d->xrp || t->training) && !t->dense_input;
    float pending = 0;
    for (int k = 0; k < m->nl && h >= 0; k++) {
        const tg_gnn_layer_spec *s = &m->layers[k];
        int q = m->first_param[k];
        if (raw && s->kind == TG_GNN_DROPOUT && pending == 0) {
            pending = (float)s->p;
            continue;
        }
        bool sparse_first = raw && (d->xrp || pending > 0) &&
                            (s->kind == TG_GNN_LINEAR || s->kind == TG_GNN_GCN || s->kind == TG_GNN_GAT);
        if (raw && !sparse_first) h = tg_gnn_i_dropout(t, h, pending);
        raw = false;
        /* X W of the first weighted layer, over X's nonzeros when sparse_first. */
#define XW(w) (!sparse_first ? tg_gnn_i_matmul(t, h, (w)) \
              : d->xrp ? tg_gnn_i_sparse_matmul(t, d->n, d->xrp, d->xcol, d->xval, pending, (w)) \
                       : tg_gnn_i_dropout_matmul(t, d->n, d->f, d->x, pending, (w)))
        switch (s->kind) {
        case TG_GNN_LINEAR:
            h = XW(P(m, t, q));
            break;
        case TG_GNN_GCN:
            /* Transform first: the sparse product then runs on the narrower width. */
            h = spmm(t, d, gl, 2, XW(P(m, t, q)));
            break;
        case TG_GNN_SAGE_MEAN:
        case TG_GNN_SAGE_MAX: {
            int nb = tg_gnn_i_matmul(t, h, P(m, t, q));
            nb = s->kind == TG_GNN_SAGE_MEAN ? spmm(t, d, g, 1, nb)
                                             : aggregate(t, d, g, OP_SCATTER_MAX, tg_gnn_i_edge(t, OP_GATHER_SRC, g, nb));
            h = tg_gnn_i_add(t, nb, tg_gnn_i_matmul(t, h, P(m, t, q + 1)));
            break;
        }
        case TG_GNN_GIN: {
            int agg = spmm(t, d, g, 0, h);
            agg = tg_gnn_i_add(t, agg, s->eps != 0 ? tg_gnn_i_scale(t, h, (float)(1 + s->eps)) : h);
            h = tg_gnn_i_bias(t, tg_gnn_i_matmul(t, agg, P(m, t, q)), P(m, t, q + 1));
            h = tg_gnn_i_unary(t, OP_RELU, h, 0);
            h = tg_gnn_i_matmul(t, h, P(m, t, q + 2));
            break;
        }
        case TG_GNN_GAT: {
            int xw = XW(P(m, t, q));
            int as = tg_gnn_i_head_dot(t, xw, P(m, t, q + 1), s->heads);
            int ad = tg_gnn_i_head_dot(t, xw, P(m, t, q + 2), s->heads);
            int e = tg_gnn_i_add(t, tg_gnn_i_edge(t, OP_GATHER_SRC, gl, as), tg_gnn_i_edge(t, OP_GATHER_DST, gl, ad));
            e = tg_gnn_i_unary(t, OP_LEAKY_RELU, e, (float)s->slope);
            int al = tg_gnn_i_dropout(t, tg_gnn_i_edge(t, OP_EDGE_SOFTMAX, gl, e), (float)s->p);
            if (t->use_emask) al = tg_gnn_i_edge_scale(t, al, emask(t, d, gl));
            h = tg_gnn_i_gat_agg(t, gl, al, xw);
            if (!s->concat && s->heads > 1) h = tg_gnn_i_head_mean(t, h, s->heads);
            break;
        }
        case TG_GNN_RELU: h = tg_gnn_i_unary(t, OP_RELU, h, 0); break;
        case TG_GNN_LEAKY_RELU: h = tg_gnn_i_unary(t, OP_LEAKY_RELU, h, (float)s->slope); break;
        case TG_GNN_ELU: h = tg_gnn_i_unary(t, OP_ELU, h, (float)s->alpha); break;
        case TG_GNN_TANH: h = tg_gnn_i_unary(t, OP_TANH, h, 0); break;
        case TG_GNN_SIGMOID: h = tg_gnn_i_unary(t, OP_SIGMOID, h, 0); break;
        case TG_GNN_DROPOUT: h = tg_gnn_i_dropout(t, h, (float)s->p); break;
        case TG_GNN_LAYER_NORM:
            h = tg_gnn_i_bias(t, tg_gnn_i_layer_norm(t, h, P(m, t, q)), P(m, t, q + 1));
            break;
        case TG_GNN_BATCH_NORM: {
            /* Training: batch statistics, and the running ones move towards
             * them (momentum 0.1, unbiased variance: torch.nn.BatchNorm1d). */
            gnn_param *rm = &m->params[q + 2], *rv = &m->params[q + 3];
            int bn = tg_gnn_i_batch_norm(t, h, P(m, t, q), t->training ? NULL : rm->val, t->training ? NULL : rv->val);
            if (bn >= 0 && t->training) {
                const float *st = tg_gnn_i_batch_norm_stats(t, bn);
                int64_t r = t->nodes[bn].rows, c = t->nodes[bn].cols;
                double unb = r > 1 ? (double)r / (double)(r - 1) : 1.0;
                for (int64_t j = 0; j < c; j++) {
                    rm->val[j] = (float)(0.9 * rm->val[j] + 0.1 * st[j]);
                    rv->val[j] = (float)(0.9 * rv->val[j] + 0.1 * st[c + j] * unb);
                }
            }
            h = tg_gnn_i_bias(t, bn, P(m, t, q + 1));
            break;
        }
        case TG_GNN_GINE: {
            /* messages ReLU(x_j + e_ji W_e + b_e), summed; then GIN's MLP */
            int ee = tg_gnn_i_bias(t, tg_gnn_i_matmul(t, he, P(m, t, q)), P(m, t, q + 1));
            int msgs = tg_gnn_i_unary(t, OP_RELU, tg_gnn_i_add(t, tg_gnn_i_edge(t, OP_GATHER_SRC, g, h), ee), 0);
            int agg = aggregate(t, d, g, OP_SCATTER_SUM, msgs);
            agg = tg_gnn_i_add(t, agg, s->eps != 0 ? tg_gnn_i_scale(t, h, (float)(1 + s->eps)) : h);
            h = tg_gnn_i_bias(t, tg_gnn_i_matmul(t, agg, P(m, t, q + 2)), P(m, t, q + 3));
            h = tg_gnn_i_unary(t, OP_RELU, h, 0);
            h = tg_gnn_i_matmul(t, h, P(m, t, q + 4));
            break;
        }
        case TG_GNN_MPNN: {
            /* Edge update from sender x_j, receiver x_i and e_ji. */
            int e1 = tg_gnn_i_add(t, tg_gnn_i_edge(t, OP_GATHER_SRC, g, tg_gnn_i_matmul(t, h, P(m, t, q))),
                                  tg_gnn_i_edge(t, OP_GATHER_DST, g, tg_gnn_i_matmul(t, h, P(m, t, q + 1))));
            e1 = tg_gnn_i_bias(t, tg_gnn_i_add(t, e1, tg_gnn_i_matmul(t, he, P(m, t, q + 2))), P(m, t, q + 3));
            int e2 = tg_gnn_i_bias(t, tg_gnn_i_matmul(t, tg_gnn_i_unary(t, OP_RELU, e1, 0), P(m, t, q + 4)),
                                   P(m, t, q + 5));
            int ew = he >= 0 ? (int)t->nodes[he].cols : 0;
            int enew = ew == s->out ? tg_gnn_i_add(t, he, e2) : e2;
            /* Node update from x_i and the sum of its new incoming edges. */
            int agg = aggregate(t, d, g, OP_SCATTER_SUM, enew);
            int n1 = tg_gnn_i_add(t, tg_gnn_i_matmul(t, h, P(m, t, q + 6)), tg_gnn_i_matmul(t, agg, P(m, t, q + 7)));
            n1 = tg_gnn_i_unary(t, OP_RELU, tg_gnn_i_bias(t, n1, P(m, t, q + 8)), 0);
            int n2 = tg_gnn_i_matmul(t, n1, P(m, t, q + 9));
            h = m->dims[k] == s->out ? tg_gnn_i_add(t, h, n2) : n2;
            he = enew;
            break;
        }
        case TG_GNN_EDGE_READOUT:
            h = he;
            break;
        case TG_GNN_SUM_POOL:
        case TG_GNN_MEAN_POOL:
        case TG_GNN_MAX_POOL:
            if (!d->gptr) {
                if (t->err == TG_OK) {
                    t->err = TG_ERR_ARG;
                    snprintf(t->msg, sizeof t->msg, "gnn: a pooling layer needs graph-level data (tg_gnn_data_batch)");
                }
                return -1;
            }
            h = tg_gnn_i_pool(t, h, d->ngraphs, d->gptr, (int)(s->kind - TG_GNN_SUM_POOL));
            break;
        default: assert(0); break;
        }
#undef XW
        if (has_weights(s->kind) && s->bias) h = tg_gnn_i_bias(t, h, P(m, t, m->first_param[k + 1] - 1));
    }
    if (raw) h = tg_gnn_i_dropout(t, h, pending);   /* only dropout layers */
    return h;
}
