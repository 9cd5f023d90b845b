/* gnn_internal.h: internals of src/gnn shared by its files.
 *
 * The tape: a forward pass records one node per operation (its inputs, its
 * output tensor and whatever the backward kernel needs), and backward runs
 * the recorded nodes in reverse.  Every tensor of an epoch lives in one
 * arena that is reset, not freed, between epochs: after the first epoch the
 * arena has its peak size and an epoch allocates nothing.
 */
#ifndef GNN_INTERNAL_H
#define GNN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tg_gnn.h"

/* ---- graph ------------------------------------------------------------ */

struct tg_gnn_graph {
    int64_t n, m;
    int64_t *rowptr;    /* n + 1: incoming edges of node i are rowptr[i] .. rowptr[i+1]-1 */
    int32_t *src;       /* m: source of edge e (CSR order) */
    int32_t *dst;       /* m: destination of edge e */
    int64_t *optr;      /* n + 1: outgoing edges of node s are oedge[optr[s] .. optr[s+1]-1] */
    int32_t *oedge;     /* m: edge ids grouped by source, ascending within a source */
    float *gcn_w;       /* m: 1 / sqrt(deg_in(src) deg_in(dst)), cached; NULL until needed */
    int32_t *odst;      /* m: dst[oedge[q]] (built with gcn_w): the GCN product's backward */
    float *ow;          /* m: gcn_w[oedge[q]]    reads these in order instead of through oedge */
    bool all_loops;     /* every node has a self loop */
};

/* The symmetric GCN weights of g (computed once, cached). */
tg_status tg_gnn_i_graph_gcn_weights(tg_gnn_graph *g, char *msg);

struct tg_gnn_data {
    tg_gnn_graph *g;        /* as given */
    tg_gnn_graph *looped;   /* g with a self loop on every node; cached, NULL until needed */
    int64_t n, f;
    float *x;               /* n x f */
    int32_t *y;             /* n or NULL */
    float *yt;              /* n x tdim regression targets or NULL */
    int64_t tdim;
    /* Graph-level data (many small graphs batched block-diagonally): the
     * nodes of graph k are gptr[k] .. gptr[k+1]-1. */
    int64_t ngraphs;
    int64_t *gptr;          /* ngraphs + 1 or NULL */
    int32_t *gy;            /* graph labels */
    uint8_t *gsplit;        /* graph split */
    uint8_t *split;         /* n or NULL */
    int32_t classes;
    char **class_names;     /* classes or NULL */
    char **node_ids;        /* n or NULL */
    /* x again as CSR when it is sparse (<= 25 % nonzero, e.g. bag-of-words
     * features): the first product then runs over the nonzeros only. */
    int64_t *xrp;           /* n + 1 or NULL */
    int32_t *xcol;
    float *xval;
    /* Edge data (edges.c), all in the CSR order of g: edge features
     * (m x fe), edge regression targets (m x etdim) and their split. */
    int64_t fe;
    float *ef;
    float *eyt;
    int64_t etdim;
    uint8_t *esplit;
    /* Graph-level regression targets (ngraphs x gtdim). */
    float *gyt;
    int64_t gtdim;
};

/* Free the edge and graph-target fields of d (edges.c). */
void tg_gnn_i_data_free_extra(tg_gnn_data *d);

/* d's graph with self loops (built on first use). */
tg_status tg_gnn_i_data_looped(tg_gnn_data *d, const tg_gnn_graph **g, char *msg);

/* ---- operations --------------------------------------------------------- */

/* The fixed operation set.  Every op has one row in the table of ops.c
 * (name, forward, backward); a static_assert ties the table to this enum. */
typedef enum gnn_op {
    OP_LEAF,        /* constant input */
    OP_PARAM,       /* trainable tensor (value and gradient owned by the model) */
    OP_MATMUL,      /* a[n,k] b[k,m] */
    OP_ADD,         /* a + b, same shape */
    OP_BIAS,        /* a[n,m] + b[1,m] */
    OP_MUL,         /* a * b elementwise */
    OP_SCALE,       /* f0 * a */
    OP_RELU,
    OP_LEAKY_RELU,  /* slope f0 */
    OP_ELU,         /* alpha f0 */
    OP_TANH,
    OP_SIGMOID,
    OP_EXP,
    OP_DROPOUT,     /* p f0, mask in aux */
    OP_SPMM,        /* sum over in-edges of w(e) a[src]; i0: 0 sum, 1 mean, 2 gcn */
    OP_GATHER_SRC,  /* a[n,f] -> [m,f]: row src(e) */
    OP_GATHER_DST,  /* a[n,f] -> [m,f]: row dst(e) */
    OP_SCATTER_SUM, /* a[m,f] -> [n,f]: sum over in-edges */
    OP_SCATTER_MEAN,
    OP_SCATTER_MAX, /* argmax edge per (node, column) in iaux; -1 (value 0) for no in-edge */
    OP_EDGE_SOFTMAX,/* a[m,h]: softmax over the in-edges of each node, per column */
    OP_HEAD_DOT,    /* a[n,h*f] . b[1,h*f] per head -> [n,h]; i0 = h */
    OP_GAT_AGG,     /* a[m,h] (attention), b[n,h*f] -> [n,h*f] */
    OP_HEAD_MEAN,   /* a[n,h*f] -> [n,f]; i0 = h */
    OP_CE,          /* masked mean cross-entropy of logits a[n,c]; probabilities in aux */
    OP_MSE,         /* mean squared error against target p_target */
    OP_MAE,         /* mean absolute error */
    OP_BCE_LOGITS,  /* mean binary cross-entropy of logits against 0/1 targets */
    OP_KL_NORMAL,   /* -1/2 mean_i sum_j (1 + 2 b - a^2 - exp(2 b)) (a = mu, b = log sigma) */
    OP_PAIR_DOT,    /* a[n,f] -> [p,1]: a[i] . a[j] for the p pairs in p_pairs */
    OP_SPARSE_MATMUL, /* dropout_f0(X) a for a constant sparse X (CSR: rowptr, pairs = cols,
                         target = values); byte mask over the nonzeros in aux.  rowptr NULL:
                         X dense (target, i0 columns), draws from the counter-based stream
                         keyed i1, recomputed in backward (aux: partial sums of da) */
    OP_POOL,        /* a[n,f] -> [g,f]: sum (i0 0), mean (1) or max (2) over the contiguous node
                       ranges rowptr[k] .. rowptr[k+1]-1 of each graph; max argmax in iaux */
    OP_LAYER_NORM,  /* (a - mean) / sqrt(var + 1e-5) per row, times b[1,f]; normalised rows
                       and 1/std in aux */
    OP_BATCH_NORM,  /* (a - mean) / sqrt(var + 1e-5) per column, times b[1,f]: batch statistics
                       (biased var) in training, fixed running statistics (i0 = 1) in evaluation;
                       normalised values, 1/std, mean and var in aux */
    OP_EDGE_SCALE,  /* a[m,c] * b[m,1]: every row scaled by its edge's weight */
    OP_SLICE_COLS,  /* a[n,c] -> [n,cols]: columns i0 .. i0+cols-1 */
    OP_GRAM_BCE,    /* mean weighted BCE of the logits a a^T against g's adjacency
                       (positives x f0); dLoss/dlogits (n x n) in aux */
    OP_COUNT
} gnn_op;

typedef struct gnn_node {
    gnn_op op;
    int a, b;               /* input node ids or -1 */
    int64_t rows, cols;
    float *val, *grad;
    float f0;
    int64_t i0;
    const tg_gnn_graph *g;
    const int32_t *labels;  /* OP_CE */
    const uint8_t *mask;    /* OP_CE: split bytes; row counts iff mask[i] == i1 */
    int64_t i1;
    const float *target;    /* OP_MSE, OP_MAE, OP_BCE_LOGITS */
    const int32_t *pairs;   /* OP_PAIR_DOT: 2p ints */
    const int64_t *rowptr;  /* OP_SPARSE_MATMUL */
    float *aux;             /* op scratch saved for backward */
    int32_t *iaux;
    bool req;               /* needs a gradient */
} gnn_node;

typedef struct gnn_block { struct gnn_block *next; } gnn_block;

typedef struct gnn_tape {
    gnn_node *nodes;
    size_t n, cap;
    char *arena;            /* one block of arena_cap bytes */
    size_t arena_used, arena_cap, peak, epoch_bytes;
    gnn_block *extra;       /* overflow blocks of this epoch (merged at reset) */
    /* Arena blocks given back during backward (a node's gradient once its
     * kernel ran): a later request of at most that size reuses one instead
     * of growing the arena.  Forgotten at reset. */
    struct { char *p; size_t bytes; } freed[32];
    int nfreed;
    /* Optional profile (bench/bench_gnn.c): when set, forward and backward
     * store the seconds of node k's kernels in prof[2k] and prof[2k + 1]
     * for k < prof_n. */
    double *prof;
    size_t prof_n;
    bool training;
    bool dense_input;       /* never take the sparse-input path (saliency needs d/dx) */
    tg_rng rng;             /* dropout stream */
    tg_status err;
    char msg[TG_MSG_LEN];
    /* Edge saliency: when set, message passing scales every message by an
     * edge weight leaf (emask[0] over the data's graph, emask[1] over its
     * self-loop graph) so that backward yields d out / d weight. */
    bool use_emask;
    int emask[2];
} gnn_tape;

void tg_gnn_i_tape_init(gnn_tape *t, uint64_t seed);
void tg_gnn_i_tape_free(gnn_tape *t);
/* Drop the nodes of the last pass; keeps (and if needed grows) the arena. */
tg_status tg_gnn_i_tape_reset(gnn_tape *t, char *msg);
/* Zeroed float storage from the arena; NULL (and t->err set) on failure. */
float *tg_gnn_i_tape_floats(gnn_tape *t, size_t n);
/* The same, not zeroed: for outputs the forward kernel overwrites entirely. */
float *tg_gnn_i_tape_floats_raw(gnn_tape *t, size_t n);
/* Give back n floats from tg_gnn_i_tape_floats(_raw) that nothing reads any
 * more: the block is reused by a later request of the same epoch. */
void tg_gnn_i_tape_release(gnn_tape *t, float *p, size_t n);

/* Op constructors: return the new node id, or -1 if an input is -1 or
 * storage failed (t->err then holds the reason).  Shapes are asserted. */
int tg_gnn_i_leaf(gnn_tape *t, int64_t rows, int64_t cols, const float *val);
int tg_gnn_i_param(gnn_tape *t, int64_t rows, int64_t cols, float *val, float *grad);
int tg_gnn_i_matmul(gnn_tape *t, int a, int b);
int tg_gnn_i_add(gnn_tape *t, int a, int b);
int tg_gnn_i_bias(gnn_tape *t, int a, int b);
int tg_gnn_i_mul(gnn_tape *t, int a, int b);
int tg_gnn_i_scale(gnn_tape *t, int a, float c);
int tg_gnn_i_unary(gnn_tape *t, gnn_op op, int a, float param);
int tg_gnn_i_dropout(gnn_tape *t, int a, float p);
int tg_gnn_i_spmm(gnn_tape *t, const tg_gnn_graph *g, int kind, int a);
int tg_gnn_i_edge(gnn_tape *t, gnn_op op, const tg_gnn_graph *g, int a);   /* gathers, scatters, softmax */
int tg_gnn_i_head_dot(gnn_tape *t, int a, int b, int64_t heads);
int tg_gnn_i_gat_agg(gnn_tape *t, const tg_gnn_graph *g, int alpha, int x);
int tg_gnn_i_head_mean(gnn_tape *t, int a, int64_t heads);
int tg_gnn_i_ce(gnn_tape *t, int logits, const int32_t *labels, const uint8_t *mask, int64_t which);
int tg_gnn_i_regress(gnn_tape *t, gnn_op op, int a, const float *target);   /* MSE, MAE, BCE_LOGITS */
/* The same over the rows whose mask byte equals which (mask NULL: all). */
int tg_gnn_i_regress_masked(gnn_tape *t, gnn_op op, int a, const float *target, const uint8_t *mask, int64_t which);
int tg_gnn_i_kl_normal(gnn_tape *t, int mu, int logstd);
int tg_gnn_i_pair_dot(gnn_tape *t, int z, int64_t p, const int32_t *pairs);
int tg_gnn_i_pool(gnn_tape *t, int a, int64_t ng, const int64_t *gptr, int kind);
int tg_gnn_i_layer_norm(gnn_tape *t, int a, int gamma);
/* Batch norm over the rows of a (scale gamma, no shift): batch statistics
 * when run_mean is NULL, else the given running mean and variance. */
int tg_gnn_i_batch_norm(gnn_tape *t, int a, int gamma, const float *run_mean, const float *run_var);
/* Mean and biased variance of the last training-mode batch norm node id. */
const float *tg_gnn_i_batch_norm_stats(const gnn_tape *t, int id);
int tg_gnn_i_edge_scale(gnn_tape *t, int a, int w);
int tg_gnn_i_slice_cols(gnn_tape *t, int a, int64_t c0, int64_t c);
int tg_gnn_i_gram_bce(gnn_tape *t, int z, const tg_gnn_graph *g, float pos_weight);
/* The same for a symmetric g (not checked): half the work. */
int tg_gnn_i_gram_bce_sym(gnn_tape *t, int z, const tg_gnn_graph *g, float pos_weight);
/* dropout(X, p) W for X given as CSR (n rows; rowptr, col, val), W = node w. */
int tg_gnn_i_sparse_matmul(gnn_tape *t, int64_t n, const int64_t *rowptr, const int32_t *col, const float *val,
                           float p, int w);
/* dropout(X, p) W for a constant dense X (n x k, row-major), W = node w: the
 * dropped X is never stored (its draws are recomputed in backward). */
int tg_gnn_i_dropout_matmul(gnn_tape *t, int64_t n, int64_t k, const float *x, float p, int w);

/* Gradients of node `out` (a 1 x 1 loss) into every node that needs one
 * (parameter gradients accumulate into the model's buffers). */
tg_status tg_gnn_i_backward(gnn_tape *t, int out, char *msg);
/* The same for any output, seeding a gradient of 1 at element `at`. */
tg_status tg_gnn_i_backward_at(gnn_tape *t, int out, int64_t at, char *msg);
/* The same with the output's gradient set to seed (rows x cols floats). */
tg_status tg_gnn_i_backward_seed(gnn_tape *t, int out, int64_t at, const float *seed, char *msg);
const char *tg_gnn_i_op_name(gnn_op op);

/* ---- model internals ---------------------------------------------------- */

typedef struct gnn_param {
    char name[48];
    int64_t rows, cols;
    float *val, *grad, *m1, *m2;    /* value, gradient, Adam moments / momentum */
    int layer;
    bool decay;             /* a weight (biases and attention vectors are not decayed) */
    bool buffer;            /* not trained: batch-norm running statistics */
} gnn_param;

struct tg_gnn_model {
    int nl;
    tg_gnn_layer_spec *layers;
    int64_t in_f, out_f;
    int64_t *dims;          /* nl + 1 widths */
    int np;
    gnn_param *params;
    int *first_param;       /* nl + 1: params of layer k are first_param[k] .. first_param[k+1]-1 */
    char fit[512];          /* the last training configuration ("" if none), saved as metadata */
};

/* Training steps shared by tg_gnn_fit and the other tasks (train.c). */
void tg_gnn_i_optim_step(tg_gnn_model *m, const tg_gnn_fit_opts *o, double lr, int step);
void tg_gnn_i_zero_grads(tg_gnn_model *m);
void tg_gnn_i_copy_params(tg_gnn_model *m, float *buf, bool save);   /* save: params -> buf */
typedef struct tg_gnn_i_pools { int blas, omp; } tg_gnn_i_pools;
tg_gnn_i_pools tg_gnn_i_set_threads(int threads);
void tg_gnn_i_restore_threads(int threads, tg_gnn_i_pools was);

/* tg_gnn_auc_ap with a caller's scratch of tg_gnn_i_auc_scratch(n) bytes
 * (no allocation: per-epoch validation metrics). */
size_t tg_gnn_i_auc_scratch(int64_t n);
tg_status tg_gnn_i_auc_ap(int64_t n, const double *score, const uint8_t *label, void *scratch, double *auc, double *ap,
                          char *msg);

/* The schedule of fit options o (kind STEP takes lr_decay / lr_step),
 * checked and started (schedule.c). */
tg_status tg_gnn_i_fit_schedule(const tg_gnn_fit_opts *o, tg_gnn_sched_state *st, char *msg);
/* Append " schedule=..." to a training-configuration string (nothing for
 * plain step decay, which the string already records). */
void tg_gnn_i_schedule_describe(const tg_gnn_schedule *s, char *buf, size_t cap);

/* Record the forward pass of m on d (x is the n x f input) in t; returns
 * the output node id or -1. */
int tg_gnn_i_forward(const tg_gnn_model *m, gnn_tape *t, tg_gnn_data *d, const float *x);

/* safetensors.c: a model file with the dense autoencoder's standardisation
 * under the reserved metadata key twingraph.autoencoder; loading gives that
 * entry back (*ae NULL when absent; the caller frees it with tg_free). */
tg_status tg_gnn_i_model_save_ae(const tg_gnn_model *m, const char *path, const char *ae, char *msg);
tg_status tg_gnn_i_model_load_ae(const char *path, tg_gnn_model **m, char **ae, char *msg);

#endif
