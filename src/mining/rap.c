/* rap.c: the redundancy allocation problem for series-parallel systems
 * with mixed component types: reading a problem, evaluating designs, the
 * exact optimum by dynamic programming (a reference for the GA, and a tool
 * for small systems), and a memetic GA whose children are made pair-optimal. */
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
        if (strcmp(key, "cost_limit") == 0 && sscanf(rest, "%lf %n", &a, &e) == 1 && a > 0 && a <= 1e6)
            p->cost_limit = a;
        else if (strcmp(key, "weight_limits") == 0 && sscanf(rest, "%d-%d %n", &i, &j, &e) == 2 && 0 < i && i <= j && j <= 1000000)
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
            else if (!(a > 0 && a < 1) || !(b >= 0 && b <= 1e6) || !(c >= 0 && c <= 1e6))
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: need 0 < reliability < 1 and 0 <= cost, weight <= 1e6",
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

/* The DP and the GA's tables run over integer cost and weight grids. */
static tg_status integer_grid(const tg_rap *p, const char *fn, char *msg)
{
    for (int i = 0; i < p->nsub; i++)
        for (int j = 0; j < p->ntypes[i]; j++)
            if (p->type[i][j].c != floor(p->type[i][j].c) || p->type[i][j].w != floor(p->type[i][j].w))
                return tg_msg(msg, TG_ERR_ARG, "%s: subsystem %d, choice %d: costs and weights must be integers",
                              fn, i + 1, j + 1);
    return TG_OK;
}

tg_status tg_rap_exact(const tg_rap *p, int W, double *reliability, int32_t *counts, double *by_weight,
                       char *msg)
{
    static const char fn[] = "rap.exact";
    tg_msg_clear(msg);
    if (!p || W < 0) return tg_msg(msg, TG_ERR_ARG, "%s: bad arguments", fn);
    tg_status s = integer_grid(p, fn, msg);
    if (s != TG_OK) return s;
    int C = (int)floor(p->cost_limit);
    size_t cells = (size_t)(C + 1) * (size_t)(W + 1);
    if (cells > ((size_t)1 << 26)) return tg_msg(msg, TG_ERR_LIMIT, "%s: cost x weight grid too large", fn);
    enum { OPT_CAP = 20000 };
    option *opt = tg_malloc(sizeof *opt * OPT_CAP);
    double *f = tg_malloc(sizeof *f * cells), *g = tg_malloc(sizeof *g * cells);
    int16_t *arg = tg_malloc(sizeof *arg * cells * (size_t)p->nsub);
    int *nopt = tg_calloc((size_t)p->nsub, sizeof *nopt);
    option **opts = tg_calloc((size_t)p->nsub, sizeof *opts);
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
 * sorted by reliability.  Mixing comes with the designs.  Violation: cost
 * and weight over their limits.
 *
 * The local search re-divides the budget between two subsystems: with
 * the other subsystems fixed, it tries every design of the first that
 * fits the pair's remaining cost and weight, and gives the second the
 * most reliable design that fits what is left (read from a per-subsystem
 * table of the best design under each cost and weight, built once).  Each
 * pair tried counts as one fitness evaluation: it is one complete design
 * whose reliability is computed.  A pass over all pairs in random order
 * is repeated while it improves; an infeasible child is first repaired
 * subsystem by subsystem. */

typedef struct rap_ctx {
    const tg_rap *p;
    int C, W;
    option *opt[MAX_SUB];
    int nopt[MAX_SUB];
    int16_t *best_under[MAX_SUB];   /* [(c * (W + 1) + w)]: best design with cost <= c, weight <= w; -1 none */
    int light[MAX_SUB];             /* the design using least of the two budgets */
    int64_t evals;                  /* every complete design evaluated, GA and local search */
    int64_t max_evals;
    tg_rng rng;
} rap_ctx;

static double rap_fitness(rap_ctx *x, const int32_t *g, double *viol)
{
    double lr = 0, c = 0, w = 0;
    for (int i = 0; i < x->p->nsub; i++) {
        const option *o = &x->opt[i][g[i]];
        lr += o->logr;
        c += o->c;
        w += o->w;
    }
    *viol = fmax(0, c - x->C) + fmax(0, w - x->W);
    return exp(lr);
}

static tg_status rap_eval(void *ud, const int32_t *g, const double *unused, double *obj, double *viol, char *msg)
{
    (void)unused;
    (void)msg;
    obj[0] = rap_fitness(ud, g, viol);
    return TG_OK;
}

static int best_under(const rap_ctx *x, int i, int c, int w)
{
    if (c < 0 || w < 0) return -1;
    if (c > x->C) c = x->C;
    if (w > x->W) w = x->W;
    return x->best_under[i][(size_t)c * (size_t)(x->W + 1) + (size_t)w];
}

/* Totals of cost and weight of a design. */
static void totals(const rap_ctx *x, const int32_t *g, int *c, int *w)
{
    *c = *w = 0;
    for (int i = 0; i < x->p->nsub; i++) {
        *c += x->opt[i][g[i]].c;
        *w += x->opt[i][g[i]].w;
    }
}

/* Make g feasible: visit the subsystems in random order; give each the
 * best design that fits what the others leave, or its lightest design when
 * nothing fits.  Ends feasible whenever the lightest designs fit. */
static void repair(rap_ctx *x, int32_t *g)
{
    int n = x->p->nsub, c, w, order[MAX_SUB];
    totals(x, g, &c, &w);
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)tg_rng_below(&x->rng, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < n && (c > x->C || w > x->W); k++) {
        int i = order[k];
        const option *o = &x->opt[i][g[i]];
        int b = best_under(x, i, x->C - (c - o->c), x->W - (w - o->w));
        int nv = b >= 0 ? b : x->light[i];
        c += x->opt[i][nv].c - o->c;
        w += x->opt[i][nv].w - o->w;
        g[i] = nv;
    }
}

/* Best split of the pair's budget between subsystems i and j; returns
 * true when g changed for the better. */
static bool resolve_pair(rap_ctx *x, int32_t *g, int i, int j, int *c, int *w)
{
    if (x->nopt[i] > x->nopt[j]) {
        int t = i;
        i = j;
        j = t;
    }
    const option *oi = &x->opt[i][g[i]], *oj = &x->opt[j][g[j]];
    int cr = x->C - (*c - oi->c - oj->c), wr = x->W - (*w - oi->w - oj->w);
    double cur = oi->logr + oj->logr, best = cur;
    int bi = -1, bj = -1;
    /* Designs of i come in decreasing reliability: once even j's best
     * design for the whole pair budget cannot lift one past the best
     * found, none of the rest can. */
    int top = best_under(x, j, cr, wr);
    if (top < 0) return false;
    double bound = x->opt[j][top].logr;
    for (int a = x->nopt[i] - 1; a >= 0 && x->evals < x->max_evals; a--) {
        const option *d = &x->opt[i][a];
        if (d->logr + bound <= best + 1e-15) break;
        if (d->c > cr || d->w > wr) continue;
        int b = best_under(x, j, cr - d->c, wr - d->w);
        if (b < 0) continue;
        x->evals++;
        double v = d->logr + x->opt[j][b].logr;
        if (v > best + 1e-15) best = v, bi = a, bj = b;
    }
    if (bi < 0) return false;
    *c += x->opt[i][bi].c - oi->c + x->opt[j][bj].c - oj->c;
    *w += x->opt[i][bi].w - oi->w + x->opt[j][bj].w - oj->w;
    g[i] = bi;
    g[j] = bj;
    return true;
}

/* Pairs visited in random order, pass after pass, until every pair is
 * known to be optimal.  A pair stays optimal, and is skipped without an
 * evaluation, while its two designs are unchanged and the budget left to
 * it has not grown (other moves only ever spend slack or return it). */
static tg_status rap_improve(void *ud, int32_t *g, double *unused, double *obj, double *viol, int64_t budget,
                             int64_t *spent, char *msg)
{
    (void)unused;
    (void)msg;
    rap_ctx *x = ud;
    x->evals = 0;
    x->max_evals = budget - 1;   /* room for the final evaluation */
    int n = x->p->nsub, c, w;
    if (*viol > 0) repair(x, g);
    totals(x, g, &c, &w);
    if (c <= x->C && w <= x->W) {
        struct { int i, j, cr, wr, gi, gj; } pair[MAX_SUB * (MAX_SUB - 1) / 2];
        int np = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) pair[np++] = (__typeof__(pair[0])){i, j, -1, -1, -1, -1};
        bool busy = true;
        while (busy && x->evals < x->max_evals) {
            busy = false;
            for (int k = np - 1; k > 0; k--) {
                int r = (int)tg_rng_below(&x->rng, (uint64_t)k + 1);
                __typeof__(pair[0]) t = pair[k];
                pair[k] = pair[r];
                pair[r] = t;
            }
            for (int k = 0; k < np && x->evals < x->max_evals; k++) {
                __typeof__(pair[0]) *q = &pair[k];
                const option *oi = &x->opt[q->i][g[q->i]], *oj = &x->opt[q->j][g[q->j]];
                int cr = x->C - c + oi->c + oj->c, wr = x->W - w + oi->w + oj->w;
                if (q->gi == g[q->i] && q->gj == g[q->j] && cr <= q->cr && wr <= q->wr) continue;
                busy = true;
                resolve_pair(x, g, q->i, q->j, &c, &w);
                q->gi = g[q->i], q->gj = g[q->j];
                q->cr = cr, q->wr = wr;   /* the pair's budget is unchanged by its own move */
            }
        }
    }
    *obj = rap_fitness(x, g, viol);
    *spent = x->evals + 1;
    return TG_OK;
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

/* best_under[i] as a running maximum over the cost x weight grid. */
static tg_status build_tables(rap_ctx *x, int i)
{
    size_t cols = (size_t)x->W + 1, cells = ((size_t)x->C + 1) * cols;
    int16_t *t = tg_malloc(sizeof *t * cells);
    if (!t) return TG_ERR_NOMEM;
    for (size_t k = 0; k < cells; k++) t[k] = -1;
    const option *o = x->opt[i];
    for (int a = 0; a < x->nopt[i]; a++)   /* ascending reliability: the last write wins */
        if (o[a].c <= x->C && o[a].w <= x->W) t[(size_t)o[a].c * cols + (size_t)o[a].w] = (int16_t)a;
    for (int c = 0; c <= x->C; c++)
        for (int w = 0; w <= x->W; w++) {
            int16_t *v = &t[(size_t)c * cols + (size_t)w];
            if (c > 0 && t[(size_t)(c - 1) * cols + (size_t)w] > *v) *v = t[(size_t)(c - 1) * cols + (size_t)w];
            if (w > 0 && v[-1] > *v) *v = v[-1];
        }
    x->best_under[i] = t;
    double least = INFINITY;
    for (int a = 0; a < x->nopt[i]; a++) {
        double u = o[a].c / (double)(x->C + 1) + o[a].w / (double)(x->W + 1);
        if (u < least) least = u, x->light[i] = a;
    }
    return TG_OK;
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
    if ((s = integer_grid(p, "rap.ga", msg)) != TG_OK) goto done;
    x->p = p;
    x->C = (int)floor(p->cost_limit);
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
        if (build_tables(x, i) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "rap.ga: out of memory");
            goto done;
        }
    }
    /* A memetic GA: every child is repaired and taken to a pair-optimal
     * design.  Small population, and the budget split over two independent
     * runs, because a run that has not found the optimum by ~20,000
     * evaluations has usually converged on a local one.  These settings
     * were chosen on seeds 1001-1100 and checked on others
     * (docs/benchmarks.md). */
    enum { pop = 10, runs = 2 };
    tg_ga_config cfg;
    tg_ga_config_default(&cfg, TG_GA_INTEGER, p->nsub);
    cfg.ilo = lo;
    cfg.ihi = hi;
    cfg.pop = pop;
    cfg.generations = INT64_MAX;
    cfg.mutation_rate = fmin(1.0, 2.0 / p->nsub);
    cfg.eval = rap_eval;
    cfg.improve = rap_improve;
    cfg.ud = x;
    int64_t chunk = (max_evals + runs - 1) / runs, used = 0, at = 0;
    double bestR = -1;
    for (int run = 0; max_evals - used >= 2 * pop; run++) {
        tg_ga_sol *sol = NULL;
        cfg.max_evals = chunk < max_evals - used ? chunk : max_evals - used;
        cfg.seed = seed + (uint64_t)run * 0x9e3779b97f4a7c15ULL;
        if ((s = tg_ga_solve(&cfg, &sol, msg)) != TG_OK) goto done;
        double R = tg_ga_sol_objectives(sol, 0)[0];
        if (tg_ga_sol_violation(sol, 0) == 0 && R > bestR) {
            memcpy(best, tg_ga_sol_int_genes(sol, 0), sizeof *best * (size_t)p->nsub);
            bestR = R;
            at = used + tg_ga_sol_evals_at_best(sol);
        }
        used += tg_ga_sol_evals(sol);
        tg_ga_sol_free(&sol);
    }
    if (bestR < 0) {
        s = tg_msg(msg, TG_ERR_NUMERIC, "rap.ga: no feasible design found in %lld evaluations", (long long)used);
        goto done;
    }
    memset(counts, 0, sizeof *counts * (size_t)p->nsub * MAX_TYPES);
    for (int i = 0; i < p->nsub; i++) memcpy(counts + i * MAX_TYPES, x->opt[i][best[i]].k, sizeof x->opt[i][0].k);
    double c, w;
    tg_rap_evaluate(p, counts, reliability, &c, &w);
    if (evals_at_best) *evals_at_best = at;
done:
    for (int i = 0; x && i < p->nsub; i++) {
        tg_free(x->opt[i]);
        tg_free(x->best_under[i]);
    }
    tg_free(x);
    tg_free(tmp);
    tg_free(lo);
    tg_free(hi);
    tg_free(best);
    return s;
}
