/* test_gnn.c: the GNN engine.
 *
 * - Every tape operation's backward kernel against central finite
 *   differences of its forward kernel, and every layer's parameter
 *   gradients through a whole model (see gradcheck() for eps and tolerance).
 * - Training tests that assert reached accuracies on Cora (Planetoid split):
 *   GCN with the Kipf & Welling recipe, GAT (shortened), GAE / VGAE AUC.
 * - safetensors round trip (bit-identical, same predictions) and refusals
 *   (bad header, truncated tensor, shape mismatch), reader errors, AUC/AP
 *   on hand-computed cases, OOM injection, leak checks.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../test_util.h"
#include "gnn/gnn_internal.h"
#include "gnn/tg_gnn.h"

#ifndef TG_ROOT
#define TG_ROOT "."
#endif
#define CORA TG_ROOT "/data/cora"

/* ---- finite-difference gradient checks ------------------------------------ */

/* A small graph: 5 nodes, node 4 has no in-edges (scatter edge cases),
 * node 1 has three. */
static tg_gnn_graph *small_graph(bool loops)
{
    static const int64_t s[] = {0, 2, 3, 1, 4, 0, 2, 4};
    static const int64_t d[] = {1, 1, 1, 2, 2, 3, 0, 3};
    tg_gnn_graph *g = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_graph_new(&g, 5, 8, s, d, loops, msg), TG_OK);
    assert_int_equal(tg_gnn_i_graph_gcn_weights(g, msg), TG_OK);
    return g;
}

typedef struct gc_case {
    const char *name;
    int nin;
    int64_t rows[2], cols[2];
    int (*build)(gnn_tape *t, const int *in, const void *ctx);
    int kind;       /* input shaping: 0 generic, 1 away from kinks, 2 distinct per column */
} gc_case;

typedef struct gc_ctx { tg_gnn_graph *g, *gl; int32_t labels[8]; uint8_t mask[8]; float target[64]; int32_t pairs[6]; } gc_ctx;

static int b_matmul(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_matmul(t, in[0], in[1]); }
static int b_add(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_add(t, in[0], in[1]); }
static int b_bias(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_bias(t, in[0], in[1]); }
static int b_mul(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_mul(t, in[0], in[1]); }
static int b_scale(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_scale(t, in[0], -1.5f); }
static int b_relu(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_RELU, in[0], 0); }
static int b_leaky(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_LEAKY_RELU, in[0], 0.2f); }
static int b_elu(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_ELU, in[0], 1.0f); }
static int b_tanh(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_TANH, in[0], 0); }
static int b_sigmoid(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_SIGMOID, in[0], 0); }
static int b_exp(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_unary(t, OP_EXP, in[0], 0); }
static int b_dropout(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_dropout(t, in[0], 0.5f); }
static int b_spmm0(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_spmm(t, ((const gc_ctx *)c)->g, 0, in[0]); }
static int b_spmm1(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_spmm(t, ((const gc_ctx *)c)->gl, 1, in[0]); }
static int b_spmm2(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_spmm(t, ((const gc_ctx *)c)->gl, 2, in[0]); }
static int b_gsrc(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_GATHER_SRC, ((const gc_ctx *)c)->g, in[0]); }
static int b_gdst(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_GATHER_DST, ((const gc_ctx *)c)->g, in[0]); }
static int b_ssum(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_SCATTER_SUM, ((const gc_ctx *)c)->g, in[0]); }
static int b_smean(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_SCATTER_MEAN, ((const gc_ctx *)c)->g, in[0]); }
static int b_smax(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_SCATTER_MAX, ((const gc_ctx *)c)->g, in[0]); }
static int b_esoft(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_edge(t, OP_EDGE_SOFTMAX, ((const gc_ctx *)c)->g, in[0]); }
static int b_hdot(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_head_dot(t, in[0], in[1], 2); }
static int b_gat(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_gat_agg(t, ((const gc_ctx *)c)->g, in[0], in[1]); }
static int b_hmean(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_head_mean(t, in[0], 2); }
static int b_ce(gnn_tape *t, const int *in, const void *c)
{
    const gc_ctx *x = c;
    return tg_gnn_i_ce(t, in[0], x->labels, x->mask, 0);
}
static int b_mse(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_regress(t, OP_MSE, in[0], ((const gc_ctx *)c)->target); }
static int b_mse_masked(gnn_tape *t, const int *in, const void *c)
{
    const gc_ctx *x = c;
    return tg_gnn_i_regress_masked(t, OP_MSE, in[0], x->target, x->mask, 0);
}
static int b_mae(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_regress(t, OP_MAE, in[0], ((const gc_ctx *)c)->target); }
static int b_bce(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_regress(t, OP_BCE_LOGITS, in[0], ((const gc_ctx *)c)->target); }
static int b_kl(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_kl_normal(t, in[0], in[1]); }
static int b_pair(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_pair_dot(t, in[0], 3, ((const gc_ctx *)c)->pairs); }
/* Graphs of 2, 0 and 3 nodes over a 5 x 3 input. */
static const int64_t gptr_test[4] = {0, 2, 2, 5};
static int b_pool0(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_pool(t, in[0], 3, gptr_test, 0); }
static int b_pool1(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_pool(t, in[0], 3, gptr_test, 1); }
static int b_pool2(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_pool(t, in[0], 3, gptr_test, 2); }
static int b_lnorm(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_layer_norm(t, in[0], in[1]); }
static int b_bnorm(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_batch_norm(t, in[0], in[1], NULL, NULL); }
static int b_bnorm_eval(gnn_tape *t, const int *in, const void *c)
{
    (void)c;
    static const float rm[3] = {0.25f, -0.5f, 0.1f}, rv[3] = {0.5f, 2.0f, 1.0f};
    return tg_gnn_i_batch_norm(t, in[0], in[1], rm, rv);
}
static int b_escale(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_edge_scale(t, in[0], in[1]); }
static int b_slice(gnn_tape *t, const int *in, const void *c) { (void)c; return tg_gnn_i_slice_cols(t, in[0], 1, 2); }
/* Kipf & Welling's weighted reconstruction over all 5 x 5 pairs of the
 * looped small graph (positives weighted 2.5). */
static int b_gram(gnn_tape *t, const int *in, const void *c) { return tg_gnn_i_gram_bce(t, in[0], ((const gc_ctx *)c)->gl, 2.5f); }
/* A 5 x 4 sparse X (row 3 empty) times W (in[0], 4 x 3), with dropout 0.5 on
 * the nonzeros (the same mask in every run: the tape seed is fixed). */
static int b_sparse(gnn_tape *t, const int *in, const void *c)
{
    (void)c;
    static const int64_t rp[6] = {0, 2, 3, 5, 5, 7};
    static const int32_t col[7] = {0, 3, 1, 0, 2, 1, 3};
    static const float val[7] = {0.5f, -1.0f, 2.0f, 0.25f, 1.5f, -0.75f, 1.0f};
    return tg_gnn_i_sparse_matmul(t, 5, rp, col, val, 0.5f, in[0]);
}

/* sum(out * R) in double, R fixed pseudo-random weights. */
static double weighted(const gnn_node *o, const float *R)
{
    double s = 0;
    for (int64_t i = 0; i < o->rows * o->cols; i++) s += (double)o->val[i] * R[i];
    return s;
}

static int run_case(const gc_case *c, const gc_ctx *ctx, float **x, gnn_tape *t, bool req)
{
    tg_gnn_i_tape_init(t, 7);   /* same seed: dropout draws the same mask every run */
    t->training = true;
    int in[2];
    for (int k = 0; k < c->nin; k++) {
        in[k] = tg_gnn_i_leaf(t, c->rows[k], c->cols[k], x[k]);
        t->nodes[in[k]].req = req;
    }
    return c->build(t, in, ctx);
}

/* Central differences with eps = 1e-2 on inputs of order 1.  The forward
 * kernels run in float (relative rounding ~6e-8), so the difference
 * quotient carries ~1e-5 of rounding noise and O(eps^2) ~ 1e-4 of
 * truncation error; the tolerance 3e-3 + 2e-2 |g| is well above both and
 * far below the size of any real mistake (a wrong sign, factor or index
 * gives errors of order |g|).  Inputs of piecewise-linear ops are kept
 * >= 0.1 from their kinks (|x| >= 0.1; distinct values per group for max),
 * so no difference straddles a kink. */
static void gradcheck(const gc_case *c, const gc_ctx *ctx, bool *covered)
{
    tg_rng r;
    tg_rng_seed(&r, 42);
    float *x[2] = {NULL, NULL}, *ana[2] = {NULL, NULL};
    for (int k = 0; k < c->nin; k++) {
        int64_t sz = c->rows[k] * c->cols[k];
        x[k] = calloc((size_t)sz, sizeof(float));
        ana[k] = calloc((size_t)sz, sizeof(float));
        for (int64_t i = 0; i < sz; i++) {
            float v = (float)(2 * tg_rng_uniform(&r) - 1);
            if (c->kind == 1) v = (v < 0 ? -0.1f : 0.1f) + 0.9f * v;
            if (c->kind == 2) v = 0.1f * (float)((i * 7) % sz) - 1.0f;   /* distinct, spaced 0.1 */
            x[k][i] = v;
        }
    }
    gnn_tape t;
    int out = run_case(c, ctx, x, &t, true);
    assert_true(out >= 0);
    gnn_node *o = &t.nodes[out];
    float *R = calloc((size_t)(o->rows * o->cols), sizeof(float));
    for (int64_t i = 0; i < o->rows * o->cols; i++) R[i] = (float)(2 * tg_rng_uniform(&r) - 1);
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_i_backward_seed(&t, out, 0, R, msg), TG_OK);
    for (size_t k = 0; k < t.n; k++) covered[t.nodes[k].op] = true;
    for (int k = 0; k < c->nin; k++)
        memcpy(ana[k], t.nodes[k].grad, sizeof(float) * (size_t)(c->rows[k] * c->cols[k]));
    tg_gnn_i_tape_free(&t);
    const double eps = 1e-2;
    for (int k = 0; k < c->nin; k++)
        for (int64_t i = 0; i < c->rows[k] * c->cols[k]; i++) {
            float keep = x[k][i];
            x[k][i] = (float)(keep + eps);
            int o1 = run_case(c, ctx, x, &t, false);
            double lp = weighted(&t.nodes[o1], R);
            tg_gnn_i_tape_free(&t);
            x[k][i] = (float)(keep - eps);
            int o2 = run_case(c, ctx, x, &t, false);
            double lm = weighted(&t.nodes[o2], R);
            tg_gnn_i_tape_free(&t);
            x[k][i] = keep;
            double num = (lp - lm) / (2 * eps), a = ana[k][i];
            if (fabs(num - a) > 3e-3 + 2e-2 * fabs(a))
                fail_msg("%s: input %d element %lld: backward %.6g, finite difference %.6g", c->name, k,
                         (long long)i, a, num);
        }
    for (int k = 0; k < c->nin; k++) {
        free(x[k]);
        free(ana[k]);
    }
    free(R);
}

static void test_ops_gradcheck(void **state)
{
    (void)state;
    tg_test_install_allocator();
    gc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.g = small_graph(false);
    ctx.gl = small_graph(true);
    int64_t m = ctx.g->m;
    int32_t lab[5] = {0, 3, 1, -1, 2};
    uint8_t msk[5] = {0, 0, 1, 0, 0};   /* node 2 is not in the loss, node 3 unlabelled */
    memcpy(ctx.labels, lab, sizeof lab);
    memcpy(ctx.mask, msk, sizeof msk);
    for (int i = 0; i < 12; i++) ctx.target[i] = (float)((i % 3) == 0) ;
    for (int i = 0; i < 12; i++) ctx.target[i] += (i % 2) ? 0.35f : -0.35f;   /* MSE/MAE: off the inputs */
    int32_t pr[6] = {0, 1, 2, 4, 3, 3};
    memcpy(ctx.pairs, pr, sizeof pr);
    gc_case bce = {"bce_logits", 1, {4, 0}, {3, 0}, b_bce, 0};
    const gc_case cases[] = {
        {"matmul", 2, {4, 3}, {3, 2}, b_matmul, 0},
        {"add", 2, {4, 4}, {3, 3}, b_add, 0},
        {"bias", 2, {4, 1}, {3, 3}, b_bias, 0},
        {"mul", 2, {4, 4}, {3, 3}, b_mul, 0},
        {"scale", 1, {4, 0}, {3, 0}, b_scale, 0},
        {"relu", 1, {4, 0}, {3, 0}, b_relu, 1},
        {"leaky_relu", 1, {4, 0}, {3, 0}, b_leaky, 1},
        {"elu", 1, {4, 0}, {3, 0}, b_elu, 1},
        {"tanh", 1, {4, 0}, {3, 0}, b_tanh, 0},
        {"sigmoid", 1, {4, 0}, {3, 0}, b_sigmoid, 0},
        {"exp", 1, {4, 0}, {3, 0}, b_exp, 0},
        {"dropout", 1, {6, 0}, {5, 0}, b_dropout, 0},
        {"spmm sum", 1, {5, 0}, {3, 0}, b_spmm0, 0},
        {"spmm mean", 1, {5, 0}, {3, 0}, b_spmm1, 0},
        {"spmm gcn", 1, {5, 0}, {3, 0}, b_spmm2, 0},
        {"gather_src", 1, {5, 0}, {3, 0}, b_gsrc, 0},
        {"gather_dst", 1, {5, 0}, {3, 0}, b_gdst, 0},
        {"scatter_sum", 1, {m, 0}, {3, 0}, b_ssum, 0},
        {"scatter_mean", 1, {m, 0}, {3, 0}, b_smean, 0},
        {"scatter_max", 1, {m, 0}, {3, 0}, b_smax, 2},
        {"edge_softmax", 1, {m, 0}, {2, 0}, b_esoft, 0},
        {"head_dot", 2, {5, 1}, {6, 6}, b_hdot, 0},
        {"gat_agg", 2, {m, 5}, {2, 6}, b_gat, 0},
        {"head_mean", 1, {5, 0}, {6, 0}, b_hmean, 0},
        {"cross_entropy", 1, {5, 0}, {4, 0}, b_ce, 0},
        {"mse", 1, {4, 0}, {3, 0}, b_mse, 0},
        {"mae", 1, {4, 0}, {3, 0}, b_mae, 1},
        {"mse (rows with mask 0)", 1, {4, 0}, {3, 0}, b_mse_masked, 0},
        bce,
        {"kl_normal", 2, {4, 4}, {3, 3}, b_kl, 0},
        {"pair_dot", 1, {5, 0}, {3, 0}, b_pair, 0},
        {"sparse_matmul", 1, {4, 0}, {3, 0}, b_sparse, 0},
        {"sum_pool", 1, {5, 0}, {3, 0}, b_pool0, 0},
        {"mean_pool", 1, {5, 0}, {3, 0}, b_pool1, 0},
        {"max_pool", 1, {5, 0}, {3, 0}, b_pool2, 2},
        {"layer_norm", 2, {4, 1}, {5, 5}, b_lnorm, 0},
        {"batch_norm", 2, {5, 1}, {3, 3}, b_bnorm, 0},
        {"batch_norm (running statistics)", 2, {5, 1}, {3, 3}, b_bnorm_eval, 0},
        {"edge_scale", 2, {6, 6}, {3, 1}, b_escale, 0},
        {"slice_cols", 1, {4, 0}, {5, 0}, b_slice, 0},
        {"gram_bce", 1, {5, 0}, {3, 0}, b_gram, 0},
    };
    bool covered[OP_COUNT] = {false};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) gradcheck(&cases[k], &ctx, covered);
    /* Every op of the enum has a name in the table and was checked here. */
    for (int op = 0; op < OP_COUNT; op++) {
        if (!tg_gnn_i_op_name((gnn_op)op)) fail_msg("op %d has no row in the table", op);
        if (op != OP_PARAM && !covered[op]) fail_msg("op %s has no gradient check", tg_gnn_i_op_name((gnn_op)op));
    }
    tg_gnn_graph_free(&ctx.g);
    tg_gnn_graph_free(&ctx.gl);
    TG_CHECK_NO_LEAK();
}

/* Every layer kind: parameter gradients of a whole model (layer, tanh,
 * linear, cross-entropy) against finite differences of the loss. */
static double model_loss(tg_gnn_model *mo, tg_gnn_data *d, bool grads)
{
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 3);
    t.training = true;
    char msg[TG_MSG_LEN];
    for (int k = 0; k < mo->np; k++) memset(mo->params[k].grad, 0, sizeof(float) * (size_t)(mo->params[k].rows * mo->params[k].cols));
    int out = tg_gnn_i_forward(mo, &t, d, d->x);
    int loss = tg_gnn_i_ce(&t, out, d->y, NULL, 0);
    assert_true(loss >= 0);
    double v = t.nodes[loss].val[0];
    if (grads) assert_int_equal(tg_gnn_i_backward(&t, loss, msg), TG_OK);
    tg_gnn_i_tape_free(&t);
    return v;
}

/* 5 nodes, 4 features, 3 classes; split may be NULL. */
static tg_status small_data_try(tg_gnn_data **data, const uint8_t *split, char *msg)
{
    static const int64_t s[] = {0, 2, 3, 1, 4, 0, 2, 4, 1};
    static const int64_t d[] = {1, 1, 1, 2, 2, 3, 0, 3, 1};   /* one self loop */
    tg_gnn_graph *g = NULL;
    float x[5 * 4];
    tg_rng r;
    tg_rng_seed(&r, 5);
    for (int i = 0; i < 20; i++) x[i] = (float)(2 * tg_rng_uniform(&r) - 1);
    int32_t y[5] = {0, 1, 2, 1, 0};
    tg_status st = tg_gnn_graph_new(&g, 5, 9, s, d, false, msg);
    if (st == TG_OK) st = tg_gnn_data_new(data, &g, 4, x, y, split, msg);
    tg_gnn_graph_free(&g);
    return st;
}

static tg_gnn_data *small_data(void)
{
    tg_gnn_data *data = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(small_data_try(&data, NULL, msg), TG_OK);
    return data;
}

static void test_layers_gradcheck(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = small_data();
    const tg_gnn_layer_kind kinds[] = {TG_GNN_LINEAR, TG_GNN_GCN, TG_GNN_SAGE_MEAN, TG_GNN_SAGE_MAX,
                                       TG_GNN_GIN, TG_GNN_GAT, TG_GNN_GAT, TG_GNN_LAYER_NORM};
    for (size_t q = 0; q < sizeof kinds / sizeof kinds[0]; q++) {
        tg_gnn_layer_spec L[3] = {tg_gnn_layer_default(kinds[q]), tg_gnn_layer_default(TG_GNN_TANH),
                                  tg_gnn_layer_default(TG_GNN_LINEAR)};
        L[0].out = 3;
        L[2].out = 3;
        if (q == 5) L[0].heads = 2;               /* concatenated heads */
        if (q == 6) L[0].heads = 3, L[0].concat = false;   /* averaged heads */
        if (kinds[q] == TG_GNN_GIN) L[0].eps = 0.25;
        tg_gnn_model *mo = NULL;
        char msg[TG_MSG_LEN];
        assert_int_equal(tg_gnn_model_new(&mo, 3, L, 4, 11 + q, msg), TG_OK);
        model_loss(mo, d, true);
        float *grads[16];
        for (int k = 0; k < mo->np; k++) {   /* the finite differences below overwrite the gradients */
            size_t sz = (size_t)(mo->params[k].rows * mo->params[k].cols);
            grads[k] = malloc(sizeof(float) * sz);
            memcpy(grads[k], mo->params[k].grad, sizeof(float) * sz);
        }
        const double eps = 1e-2;
        for (int k = 0; k < mo->np; k++) {
            gnn_param *p = &mo->params[k];
            int64_t sz = p->rows * p->cols;
            float *ana = grads[k];
            for (int64_t i = 0; i < sz; i++) {
                float keep = p->val[i];
                p->val[i] = (float)(keep + eps);
                double lp = model_loss(mo, d, false);
                p->val[i] = (float)(keep - eps);
                double lm = model_loss(mo, d, false);
                p->val[i] = keep;
                double num = (lp - lm) / (2 * eps);
                if (fabs(num - ana[i]) > 3e-3 + 2e-2 * fabs(ana[i]))
                    fail_msg("layer %s (case %zu): %s[%lld]: backward %.6g, finite difference %.6g",
                             tg_gnn_layer_name(kinds[q]), q, p->name, (long long)i, ana[i], num);
            }
            free(ana);
        }
        tg_gnn_model_free(&mo);
    }
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* ---- metrics ---------------------------------------------------------------- */

static void test_auc_ap(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    /* Ranked 1 0 1 1 0 0: positive-negative pairs ranked right 3+2+2 of 9;
     * AP = (1/1 + 2/3 + 3/4) / 3 (precision at each positive). */
    double s[6] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4}, auc, ap;
    uint8_t y[6] = {1, 0, 1, 1, 0, 0};
    assert_int_equal(tg_gnn_auc_ap(6, s, y, &auc, &ap, msg), TG_OK);
    assert_float_equal(auc, 7.0 / 9.0, 1e-12);
    assert_float_equal(ap, (1 + 2.0 / 3 + 0.75) / 3, 1e-12);
    /* A tie between a positive and a negative: half credit; AP = 1/2. */
    double t2[2] = {1, 1};
    uint8_t y2[2] = {1, 0};
    assert_int_equal(tg_gnn_auc_ap(2, t2, y2, &auc, &ap, msg), TG_OK);
    assert_float_equal(auc, 0.5, 1e-12);
    assert_float_equal(ap, 0.5, 1e-12);
    uint8_t y3[2] = {1, 1};
    assert_int_equal(tg_gnn_auc_ap(2, t2, y3, &auc, &ap, msg), TG_ERR_ARG);
    assert_msg_has(msg, "both positive and negative");
    TG_CHECK_NO_LEAK();
}

/* ---- Cora ------------------------------------------------------------------- */

static tg_gnn_data *cora(void)
{
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    if (tg_gnn_data_read_cora(CORA, true, &d, msg) != TG_OK) fail_msg("%s", msg);
    return d;
}

static void test_cora_reader(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = cora();
    /* Figures of data/cora/SOURCE.md: 2708 papers, 1433 words, 7 classes,
     * 5278 undirected edges, split 140/500/1000. */
    assert_int_equal(tg_gnn_data_nodes(d), 2708);
    assert_int_equal(tg_gnn_data_features(d), 1433);
    assert_int_equal(tg_gnn_data_classes(d), 7);
    assert_int_equal(tg_gnn_graph_edges(tg_gnn_data_graph(d)), 2 * 5278);
    assert_int_equal(tg_gnn_data_split_count(d, TG_GNN_TRAIN), 140);
    assert_int_equal(tg_gnn_data_split_count(d, TG_GNN_VAL), 500);
    assert_int_equal(tg_gnn_data_split_count(d, TG_GNN_TEST), 1000);
    assert_string_equal(tg_gnn_data_class_name(d, 0), "Case_Based");
    assert_string_equal(tg_gnn_data_node_id(d, 0), "31336");
    int counts[7] = {0};
    for (int64_t i = 0; i < 2708; i++) counts[tg_gnn_data_labels(d)[i]]++;
    assert_int_equal(counts[2], 818);   /* Neural_Networks */
    tg_gnn_data_free(&d);
    /* Errors name the file and line. */
    char msg[TG_MSG_LEN];
    const char *dir = "/tmp/tg_gnn_test_cora";
    assert_int_equal(system("mkdir -p /tmp/tg_gnn_test_cora"), 0);
    FILE *f = fopen("/tmp/tg_gnn_test_cora/cora.content", "w");
    fprintf(f, "1\t0\t1\tA\n2\t1\t0\tB\n3\t1\tA\n");
    fclose(f);
    f = fopen("/tmp/tg_gnn_test_cora/cora.cites", "w");
    fprintf(f, "1\t2\n");
    fclose(f);
    assert_int_equal(tg_gnn_data_read_cora(dir, false, &d, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "cora.content:3: 1 features, the first line had 2");
    f = fopen("/tmp/tg_gnn_test_cora/cora.content", "w");
    fprintf(f, "1\t0\t1\tA\n2\t1\t0\tB\n");
    fclose(f);
    f = fopen("/tmp/tg_gnn_test_cora/cora.cites", "w");
    fprintf(f, "1\t2\n2\t9\n");
    fclose(f);
    assert_int_equal(tg_gnn_data_read_cora(dir, false, &d, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "cora.cites:2: unknown paper id 9");
    assert_null(d);
    assert_int_equal(tg_gnn_data_read_cora("/nonexistent", false, &d, msg), TG_ERR_IO);
    assert_msg_has(msg, "/nonexistent/cora.content: cannot open");
    TG_CHECK_NO_LEAK();
}

/* Kipf & Welling's recipe: dropout 0.5, GCN(16) with L2 5e-4 on the first
 * layer only, no bias, ReLU, GCN(7), Adam lr 0.01, up to 200 epochs,
 * stopping when the validation loss exceeds the mean of the last 10. */
static tg_gnn_model *kipf_gcn(uint64_t seed)
{
    tg_gnn_layer_spec L[5] = {tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_GCN),
                              tg_gnn_layer_default(TG_GNN_RELU), tg_gnn_layer_default(TG_GNN_DROPOUT),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].p = L[3].p = 0.5;
    L[1].out = 16;
    L[1].weight_decay = 5e-4;
    L[4].out = 7;
    L[4].weight_decay = 0;
    L[1].bias = L[4].bias = false;
    tg_gnn_model *m = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_model_new(&m, 5, L, 1433, seed, msg), TG_OK);
    return m;
}

static void test_cora_gcn(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = cora();
    tg_gnn_model *m = kipf_gcn(1);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.window = 10;
    o.seed = 1;
    tg_gnn_fit_result r;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_fit(m, d, &o, NULL, NULL, &r, msg), TG_OK);
    double loss, acc;
    assert_int_equal(tg_gnn_evaluate(m, d, TG_GNN_TEST, &loss, &acc, msg), TG_OK);
    printf("GCN seed 1: %d epochs, test accuracy %.4f, val %.4f\n", r.epochs, acc, r.val_acc);
    /* Kipf & Welling: 81.5 %; over 10 seeds this engine gives 81.9 %
     * (docs/gnn.md).  One seed varies by about +-1 point. */
    assert_true(acc >= 0.795);
    assert_true(r.epochs > 20);
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* Train a fresh model of nl layers L on d for 20 epochs with the given
 * seed and thread count; its parameters are copied into w (n floats). */
static size_t fit_params(tg_gnn_data *d, int nl, const tg_gnn_layer_spec *L, uint64_t seed, int threads, float *w,
                         size_t cap)
{
    char msg[TG_MSG_LEN];
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, nl, L, 1433, 7, msg), TG_OK);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = 20;
    o.seed = seed;
    o.threads = threads;
    assert_int_equal(tg_gnn_fit(m, d, &o, NULL, NULL, NULL, msg), TG_OK);
    size_t n = 0;
    for (int k = 0; k < tg_gnn_model_params(m); k++) {
        int64_t r, c;
        float *p = tg_gnn_model_param(m, k, &r, &c);
        assert_true(n + (size_t)(r * c) <= cap);
        memcpy(w + n, p, sizeof(float) * (size_t)(r * c));
        n += (size_t)(r * c);
    }
    tg_gnn_model_free(&m);
    return n;
}

/* Review finding 14: for a fixed seed and thread count, training is
 * bit-for-bit reproducible (dropout masks, parallel sparse products and
 * GAT's scatter all included); a different seed gives other weights. */
static void test_fit_deterministic(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = cora();
    tg_gnn_layer_spec L[5] = {tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_GAT),
                              tg_gnn_layer_default(TG_GNN_ELU), tg_gnn_layer_default(TG_GNN_DROPOUT),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].p = L[3].p = 0.5;
    L[1].out = 8;
    L[1].heads = 2;
    L[1].p = 0.3;
    L[4].out = 7;
    size_t cap = 1433 * 16 + 1024;
    float *a = malloc(sizeof(float) * cap), *b = malloc(sizeof(float) * cap);
    for (int threads = 1; threads <= 2; threads++) {
        size_t na = fit_params(d, 5, L, 3, threads, a, cap);
        size_t nb = fit_params(d, 5, L, 3, threads, b, cap);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, sizeof(float) * na);
        nb = fit_params(d, 5, L, 4, threads, b, cap);
        assert_memory_not_equal(a, b, sizeof(float) * na);
    }
    free(a);
    free(b);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* Review finding 10: fit{threads = T} puts both process-wide pools back. */
static void test_fit_restores_threads(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = cora();
    tg_gnn_layer_spec L[1] = {tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].out = 7;
    float *w = malloc(sizeof(float) * 1433 * 8);
    int blas = openblas_get_num_threads();
#ifdef _OPENMP
    int omp = omp_get_max_threads();
#endif
    int other = blas == 1 ? 2 : 1;
    fit_params(d, 1, L, 1, other, w, 1433 * 8);
    assert_int_equal(openblas_get_num_threads(), blas);
#ifdef _OPENMP
    assert_int_equal(omp_get_max_threads(), omp);
#endif
    free(w);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

static void test_cora_gat(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = cora();
    /* GAT (Velickovic et al.): dropout 0.6 on inputs and attention, 8 heads
     * x 8 ELU units, 1 output head, Adam lr 0.005, L2 5e-4.  Shortened to
     * 150 epochs here (the full run with patience 100 is the example
     * script's); after 150 epochs it is already above 80 %. */
    tg_gnn_layer_spec L[5] = {tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_GAT),
                              tg_gnn_layer_default(TG_GNN_ELU), tg_gnn_layer_default(TG_GNN_DROPOUT),
                              tg_gnn_layer_default(TG_GNN_GAT)};
    L[0].p = L[3].p = 0.6;
    L[1].out = 8;
    L[1].heads = 8;
    L[1].p = 0.6;
    L[4].out = 7;
    L[4].p = 0.6;
    tg_gnn_model *m = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_model_new(&m, 5, L, 1433, 1, msg), TG_OK);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.lr = 0.005;
    o.weight_decay = 5e-4;
    o.epochs = 150;
    o.patience = 100;
    tg_gnn_fit_result r;
    assert_int_equal(tg_gnn_fit(m, d, &o, NULL, NULL, &r, msg), TG_OK);
    double acc;
    assert_int_equal(tg_gnn_evaluate(m, d, TG_GNN_TEST, NULL, &acc, msg), TG_OK);
    printf("GAT seed 1, 150 epochs: test accuracy %.4f\n", acc);
    assert_true(acc >= 0.80);
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

static void test_cora_gae(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_data_read_cora(CORA, false, &d, msg), TG_OK);
    tg_gnn_link_opts o = tg_gnn_link_defaults();
    tg_gnn_link_result r;
    o.variational = true;
    assert_int_equal(tg_gnn_link_train(d, &o, &r, msg), TG_OK);
    printf("VGAE seed 1: AUC %.4f AP %.4f (%lld train, %lld test edges)\n", r.auc, r.ap, (long long)r.train_edges,
           (long long)r.test_edges);
    /* Kipf & Welling 2016: VGAE AUC 91.4, AP 92.6 on Cora. */
    assert_int_equal(r.test_edges, 527);   /* 10 % of 5278 */
    assert_true(r.auc >= 0.89);
    assert_true(r.ap >= 0.89);
    tg_gnn_data_free(&d);
    /* A complete graph has no non-edges to sample: refused, not a hang. */
    int64_t cs[380], cd[380], k = 0;
    for (int i = 0; i < 20; i++)
        for (int j = 0; j < 20; j++)
            if (i != j) cs[k] = i, cd[k++] = j;
    tg_gnn_graph *g = NULL;
    float x1[20];
    for (int i = 0; i < 20; i++) x1[i] = 1;
    assert_int_equal(tg_gnn_graph_new(&g, 20, k, cs, cd, false, msg), TG_OK);
    assert_int_equal(tg_gnn_data_new(&d, &g, 1, x1, NULL, NULL, msg), TG_OK);
    assert_int_equal(tg_gnn_link_train(d, &o, &r, msg), TG_ERR_ARG);
    assert_msg_has(msg, "too dense to sample");
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* Graph classification over batched small graphs: paths (class 0) against
 * rings with chords (class 1), all node features 1, so only structure
 * tells them apart; GIN's sum aggregation sees the degrees. */
static void test_graph_classification(void **state)
{
    (void)state;
    tg_test_install_allocator();
    enum { NG = 60 };
    tg_gnn_graph *gs[NG];
    float *xs[NG];
    int32_t y[NG];
    uint8_t split[NG];
    char msg[TG_MSG_LEN];
    for (int k = 0; k < NG; k++) {
        int n = 6 + k % 5, m = 0;
        int64_t s[64], d[64];
        y[k] = k % 2;
        for (int i = 0; i + 1 < n; i++) {   /* path, both ways */
            s[m] = i, d[m++] = i + 1;
            s[m] = i + 1, d[m++] = i;
        }
        if (y[k]) {                          /* close the ring, add chords i - i+2 */
            s[m] = n - 1, d[m++] = 0;
            s[m] = 0, d[m++] = n - 1;
            for (int i = 0; i + 2 < n; i += 2) {
                s[m] = i, d[m++] = i + 2;
                s[m] = i + 2, d[m++] = i;
            }
        }
        assert_int_equal(tg_gnn_graph_new(&gs[k], n, m, s, d, false, msg), TG_OK);
        xs[k] = malloc(sizeof(float) * (size_t)n);
        for (int i = 0; i < n; i++) xs[k][i] = 1;
        split[k] = (uint8_t)(k % 3 == 0 ? TG_GNN_TEST : k % 3 == 1 ? TG_GNN_VAL : TG_GNN_TRAIN);
    }
    tg_gnn_data *d = NULL;
    assert_int_equal(tg_gnn_data_batch(NG, (const tg_gnn_graph *const *)gs, 1, (const float *const *)xs, y, split, &d, msg),
                     TG_OK);
    for (int k = 0; k < NG; k++) {
        tg_gnn_graph_free(&gs[k]);
        free(xs[k]);
    }
    assert_int_equal(tg_gnn_data_graphs(d), NG);
    tg_gnn_layer_spec L[4] = {tg_gnn_layer_default(TG_GNN_GIN), tg_gnn_layer_default(TG_GNN_RELU),
                              tg_gnn_layer_default(TG_GNN_MEAN_POOL), tg_gnn_layer_default(TG_GNN_LINEAR)};
    L[0].out = 16;
    L[3].out = 2;
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 4, L, 1, 4, msg), TG_OK);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = 100;
    tg_gnn_fit_result r;
    assert_int_equal(tg_gnn_fit(m, d, &o, NULL, NULL, &r, msg), TG_OK);
    double acc;
    assert_int_equal(tg_gnn_evaluate(m, d, TG_GNN_TEST, NULL, &acc, msg), TG_OK);
    printf("graph classification (GIN, mean pool): test accuracy %.3f\n", acc);
    assert_true(acc >= 0.9);
    float z[NG * 2];
    assert_int_equal(tg_gnn_predict(m, d, z, msg), TG_OK);   /* one row per graph */
    tg_gnn_model_free(&m);
    /* Only dense layers after pooling. */
    L[3] = tg_gnn_layer_default(TG_GNN_GCN);
    L[3].out = 2;
    assert_int_equal(tg_gnn_model_new(&m, 4, L, 1, 4, msg), TG_ERR_ARG);
    assert_msg_has(msg, "follows a pooling layer");
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* ---- safetensors -------------------------------------------------------------- */

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n + 1);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void test_safetensors(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_gnn_data *d = small_data();
    tg_gnn_layer_spec L[4] = {tg_gnn_layer_default(TG_GNN_GAT), tg_gnn_layer_default(TG_GNN_ELU),
                              tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_SAGE_MEAN)};
    L[0].out = 4;
    L[0].heads = 2;
    L[2].p = 0.25;
    L[3].out = 3;
    L[3].weight_decay = 1e-3;
    tg_gnn_model *m = NULL, *m2 = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 4, L, 4, 9, msg), TG_OK);
    const char *keys[] = {"task"}, *vals[] = {"node \"classification\""};
    const char *path = "/tmp/tg_gnn_test.safetensors";
    assert_int_equal(tg_gnn_model_save(m, path, 1, keys, vals, msg), TG_OK);
    assert_int_equal(tg_gnn_model_load(path, &m2, msg), TG_OK);
    assert_int_equal(tg_gnn_model_params(m2), tg_gnn_model_params(m));
    for (int k = 0; k < tg_gnn_model_params(m); k++) {
        int64_t r1, c1, r2, c2;
        float *a = tg_gnn_model_param(m, k, &r1, &c1), *b = tg_gnn_model_param(m2, k, &r2, &c2);
        assert_int_equal(r1, r2);
        assert_int_equal(c1, c2);
        assert_memory_equal(a, b, sizeof(float) * (size_t)(r1 * c1));   /* bit-identical */
        assert_string_equal(tg_gnn_model_param_name(m, k), tg_gnn_model_param_name(m2, k));
    }
    assert_int_equal(tg_gnn_model_layer(m2, 3)->kind, TG_GNN_SAGE_MEAN);
    assert_true(tg_gnn_model_layer(m2, 3)->weight_decay == 1e-3);
    assert_true(tg_gnn_model_layer(m2, 2)->p == 0.25);
    float z1[15], z2[15];
    assert_int_equal(tg_gnn_predict(m, d, z1, msg), TG_OK);
    assert_int_equal(tg_gnn_predict(m2, d, z2, msg), TG_OK);
    assert_memory_equal(z1, z2, sizeof z1);   /* same predictions */
    tg_gnn_model_free(&m2);

    size_t n;
    unsigned char *b = read_bytes(path, &n);
    const char *bad = "/tmp/tg_gnn_bad.safetensors";
    /* Truncated tensor: cut the last 6 bytes. */
    write_bytes(bad, b, n - 6);
    assert_int_equal(tg_gnn_model_load(bad, &m2, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "truncated tensor layer3.bias");
    assert_null(m2);
    /* Header length beyond the file. */
    unsigned char *c = malloc(n);
    memcpy(c, b, n);
    c[5] = 0x7f;
    write_bytes(bad, c, n);
    assert_int_equal(tg_gnn_model_load(bad, &m2, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "bad safetensors header: length");
    /* Broken JSON. */
    memcpy(c, b, n);
    c[8] = '[';
    write_bytes(bad, c, n);
    assert_int_equal(tg_gnn_model_load(bad, &m2, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "bad safetensors header: expected '{'");
    /* Shape mismatch: the same architecture with a wider first layer. */
    L[0].out = 5;
    assert_int_equal(tg_gnn_model_new(&m2, 4, L, 4, 9, msg), TG_OK);
    assert_int_equal(tg_gnn_model_load_weights(m2, path, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "shape mismatch: tensor layer0.weight is [4, 8] in the file, the model needs [4, 10]");
    tg_gnn_model_free(&m2);
    /* Too short to be a file of this kind. */
    write_bytes(bad, "abc", 3);
    assert_int_equal(tg_gnn_model_load(bad, &m2, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "not a safetensors file");
    free(b);
    free(c);
    /* Out of memory anywhere in save and load: clean failure, no leak. */
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
    L[0].out = 4;
    tg_status s1 = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            s1 = tg_gnn_model_new(&m, 4, L, 4, 9, msg);
            if (s1 == TG_OK) s1 = tg_gnn_model_save(m, bad, 1, keys, vals, msg);
            tg_gnn_model_free(&m);
        },
        s1 == TG_OK);
    tg_status s2 = TG_ERR_NOMEM;
    TG_OOM_LOOP((s2 = tg_gnn_model_load(path, &m2, msg), tg_gnn_model_free(&m2)), s2 == TG_OK);
    remove(path);
    remove(bad);
    TG_CHECK_NO_LEAK();
}

/* Load a crafted file from tests/gnn/files (made by make_files.py there):
 * expect status st and, when it fails, msg containing want. */
static void load_crafted(const char *name, tg_status st, const char *want)
{
    char path[512], msg[TG_MSG_LEN];
    snprintf(path, sizeof path, "%s/tests/gnn/files/%s", TG_ROOT, name);
    tg_gnn_model *m = NULL;
    tg_status got = tg_gnn_model_load(path, &m, msg);
    if (got != st) fail_msg("%s: status %d, expected %d (%s)", name, got, st, msg);
    if (st == TG_OK) {
        assert_non_null(m);
        assert_int_equal(tg_gnn_model_params(m), 2);
    } else {
        assert_null(m);
        assert_msg_has(msg, want);
    }
    tg_gnn_model_free(&m);
}

/* Review findings 1, 2, 4, 3, 23: hostile headers are refused with a reason,
 * without undefined behaviour (SANITIZE=1 aborts on it) or leaks. */
static void test_safetensors_hostile(void **state)
{
    (void)state;
    tg_test_install_allocator();
    load_crafted("ok.safetensors", TG_OK, NULL);
    /* 1: shape product wrapping modulo 2^64; in_features beyond the cap. */
    load_crafted("wrap.safetensors", TG_ERR_PARSE, "tensor layer0.weight: the shape's size overflows");
    load_crafted("bigin.safetensors", TG_ERR_PARSE, "bad twingraph.in_features '1099511627776'");
    /* 2: numbers too large for the integer fields. */
    load_crafted("bigout.safetensors", TG_ERR_PARSE, "architecture layer 1: out=1e300 is not an integer");
    load_crafted("bigheads.safetensors", TG_ERR_PARSE, "architecture layer 1: heads=4294967297 is not an integer");
    /* 4: the tensors must tile the data exactly, each name once. */
    load_crafted("overlap.safetensors", TG_ERR_PARSE, "starts at data byte 0, expected 8");
    load_crafted("gap.safetensors", TG_ERR_PARSE, "tensor layer0.bias starts at data byte 12, expected 8");
    load_crafted("trailing.safetensors", TG_ERR_PARSE, "8 bytes after the last tensor's data");
    load_crafted("duplicate.safetensors", TG_ERR_PARSE, "tensor layer0.bias appears twice in the header");
    /* 3: raw bytes that are not UTF-8. */
    load_crafted("latin1.safetensors", TG_ERR_PARSE, "a string is not valid UTF-8");
    /* 23: \u0000 would cut a name short; surrogates must come in pairs. */
    load_crafted("nul.safetensors", TG_ERR_PARSE, "\\u0000 in a string");
    load_crafted("surrogate.safetensors", TG_ERR_PARSE, "unpaired high surrogate");
    load_crafted("pair.safetensors", TG_OK, NULL);

    /* 1: in_features above 2^31 refused when building a model. */
    char msg[TG_MSG_LEN];
    tg_gnn_layer_spec L = tg_gnn_layer_default(TG_GNN_LINEAR);
    L.out = 4;
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 1, &L, ((int64_t)1 << 62) + 1, 1, msg), TG_ERR_ARG);
    assert_msg_has(msg, "in_features must be in 1..2^31");
    assert_null(m);
    /* 3: saving metadata that is not UTF-8 is refused; 4-byte UTF-8 is kept. */
    assert_int_equal(tg_gnn_model_new(&m, 1, &L, 2, 1, msg), TG_OK);
    const char *path = "/tmp/tg_gnn_test_utf8.safetensors";
    const char *keys[] = {"note"}, *bad[] = {"caf\xe9"}, *good[] = {"caf\xc3\xa9 \xf0\x9f\x98\x80"};
    assert_int_equal(tg_gnn_model_save(m, path, 1, keys, bad, msg), TG_ERR_ARG);
    assert_msg_has(msg, "metadata entry 1 is not valid UTF-8");
    assert_int_equal(tg_gnn_model_save(m, path, 1, keys, good, msg), TG_OK);
    tg_gnn_model *m2 = NULL;
    assert_int_equal(tg_gnn_model_load(path, &m2, msg), TG_OK);
    tg_gnn_model_free(&m2);
    tg_gnn_model_free(&m);
    remove(path);
    TG_CHECK_NO_LEAK();
}

static void test_fit_oom_and_errors(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_gnn_graph *g = NULL;
    int64_t s[] = {0, 5};
    int64_t d[] = {1, 1};
    assert_int_equal(tg_gnn_graph_new(&g, 3, 2, s, d, false, msg), TG_ERR_ARG);
    assert_msg_has(msg, "edge 1 (5 -> 1) is out of range 0..2");
    tg_gnn_layer_spec L[1] = {tg_gnn_layer_default(TG_GNN_GCN)};
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 1, L, 4, 1, msg), TG_ERR_ARG);
    assert_msg_has(msg, "layer 1 (gcn) needs 1 <= out");
    /* A small training run under allocation failures. */
    uint8_t split[5] = {0, 0, 1, 2, 0};
    L[0].out = 3;
    tg_status st = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            tg_gnn_model *mm = NULL;
            tg_gnn_data *dd = NULL;
            tg_gnn_fit_opts o = tg_gnn_fit_defaults();
            o.epochs = 3;
            st = small_data_try(&dd, split, msg);
            if (st == TG_OK) st = tg_gnn_model_new(&mm, 1, L, 4, 1, msg);
            if (st == TG_OK) st = tg_gnn_fit(mm, dd, &o, NULL, NULL, NULL, msg);
            tg_gnn_model_free(&mm);
            tg_gnn_data_free(&dd);
        },
        st == TG_OK);
    tg_gnn_data *data = small_data();
    assert_int_equal(tg_gnn_model_new(&m, 1, L, 7, 1, msg), TG_OK);
    assert_int_equal(tg_gnn_fit(m, data, NULL, NULL, NULL, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "the data has 4 features, the model takes 7");
    tg_gnn_model_free(&m);
    /* Review finding 11: enums out of range are refused, not used as indexes. */
    assert_int_equal(tg_gnn_model_new(&m, 1, L, 4, 1, msg), TG_OK);
    tg_gnn_fit_opts bad = tg_gnn_fit_defaults();
    bad.epochs = 1;
    bad.optim = (tg_gnn_optim)3;   /* within the enum's value range (UBSan checks enum loads) */
    assert_int_equal(tg_gnn_fit(m, data, &bad, NULL, NULL, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "gnn.fit: unknown optimizer 3");
    bad.optim = TG_GNN_ADAM;
    bad.loss = (tg_gnn_loss)3;
    assert_int_equal(tg_gnn_fit(m, data, &bad, NULL, NULL, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "gnn.fit: unknown loss 3");
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&data);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_gradcheck),  cmocka_unit_test(test_layers_gradcheck),
        cmocka_unit_test(test_auc_ap),         cmocka_unit_test(test_cora_reader),
        cmocka_unit_test(test_safetensors),    cmocka_unit_test(test_fit_oom_and_errors),
        cmocka_unit_test(test_safetensors_hostile), cmocka_unit_test(test_fit_deterministic),
        cmocka_unit_test(test_fit_restores_threads),
        cmocka_unit_test(test_cora_gcn),       cmocka_unit_test(test_cora_gat),
        cmocka_unit_test(test_cora_gae),       cmocka_unit_test(test_graph_classification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
