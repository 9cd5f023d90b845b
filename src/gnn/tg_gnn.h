/* tg_gnn.h: graph neural networks on the CPU.
 *
 * Float32 dense tensors (row-major, BLAS for matrix products), sparse graph
 * operators (CSR sparse x dense, edge gather / scatter-add / mean / max,
 * edge softmax), reverse-mode automatic differentiation over a fixed set of
 * operations recorded on a tape, message-passing layers (Linear, GCN, SAGE,
 * GIN, GAT), losses, optimisers (SGD with momentum, Adam, AdamW),
 * learning-rate schedules, training with early stopping, link prediction
 * with any encoder (GAE/VGAE on top), a dense autoencoder for sensor
 * vectors, and saving / loading weights as safetensors.
 *
 * Determinism: for a given seed and thread count every result is the same
 * on every run (reductions run in a fixed order; the random stream is
 * tg_rng).
 */
#ifndef TG_GNN_H
#define TG_GNN_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/tg_core.h"

/* ---- graphs for message passing --------------------------------------- */

/* A message-passing graph over n nodes: E directed edges src -> dst held as
 * CSR by destination (the incoming edges of every node are contiguous) and
 * an index of the same edges by source, so that gathers, scatters and the
 * sparse products of both directions run without atomics. */
typedef struct tg_gnn_graph tg_gnn_graph;

/* Build from m edge pairs (src[k], dst[k]), 0 <= ids < n.  Undirected input
 * gives each edge twice.  self_loops adds i -> i for every node that lacks
 * one.  Duplicate edges are kept.  O(n + m). */
tg_status tg_gnn_graph_new(tg_gnn_graph **g /* OUT */, int64_t n, int64_t m, const int64_t *src,
                           const int64_t *dst, bool self_loops, char *msg);
void tg_gnn_graph_free(tg_gnn_graph **g);
int64_t tg_gnn_graph_nodes(const tg_gnn_graph *g);
int64_t tg_gnn_graph_edges(const tg_gnn_graph *g);
/* Edge k of the graph (in CSR order): its source and destination. */
void tg_gnn_graph_edge(const tg_gnn_graph *g, int64_t k, int64_t *src, int64_t *dst);

/* ---- datasets --------------------------------------------------------- */

/* A node-level dataset: a graph, an n x f feature matrix, integer class
 * labels (or n x t float targets) and train / validation / test masks. */
typedef struct tg_gnn_data tg_gnn_data;

typedef enum tg_gnn_split { TG_GNN_TRAIN = 0, TG_GNN_VAL = 1, TG_GNN_TEST = 2 } tg_gnn_split;

/* Take the graph (ownership moves: *g is NULLed) and copy features
 * (n x f, row-major), labels (n ints in 0..classes-1, or -1 for unlabelled;
 * NULL for none) and split (n bytes: 0 train, 1 val, 2 test, other = none;
 * NULL for none). */
tg_status tg_gnn_data_new(tg_gnn_data **d /* OUT */, tg_gnn_graph **g, int64_t f, const float *features,
                          const int32_t *labels, const uint8_t *split, char *msg);
void tg_gnn_data_free(tg_gnn_data **d);
/* Read Cora in the LINQS format of dir: cora.content, cora.cites and
 * (optional) planetoid_split.txt; files may be gzipped (name.gz).  Features
 * are row-normalised when row_normalise is true; the graph is made
 * undirected without duplicates.  Errors name the file and line. */
tg_status tg_gnn_data_read_cora(const char *dir, bool row_normalise, tg_gnn_data **d /* OUT */, char *msg);
/* From a tg_graph (the graph module's): node attributes `features[0..nf-1]`
 * (numeric, all finite) as features, `label` (int column, or string column
 * whose distinct values sorted are the classes; NULL: none; missing =
 * unlabelled) and `split` (string column "train" / "val" / "test"; NULL:
 * none).  An undirected graph gives each edge both ways. */
struct tg_graph;
tg_status tg_gnn_data_from_graph(const struct tg_graph *g, int nf, const char *const *features, const char *label,
                                 const char *split, tg_gnn_data **d /* OUT */, char *msg);
/* Graph-level data: many small graphs batched block-diagonally into one.
 * graphs[k] (ownership stays with the caller) gives nodes and edges,
 * x[k] its n_k x f features; labels[k] its class, split[k] 0 train, 1 val,
 * 2 test (NULL: none).  A model with a pooling layer then classifies graphs. */
tg_status tg_gnn_data_batch(int64_t ng, const tg_gnn_graph *const *graphs, int64_t f, const float *const *x,
                            const int32_t *labels, const uint8_t *split, tg_gnn_data **d /* OUT */, char *msg);
int64_t tg_gnn_data_graphs(const tg_gnn_data *d);   /* 0 for node-level data */
/* The same from tg_graphs (features: numeric node attributes, as
 * tg_gnn_data_from_graph). */
tg_status tg_gnn_data_batch_graphs(int64_t ng, const struct tg_graph *const *gs, int nf, const char *const *features,
                                   const int32_t *labels, const uint8_t *split, tg_gnn_data **d /* OUT */, char *msg);

/* Edge features: m x fe floats (row-major), one row per edge of d's graph in
 * its edge order (tg_gnn_graph_edge); copied, all finite. */
tg_status tg_gnn_data_set_edge_features(tg_gnn_data *d, int64_t fe, const float *ef, char *msg);
int64_t tg_gnn_data_edge_features(const tg_gnn_data *d);   /* 0 if none */
/* Borrowed views of the edge data (NULL if none): features (m x fe),
 * targets (m x *t) and their split (m bytes). */
const float *tg_gnn_data_edge_feature_values(const tg_gnn_data *d);
const float *tg_gnn_data_edge_target_values(const tg_gnn_data *d, int64_t *t /* OUT */);
const uint8_t *tg_gnn_data_edge_split(const tg_gnn_data *d);
/* Edge regression targets: m x t floats in the same order, and a split per
 * edge (m bytes, as tg_gnn_data_new; NULL: batched data take the split of
 * their graph, otherwise every edge is in the training split). */
tg_status tg_gnn_data_set_edge_targets(tg_gnn_data *d, int64_t t, const float *y, const uint8_t *split,
                                       char *msg);
/* Graph-level regression targets for batched data: ngraphs x t floats. */
tg_status tg_gnn_data_set_graph_targets(tg_gnn_data *d, int64_t t, const float *y, char *msg);
/* Where each input edge went: for a graph built by tg_gnn_graph_new from m
 * edges whose destinations were dst[0..m-1], pos[k] receives the edge
 * number (tg_gnn_graph_edge order) of input edge k.  O(n + m). */
tg_status tg_gnn_graph_input_positions(const tg_gnn_graph *g, int64_t m, const int64_t *dst, int64_t *pos,
                                       char *msg);
/* Edge features (and, when nt > 0, edge regression targets) from numeric
 * edge attributes of the tg_graph(s) the data was made from:
 * tg_gnn_data_from_graph (ng = 1) or tg_gnn_data_batch_graphs (the same
 * ng graphs in the same order).  An undirected edge gives both directions
 * the same features; its reverse direction's targets are negated when
 * antisym is true (flows).  split: as tg_gnn_data_set_edge_targets. */
tg_status tg_gnn_data_edge_attrs(tg_gnn_data *d, int64_t ng, const struct tg_graph *const *gs, int nf,
                                 const char *const *features, int nt, const char *const *targets, bool antisym,
                                 char *msg);

/* Regression targets for node regression: n x t floats (row-major), copied. */
tg_status tg_gnn_data_set_targets(tg_gnn_data *d, int64_t t, const float *targets, char *msg);
int64_t tg_gnn_data_nodes(const tg_gnn_data *d);
int64_t tg_gnn_data_features(const tg_gnn_data *d);
int32_t tg_gnn_data_classes(const tg_gnn_data *d);
int64_t tg_gnn_data_split_count(const tg_gnn_data *d, tg_gnn_split s);
const tg_gnn_graph *tg_gnn_data_graph(const tg_gnn_data *d);
const int32_t *tg_gnn_data_labels(const tg_gnn_data *d);      /* NULL if none */
/* Class names (Cora) or NULL; index c < classes.  Borrowed. */
const char *tg_gnn_data_class_name(const tg_gnn_data *d, int32_t c);
/* Node id (Cora paper id) or NULL.  Borrowed. */
const char *tg_gnn_data_node_id(const tg_gnn_data *d, int64_t v);

/* ---- layers and models ------------------------------------------------ */

typedef enum tg_gnn_layer_kind {
    TG_GNN_LINEAR,
    TG_GNN_GCN,         /* D^-1/2 (A + I) D^-1/2 X W + b */
    TG_GNN_SAGE_MEAN,   /* X W_r + mean_{j->i} x_j W_l + b */
    TG_GNN_SAGE_MAX,    /* X W_r + max_{j->i} x_j W_l + b */
    TG_GNN_GIN,         /* MLP((1 + eps) x_i + sum_{j->i} x_j), MLP = Linear-ReLU-Linear */
    TG_GNN_GAT,         /* multi-head attention (Velickovic et al. 2018) */
    TG_GNN_RELU,
    TG_GNN_LEAKY_RELU,
    TG_GNN_ELU,
    TG_GNN_TANH,
    TG_GNN_SIGMOID,
    TG_GNN_DROPOUT,
    TG_GNN_SUM_POOL,    /* node rows -> one row per graph (graph-level data) */
    TG_GNN_MEAN_POOL,
    TG_GNN_MAX_POOL,
    TG_GNN_LAYER_NORM,  /* per-row normalisation with a learnt scale and shift (Ba et al. 2016) */
    TG_GNN_BATCH_NORM,  /* per-column normalisation over the rows (Ioffe & Szegedy 2015): batch
                           statistics in training, running statistics (momentum 0.1) in evaluation */
    TG_GNN_GINE,        /* MLP((1 + eps) x_i + sum_{j->i} ReLU(x_j + e_ji W_e + b_e)) (Hu et al. 2020) */
    TG_GNN_MPNN,        /* edge-feature block: e'_ji = e_ji + MLP_e([x_j, x_i, e_ji]),
                           x'_i = x_i + MLP_n([x_i, sum_j e'_ji]) (MeshGraphNets); the residuals
                           only where the widths agree */
    TG_GNN_EDGE_READOUT,/* the rows become the edges: the current edge state (m x width) */
    TG_GNN_LAYER_KIND_COUNT
} tg_gnn_layer_kind;

typedef struct tg_gnn_layer_spec {
    tg_gnn_layer_kind kind;
    int64_t out;            /* output units (per head for GAT) */
    int heads;              /* GAT: heads (default 1) */
    bool concat;            /* GAT: concatenate heads (else average) */
    double p;               /* dropout probability (DROPOUT; GAT attention dropout) */
    double slope;           /* LeakyReLU slope (default 0.01; GAT attention 0.2) */
    double alpha;           /* ELU alpha (default 1) */
    double eps;             /* GIN epsilon (fixed) */
    double weight_decay;    /* L2 on this layer's weights; < 0: the optimiser's default */
    bool bias;              /* add a bias (default true) */
    int64_t edge_dim;       /* GINE, MPNN, EDGE_READOUT: width of the edge features the layer
                               receives; 0 = from the layer before (the first edge layer needs the
                               data's edge feature count; tg_gnn_model_new fills in the rest) */
} tg_gnn_layer_spec;

/* Defaults for a kind (out = 0, heads 1, concat true, bias true,
 * weight_decay -1, slope 0.01 (0.2 for GAT), alpha 1). */
tg_gnn_layer_spec tg_gnn_layer_default(tg_gnn_layer_kind kind);
const char *tg_gnn_layer_name(tg_gnn_layer_kind kind);
/* Kind from its name ("gcn", "relu", ...); -1 if unknown. */
int tg_gnn_layer_kind_from_name(const char *name);

typedef struct tg_gnn_model tg_gnn_model;

/* Largest in_features a model accepts (keeps every parameter's rows x cols
 * far from int64 overflow). */
#define TG_GNN_MAX_IN_FEATURES ((int64_t)1 << 31)

/* A sequential model of nl layers taking 1..TG_GNN_MAX_IN_FEATURES inputs;
 * weights are initialised (Glorot uniform, zero biases) from seed. */
tg_status tg_gnn_model_new(tg_gnn_model **m /* OUT */, int nl, const tg_gnn_layer_spec *layers,
                           int64_t in_features, uint64_t seed, char *msg);
void tg_gnn_model_free(tg_gnn_model **m);
int tg_gnn_model_layers(const tg_gnn_model *m);
const tg_gnn_layer_spec *tg_gnn_model_layer(const tg_gnn_model *m, int k);
int64_t tg_gnn_model_in_features(const tg_gnn_model *m);
int64_t tg_gnn_model_out_features(const tg_gnn_model *m);
int64_t tg_gnn_model_param_count(const tg_gnn_model *m);   /* scalars */
/* True if the model pools nodes into graphs (one output row per graph). */
bool tg_gnn_model_is_graph_level(const tg_gnn_model *m);
/* The last training configuration ("key=value ..."; "" before any fit);
 * borrowed.  Saved with the weights and restored by tg_gnn_model_load. */
const char *tg_gnn_model_fit_config(const tg_gnn_model *m);
/* Re-initialise the weights from seed. */
void tg_gnn_model_reset(tg_gnn_model *m, uint64_t seed);

/* Parameter tensors, in a fixed order: name ("layer0.weight"), shape, data
 * (borrowed, writable). */
int tg_gnn_model_params(const tg_gnn_model *m);
const char *tg_gnn_model_param_name(const tg_gnn_model *m, int k);
float *tg_gnn_model_param(const tg_gnn_model *m, int k, int64_t *rows, int64_t *cols);

/* ---- training --------------------------------------------------------- */

typedef enum tg_gnn_optim { TG_GNN_ADAM, TG_GNN_ADAMW, TG_GNN_SGD } tg_gnn_optim;
/* Node classification (masked cross-entropy on labels) or node regression
 * (masked MSE or MAE on the targets of tg_gnn_data_set_targets). */
typedef enum tg_gnn_loss { TG_GNN_LOSS_CE, TG_GNN_LOSS_MSE, TG_GNN_LOSS_MAE } tg_gnn_loss;

/* Learning-rate schedules (schedule.c).  Every kind may start with a linear
 * warm-up of `warmup` epochs from warmup_start x lr to lr. */
typedef enum tg_gnn_sched_kind {
    TG_GNN_SCHED_STEP = 0,  /* lr x gamma every `step` epochs (fit's lr_decay / lr_step); step 0: constant */
    TG_GNN_SCHED_COSINE,    /* cosine from lr to lr_min over t_max epochs (0: the rest of the fit), then lr_min */
    TG_GNN_SCHED_EXP,       /* lr x gamma^epoch */
    TG_GNN_SCHED_PLATEAU    /* lr x gamma when the validation loss stalls for more than `patience` epochs */
} tg_gnn_sched_kind;

typedef struct tg_gnn_schedule {
    tg_gnn_sched_kind kind;
    int warmup;             /* linear warm-up epochs (0) */
    double warmup_start;    /* the warm-up's first factor (1/3, as torch's LinearLR) */
    int step;               /* STEP: epochs per decay */
    int t_max;              /* COSINE: length of the half cosine after the warm-up */
    double lr_min;          /* COSINE: final rate; PLATEAU: lowest rate (0) */
    double gamma;           /* STEP, EXP: factor (EXP 0.95); PLATEAU: factor (0.1) */
    int patience;           /* PLATEAU: epochs without improvement tolerated (10) */
    double threshold;       /* PLATEAU: relative improvement that counts (1e-4) */
    int cooldown;           /* PLATEAU: epochs after a cut during which stalls are not counted (0) */
} tg_gnn_schedule;

/* The running state of a schedule (plain data, no allocation). */
typedef struct tg_gnn_sched_state {
    tg_gnn_schedule s;
    double lr0, lr, best;
    int epoch, bad, cool;
} tg_gnn_sched_state;

tg_gnn_schedule tg_gnn_schedule_default(tg_gnn_sched_kind kind);
const char *tg_gnn_schedule_name(tg_gnn_sched_kind kind);
tg_status tg_gnn_schedule_check(const tg_gnn_schedule *s, char *msg);
/* Start at epoch 0 with base rate lr0; epochs (the fit's) sets a cosine's
 * default t_max. */
void tg_gnn_schedule_start(tg_gnn_sched_state *st, const tg_gnn_schedule *s, double lr0, int epochs);
/* The rate of the current epoch. */
double tg_gnn_schedule_lr(const tg_gnn_sched_state *st);
/* End the current epoch; metric is the watched loss (PLATEAU; NaN: none). */
void tg_gnn_schedule_step(tg_gnn_sched_state *st, double metric);

typedef struct tg_gnn_fit_opts {
    int epochs;             /* maximum epochs (200) */
    double lr;              /* learning rate (0.01) */
    double weight_decay;    /* default L2 (Adam, SGD) or decoupled decay (AdamW) per layer (0) */
    tg_gnn_optim optim;     /* ADAM */
    tg_gnn_loss loss;       /* CE */
    double momentum;        /* SGD momentum (0.9) */
    double beta1, beta2, adam_eps;  /* 0.9, 0.999, 1e-8 */
    double clip;            /* gradient clipping by global norm; 0 = none */
    int patience;           /* stop after this many epochs without a better validation
                               loss or accuracy and restore the best weights; 0 = off */
    int window;             /* Kipf & Welling: stop when the validation loss exceeds the
                               mean of the previous `window` losses; 0 = off */
    double lr_decay;        /* multiply lr by this every lr_step epochs (1 = constant) */
    int lr_step;
    uint64_t seed;          /* dropout stream */
    int threads;            /* OpenMP threads; 0 = default */
    /* Learning-rate schedule; kind STEP (the default) takes its factor and
     * period from lr_decay and lr_step above.  PLATEAU watches the
     * validation loss (the training loss without a validation split). */
    tg_gnn_schedule schedule;
} tg_gnn_fit_opts;

tg_gnn_fit_opts tg_gnn_fit_defaults(void);

/* Per-epoch record handed to a callback (return nonzero to stop). */
typedef struct tg_gnn_epoch {
    int epoch;
    double train_loss, train_acc, val_loss, val_acc;   /* regression: acc = -RMSE */
    double seconds;         /* wall time of the training step (forward, loss, backward, step) */
} tg_gnn_epoch;
typedef int (*tg_gnn_epoch_fn)(void *ud, const tg_gnn_epoch *e);

typedef struct tg_gnn_fit_result {
    int epochs;             /* epochs run */
    int best_epoch;         /* epoch whose weights were kept */
    double val_loss, val_acc;   /* at the kept weights */
    double epoch_ms_median; /* median training-step time */
} tg_gnn_fit_result;

/* Train m on d's train split: node or graph classification (o->loss CE,
 * masked cross-entropy) or node regression (MSE / MAE against d's targets).
 * d is not const: derived graphs (self loops, GCN weights) are cached in it. */
tg_status tg_gnn_fit(tg_gnn_model *m, tg_gnn_data *d, const tg_gnn_fit_opts *o, tg_gnn_epoch_fn fn,
                     void *ud, tg_gnn_fit_result *res /* OUT, may be NULL */, char *msg);
/* Logits (n x out, row-major, caller-allocated; graphs x out for a model
 * with a pooling layer on batched graphs) in evaluation mode. */
tg_status tg_gnn_predict(const tg_gnn_model *m, tg_gnn_data *d, float *out, char *msg);
/* Loss and accuracy on a split (evaluation mode). */
tg_status tg_gnn_evaluate(const tg_gnn_model *m, tg_gnn_data *d, tg_gnn_split s, double *loss,
                          double *acc, char *msg);

/* Node regression: RMSE and MAE of the model's outputs against the targets
 * on a split (evaluation mode). */
tg_status tg_gnn_evaluate_regression(const tg_gnn_model *m, tg_gnn_data *d, tg_gnn_split s, double *rmse,
                                     double *mae, char *msg);

/* Gradient saliency: |d logit[node, cls] / d x| summed per node (n values)
 * and per feature (f values); either output may be NULL. */
tg_status tg_gnn_saliency(const tg_gnn_model *m, tg_gnn_data *d, int64_t node, int32_t cls,
                          double *node_sal, double *feat_sal, char *msg);

/* Edge saliency: gradient of output element (row, col) (a node, or a graph
 * or an edge for pooling / edge-readout models) with respect to the weight
 * of every edge of d's graph, all weights 1 (an edge mask, as in GNNExplainer's
 * gradient baseline): m signed values in tg_gnn_graph_edge order.  Self loops
 * that GCN / GAT add are not masked. */
tg_status tg_gnn_edge_saliency(const tg_gnn_model *m, tg_gnn_data *d, int64_t row, int64_t col, double *edge_grad,
                               char *msg);
/* Rows of the model's output on d: nodes, graphs (pooling) or edges (edge readout). */
int64_t tg_gnn_output_rows(const tg_gnn_model *m, const tg_gnn_data *d);
/* True if the model ends on edges (an EDGE_READOUT layer). */
bool tg_gnn_model_is_edge_level(const tg_gnn_model *m);

/* ---- link prediction (link.c) ------------------------------------------ */

/* Link prediction is a task of the ordinary model / fit path: any encoder
 * model maps the nodes to embeddings z (its output rows), a pair (i, j) is
 * scored by the inner product z_i . z_j (the logit of an edge).  The
 * undirected edges of the data's graph are split into train / validation /
 * test (a directed graph is symmetrised: a pair linked in either direction
 * counts once); the encoder sees the training edges only.  Each epoch
 * trains on every training edge against as many non-edges sampled afresh
 * from the training graph (binary cross-entropy on the logits: mean over
 * the positives plus mean over the negatives).  A variational encoder
 * (VGAE) outputs [mu | log sigma] (2 x latent columns): z = mu + sigma eps
 * in training, plus the KL term divided by the number of nodes; z = mu in
 * evaluation.  Validation and test non-edges are drawn once, from the
 * non-edges of the whole graph; AUC and AP are reported on them. */
typedef struct tg_gnn_link_task {
    double val_frac, test_frac; /* 0.05, 0.10 of the undirected edges */
    bool variational;           /* the model's output is [mu | log sigma] */
    /* Kipf & Welling's loss instead of sampled non-edges: the weighted BCE
     * over all n^2 pairs against the training adjacency with self loops,
     * positives weighted pos_weight = (n^2 - 2E) / 2E, times norm =
     * n^2 / (2 (n^2 - 2E)) (E training edges).  Needs n^2 floats twice:
     * refused above 32768 nodes. */
    bool full_loss;
    uint64_t split_seed;        /* edge split and evaluation non-edges (1) */
} tg_gnn_link_task;

typedef struct tg_gnn_link_result {
    double auc, ap;         /* on the held-out test edges vs as many non-edges */
    double val_auc, val_ap; /* the same on the validation edges (0 without) */
    int64_t train_edges, val_edges, test_edges;
    int epochs, best_epoch;
    double epoch_ms_median;
} tg_gnn_link_result;

tg_gnn_link_task tg_gnn_link_task_defaults(void);
/* Train m (from its current weights) for link prediction on d with the
 * fit options o: epochs, lr, optimiser, weight decay, clipping, schedule
 * (PLATEAU watches 1 - validation AUC), seed (negative samples, dropout,
 * VGAE noise), threads; patience > 0 stops after that many epochs without a
 * better validation AUC and keeps the best weights.  The epoch callback gets
 * train_loss, val_loss = 1 - val AUC and val_acc = val AUC (fn NULL and
 * patience 0 and no PLATEAU: no per-epoch evaluation, and after the first
 * epoch nothing is allocated).  m's output width is the embedding width
 * (twice it when variational). */
tg_status tg_gnn_link_fit(tg_gnn_model *m, tg_gnn_data *d, const tg_gnn_fit_opts *o, const tg_gnn_link_task *task,
                          tg_gnn_epoch_fn fn, void *ud, tg_gnn_link_result *res, char *msg);

/* Graph autoencoders (Kipf & Welling 2016) on top of tg_gnn_link_fit: the
 * encoder GCN(hidden) - ReLU - GCN(latent) (VGAE: GCN(2 latent) read as
 * [mu | log sigma]), no biases, Glorot weights, Adam. */
typedef struct tg_gnn_link_opts {
    int64_t hidden, latent; /* 32, 16 */
    bool variational;       /* VGAE */
    double val_frac, test_frac;  /* 0.05, 0.10 of the undirected edges */
    int epochs;             /* 200 */
    double lr;              /* 0.01 */
    uint64_t seed;          /* weights, split, sampling */
    bool sampled;           /* sampled non-edges (as PyG's GAE) instead of the paper's full loss */
} tg_gnn_link_opts;

tg_gnn_link_opts tg_gnn_link_defaults(void);
tg_status tg_gnn_link_train(tg_gnn_data *d, const tg_gnn_link_opts *o, tg_gnn_link_result *res, char *msg);

/* ---- dense autoencoder for sensor vectors (autoencoder.c) -------------- */

/* An MLP autoencoder over a samples x sensors matrix (no graph): the data
 * are standardised with the training mean and standard deviation, the
 * encoder is Linear(h1) act ... Linear(hk) act, the decoder mirrors it and
 * ends with a Linear back to the sensor count; it is an ordinary
 * tg_gnn_model trained by tg_gnn_fit with the MSE loss on its own input.
 * Anomaly score of a sample: the mean squared standardised reconstruction
 * error over its sensors; per sensor: the squared error.  The threshold is
 * the `quantile` of the training scores. */
typedef struct tg_gnn_ae tg_gnn_ae;

typedef struct tg_gnn_ae_opts {
    int nhidden;            /* encoder widths hidden[0..nhidden-1], the last is the code (2: {16, 4}) */
    int64_t hidden[8];
    tg_gnn_layer_kind act;  /* TG_GNN_TANH (or RELU, ELU, SIGMOID, LEAKY_RELU) */
    double val_frac;        /* every round(1/val_frac)-th training row validates (0.1; 0: none) */
    double quantile;        /* threshold quantile of the training scores (0.99) */
    uint64_t seed;          /* weights */
} tg_gnn_ae_opts;

tg_gnn_ae_opts tg_gnn_ae_defaults(void);
tg_status tg_gnn_ae_new(tg_gnn_ae **ae /* OUT */, int64_t sensors, const tg_gnn_ae_opts *o, char *msg);
void tg_gnn_ae_free(tg_gnn_ae **ae);
/* Standardise and train on n normal samples x (n x sensors, row-major;
 * finite values) with fit options fo (loss is forced to MSE; patience
 * watches the validation rows); sets the threshold. */
tg_status tg_gnn_ae_fit(tg_gnn_ae *ae, int64_t n, const float *x, const tg_gnn_fit_opts *fo, tg_gnn_fit_result *res,
                        char *msg);
/* Scores of n samples: per sample (n, may be NULL) and per sample and
 * sensor (n x sensors, may be NULL). */
tg_status tg_gnn_ae_score(const tg_gnn_ae *ae, int64_t n, const float *x, double *sample, double *sensor, char *msg);
double tg_gnn_ae_threshold(const tg_gnn_ae *ae);   /* NaN before fit */
int64_t tg_gnn_ae_sensors(const tg_gnn_ae *ae);
const tg_gnn_model *tg_gnn_ae_model(const tg_gnn_ae *ae);
/* Save a fitted autoencoder: its model as safetensors with the training
 * standardisation, the threshold and its quantile in the metadata (key
 * twingraph.autoencoder), so a loaded one scores exactly as the saved one. */
tg_status tg_gnn_ae_save(const tg_gnn_ae *ae, const char *path, char *msg);
/* Load one; a plain model file, or an entry that does not match the model,
 * is refused with the reason. */
tg_status tg_gnn_ae_load(const char *path, tg_gnn_ae **ae /* OUT */, char *msg);

/* ---- metrics ---------------------------------------------------------- */

/* Area under the ROC curve and average precision of scores for n items
 * with 0/1 labels (ties get half credit in AUC). */
tg_status tg_gnn_auc_ap(int64_t n, const double *score, const uint8_t *label, double *auc, double *ap,
                        char *msg);

/* ---- saving ----------------------------------------------------------- */

/* Write the weights as safetensors (little-endian F32) with the
 * architecture, in_features and the last training configuration
 * (twingraph.fit) in the header's __metadata__, plus any
 * extra (key, value) string pairs (n_meta of them, may be 0). */
tg_status tg_gnn_model_save(const tg_gnn_model *m, const char *path, int n_meta, const char *const *keys,
                            const char *const *values, char *msg);
/* Load a model saved by tg_gnn_model_save.  A bad header, a truncated
 * tensor, an unknown layer or a shape that does not match the
 * architecture is refused with the reason in msg. */
tg_status tg_gnn_model_load(const char *path, tg_gnn_model **m /* OUT */, char *msg);
/* Copy the weights of a safetensors file into m (names and shapes must
 * match m's parameters). */
tg_status tg_gnn_model_load_weights(tg_gnn_model *m, const char *path, char *msg);

#endif
