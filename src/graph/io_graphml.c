/* io_graphml.c: GraphML in and out (libxml2).
 *
 * Reading is defensive (tg_xml_read, src/core/xml.c): no network, no DTD
 * internal subset or entity declaration (billion laughs, XXE are refused
 * while parsing), nesting at most TG_IO_MAX_DEPTH and values at most
 * TG_IO_MAX_VALUE bytes, all checked before the tree is used.  Keys (<key attr.name attr.type for> with <default>)
 * become typed columns; a node key named "type" becomes the node type. */
#include "io_internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#define GML_NS "http://graphml.graphdrawing.org/xmlns"

enum { K_NODE = 0, K_EDGE = 1, K_GRAPH = 2, K_ALL = 3, K_IGNORED = 4 };

typedef struct gml_key {
    const char *id, *name;
    int domain;             /* K_NODE .. K_IGNORED */
    tg_attr_type type;
    bool is_bool;
    bool node_type;         /* the node key named "type" */
    xmlNodePtr def;         /* <default> element or NULL */
    int col[2];             /* column per elem, -1 none */
    long line;
} gml_key;

typedef struct gml_state {
    const char *path;
    xmlDocPtr doc;
    gml_key *keys;
    int nkeys, kcap;
    tg_strmap *kmap;
    tg_graph *g;
} gml_state;

/* ---- tree helpers ------------------------------------------------------ */

static bool is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Borrowed value of attribute name (no namespace), NULL if absent. */
static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && !a->ns) {
            if (!a->children) return "";
            return (const char *)a->children->content;
        }
    return NULL;
}

/* Text of an element: borrowed when it is one text node (the usual case),
 * else an xmlNodeGetContent copy flagged in *owned (xmlFree it). */
static const char *text_of(xmlNodePtr n, xmlChar **owned)
{
    *owned = NULL;
    xmlNodePtr c = n->children;
    if (!c) return "";
    if (!c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE))
        return (const char *)c->content;
    *owned = xmlNodeGetContent(n);
    return *owned ? (const char *)*owned : "";
}

/* ---- values ------------------------------------------------------------ */

static const char *type_word(const gml_key *k)
{
    return k->is_bool ? "boolean" : k->type == TG_INT ? "long" : k->type == TG_DOUBLE ? "double"
                                                                                      : "string";
}

/* Store text as key k's value for element i (column col). */
static tg_status set_value(gml_state *st, const gml_key *k, tg_elem elem, int64_t i,
                           const char *text, long line, char *msg)
{
    tg_column *col = &st->g->attrs[elem].cols[k->col[elem]];
    if (k->type == TG_STRING) {
        char *copy = tg_strdup(text);
        if (!copy) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", st->path);
        tg_free(col->v.s[i]);
        col->v.s[i] = copy;
        return TG_OK;
    }
    size_t n = strlen(text);
    const char *t = text;
    while (n && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++, n--;
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\n' || t[n - 1] == '\r')) n--;
    if (n == 0) {               /* empty: missing */
        if (k->type == TG_INT) col->v.i[i] = TG_INT_MISSING;
        else col->v.d[i] = NAN;
        return TG_OK;
    }
    if (k->is_bool) {
        int b = -1;
        if ((n == 4 && strncasecmp(t, "true", 4) == 0) || (n == 1 && t[0] == '1')) b = 1;
        if ((n == 5 && strncasecmp(t, "false", 5) == 0) || (n == 1 && t[0] == '0')) b = 0;
        if (b < 0)
            return tg_msg(msg, TG_ERR_TYPE, "%s:%ld: key '%s': '%.*s' is not a boolean (true or "
                          "false)", st->path, line, k->id, (int)(n > 60 ? 60 : n), t);
        col->v.i[i] = b;
        return TG_OK;
    }
    int64_t iv = 0;
    double dv = 0;
    tg_num_kind kind = tg_io_i_number(t, n, &iv, &dv);
    int shown = (int)(n > 60 ? 60 : n);
    switch (kind) {
    case TG_NUM_NONE:
        return tg_msg(msg, TG_ERR_TYPE, "%s:%ld: key '%s': '%.*s' is not %s (attr.type %s)",
                      st->path, line, k->id, shown, t,
                      k->type == TG_INT ? "an integer" : "a number", type_word(k));
    case TG_NUM_NAN:
        return tg_msg(msg, TG_ERR_NUMERIC, "%s:%ld: key '%s': NaN is not allowed as a number "
                      "(omit the <data> for a missing value)", st->path, line, k->id);
    case TG_NUM_RANGE:
        return tg_msg(msg, TG_ERR_NUMERIC, "%s:%ld: key '%s': '%.*s' overflows the double range",
                      st->path, line, k->id, shown, t);
    case TG_NUM_INT_RANGE:
        if (k->type == TG_INT)
            return tg_msg(msg, TG_ERR_NUMERIC, "%s:%ld: key '%s': '%.*s' overflows int64",
                          st->path, line, k->id, shown, t);
        break;
    case TG_NUM_DOUBLE:
        if (k->type == TG_INT)
            return tg_msg(msg, TG_ERR_TYPE, "%s:%ld: key '%s': '%.*s' is not an integer "
                          "(attr.type %s)", st->path, line, k->id, shown, t, type_word(k));
        break;
    case TG_NUM_INT:
        break;
    }
    if (k->type == TG_INT) col->v.i[i] = iv;
    else col->v.d[i] = dv;
    return TG_OK;
}

/* ---- keys -------------------------------------------------------------- */

static tg_status read_key(gml_state *st, xmlNodePtr n, char *msg)
{
    long line = xmlGetLineNo(n);
    const char *id = attr(n, "id");
    if (!id || !id[0])
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <key> without an id", st->path, line);
    if (tg_strmap_get(st->kmap, id) >= 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: <key>: duplicate key id '%s'", st->path, line, id);
    if (st->nkeys == st->kcap) {
        int ncap = st->kcap ? 2 * st->kcap : 16;
        gml_key *nk = tg_realloc(st->keys, (size_t)ncap * sizeof *nk);
        if (!nk) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", st->path);
        st->keys = nk;
        st->kcap = ncap;
    }
    gml_key k = {.id = id, .col = {-1, -1}, .line = line, .type = TG_STRING};
    const char *dom = attr(n, "for");
    if (!dom || strcmp(dom, "all") == 0) k.domain = K_ALL;
    else if (strcmp(dom, "node") == 0) k.domain = K_NODE;
    else if (strcmp(dom, "edge") == 0) k.domain = K_EDGE;
    else if (strcmp(dom, "graph") == 0) k.domain = K_GRAPH;
    else k.domain = K_IGNORED;      /* graphml, port, hyperedge, endpoint */
    if (attr(n, "yfiles.type")) k.domain = K_IGNORED;     /* yEd drawing data */
    k.name = attr(n, "attr.name");
    if (!k.name || !k.name[0]) k.name = id;
    const char *ty = attr(n, "attr.type");
    if (!ty || strcmp(ty, "string") == 0) k.type = TG_STRING;
    else if (strcmp(ty, "boolean") == 0) k.type = TG_INT, k.is_bool = true;
    else if (strcmp(ty, "int") == 0 || strcmp(ty, "long") == 0) k.type = TG_INT;
    else if (strcmp(ty, "float") == 0 || strcmp(ty, "double") == 0) k.type = TG_DOUBLE;
    else
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <key id=\"%s\">: unknown attr.type '%s' (use "
                      "boolean, int, long, float, double or string)", st->path, line, id, ty);
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_el(c, "default")) k.def = c;
    bool on_nodes = k.domain == K_NODE || k.domain == K_ALL;
    bool on_edges = k.domain == K_EDGE || k.domain == K_ALL;
    if (on_nodes && strcmp(k.name, "id") == 0)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <key id=\"%s\">: node attribute name 'id' is "
                      "reserved", st->path, line, id);
    tg_status s;
    if (on_nodes) {
        if (strcmp(k.name, "type") == 0) {
            k.node_type = true;
        } else {
            if ((s = tg_graph_attr_add(st->g, TG_NODES, k.name, k.type, msg)) != TG_OK)
                return tg_msg(msg, s, "%s:%ld: <key id=\"%s\">: cannot add node attribute '%s'",
                              st->path, line, id, k.name);
            k.col[TG_NODES] = tg_graph_attr_find(st->g, TG_NODES, k.name);
        }
    }
    if (on_edges) {
        if ((s = tg_graph_attr_add(st->g, TG_EDGES, k.name, k.type, msg)) != TG_OK)
            return tg_msg(msg, s, "%s:%ld: <key id=\"%s\">: cannot add edge attribute '%s'",
                          st->path, line, id, k.name);
        k.col[TG_EDGES] = tg_graph_attr_find(st->g, TG_EDGES, k.name);
    }
    if (tg_strmap_put(st->kmap, id, st->nkeys, NULL) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", st->path);
    st->keys[st->nkeys++] = k;
    return TG_OK;
}

/* The key of a <data> element under an element of kind elem (nodes/edges). */
static tg_status data_key(gml_state *st, xmlNodePtr d, tg_elem elem, const gml_key **out,
                          char *msg)
{
    long line = xmlGetLineNo(d);
    const char *kid = attr(d, "key");
    if (!kid)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <data> without a key", st->path, line);
    int64_t k = tg_strmap_get(st->kmap, kid);
    if (k < 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: <data key=\"%s\">: no <key> with that id",
                      st->path, line, kid);
    const gml_key *key = &st->keys[k];
    *out = NULL;
    if (key->domain == K_IGNORED) return TG_OK;
    if (key->domain != K_ALL && key->domain != (int)elem)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <data key=\"%s\">: the key is for %s, not "
                      "for %s", st->path, line, kid,
                      key->domain == K_NODE ? "nodes" : key->domain == K_EDGE ? "edges" : "graphs",
                      elem == TG_NODES ? "nodes" : "edges");
    *out = key;
    return TG_OK;
}

/* Defaults of every key of elem, then the element's own <data>. */
static tg_status fill_values(gml_state *st, xmlNodePtr n, tg_elem elem, int64_t i, char *msg)
{
    tg_status s = TG_OK;
    xmlChar *owned = NULL;
    for (int k = 0; k < st->nkeys && s == TG_OK; k++) {
        const gml_key *key = &st->keys[k];
        if (key->col[elem] < 0 || !key->def) continue;
        const char *t = text_of(key->def, &owned);
        s = set_value(st, key, elem, i, t, key->line, msg);
        xmlFree(owned);
        owned = NULL;
    }
    for (xmlNodePtr d = n->children; d && s == TG_OK; d = d->next) {
        if (!is_el(d, "data")) continue;
        const gml_key *key;
        if ((s = data_key(st, d, elem, &key, msg)) != TG_OK) break;
        if (!key || key->col[elem] < 0) continue;
        const char *t = text_of(d, &owned);
        s = set_value(st, key, elem, i, t, xmlGetLineNo(d), msg);
        xmlFree(owned);
        owned = NULL;
    }
    return s;
}

/* ---- nodes and edges --------------------------------------------------- */

static tg_status read_node(gml_state *st, xmlNodePtr n, char *msg)
{
    long line = xmlGetLineNo(n);
    const char *id = attr(n, "id");
    if (!id || !id[0])
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <node> without an id", st->path, line);
    if (tg_graph_node_index(st->g, id) >= 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: <node>: duplicate node id '%s'", st->path, line, id);
    /* The type: a <data> with the "type" key, else that key's default. */
    const char *type = NULL;
    xmlChar *owned = NULL, *owned_def = NULL;
    for (int k = 0; k < st->nkeys; k++)
        if (st->keys[k].node_type && st->keys[k].def) {   /* the last such key wins */
            xmlFree(owned_def);
            owned_def = NULL;
            type = text_of(st->keys[k].def, &owned_def);
        }
    tg_status s = TG_OK;
    for (xmlNodePtr c = n->children; c && s == TG_OK; c = c->next) {
        if (is_el(c, "graph"))
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <node id=\"%s\">: nested graphs are not "
                       "supported", st->path, (long)xmlGetLineNo(c), id);
        else if (is_el(c, "port"))
            s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <node id=\"%s\">: ports are not supported",
                       st->path, (long)xmlGetLineNo(c), id);
        else if (is_el(c, "data")) {
            const gml_key *key;
            s = data_key(st, c, TG_NODES, &key, msg);
            if (s == TG_OK && key && key->node_type) {
                xmlFree(owned);
                type = text_of(c, &owned);
            }
        }
    }
    int64_t v = -1;
    if (s == TG_OK && (s = tg_graph_add_node(st->g, id, type, &v, msg)) != TG_OK)
        s = tg_msg(msg, s, "%s:%ld: <node id=\"%s\">: cannot add the node", st->path, line, id);
    xmlFree(owned);
    xmlFree(owned_def);
    if (s != TG_OK) return s;
    return fill_values(st, n, TG_NODES, v, msg);
}

static tg_status read_edge(gml_state *st, xmlNodePtr n, bool file_directed, char *msg)
{
    long line = xmlGetLineNo(n);
    const char *src = attr(n, "source"), *dst = attr(n, "target"), *id = attr(n, "id");
    if (!src || !dst)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <edge> without %s", st->path, line,
                      src ? "a target" : "a source");
    if (attr(n, "sourceport") || attr(n, "targetport"))
        return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <edge>: ports are not supported", st->path, line);
    int64_t a = tg_graph_node_index(st->g, src), b = tg_graph_node_index(st->g, dst);
    if (a < 0 || b < 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: <edge>: %s '%s' is not a node", st->path, line,
                      a < 0 ? "source" : "target", a < 0 ? src : dst);
    const char *dir = attr(n, "directed");
    if (dir) {
        bool d;
        if (strcmp(dir, "true") == 0 || strcmp(dir, "1") == 0) d = true;
        else if (strcmp(dir, "false") == 0 || strcmp(dir, "0") == 0) d = false;
        else
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <edge directed=\"%s\">: not true or false",
                          st->path, line, dir);
        if (d != file_directed)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <edge directed=\"%s\"> disagrees with the "
                          "graph's edgedefault: mixed directed and undirected graphs are not "
                          "supported", st->path, line, dir);
    }
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_el(c, "graph"))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <edge>: nested graphs are not supported",
                          st->path, (long)xmlGetLineNo(c));
    if (id && !id[0]) id = NULL;
    if (id && tg_graph_edge_index(st->g, id) >= 0)
        return tg_msg(msg, TG_ERR_ID, "%s:%ld: <edge>: duplicate edge id '%s'", st->path, line, id);
    int64_t e;
    tg_status s = tg_graph_add_edge(st->g, id, a, b, &e, msg);
    if (s != TG_OK)
        return tg_msg(msg, s, "%s:%ld: <edge>: cannot add the edge", st->path, line);
    return fill_values(st, n, TG_EDGES, e, msg);
}

/* ---- the reader -------------------------------------------------------- */

tg_status tg_io_i_read_graphml(const char *path, const tg_read_opts *o, tg_graph **out, char *msg)
{
    gml_state st;
    memset(&st, 0, sizeof st);
    st.path = path;
    tg_status s = TG_OK;
    *out = NULL;
#define FAIL(x) do { s = (x); goto done; } while (0)

    if ((s = tg_io_i_probe(path, msg)) != TG_OK) return s;

    if ((s = tg_xml_read(path, NULL, 0, TG_IO_MAX_DEPTH, TG_IO_MAX_VALUE, &st.doc, msg)) != TG_OK) goto done;
    xmlNodePtr root = xmlDocGetRootElement(st.doc);
    if (!root) FAIL(tg_msg(msg, TG_ERR_PARSE, "%s: no root element", path));
    if (!is_el(root, "graphml"))
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%ld: root element is <%s>, not <graphml>", path,
                    (long)xmlGetLineNo(root), (const char *)root->name));

    xmlNodePtr graph = NULL;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (is_el(c, "graph") && !graph) graph = c;
    if (!graph) FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <graphml> has no <graph>", path,
                            (long)xmlGetLineNo(root)));
    const char *ed = attr(graph, "edgedefault");
    bool file_directed = true;
    if (ed && strcmp(ed, "undirected") == 0) file_directed = false;
    else if (ed && strcmp(ed, "directed") != 0)
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <graph edgedefault=\"%s\">: not directed or "
                    "undirected", path, (long)xmlGetLineNo(graph), ed));
    bool directed = o->directed >= 0 ? o->directed == 1 : file_directed;
    if ((s = tg_graph_new(&st.g, directed, msg)) != TG_OK) goto done;
    if ((s = tg_strmap_new(&st.kmap, 32)) != TG_OK)
        FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (is_el(c, "key") && (s = read_key(&st, c, msg)) != TG_OK) goto done;
    /* Nodes first: edges may name nodes declared after them. */
    for (xmlNodePtr c = graph->children; c; c = c->next) {
        if (is_el(c, "node")) {
            if ((s = read_node(&st, c, msg)) != TG_OK) goto done;
        } else if (is_el(c, "hyperedge")) {
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <hyperedge>: hyperedges are not supported",
                        path, (long)xmlGetLineNo(c)));
        } else if (is_el(c, "graph")) {
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%ld: nested graphs are not supported", path,
                        (long)xmlGetLineNo(c)));
        }
    }
    for (xmlNodePtr c = graph->children; c; c = c->next)
        if (is_el(c, "edge") && (s = read_edge(&st, c, file_directed, msg)) != TG_OK) goto done;
    *out = st.g;
    st.g = NULL;
done:
    tg_graph_free(&st.g);
    tg_strmap_free(&st.kmap);
    tg_free(st.keys);
    if (st.doc) xmlFreeDoc(st.doc);
    return s;
#undef FAIL
}

/* ---- the writer -------------------------------------------------------- */

/* XML-escaped text; tab, line feed and carriage return as character
 * references so they survive attribute normalisation.  Returns the first
 * byte XML 1.0 cannot carry (other C0 controls), or 0. */
static int put_esc(FILE *f, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *rep = NULL;
        char buf[8];
        if (c == '&') rep = "&amp;";
        else if (c == '<') rep = "&lt;";
        else if (c == '>') rep = "&gt;";
        else if (c == '"') rep = "&quot;";
        else if (c == '\t' || c == '\n' || c == '\r') {
            snprintf(buf, sizeof buf, "&#%d;", c);
            rep = buf;
        } else if (c < 0x20) {
            return c;
        }
        if (rep) {
            fwrite(run, 1, (size_t)(s - run), f);
            fputs(rep, f);
            run = s + 1;
        }
    }
    fwrite(run, 1, (size_t)(s - run), f);
    return 0;
}

static tg_status bad_char(const char *path, const char *what, const char *id, int c, char *msg)
{
    return tg_msg(msg, TG_ERR_ARG, "%s: %s '%s' holds control character 0x%02x, which XML 1.0 "
                  "cannot carry", path, what, id, c);
}

/* <data> for each non-missing value of element i. */
static tg_status put_data(FILE *f, const tg_graph *g, tg_elem elem, int64_t i, const char *path,
                          char *msg)
{
    const tg_columns *cs = &g->attrs[elem];
    char num[40];
    for (int c = 0; c < cs->count; c++) {
        const tg_column *col = &cs->cols[c];
        if (col->type == TG_DOUBLE) {
            if (isnan(col->v.d[i])) continue;
            tg_io_i_format_double(col->v.d[i], false, num);
        } else if (col->type == TG_INT) {
            if (col->v.i[i] == TG_INT_MISSING) continue;
            snprintf(num, sizeof num, "%lld", (long long)col->v.i[i]);
        } else if (!col->v.s[i]) {
            continue;
        }
        fprintf(f, "      <data key=\"%c%d\">", elem == TG_NODES ? 'n' : 'e', c);
        if (col->type == TG_STRING) {
            int bad = put_esc(f, col->v.s[i]);
            if (bad) return bad_char(path, "string value of attribute", col->name, bad, msg);
        } else {
            fputs(num, f);
        }
        fputs("</data>\n", f);
    }
    return TG_OK;
}

tg_status tg_io_i_write_graphml(const tg_graph *g, FILE *f, const char *path, char *msg)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"" GML_NS "\"\n"
          "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "    xsi:schemaLocation=\"" GML_NS " " GML_NS "/1.0/graphml.xsd\">\n", f);
    bool types = false;
    for (int64_t v = 0; v < g->nnodes && !types; v++) types = g->node_type[v] != 0;
    if (types)
        fputs("  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n", f);
    for (int e = 0; e < 2; e++) {
        const tg_columns *cs = &g->attrs[e];
        for (int c = 0; c < cs->count; c++) {
            const tg_column *col = &cs->cols[c];
            fprintf(f, "  <key id=\"%c%d\" for=\"%s\" attr.name=\"", e == TG_NODES ? 'n' : 'e', c,
                    e == TG_NODES ? "node" : "edge");
            int bad = put_esc(f, col->name);
            if (bad) return bad_char(path, "attribute name", col->name, bad, msg);
            fprintf(f, "\" attr.type=\"%s\"/>\n", col->type == TG_DOUBLE ? "double"
                                                  : col->type == TG_INT ? "long" : "string");
        }
    }
    fprintf(f, "  <graph id=\"G\" edgedefault=\"%s\">\n", g->directed ? "directed" : "undirected");
    tg_status s;
    for (int64_t v = 0; v < g->nnodes; v++) {
        fputs("    <node id=\"", f);
        int bad = put_esc(f, g->node_ids[v]);
        if (bad) return bad_char(path, "node id", g->node_ids[v], bad, msg);
        fputs("\">\n", f);
        if (g->node_type[v]) {
            fputs("      <data key=\"type\">", f);
            bad = put_esc(f, g->type_names[g->node_type[v]]);
            if (bad) return bad_char(path, "type of node", g->node_ids[v], bad, msg);
            fputs("</data>\n", f);
        }
        if ((s = put_data(f, g, TG_NODES, v, path, msg)) != TG_OK) return s;
        fputs("    </node>\n", f);
    }
    for (int64_t e = 0; e < g->nedges; e++) {
        const char *id = g->edge_ids ? g->edge_ids[e] : NULL;
        fputs("    <edge", f);
        if (id) {
            fputs(" id=\"", f);
            int bad = put_esc(f, id);
            if (bad) return bad_char(path, "edge id", id, bad, msg);
            fputc('"', f);
        }
        fputs(" source=\"", f);
        put_esc(f, g->node_ids[g->ends[2 * e]]);
        fputs("\" target=\"", f);
        put_esc(f, g->node_ids[g->ends[2 * e + 1]]);
        fputs("\">\n", f);
        if ((s = put_data(f, g, TG_EDGES, e, path, msg)) != TG_OK) return s;
        fputs("    </edge>\n", f);
    }
    fputs("  </graph>\n</graphml>\n", f);
    return TG_OK;
}
