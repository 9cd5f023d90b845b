/* link.c: link prediction as a task of the ordinary model / fit path, and
 * the graph autoencoders GAE / VGAE (Kipf & Welling 2016) on top of it.
 *
 * The undirected edges are split into test / validation / train; the
 * encoder (any tg_gnn_model) runs on the training graph only; the decoder
 * scores a pair by the inner product of its embeddings.  Each epoch trains
 * on every training edge against as many non-edges sampled afresh from the
 * training graph (the held-out edges must not leak into training as known
 * non-edges; PyG and Kipf's code sample the same way), with binary
 * cross-entropy on the logits, plus for VGAE the KL term divided by the
 * number of nodes.  Parameters, initialisation and the optimiser step are
 * the model's and tg_gnn_fit's (train.c): nothing is duplicated here.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnn_internal.h"

tg_gnn_link_task tg_gnn_link_task_defaults(void)
{
    tg_gnn_link_task k;
    memset(&k, 0, sizeof k);
    k.val_frac = 0.05;
    k.test_frac = 0.10;
    k.split_seed = 1;
    return k;
}

tg_gnn_link_opts tg_gnn_link_defaults(void)
{
    tg_gnn_link_opts o;
    memset(&o, 0, sizeof o);
    o.hidden = 32;
    o.latent = 16;
    o.val_frac = 0.05;
    o.test_frac = 0.10;
    o.epochs = 200;
    o.lr = 0.01;
    o.seed = 1;
    return o;
}

/* Is edge e an arc u -> v with u > v whose reverse v -> u is not in g? */
static bool lone_back_arc(const tg_gnn_graph *g, int64_t e)
{
    int32_t u = g->src[e], v = g->dst[e];
    if (u <= v) return false;
    for (int64_t k = g->rowptr[u]; k < g->rowptr[u + 1]; k++)   /* in-edges of u */
        if (g->src[k] == v) return false;
    return true;
}

/* Is u - v an edge of g (either direction)? */
static bool is_edge(const tg_gnn_graph *g, int64_t u, int64_t v)
{
    for (int64_t e = g->rowptr[v]; e < g->rowptr[v + 1]; e++)
        if (g->src[e] == u) return true;
    for (int64_t e = g->rowptr[u]; e < g->rowptr[u + 1]; e++)
        if (g->src[e] == v) return true;
    return false;
}

/* k random non-edges (i != j) of g into pairs. */
static void sample_neg(const tg_gnn_graph *g, tg_rng *r, int64_t k, int32_t *pairs)
{
    for (int64_t q = 0; q < k; q++) {
        int64_t i, j;
        do {
            i = (int64_t)tg_rng_below(r, (uint64_t)g->n);
            j = (int64_t)tg_rng_below(r, (uint64_t)g->n);
        } while (i == j || is_edge(g, i, j));
        pairs[2 * q] = (int32_t)i;
        pairs[2 * q + 1] = (int32_t)j;
    }
}

/* AUC / AP of np positive and np negative pairs under embeddings z (rows of
 * width `stride`, the first f columns used); s and y hold 2 np items. */
static tg_status score_pairs(const float *z, int64_t stride, int64_t f, int64_t np, const int32_t *pos,
                             const int32_t *neg, double *s, uint8_t *y, void *scratch, double *auc, double *ap, char *msg)
{
    for (int64_t k = 0; k < 2 * np; k++) {
        const int32_t *p = k < np ? pos + 2 * k : neg + 2 * (k - np);
        double d = 0;
        for (int64_t j = 0; j < f; j++) d += (double)z[p[0] * stride + j] * z[p[1] * stride + j];
        s[k] = d;
        y[k] = k < np;
    }
    return tg_gnn_i_auc_ap(2 * np, s, y, scratch, auc, ap, msg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The split and every buffer of one link-prediction run. */
typedef struct link_run {
    int64_t n, ne, ntr, nva, nte;
    int32_t *und;           /* 2 ne: [test | val | train] pairs */
    int32_t *teneg, *vaneg; /* evaluation non-edges */
    int32_t *pairs;         /* 4 ntr: training edges, then this epoch's negatives */
    float *target;          /* 2 ntr: 1 ... 1 0 ... 0 */
    float *noise;           /* n x latent (VGAE) */
    double *sc;             /* 2 max(nte, nva) scores */
    uint8_t *lab;
    void *scratch;          /* AUC sort buffer: evaluating allocates nothing */
    double *times;          /* per-epoch seconds */
    float *best;            /* saved weights (patience) */
    tg_gnn_graph *gt;       /* training graph with self loops */
} link_run;

static void run_free(link_run *r)
{
    tg_free(r->und);
    tg_free(r->teneg);
    tg_free(r->vaneg);
    tg_free(r->pairs);
    tg_free(r->target);
    tg_free(r->noise);
    tg_free(r->sc);
    tg_free(r->lab);
    tg_free(r->scratch);
    tg_free(r->times);
    tg_free(r->best);
    tg_gnn_graph_free(&r->gt);
}

/* Split d's undirected edges and build the training graph. */
static tg_status run_split(link_run *r, const tg_gnn_data *d, const tg_gnn_link_task *k, int64_t latent, int epochs,
                           int64_t nparam, char *msg)
{
    const tg_gnn_graph *g0 = d->g;
    int64_t n = d->n, ne = 0;
    /* An arc u -> v with u > v counts when v -> u is absent: a directed
     * graph is symmetrised rather than losing half of its arcs. */
    for (int64_t e = 0; e < g0->m; e++) ne += g0->src[e] < g0->dst[e] || lone_back_arc(g0, e);
    int64_t nte = (int64_t)floor(k->test_frac * (double)ne), nva = (int64_t)floor(k->val_frac * (double)ne);
    int64_t ntr = ne - nte - nva;
    if (nte < 1 || ntr < 1) return tg_msg(msg, TG_ERR_ARG, "gnn.link: too few edges (%lld) to split", (long long)ne);
    /* Negatives are drawn by rejection: ask for at most half of the ordered
     * non-adjacent pairs, or a dense graph would make the sampler spin. */
    double free_pairs = (double)n * (double)(n - 1) - (double)g0->m;
    if (free_pairs < 2.0 * (double)(ntr > nte + nva ? ntr : nte + nva))
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: the graph is too dense to sample %lld non-edges", (long long)ntr);
    r->n = n;
    r->ne = ne;
    r->ntr = ntr;
    r->nva = nva;
    r->nte = nte;
    int64_t nev = nte > nva ? nte : nva;
    int64_t *s2 = NULL, *d2 = NULL;
    if (!(r->und = tg_malloc(sizeof *r->und * (size_t)(2 * ne))) ||
        !(r->teneg = tg_malloc(sizeof *r->teneg * (size_t)(2 * nte))) ||
        !(r->vaneg = tg_malloc(sizeof *r->vaneg * (size_t)(2 * nva + 2))) ||
        !(r->pairs = tg_malloc(sizeof *r->pairs * (size_t)(4 * ntr))) ||
        !(r->target = tg_malloc(sizeof *r->target * (size_t)(2 * ntr))) ||
        !(r->noise = tg_malloc(sizeof *r->noise * (size_t)(n * latent))) ||
        !(r->sc = tg_malloc(sizeof *r->sc * (size_t)(2 * nev))) || !(r->lab = tg_malloc((size_t)(2 * nev))) ||
        !(r->scratch = tg_malloc(tg_gnn_i_auc_scratch(2 * nev))) ||
        !(r->times = tg_malloc(sizeof *r->times * (size_t)epochs)) ||
        !(r->best = tg_malloc(sizeof *r->best * (size_t)(nparam + 1))) ||
        !(s2 = tg_malloc(sizeof *s2 * (size_t)(2 * ntr))) || !(d2 = tg_malloc(sizeof *d2 * (size_t)(2 * ntr)))) {
        tg_free(s2);
        tg_free(d2);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.link: out of memory");
    }
    int64_t q = 0;
    for (int64_t e = 0; e < g0->m; e++)
        if (g0->src[e] < g0->dst[e]) {
            r->und[2 * q] = g0->src[e];
            r->und[2 * q + 1] = g0->dst[e];
            q++;
        }
    for (int64_t e = 0; e < g0->m; e++)   /* after the forward arcs: an undirected graph splits the same */
        if (lone_back_arc(g0, e)) {
            r->und[2 * q] = g0->dst[e];
            r->und[2 * q + 1] = g0->src[e];
            q++;
        }
    assert(q == ne);
    tg_rng rng;
    tg_rng_seed(&rng, k->split_seed);
    for (int64_t i = ne - 1; i > 0; i--) {   /* Fisher-Yates */
        int64_t j = (int64_t)tg_rng_below(&rng, (uint64_t)(i + 1));
        int32_t a = r->und[2 * i], b = r->und[2 * i + 1];
        r->und[2 * i] = r->und[2 * j];
        r->und[2 * i + 1] = r->und[2 * j + 1];
        r->und[2 * j] = a;
        r->und[2 * j + 1] = b;
    }
    sample_neg(g0, &rng, nte, r->teneg);
    sample_neg(g0, &rng, nva, r->vaneg);
    const int32_t *tr = r->und + 2 * (nte + nva);
    for (int64_t i = 0; i < ntr; i++) {
        s2[2 * i] = tr[2 * i];
        d2[2 * i] = tr[2 * i + 1];
        s2[2 * i + 1] = tr[2 * i + 1];
        d2[2 * i + 1] = tr[2 * i];
        r->pairs[2 * i] = tr[2 * i];
        r->pairs[2 * i + 1] = tr[2 * i + 1];
        r->target[i] = 1;
        r->target[ntr + i] = 0;
    }
    tg_status s = tg_gnn_graph_new(&r->gt, n, 2 * ntr, s2, d2, true, msg);
    tg_free(s2);
    tg_free(d2);
    return s;
}

/* Forward pass on the training-graph view; in training a VGAE samples z. */
static int encode(const tg_gnn_model *m, gnn_tape *t, tg_gnn_data *view, bool variational, float *noise, int *kl)
{
    int out = tg_gnn_i_forward(m, t, view, view->x);
    *kl = -1;
    if (!variational || out < 0) return out;
    int64_t lat = m->out_f / 2;
    int mu = tg_gnn_i_slice_cols(t, out, 0, lat);
    if (!t->training) return mu;
    int ls = tg_gnn_i_slice_cols(t, out, lat, lat);
    for (int64_t i = 0; i < view->n * lat; i++) noise[i] = (float)tg_rng_normal(&t->rng);
    *kl = tg_gnn_i_scale(t, tg_gnn_i_kl_normal(t, mu, ls), 1.0f / (float)view->n);
    return tg_gnn_i_add(t, mu, tg_gnn_i_mul(t, tg_gnn_i_leaf(t, view->n, lat, noise), tg_gnn_i_unary(t, OP_EXP, ls, 0)));
}

/* Evaluation-mode embeddings; AUC / AP on the test and validation pairs. */
static tg_status evaluate(const tg_gnn_model *m, gnn_tape *t, tg_gnn_data *view, const tg_gnn_link_task *k,
                          link_run *r, bool test, double *auc, double *ap, double *vauc, double *vap, char *msg)
{
    tg_status s = tg_gnn_i_tape_reset(t, msg);
    if (s != TG_OK) return s;
    t->training = false;
    int kl, z = encode(m, t, view, k->variational, r->noise, &kl);
    if (z < 0) return tg_msg(msg, t->err ? t->err : TG_ERR_NOMEM, "%s", t->msg);
    const gnn_node *Z = &t->nodes[z];
    if (test && (s = score_pairs(Z->val, Z->cols, Z->cols, r->nte, r->und, r->teneg, r->sc, r->lab, r->scratch, auc, ap, msg)) != TG_OK)
        return s;
    if (r->nva > 0)
        return score_pairs(Z->val, Z->cols, Z->cols, r->nva, r->und + 2 * r->nte, r->vaneg, r->sc, r->lab, r->scratch, vauc, vap, msg);
    *vauc = *vap = 0;
    return TG_OK;
}

tg_status tg_gnn_link_fit(tg_gnn_model *m, tg_gnn_data *d, const tg_gnn_fit_opts *opts, const tg_gnn_link_task *task,
                          tg_gnn_epoch_fn fn, void *ud, tg_gnn_link_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !d || !res) return tg_msg(msg, TG_ERR_ARG, "gnn.link: missing model, data or result");
    tg_gnn_fit_opts o = opts ? *opts : tg_gnn_fit_defaults();
    tg_gnn_link_task k = task ? *task : tg_gnn_link_task_defaults();
    if ((unsigned)o.optim > (unsigned)TG_GNN_SGD) return tg_msg(msg, TG_ERR_ARG, "gnn.link: unknown optimizer %d", (int)o.optim);
    if (o.epochs < 1 || !(o.lr > 0) || o.weight_decay < 0 || o.patience < 0 || o.clip < 0 || !(k.val_frac >= 0) ||
        !(k.test_frac > 0) || !(k.val_frac + k.test_frac < 0.9))
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: bad options (epochs >= 1, lr > 0, weight_decay, patience, clip >= 0, "
                                       "val >= 0, test > 0, val + test < 0.9)");
    if (d->f != m->in_f)
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: the data has %lld features, the model takes %lld", (long long)d->f,
                      (long long)m->in_f);
    if (tg_gnn_model_is_graph_level(m)) return tg_msg(msg, TG_ERR_ARG, "gnn.link: the encoder must not pool into graphs");
    if (d->gptr) return tg_msg(msg, TG_ERR_ARG, "gnn.link: needs node-level data (one graph)");
    if (k.full_loss && d->n > 32768)
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: the full reconstruction loss needs n^2 floats: at most 32768 nodes, "
                                       "not %lld (use sampled non-edges)", (long long)d->n);
    if (k.variational && m->out_f % 2)
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: a variational encoder outputs [mu | log sigma]: an even width, not %lld",
                      (long long)m->out_f);
    tg_gnn_sched_state sched;
    tg_status s = tg_gnn_i_fit_schedule(&o, &sched, msg);
    if (s != TG_OK) return s;
    link_run r;
    memset(&r, 0, sizeof r);
    int64_t lat = k.variational ? m->out_f / 2 : m->out_f;
    gnn_tape t;
    tg_gnn_i_tape_init(&t, o.seed);
    tg_gnn_data view = *d;   /* the data with the training graph: the encoder sees no held-out edge */
    view.looped = NULL;
    tg_gnn_i_pools pools = tg_gnn_i_set_threads(o.threads);
    if ((s = run_split(&r, d, &k, lat, o.epochs, tg_gnn_model_param_count(m), msg)) != TG_OK) goto done;
    view.g = r.gt;
    for (int q = 0; q < m->np; q++) {   /* optimiser state starts afresh, as in tg_gnn_fit */
        size_t sz = (size_t)(m->params[q].rows * m->params[q].cols);
        memset(m->params[q].m1, 0, sz * sizeof(float));
        memset(m->params[q].m2, 0, sz * sizeof(float));
    }
    bool watch = fn || o.patience > 0 || o.schedule.kind == TG_GNN_SCHED_PLATEAU;
    double best_auc = -1;
    int ep, best_ep = 0, bad = 0;
    bool saved = false;
    int32_t *neg = r.pairs + 2 * r.ntr;
    /* Kipf & Welling's weights: adj.sum() = 2 E over the n^2 entries. */
    double nn = (double)r.n * (double)r.n, npos = 2.0 * (double)r.ntr;
    float pos_weight = (float)((nn - npos) / npos), norm = (float)(nn / (2 * (nn - npos)));
    for (ep = 1; ep <= o.epochs; ep++) {
        double t0 = tg_now(), lr = tg_gnn_schedule_lr(&sched);
        if ((s = tg_gnn_i_tape_reset(&t, msg)) != TG_OK) goto done;
        t.training = true;
        tg_gnn_i_zero_grads(m);
        if (!k.full_loss) sample_neg(r.gt, &t.rng, r.ntr, neg);
        int kl, z = encode(m, &t, &view, k.variational, r.noise, &kl), loss;
        if (k.full_loss)
            loss = tg_gnn_i_scale(&t, tg_gnn_i_gram_bce_sym(&t, z, r.gt, pos_weight), norm);   /* gt: both ways */
        else   /* mean over positives plus mean over negatives = 2 x the joint mean */
            loss = tg_gnn_i_scale(&t, tg_gnn_i_regress(&t, OP_BCE_LOGITS, tg_gnn_i_pair_dot(&t, z, 2 * r.ntr, r.pairs),
                                                       r.target), 2.0f);
        if (k.variational) loss = tg_gnn_i_add(&t, loss, kl);
        if ((s = tg_gnn_i_backward(&t, loss, msg)) != TG_OK) goto done;
        double tl = t.nodes[loss].val[0];
        if (!isfinite(tl)) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "gnn.link: the training loss is not finite at epoch %d (lower lr?)", ep);
            goto done;
        }
        tg_gnn_i_optim_step(m, &o, lr, ep);
        r.times[ep - 1] = tg_now() - t0;
        double vauc = NAN, vap;
        if (watch && r.nva > 0 &&
            (s = evaluate(m, &t, &view, &k, &r, false, NULL, NULL, &vauc, &vap, msg)) != TG_OK)
            goto done;
        tg_gnn_schedule_step(&sched, isnan(vauc) ? tl : 1 - vauc);
        if (fn) {
            tg_gnn_epoch rec = {ep, tl, NAN, isnan(vauc) ? NAN : 1 - vauc, vauc, r.times[ep - 1]};
            if (fn(ud, &rec)) break;
        }
        if (o.patience > 0 && !isnan(vauc)) {
            if (vauc > best_auc) {
                best_auc = vauc;
                best_ep = ep;
                tg_gnn_i_copy_params(m, r.best, true);
                saved = true;
                bad = 0;
            } else if (++bad >= o.patience)
                break;
        }
    }
    if (ep > o.epochs) ep = o.epochs;
    if (saved) tg_gnn_i_copy_params(m, r.best, false);
    memset(res, 0, sizeof *res);
    res->train_edges = r.ntr;
    res->val_edges = r.nva;
    res->test_edges = r.nte;
    res->epochs = ep;
    res->best_epoch = saved ? best_ep : ep;
    qsort(r.times, (size_t)ep, sizeof *r.times, cmp_double);
    res->epoch_ms_median = 1000 * (ep % 2 ? r.times[ep / 2] : (r.times[ep / 2 - 1] + r.times[ep / 2]) / 2);
    if ((s = evaluate(m, &t, &view, &k, &r, true, &res->auc, &res->ap, &res->val_auc, &res->val_ap, msg)) != TG_OK)
        goto done;
    {
        static const char *const optim[] = {"adam", "adamw", "sgd"};
        snprintf(m->fit, sizeof m->fit,
                 "task=%s optimizer=%s lr=%.9g weight_decay=%.9g epochs=%d epochs_run=%d best_epoch=%d patience=%d "
                 "clip=%.9g val_frac=%.9g test_frac=%.9g loss=%s split_seed=%llu seed=%llu",
                 k.variational ? "link_prediction_variational" : "link_prediction", optim[o.optim], o.lr, o.weight_decay,
                 o.epochs, ep, res->best_epoch, o.patience, o.clip, k.val_frac, k.test_frac, k.full_loss ? "full" : "sampled",
                 (unsigned long long)k.split_seed, (unsigned long long)o.seed);
        tg_gnn_i_schedule_describe(&sched.s, m->fit, sizeof m->fit);
    }
done:
    tg_gnn_i_restore_threads(o.threads, pools);
    if (view.looped != d->looped) tg_gnn_graph_free(&view.looped);
    tg_gnn_i_tape_free(&t);
    run_free(&r);
    return s;
}

tg_status tg_gnn_link_train(tg_gnn_data *d, const tg_gnn_link_opts *opts, tg_gnn_link_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!d || !res) return tg_msg(msg, TG_ERR_ARG, "gnn.link: missing data or result");
    tg_gnn_link_opts o = opts ? *opts : tg_gnn_link_defaults();
    if (o.hidden < 1 || o.latent < 1 || o.hidden > (1 << 24) || o.latent > (1 << 23))
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: bad options (hidden, latent >= 1)");
    /* Kipf & Welling's encoder: GraphConvolution layers without bias. */
    tg_gnn_layer_spec L[3] = {tg_gnn_layer_default(TG_GNN_GCN), tg_gnn_layer_default(TG_GNN_RELU),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].out = o.hidden;
    L[2].out = o.variational ? 2 * o.latent : o.latent;
    L[0].bias = L[2].bias = false;
    tg_gnn_model *m = NULL;
    tg_status s = tg_gnn_model_new(&m, 3, L, d->f, o.seed, msg);
    if (s != TG_OK) return s;
    if (o.variational) {
        /* Two GCN(latent) heads for mu and log sigma are one GCN(2 latent)
         * with the weights side by side; Glorot's range is per head:
         * sqrt(6 / (hidden + latent)), not sqrt(6 / (hidden + 2 latent)). */
        gnn_param *w = &m->params[m->first_param[2]];
        float f = (float)sqrt((double)(o.hidden + 2 * o.latent) / (double)(o.hidden + o.latent));
        for (int64_t i = 0; i < w->rows * w->cols; i++) w->val[i] *= f;
    }
    tg_gnn_fit_opts fo = tg_gnn_fit_defaults();
    fo.epochs = o.epochs;
    fo.lr = o.lr;
    fo.seed = o.seed + 1;
    tg_gnn_link_task k = tg_gnn_link_task_defaults();
    k.val_frac = o.val_frac;
    k.test_frac = o.test_frac;
    k.variational = o.variational;
    k.full_loss = !o.sampled;
    k.split_seed = o.seed;
    s = tg_gnn_link_fit(m, d, &fo, &k, NULL, NULL, res, msg);
    tg_gnn_model_free(&m);
    return s;
}
