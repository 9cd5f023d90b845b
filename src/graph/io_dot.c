/* io_dot.c: the Graphviz DOT writer (no reader: DOT is for pictures).
 * Every id, attribute name and value is written as a quoted string, so any
 * text is safe; the node type becomes the node attribute "type" and an
 * edge id the edge attribute "id". */
#include "io_internal.h"

#include <math.h>

/* A DOT quoted string: backslash and quote escaped, line breaks as \n. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            fputc(*s, f);
        } else if (*s == '\n') {
            fputs("\\n", f);
        } else if (*s == '\r') {
            fputs("\\r", f);
        } else {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

/* " [name=value, ...]" for element i: type/id first, missing values skipped. */
static void put_attrs(FILE *f, const tg_graph *g, tg_elem elem, int64_t i)
{
    const tg_columns *cs = &g->attrs[elem];
    bool open = false;
    char num[40];
    const char *first_name = elem == TG_NODES ? "type" : "id";
    const char *first = elem == TG_NODES ? g->type_names[g->node_type[i]]
                                         : (g->edge_ids ? g->edge_ids[i] : NULL);
    if (first && first[0]) {
        fputs(" [", f);
        put_quoted(f, first_name);
        fputc('=', f);
        put_quoted(f, first);
        open = true;
    }
    for (int c = 0; c < cs->count; c++) {
        const tg_column *col = &cs->cols[c];
        const char *v = NULL;
        if (col->type == TG_DOUBLE) {
            if (isnan(col->v.d[i])) continue;
            tg_io_i_format_double(col->v.d[i], false, num);
            v = num;
        } else if (col->type == TG_INT) {
            if (col->v.i[i] == TG_INT_MISSING) continue;
            snprintf(num, sizeof num, "%lld", (long long)col->v.i[i]);
            v = num;
        } else {
            v = col->v.s[i];
            if (!v) continue;
        }
        fputs(open ? ", " : " [", f);
        open = true;
        put_quoted(f, col->name);
        fputc('=', f);
        put_quoted(f, v);
    }
    if (open) fputc(']', f);
}

tg_status tg_io_i_write_dot(const tg_graph *g, FILE *f, const char *path, char *msg)
{
    (void)path;
    (void)msg;
    fputs(g->directed ? "digraph G {\n" : "graph G {\n", f);
    for (int64_t v = 0; v < g->nnodes; v++) {
        fputs("  ", f);
        put_quoted(f, g->node_ids[v]);
        put_attrs(f, g, TG_NODES, v);
        fputs(";\n", f);
    }
    const char *arrow = g->directed ? " -> " : " -- ";
    for (int64_t e = 0; e < g->nedges; e++) {
        fputs("  ", f);
        put_quoted(f, g->node_ids[g->ends[2 * e]]);
        fputs(arrow, f);
        put_quoted(f, g->node_ids[g->ends[2 * e + 1]]);
        put_attrs(f, g, TG_EDGES, e);
        fputs(";\n", f);
    }
    fputs("}\n", f);
    return TG_OK;
}
