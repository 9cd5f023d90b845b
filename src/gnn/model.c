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
    [TG_GNN_LAYER_NORM] = "layer_norm",
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

static bool has_weights(tg_gnn_layer_kind k) { return k <= TG_GNN_GAT; }

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
    bool pooled = false;
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
        if (pooled && s->kind >= TG_GNN_GCN && s->kind <= TG_GNN_GAT)
            return tg_msg(msg, TG_ERR_ARG, "gnn.model: layer %d (%s) follows a pooling layer: only linear "
                          "layers and activations can", k + 1, NAMES[s->kind]);
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
        !(m->params = tg_calloc((size_t)nl * 4, sizeof *m->params)))
        goto nomem;
    memcpy(m->layers, layers, sizeof *m->layers * (size_t)nl);
    m->dims[0] = in_features;
    for (int k = 0; k < nl; k++) {
        const tg_gnn_layer_spec *s = &layers[k];
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
        default:
            break;
        }
        if (st == TG_OK && has_weights(s->kind) && s->bias)
            st = add_param(m, k, "bias", 1, s->kind == TG_GNN_GAT && s->concat ? o * s->heads : o, false);
        if (st != TG_OK) goto nomem;
        m->dims[k + 1] = has_weights(s->kind) ? (s->kind == TG_GNN_GAT && s->concat ? o * s->heads : o) : in;
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
        if (strstr(p->name, ".gamma")) {   /* layer norm starts as the identity scale */
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

int tg_gnn_i_forward(const tg_gnn_model *m, gnn_tape *t, tg_gnn_data *d, const float *x)
{
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
            h = tg_gnn_i_spmm(t, gl, 2, XW(P(m, t, q)));
            break;
        case TG_GNN_SAGE_MEAN:
        case TG_GNN_SAGE_MAX: {
            int nb = tg_gnn_i_matmul(t, h, P(m, t, q));
            nb = s->kind == TG_GNN_SAGE_MEAN ? tg_gnn_i_spmm(t, g, 1, nb)
                                             : tg_gnn_i_edge(t, OP_SCATTER_MAX, g, tg_gnn_i_edge(t, OP_GATHER_SRC, g, nb));
            h = tg_gnn_i_add(t, nb, tg_gnn_i_matmul(t, h, P(m, t, q + 1)));
            break;
        }
        case TG_GNN_GIN: {
            int agg = tg_gnn_i_spmm(t, g, 0, h);
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
