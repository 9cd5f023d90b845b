/* io_csv.c: CSV edge lists (read and write) and square CSV/TSV matrices
 * (read), the formats of spreadsheets, pandas and connectome toolboxes.
 *
 * Speed matters for edge lists (millions of edges): the file is read into
 * one buffer and parsed in place (fields are NUL-terminated where they lie,
 * quoted ones unescaped in place), names are looked up in the graph's own
 * id map, edge ends go to one array added with a single
 * tg_graph_add_edges, and attribute columns are filled in bulk.  Types are
 * inferred in the same pass: a column holds ints until a non-integer number
 * appears (the ints so far are then converted once) and numbers until a
 * non-number appears (it then becomes a string column, from the cell
 * pointers kept into the buffer).  Matrices may be gzip-compressed (a path
 * ending in ".gz"): connectomes of several hundred regions are shipped so. */
#include "io_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* ======================================================================
 * Record tokenizer (RFC 4180)
 * ====================================================================== */

typedef struct csv_field {
    char *p;            /* NUL-terminated in the buffer */
    size_t n;
    bool quoted;
} csv_field;

typedef struct csv_reader {
    const char *path;
    char *pos, *end;    /* *end == '\0' (sentinel) */
    int64_t line;       /* line number at pos, 1-based */
    int64_t rec_line;   /* line where the last record started */
    char delim;
    csv_field *f;
    size_t nf, fcap;
} csv_reader;

/* Read the next non-blank record into r->f.  Returns 1 with a record, 0 at
 * the end of the file, or a negative tg_status with msg set. */
static int csv_next(csv_reader *r, char *msg)
{
    for (;;) {
        if (r->pos >= r->end) return 0;
        r->rec_line = r->line;
        r->nf = 0;
        char *q = r->pos;
        const char d = r->delim;
        for (;;) {
            if (r->nf == r->fcap) {
                void *p = r->f;
                if (tg_grow(&p, &r->fcap, r->nf + 1, sizeof *r->f) != TG_OK)
                    return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", r->path);
                r->f = p;
            }
            csv_field *fl = &r->f[r->nf++];
            char c;
            if (*q == '"') {
                /* Quoted: unescape "" in place; newlines may occur inside. */
                char *w = ++q;
                fl->p = w;
                fl->quoted = true;
                for (;;) {
                    if (q >= r->end)
                        return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: unterminated quoted field "
                                      "(file truncated?)", r->path, (long long)r->rec_line);
                    c = *q;
                    if (c == '"') {
                        if (q[1] == '"') {
                            *w++ = '"';
                            q += 2;
                            continue;
                        }
                        q++;
                        break;
                    }
                    if (c == '\n') r->line++;
                    *w++ = c;
                    q++;
                }
                fl->n = (size_t)(w - fl->p);
                c = *q;
                if (!(c == d || c == '\n' || c == '\r' || q >= r->end))
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: unexpected character '%c' after "
                                  "a closing quote", r->path, (long long)r->line, c);
                *w = '\0';      /* w <= q: the terminator is already read into c */
            } else {
                fl->p = q;
                fl->quoted = false;
                while ((c = *q) != d && c != '\n' && c != '\r' && c != '\0') q++;
                if (c == '\0' && q < r->end)
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: NUL byte in the file", r->path,
                                  (long long)r->line);
                fl->n = (size_t)(q - fl->p);
                *q = '\0';
            }
            /* c is the terminator that followed the field. */
            if (q >= r->end) {
                r->pos = q;
                break;
            }
            q++;
            if (c == d) continue;
            if (c == '\r' && *q == '\n') q++;
            r->line++;
            r->pos = q;
            break;
        }
        if (r->nf == 1 && r->f[0].n == 0 && !r->f[0].quoted) continue;    /* blank line */
        return 1;
    }
}

/* The delimiter of the first line: the most frequent of ',', tab and ';'
 * outside quotes (',' on ties or when none occurs). */
static char detect_delim(const char *p, const char *end)
{
    size_t comma = 0, tab = 0, semi = 0;
    bool inq = false;
    for (; p < end && (inq || (*p != '\n' && *p != '\r')); p++) {
        if (*p == '"') inq = !inq;
        else if (!inq) {
            comma += *p == ',';
            tab += *p == '\t';
            semi += *p == ';';
        }
    }
    if (tab > comma && tab >= semi) return '\t';
    if (semi > comma && semi > tab) return ';';
    return ',';
}

static char *skip_bom(char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        return p + 3;
    return p;
}

static void trim(char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t')) (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t')) (*n)--;
    (*p)[*n] = '\0';
}

/* ======================================================================
 * Edge-list reader
 * ====================================================================== */

typedef union cell_val { double d; int64_t i; } cell_val;

typedef struct csv_col {
    const char *name;
    int field;              /* index in the record */
    tg_attr_type type;      /* inferred so far: INT -> DOUBLE -> STRING */
    bool any_double;        /* a non-integer number was seen */
    int64_t nan_line, range_line, intrange_line;   /* first offending line, 0 none */
    const char **cell;      /* per edge: text in the buffer, NULL when empty */
    cell_val *val;          /* per edge, while numeric */
} csv_col;

typedef struct csv_state {
    char *buf;
    size_t len;
    csv_reader r;
    csv_col *cols;
    int ncols;
    int64_t *ends;
    size_t ends_cap;
    const char **ids;
    size_t ids_cap;
    tg_strmap *idmap;
    tg_graph *g;
} csv_state;

static void csv_state_free(csv_state *st)
{
    for (int c = 0; c < st->ncols; c++) {
        tg_free(st->cols[c].cell);
        tg_free(st->cols[c].val);
    }
    tg_free(st->cols);
    tg_free(st->ends);
    tg_free(st->ids);
    tg_free(st->r.f);
    tg_strmap_free(&st->idmap);
    tg_free(st->buf);
    tg_graph_free(&st->g);
}

/* Node index of the name in field f, adding the node on first sight. */
static tg_status node_of(csv_state *st, const csv_field *f, const char *what, int64_t *v,
                         char *msg)
{
    if (f->n == 0)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: edge %s '' is empty", st->r.path,
                      (long long)st->r.rec_line, what);
    int64_t k = tg_strmap_getn(st->g->node_map, f->p, f->n);
    if (k >= 0) {
        *v = k;
        return TG_OK;
    }
    if (memchr(f->p, '\0', f->n))
        return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: NUL byte in edge %s", st->r.path,
                      (long long)st->r.rec_line, what);
    tg_status s = tg_graph_add_node(st->g, f->p, NULL, v, msg);
    if (s != TG_OK)
        return tg_msg(msg, s, "%s:%lld: cannot add node '%s'", st->r.path,
                      (long long)st->r.rec_line, f->p);
    return TG_OK;
}

/* Record one attribute cell of edge e, refining the column's type. */
static void take_cell(csv_col *col, int64_t e, const csv_field *f, int64_t line)
{
    if (f->n == 0 && !f->quoted) {
        col->cell[e] = NULL;
        return;
    }
    col->cell[e] = f->p;
    if (col->type == TG_STRING) return;
    int64_t iv = 0;
    double dv = 0;
    tg_num_kind k = f->quoted && f->n == 0 ? TG_NUM_NONE : tg_io_i_number(f->p, f->n, &iv, &dv);
    switch (k) {
    case TG_NUM_INT:
        if (col->type == TG_INT) col->val[e].i = iv;
        else col->val[e].d = dv;
        return;
    case TG_NUM_NONE:
        col->type = TG_STRING;
        return;
    case TG_NUM_NAN:
        if (!col->nan_line) col->nan_line = line;
        break;
    case TG_NUM_RANGE:
        if (!col->range_line) col->range_line = line;
        break;
    case TG_NUM_INT_RANGE:
        if (!col->intrange_line) col->intrange_line = line;
        break;
    case TG_NUM_DOUBLE:
        col->any_double = true;
        break;
    }
    if (col->type == TG_INT) {
        /* First non-int number: turn the ints so far into doubles, once. */
        for (int64_t j = 0; j < e; j++)
            if (col->cell[j]) col->val[j].d = (double)col->val[j].i;
        col->type = TG_DOUBLE;
    }
    col->val[e].d = dv;
}

static bool name_is(const char *s, const char *a) { return strcasecmp(s, a) == 0; }

tg_status tg_io_i_read_csv(const char *path, const tg_read_opts *o, tg_graph **out, char *msg)
{
    csv_state st;
    memset(&st, 0, sizeof st);
    tg_status s = TG_OK;
    *out = NULL;
#define FAIL(x) do { s = (x); goto done; } while (0)

    if ((s = tg_io_i_slurp(path, &st.buf, &st.len, msg)) != TG_OK) goto done;
    st.r.path = path;
    st.r.pos = skip_bom(st.buf, st.buf + st.len);
    st.r.end = st.buf + st.len;
    st.r.line = 1;
    st.r.delim = o->delimiter ? o->delimiter : detect_delim(st.r.pos, st.r.end);
    if ((s = tg_graph_new(&st.g, o->directed == 1, msg)) != TG_OK) goto done;

    /* Header. */
    int rc = csv_next(&st.r, msg);
    if (rc < 0) FAIL((tg_status)rc);
    if (rc == 0)
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:1: file is empty (a header line "
                    "source,target[,attr...] is required)", path));
    int nf = (int)st.r.nf;
    int64_t hline = st.r.rec_line;
    if (nf < 2)
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: header has 1 column; need at least source "
                    "and target (delimiter '%s')", path, (long long)hline,
                    st.r.delim == '\t' ? "\\t" : (char[]){st.r.delim, 0}));
    int src = -1, dst = -1, idc = -1;
    for (int k = 0; k < nf; k++) {
        csv_field *f = &st.r.f[k];
        trim(&f->p, &f->n);
        if (f->n == 0)
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: header column %d has an empty name", path,
                        (long long)hline, k + 1));
    }
    for (int k = 0; k < nf; k++) {
        if (name_is(st.r.f[k].p, "source") && src < 0) src = k;
        if (name_is(st.r.f[k].p, "target") && dst < 0) dst = k;
    }
    if (src < 0 || dst < 0) {
        src = dst = -1;
        for (int k = 0; k < nf; k++) {
            if (name_is(st.r.f[k].p, "from") && src < 0) src = k;
            if (name_is(st.r.f[k].p, "to") && dst < 0) dst = k;
        }
    }
    if (src < 0 || dst < 0) {
        src = 0;
        dst = 1;
    }
    st.cols = tg_calloc((size_t)nf, sizeof *st.cols);
    if (!st.cols) FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
    for (int k = 0; k < nf; k++) {
        if (k == src || k == dst) continue;
        const char *name = st.r.f[k].p;
        if (name_is(name, "id") && idc < 0) {
            idc = k;
            continue;
        }
        for (int c = 0; c < st.ncols; c++)
            if (strcmp(st.cols[c].name, name) == 0)
                FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: duplicate column name '%s'", path,
                            (long long)hline, name));
        csv_col *col = &st.cols[st.ncols++];
        col->name = name;
        col->field = k;
        col->type = TG_INT;
    }
    if (idc >= 0 && (s = tg_strmap_new(&st.idmap, 1024)) != TG_OK)
        FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));

    /* Rows: one pass creates nodes in order of first sight and collects
     * edge ends, ids and attribute cells. */
    int64_t ne = 0;
    size_t acap = 0;        /* capacity of the per-column arrays */
    for (;;) {
        rc = csv_next(&st.r, msg);
        if (rc < 0) FAIL((tg_status)rc);
        if (rc == 0) break;
        int64_t line = st.r.rec_line;
        if ((int)st.r.nf != nf)
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: expected %d fields (as the header), found "
                        "%zu", path, (long long)line, nf, st.r.nf));
        if ((size_t)ne == acap) {
            size_t ncap = acap ? 2 * acap : 4096;
            for (int c = 0; c < st.ncols; c++) {
                void *p = tg_realloc(st.cols[c].cell, ncap * sizeof(char *));
                if (!p) FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
                st.cols[c].cell = p;
                p = tg_realloc(st.cols[c].val, ncap * sizeof(cell_val));
                if (!p) FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
                st.cols[c].val = p;
            }
            acap = ncap;
        }
        void *p = st.ends;
        if (tg_grow(&p, &st.ends_cap, 2 * (size_t)(ne + 1), sizeof *st.ends) != TG_OK)
            FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
        st.ends = p;
        if ((s = node_of(&st, &st.r.f[src], "source", &st.ends[2 * ne], msg)) != TG_OK ||
            (s = node_of(&st, &st.r.f[dst], "target", &st.ends[2 * ne + 1], msg)) != TG_OK)
            goto done;
        if (idc >= 0) {
            p = st.ids;
            if (tg_grow(&p, &st.ids_cap, (size_t)ne + 1, sizeof *st.ids) != TG_OK)
                FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
            st.ids = p;
            csv_field *f = &st.r.f[idc];
            st.ids[ne] = f->n ? f->p : NULL;
            if (f->n) {
                int64_t first = 0;
                tg_status ps = tg_strmap_put(st.idmap, f->p, line, &first);
                if (ps == TG_ERR_ID)
                    FAIL(tg_msg(msg, TG_ERR_ID, "%s:%lld: duplicate edge id '%s' (first on line "
                                "%lld)", path, (long long)line, f->p, (long long)first));
                if (ps != TG_OK) FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
            }
        }
        for (int c = 0; c < st.ncols; c++)
            take_cell(&st.cols[c], ne, &st.r.f[st.cols[c].field], line);
        ne++;
    }

    /* Types: numeric columns must be clean. */
    for (int c = 0; c < st.ncols; c++) {
        csv_col *col = &st.cols[c];
        if (col->type == TG_STRING) continue;
        if (col->nan_line)
            FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column '%s': NaN is not allowed in a "
                        "numeric column (leave the cell empty for a missing value)", path,
                        (long long)col->nan_line, col->name));
        if (col->range_line)
            FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column '%s': number overflows the "
                        "double range", path, (long long)col->range_line, col->name));
        if (col->intrange_line && !col->any_double)
            FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column '%s': integer overflows int64",
                        path, (long long)col->intrange_line, col->name));
        if (col->type == TG_INT && ne > 0) {
            bool any = false;
            for (int64_t e = 0; e < ne && !any; e++) any = col->cell[e] != NULL;
            if (!any) col->type = TG_DOUBLE;    /* all empty: doubles, all missing */
        }
    }

    /* Build: edges in one call (or one by one when some have ids). */
    tg_graph *g = st.g;
    if (idc < 0) {
        if ((s = tg_graph_add_edges(g, ne, st.ends, msg)) != TG_OK) goto done;
    } else {
        for (int64_t e = 0; e < ne; e++)
            if ((s = tg_graph_add_edge(g, st.ids[e], st.ends[2 * e], st.ends[2 * e + 1], NULL,
                                       msg)) != TG_OK)
                goto done;
    }
    for (int c = 0; c < st.ncols; c++) {
        csv_col *cc = &st.cols[c];
        if ((s = tg_graph_attr_add(g, TG_EDGES, cc->name, cc->type, msg)) != TG_OK) goto done;
        tg_column *col = &g->attrs[TG_EDGES].cols[g->attrs[TG_EDGES].count - 1];
        for (int64_t e = 0; e < ne; e++) {
            const char *t = cc->cell[e];
            if (cc->type == TG_DOUBLE) col->v.d[e] = t ? cc->val[e].d : NAN;
            else if (cc->type == TG_INT) col->v.i[e] = t ? cc->val[e].i : TG_INT_MISSING;
            else if (t && !(col->v.s[e] = tg_strdup(t)))
                FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
        }
    }
    tg_graph_i_changed(g);
    *out = st.g;
    st.g = NULL;
done:
    csv_state_free(&st);
    return s;
#undef FAIL
}

/* ======================================================================
 * Edge-list writer
 * ====================================================================== */

/* One field, quoted when it holds the delimiter, a quote, a line break or
 * blanks at either end, or is an empty (non-missing) string. */
static void put_field(FILE *f, const char *s)
{
    size_t n = strlen(s);
    bool q = n == 0 || strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' ||
             s[n - 1] == ' ' || s[n - 1] == '\t';
    if (!q) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

tg_status tg_io_i_write_csv(const tg_graph *g, FILE *f, const char *path, char *msg)
{
    const tg_columns *cs = &g->attrs[TG_EDGES];
    static const char *reserved[] = {"source", "target", "from", "to", "id"};
    for (int c = 0; c < cs->count; c++)
        for (size_t k = 0; k < sizeof reserved / sizeof *reserved; k++)
            if (strcasecmp(cs->cols[c].name, reserved[k]) == 0)
                return tg_msg(msg, TG_ERR_ARG, "%s: edge attribute '%s' clashes with the CSV "
                              "column '%s'; rename it", path, cs->cols[c].name, reserved[k]);
    bool ids = false;
    for (int64_t e = 0; g->edge_ids && e < g->nedges && !ids; e++) ids = g->edge_ids[e] != NULL;
    fputs(ids ? "source,target,id" : "source,target", f);
    for (int c = 0; c < cs->count; c++) {
        fputc(',', f);
        put_field(f, cs->cols[c].name);
    }
    fputc('\n', f);
    char num[40];
    for (int64_t e = 0; e < g->nedges; e++) {
        put_field(f, g->node_ids[g->ends[2 * e]]);
        fputc(',', f);
        put_field(f, g->node_ids[g->ends[2 * e + 1]]);
        if (ids) {
            fputc(',', f);
            if (g->edge_ids[e]) put_field(f, g->edge_ids[e]);
        }
        for (int c = 0; c < cs->count; c++) {
            const tg_column *col = &cs->cols[c];
            fputc(',', f);
            if (col->type == TG_DOUBLE) {
                if (isnan(col->v.d[e])) continue;
                tg_io_i_format_double(col->v.d[e], true, num);
                fputs(num, f);
            } else if (col->type == TG_INT) {
                if (col->v.i[e] != TG_INT_MISSING) fprintf(f, "%lld", (long long)col->v.i[e]);
            } else if (col->v.s[e]) {
                put_field(f, col->v.s[e]);
            }
        }
        fputc('\n', f);
    }
    return TG_OK;
}

/* ======================================================================
 * Matrix reader
 * ====================================================================== */

typedef struct mat_state {
    char *buf, *lbuf;
    size_t len, llen;
    double *a;
    size_t acap;
    const char **labels;
    char **cells;
    size_t ccap;
    int64_t *ends;
    double *w;
    tg_strmap *lmap;
    tg_graph *g;
} mat_state;

static void mat_state_free(mat_state *st)
{
    tg_free(st->buf);
    tg_free(st->lbuf);
    tg_free(st->a);
    tg_free(st->labels);
    tg_free(st->cells);
    tg_free(st->ends);
    tg_free(st->w);
    tg_strmap_free(&st->lmap);
    tg_graph_free(&st->g);
}

/* Split the line [p, e) (already NUL-terminated at e) into cells, in place.
 * delim ' ' means runs of blanks. */
static tg_status split_line(mat_state *st, char *p, char *e, char delim, size_t *n,
                            const char *path)
{
    (void)path;
    *n = 0;
    if (delim == ' ') {
        while (p < e) {
            while (p < e && (*p == ' ' || *p == '\t')) p++;
            if (p >= e) break;
            char *s = p;
            while (p < e && *p != ' ' && *p != '\t') p++;
            *p = '\0';
            void *q = st->cells;
            if (tg_grow(&q, &st->ccap, *n + 1, sizeof *st->cells) != TG_OK) return TG_ERR_NOMEM;
            st->cells = q;
            st->cells[(*n)++] = s;
            p++;
        }
        return TG_OK;
    }
    for (;;) {
        char *s = p;
        while (p < e && *p != delim) p++;
        *p = '\0';
        size_t len = (size_t)(p - s);
        trim(&s, &len);
        void *q = st->cells;
        if (tg_grow(&q, &st->ccap, *n + 1, sizeof *st->cells) != TG_OK) return TG_ERR_NOMEM;
        st->cells = q;
        st->cells[(*n)++] = s;
        if (p >= e) break;
        p++;
    }
    return TG_OK;
}

/* Check labels (unique, non-empty) and remember them. */
static tg_status put_label(mat_state *st, const char *lab, const char *where, int64_t line,
                           int64_t k, char *msg)
{
    if (!lab[0])
        return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: label %lld is empty", where, (long long)line,
                      (long long)k + 1);
    int64_t first = 0;
    tg_status s = tg_strmap_put(st->lmap, lab, line, &first);
    if (s == TG_ERR_ID)
        return tg_msg(msg, TG_ERR_ID, "%s:%lld: duplicate label '%s' (first on line %lld)",
                      where, (long long)line, lab, (long long)first);
    if (s != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", where);
    st->labels[k] = lab;
    return TG_OK;
}

/* End the line starting at p (before end) in place: NUL at its end, a
 * trailing CR dropped.  Returns the line's end; *next the next line. */
static char *cut_line(char *p, char *end, char **next)
{
    char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    *next = e + 1;
    if (e > p && e[-1] == '\r') e--;
    *e = '\0';
    return e;
}

static tg_status read_labels(mat_state *st, const char *lpath, int64_t n, char *msg)
{
    tg_status s = tg_io_i_slurp(lpath, &st->lbuf, &st->llen, msg);
    if (s != TG_OK) return s;
    char *p = skip_bom(st->lbuf, st->lbuf + st->llen), *end = st->lbuf + st->llen;
    int64_t k = 0, line = 0;
    tg_strmap_clear(st->lmap);
    while (p < end) {
        line++;
        char *next, *q = cut_line(p, end, &next);
        if (k >= n)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: more labels than the %lld matrix rows",
                          lpath, (long long)line, (long long)n);
        if (strlen(p) != (size_t)(q - p))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: NUL byte in label", lpath, (long long)line);
        if ((s = put_label(st, p, lpath, line, k, msg)) != TG_OK) return s;
        k++;
        p = next;
    }
    if (k != n)
        return tg_msg(msg, TG_ERR_PARSE, "%s:%lld: %lld labels for a %lld x %lld matrix (one "
                      "label a line is needed)", lpath, (long long)line, (long long)k,
                      (long long)n, (long long)n);
    return TG_OK;
}

/* The decompressed contents of a gzip file into a tg_malloc'd buffer with
 * a NUL after them (as tg_io_i_slurp).  zlib reads a file that is not
 * gzip as it is; a damaged or truncated stream is an error. */
static tg_status slurp_gz(const char *path, char **buf, size_t *len, char *msg)
{
    *buf = NULL;
    *len = 0;
    errno = 0;
    gzFile z = gzopen(path, "rb");
    if (!z) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
    size_t cap = 0, n = 0;
    char *b = NULL;
    tg_status s = TG_OK;
    for (;;) {
        if (cap - n < 65536 + 1) {
            void *q = b;
            if (tg_grow(&q, &cap, n + 65536 + 1, 1) != TG_OK) {
                s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory decompressing", path);
                break;
            }
            b = q;
        }
        size_t want = cap - n - 1 < (size_t)INT_MAX ? cap - n - 1 : (size_t)INT_MAX;
        int got = gzread(z, b + n, (unsigned)want);
        int e = Z_OK;
        const char *why = got <= 0 ? gzerror(z, &e) : "";
        if (got < 0 || (e != Z_OK && e != Z_STREAM_END)) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: corrupt or truncated gzip data (%s)", path, why);
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(z);
    if (s != TG_OK) {
        tg_free(b);
        return s;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return TG_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

tg_status tg_io_i_read_matrix(const char *path, const tg_read_opts *o, tg_graph **out, char *msg)
{
    mat_state st;
    memset(&st, 0, sizeof st);
    tg_status s;
    *out = NULL;
#define FAIL(x) do { s = (x); goto done; } while (0)
    s = ends_with(path, ".gz") ? slurp_gz(path, &st.buf, &st.len, msg) : tg_io_i_slurp(path, &st.buf, &st.len, msg);
    if (s != TG_OK) goto done;
    if ((s = tg_strmap_new(&st.lmap, 64)) != TG_OK)
        FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
    char *p = skip_bom(st.buf, st.buf + st.len), *end = st.buf + st.len;
    char delim = o->delimiter;
    int64_t n = -1, rows = 0, line = 0;
    bool header = false;
    while (p < end) {
        line++;
        char *next, *q = cut_line(p, end, &next);
        if (strlen(p) != (size_t)(q - p))
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: NUL byte in the file", path, (long long)line));
        bool blank = true;
        for (char *t = p; t < q && blank; t++) blank = *t == ' ' || *t == '\t';
        if (blank) {
            p = next;
            continue;
        }
        if (!delim) delim = strchr(p, ',') ? ',' : strchr(p, '\t') ? '\t' : strchr(p, ';') ? ';' : ' ';
        size_t nc;
        if (split_line(&st, p, q, delim, &nc, path) != TG_OK)
            FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
        p = next;
        if (n < 0) {
            /* First line: a header of labels if any cell is not a number. */
            n = (int64_t)nc;
            st.labels = tg_calloc((size_t)n, sizeof *st.labels);
            if ((size_t)n > SIZE_MAX / sizeof(double) / (size_t)n ||
                !(st.a = tg_malloc((size_t)n * (size_t)n * sizeof(double))) || !st.labels)
                FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory for a %lld x %lld matrix",
                            path, (long long)n, (long long)n));
            int64_t iv;
            double dv;
            for (size_t c = 0; c < nc && !header; c++)
                header = tg_io_i_number(st.cells[c], strlen(st.cells[c]), &iv, &dv) == TG_NUM_NONE
                         && !(st.cells[c][0] == '\0');
            if (header) {
                for (size_t c = 0; c < nc; c++)
                    if ((s = put_label(&st, st.cells[c], path, line, (int64_t)c, msg)) != TG_OK)
                        goto done;
                continue;
            }
        }
        if ((int64_t)nc != n)
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: expected %lld values (as the first line), "
                        "found %zu", path, (long long)line, (long long)n, nc));
        if (rows >= n)
            FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: matrix is not square: more than %lld rows "
                        "of %lld values", path, (long long)line, (long long)n, (long long)n));
        for (size_t c = 0; c < nc; c++) {
            const char *t = st.cells[c];
            int64_t iv;
            double dv = 0;
            tg_num_kind k = tg_io_i_number(t, strlen(t), &iv, &dv);
            if (k == TG_NUM_NONE)
                FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: column %zu: '%s' is not a number",
                            path, (long long)line, c + 1, t));
            if (k == TG_NUM_NAN)
                FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column %zu: NaN is not allowed",
                            path, (long long)line, c + 1));
            if (k == TG_NUM_RANGE)
                FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column %zu: '%s' overflows the "
                            "double range", path, (long long)line, c + 1, t));
            /* "inf" would become an edge weight that every matrix measure
             * refuses later, without naming the file: refuse it here. */
            if (k == TG_NUM_DOUBLE && isinf(dv))
                FAIL(tg_msg(msg, TG_ERR_NUMERIC, "%s:%lld: column %zu: '%s' is infinite (matrix "
                            "entries must be finite)", path, (long long)line, c + 1, t));
            st.a[rows * n + (int64_t)c] = dv;
        }
        rows++;
    }
    if (n < 0) FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:1: file is empty (no matrix rows)", path));
    if (rows != n)
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s:%lld: matrix is not square: %lld columns but %lld "
                    "rows (file truncated?)", path, (long long)line, (long long)n,
                    (long long)rows));
    if (o->labels && (s = read_labels(&st, o->labels, n, msg)) != TG_OK) goto done;

    /* Direction: symmetric within 1e-12 of the largest magnitude. */
    double amax = 0;
    for (int64_t k = 0; k < n * n; k++)
        if (fabs(st.a[k]) > amax) amax = fabs(st.a[k]);
    bool sym = true;
    for (int64_t i = 0; i < n && sym; i++)
        for (int64_t j = i + 1; j < n && sym; j++)
            sym = fabs(st.a[i * n + j] - st.a[j * n + i]) <= 1e-12 * amax;
    bool directed = o->directed == 1 || (o->directed == -1 && !sym);

    if ((s = tg_graph_new(&st.g, directed, msg)) != TG_OK) goto done;
    for (int64_t i = 0; i < n; i++) {
        char num[24];
        const char *id = st.labels[i];
        if (!id) {
            snprintf(num, sizeof num, "%lld", (long long)i + 1);
            id = num;
        }
        if ((s = tg_graph_add_node(st.g, id, NULL, NULL, msg)) != TG_OK) goto done;
    }
    int64_t ne = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = directed ? 0 : i + 1; j < n; j++)
            ne += i != j && st.a[i * n + j] != 0;
    st.ends = tg_malloc(sizeof *st.ends * 2 * (size_t)(ne ? ne : 1));
    st.w = tg_malloc(sizeof *st.w * (size_t)(ne ? ne : 1));
    if (!st.ends || !st.w) FAIL(tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path));
    int64_t e = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = directed ? 0 : i + 1; j < n; j++)
            if (i != j && st.a[i * n + j] != 0) {
                st.ends[2 * e] = i;
                st.ends[2 * e + 1] = j;
                st.w[e++] = st.a[i * n + j];
            }
    if ((s = tg_graph_add_edges(st.g, ne, st.ends, msg)) != TG_OK ||
        (s = tg_graph_attr_add(st.g, TG_EDGES, "weight", TG_DOUBLE, msg)) != TG_OK)
        goto done;
    memcpy(st.g->attrs[TG_EDGES].cols[0].v.d, st.w, sizeof *st.w * (size_t)ne);
    tg_graph_i_changed(st.g);
    *out = st.g;
    st.g = NULL;
done:
    mat_state_free(&st);
    return s;
#undef FAIL
}
