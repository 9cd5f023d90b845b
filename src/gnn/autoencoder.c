/* autoencoder.c: a dense autoencoder for sensor vectors (anomaly detection).
 *
 * Not a graph model: the samples are the rows of a dataset whose graph has
 * no edges, the model is a stack of linear layers and activations built by
 * tg_gnn_model_new, and training is tg_gnn_fit with the MSE loss against
 * the (standardised) input itself.  So the optimisers, schedules, early
 * stopping, initialisation and saved weights are the engine's own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnn_internal.h"

struct tg_gnn_ae {
    int64_t p;              /* sensors */
    tg_gnn_ae_opts o;
    tg_gnn_model *m;
    double *mean, *sd;      /* p: training standardisation */
    double threshold;
    bool fitted;
};

tg_gnn_ae_opts tg_gnn_ae_defaults(void)
{
    tg_gnn_ae_opts o;
    memset(&o, 0, sizeof o);
    o.nhidden = 2;
    o.hidden[0] = 16;
    o.hidden[1] = 4;
    o.act = TG_GNN_TANH;
    o.val_frac = 0.1;
    o.quantile = 0.99;
    o.seed = 1;
    return o;
}

void tg_gnn_ae_free(tg_gnn_ae **ae)
{
    if (!ae || !*ae) return;
    tg_gnn_model_free(&(*ae)->m);
    tg_free((*ae)->mean);
    tg_free((*ae)->sd);
    tg_free(*ae);
    *ae = NULL;
}

tg_status tg_gnn_ae_new(tg_gnn_ae **out, int64_t p, const tg_gnn_ae_opts *opts, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: out is NULL");
    *out = NULL;
    tg_gnn_ae_opts o = opts ? *opts : tg_gnn_ae_defaults();
    if (p < 1 || p > (1 << 24)) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: sensors must be in 1..2^24");
    if (o.nhidden < 1 || o.nhidden > 8) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: 1..8 hidden widths");
    for (int k = 0; k < o.nhidden; k++)
        if (o.hidden[k] < 1 || o.hidden[k] > (1 << 24))
            return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: hidden width %d must be in 1..2^24", k + 1);
    if (o.act != TG_GNN_TANH && o.act != TG_GNN_RELU && o.act != TG_GNN_ELU && o.act != TG_GNN_SIGMOID &&
        o.act != TG_GNN_LEAKY_RELU)
        return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: the activation must be tanh, relu, elu, sigmoid or leaky_relu");
    if (!(o.val_frac >= 0 && o.val_frac <= 0.5)) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: val_frac in 0..0.5");
    if (!(o.quantile > 0 && o.quantile <= 1)) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder: quantile in (0, 1]");
    /* encoder h1 act ... hk act, decoder h(k-1) act ... h1 act, linear(p) */
    tg_gnn_layer_spec L[4 * 8 + 1];
    int nl = 0;
    for (int k = 0; k < o.nhidden; k++) {
        L[nl] = tg_gnn_layer_default(TG_GNN_LINEAR);
        L[nl++].out = o.hidden[k];
        L[nl++] = tg_gnn_layer_default(o.act);
    }
    for (int k = o.nhidden - 2; k >= 0; k--) {
        L[nl] = tg_gnn_layer_default(TG_GNN_LINEAR);
        L[nl++].out = o.hidden[k];
        L[nl++] = tg_gnn_layer_default(o.act);
    }
    L[nl] = tg_gnn_layer_default(TG_GNN_LINEAR);
    L[nl++].out = p;
    tg_gnn_ae *a = tg_calloc(1, sizeof *a);
    if (!a) return tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder: out of memory");
    a->p = p;
    a->o = o;
    a->threshold = NAN;
    tg_status s = tg_gnn_model_new(&a->m, nl, L, p, o.seed, msg);
    if (s == TG_OK && (!(a->mean = tg_calloc((size_t)p, sizeof *a->mean)) || !(a->sd = tg_calloc((size_t)p, sizeof *a->sd))))
        s = tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder: out of memory");
    if (s != TG_OK) {
        tg_gnn_ae_free(&a);
        return s;
    }
    *out = a;
    return TG_OK;
}

/* A dataset of n standardised rows over a graph without edges; targets =
 * the features; split: every k-th row validation when k > 0. */
static tg_status make_data(const tg_gnn_ae *a, int64_t n, const float *x, int64_t every, tg_gnn_data **d, char *msg)
{
    int64_t p = a->p;
    float *z = tg_malloc(sizeof *z * (size_t)(n * p));
    uint8_t *split = tg_malloc((size_t)n);
    tg_gnn_graph *g = NULL;
    tg_status s = TG_ERR_NOMEM;
    if (!z || !split) {
        s = tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder: out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        split[i] = every > 0 && i % every == every - 1 ? TG_GNN_VAL : TG_GNN_TRAIN;
        for (int64_t j = 0; j < p; j++) z[i * p + j] = (float)(((double)x[i * p + j] - a->mean[j]) / a->sd[j]);
    }
    if ((s = tg_gnn_graph_new(&g, n, 0, NULL, NULL, false, msg)) != TG_OK) goto done;
    if ((s = tg_gnn_data_new(d, &g, p, z, NULL, split, msg)) != TG_OK) goto done;
    if ((s = tg_gnn_data_set_targets(*d, p, z, msg)) != TG_OK) tg_gnn_data_free(d);
done:
    tg_gnn_graph_free(&g);
    tg_free(z);
    tg_free(split);
    return s;
}

static tg_status check_x(const tg_gnn_ae *a, int64_t n, const float *x, const char *fn, char *msg)
{
    if (!a || !x || n < 1) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.%s: no samples", fn);
    if (n > INT32_MAX) return tg_msg(msg, TG_ERR_LIMIT, "gnn.autoencoder.%s: more than 2^31 samples", fn);
    for (int64_t i = 0; i < n * a->p; i++)
        if (!isfinite(x[i]))
            return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.%s: sample %lld, sensor %lld is not finite", fn,
                          (long long)(i / a->p + 1), (long long)(i % a->p + 1));
    return TG_OK;
}

static tg_status score_rows(const tg_gnn_ae *a, int64_t n, const float *x, double *sample, double *sensor, char *msg);

static int cmp_double(const void *u, const void *v)
{
    double x = *(const double *)u, y = *(const double *)v;
    return x < y ? -1 : x > y;
}

tg_status tg_gnn_ae_fit(tg_gnn_ae *a, int64_t n, const float *x, const tg_gnn_fit_opts *fo, tg_gnn_fit_result *res,
                        char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_x(a, n, x, "fit", msg);
    if (s != TG_OK) return s;
    int64_t p = a->p;
    int64_t every = a->o.val_frac > 0 ? (int64_t)llround(1.0 / a->o.val_frac) : 0;
    if (n < 2 || (every > 0 && n < every)) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.fit: too few samples (%lld)", (long long)n);
    double *mean = tg_calloc((size_t)p, sizeof *mean), *sd = tg_calloc((size_t)p, sizeof *sd);
    double *score = tg_malloc(sizeof *score * (size_t)n);
    tg_gnn_data *d = NULL;
    if (!mean || !sd || !score) {
        s = tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder.fit: out of memory");
        goto done;
    }
    /* Standardisation from the training rows (sample standard deviation; a
     * constant sensor gets 1, so it contributes its raw deviation). */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < p; j++) mean[j] += x[i * p + j];
    for (int64_t j = 0; j < p; j++) mean[j] /= (double)n;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < p; j++) sd[j] += ((double)x[i * p + j] - mean[j]) * ((double)x[i * p + j] - mean[j]);
    for (int64_t j = 0; j < p; j++) {
        sd[j] = sqrt(sd[j] / (double)(n - 1));
        if (!(sd[j] > 1e-12 * (fabs(mean[j]) + 1))) sd[j] = 1;
    }
    /* The new standardisation replaces the old one only on success. */
    double *om = a->mean, *os = a->sd;
    a->mean = mean;
    a->sd = sd;
    s = make_data(a, n, x, every, &d, msg);
    if (s == TG_OK) {
        tg_gnn_fit_opts o = fo ? *fo : tg_gnn_fit_defaults();
        o.loss = TG_GNN_LOSS_MSE;
        o.window = 0;
        s = tg_gnn_fit(a->m, d, &o, NULL, NULL, res, msg);
    }
    if (s == TG_OK) s = score_rows(a, n, x, score, NULL, msg);
    if (s != TG_OK) {
        a->mean = om;   /* mean and sd (the new ones) are freed below */
        a->sd = os;
        goto done;
    }
    qsort(score, (size_t)n, sizeof *score, cmp_double);
    /* linear interpolation between order statistics (numpy's default) */
    double h = a->o.quantile * (double)(n - 1);
    int64_t lo = (int64_t)floor(h);
    a->threshold = lo + 1 < n ? score[lo] + (h - (double)lo) * (score[lo + 1] - score[lo]) : score[n - 1];
    a->fitted = true;
    size_t used = strlen(a->m->fit);
    snprintf(a->m->fit + used, sizeof a->m->fit - used, " task=autoencoder quantile=%.6g", a->o.quantile);
    tg_free(om);
    tg_free(os);
    mean = sd = NULL;   /* now a's */
done:
    tg_gnn_data_free(&d);
    tg_free(mean);
    tg_free(sd);
    tg_free(score);
    return s;
}

static tg_status score_rows(const tg_gnn_ae *a, int64_t n, const float *x, double *sample, double *sensor, char *msg)
{
    int64_t p = a->p;
    tg_gnn_data *d = NULL;
    float *out = tg_malloc(sizeof *out * (size_t)(n * p));
    if (!out) return tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder.score: out of memory");
    tg_status s = make_data(a, n, x, 0, &d, msg);
    if (s == TG_OK) s = tg_gnn_predict(a->m, d, out, msg);
    if (s == TG_OK)
        for (int64_t i = 0; i < n; i++) {
            double sum = 0;
            for (int64_t j = 0; j < p; j++) {
                double e = (double)out[i * p + j] - (double)d->x[i * p + j];
                sum += e * e;
                if (sensor) sensor[i * p + j] = e * e;
            }
            if (sample) sample[i] = sum / (double)p;
        }
    tg_gnn_data_free(&d);
    tg_free(out);
    return s;
}

tg_status tg_gnn_ae_score(const tg_gnn_ae *a, int64_t n, const float *x, double *sample, double *sensor, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_x(a, n, x, "score", msg);
    if (s != TG_OK) return s;
    if (!a->fitted) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.score: fit the autoencoder first");
    return score_rows(a, n, x, sample, sensor, msg);
}

double tg_gnn_ae_threshold(const tg_gnn_ae *a) { return a && a->fitted ? a->threshold : NAN; }
int64_t tg_gnn_ae_sensors(const tg_gnn_ae *a) { return a->p; }
const tg_gnn_model *tg_gnn_ae_model(const tg_gnn_ae *a) { return a->m; }

/* ---- saving ------------------------------------------------------------- */

/* The standardisation travels in the model file's metadata as one string:
 * "threshold=T quantile=Q mean=m1,m2,... sd=s1,s2,...", every number with 17
 * significant digits so that it reads back to the same double. */
tg_status tg_gnn_ae_save(const tg_gnn_ae *a, const char *path, char *msg)
{
    tg_msg_clear(msg);
    if (!a || !path) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.save: bad arguments");
    if (!a->fitted) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.save: fit the autoencoder first");
    size_t cap = 96 + (size_t)a->p * 2 * 26;
    char *txt = tg_malloc(cap);
    if (!txt) return tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder.save: out of memory");
    size_t n = (size_t)snprintf(txt, cap, "threshold=%.17g quantile=%.17g", a->threshold, a->o.quantile);
    for (int part = 0; part < 2; part++) {
        const double *v = part == 0 ? a->mean : a->sd;
        n += (size_t)snprintf(txt + n, cap - n, part == 0 ? " mean=" : " sd=");
        for (int64_t j = 0; j < a->p; j++) n += (size_t)snprintf(txt + n, cap - n, j ? ",%.17g" : "%.17g", v[j]);
    }
    tg_status s = tg_gnn_i_model_save_ae(a->m, path, txt, msg);
    tg_free(txt);
    return s;
}

/* Parse "key=" followed by count comma-separated finite numbers at *pp. */
static bool read_numbers(const char **pp, const char *key, int64_t count, double *out)
{
    size_t kl = strlen(key);
    const char *p = *pp;
    while (*p == ' ') p++;
    if (strncmp(p, key, kl) != 0) return false;
    p += kl;
    for (int64_t j = 0; j < count; j++) {
        if (j && *p++ != ',') return false;
        char *e;
        out[j] = strtod(p, &e);
        if (e == p || !isfinite(out[j])) return false;
        p = e;
    }
    *pp = p;
    return true;
}

tg_status tg_gnn_ae_load(const char *path, tg_gnn_ae **out, char *msg)
{
    tg_msg_clear(msg);
    if (!path || !out) return tg_msg(msg, TG_ERR_ARG, "gnn.autoencoder.load: bad arguments");
    *out = NULL;
    tg_gnn_model *m = NULL;
    char *txt = NULL;
    tg_gnn_ae *a = NULL;
    tg_status s = tg_gnn_i_model_load_ae(path, &m, &txt, msg);
    if (s != TG_OK) return s;
    if (!txt) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: not an autoencoder file (no twingraph.autoencoder in the metadata)", path);
        goto done;
    }
    /* An autoencoder maps its p inputs back to p outputs through linear
     * layers and element-wise activations only. */
    bool shape_ok = m->out_f == m->in_f;
    for (int k = 0; k < m->nl && shape_ok; k++) {
        tg_gnn_layer_kind kd = m->layers[k].kind;
        shape_ok = kd == TG_GNN_LINEAR || kd == TG_GNN_TANH || kd == TG_GNN_RELU || kd == TG_GNN_ELU ||
                   kd == TG_GNN_SIGMOID || kd == TG_GNN_LEAKY_RELU;
    }
    if (!shape_ok) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: twingraph.autoencoder on a model that is not a dense autoencoder", path);
        goto done;
    }
    int64_t p = m->in_f;
    if (!(a = tg_calloc(1, sizeof *a)) || !(a->mean = tg_calloc((size_t)p, sizeof *a->mean)) ||
        !(a->sd = tg_calloc((size_t)p, sizeof *a->sd))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "gnn.autoencoder.load: out of memory");
        goto done;
    }
    a->p = p;
    a->o = tg_gnn_ae_defaults();
    const char *c = txt;
    bool ok = read_numbers(&c, "threshold=", 1, &a->threshold) && read_numbers(&c, "quantile=", 1, &a->o.quantile) &&
              read_numbers(&c, "mean=", p, a->mean) && read_numbers(&c, "sd=", p, a->sd) && *c == '\0';
    for (int64_t j = 0; ok && j < p; j++) ok = a->sd[j] > 0;
    ok = ok && a->threshold >= 0 && a->o.quantile > 0 && a->o.quantile <= 1;
    if (!ok) {
        s = tg_msg(msg, TG_ERR_PARSE,
                   "%s: bad twingraph.autoencoder entry (want threshold, quantile, then %lld means and %lld positive "
                   "standard deviations)", path, (long long)p, (long long)p);
        goto done;
    }
    a->m = m;
    m = NULL;
    a->fitted = true;
    *out = a;
    a = NULL;
done:
    tg_gnn_ae_free(&a);
    tg_gnn_model_free(&m);
    tg_free(txt);
    return s;
}
