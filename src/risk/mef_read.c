/* mef_read.c: Open-PSA Model Exchange Format (MEF) reader (libxml2).
 *
 * Documents are parsed by tg_xml_read (src/core/xml.c), with the same
 * defensive rules as GraphML: no network, no DTD internal subset or entity
 * declaration (billion laughs, XXE), bounded nesting and value sizes.
 * libxml2 reads .gz files transparently.
 *
 * What is read: <define-fault-tree> (also nested <define-component>) and
 * <model-data> holding <define-gate>, <define-basic-event>,
 * <define-house-event>, <define-parameter> and <define-CCF-group>; gate
 * formulas (and, or, atleast, not, xor, nand, nor, iff, null, references,
 * constants) nested to any depth; expressions (constants, parameters,
 * system-mission-time, arithmetic, exponential, GLM, Weibull,
 * periodic-test, uniform/normal/lognormal/gamma/beta deviates).  Event-tree
 * elements, labels and attributes are skipped.  Unknown elements inside a
 * definition are errors with file and line.
 */
#include "risk_internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RK_MAX_VALUE (1024 * 1024)   /* bytes in one attribute or text */
#define RK_MAX_DEPTH 256             /* element nesting (formulas nest) */

typedef struct mef_state {
    tg_risk_model *m;
    const char *path;           /* pooled copy */
    int true_house, false_house;
    const char *scope;          /* path of the current container ("ft.comp"), NULL outside */
    bool priv;                  /* definitions here are private to the container */
    char key[1024];             /* scratch: the namespace key of a private definition */
} mef_state;

/* The namespace key of a definition named name at line: *key = NULL (= the
 * name) when public, "scope.name" when private; an error if that is too long
 * (it must not silently become public). */
static tg_status def_key(mef_state *st, const char *name, long line, const char **key,
                         char *msg)
{
    *key = NULL;
    if (!st->priv || !st->scope) return TG_OK;
    int n = snprintf(st->key, sizeof st->key, "%s.%s", st->scope, name);
    if (n < 0 || (size_t)n >= sizeof st->key)
        return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: private definition '%s': scoped name "
                      "longer than %zu bytes", st->path, line, name, sizeof st->key - 1);
    *key = st->key;
    return TG_OK;
}

static bool is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && !a->ns) {
            if (!a->children) return "";
            return (const char *)a->children->content;
        }
    return NULL;
}

static long line_of(xmlNodePtr n) { return (long)xmlGetLineNo(n); }

/* Skipped anywhere: documentation and metadata. */
static bool is_meta(xmlNodePtr n)
{
    return is_el(n, "label") || is_el(n, "attributes");
}

static tg_status need_name(mef_state *st, xmlNodePtr n, const char **name, char *msg)
{
    *name = attr(n, "name");
    if (!*name || !**name)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> has no name attribute", st->path,
                      line_of(n), (const char *)n->name);
    return TG_OK;
}

/* ---- expressions ---------------------------------------------------------- */

static const struct { const char *tag; rk_xop op; int lo, hi; } XTAGS[] = {
    {"neg", X_NEG, 1, 1}, {"add", X_ADD, 1, 1 << 20}, {"sub", X_SUB, 1, 1 << 20},
    {"mul", X_MUL, 1, 1 << 20}, {"div", X_DIV, 1, 1 << 20}, {"abs", X_ABS, 1, 1},
    {"exp", X_EXP, 1, 1}, {"log", X_LOG, 1, 1}, {"log10", X_LOG10, 1, 1},
    {"sqrt", X_SQRT, 1, 1}, {"pow", X_POW, 2, 2}, {"min", X_MIN, 1, 1 << 20},
    {"max", X_MAX, 1, 1 << 20}, {"mean", X_MEAN, 1, 1 << 20}, {"floor", X_FLOOR, 1, 1},
    {"ceil", X_CEIL, 1, 1}, {"mod", X_MOD, 2, 2}, {"sin", X_SIN, 1, 1}, {"cos", X_COS, 1, 1},
    {"tan", X_TAN, 1, 1}, {"asin", X_ASIN, 1, 1}, {"acos", X_ACOS, 1, 1},
    {"atan", X_ATAN, 1, 1}, {"sinh", X_SINH, 1, 1}, {"cosh", X_COSH, 1, 1},
    {"tanh", X_TANH, 1, 1}, {"pi", X_PI, 0, 0},
    {"exponential", X_EXPONENTIAL, 2, 2}, {"GLM", X_GLM, 4, 4}, {"Weibull", X_WEIBULL, 4, 4},
    {"periodic-test", X_PERIODIC, 4, 4},
    {"uniform-deviate", X_UNIFORM, 2, 2}, {"normal-deviate", X_NORMAL, 2, 2},
    {"lognormal-deviate", X_LOGNORMAL, 2, 3}, {"gamma-deviate", X_GAMMA, 2, 2},
    {"beta-deviate", X_BETA, 2, 2},
};

static bool parse_number(const char *t, double *out)
{
    if (!t) return false;
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
    if (end == t || *end || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

static tg_status read_expr(mef_state *st, xmlNodePtr n, int *out, char *msg);

static tg_status read_expr(mef_state *st, xmlNodePtr n, int *out, char *msg)
{
    tg_risk_model *m = st->m;
    long line = line_of(n);
    const char *tag = (const char *)n->name;
    tg_status s;
    if (is_el(n, "float") || is_el(n, "int") || is_el(n, "bool")) {
        const char *v = attr(n, "value");
        double d;
        if (is_el(n, "bool") && v && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0))
            d = v[0] == 't';
        else if (!parse_number(v, &d))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s value=\"%.40s\">: not a number",
                          st->path, line, tag, v ? v : "");
        return tg_risk_i_expr(m, X_CONST, d, st->path, line, out, msg);
    }
    if (is_el(n, "parameter")) {
        const char *name;
        if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
        if ((s = tg_risk_i_expr(m, X_PARAM, 0, st->path, line, out, msg)) != TG_OK) return s;
        if (!(m->xs[*out].ref = tg_risk_i_str(m, name, msg))) return TG_ERR_NOMEM;
        return TG_OK;
    }
    if (is_el(n, "system-mission-time"))
        return tg_risk_i_expr(m, X_MISSION, 0, st->path, line, out, msg);
    for (size_t i = 0; i < sizeof XTAGS / sizeof *XTAGS; i++) {
        if (strcmp(tag, XTAGS[i].tag) != 0) continue;
        int args[4], nargs = 0, *many = NULL, cap = 0;
        s = TG_OK;
        for (xmlNodePtr c = n->children; c && s == TG_OK; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
            int x;
            if ((s = read_expr(st, c, &x, msg)) != TG_OK) break;
            if (nargs < 4) args[nargs] = x;
            if (nargs >= cap) {
                size_t c2 = (size_t)cap;
                if (tg_grow((void **)&many, &c2, (size_t)nargs + 1, sizeof *many) != TG_OK) {
                    s = tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
                    break;
                }
                cap = (int)c2;
            }
            many[nargs++] = x;
        }
        if (s == TG_OK && (nargs < XTAGS[i].lo || nargs > XTAGS[i].hi))
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> takes %d%s argument%s, got %d", st->path,
                       line, tag, XTAGS[i].lo,
                       XTAGS[i].hi == XTAGS[i].lo ? "" : XTAGS[i].hi == 3 ? " or 3" : " or more",
                       XTAGS[i].lo == 1 && XTAGS[i].hi == 1 ? "" : "s", nargs);
        if (s == TG_OK) s = tg_risk_i_expr(m, XTAGS[i].op, 0, st->path, line, out, msg);
        if (s == TG_OK) s = tg_risk_i_expr_args(m, *out, nargs, many ? many : args, msg);
        tg_free(many);
        return s;
    }
    if (is_el(n, "histogram") || is_el(n, "extern-function") || is_el(n, "ite") ||
        is_el(n, "switch") || is_el(n, "test-initiating-event") ||
        is_el(n, "test-functional-event"))
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: expression <%s> is not supported", st->path,
                      line, tag);
    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> is not an expression", st->path, line, tag);
}

/* The one expression child of n (labels and attributes skipped); -1 if
 * none and optional. */
static tg_status one_expr(mef_state *st, xmlNodePtr n, bool optional, int *out, char *msg)
{
    *out = -1;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        if (*out >= 0)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> has more than one expression",
                          st->path, line_of(c), (const char *)n->name);
        tg_status s = read_expr(st, c, out, msg);
        if (s != TG_OK) return s;
    }
    if (*out < 0 && !optional)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> has no expression", st->path, line_of(n),
                      (const char *)n->name);
    return TG_OK;
}

/* ---- formulas ------------------------------------------------------------- */

static const struct { const char *tag; tg_risk_op op; } OPS[] = {
    {"and", TG_RISK_AND}, {"or", TG_RISK_OR}, {"atleast", TG_RISK_ATLEAST},
    {"not", TG_RISK_NOT}, {"xor", TG_RISK_XOR}, {"nand", TG_RISK_NAND}, {"nor", TG_RISK_NOR},
    {"iff", TG_RISK_IFF}, {"null", TG_RISK_NULL},
};

static int ref_kind(xmlNodePtr n)
{
    if (is_el(n, "basic-event")) return W_BASIC;
    if (is_el(n, "house-event")) return W_HOUSE;
    if (is_el(n, "gate")) return W_GATE;
    if (is_el(n, "event")) return W_ANY;
    return -1;
}

static tg_status constant_house(mef_state *st, bool v, int *ref, char *msg)
{
    int *slot = v ? &st->true_house : &st->false_house;
    if (*slot < 0) {
        int h;
        tg_status s = tg_risk_i_house(st->m, NULL, v ? "<true>" : "<false>", st->path, 0, true, &h,
                                      msg);
        if (s != TG_OK) return s;
        st->m->houses[h].value = v;
        *slot = h;
    }
    *ref = RK_REF(R_HOUSE, *slot);
    return TG_OK;
}

static tg_status read_formula(mef_state *st, xmlNodePtr f, int gate, char *msg);

/* Add formula element c as an argument of gate. */
static tg_status add_formula_arg(mef_state *st, xmlNodePtr c, int gate, char *msg)
{
    tg_risk_model *m = st->m;
    tg_status s;
    int want = ref_kind(c);
    if (want >= 0) {
        const char *name;
        if ((s = need_name(st, c, &name, msg)) != TG_OK) return s;
        return tg_risk_i_add_arg(m, gate, name, want, -1, line_of(c), st->scope, msg);
    }
    if (is_el(c, "constant")) {
        const char *v = attr(c, "value");
        if (!v || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <constant value=\"%.40s\">: not true or "
                          "false", st->path, line_of(c), v ? v : "");
        int ref;
        if ((s = constant_house(st, v[0] == 't', &ref, msg)) != TG_OK) return s;
        return tg_risk_i_add_arg(m, gate, NULL, W_HOUSE, ref, line_of(c), NULL, msg);
    }
    return TG_ERR_NOMEM;   /* not reached: callers handle operators */
}

/* Nested operators become anonymous gates.  Arguments of one gate must be
 * contiguous in m->args, so the nested gates are built first and the
 * parent's arguments added after. */
static tg_status read_formula(mef_state *st, xmlNodePtr f, int gate, char *msg)
{
    tg_risk_model *m = st->m;
    tg_status s;
    int op = -1;
    for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++)
        if (is_el(f, OPS[i].tag)) op = (int)OPS[i].op;
    if (op < 0) {
        if (ref_kind(f) >= 0 || is_el(f, "constant")) {
            m->gates[gate].op = TG_RISK_NULL;
            m->gates[gate].defined = true;
            m->gates[gate].first = m->nargs;
            return add_formula_arg(st, f, gate, msg);
        }
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> is not a formula", st->path, line_of(f),
                      (const char *)f->name);
    }
    int k = 0;
    if (op == TG_RISK_ATLEAST) {
        const char *v = attr(f, "min");
        char *end;
        long kv = v ? strtol(v, &end, 10) : 0;
        if (!v || end == v || *end || kv < 1 || kv > INT32_MAX)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <atleast> needs min=\"k\" with an integer "
                          "k >= 1", st->path, line_of(f));
        k = (int)kv;
    }
    /* First pass: anonymous gates for nested operators. */
    int nsub = 0, *subs = NULL;
    size_t subcap = 0;
    for (xmlNodePtr c = f->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        if (ref_kind(c) >= 0 || is_el(c, "constant")) continue;
        bool isop = false;
        for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++) isop |= is_el(c, OPS[i].tag);
        if (!isop) {
            tg_free(subs);
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> is not a formula", st->path,
                          line_of(c), (const char *)c->name);
        }
        int g;
        if ((s = tg_risk_i_add_gate(m, NULL, NULL, st->path, line_of(c), &g, msg)) != TG_OK ||
            (s = read_formula(st, c, g, msg)) != TG_OK) {
            tg_free(subs);
            return s;
        }
        if (tg_grow((void **)&subs, &subcap, (size_t)nsub + 1, sizeof *subs) != TG_OK) {
            tg_free(subs);
            return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
        }
        subs[nsub++] = g;
    }
    rk_gate *g = &m->gates[gate];
    g->op = (tg_risk_op)op;
    g->k = k;
    g->defined = true;
    g->first = m->nargs;
    g->nargs = 0;
    int si = 0;
    s = TG_OK;
    for (xmlNodePtr c = f->children; c && s == TG_OK; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        if (ref_kind(c) >= 0 || is_el(c, "constant")) s = add_formula_arg(st, c, gate, msg);
        else s = tg_risk_i_add_arg(m, gate, NULL, W_GATE, RK_REF(R_GATE, subs[si++]), line_of(c),
                                   NULL, msg);
    }
    tg_free(subs);
    return s;
}

/* ---- definitions ---------------------------------------------------------- */

static tg_status read_gate(mef_state *st, xmlNodePtr n, char *msg)
{
    const char *name;
    tg_status s;
    if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
    int g;
    const char *key;
    if ((s = def_key(st, name, line_of(n), &key, msg)) != TG_OK) return s;
    if ((s = tg_risk_i_add_gate(st->m, key, name, st->path, line_of(n), &g,
                                  msg)) != TG_OK) return s;
    xmlNodePtr f = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        if (f)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: gate '%s' has more than one formula",
                          st->path, line_of(c), name);
        f = c;
    }
    if (!f)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: gate '%s' has no formula", st->path,
                      line_of(n), name);
    return read_formula(st, f, g, msg);
}

static tg_status read_basic(mef_state *st, xmlNodePtr n, char *msg)
{
    const char *name;
    tg_status s;
    int b, x;
    const char *key;
    if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
    if ((s = def_key(st, name, line_of(n), &key, msg)) != TG_OK) return s;
    if ((s = tg_risk_i_basic(st->m, key, name, st->path, line_of(n), true, &b,
                               msg)) != TG_OK)
        return s;
    if ((s = one_expr(st, n, true, &x, msg)) != TG_OK) return s;
    st->m->basics[b].expr = x;
    return TG_OK;
}

static tg_status read_house(mef_state *st, xmlNodePtr n, char *msg)
{
    const char *name;
    tg_status s;
    int h;
    const char *key;
    if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
    if ((s = def_key(st, name, line_of(n), &key, msg)) != TG_OK) return s;
    if ((s = tg_risk_i_house(st->m, key, name, st->path, line_of(n), true, &h,
                               msg)) != TG_OK)
        return s;
    st->m->houses[h].value = false;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        const char *v = attr(c, "value");
        if ((!is_el(c, "constant") && !is_el(c, "bool")) || !v ||
            (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: house event '%s': expected <constant "
                          "value=\"true|false\"/>", st->path, line_of(c), name);
        st->m->houses[h].value = v[0] == 't';
    }
    return TG_OK;
}

static tg_status read_param(mef_state *st, xmlNodePtr n, char *msg)
{
    const char *name;
    tg_status s;
    int p, x;
    if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
    if ((s = tg_risk_i_param(st->m, name, st->path, line_of(n), &p, msg)) != TG_OK) return s;
    if ((s = one_expr(st, n, false, &x, msg)) != TG_OK) return s;
    st->m->params[p].expr = x;
    return TG_OK;
}

static tg_status read_ccf(mef_state *st, xmlNodePtr n, char *msg)
{
    tg_risk_model *m = st->m;
    const char *name;
    tg_status s;
    if ((s = need_name(st, n, &name, msg)) != TG_OK) return s;
    const char *model = attr(n, "model");
    rk_ccf_model cm;
    if (model && strcmp(model, "beta-factor") == 0) cm = CCF_BETA;
    else if (model && strcmp(model, "MGL") == 0) cm = CCF_MGL;
    else if (model && strcmp(model, "alpha-factor") == 0) cm = CCF_ALPHA;
    else
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': model \"%s\" is not "
                      "beta-factor, MGL or alpha-factor", st->path, line_of(n), name,
                      model ? model : "");
    size_t cap = (size_t)m->ccap;
    if (tg_grow((void **)&m->ccfs, &cap, (size_t)m->nccfs + 1, sizeof *m->ccfs) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
    m->ccap = (int)cap;
    rk_ccf *g = &m->ccfs[m->nccfs];
    memset(g, 0, sizeof *g);
    if (!(g->name = tg_risk_i_str(m, name, msg))) return TG_ERR_NOMEM;
    g->file = st->path;
    g->line = line_of(n);
    g->model = cm;
    g->dist = -1;
    g->first_member = m->nccf_members;
    g->first_factor = m->nccf_factors;
    m->nccfs++;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        if (is_el(c, "members")) {
            for (xmlNodePtr e = c->children; e; e = e->next) {
                if (e->type != XML_ELEMENT_NODE) continue;
                const char *ename;
                int b;
                if (!is_el(e, "basic-event"))
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': members must be "
                                  "<basic-event>", st->path, line_of(e), name);
                const char *key;
                if ((s = need_name(st, e, &ename, msg)) != TG_OK ||
                    (s = def_key(st, ename, line_of(e), &key, msg)) != TG_OK ||
                    (s = tg_risk_i_basic(m, key, ename, st->path, line_of(e), true,
                                                   &b, msg)) != TG_OK)
                    return s;
                cap = (size_t)m->cmcap;
                if (tg_grow((void **)&m->ccf_members, &cap, (size_t)m->nccf_members + 1,
                            sizeof(int)) != TG_OK)
                    return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
                m->cmcap = (int)cap;
                m->ccf_members[m->nccf_members++] = b;
                m->ccfs[m->nccfs - 1].nmembers++;
            }
        } else if (is_el(c, "distribution")) {
            int x;
            if ((s = one_expr(st, c, false, &x, msg)) != TG_OK) return s;
            m->ccfs[m->nccfs - 1].dist = x;
        } else if (is_el(c, "factor") || is_el(c, "factors")) {
            xmlNodePtr first = is_el(c, "factor") ? c : c->children;
            for (xmlNodePtr fct = first; fct; fct = fct->next) {
                if (fct->type != XML_ELEMENT_NODE) continue;
                if (!is_el(fct, "factor"))
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': <%s> in <factors>",
                                  st->path, line_of(fct), name, (const char *)fct->name);
                const char *lv = attr(fct, "level");
                double level;
                if (!parse_number(lv, &level) || level < 1 || level > 64 || level != floor(level))
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': <factor> needs "
                                  "level=\"k\" (an integer from 1 to 64)", st->path, line_of(fct), name);
                int x;
                if ((s = one_expr(st, fct, false, &x, msg)) != TG_OK) return s;
                cap = (size_t)m->cfcap;
                if (tg_grow((void **)&m->ccf_factors, &cap, (size_t)m->nccf_factors + 2,
                            sizeof(int)) != TG_OK)
                    return tg_msg(msg, TG_ERR_NOMEM, "risk: out of memory");
                m->cfcap = (int)cap;
                m->ccf_factors[m->nccf_factors++] = (int)level;
                m->ccf_factors[m->nccf_factors++] = x;
                m->ccfs[m->nccfs - 1].nfactors++;
                if (first == c) break;
            }
        } else {
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s': unexpected <%s>", st->path,
                          line_of(c), name, (const char *)c->name);
        }
    }
    g = &m->ccfs[m->nccfs - 1];
    if (g->nmembers < 2 || g->dist < 0)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: CCF group '%s' needs <members> (two or more) "
                      "and a <distribution>", st->path, g->line, name);
    return TG_OK;
}

static tg_status read_container(mef_state *st, xmlNodePtr n, bool fault_tree, char *msg);

static tg_status read_definition(mef_state *st, xmlNodePtr c, bool fault_tree, char *msg)
{
    if (is_el(c, "define-gate")) {
        if (!fault_tree)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <define-gate> outside a fault tree",
                          st->path, line_of(c));
        return read_gate(st, c, msg);
    }
    if (is_el(c, "define-basic-event")) return read_basic(st, c, msg);
    if (is_el(c, "define-house-event")) return read_house(st, c, msg);
    if (is_el(c, "define-parameter")) return read_param(st, c, msg);
    if (is_el(c, "define-CCF-group")) return read_ccf(st, c, msg);
    if (is_el(c, "define-component") && fault_tree) return read_container(st, c, true, msg);
    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: unexpected <%s> in <%s>", st->path, line_of(c),
                  (const char *)c->name, (const char *)c->parent->name);
}

/* A fault tree or component: its name extends the scope path; role
 * "private" (inherited, "public" resets it) makes its definitions local. */
static tg_status read_container(mef_state *st, xmlNodePtr n, bool fault_tree, char *msg)
{
    const char *old_scope = st->scope;
    bool old_priv = st->priv;
    tg_status s = TG_OK;
    if (fault_tree) {
        const char *name = attr(n, "name"), *role = attr(n, "role");
        if (!name || !*name)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s> has no name attribute", st->path,
                          line_of(n), (const char *)n->name);
        char buf[1024];
        int len = old_scope ? snprintf(buf, sizeof buf, "%s.%s", old_scope, name)
                            : snprintf(buf, sizeof buf, "%s", name);
        if (len < 0 || (size_t)len >= sizeof buf)
            return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: container path too long", st->path,
                          line_of(n));
        if (!(st->scope = tg_risk_i_str(st->m, buf, msg))) return TG_ERR_NOMEM;
        if (role && strcmp(role, "private") == 0) st->priv = true;
        else if (role && strcmp(role, "public") == 0) st->priv = false;
        else if (role) s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: role=\"%s\" is not public or private",
                                  st->path, line_of(n), role);
    }
    for (xmlNodePtr c = n->children; c && s == TG_OK; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_meta(c)) continue;
        s = read_definition(st, c, fault_tree, msg);
    }
    st->scope = old_scope;
    st->priv = old_priv;
    return s;
}

/* Event-tree analysis elements: skipped (fault trees only). */
static bool is_event_tree_part(xmlNodePtr c)
{
    static const char *const skip[] = {
        "define-event-tree", "define-initiating-event", "define-rule", "define-alignment",
        "define-substitution", "define-consequence", "define-extern-library",
        "define-extern-function", "define-sequence", "define-functional-event",
        "define-branch", "define-phase"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (is_el(c, skip[i])) return true;
    return false;
}

static tg_status read_doc(mef_state *st, xmlDocPtr doc, char *msg)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) return tg_msg(msg, TG_ERR_PARSE, "%s: no root element", st->path);
    tg_status s = TG_OK;
    if (!is_el(root, "opsa-mef"))
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: root element is <%s>, not <opsa-mef>",
                      st->path, line_of(root), (const char *)root->name);
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is_el(c, "attributes")) {
            /* <attribute name="mission-time" value="H"/> on the root: the
             * model's mission time (tg_risk_model_write puts it there). */
            for (xmlNodePtr at = c->children; at; at = at->next) {
                if (at->type != XML_ELEMENT_NODE || !is_el(at, "attribute")) continue;
                const char *an = attr(at, "name");
                if (!an || strcmp(an, "mission-time") != 0) continue;
                double h;
                if (!parse_number(attr(at, "value"), &h) || !(h > 0) || !isfinite(h))
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: attribute mission-time: value "
                                  "must be a number of hours > 0", st->path, line_of(at));
                st->m->mission_time = h;
            }
            continue;
        }
        if (is_meta(c)) continue;
        if (is_el(c, "define-fault-tree")) {
            s = read_container(st, c, true, msg);
        } else if (is_el(c, "model-data")) {
            s = read_container(st, c, false, msg);
        } else if (is_event_tree_part(c)) {
            continue;
        } else {
            s = read_definition(st, c, false, msg);
        }
        if (s != TG_OK) return s;
    }
    return TG_OK;
}

/* Parse one file (path) or buffer (buf != NULL) into st->m. */
static tg_status read_one(mef_state *st, const char *buf, size_t len, char *msg)
{
    xmlDocPtr doc = NULL;
    tg_status s = tg_xml_read(st->path, buf, len, RK_MAX_DEPTH, RK_MAX_VALUE, &doc, msg);
    if (s != TG_OK) return s;
    s = read_doc(st, doc, msg);
    xmlFreeDoc(doc);
    return s;
}

static tg_status read_all(int n, const char *const *paths, const char *buf, size_t len,
                          tg_risk_model **out, char *msg)
{
    tg_risk_model *m = NULL;
    tg_status s = tg_risk_model_new(&m, msg);
    if (s != TG_OK) return s;
    mef_state st;
    memset(&st, 0, sizeof st);
    st.m = m;
    st.true_house = st.false_house = -1;
    for (int i = 0; i < n && s == TG_OK; i++) {
        if (!paths[i]) {
            s = tg_msg(msg, TG_ERR_ARG, "tg_risk_model_read: path %d is NULL", i + 1);
            break;
        }
        if (!(st.path = tg_risk_i_str(m, paths[i], msg))) {
            s = TG_ERR_NOMEM;
            break;
        }
        if (!buf) {
            FILE *f = fopen(paths[i], "rb");
            if (!f) {
                s = tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", paths[i], strerror(errno));
                break;
            }
            fclose(f);
        }
        s = read_one(&st, buf, len, msg);
    }
    if (s == TG_OK) s = tg_risk_model_finish(m, msg);
    if (s != TG_OK) {
        tg_risk_model_free(&m);
        return s;
    }
    *out = m;
    return TG_OK;
}

tg_status tg_risk_model_read(int n, const char *const *paths, tg_risk_model **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_read: out is NULL");
    *out = NULL;
    if (n < 1 || !paths) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_read: no files");
    return read_all(n, paths, NULL, 0, out, msg);
}

tg_status tg_risk_model_parse(const char *xml, size_t len, const char *name, tg_risk_model **out,
                              char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_parse: out is NULL");
    *out = NULL;
    if (!xml) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_parse: xml is NULL");
    const char *nm = name ? name : "(string)";
    return read_all(1, &nm, xml, len, out, msg);
}
