/* link.c: link prediction with graph autoencoders (GAE and VGAE, Kipf &
 * Welling 2016).
 *
 * The undirected edges are split into train / validation / test; the
 * encoder (GCN(hidden), ReLU, GCN(latent) for the mean and, for VGAE, a
 * second GCN(latent) for log sigma) sees only the training edges; the
 * decoder scores a pair by the inner product of its embeddings.  Each epoch
 * trains on every training edge against as many uniformly sampled
 * non-edges (binary cross-entropy on the logits), plus for VGAE the KL term
 * divided by the number of nodes.  Test and validation non-edges are drawn
 * once; AUC and AP are computed on them against the held-out edges.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "gnn_internal.h"

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

typedef struct lparam { int64_t r, c; float *v, *g, *m1, *m2; } lparam;

/* Is u - v an edge of g (either direction)? */
static bool is_edge(const tg_gnn_graph *g, int64_t u, int64_t v)
{
    for (int64_t e = g->rowptr[v]; e < g->rowptr[v + 1]; e++)
        if (g->src[e] == u) return true;
    for (int64_t e = g->rowptr[u]; e < g->rowptr[u + 1]; e++)
        if (g->src[e] == v) return true;
    return false;
}

/* k random non-edges (i != j) into pairs. */
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

static int gcn_layer(gnn_tape *t, const tg_gnn_graph *g, int h, lparam *w, lparam *b)
{
    int pw = tg_gnn_i_param(t, w->r, w->c, w->v, t->training ? w->g : NULL);
    int pb = tg_gnn_i_param(t, b->r, b->c, b->v, t->training ? b->g : NULL);
    return tg_gnn_i_bias(t, tg_gnn_i_spmm(t, g, 2, tg_gnn_i_matmul(t, h, pw)), pb);
}

/* AUC / AP of pairs (pos first, then neg; np each) under embeddings z. */
static tg_status score_pairs(const float *z, int64_t f, int64_t np, const int32_t *pos, const int32_t *neg,
                             double *auc, double *ap, char *msg)
{
    double *s = tg_malloc(sizeof *s * (size_t)(2 * np));
    uint8_t *y = tg_malloc((size_t)(2 * np));
    if (!s || !y) {
        tg_free(s);
        tg_free(y);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.link: out of memory");
    }
    for (int64_t k = 0; k < 2 * np; k++) {
        const int32_t *p = k < np ? pos + 2 * k : neg + 2 * (k - np);
        double d = 0;
        for (int64_t j = 0; j < f; j++) d += (double)z[p[0] * f + j] * z[p[1] * f + j];
        s[k] = d;
        y[k] = k < np;
    }
    tg_status st = tg_gnn_auc_ap(2 * np, s, y, auc, ap, msg);
    tg_free(s);
    tg_free(y);
    return st;
}

tg_status tg_gnn_link_train(tg_gnn_data *d, const tg_gnn_link_opts *opts, tg_gnn_link_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!d || !res) return tg_msg(msg, TG_ERR_ARG, "gnn.link: missing data or result");
    tg_gnn_link_opts o = opts ? *opts : tg_gnn_link_defaults();
    if (o.hidden < 1 || o.latent < 1 || o.epochs < 1 || !(o.lr > 0) || !(o.val_frac >= 0) || !(o.test_frac > 0) ||
        o.val_frac + o.test_frac >= 0.9)
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: bad options");
    const tg_gnn_graph *g0 = d->g;
    int64_t n = d->n, f = d->f, ne = 0;
    /* Link prediction here is on undirected pairs: an arc u -> v with u > v
     * counts when v -> u is absent, so a directed graph is symmetrised
     * rather than losing half of its arcs. */
    for (int64_t e = 0; e < g0->m; e++) ne += g0->src[e] < g0->dst[e] || lone_back_arc(g0, e);
    int64_t nte = (int64_t)floor(o.test_frac * (double)ne), nva = (int64_t)floor(o.val_frac * (double)ne);
    int64_t ntr = ne - nte - nva;
    if (nte < 1 || ntr < 1) return tg_msg(msg, TG_ERR_ARG, "gnn.link: too few edges (%lld) to split", (long long)ne);
    /* Negatives are drawn by rejection: ask for at most half of the ordered
     * non-adjacent pairs, or a dense graph would make the sampler spin. */
    double free_pairs = (double)n * (double)(n - 1) - (double)g0->m;
    if (free_pairs < 2.0 * (double)(ntr > nte + nva ? ntr : nte + nva))
        return tg_msg(msg, TG_ERR_ARG, "gnn.link: the graph is too dense to sample %lld non-edges", (long long)ntr);
    int32_t *und = NULL, *neg = NULL, *teneg = NULL, *vaneg = NULL, *train_pairs = NULL;
    int64_t *s2 = NULL, *d2 = NULL;
    float *target = NULL, *noise = NULL;
    tg_gnn_graph *gt = NULL;
    lparam P[6];
    memset(P, 0, sizeof P);
    gnn_tape t;
    tg_gnn_i_tape_init(&t, o.seed + 1);
    tg_status s = TG_ERR_NOMEM;
    tg_rng r;
    tg_rng_seed(&r, o.seed);
    if (!(und = tg_malloc(sizeof *und * (size_t)(2 * ne))) || !(teneg = tg_malloc(sizeof *teneg * (size_t)(2 * nte))) ||
        !(vaneg = tg_malloc(sizeof *vaneg * (size_t)(2 * nva + 2))) ||
        !(train_pairs = tg_malloc(sizeof *train_pairs * (size_t)(4 * ntr))) ||
        !(target = tg_malloc(sizeof *target * (size_t)(2 * ntr))) || !(s2 = tg_malloc(sizeof *s2 * (size_t)(2 * ntr))) ||
        !(d2 = tg_malloc(sizeof *d2 * (size_t)(2 * ntr))) || !(noise = tg_malloc(sizeof *noise * (size_t)(n * o.latent))))
        goto fail;
    int64_t q = 0;
    for (int64_t e = 0; e < g0->m; e++)
        if (g0->src[e] < g0->dst[e]) {
            und[2 * q] = g0->src[e];
            und[2 * q + 1] = g0->dst[e];
            q++;
        }
    /* After the forward arcs, so an undirected graph splits as before. */
    for (int64_t e = 0; e < g0->m; e++)
        if (lone_back_arc(g0, e)) {
            und[2 * q] = g0->dst[e];
            und[2 * q + 1] = g0->src[e];
            q++;
        }
    assert(q == ne);
    for (int64_t k = ne - 1; k > 0; k--) {   /* Fisher-Yates */
        int64_t j = (int64_t)tg_rng_below(&r, (uint64_t)(k + 1));
        int32_t a = und[2 * k], b = und[2 * k + 1];
        und[2 * k] = und[2 * j];
        und[2 * k + 1] = und[2 * j + 1];
        und[2 * j] = a;
        und[2 * j + 1] = b;
    }
    /* und: [test | val | train] */
    const int32_t *te = und, *va = und + 2 * nte, *tr = und + 2 * (nte + nva);
    sample_neg(g0, &r, nte, teneg);
    sample_neg(g0, &r, nva, vaneg);
    for (int64_t k = 0; k < ntr; k++) {
        s2[2 * k] = tr[2 * k];
        d2[2 * k] = tr[2 * k + 1];
        s2[2 * k + 1] = tr[2 * k + 1];
        d2[2 * k + 1] = tr[2 * k];
        train_pairs[2 * k] = tr[2 * k];
        train_pairs[2 * k + 1] = tr[2 * k + 1];
        target[k] = 1;
        target[ntr + k] = 0;
    }
    neg = train_pairs + 2 * ntr;
    if ((s = tg_gnn_graph_new(&gt, n, 2 * ntr, s2, d2, true, msg)) != TG_OK) goto done;
    if ((s = tg_gnn_i_graph_gcn_weights(gt, msg)) != TG_OK) goto done;
    s = TG_ERR_NOMEM;
    int64_t shp[6][2] = {{f, o.hidden}, {1, o.hidden}, {o.hidden, o.latent}, {1, o.latent}, {o.hidden, o.latent}, {1, o.latent}};
    int npar = o.variational ? 6 : 4;
    for (int k = 0; k < npar; k++) {
        size_t sz = (size_t)(shp[k][0] * shp[k][1]);
        P[k].r = shp[k][0];
        P[k].c = shp[k][1];
        if (!(P[k].v = tg_calloc(sz, sizeof(float))) || !(P[k].g = tg_calloc(sz, sizeof(float))) ||
            !(P[k].m1 = tg_calloc(sz, sizeof(float))) || !(P[k].m2 = tg_calloc(sz, sizeof(float))))
            goto fail;
        if (k % 2 == 0) {   /* Glorot uniform weights, zero biases */
            double lim = sqrt(6.0 / (double)(shp[k][0] + shp[k][1]));
            for (size_t i = 0; i < sz; i++) P[k].v[i] = (float)((2 * tg_rng_uniform(&r) - 1) * lim);
        }
    }
    for (int ep = 1; ep <= o.epochs; ep++) {
        if ((s = tg_gnn_i_tape_reset(&t, msg)) != TG_OK) goto done;
        t.training = true;
        for (int k = 0; k < npar; k++) memset(P[k].g, 0, sizeof(float) * (size_t)(P[k].r * P[k].c));
        /* Against the training graph, as PyG and Kipf's code do: the
         * held-out edges must not leak into training as known non-edges. */
        sample_neg(gt, &r, ntr, neg);
        int x = tg_gnn_i_leaf(&t, n, f, d->x);
        int h = tg_gnn_i_unary(&t, OP_RELU, gcn_layer(&t, gt, x, &P[0], &P[1]), 0);
        int z = gcn_layer(&t, gt, h, &P[2], &P[3]), kl = -1;
        if (o.variational) {
            int ls = gcn_layer(&t, gt, h, &P[4], &P[5]);
            for (int64_t i = 0; i < n * o.latent; i++) noise[i] = (float)tg_rng_normal(&r);
            kl = tg_gnn_i_scale(&t, tg_gnn_i_kl_normal(&t, z, ls), 1.0f / (float)n);
            z = tg_gnn_i_add(&t, z, tg_gnn_i_mul(&t, tg_gnn_i_leaf(&t, n, o.latent, noise), tg_gnn_i_unary(&t, OP_EXP, ls, 0)));
        }
        /* Mean over positives plus mean over negatives = 2 x the joint mean. */
        int loss = tg_gnn_i_scale(&t, tg_gnn_i_regress(&t, OP_BCE_LOGITS, tg_gnn_i_pair_dot(&t, z, 2 * ntr, train_pairs), target), 2.0f);
        if (o.variational) loss = tg_gnn_i_add(&t, loss, kl);
        if ((s = tg_gnn_i_backward(&t, loss, msg)) != TG_OK) goto done;
        if (!isfinite(t.nodes[loss].val[0])) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "gnn.link: loss not finite at epoch %d", ep);
            goto done;
        }
        double bc1 = 1 - pow(0.9, ep), bc2 = 1 - pow(0.999, ep);
        for (int k = 0; k < npar; k++)
            for (int64_t i = 0; i < P[k].r * P[k].c; i++) {
                float gr = P[k].g[i];
                P[k].m1[i] = 0.9f * P[k].m1[i] + 0.1f * gr;
                P[k].m2[i] = 0.999f * P[k].m2[i] + 0.001f * gr * gr;
                P[k].v[i] -= (float)(o.lr * (P[k].m1[i] / bc1) / (sqrt(P[k].m2[i] / bc2) + 1e-8));
            }
    }
    /* Evaluation: z = mean embedding. */
    if ((s = tg_gnn_i_tape_reset(&t, msg)) != TG_OK) goto done;
    t.training = false;
    int x = tg_gnn_i_leaf(&t, n, f, d->x);
    int z = gcn_layer(&t, gt, tg_gnn_i_unary(&t, OP_RELU, gcn_layer(&t, gt, x, &P[0], &P[1]), 0), &P[2], &P[3]);
    if (z < 0) {
        s = tg_msg(msg, t.err, "%s", t.msg);
        goto done;
    }
    memset(res, 0, sizeof *res);
    res->train_edges = ntr;
    res->test_edges = nte;
    if ((s = score_pairs(t.nodes[z].val, o.latent, nte, te, teneg, &res->auc, &res->ap, msg)) != TG_OK) goto done;
    if (nva > 0 && (s = score_pairs(t.nodes[z].val, o.latent, nva, va, vaneg, &res->val_auc, &res->val_ap, msg)) != TG_OK)
        goto done;
    s = TG_OK;
    goto done;
fail:
    s = tg_msg(msg, TG_ERR_NOMEM, "gnn.link: out of memory");
done:
    tg_gnn_i_tape_free(&t);
    for (int k = 0; k < 6; k++) {
        tg_free(P[k].v);
        tg_free(P[k].g);
        tg_free(P[k].m1);
        tg_free(P[k].m2);
    }
    tg_gnn_graph_free(&gt);
    tg_free(und);
    tg_free(teneg);
    tg_free(vaneg);
    tg_free(train_pairs);
    tg_free(target);
    tg_free(s2);
    tg_free(d2);
    tg_free(noise);
    return s;
}
