/* rap.c: the redundancy allocation problem for series-parallel systems
 * with mixed component types: reading a problem, evaluating designs, the
 * exact optimum by dynamic programming (a reference for the GA, and a tool
 * for small systems), and a GA with a slot encoding and a local search. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

enum { MAX_TYPES = 8, MAX_SUB = 64, MAX_SLOTS = 16 };

typedef struct comp { double r, c, w; } comp;

struct tg_rap {
    int nsub;
    int ntypes[MAX_SUB];
    comp type[MAX_SUB][MAX_TYPES];
    double cost_limit;
    int wlo, whi;
    int max_per, min_per;
};

void tg_rap_free(tg_rap **rap)
{
    if (!rap) return;
    tg_free(*rap);
    *rap = NULL;
}

int tg_rap_subsystems(const tg_rap *p) { return p->nsub; }
int tg_rap_types(const tg_rap *p, int i) { return i >= 0 && i < p->nsub ? p->ntypes[i] : 0; }
int tg_rap_max_per_subsystem(const tg_rap *p) { return p->max_per; }
double tg_rap_cost_limit(const tg_rap *p) { return p->cost_limit; }
void tg_rap_weight_limits(const tg_rap *p, int *lo, int *hi)
{
    *lo = p->wlo;
    *hi = p->whi;
}

tg_status tg_rap_read(const char *path, tg_rap **out, char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    tg_rap *p = tg_calloc(1, sizeof *p);
    if (!p) {
        fclose(f);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
    }
    p->cost_limit = -1;
    p->wlo = p->whi = -1;
    p->max_per = 8;
    p->min_per = 1;
    char line[512];
    long ln = 0;
    tg_status s = TG_OK;
    int cur = -1;
    while (s == TG_OK && fgets(line, sizeof line, f)) {
        ln++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char key[64];
        int used = 0;
        if (sscanf(line, "%63s%n", key, &used) != 1) continue;
        const char *rest = line + used;
        double a, b, c;
        int i, j, e = 0;
        if (strcmp(key, "cost_limit") == 0 && sscanf(rest, "%lf %n", &a, &e) == 1 && a > 0) p->cost_limit = a;
        else if (strcmp(key, "weight_limits") == 0 && sscanf(rest, "%d-%d %n", &i, &j, &e) == 2 && 0 < i && i <= j)
            p->wlo = i, p->whi = j;
        else if (strcmp(key, "max_per_subsystem") == 0 && sscanf(rest, "%d %n", &i, &e) == 1 && i >= 1 &&
                 i <= MAX_SLOTS)
            p->max_per = i;
        else if (strcmp(key, "min_per_subsystem") == 0 && sscanf(rest, "%d %n", &i, &e) == 1 && i >= 0)
            p->min_per = i;
        else if (strcmp(key, "subsystem") == 0 && sscanf(rest, "%d %n", &i, &e) == 1) {
            if (i != p->nsub + 1 || p->nsub == MAX_SUB)
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: subsystem %d out of order (expected %d, at most %d)", path,
                           ln, i, p->nsub + 1, MAX_SUB);
            cur = p->nsub++;
        } else if (strcmp(key, "choice") == 0 && sscanf(rest, "%d %lf %lf %lf %n", &j, &a, &b, &c, &e) == 4) {
            if (cur < 0) s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: choice before any subsystem", path, ln);
            else if (j != p->ntypes[cur] + 1 || j > MAX_TYPES)
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: choice %d out of order (expected %d, at most %d)", path, ln,
                           j, p->ntypes[cur] + 1, MAX_TYPES);
            else if (!(a > 0 && a < 1) || !(b >= 0) || !(c >= 0) || !isfinite(b) || !isfinite(c))
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: need 0 < reliability < 1 and finite cost, weight >= 0",
                           path, ln);
            else p->type[cur][p->ntypes[cur]++] = (comp){a, b, c};
        } else {
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: cannot read '%s' (see data/rap/SOURCE.md for the format)", path,
                       ln, key);
        }
        if (s == TG_OK && e && rest[e] != '\0')
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: unexpected text after '%s'", path, ln, key);
    }
    fclose(f);
    if (s == TG_OK && (p->nsub == 0 || p->cost_limit < 0 || p->wlo < 0))
        s = tg_msg(msg, TG_ERR_PARSE, "%s: needs cost_limit, weight_limits and at least one subsystem", path);
    for (int i = 0; s == TG_OK && i < p->nsub; i++)
        if (p->ntypes[i] == 0) s = tg_msg(msg, TG_ERR_PARSE, "%s: subsystem %d has no choice", path, i + 1);
    if (s == TG_OK && p->min_per > p->max_per)
        s = tg_msg(msg, TG_ERR_PARSE, "%s: min_per_subsystem > max_per_subsystem", path);
    if (s != TG_OK) {
        tg_free(p);
        return s;
    }
    *out = p;
    return TG_OK;
}

void tg_rap_evaluate(const tg_rap *p, const int32_t *k, double *R, double *C, double *W)
{
    double r = 1, c = 0, w = 0;
    for (int i = 0; i < p->nsub; i++) {
        double q = 1;
        for (int j = 0; j < p->ntypes[i]; j++) {
            int32_t n = k[i * MAX_TYPES + j];
            q *= pow(1 - p->type[i][j].r, n);
            c += n * p->type[i][j].c;
            w += n * p->type[i][j].w;
        }
        r *= 1 - q;
    }
    *R = r, *C = c, *W = w;
}

/* ---- exact optimum -------------------------------------------------------- */

typedef struct option { int c, w; double logr; int32_t k[MAX_TYPES]; } option;

/* Every composition of 1..max components of a subsystem's types. */
static int options_of(const tg_rap *p, int i, option *out, int cap)
{
    int n = 0, t = p->ntypes[i];
    int32_t k[MAX_TYPES] = {0};
    for (;;) {
        int total = 0;
        for (int j = 0; j < t; j++) total += k[j];
        if (total >= (p->min_per > 0 ? p->min_per : 1) && total <= p->max_per) {
            if (n == cap) return -1;
            double q = 1, c = 0, w = 0;
            for (int j = 0; j < t; j++) {
                q *= pow(1 - p->type[i][j].r, k[j]);
                c += k[j] * p->type[i][j].c;
                w += k[j] * p->type[i][j].w;
            }
            out[n] = (option){(int)c, (int)w, log(1 - q), {0}};
            memcpy(out[n].k, k, sizeof k);
            n++;
        }
        int j = 0;   /* next count vector, each count 0..max_per */
        while (j < t && ++k[j] > p->max_per) k[j++] = 0;
        if (j == t) return n;
    }
}

tg_status tg_rap_exact(const tg_rap *p, int W, double *reliability, int32_t *counts, double *by_weight,
                       char *msg)
{
    static const char fn[] = "rap.exact";
    tg_msg_clear(msg);
    if (!p || W < 0) return tg_msg(msg, TG_ERR_ARG, "%s: bad arguments", fn);
    /* The DP runs over integer cost and weight grids. */
    for (int i = 0; i < p->nsub; i++)
        for (int j = 0; j < p->ntypes[i]; j++)
            if (p->type[i][j].c != floor(p->type[i][j].c) || p->type[i][j].w != floor(p->type[i][j].w))
                return tg_msg(msg, TG_ERR_ARG, "%s: subsystem %d, choice %d: costs and weights must be integers",
                              fn, i + 1, j + 1);
    int C = (int)floor(p->cost_limit);
    size_t cells = (size_t)(C + 1) * (size_t)(W + 1);
    if (cells > ((size_t)1 << 26)) return tg_msg(msg, TG_ERR_LIMIT, "%s: cost x weight grid too large", fn);
    enum { OPT_CAP = 20000 };
    option *opt = tg_malloc(sizeof *opt * OPT_CAP);
    double *f = tg_malloc(sizeof *f * cells), *g = tg_malloc(sizeof *g * cells);
    int16_t *arg = tg_malloc(sizeof *arg * cells * (size_t)p->nsub);
    int *nopt = tg_calloc((size_t)p->nsub, sizeof *nopt);
    option **opts = tg_calloc((size_t)p->nsub, sizeof *opts);
    tg_status s = TG_OK;
    if (!opt || !f || !g || !arg || !nopt || !opts) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (size_t x = 0; x < cells; x++) f[x] = 0;   /* log 1: no subsystem yet */
    for (int i = 0; i < p->nsub; i++) {
        int n = options_of(p, i, opt, OPT_CAP);
        if (n < 0 || n > INT16_MAX) {
            s = tg_msg(msg, TG_ERR_LIMIT, "%s: subsystem %d has too many designs", fn, i + 1);
            goto done;
        }
        opts[i] = tg_malloc(sizeof *opts[i] * (size_t)(n ? n : 1));
        if (!opts[i]) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
            goto done;
        }
        memcpy(opts[i], opt, sizeof *opt * (size_t)n);
        nopt[i] = n;
        int16_t *a = arg + cells * (size_t)i;
        for (int c = 0; c <= C; c++)
            for (int w = 0; w <= W; w++) {
                double best = -INFINITY;
                int16_t bo = -1;
                for (int o = 0; o < n; o++) {
                    const option *q = &opts[i][o];
                    if (q->c > c || q->w > w) continue;
                    double v = f[(size_t)(c - q->c) * (size_t)(W + 1) + (size_t)(w - q->w)] + q->logr;
                    if (v > best) best = v, bo = (int16_t)o;
                }
                g[(size_t)c * (size_t)(W + 1) + (size_t)w] = best;
                a[(size_t)c * (size_t)(W + 1) + (size_t)w] = bo;
            }
        double *t = f;
        f = g;
        g = t;
    }
    double best = f[(size_t)C * (size_t)(W + 1) + (size_t)W];
    if (!isfinite(best)) {
        s = tg_msg(msg, TG_ERR_NUMERIC, "%s: no feasible design within cost %d and weight %d", fn, C, W);
        goto done;
    }
    *reliability = exp(best);
    if (by_weight)
        for (int w = 0; w <= W; w++) by_weight[w] = exp(f[(size_t)C * (size_t)(W + 1) + (size_t)w]);
    if (counts) {
        memset(counts, 0, sizeof *counts * (size_t)p->nsub * MAX_TYPES);
        int c = C, w = W;
        for (int i = p->nsub - 1; i >= 0; i--) {
            int o = arg[cells * (size_t)i + (size_t)c * (size_t)(W + 1) + (size_t)w];
            const option *q = &opts[i][o];
            memcpy(counts + i * MAX_TYPES, q->k, sizeof q->k);
            c -= q->c;
            w -= q->w;
        }
        double R, cc, ww;
        tg_rap_evaluate(p, counts, &R, &cc, &ww);
        *reliability = R;   /* the product itself, not exp of a sum of logs */
    }
done:
    for (int i = 0; opts && i < p->nsub; i++) tg_free(opts[i]);
    tg_free(opts);
    tg_free(nopt);
    tg_free(opt);
    tg_free(f);
    tg_free(g);
    tg_free(arg);
    return s;
}

/* ---- GA ----------------------------------------------------------------------
 * Encoding: one gene per subsystem, the index of its design among the
 * subsystem's efficient designs (compositions of 1..max_per components of
 * its types not dominated in cost, weight and reliability together),
 * sorted by reliability.  Mixing comes with the designs, and neighbouring
 * indices are similar designs, so small moves make sense.  Violation:
 * cost and weight over their limits.  The local search tries changes of
 * one gene, or of two genes at once (trading cost or weight between
 * subsystems), near their current values, and keeps every improvement. */

typedef struct rap_ctx {
    const tg_rap *p;
    double W;
    option *opt[MAX_SUB];
    int nopt[MAX_SUB];
    tg_rng rng;
} rap_ctx;

static double rap_fitness(void *ud, const int32_t *g, double *viol)
{
    rap_ctx *x = ud;
    double lr = 0, c = 0, w = 0;
    for (int i = 0; i < x->p->nsub; i++) {
        const option *o = &x->opt[i][g[i]];
        lr += o->logr;
        c += o->c;
        w += o->w;
    }
    *viol = fmax(0, c - x->p->cost_limit) + fmax(0, w - x->W);
    return exp(lr);
}

static bool rap_better(double o1, double v1, double o2, double v2)
{
    if (v1 == 0 && v2 == 0) return o1 > o2;
    if (v1 == 0 || v2 == 0) return v1 == 0;
    return v1 < v2;
}

/* A new value for gene i: a near neighbour mostly, sometimes anywhere. */
static int32_t nudge(rap_ctx *x, int i, int32_t v)
{
    int n = x->nopt[i];
    if (tg_rng_uniform(&x->rng) < 0.2) return (int32_t)tg_rng_below(&x->rng, (uint64_t)n);
    int32_t d = 1 + (int32_t)tg_rng_below(&x->rng, 3);
    int32_t nv = (tg_rng_u64(&x->rng) & 1) ? v + d : v - d;
    return nv < 0 ? 0 : nv >= n ? n - 1 : nv;
}

/* Random single- and two-gene moves near the current designs; every
 * improvement is kept (two-gene moves trade cost or weight between
 * subsystems, which single moves cannot do at the limits). */
static int64_t rap_improve(void *ud, int32_t *g, double *obj, double *viol)
{
    rap_ctx *x = ud;
    int n = x->p->nsub;
    int64_t evals = 0;
    for (int tries = 0; tries < 4 * n; tries++) {
        int i = (int)tg_rng_below(&x->rng, (uint64_t)n), j = (int)tg_rng_below(&x->rng, (uint64_t)n);
        int32_t oi = g[i], oj = g[j];
        g[i] = nudge(x, i, oi);
        if (j != i && (tg_rng_u64(&x->rng) & 1)) g[j] = nudge(x, j, oj);
        if (g[i] == oi && g[j] == oj) continue;
        double v, o = rap_fitness(x, g, &v);
        evals++;
        if (rap_better(o, v, *obj, *viol)) {
            *obj = o;
            *viol = v;
        } else {
            g[i] = oi;
            g[j] = oj;
        }
    }
    return evals;
}

static int by_reliability(const void *a, const void *b)
{
    const option *x = a, *y = b;
    return (x->logr > y->logr) - (x->logr < y->logr);
}

/* Keep the designs no other design beats in cost, weight and reliability. */
static int efficient(option *o, int n)
{
    qsort(o, (size_t)n, sizeof *o, by_reliability);
    int k = 0;
    for (int a = 0; a < n; a++) {
        bool dominated = false;
        for (int b = 0; b < n && !dominated; b++)
            dominated = b != a && o[b].c <= o[a].c && o[b].w <= o[a].w && o[b].logr >= o[a].logr &&
                        (o[b].c < o[a].c || o[b].w < o[a].w || o[b].logr > o[a].logr || b < a);
        if (!dominated) o[k++] = o[a];
    }
    return k;
}

tg_status tg_rap_ga(const tg_rap *p, int W, int64_t max_evals, uint64_t seed, double *reliability,
                    int32_t *counts, int64_t *evals_at_best, char *msg)
{
    tg_msg_clear(msg);
    if (!p || W < 0 || max_evals < 100 || !reliability || !counts)
        return tg_msg(msg, TG_ERR_ARG, "rap.ga: bad arguments");
    enum { OPT_CAP = 20000 };
    rap_ctx *x = tg_calloc(1, sizeof *x);
    option *tmp = tg_malloc(sizeof *tmp * OPT_CAP);
    int32_t *lo = tg_calloc((size_t)p->nsub, sizeof *lo), *hi = tg_malloc(sizeof *hi * (size_t)p->nsub),
            *best = tg_malloc(sizeof *best * (size_t)p->nsub);
    tg_status s = TG_OK;
    if (!x || !tmp || !lo || !hi || !best) {
        s = tg_msg(msg, TG_ERR_NOMEM, "rap.ga: out of memory");
        goto done;
    }
    x->p = p;
    x->W = W;
    tg_rng_seed(&x->rng, seed ^ 0x5eed5eedULL);
    for (int i = 0; i < p->nsub; i++) {
        int n = options_of(p, i, tmp, OPT_CAP);
        if (n <= 0) {
            s = tg_msg(msg, TG_ERR_LIMIT, "rap.ga: subsystem %d: no design or too many", i + 1);
            goto done;
        }
        n = efficient(tmp, n);
        if (!(x->opt[i] = tg_malloc(sizeof *tmp * (size_t)n))) {
            s = tg_msg(msg, TG_ERR_NOMEM, "rap.ga: out of memory");
            goto done;
        }
        memcpy(x->opt[i], tmp, sizeof *tmp * (size_t)n);
        x->nopt[i] = n;
        hi[i] = n - 1;
    }
    tg_ga_opts o = {.ngenes = p->nsub, .lo = lo, .hi = hi, .pop = 40, .max_evals = max_evals, .tournament = 2,
                    .crossover = 0.9, .mutation = 1.0 / p->nsub, .elite = 2, .seed = seed,
                    .improve = rap_improve, .improve_rate = 0.2};
    tg_ga_result res = {.best = best};
    if ((s = tg_ga_run(&o, rap_fitness, x, &res, msg)) != TG_OK) goto done;
    if (res.violation > 0) {
        s = tg_msg(msg, TG_ERR_NUMERIC, "rap.ga: no feasible design found in %lld evaluations", (long long)res.evals);
        goto done;
    }
    memset(counts, 0, sizeof *counts * (size_t)p->nsub * MAX_TYPES);
    for (int i = 0; i < p->nsub; i++) memcpy(counts + i * MAX_TYPES, x->opt[i][best[i]].k, sizeof x->opt[i][0].k);
    double c, w;
    tg_rap_evaluate(p, counts, reliability, &c, &w);
    if (evals_at_best) *evals_at_best = res.evals_at_best;
done:
    for (int i = 0; x && i < p->nsub; i++) tg_free(x->opt[i]);
    tg_free(x);
    tg_free(tmp);
    tg_free(lo);
    tg_free(hi);
    tg_free(best);
    return s;
}
