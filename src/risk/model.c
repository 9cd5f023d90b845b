/* model.c: the fault-tree model: events, gates, parameters, expressions.
 *
 * Events and gates share one namespace (MEF <event name> may reference
 * either); parameters have their own.  References are kept by name while
 * files are read, since a definition may come after its use or in another
 * file, and resolved once by tg_risk_model_finish, which also rejects
 * undefined events, gates referenced as the wrong kind, and cycles among
 * gates or parameters, each with the file and line of the offending use.
 */
#include "risk_internal.h"

#include <math.h>
#include <string.h>

const char *const tg_risk_i_op_names[TG_RISK_NOP] = {
    "and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "null"};
_Static_assert(TG_RISK_NOP == 9, "tg_risk_i_op_names matches tg_risk_op");

const char *const tg_risk_i_xop_names[X_NOP] = {
    "float", "parameter", "system-mission-time", "neg", "add", "sub", "mul", "div", "abs",
    "exp", "log", "log10", "sqrt", "pow", "min", "max", "mean", "floor", "ceil", "mod", "sin",
    "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "pi",
    "exponential", "GLM", "Weibull", "periodic-test",
    "uniform-deviate", "normal-deviate", "lognormal-deviate", "gamma-deviate", "beta-deviate"};
_Static_assert(X_NOP == 39, "tg_risk_i_xop_names matches rk_xop");

/* tg_grow wants a size_t capacity: keep int capacities in step. */
static tg_status grow(void **p, int *cap, int need, size_t sz)
{
    size_t c = (size_t)*cap;
    tg_status s = tg_grow(p, &c, (size_t)need, sz);
    if (s == TG_OK) *cap = (int)(c > (size_t)INT32_MAX ? INT32_MAX : c);
    return s;
}

const char *tg_risk_i_str(tg_risk_model *m, const char *s, char *msg)
{
    const char *r = tg_pool_add(m->pool, s, strlen(s));
    if (!r) tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    return r;
}

tg_status tg_risk_model_new(tg_risk_model **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_new: out is NULL");
    *out = NULL;
    tg_risk_model *m = tg_calloc(1, sizeof *m);
    if (!m) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_model_new: out of memory");
    m->mission_time = 8760.0;
    if (tg_pool_new(&m->pool) != TG_OK || tg_strmap_new(&m->names, 64) != TG_OK ||
        tg_strmap_new(&m->pnames, 16) != TG_OK) {
        tg_risk_model_free(&m);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_model_new: out of memory");
    }
    *out = m;
    return TG_OK;
}

void tg_risk_model_free(tg_risk_model **mp)
{
    if (!mp || !*mp) return;
    tg_risk_model *m = *mp;
    tg_strmap_free(&m->names);
    tg_strmap_free(&m->pnames);
    tg_pool_free(&m->pool);
    tg_free(m->gates);
    tg_free(m->named);
    tg_free(m->basics);
    tg_free(m->houses);
    tg_free(m->args);
    tg_free(m->xs);
    tg_free(m->xargs);
    tg_free(m->params);
    tg_free(m->ccfs);
    tg_free(m->ccf_members);
    tg_free(m->ccf_factors);
    tg_free(m);
    *mp = NULL;
}

/* ---- adding -------------------------------------------------------------- */

static const char *kind_word(int kind)
{
    return kind == R_BASIC ? "basic event" : kind == R_HOUSE ? "house event" : "gate";
}

static tg_status redefined(tg_risk_model *m, const char *name, int ref, const char *file,
                           long line, char *msg)
{
    const char *ofile = "?";
    long oline = 0;
    int i = RK_INDEX(ref);
    if (RK_KIND(ref) == R_GATE) ofile = m->gates[i].file, oline = m->gates[i].line;
    else if (RK_KIND(ref) == R_BASIC) ofile = m->basics[i].file, oline = m->basics[i].line;
    else ofile = m->houses[i].file, oline = m->houses[i].line;
    return tg_msg(msg, TG_ERR_ID, "%s:%ld: '%s' is already defined as a %s at %s:%ld", file, line,
                  name, kind_word(RK_KIND(ref)), ofile ? ofile : "?", oline);
}

tg_status tg_risk_i_add_gate(tg_risk_model *m, const char *key, const char *name, const char *file,
                             long line, int *idx, char *msg)
{
    if (!key) key = name;
    if (key && tg_strmap_get(m->names, key) >= 0)
        return redefined(m, name, (int)tg_strmap_get(m->names, key), file, line, msg);
    if (grow((void **)&m->gates, &m->gcap, m->ngates + 1, sizeof *m->gates) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    const char *nm = NULL, *k_saved = NULL;
    if (name) {
        const char *k;
        if (!(nm = tg_risk_i_str(m, name, msg))) return TG_ERR_NOMEM;
        if (!(k = key == name ? nm : tg_risk_i_str(m, key, msg))) return TG_ERR_NOMEM;
        if (grow((void **)&m->named, &m->ncap_named, m->nnamed_gates + 1, sizeof *m->named) !=
            TG_OK)
            return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
        if (tg_strmap_put(m->names, k, RK_REF(R_GATE, m->ngates), NULL) != TG_OK)
            return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
        m->named[m->nnamed_gates++] = m->ngates;
        k_saved = k;
    }
    rk_gate *g = &m->gates[m->ngates];
    memset(g, 0, sizeof *g);
    g->name = nm;
    g->key = k_saved;
    g->file = file;
    g->line = line;
    g->op = TG_RISK_NULL;
    g->first = m->nargs;
    *idx = m->ngates++;
    m->finished = false;
    return TG_OK;
}

tg_status tg_risk_i_add_arg(tg_risk_model *m, int gate, const char *name, int want, int ref,
                            long line, const char *scope, char *msg)
{
    rk_gate *g = &m->gates[gate];
    /* Arguments of one gate are contiguous: only the last gate may grow. */
    if (g->first + g->nargs != m->nargs)
        return tg_msg(msg, TG_ERR_ARG, "risk: internal: arguments out of order");
    if (grow((void **)&m->args, &m->acap, m->nargs + 1, sizeof *m->args) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    const char *nm = NULL;
    if (name && !(nm = tg_risk_i_str(m, name, msg))) return TG_ERR_NOMEM;
    m->args[m->nargs++] = (rk_arg){nm, want, ref, line, scope};
    g->nargs++;
    m->finished = false;
    return TG_OK;
}

tg_status tg_risk_i_basic(tg_risk_model *m, const char *key, const char *name, const char *file,
                          long line, bool define, int *idx, char *msg)
{
    if (!key) key = name;
    int64_t r = tg_strmap_get(m->names, key);
    if (r >= 0) {
        if (RK_KIND(r) != R_BASIC || (define && m->basics[RK_INDEX(r)].defined))
            return redefined(m, name, (int)r, file, line, msg);
        *idx = RK_INDEX((int)r);
        if (define) {
            m->basics[*idx].defined = true;
            m->basics[*idx].file = file;
            m->basics[*idx].line = line;
        }
        return TG_OK;
    }
    if (grow((void **)&m->basics, &m->bcap, m->nbasics + 1, sizeof *m->basics) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    const char *nm = tg_risk_i_str(m, name, msg);
    const char *k = nm && key != name ? tg_risk_i_str(m, key, msg) : nm;
    if (!nm || !k) return TG_ERR_NOMEM;
    if (tg_strmap_put(m->names, k, RK_REF(R_BASIC, m->nbasics), NULL) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->basics[m->nbasics] = (rk_basic){nm, file, k, line, -1, NAN, define, false};
    *idx = m->nbasics++;
    m->finished = false;
    return TG_OK;
}

tg_status tg_risk_i_house(tg_risk_model *m, const char *key, const char *name, const char *file,
                          long line, bool define, int *idx, char *msg)
{
    if (!key) key = name;
    int64_t r = tg_strmap_get(m->names, key);
    if (r >= 0) {
        if (RK_KIND(r) != R_HOUSE || (define && m->houses[RK_INDEX(r)].defined))
            return redefined(m, name, (int)r, file, line, msg);
        *idx = RK_INDEX((int)r);
        if (define) {
            m->houses[*idx].defined = true;
            m->houses[*idx].file = file;
            m->houses[*idx].line = line;
        }
        return TG_OK;
    }
    if (grow((void **)&m->houses, &m->hcap, m->nhouses + 1, sizeof *m->houses) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    const char *nm = tg_risk_i_str(m, name, msg);
    const char *k = nm && key != name ? tg_risk_i_str(m, key, msg) : nm;
    if (!nm || !k) return TG_ERR_NOMEM;
    if (tg_strmap_put(m->names, k, RK_REF(R_HOUSE, m->nhouses), NULL) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->houses[m->nhouses] = (rk_house){nm, file, k, line, false, define};
    *idx = m->nhouses++;
    m->finished = false;
    return TG_OK;
}

tg_status tg_risk_i_param(tg_risk_model *m, const char *name, const char *file, long line,
                          int *idx, char *msg)
{
    int64_t r = tg_strmap_get(m->pnames, name);
    if (r >= 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: parameter '%s' is already defined at %s:%ld", file,
                      line, name, m->params[r].file, m->params[r].line);
    if (grow((void **)&m->params, &m->pcap, m->nparams + 1, sizeof *m->params) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    const char *nm = tg_risk_i_str(m, name, msg);
    if (!nm) return TG_ERR_NOMEM;
    if (tg_strmap_put(m->pnames, nm, m->nparams, NULL) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->params[m->nparams] = (rk_param){nm, file, line, -1, 0};
    *idx = m->nparams++;
    return TG_OK;
}

tg_status tg_risk_i_expr(tg_risk_model *m, rk_xop op, double value, const char *file, long line,
                         int *idx, char *msg)
{
    if (grow((void **)&m->xs, &m->xcap, m->nxs + 1, sizeof *m->xs) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->xs[m->nxs] = (rk_expr){op, 0, 0, value, -1, NULL, file, line};
    *idx = m->nxs++;
    return TG_OK;
}

tg_status tg_risk_i_expr_args(tg_risk_model *m, int x, int nargs, const int *args, char *msg)
{
    if (grow((void **)&m->xargs, &m->xacap, m->nxargs + nargs + 1, sizeof *m->xargs) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->xs[x].first = m->nxargs;
    m->xs[x].nargs = nargs;
    for (int i = 0; i < nargs; i++) m->xargs[m->nxargs++] = args[i];
    return TG_OK;
}

/* ---- public building ------------------------------------------------------ */

static tg_status check_name(const char *fn, const char *name, char *msg)
{
    if (!name || !*name) return tg_msg(msg, TG_ERR_ARG, "%s: empty name", fn);
    return TG_OK;
}

tg_status tg_risk_model_add_basic(tg_risk_model *m, const char *name, double p, int *idx,
                                  char *msg)
{
    tg_msg_clear(msg);
    int i, x;
    tg_status s;
    if (!m) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_basic: model is NULL");
    if ((s = check_name("tg_risk_model_add_basic", name, msg)) != TG_OK) return s;
    if (!(p >= 0 && p <= 1))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_basic: '%s': probability %g is not "
                      "in [0, 1]", name, p);
    if (tg_strmap_get(m->names, name) >= 0)
        return tg_msg(msg, TG_ERR_ID, "tg_risk_model_add_basic: '%s' is already defined", name);
    if ((s = tg_risk_i_expr(m, X_CONST, p, "(api)", 0, &x, msg)) != TG_OK) return s;
    if ((s = tg_risk_i_basic(m, NULL, name, "(api)", 0, true, &i, msg)) != TG_OK) return s;
    m->basics[i].expr = x;
    m->basics[i].p = p;
    if (idx) *idx = i;
    return TG_OK;
}

tg_status tg_risk_model_add_basic_exp(tg_risk_model *m, const char *name, double lambda,
                                      int *idx, char *msg)
{
    tg_msg_clear(msg);
    int i, x, a[2];
    tg_status s;
    if (!m) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_basic_exp: model is NULL");
    if ((s = check_name("tg_risk_model_add_basic_exp", name, msg)) != TG_OK) return s;
    if (!(lambda >= 0 && isfinite(lambda)))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_basic_exp: '%s': rate %g is not a "
                      "finite rate >= 0", name, lambda);
    if (tg_strmap_get(m->names, name) >= 0)
        return tg_msg(msg, TG_ERR_ID, "tg_risk_model_add_basic_exp: '%s' is already defined",
                      name);
    if ((s = tg_risk_i_expr(m, X_CONST, lambda, "(api)", 0, &a[0], msg)) != TG_OK ||
        (s = tg_risk_i_expr(m, X_MISSION, 0, "(api)", 0, &a[1], msg)) != TG_OK ||
        (s = tg_risk_i_expr(m, X_EXPONENTIAL, 0, "(api)", 0, &x, msg)) != TG_OK ||
        (s = tg_risk_i_expr_args(m, x, 2, a, msg)) != TG_OK ||
        (s = tg_risk_i_basic(m, NULL, name, "(api)", 0, true, &i, msg)) != TG_OK)
        return s;
    m->basics[i].expr = x;
    m->basics[i].p = tg_risk_i_eval(m, x, NULL);
    if (idx) *idx = i;
    return TG_OK;
}

tg_status tg_risk_model_add_gate(tg_risk_model *m, const char *name, tg_risk_op op, int k,
                                 int nargs, const char *const *args, char *msg)
{
    tg_msg_clear(msg);
    tg_status s;
    int g;
    if (!m) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_gate: model is NULL");
    if ((s = check_name("tg_risk_model_add_gate", name, msg)) != TG_OK) return s;
    if ((int)op < 0 || op >= TG_RISK_NOP)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_gate: '%s': bad operator", name);
    if (nargs < 1 || !args)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_add_gate: '%s': no arguments", name);
    if (tg_strmap_get(m->names, name) >= 0)
        return tg_msg(msg, TG_ERR_ID, "tg_risk_model_add_gate: '%s' is already defined", name);
    for (int i = 0; i < nargs; i++)
        if ((s = check_name("tg_risk_model_add_gate", args[i], msg)) != TG_OK) return s;
    if ((s = tg_risk_i_add_gate(m, NULL, name, "(api)", 0, &g, msg)) != TG_OK) return s;
    m->gates[g].op = op;
    m->gates[g].k = k;
    m->gates[g].defined = true;
    for (int i = 0; i < nargs; i++)
        if ((s = tg_risk_i_add_arg(m, g, args[i], W_ANY, -1, 0, NULL, msg)) != TG_OK) return s;
    return TG_OK;
}

/* ---- expressions ---------------------------------------------------------- */

/* Deviates: a draw with rng, else the mean of the distribution. */
static double gamma_draw(tg_rng *r, double k)
{
    /* Marsaglia and Tsang (2000); k < 1 boosted by U^(1/k). */
    if (!(k > 0) || !isfinite(k)) return NAN;     /* rejected in finish too */
    if (k < 1) {
        double u = tg_rng_uniform(r);
        return gamma_draw(r, k + 1) * pow(u > 0 ? u : 1e-300, 1.0 / k);
    }
    double d = k - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double x = tg_rng_normal(r), v = 1 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        double u = tg_rng_uniform(r);
        if (u < 1 - 0.0331 * x * x * x * x) return d * v;
        if (u > 0 && log(u) < 0.5 * x * x + d * (1 - v + log(v))) return d * v;
    }
}

static double eval_x(const tg_risk_model *m, int xi, tg_rng *rng, double *pcache);

/* Why deviate op with arguments a[0..n) is invalid, or NULL. */
/* Inverse of the standard normal cdf, for p in (0, 1): a start from the
 * Abramowitz-Stegun rational approximation 26.2.23 (error < 4.5e-4), then
 * Newton steps on the upper tail 0.5 erfc(z / sqrt 2) = min(p, 1 - p), which
 * converge to full double precision in two or three steps. */
double tg_risk_i_normal_quantile(double p)
{
    if (!(p > 0 && p < 1)) return NAN;
    if (p == 0.5) return 0;
    double q = p < 0.5 ? p : 1 - p;    /* upper-tail probability, < 1/2 */
    double t = sqrt(-2 * log(q));
    double z = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                   (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
    for (int it = 0; it < 8; it++) {
        double phi = exp(-0.5 * z * z) / sqrt(2 * M_PI);
        double dz = (0.5 * erfc(z / M_SQRT2) - q) / phi;
        z += dz;
        if (fabs(dz) <= 1e-15 * fabs(z)) break;
    }
    return p < 0.5 ? -z : z;
}

static const char *deviate_bad(rk_xop op, int n, const double *a)
{
    for (int i = 0; i < n && i < 4; i++)
        if (!isfinite(a[i])) return "a parameter is not finite";
    switch (op) {
    case X_UNIFORM: return a[0] <= a[1] ? NULL : "min > max";
    case X_NORMAL: return a[1] >= 0 ? NULL : "sigma < 0";
    case X_LOGNORMAL:
        if (n == 2) return a[1] >= 0 ? NULL : "sigma < 0";
        if (!(a[0] > 0)) return "mean <= 0";
        if (!(a[1] >= 1)) return "error factor < 1";
        /* One-sided level: EF = exp(z sigma) with z the level's normal
         * quantile, so the level must be above 1/2 for z > 0. */
        return a[2] > 0.5 && a[2] < 1 ? NULL : "level not in (0.5, 1)";
    case X_GAMMA: return a[0] > 0 && a[1] > 0 ? NULL : "shape and scale must be > 0";
    case X_BETA: return a[0] > 0 && a[1] > 0 ? NULL : "alpha and beta must be > 0";
    default: return NULL;
    }
}

/* Check every deviate's arguments at their point values. */
static tg_status deviate_check(const tg_risk_model *m, char *msg)
{
    for (int i = 0; i < m->nxs; i++) {
        const rk_expr *x = &m->xs[i];
        if (x->op < X_UNIFORM || x->op >= X_NOP) continue;
        double a[4] = {0, 0, 0, 0};
        for (int j = 0; j < x->nargs && j < 4; j++)
            a[j] = eval_x(m, m->xargs[x->first + j], NULL, NULL);
        const char *why = deviate_bad(x->op, x->nargs, a);
        if (why)
            return tg_msg(msg, TG_ERR_NUMERIC, "%s:%ld: bad deviate parameters: %s", x->file,
                          x->line, why);
    }
    return TG_OK;
}

double tg_risk_i_eval(const tg_risk_model *m, int xi, tg_rng *rng)
{
    return eval_x(m, xi, rng, NULL);
}

double tg_risk_i_draw(const tg_risk_model *m, int xi, tg_rng *rng, double *pcache)
{
    return eval_x(m, xi, rng, pcache);
}

/* pcache (draws only, may be NULL): one value per parameter, NaN until the
 * parameter is first drawn in this trial; later uses reuse that draw. */
static double eval_x(const tg_risk_model *m, int xi, tg_rng *rng, double *pcache)
{
    const rk_expr *x = &m->xs[xi];
    double a[4] = {0, 0, 0, 0};
    const int *args = m->xargs + x->first;
    int n = x->nargs;
    switch (x->op) {
    case X_CONST: return x->value;
    case X_PARAM:
        if (rng && pcache) {
            if (isnan(pcache[x->param]))
                pcache[x->param] = eval_x(m, m->params[x->param].expr, rng, pcache);
            return pcache[x->param];
        }
        return eval_x(m, m->params[x->param].expr, rng, pcache);
    case X_MISSION: return m->mission_time;
    case X_PI: return M_PI;
    default: break;
    }
    if (x->op == X_ADD || x->op == X_MUL || x->op == X_MIN || x->op == X_MAX ||
        x->op == X_MEAN || x->op == X_SUB || x->op == X_DIV) {
        double acc = eval_x(m, args[0], rng, pcache);
        for (int i = 1; i < n; i++) {
            double v = eval_x(m, args[i], rng, pcache);
            switch (x->op) {
            case X_ADD: case X_MEAN: acc += v; break;
            case X_SUB: acc -= v; break;
            case X_MUL: acc *= v; break;
            case X_DIV: acc /= v; break;
            case X_MIN: acc = v < acc ? v : acc; break;
            default: acc = v > acc ? v : acc; break;
            }
        }
        return x->op == X_MEAN ? acc / n : acc;
    }
    for (int i = 0; i < n && i < 4; i++) a[i] = eval_x(m, args[i], rng, pcache);
    switch (x->op) {
    case X_NEG: return -a[0];
    case X_ABS: return fabs(a[0]);
    case X_EXP: return exp(a[0]);
    case X_LOG: return log(a[0]);
    case X_LOG10: return log10(a[0]);
    case X_SQRT: return sqrt(a[0]);
    case X_POW: return pow(a[0], a[1]);
    case X_FLOOR: return floor(a[0]);
    case X_CEIL: return ceil(a[0]);
    case X_MOD: return fmod(a[0], a[1]);
    case X_SIN: return sin(a[0]);
    case X_COS: return cos(a[0]);
    case X_TAN: return tan(a[0]);
    case X_ASIN: return asin(a[0]);
    case X_ACOS: return acos(a[0]);
    case X_ATAN: return atan(a[0]);
    case X_SINH: return sinh(a[0]);
    case X_COSH: return cosh(a[0]);
    case X_TANH: return tanh(a[0]);
    case X_EXPONENTIAL: return -expm1(-a[0] * a[1]);
    case X_GLM: {   /* gamma, lambda, mu, t: demand failure plus repairable rate */
        double g = a[0], l = a[1], mu = a[2], t = a[3], s = l + mu;
        if (s == 0) return g;
        return (l - (l - g * s) * exp(-s * t)) / s;
    }
    case X_WEIBULL: {   /* alpha (scale), beta (shape), t0, t */
        double t = a[3] - a[2];
        if (t <= 0) return 0;
        return -expm1(-pow(t / a[0], a[1]));
    }
    case X_PERIODIC: {  /* 4-argument form: lambda, tau, theta, t */
        double l = a[0], tau = a[1], th = a[2], t = a[3];
        if (t <= th) return -expm1(-l * t);
        return -expm1(-l * fmod(t - th, tau));
    }
    case X_UNIFORM:
    case X_NORMAL:
    case X_LOGNORMAL:
    case X_GAMMA:
    case X_BETA:
        if (deviate_bad(x->op, n, a)) return NAN;
        break;
    default: break;
    }
    switch (x->op) {
    case X_UNIFORM:
        return rng ? a[0] + (a[1] - a[0]) * tg_rng_uniform(rng) : 0.5 * (a[0] + a[1]);
    case X_NORMAL: return rng ? a[0] + a[1] * tg_rng_normal(rng) : a[0];
    case X_LOGNORMAL: {
        double mu, sigma;
        if (n == 2) {
            mu = a[0], sigma = a[1];
        } else {    /* mean, error factor, level: EF = exp(z_level sigma) */
            double z = a[2] == 0.95 ? 1.6448536269514722 : tg_risk_i_normal_quantile(a[2]);
            sigma = log(a[1]) / z;
            mu = log(a[0]) - 0.5 * sigma * sigma;
        }
        return rng ? exp(mu + sigma * tg_rng_normal(rng)) : exp(mu + 0.5 * sigma * sigma);
    }
    case X_GAMMA: return rng ? a[1] * gamma_draw(rng, a[0]) : a[0] * a[1];
    case X_BETA: {
        if (!rng) return a[0] / (a[0] + a[1]);
        double x1 = gamma_draw(rng, a[0]), x2 = gamma_draw(rng, a[1]);
        return x1 / (x1 + x2);
    }
    default: return NAN;
    }
}

bool tg_risk_i_is_random(const tg_risk_model *m, int xi)
{
    const rk_expr *x = &m->xs[xi];
    if (x->op >= X_UNIFORM && x->op < X_NOP) return true;
    if (x->op == X_PARAM) return tg_risk_i_is_random(m, m->params[x->param].expr);
    for (int i = 0; i < x->nargs; i++)
        if (tg_risk_i_is_random(m, m->xargs[x->first + i])) return true;
    return false;
}

/* ---- resolution and checks ------------------------------------------------- */

static tg_status param_cycles(tg_risk_model *m, int x, char *msg);

static tg_status param_visit(tg_risk_model *m, int p, const rk_expr *use, char *msg)
{
    rk_param *q = &m->params[p];
    if (q->state == 2) return TG_OK;
    if (q->state == 1)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: parameter '%s' depends on itself (cycle)",
                      use->file, use->line, q->name);
    q->state = 1;
    tg_status s = param_cycles(m, q->expr, msg);
    m->params[p].state = 2;
    return s;
}

static tg_status param_cycles(tg_risk_model *m, int x, char *msg)
{
    const rk_expr *e = &m->xs[x];
    if (e->op == X_PARAM) return param_visit(m, e->param, e, msg);
    for (int i = 0; i < e->nargs; i++) {
        tg_status s = param_cycles(m, m->xargs[e->first + i], msg);
        if (s != TG_OK) return s;
    }
    return TG_OK;
}

/* Gate cycles by iterative DFS over gate references (trees may be deep). */
static tg_status gate_cycles(tg_risk_model *m, char *msg)
{
    tg_status s = TG_OK;
    int *stack = tg_malloc(sizeof(int) * 2 * (size_t)(m->ngates + 1));
    if (!stack) return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    for (int i = 0; i < m->ngates; i++) m->gates[i].state = 0;
    for (int root = 0; root < m->ngates && s == TG_OK; root++) {
        if (m->gates[root].state) continue;
        int sp = 0;
        stack[0] = root, stack[1] = 0;
        m->gates[root].state = 1;
        sp = 1;
        while (sp > 0 && s == TG_OK) {
            int g = stack[2 * (sp - 1)], *pos = &stack[2 * (sp - 1) + 1];
            rk_gate *gg = &m->gates[g];
            if (*pos == gg->nargs) {
                gg->state = 2;
                sp--;
                continue;
            }
            const rk_arg *a = &m->args[gg->first + (*pos)++];
            if (RK_KIND(a->ref) != R_GATE) continue;
            int c = RK_INDEX(a->ref);
            if (m->gates[c].state == 1) {
                const rk_gate *cg = &m->gates[c];
                s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: gate '%s' is part of a cycle (through "
                           "'%s')", gg->file, a->line, cg->name ? cg->name : "(formula)",
                           gg->name ? gg->name : "(formula)");
                break;
            }
            if (m->gates[c].state == 0) {
                m->gates[c].state = 1;
                stack[2 * sp] = c, stack[2 * sp + 1] = 0;
                sp++;
            }
        }
    }
    tg_free(stack);
    return s;
}

static int count_arity(const rk_gate *g, int *lo, int *hi)
{
    switch (g->op) {
    case TG_RISK_NOT: case TG_RISK_NULL: *lo = 1, *hi = 1; break;
    case TG_RISK_XOR: case TG_RISK_IFF: *lo = 2, *hi = 2; break;
    case TG_RISK_ATLEAST: *lo = 2, *hi = INT32_MAX; break;
    default: *lo = 2, *hi = INT32_MAX; break;
    }
    return g->nargs;
}


/* ---- common-cause groups ---------------------------------------------------- */

static tg_status xconst(tg_risk_model *m, double v, const rk_ccf *g, int *out, char *msg)
{
    return tg_risk_i_expr(m, X_CONST, v, g->file, g->line, out, msg);
}

static tg_status xop(tg_risk_model *m, rk_xop op, int n, const int *args, const rk_ccf *g, int *out,
                     char *msg)
{
    tg_status s = tg_risk_i_expr(m, op, 0, g->file, g->line, out, msg);
    if (s == TG_OK) s = tg_risk_i_expr_args(m, *out, n, args, msg);
    return s;
}

static double binom(int n, int k)
{
    double r = 1;
    for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
}

/* The factor of level k of group g, -1 if absent. */
static int factor(const tg_risk_model *m, const rk_ccf *g, int level)
{
    for (int i = 0; i < g->nfactors; i++)
        if (m->ccf_factors[g->first_factor + 2 * i] == level)
            return m->ccf_factors[g->first_factor + 2 * i + 1];
    return -1;
}

/* q[k] (k = 1..n): the expression of the probability that one given set of
 * k members fails together, -1 when the model makes it 0.
 *   beta-factor: Q1 = (1 - beta) Q, Qn = beta Q
 *   MGL: Qk = prod(rho_2..rho_k) (1 - rho_{k+1}) Q / C(n-1, k-1), rho_{n+1} = 0
 *   alpha-factor: Qk = k alpha_k Q / (C(n-1, k-1) sum_j j alpha_j) */
static tg_status ccf_levels(tg_risk_model *m, const rk_ccf *g, int *q, char *msg)
{
    tg_status s;
    int n = g->nmembers, one, t, a[40];
    for (int k = 1; k <= n; k++) q[k] = -1;
    if ((s = xconst(m, 1, g, &one, msg)) != TG_OK) return s;
    if (g->model == CCF_BETA) {
        if (g->nfactors != 1)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': beta-factor takes one "
                          "<factor>", g->file, g->line, g->name);
        int beta = m->ccf_factors[g->first_factor + 1];
        a[0] = one, a[1] = beta;
        if ((s = xop(m, X_SUB, 2, a, g, &t, msg)) != TG_OK) return s;
        a[0] = t, a[1] = g->dist;
        if ((s = xop(m, X_MUL, 2, a, g, &q[1], msg)) != TG_OK) return s;
        a[0] = beta, a[1] = g->dist;
        return xop(m, X_MUL, 2, a, g, &q[n], msg);
    }
    if (g->model == CCF_MGL) {
        for (int k = 2; k <= n; k++)
            if (factor(m, g, k) < 0)
                return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': MGL needs factors of "
                              "levels 2..%d (level %d missing)", g->file, g->line, g->name, n, k);
        for (int k = 1; k <= n; k++) {
            int na = 0, c;
            if ((s = xconst(m, 1.0 / binom(n - 1, k - 1), g, &c, msg)) != TG_OK) return s;
            a[na++] = c;
            for (int i = 2; i <= k; i++) a[na++] = factor(m, g, i);
            if (k < n) {
                int b[2] = {one, factor(m, g, k + 1)};
                if ((s = xop(m, X_SUB, 2, b, g, &t, msg)) != TG_OK) return s;
                a[na++] = t;
            }
            a[na++] = g->dist;
            if ((s = xop(m, X_MUL, na, a, g, &q[k], msg)) != TG_OK) return s;
        }
        return TG_OK;
    }
    /* alpha-factor */
    for (int k = 1; k <= n; k++)
        if (factor(m, g, k) < 0)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': alpha-factor needs factors "
                          "of levels 1..%d (level %d missing)", g->file, g->line, g->name, n, k);
    int terms[20], total;
    for (int j = 1; j <= n; j++) {
        int c, b[2];
        if ((s = xconst(m, j, g, &c, msg)) != TG_OK) return s;
        b[0] = c, b[1] = factor(m, g, j);
        if ((s = xop(m, X_MUL, 2, b, g, &terms[j - 1], msg)) != TG_OK) return s;
    }
    if ((s = xop(m, X_ADD, n, terms, g, &total, msg)) != TG_OK) return s;
    for (int k = 1; k <= n; k++) {
        int c, b[4];
        if ((s = xconst(m, k / binom(n - 1, k - 1), g, &c, msg)) != TG_OK) return s;
        b[0] = c, b[1] = factor(m, g, k), b[2] = g->dist;
        if ((s = xop(m, X_MUL, 3, b, g, &t, msg)) != TG_OK) return s;
        b[0] = t, b[1] = total;
        if ((s = xop(m, X_DIV, 2, b, g, &q[k], msg)) != TG_OK) return s;
    }
    return TG_OK;
}

/* Replace every member of every group by OR(independent failure, the
 * common-cause events of each subset of two or more members holding it).
 * The member's basic event becomes the independent part (probability
 * Q1); subsets are named "[a b c]" as SCRAM reports them. */
static tg_status expand_ccf(tg_risk_model *m, char *msg)
{
    tg_status s;
    for (int gi = 0; gi < m->nccfs; gi++) {
        rk_ccf g = m->ccfs[gi];   /* copy: arrays move as the model grows */
        int n = g.nmembers;
        if (n < 2 || n > 16)
            return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: CCF group '%s': %d members (2..16 "
                          "supported)", g.file, g.line, g.name, n);
        int q[18];
        if ((s = ccf_levels(m, &g, q, msg)) != TG_OK) return s;
        int members[16], gates[16];
        for (int i = 0; i < n; i++) members[i] = m->ccf_members[g.first_member + i];
        for (int i = 0; i < n; i++) {
            if (m->basics[members[i]].expr >= 0)
                return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': member '%s' also has "
                              "its own probability", g.file, g.line, g.name,
                              m->basics[members[i]].name);
            if (q[1] < 0 && (s = xconst(m, 0, &g, &q[1], msg)) != TG_OK) return s;
            m->basics[members[i]].expr = q[1];
        }
        /* Common-cause events, one per subset of size >= 2 with Qk != 0. */
        int nccf = 0, *ev = tg_malloc(sizeof *ev * ((size_t)1 << n));
        unsigned *sets = tg_malloc(sizeof *sets * ((size_t)1 << n));
        if (!ev || !sets) {
            tg_free(ev), tg_free(sets);
            return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
        }
        s = TG_OK;
        for (unsigned set = 1; set < (1u << n) && s == TG_OK; set++) {
            int k = __builtin_popcount(set);
            if (k < 2 || q[k] < 0) continue;
            char name[2048];
            size_t len = 0;
            name[len++] = '[';
            for (int i = 0; i < n; i++) {
                if (!(set & (1u << i))) continue;
                int w = snprintf(name + len, sizeof name - len, "%s%s", len > 1 ? " " : "",
                                 m->basics[members[i]].name);
                if (w < 0 || (size_t)w >= sizeof name - len - 2) {
                    s = tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: CCF group '%s': names too long",
                               g.file, g.line, g.name);
                    break;
                }
                len += (size_t)w;
            }
            if (s != TG_OK) break;
            name[len++] = ']';
            name[len] = '\0';
            int b;
            if ((s = tg_risk_i_basic(m, NULL, name, g.file, g.line, true, &b, msg)) != TG_OK) break;
            m->basics[b].expr = q[k];
            m->basics[b].ccf = true;
            ev[nccf] = b, sets[nccf] = set, nccf++;
        }
        /* Redirect the uses of each member to its gate, then build the gates. */
        int nargs_before = m->nargs, ngates_before = m->ngates;
        for (int i = 0; i < n && s == TG_OK; i++) {
            s = tg_risk_i_add_gate(m, NULL, NULL, g.file, g.line, &gates[i], msg);
            if (s != TG_OK) break;
            m->gates[gates[i]].op = TG_RISK_OR;
            m->gates[gates[i]].ccf = true;
            m->gates[gates[i]].defined = true;
            m->gates[gates[i]].first = m->nargs;
            s = tg_risk_i_add_arg(m, gates[i], NULL, W_BASIC, RK_REF(R_BASIC, members[i]), g.line,
                                  NULL, msg);
            for (int c = 0; c < nccf && s == TG_OK; c++)
                if (sets[c] & (1u << i))
                    s = tg_risk_i_add_arg(m, gates[i], NULL, W_BASIC, RK_REF(R_BASIC, ev[c]),
                                          g.line, NULL, msg);
        }
        tg_free(ev), tg_free(sets);
        if (s != TG_OK) return s;
        for (int a = 0; a < nargs_before; a++)
            for (int i = 0; i < n; i++)
                if (m->args[a].ref == RK_REF(R_BASIC, members[i])) m->args[a].ref = RK_REF(R_GATE, gates[i]);
        (void)ngates_before;
    }
    return TG_OK;
}

tg_status tg_risk_model_finish(tg_risk_model *m, char *msg)
{
    tg_msg_clear(msg);
    if (!m) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_finish: model is NULL");
    tg_status s;
    /* Arguments. */
    for (int gi = 0; gi < m->ngates; gi++) {
        rk_gate *g = &m->gates[gi];
        if (!g->defined)
            return tg_msg(msg, TG_ERR_ID, "%s:%ld: gate '%s' is referenced but never defined",
                          g->file, g->line, g->name ? g->name : "?");
        int lo, hi, n = count_arity(g, &lo, &hi);
        /* and/or of one argument are accepted (SCRAM does too). */
        if (g->op == TG_RISK_AND || g->op == TG_RISK_OR || g->op == TG_RISK_NAND ||
            g->op == TG_RISK_NOR)
            lo = 1;
        if (n < lo || n > hi)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: gate '%s': <%s> takes %s%d argument%s, "
                          "got %d", g->file, g->line, g->name ? g->name : "(formula)",
                          tg_risk_i_op_names[g->op], hi == INT32_MAX ? "at least " : "", lo,
                          lo == 1 ? "" : "s", n);
        if (g->op == TG_RISK_ATLEAST && (g->k < 1 || g->k > n))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: gate '%s': <atleast min=\"%d\"> needs 1 <= "
                          "min <= %d", g->file, g->line, g->name ? g->name : "(formula)", g->k, n);
        for (int i = 0; i < g->nargs; i++) {
            rk_arg *a = &m->args[g->first + i];
            if (a->ref >= 0) continue;  /* resolved: nested gate, constant, CCF member */
            int64_t r = -1;
            if (a->scope) {     /* innermost container first, then outwards */
                char buf[1024];
                size_t len = strlen(a->scope);
                if (len < sizeof buf) memcpy(buf, a->scope, len + 1);
                else len = 0;
                while (r < 0 && len > 0) {
                    int w = snprintf(buf + len, sizeof buf - len, ".%s", a->name);
                    if (w > 0 && (size_t)w < sizeof buf - len) r = tg_strmap_get(m->names, buf);
                    buf[len] = '\0';
                    char *dot = strrchr(buf, '.');
                    len = dot ? (size_t)(dot - buf) : 0;
                    buf[len] = '\0';
                }
            }
            if (r < 0) r = tg_strmap_get(m->names, a->name);
            if (r < 0)
                return tg_msg(msg, TG_ERR_ID, "%s:%ld: undefined %s '%s'", g->file, a->line,
                              a->want == W_ANY ? "event" : kind_word(a->want), a->name);
            if (a->want != W_ANY && a->want != RK_KIND(r))
                return tg_msg(msg, TG_ERR_TYPE, "%s:%ld: '%s' is referenced as a %s but is a %s",
                              g->file, a->line, a->name, kind_word(a->want),
                              kind_word(RK_KIND(r)));
            a->ref = (int)r;
            if (RK_KIND(r) == R_GATE) m->gates[RK_INDEX(r)].referenced = true;
        }
    }
    for (int i = 0; i < m->nbasics; i++)
        if (!m->basics[i].defined)
            return tg_msg(msg, TG_ERR_ID, "%s:%ld: basic event '%s' is referenced but never "
                          "defined", m->basics[i].file, m->basics[i].line, m->basics[i].name);
    for (int i = 0; i < m->nhouses; i++)
        if (!m->houses[i].defined)
            return tg_msg(msg, TG_ERR_ID, "%s:%ld: house event '%s' is referenced but never "
                          "defined", m->houses[i].file, m->houses[i].line, m->houses[i].name);
    /* Parameters. */
    for (int i = 0; i < m->nxs; i++) {
        rk_expr *x = &m->xs[i];
        if (x->op != X_PARAM || !x->ref) continue;
        int64_t p = tg_strmap_get(m->pnames, x->ref);
        if (p < 0)
            return tg_msg(msg, TG_ERR_ID, "%s:%ld: undefined parameter '%s'", x->file, x->line,
                          x->ref);
        x->param = (int)p;
    }
    for (int i = 0; i < m->nparams; i++) m->params[i].state = 0;
    for (int i = 0; i < m->nparams; i++) {
        rk_expr use = {X_PARAM, 0, 0, 0, i, NULL, m->params[i].file, m->params[i].line};
        if ((s = param_visit(m, i, &use, msg)) != TG_OK) return s;
    }
    if (!m->ccf_expanded) {
        /* The anonymous gates it adds need no resolution: refs are set. */
        if ((s = expand_ccf(m, msg)) != TG_OK) return s;
        m->ccf_expanded = true;
    }
    if ((s = gate_cycles(m, msg)) != TG_OK) return s;
    if ((s = deviate_check(m, msg)) != TG_OK) return s;
    if ((s = tg_risk_model_set_mission_time(m, m->mission_time, msg)) != TG_OK) return s;
    m->finished = true;
    return TG_OK;
}

tg_status tg_risk_model_set_mission_time(tg_risk_model *m, double hours, char *msg)
{
    tg_msg_clear(msg);
    if (!m) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_set_mission_time: model is NULL");
    if (!(hours > 0) || !isfinite(hours))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_set_mission_time: %g is not a time > 0",
                      hours);
    /* Check every probability at the new time first: on failure nothing changes. */
    double old = m->mission_time;
    m->mission_time = hours;
    for (int i = 0; i < m->nbasics; i++) {
        const rk_basic *b = &m->basics[i];
        if (b->expr < 0) continue;
        double p = tg_risk_i_eval(m, b->expr, NULL);
        if (!(p >= 0 && p <= 1)) {
            m->mission_time = old;
            return tg_msg(msg, TG_ERR_NUMERIC, "%s:%ld: basic event '%s': probability %g is "
                          "not in [0, 1]", b->file, b->line, b->name, p);
        }
    }
    for (int i = 0; i < m->nbasics; i++) {
        rk_basic *b = &m->basics[i];
        b->p = b->expr < 0 ? NAN : tg_risk_i_eval(m, b->expr, NULL);
    }
    return TG_OK;
}

double tg_risk_model_mission_time(const tg_risk_model *m) { return m ? m->mission_time : NAN; }

/* ---- accessors ------------------------------------------------------------ */

int tg_risk_model_nbasic(const tg_risk_model *m) { return m ? m->nbasics : 0; }
int tg_risk_model_ngates(const tg_risk_model *m) { return m ? m->nnamed_gates : 0; }
int tg_risk_model_nhouse(const tg_risk_model *m) { return m ? m->nhouses : 0; }
int tg_risk_model_nccf(const tg_risk_model *m) { return m ? m->nccfs : 0; }

const char *tg_risk_model_basic_name(const tg_risk_model *m, int i)
{
    return m && i >= 0 && i < m->nbasics ? m->basics[i].name : NULL;
}

const char *tg_risk_model_gate_name(const tg_risk_model *m, int i)
{
    return m && i >= 0 && i < m->nnamed_gates ? m->gates[m->named[i]].name : NULL;
}

double tg_risk_model_basic_prob(const tg_risk_model *m, int i)
{
    return m && i >= 0 && i < m->nbasics ? m->basics[i].p : NAN;
}

int tg_risk_model_find_gate(const tg_risk_model *m, const char *name)
{
    if (!m || !name) return -1;
    int64_t r = tg_strmap_get(m->names, name);
    if (r < 0 || RK_KIND(r) != R_GATE) return -1;
    for (int i = 0; i < m->nnamed_gates; i++)
        if (m->named[i] == RK_INDEX(r)) return i;
    return -1;
}

int tg_risk_model_tops(const tg_risk_model *m, int *tops, int cap)
{
    if (!m || !m->finished) return 0;
    int n = 0;
    for (int i = 0; i < m->nnamed_gates; i++) {
        if (m->gates[m->named[i]].referenced) continue;
        if (tops && n < cap) tops[n] = i;
        n++;
    }
    return n;
}

int tg_risk_i_gate_postorder(const tg_risk_model *m, int top_gate, int *order, int *event_rank,
                             int *nevents)
{
    int ng = m->ngates, n = 0, ne = 0, sp = 1;
    int *stack = tg_malloc(sizeof *stack * 2 * ((size_t)ng + 1));
    uint8_t *seen = tg_calloc((size_t)ng + 1, 1);
    if (!stack || !seen) {
        tg_free(stack), tg_free(seen);
        return -1;
    }
    if (event_rank)
        for (int i = 0; i < m->nbasics; i++) event_rank[i] = -1;
    stack[0] = top_gate, stack[1] = 0, seen[top_gate] = 1;
    while (sp > 0) {
        int g = stack[2 * (sp - 1)], *pos = &stack[2 * (sp - 1) + 1];
        const rk_gate *gg = &m->gates[g];
        if (*pos < gg->nargs) {
            int r = m->args[gg->first + (*pos)++].ref;
            if (RK_KIND(r) == R_GATE && !seen[RK_INDEX(r)]) {
                seen[RK_INDEX(r)] = 1;
                stack[2 * sp] = RK_INDEX(r), stack[2 * sp + 1] = 0;
                sp++;
            } else if (RK_KIND(r) == R_BASIC && event_rank && event_rank[RK_INDEX(r)] < 0) {
                event_rank[RK_INDEX(r)] = ne++;
            }
            continue;
        }
        sp--;
        order[n++] = g;
    }
    if (nevents) *nevents = ne;
    tg_free(stack), tg_free(seen);
    return n;
}
