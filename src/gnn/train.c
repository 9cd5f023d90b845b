/* train.c: training (optimisers, weight decay per layer, gradient clipping,
 * learning-rate steps, early stopping), evaluation, prediction, gradient
 * saliency and the ranking metrics (AUC, AP).
 *
 * An epoch is: reset the tape (its arena keeps last epoch's size, so this
 * allocates nothing), forward in training mode, masked cross-entropy,
 * backward, optimiser step; then a forward in evaluation mode for the
 * validation metrics, which early stopping watches.
 */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gnn_internal.h"

tg_gnn_fit_opts tg_gnn_fit_defaults(void)
{
    tg_gnn_fit_opts o;
    memset(&o, 0, sizeof o);
    o.epochs = 200;
    o.lr = 0.01;
    o.optim = TG_GNN_ADAM;
    o.momentum = 0.9;
    o.beta1 = 0.9;
    o.beta2 = 0.999;
    o.adam_eps = 1e-8;
    o.lr_decay = 1;
    o.seed = 1;
    o.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_STEP);
    return o;
}

/* Loss and accuracy of logits (n x c) on the rows of split s. */
static void score(const float *z, int64_t n, int64_t c, const int32_t *y, const uint8_t *split, int s,
                  double *loss, double *acc)
{
    double l = 0;
    int64_t cnt = 0, ok = 0;
    for (int64_t i = 0; i < n; i++) {
        if (y[i] < 0 || (split && split[i] != s)) continue;
        const float *r = z + i * c;
        int64_t arg = 0;
        float mx = r[0];
        for (int64_t j = 1; j < c; j++)
            if (r[j] > mx) {
                mx = r[j];
                arg = j;
            }
        double se = 0;
        for (int64_t j = 0; j < c; j++) se += exp((double)r[j] - mx);
        l -= (double)r[y[i]] - mx - log(se);
        ok += arg == y[i];
        cnt++;
    }
    if (loss) *loss = cnt ? l / (double)cnt : NAN;
    if (acc) *acc = cnt ? (double)ok / (double)cnt : NAN;
}

/* MSE and RMSE / MAE of outputs z (n x t) against targets on split s. */
static void score_reg(const float *z, int64_t n, int64_t t, const float *y, const uint8_t *split, int s,
                      double *mse, double *mae)
{
    double a = 0, b = 0;
    int64_t cnt = 0;
    for (int64_t i = 0; i < n; i++) {
        if (split && split[i] != s) continue;
        for (int64_t j = 0; j < t; j++) {
            double e = (double)z[i * t + j] - y[i * t + j];
            a += e * e;
            b += fabs(e);
        }
        cnt += t;
    }
    if (mse) *mse = cnt ? a / (double)cnt : NAN;
    if (mae) *mae = cnt ? b / (double)cnt : NAN;
}

/* What a classification task reads: node labels and split, or (a model
 * with a pooling layer on batched graphs) graph labels and split. */
typedef struct view { const int32_t *y; const uint8_t *split; int64_t rows; int32_t classes; } view;

static bool pools(const tg_gnn_model *m)
{
    for (int k = 0; k < m->nl; k++)
        if (m->layers[k].kind >= TG_GNN_SUM_POOL && m->layers[k].kind <= TG_GNN_MAX_POOL) return true;
    return false;
}

static view task(const tg_gnn_model *m, const tg_gnn_data *d)
{
    view v = {d->y, d->split, d->n, d->classes};
    if (d->gptr && pools(m)) {
        v.y = d->gy;
        v.split = d->gsplit;
        v.rows = d->ngraphs;
        v.classes = 0;
        for (int64_t k = 0; k < d->ngraphs; k++)
            if (d->gy && d->gy[k] + 1 > v.classes) v.classes = d->gy[k] + 1;
    }
    return v;
}

/* What a regression task reads: node targets, graph targets (a pooling
 * model on batched graphs) or edge targets (an edge-readout model). */
typedef struct rview { const float *y; int64_t tdim; const uint8_t *split; int64_t rows; const char *level; } rview;

static rview rtask(const tg_gnn_model *m, const tg_gnn_data *d)
{
    rview v = {d->yt, d->tdim, d->split, d->n, "node"};
    if (tg_gnn_model_is_edge_level(m)) v = (rview){d->eyt, d->etdim, d->esplit, d->g->m, "edge"};
    else if (d->gptr && pools(m)) v = (rview){d->gyt, d->gtdim, d->gsplit, d->ngraphs, "graph"};
    return v;
}

static tg_status check_data(const tg_gnn_model *m, const tg_gnn_data *d, bool labels, const char *fn, char *msg)
{
    if (!m || !d) return tg_msg(msg, TG_ERR_ARG, "gnn.%s: missing model or data", fn);
    if (d->f != m->in_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.%s: the data has %lld features, the model takes %lld", fn,
                      (long long)d->f, (long long)m->in_f);
    if (labels && tg_gnn_model_is_edge_level(m))
        return tg_msg(msg, TG_ERR_ARG, "gnn.%s: an edge-level model is for regression (loss mse or mae)", fn);
    if (labels) {
        view v = task(m, d);
        if (!v.y) return tg_msg(msg, TG_ERR_ARG, "gnn.%s: the data has no labels", fn);
        if (v.classes > m->out_f)
            return tg_msg(msg, TG_ERR_ARG, "gnn.%s: %d classes but the model has %lld outputs", fn, v.classes,
                          (long long)m->out_f);
    }
    return TG_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The thread counts of both pools, to put back after a fit: the pools are
 * process-wide, and fit{threads = 1} must not slow down the caller's later
 * work. */
typedef struct pools_state { int blas, omp; } pools_state;

static pools_state set_threads(int threads)
{
    pools_state was = {openblas_get_num_threads(), 0};
#ifdef _OPENMP
    was.omp = omp_get_max_threads();
#endif
    if (threads <= 0) return was;
    openblas_set_num_threads(threads);   /* the BLAS has its own pool */
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    return was;
}

static void restore_threads(int threads, pools_state was)
{
    if (threads <= 0) return;
    openblas_set_num_threads(was.blas);
#ifdef _OPENMP
    omp_set_num_threads(was.omp);
#else
    (void)was.omp;
#endif
}

/* One optimiser step over every parameter; `step` counts from 1. */
static void optim_step(tg_gnn_model *m, const tg_gnn_fit_opts *o, double lr, int step)
{
    /* Global-norm clipping first, as torch.nn.utils.clip_grad_norm_. */
    float clip = 1.0f;
    if (o->clip > 0) {
        double ss = 0;
        for (int k = 0; k < m->np; k++) {
            gnn_param *p = &m->params[k];
            for (int64_t i = 0; i < p->rows * p->cols; i++) ss += (double)p->grad[i] * p->grad[i];
        }
        double nrm = sqrt(ss);
        if (nrm > o->clip) clip = (float)(o->clip / (nrm + 1e-6));
    }
    double bc1 = 1 - pow(o->beta1, step), bc2 = 1 - pow(o->beta2, step);
    for (int k = 0; k < m->np; k++) {
        gnn_param *p = &m->params[k];
        double lwd = m->layers[p->layer].weight_decay;
        float wd = p->decay ? (float)(lwd >= 0 ? lwd : o->weight_decay) : 0.0f;
        int64_t sz = p->rows * p->cols;
        for (int64_t i = 0; i < sz; i++) {
            float g = p->grad[i] * clip, w = p->val[i];
            if (o->optim == TG_GNN_SGD) {
                g += wd * w;
                p->m1[i] = (float)o->momentum * p->m1[i] + g;
                p->val[i] = w - (float)lr * p->m1[i];
                continue;
            }
            if (o->optim == TG_GNN_ADAM) g += wd * w;          /* L2 in the gradient */
            else w -= (float)(lr * wd) * w;                    /* AdamW: decoupled decay */
            p->m1[i] = (float)o->beta1 * p->m1[i] + (float)(1 - o->beta1) * g;
            p->m2[i] = (float)o->beta2 * p->m2[i] + (float)(1 - o->beta2) * g * g;
            double mh = p->m1[i] / bc1, vh = p->m2[i] / bc2;
            p->val[i] = (float)(w - lr * mh / (sqrt(vh) + o->adam_eps));
        }
    }
}

static void zero_grads(tg_gnn_model *m)
{
    for (int k = 0; k < m->np; k++) memset(m->params[k].grad, 0, sizeof(float) * (size_t)(m->params[k].rows * m->params[k].cols));
}

static void copy_params(tg_gnn_model *m, float *buf, bool save)
{
    for (int k = 0; k < m->np; k++) {
        size_t sz = (size_t)(m->params[k].rows * m->params[k].cols);
        if (save) memcpy(buf, m->params[k].val, sz * sizeof(float));
        else memcpy(m->params[k].val, buf, sz * sizeof(float));
        buf += sz;
    }
}

tg_status tg_gnn_fit(tg_gnn_model *m, tg_gnn_data *d, const tg_gnn_fit_opts *opts, tg_gnn_epoch_fn fn, void *ud,
                     tg_gnn_fit_result *res, char *msg)
{
    tg_msg_clear(msg);
    tg_gnn_fit_opts o = opts ? *opts : tg_gnn_fit_defaults();
    /* Enums from C callers are plain ints: they index tables below. */
    if ((unsigned)o.optim > (unsigned)TG_GNN_SGD)
        return tg_msg(msg, TG_ERR_ARG, "gnn.fit: unknown optimizer %d", (int)o.optim);
    if ((unsigned)o.loss > (unsigned)TG_GNN_LOSS_MAE)
        return tg_msg(msg, TG_ERR_ARG, "gnn.fit: unknown loss %d", (int)o.loss);
    bool reg = o.loss != TG_GNN_LOSS_CE;
    tg_status s = check_data(m, d, !reg, "fit", msg);
    if (s != TG_OK) return s;
    rview rv = rtask(m, d);
    if (reg && (!rv.y || rv.tdim != m->out_f))
        return tg_msg(msg, TG_ERR_ARG, "gnn.fit: %s regression needs %s targets as wide as the model's %lld outputs",
                      rv.level, rv.level, (long long)m->out_f);
    view v = task(m, d);
    if (reg) {
        v.y = NULL;
        v.split = rv.split;
        v.rows = rv.rows;
    }
    if (!v.split) return tg_msg(msg, TG_ERR_ARG, "gnn.fit: the data has no train/val/test split");
    if (o.epochs < 1 || !(o.lr > 0) || o.weight_decay < 0 || o.patience < 0 || o.window < 0 || o.clip < 0)
        return tg_msg(msg, TG_ERR_ARG, "gnn.fit: bad options (epochs >= 1, lr > 0, weight_decay >= 0, "
                                       "patience >= 0, window >= 0, clip >= 0)");
    int64_t ntrain = 0, nval = 0;
    for (int64_t i = 0; i < v.rows; i++) {
        bool lab = reg || v.y[i] >= 0;
        ntrain += lab && v.split[i] == TG_GNN_TRAIN;
        nval += lab && v.split[i] == TG_GNN_VAL;
    }
    if (ntrain == 0) return tg_msg(msg, TG_ERR_ARG, "gnn.fit: no labelled training nodes");
    tg_gnn_sched_state sched;
    if ((s = tg_gnn_i_fit_schedule(&o, &sched, msg)) != TG_OK) return s;
    /* Optimiser state starts afresh with each fit (its bias correction counts
     * from epoch 1), also when the weights continue from an earlier fit. */
    for (int k = 0; k < m->np; k++) {
        size_t sz = (size_t)(m->params[k].rows * m->params[k].cols);
        memset(m->params[k].m1, 0, sz * sizeof(float));
        memset(m->params[k].m2, 0, sz * sizeof(float));
    }
    pools_state pools = set_threads(o.threads);
    gnn_tape t;
    tg_gnn_i_tape_init(&t, o.seed);
    double *times = tg_malloc(sizeof *times * (size_t)o.epochs);
    double *vloss = tg_malloc(sizeof *vloss * (size_t)o.epochs);
    float *best = tg_malloc(sizeof *best * (size_t)(tg_gnn_model_param_count(m) + 1));
    bool has_val = nval > 0, saved = false;
    double best_acc = -1, best_loss = INFINITY, lr = tg_gnn_schedule_lr(&sched);
    int bad = 0, ep = 0, best_ep = 0;
    tg_gnn_epoch rec = {0};
    if (!times || !vloss || !best) {
        s = tg_msg(msg, TG_ERR_NOMEM, "gnn.fit: out of memory");
        goto done;
    }
    for (ep = 1; ep <= o.epochs; ep++) {
        double t0 = tg_now();
        if ((s = tg_gnn_i_tape_reset(&t, msg)) != TG_OK) goto done;
        t.training = true;
        zero_grads(m);
        int out = tg_gnn_i_forward(m, &t, d, d->x);
        int loss = reg ? tg_gnn_i_regress_masked(&t, o.loss == TG_GNN_LOSS_MSE ? OP_MSE : OP_MAE, out, rv.y, rv.split,
                                                 TG_GNN_TRAIN)
                       : tg_gnn_i_ce(&t, out, v.y, v.split, TG_GNN_TRAIN);
        if ((s = tg_gnn_i_backward(&t, loss, msg)) != TG_OK) goto done;
        optim_step(m, &o, lr, ep);
        times[ep - 1] = tg_now() - t0;
        rec.epoch = ep;
        rec.seconds = times[ep - 1];
        if (reg) {
            score_reg(t.nodes[out].val, rv.rows, rv.tdim, rv.y, rv.split, TG_GNN_TRAIN, &rec.train_loss, NULL);
            rec.train_acc = -sqrt(rec.train_loss);
            if (o.loss == TG_GNN_LOSS_MAE) rec.train_loss = t.nodes[loss].val[0];
        } else
            score(t.nodes[out].val, v.rows, t.nodes[out].cols, v.y, v.split, TG_GNN_TRAIN, &rec.train_loss,
                  &rec.train_acc);
        if (!isfinite(rec.train_loss)) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "gnn.fit: the training loss is not finite at epoch %d (lower lr?)", ep);
            goto done;
        }
        if ((s = tg_gnn_i_tape_reset(&t, msg)) != TG_OK) goto done;
        t.training = false;
        out = tg_gnn_i_forward(m, &t, d, d->x);
        if (out < 0) {
            s = tg_msg(msg, t.err, "%s", t.msg);
            goto done;
        }
        if (reg) {
            double mae;
            score_reg(t.nodes[out].val, rv.rows, rv.tdim, rv.y, rv.split, TG_GNN_VAL, &rec.val_loss, &mae);
            rec.val_acc = -sqrt(rec.val_loss);
            if (o.loss == TG_GNN_LOSS_MAE) rec.val_loss = mae;
        } else
            score(t.nodes[out].val, v.rows, t.nodes[out].cols, v.y, v.split, TG_GNN_VAL, &rec.val_loss, &rec.val_acc);
        vloss[ep - 1] = rec.val_loss;
        tg_gnn_schedule_step(&sched, has_val ? rec.val_loss : rec.train_loss);
        lr = tg_gnn_schedule_lr(&sched);
        if (fn && fn(ud, &rec)) break;
        if (!has_val) continue;
        if (o.patience > 0) {
            /* As in GAT's reference code: progress in either metric resets
             * the counter; weights are kept when both are at their best. */
            if (rec.val_acc >= best_acc || rec.val_loss <= best_loss) {
                if (rec.val_acc >= best_acc && rec.val_loss <= best_loss) {
                    copy_params(m, best, true);
                    saved = true;
                    best_ep = ep;
                }
                if (rec.val_acc > best_acc) best_acc = rec.val_acc;
                if (rec.val_loss < best_loss) best_loss = rec.val_loss;
                bad = 0;
            } else if (++bad >= o.patience)
                break;
        }
        if (o.window > 0 && ep > o.window) {
            /* Kipf & Welling: stop when the loss exceeds the mean of the previous window. */
            double mean = 0;
            for (int k = ep - 1 - o.window; k < ep - 1; k++) mean += vloss[k];
            if (rec.val_loss > mean / o.window) break;
        }
    }
    if (ep > o.epochs) ep = o.epochs;
    if (saved) copy_params(m, best, false);
    else best_ep = ep;
    {
        static const char *const optim[] = {"adam", "adamw", "sgd"};
        snprintf(m->fit, sizeof m->fit,
                 "task=%s optimizer=%s lr=%.9g weight_decay=%.9g momentum=%.9g epochs=%d "
                 "epochs_run=%d best_epoch=%d patience=%d window=%d clip=%.9g lr_decay=%.9g lr_step=%d seed=%llu",
                 reg ? (o.loss == TG_GNN_LOSS_MSE ? (rv.level[0] == 'n' ? "node_regression_mse" : rv.level[0] == 'g'
                                                     ? "graph_regression_mse" : "edge_regression_mse")
                                                  : (rv.level[0] == 'n' ? "node_regression_mae" : rv.level[0] == 'g'
                                                     ? "graph_regression_mae" : "edge_regression_mae"))
                     : "node_classification",
                 optim[o.optim], o.lr, o.weight_decay, o.momentum, o.epochs, ep, saved ? best_ep : ep, o.patience,
                 o.window, o.clip, o.lr_decay, o.lr_step, (unsigned long long)o.seed);
        tg_gnn_i_schedule_describe(&o.schedule, m->fit, sizeof m->fit);
    }
    tg_gnn_i_tape_free(&t);   /* before the evaluation below builds its own tape: not both at the peak */
    if (res) {
        memset(res, 0, sizeof *res);
        res->epochs = ep;
        res->best_epoch = best_ep;
        qsort(times, (size_t)ep, sizeof *times, cmp_double);
        res->epoch_ms_median = 1000 * (ep % 2 ? times[ep / 2] : (times[ep / 2 - 1] + times[ep / 2]) / 2);
        if (reg) {
            double rmse, mae;
            s = tg_gnn_evaluate_regression(m, d, TG_GNN_VAL, &rmse, &mae, msg);
            res->val_loss = o.loss == TG_GNN_LOSS_MSE ? rmse * rmse : mae;
            res->val_acc = -rmse;
        } else
            s = tg_gnn_evaluate(m, d, TG_GNN_VAL, &res->val_loss, &res->val_acc, msg);
    }
done:
    restore_threads(o.threads, pools);
    tg_gnn_i_tape_free(&t);
    tg_free(times);
    tg_free(vloss);
    tg_free(best);
    return s;
}

/* Forward in evaluation mode; the caller reads t->nodes[*out]. */
static tg_status eval_forward(const tg_gnn_model *m, tg_gnn_data *d, gnn_tape *t, int *out, char *msg)
{
    tg_gnn_i_tape_init(t, 0);
    *out = tg_gnn_i_forward(m, t, d, d->x);
    if (*out < 0) return tg_msg(msg, t->err ? t->err : TG_ERR_NOMEM, "%s", t->msg);
    return TG_OK;
}

tg_status tg_gnn_predict(const tg_gnn_model *m, tg_gnn_data *d, float *z, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_data(m, d, false, "predict", msg);
    if (s != TG_OK) return s;
    if (!z) return tg_msg(msg, TG_ERR_ARG, "gnn.predict: out is NULL");
    gnn_tape t;
    int out;
    if ((s = eval_forward(m, d, &t, &out, msg)) == TG_OK)
        memcpy(z, t.nodes[out].val, sizeof *z * (size_t)(t.nodes[out].rows * m->out_f));
    tg_gnn_i_tape_free(&t);
    return s;
}

tg_status tg_gnn_evaluate(const tg_gnn_model *m, tg_gnn_data *d, tg_gnn_split sp, double *loss, double *acc,
                          char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_data(m, d, true, "evaluate", msg);
    if (s != TG_OK) return s;
    gnn_tape t;
    int out;
    if ((s = eval_forward(m, d, &t, &out, msg)) == TG_OK)
    {
        view v = task(m, d);
        score(t.nodes[out].val, v.rows, m->out_f, v.y, v.split, (int)sp, loss, acc);
    }
    tg_gnn_i_tape_free(&t);
    return s;
}

tg_status tg_gnn_evaluate_regression(const tg_gnn_model *m, tg_gnn_data *d, tg_gnn_split sp, double *rmse,
                                     double *mae, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_data(m, d, false, "evaluate_regression", msg);
    if (s != TG_OK) return s;
    rview rv = rtask(m, d);
    if (!rv.y || rv.tdim != m->out_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.evaluate_regression: no %s targets as wide as the model's outputs",
                      rv.level);
    gnn_tape t;
    int out;
    if ((s = eval_forward(m, d, &t, &out, msg)) == TG_OK) {
        double mse;
        score_reg(t.nodes[out].val, rv.rows, rv.tdim, rv.y, rv.split, (int)sp, &mse, mae);
        if (rmse) *rmse = sqrt(mse);
    }
    tg_gnn_i_tape_free(&t);
    return s;
}

tg_status tg_gnn_saliency(const tg_gnn_model *m, tg_gnn_data *d, int64_t node, int32_t cls, double *node_sal,
                          double *feat_sal, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_data(m, d, false, "saliency", msg);
    if (s != TG_OK) return s;
    if (tg_gnn_model_is_graph_level(m))
        return tg_msg(msg, TG_ERR_ARG, "gnn.saliency: only node-level models (this one pools into graphs)");
    if (tg_gnn_model_is_edge_level(m))
        return tg_msg(msg, TG_ERR_ARG, "gnn.saliency: only node-level models (this one ends on edges: edge_saliency)");
    if (node < 0 || node >= d->n || cls < 0 || cls >= m->out_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.saliency: node %lld or class %d out of range", (long long)node, cls);
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 0);
    t.dense_input = true;
    int out = tg_gnn_i_forward(m, &t, d, d->x);
    if (out < 0) {
        s = tg_msg(msg, t.err ? t.err : TG_ERR_NOMEM, "%s", t.msg);
        goto done;
    }
    /* Node 0 is the forward pass's input leaf: ask for its gradient, mark
     * what depends on it, and seed the output's gradient one-hot. */
    t.nodes[0].req = true;
    for (size_t k = 1; k < t.n; k++) {
        gnn_node *nd = &t.nodes[k];
        nd->req = (nd->a >= 0 && t.nodes[nd->a].req) || (nd->b >= 0 && t.nodes[nd->b].req);
    }
    if ((s = tg_gnn_i_backward_at(&t, out, node * m->out_f + cls, msg)) != TG_OK) goto done;
    const float *gx = t.nodes[0].grad;
    if (node_sal)
        for (int64_t i = 0; i < d->n; i++) {
            double a = 0;
            for (int64_t j = 0; j < d->f; j++) a += fabs(gx[i * d->f + j]);
            node_sal[i] = a;
        }
    if (feat_sal) {
        for (int64_t j = 0; j < d->f; j++) feat_sal[j] = 0;
        for (int64_t i = 0; i < d->n; i++)
            for (int64_t j = 0; j < d->f; j++) feat_sal[j] += fabs(gx[i * d->f + j]);
    }
done:
    tg_gnn_i_tape_free(&t);
    return s;
}

/* ---- metrics ----------------------------------------------------------- */

typedef struct scored { double s; uint8_t y; } scored;

static int cmp_scored_desc(const void *a, const void *b)
{
    double x = ((const scored *)a)->s, y = ((const scored *)b)->s;
    return x > y ? -1 : x < y;
}

tg_status tg_gnn_auc_ap(int64_t n, const double *score_, const uint8_t *label, double *auc, double *ap, char *msg)
{
    tg_msg_clear(msg);
    if (n <= 0 || !score_ || !label) return tg_msg(msg, TG_ERR_ARG, "gnn.auc_ap: no scores");
    scored *v = tg_malloc(sizeof *v * (size_t)n);
    if (!v) return tg_msg(msg, TG_ERR_NOMEM, "gnn.auc_ap: out of memory");
    tg_status s = tg_gnn_i_auc_ap(n, score_, label, v, auc, ap, msg);
    tg_free(v);
    return s;
}

size_t tg_gnn_i_auc_scratch(int64_t n) { return sizeof(scored) * (size_t)(n > 0 ? n : 1); }

tg_status tg_gnn_i_auc_ap(int64_t n, const double *score_, const uint8_t *label, void *scratch, double *auc, double *ap,
                          char *msg)
{
    scored *v = scratch;
    int64_t pos = 0;
    for (int64_t i = 0; i < n; i++) {
        if (isnan(score_[i])) {
            return tg_msg(msg, TG_ERR_NUMERIC, "gnn.auc_ap: score %lld is NaN", (long long)i);
        }
        v[i].s = score_[i];
        v[i].y = label[i] != 0;
        pos += v[i].y;
    }
    int64_t neg = n - pos;
    if (!pos || !neg) {
        return tg_msg(msg, TG_ERR_ARG, "gnn.auc_ap: need both positive and negative items");
    }
    qsort(v, (size_t)n, sizeof *v, cmp_scored_desc);
    /* Walk groups of tied scores from the top: AUC counts positive-negative
     * pairs ranked right (ties half), AP sums precision at each recall step
     * (as scikit-learn's average_precision_score). */
    double pairs = 0, apsum = 0;
    int64_t tp = 0, fp = 0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i, gp = 0, gn = 0;
        while (j < n && v[j].s == v[i].s) {
            gp += v[j].y;
            gn += !v[j].y;
            j++;
        }
        /* negatives in this group rank below tp earlier positives, tie with gp */
        pairs += (double)gn * ((double)tp + 0.5 * (double)gp);
        tp += gp;
        fp += gn;
        if (gp) apsum += (double)gp / (double)pos * ((double)tp / (double)(tp + fp));
        i = j;
    }
    if (auc) *auc = pairs / ((double)pos * (double)neg);
    if (ap) *ap = apsum;
    return TG_OK;
}

/* ---- shared with the other tasks (link.c, autoencoder.c) ---------------- */

void tg_gnn_i_optim_step(tg_gnn_model *m, const tg_gnn_fit_opts *o, double lr, int step) { optim_step(m, o, lr, step); }
void tg_gnn_i_zero_grads(tg_gnn_model *m) { zero_grads(m); }
void tg_gnn_i_copy_params(tg_gnn_model *m, float *buf, bool save) { copy_params(m, buf, save); }
tg_gnn_i_pools tg_gnn_i_set_threads(int threads)
{
    pools_state p = set_threads(threads);
    tg_gnn_i_pools q = {p.blas, p.omp};
    return q;
}
void tg_gnn_i_restore_threads(int threads, tg_gnn_i_pools was)
{
    pools_state p = {was.blas, was.omp};
    restore_threads(threads, p);
}
