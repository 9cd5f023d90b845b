/* matpower.c: a reader for MATPOWER case files (format version 2) into a
 * graph for the DC power flow.
 *
 * Reads the assignments `mpc.baseMVA = <number>;` and the matrices
 * `mpc.bus`, `mpc.gen`, `mpc.branch` (`= [ rows ];`, rows ended by `;` or a
 * newline, `%` comments); other fields (gencost, bus_name, functions) are
 * skipped.  Columns used (1-based, MATPOWER's documented layout): bus 1
 * BUS_I, 2 BUS_TYPE (3 = reference), 3 PD; gen 1 GEN_BUS, 2 PG, 8
 * GEN_STATUS; branch 1 F_BUS, 2 T_BUS, 4 BR_X, 6 RATE_A, 9 TAP, 11
 * BR_STATUS.  DC model: b = 1 / (x * tap) (tap 0 means 1), phase shifts
 * and shunts ignored. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

typedef struct mat {
    int64_t rows, cols, cap, n;     /* values are appended row by row: row-major */
    double *x;
    long line;       /* line of the opening bracket */
} mat;

/* A bus number in a file: a whole number in [1, 1e9] (checked before any
 * conversion to an integer: 1e300 or 1.9 must not be truncated). */
static int bus_number_ok(double x) { return x == floor(x) && x >= 1 && x <= 1e9; }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void mat_free(mat *m)
{
    tg_free(m->x);
    memset(m, 0, sizeof *m);
}

/* Parse "[ ... ]" from text at *pp (just after '['); rows split on ';' or
 * newline; *line tracks line numbers. */
static tg_status parse_matrix(const char *path, const char **pp, long *line, mat *m, char *msg)
{
    const char *p = *pp;
    int64_t col = 0;
    m->line = *line;
    for (;;) {
        if (!*p) return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: unterminated matrix (missing ']')", path, m->line);
        if (*p == '%') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (*p == ']') {
            p++;
            break;
        }
        if (*p == ';' || *p == '\n') {
            if (*p == '\n') (*line)++;
            if (col > 0) {
                if (m->cols == 0) m->cols = col;
                else if (col != m->cols)
                    return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: row has %lld columns, expected %lld", path, *line - (*p == '\n'),
                                  (long long)col, (long long)m->cols);
                m->rows++;
                col = 0;
            }
            p++;
            continue;
        }
        if (isspace((unsigned char)*p) || *p == ',') {
            p++;
            continue;
        }
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v))
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: bad number near '%.12s'", path, *line, p);
        if (m->n + 1 > m->cap) {
            size_t cap = (size_t)m->cap;
            if (tg_grow((void **)&m->x, &cap, (size_t)m->n + 1, sizeof *m->x))
                return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
            m->cap = (int64_t)cap;
        }
        m->x[m->n++] = v;
        col++;
        p = end;
    }
    if (col > 0) {
        if (m->cols == 0) m->cols = col;
        else if (col != m->cols)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: row has %lld columns, expected %lld", path, *line,
                          (long long)col, (long long)m->cols);
        m->rows++;
    }
    *pp = p;
    return TG_OK;
}

/* The whole file; NULL with *st set (TG_ERR_IO or TG_ERR_NOMEM) on failure. */
static char *slurp(const char *path, tg_status *st, char *msg)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st = tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (tg_grow((void **)&buf, &cap, n + 65537, 1)) {
            tg_free(buf);
            fclose(f);
            *st = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
            return NULL;
        }
        size_t r = fread(buf + n, 1, 65536, f);
        n += r;
        if (r < 65536) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        tg_free(buf);
        *st = tg_msg(msg, TG_ERR_IO, "%s: read error", path);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

tg_status tg_sim_read_matpower(const char *path, tg_graph **out, char **slack_id, char *msg)
{
    tg_msg_clear(msg);
    if (!path || !out) return tg_msg(msg, TG_ERR_ARG, "sim.read_matpower: NULL argument");
    *out = NULL;
    if (slack_id) *slack_id = NULL;
    tg_status s = TG_OK;
    mat bus = {0}, gen = {0}, br = {0};
    tg_graph *g = NULL;
    double *inj = NULL;
    double *iso = NULL;       /* numbers of the isolated (type 4) buses, sorted */
    int64_t niso = 0;
    char *text = slurp(path, &s, msg);
    if (!text) return s;
    double base = NAN;
    long line = 1;
    const char *p = text;
    while (*p) {
        if (*p == '%') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (*p == '\n') {
            line++;
            p++;
            continue;
        }
        if (strncmp(p, "mpc.", 4) == 0 && (p == text || !isalnum((unsigned char)p[-1]))) {
            const char *q = p + 4;
            const char *name = q;
            while (isalnum((unsigned char)*q) || *q == '_') q++;
            size_t len = (size_t)(q - name);
            while (*q == ' ' || *q == '\t') q++;
            if (*q != '=') {
                p = q;
                continue;
            }
            q++;
            while (*q == ' ' || *q == '\t') q++;
            mat *target = NULL;
            if (len == 3 && strncmp(name, "bus", 3) == 0) target = &bus;
            else if (len == 3 && strncmp(name, "gen", 3) == 0) target = &gen;
            else if (len == 6 && strncmp(name, "branch", 6) == 0) target = &br;
            if (len == 7 && strncmp(name, "baseMVA", 7) == 0) {
                char *end;
                base = strtod(q, &end);
                if (end == q || !isfinite(base) || base <= 0) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: baseMVA must be a positive number", path, line);
                    goto out;
                }
                p = end;
                continue;
            }
            if (target && *q == '[') {
                if (target->x) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: mpc.%.*s assigned twice", path, line, (int)len, name);
                    goto out;
                }
                q++;
                s = parse_matrix(path, &q, &line, target, msg);
                if (s != TG_OK) goto out;
            }
            p = q;
            continue;
        }
        p++;
    }
    if (isnan(base)) { s = tg_msg(msg, TG_ERR_PARSE, "%s: no mpc.baseMVA", path); goto out; }
    if (bus.rows == 0 || bus.cols < 3) { s = tg_msg(msg, TG_ERR_PARSE, "%s: no mpc.bus matrix (>= 3 columns)", path); goto out; }
    if (br.rows == 0 || br.cols < 4) { s = tg_msg(msg, TG_ERR_PARSE, "%s: no mpc.branch matrix (>= 4 columns)", path); goto out; }
    if (gen.rows > 0 && gen.cols < 2) { s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: mpc.gen needs >= 2 columns", path, gen.line); goto out; }
    s = tg_graph_new(&g, false, msg);
    if (s != TG_OK) goto out;
    inj = tg_calloc((size_t)bus.rows, sizeof *inj);
    if (!inj) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path); goto out; }
    iso = tg_malloc((size_t)bus.rows * sizeof *iso);
    if (!iso) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path); goto out; }
    for (int64_t r = 0; r < bus.rows; r++) {
        double *row = bus.x + r * bus.cols;
        char id[32];
        if (!bus_number_ok(row[0])) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.bus row %lld: bad bus number %g", path, (long long)r + 1, row[0]);
            goto out;
        }
        snprintf(id, sizeof id, "%lld", (long long)row[0]);
        /* type 4 = isolated bus (MATPOWER): out of service, left out with
         * its generators and branches */
        if (bus.cols >= 2 && row[1] == 4) {
            for (int64_t q = 0; q < niso; q++)
                if (iso[q] == row[0]) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.bus row %lld: duplicate bus %s", path, (long long)r + 1, id);
                    goto out;
                }
            iso[niso++] = row[0];
            continue;
        }
        int64_t v;
        s = tg_graph_add_node(g, id, NULL, &v, msg);
        if (s == TG_ERR_NOMEM) goto out;
        if (s != TG_OK) {
            tg_msg_clear(msg);
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.bus row %lld: duplicate bus %s", path, (long long)r + 1, id);
            goto out;
        }
        inj[v] = -row[2] / base;
        if (bus.cols >= 2 && row[1] == 3 && slack_id && !*slack_id) {
            *slack_id = tg_strdup(id);
            if (!*slack_id) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path); goto out; }
        }
    }
    qsort(iso, (size_t)niso, sizeof *iso, cmp_double);
    for (int64_t r = 0; r < bus.rows; r++) {
        /* an isolated bus also listed as a normal one */
        const double *row = bus.x + r * bus.cols;
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)row[0]);
        if (!(bus.cols >= 2 && row[1] == 4) && bsearch(&row[0], iso, (size_t)niso, sizeof *iso, cmp_double)) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.bus row %lld: duplicate bus %s", path, (long long)r + 1, id);
            goto out;
        }
    }
    for (int64_t r = 0; r < gen.rows; r++) {
        double *row = gen.x + r * gen.cols;
        char id[32];
        if (!bus_number_ok(row[0])) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.gen row %lld: bad bus number %g", path, (long long)r + 1, row[0]);
            goto out;
        }
        snprintf(id, sizeof id, "%lld", (long long)row[0]);
        int64_t v = tg_graph_node_index(g, id);
        if (v < 0 && bsearch(&row[0], iso, (size_t)niso, sizeof *iso, cmp_double)) continue;
        if (v < 0) { s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.gen row %lld: unknown bus %s", path, (long long)r + 1, id); goto out; }
        if (gen.cols >= 8 && row[7] <= 0) continue;
        inj[v] += row[1] / base;
    }
    static const char *const attrs[4] = {"reactance", "susceptance", "capacity", NULL};
    for (int k = 0; attrs[k]; k++) {
        s = tg_graph_attr_add(g, TG_EDGES, attrs[k], TG_DOUBLE, msg);
        if (s != TG_OK) goto out;
    }
    s = tg_graph_attr_add(g, TG_NODES, "injection", TG_DOUBLE, msg);
    if (s != TG_OK) goto out;
    for (int64_t v = 0; v < tg_graph_node_count(g); v++) {
        s = tg_graph_set_double(g, TG_NODES, "injection", v, inj[v], msg);
        if (s != TG_OK) goto out;
    }
    for (int64_t r = 0; r < br.rows; r++) {
        double *row = br.x + r * br.cols;
        if (br.cols >= 11 && row[10] <= 0) continue;
        char a[32], b[32], eid[32];
        if (!bus_number_ok(row[0]) || !bus_number_ok(row[1])) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.branch row %lld: bad bus number %g", path, (long long)r + 1,
                       bus_number_ok(row[0]) ? row[1] : row[0]);
            goto out;
        }
        snprintf(a, sizeof a, "%lld", (long long)row[0]);
        snprintf(b, sizeof b, "%lld", (long long)row[1]);
        int64_t va = tg_graph_node_index(g, a), vb = tg_graph_node_index(g, b), e;
        if ((va < 0 && bsearch(&row[0], iso, (size_t)niso, sizeof *iso, cmp_double)) ||
            (vb < 0 && bsearch(&row[1], iso, (size_t)niso, sizeof *iso, cmp_double)))
            continue;   /* a branch to an isolated bus is out of service */
        if (va < 0 || vb < 0) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.branch row %lld: unknown bus %s", path, (long long)r + 1, va < 0 ? a : b);
            goto out;
        }
        double x = row[3], tap = br.cols >= 9 && row[8] != 0 ? row[8] : 1.0;
        if (!(x > 0)) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: mpc.branch row %lld: reactance must be > 0 (got %g; series "
                       "compensation, x < 0, is not supported: the DC solver needs a positive definite B)",
                       path, (long long)r + 1, x);
            goto out;
        }
        snprintf(eid, sizeof eid, "b%lld", (long long)r + 1);
        s = tg_graph_add_edge(g, eid, va, vb, &e, msg);
        if (s == TG_OK) s = tg_graph_set_double(g, TG_EDGES, "reactance", e, x * tap, msg);
        if (s == TG_OK) s = tg_graph_set_double(g, TG_EDGES, "susceptance", e, 1.0 / (x * tap), msg);
        if (s == TG_OK) s = tg_graph_set_double(g, TG_EDGES, "capacity", e, br.cols >= 6 ? row[5] / base : 0.0, msg);
        if (s != TG_OK) goto out;
    }
    *out = g;
    g = NULL;
out:
    if (s != TG_OK && slack_id) {
        tg_free(*slack_id);
        *slack_id = NULL;
    }
    tg_graph_free(&g);
    tg_free(inj);
    tg_free(iso);
    mat_free(&bus);
    mat_free(&gen);
    mat_free(&br);
    tg_free(text);
    return s;
}
