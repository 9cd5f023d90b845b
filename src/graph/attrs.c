/* attrs.c: typed attribute columns on nodes and edges. */
#include "graph_internal.h"

#include <math.h>
#include <string.h>

static const char *elem_name(tg_elem e) { return e == TG_NODES ? "node" : "edge"; }
static const char *type_name(tg_attr_type t)
{
    return t == TG_DOUBLE ? "double" : t == TG_INT ? "int" : "string";
}

static int64_t elem_count(const tg_graph *g, tg_elem e)
{
    return e == TG_NODES ? g->nnodes : g->nedges;
}

int tg_graph_attr_count(const tg_graph *g, tg_elem elem) { return g->attrs[elem].count; }

const char *tg_graph_attr_name(const tg_graph *g, tg_elem elem, int col)
{
    return col >= 0 && col < g->attrs[elem].count ? g->attrs[elem].cols[col].name : NULL;
}

tg_attr_type tg_graph_attr_type(const tg_graph *g, tg_elem elem, int col)
{
    return g->attrs[elem].cols[col].type;
}

int tg_graph_attr_find(const tg_graph *g, tg_elem elem, const char *name)
{
    if (!name) return -1;
    const tg_columns *cs = &g->attrs[elem];
    for (int c = 0; c < cs->count; c++)
        if (strcmp(cs->cols[c].name, name) == 0) return c;
    return -1;
}

tg_status tg_graph_attr_add(tg_graph *g, tg_elem elem, const char *name, tg_attr_type type,
                            char *msg)
{
    tg_msg_clear(msg);
    if (!g || !name || !name[0] || (elem != TG_NODES && elem != TG_EDGES) || type < TG_DOUBLE ||
        type > TG_STRING)
        return tg_msg(msg, TG_ERR_ARG, "graph.attr_add: bad arguments");
    if (elem == TG_NODES && (strcmp(name, "id") == 0 || strcmp(name, "type") == 0))
        return tg_msg(msg, TG_ERR_ARG, "graph.attr_add: '%s' is reserved for nodes", name);
    int c = tg_graph_attr_find(g, elem, name);
    if (c >= 0) {
        if (g->attrs[elem].cols[c].type == type) return TG_OK;
        return tg_msg(msg, TG_ERR_TYPE, "graph.attr_add: %s attribute '%s' is %s, not %s",
                      elem_name(elem), name, type_name(g->attrs[elem].cols[c].type),
                      type_name(type));
    }
    tg_columns *cs = &g->attrs[elem];
    if (cs->count == cs->cap) {
        int ncap = cs->cap ? 2 * cs->cap : 8;
        tg_column *nc = tg_realloc(cs->cols, (size_t)ncap * sizeof *nc);
        if (!nc) return tg_msg(msg, TG_ERR_NOMEM, "graph.attr_add: out of memory");
        cs->cols = nc;
        cs->cap = ncap;
    }
    tg_column col = {.type = type};
    int64_t n = elem_count(g, elem);
    size_t cap = (size_t)(elem == TG_NODES ? g->node_cap : (g->ends_cap / 2));
    if (cap < (size_t)n) cap = (size_t)n;
    if (cap == 0) cap = 1;
    size_t sz = type == TG_DOUBLE ? sizeof(double) : type == TG_INT ? sizeof(int64_t) : sizeof(char *);
    col.name = tg_strdup(name);
    col.v.d = tg_malloc(cap * sz);
    if (!col.name || !col.v.d) {
        tg_free(col.name);
        tg_free(col.v.d);
        return tg_msg(msg, TG_ERR_NOMEM, "graph.attr_add: out of memory");
    }
    col.cap = cap;
    for (int64_t i = 0; i < n; i++) {
        if (type == TG_DOUBLE) col.v.d[i] = NAN;
        else if (type == TG_INT) col.v.i[i] = TG_INT_MISSING;
        else col.v.s[i] = NULL;
    }
    cs->cols[cs->count++] = col;
    g->version++;
    return TG_OK;
}

tg_status tg_graph_attr_remove(tg_graph *g, tg_elem elem, const char *name, char *msg)
{
    tg_msg_clear(msg);
    int c = tg_graph_attr_find(g, elem, name);
    if (c < 0)
        return tg_msg(msg, TG_ERR_ARG, "graph.attr_remove: no %s attribute '%s'", elem_name(elem),
                      name ? name : "(null)");
    tg_columns *cs = &g->attrs[elem];
    tg_column *col = &cs->cols[c];
    if (col->type == TG_STRING)
        for (int64_t i = 0; i < elem_count(g, elem); i++) tg_free(col->v.s[i]);
    tg_free(col->v.d);
    tg_free(col->name);
    memmove(&cs->cols[c], &cs->cols[c + 1], (size_t)(cs->count - c - 1) * sizeof *col);
    cs->count--;
    tg_graph_i_changed(g);
    return TG_OK;
}

/* Find or create the column for a set; checks index and type. */
static tg_status column_for_set(tg_graph *g, tg_elem elem, const char *name, int64_t i,
                                tg_attr_type type, tg_column **out, char *msg)
{
    if (!g || !name || (elem != TG_NODES && elem != TG_EDGES))
        return tg_msg(msg, TG_ERR_ARG, "graph.set: bad arguments");
    if (i < 0 || i >= elem_count(g, elem))
        return tg_msg(msg, TG_ERR_ARG, "graph.set: %s index %lld out of range", elem_name(elem),
                      (long long)i);
    int c = tg_graph_attr_find(g, elem, name);
    if (c < 0) {
        tg_status s = tg_graph_attr_add(g, elem, name, type, msg);
        if (s != TG_OK) return s;
        c = g->attrs[elem].count - 1;
    }
    tg_column *col = &g->attrs[elem].cols[c];
    if (col->type != type)
        return tg_msg(msg, TG_ERR_TYPE, "graph.set: %s attribute '%s' is %s, not %s",
                      elem_name(elem), name, type_name(col->type), type_name(type));
    *out = col;
    return TG_OK;
}

tg_status tg_graph_set_double(tg_graph *g, tg_elem elem, const char *name, int64_t i, double v,
                              char *msg)
{
    tg_msg_clear(msg);
    tg_column *col;
    tg_status s = column_for_set(g, elem, name, i, TG_DOUBLE, &col, msg);
    if (s != TG_OK) return s;
    col->v.d[i] = v;
    tg_graph_i_changed(g);
    return TG_OK;
}

tg_status tg_graph_set_int(tg_graph *g, tg_elem elem, const char *name, int64_t i, int64_t v,
                           char *msg)
{
    tg_msg_clear(msg);
    tg_column *col;
    tg_status s = column_for_set(g, elem, name, i, TG_INT, &col, msg);
    if (s != TG_OK) return s;
    col->v.i[i] = v;
    tg_graph_i_changed(g);
    return TG_OK;
}

tg_status tg_graph_set_string(tg_graph *g, tg_elem elem, const char *name, int64_t i,
                              const char *v, char *msg)
{
    tg_msg_clear(msg);
    tg_column *col;
    tg_status s = column_for_set(g, elem, name, i, TG_STRING, &col, msg);
    if (s != TG_OK) return s;
    char *copy = NULL;
    if (v && !(copy = tg_strdup(v))) return tg_msg(msg, TG_ERR_NOMEM, "graph.set: out of memory");
    tg_free(col->v.s[i]);
    col->v.s[i] = copy;
    g->version++;
    return TG_OK;
}

const double *tg_graph_attr_doubles(const tg_graph *g, tg_elem elem, int col)
{
    if (col < 0 || col >= g->attrs[elem].count) return NULL;
    const tg_column *c = &g->attrs[elem].cols[col];
    return c->type == TG_DOUBLE ? c->v.d : NULL;
}

const int64_t *tg_graph_attr_ints(const tg_graph *g, tg_elem elem, int col)
{
    if (col < 0 || col >= g->attrs[elem].count) return NULL;
    const tg_column *c = &g->attrs[elem].cols[col];
    return c->type == TG_INT ? c->v.i : NULL;
}

const char *const *tg_graph_attr_strings(const tg_graph *g, tg_elem elem, int col)
{
    if (col < 0 || col >= g->attrs[elem].count) return NULL;
    const tg_column *c = &g->attrs[elem].cols[col];
    return c->type == TG_STRING ? (const char *const *)c->v.s : NULL;
}

tg_status tg_graph_attr_numeric(const tg_graph *g, tg_elem elem, const char *name,
                                bool require_finite_nonneg, double *out, char *msg)
{
    tg_msg_clear(msg);
    int c = tg_graph_attr_find(g, elem, name);
    if (c < 0)
        return tg_msg(msg, TG_ERR_ARG, "no %s attribute '%s'", elem_name(elem),
                      name ? name : "(null)");
    const tg_column *col = &g->attrs[elem].cols[c];
    if (col->type == TG_STRING)
        return tg_msg(msg, TG_ERR_TYPE, "%s attribute '%s' is a string, not numeric",
                      elem_name(elem), name);
    int64_t n = elem_count(g, elem);
    for (int64_t i = 0; i < n; i++) {
        double v;
        if (col->type == TG_DOUBLE) v = col->v.d[i];
        else v = col->v.i[i] == TG_INT_MISSING ? NAN : (double)col->v.i[i];
        if (require_finite_nonneg && !(isfinite(v) && v >= 0)) {
            const char *id = elem == TG_NODES ? g->node_ids[i] : tg_graph_edge_id(g, i);
            int64_t a = 0, b = 0;
            if (elem == TG_EDGES) tg_graph_edge_ends(g, i, &a, &b);
            if (elem == TG_NODES || id)
                return tg_msg(msg, TG_ERR_NUMERIC, "%s '%s': attribute '%s' is %s (%g)",
                              elem_name(elem), id, name, isnan(v) ? "missing or NaN" :
                              "negative or infinite", v);
            return tg_msg(msg, TG_ERR_NUMERIC, "edge %lld ('%s' -> '%s'): attribute '%s' is %s (%g)",
                          (long long)i, g->node_ids[a], g->node_ids[b], name,
                          isnan(v) ? "missing or NaN" : "negative or infinite", v);
        }
        out[i] = v;
    }
    return TG_OK;
}

static bool compare(double a, const char *op, double b)
{
    if (strcmp(op, "<") == 0) return a < b;
    if (strcmp(op, "<=") == 0) return a <= b;
    if (strcmp(op, "==") == 0) return a == b;
    if (strcmp(op, "!=") == 0) return a != b;
    if (strcmp(op, ">=") == 0) return a >= b;
    return a > b;
}

tg_status tg_graph_select_nodes(const tg_graph *g, const char *name, const char *op, double value,
                                const char *svalue, int64_t **out, int64_t *n, char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    *n = 0;
    static const char *ops[] = {"<", "<=", "==", "!=", ">=", ">"};
    bool op_ok = false;
    for (size_t k = 0; op && k < sizeof ops / sizeof *ops; k++) op_ok |= strcmp(op, ops[k]) == 0;
    if (!g || !name || !op_ok)
        return tg_msg(msg, TG_ERR_ARG, "graph.select: bad operator '%s' (use < <= == != >= >)",
                      op ? op : "(null)");
    bool by_type = strcmp(name, "type") == 0 || strcmp(name, "id") == 0;
    int c = by_type ? -1 : tg_graph_attr_find(g, TG_NODES, name);
    if (!by_type && c < 0) return tg_msg(msg, TG_ERR_ARG, "graph.select: no node attribute '%s'", name);
    const tg_column *col = c >= 0 ? &g->attrs[TG_NODES].cols[c] : NULL;
    bool strings = by_type || col->type == TG_STRING;
    if (strings && (!svalue || (strcmp(op, "==") != 0 && strcmp(op, "!=") != 0)))
        return tg_msg(msg, TG_ERR_ARG, "graph.select: '%s' is a string: compare with == or != "
                      "and a string value", name);
    int64_t *sel = tg_malloc(sizeof *sel * (size_t)(g->nnodes ? g->nnodes : 1));
    if (!sel) return tg_msg(msg, TG_ERR_NOMEM, "graph.select: out of memory");
    int64_t k = 0;
    bool eq = strcmp(op, "==") == 0;
    for (int64_t v = 0; v < g->nnodes; v++) {
        bool hit;
        if (strings) {
            const char *s = strcmp(name, "type") == 0 ? g->type_names[g->node_type[v]]
                          : strcmp(name, "id") == 0   ? g->node_ids[v] : col->v.s[v];
            hit = s && (strcmp(s, svalue) == 0) == eq;
        } else {
            double x = col->type == TG_DOUBLE ? col->v.d[v]
                     : col->v.i[v] == TG_INT_MISSING ? NAN : (double)col->v.i[v];
            hit = !isnan(x) && compare(x, op, value);
        }
        if (hit) sel[k++] = v;
    }
    *out = sel;
    *n = k;
    return TG_OK;
}
