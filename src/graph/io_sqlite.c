/* io_sqlite.c: a graph as a SQLite database, the store the digital twin
 * builds on and a file other tools (Python, R, the sqlite3 shell) read.
 *
 * Tables (format version 1):
 *   graph(key TEXT PRIMARY KEY, value TEXT)   -- 'directed' '0'/'1', 'format_version' '1'
 *   nodes(id TEXT PRIMARY KEY, type TEXT, "<attr>" REAL|INTEGER|TEXT, ...)
 *   edges(idx INTEGER PRIMARY KEY, id TEXT UNIQUE, source TEXT NOT NULL,
 *         target TEXT NOT NULL, "<attr>" REAL|INTEGER|TEXT, ...)
 * Missing values are NULL; node order is rowid order, edge order idx order.
 * The writer fills a fresh file in one transaction (io.c renames it over
 * the target); the reader checks the schema and every value's type. */
#include "io_internal.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define SQL_FORMAT_VERSION "1"

static const char *decl_type(tg_attr_type t)
{
    return t == TG_DOUBLE ? "REAL" : t == TG_INT ? "INTEGER" : "TEXT";
}

/* Append "name" (double-quoted, quotes doubled) to a sqlite3_str. */
static void append_ident(sqlite3_str *q, const char *name)
{
    sqlite3_str_appendchar(q, 1, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"') sqlite3_str_appendchar(q, 1, '"');
        sqlite3_str_appendchar(q, 1, *p);
    }
    sqlite3_str_appendchar(q, 1, '"');
}

/* SQLite column names are case-insensitive: refuse clashes up front. */
static tg_status check_names(const tg_graph *g, tg_elem elem, const char *path, char *msg)
{
    static const char *fixed_nodes[] = {"id", "type", NULL};
    static const char *fixed_edges[] = {"idx", "id", "source", "target", NULL};
    const char **fixed = elem == TG_NODES ? fixed_nodes : fixed_edges;
    const tg_columns *cs = &g->attrs[elem];
    for (int c = 0; c < cs->count; c++) {
        const char *a = cs->cols[c].name;
        for (int k = 0; fixed[k]; k++)
            if (sqlite3_stricmp(a, fixed[k]) == 0)
                return tg_msg(msg, TG_ERR_ARG, "%s: %s attribute '%s' clashes with the SQLite "
                              "column '%s'", path, elem == TG_NODES ? "node" : "edge", a, fixed[k]);
        for (int d = 0; d < c; d++)
            if (sqlite3_stricmp(a, cs->cols[d].name) == 0)
                return tg_msg(msg, TG_ERR_ARG, "%s: %s attributes '%s' and '%s' differ only in "
                              "case (SQLite columns are case-insensitive)", path,
                              elem == TG_NODES ? "node" : "edge", cs->cols[d].name, a);
    }
    return TG_OK;
}

static tg_status sql_err(sqlite3 *db, const char *path, const char *what, char *msg)
{
    int rc = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
    return tg_msg(msg, rc == SQLITE_NOMEM ? TG_ERR_NOMEM : TG_ERR_LIB, "%s: SQLite: %s: %s", path,
                  what, db ? sqlite3_errmsg(db) : "out of memory");
}

/* "CREATE TABLE ...(fixed, attrs)" and "INSERT INTO ... VALUES(?,...)". */
static char *build_sql(const tg_graph *g, tg_elem elem, bool create)
{
    const tg_columns *cs = &g->attrs[elem];
    sqlite3_str *q = sqlite3_str_new(NULL);
    int nfixed = elem == TG_NODES ? 2 : 4;
    if (create) {
        sqlite3_str_appendall(q, elem == TG_NODES
                                     ? "CREATE TABLE nodes(id TEXT PRIMARY KEY, type TEXT"
                                     : "CREATE TABLE edges(idx INTEGER PRIMARY KEY, id TEXT "
                                       "UNIQUE, source TEXT NOT NULL, target TEXT NOT NULL");
        for (int c = 0; c < cs->count; c++) {
            sqlite3_str_appendall(q, ", ");
            append_ident(q, cs->cols[c].name);
            sqlite3_str_appendf(q, " %s", decl_type(cs->cols[c].type));
        }
        sqlite3_str_appendall(q, ")");
    } else {
        sqlite3_str_appendf(q, "INSERT INTO %s VALUES(?", elem == TG_NODES ? "nodes" : "edges");
        for (int c = 1; c < nfixed + cs->count; c++) sqlite3_str_appendall(q, ",?");
        sqlite3_str_appendall(q, ")");
    }
    return sqlite3_str_finish(q);
}

static int bind_attrs(sqlite3_stmt *st, const tg_columns *cs, int64_t i, int first)
{
    int rc = SQLITE_OK;
    for (int c = 0; c < cs->count && rc == SQLITE_OK; c++) {
        const tg_column *col = &cs->cols[c];
        int k = first + c;
        if (col->type == TG_DOUBLE)
            rc = isnan(col->v.d[i]) ? sqlite3_bind_null(st, k) : sqlite3_bind_double(st, k, col->v.d[i]);
        else if (col->type == TG_INT)
            rc = col->v.i[i] == TG_INT_MISSING ? sqlite3_bind_null(st, k)
                                               : sqlite3_bind_int64(st, k, col->v.i[i]);
        else
            rc = col->v.s[i] ? sqlite3_bind_text(st, k, col->v.s[i], -1, SQLITE_STATIC)
                             : sqlite3_bind_null(st, k);
    }
    return rc;
}

tg_status tg_io_i_write_sqlite(const tg_graph *g, const char *tmp_path, const char *path,
                               char *msg)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    tg_status s = TG_OK;
#define FAIL(what) do { s = sql_err(db, path, what, msg); goto done; } while (0)
    if ((s = check_names(g, TG_NODES, path, msg)) != TG_OK ||
        (s = check_names(g, TG_EDGES, path, msg)) != TG_OK)
        return s;
    if (sqlite3_open_v2(tmp_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) FAIL("open");
    if (sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN; "
                     "CREATE TABLE graph(key TEXT PRIMARY KEY, value TEXT);", NULL, NULL, NULL))
        FAIL("create table graph");
    if (sqlite3_prepare_v2(db, "INSERT INTO graph VALUES(?, ?)", -1, &st, NULL)) FAIL("prepare");
    const char *kv[][2] = {{"format_version", SQL_FORMAT_VERSION},
                           {"directed", g->directed ? "1" : "0"},
                           {"generator", "twingraph " TG_VERSION}};
    for (size_t k = 0; k < sizeof kv / sizeof *kv; k++) {
        sqlite3_bind_text(st, 1, kv[k][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, kv[k][1], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) FAIL("insert into graph");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    for (int e = 0; e < 2; e++) {
        tg_elem elem = (tg_elem)e;
        if (!(sql = build_sql(g, elem, true))) FAIL("build statement");
        if (sqlite3_exec(db, sql, NULL, NULL, NULL)) FAIL(e ? "create table edges" : "create table nodes");
        sqlite3_free(sql);
        if (!(sql = build_sql(g, elem, false))) FAIL("build statement");
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) FAIL("prepare insert");
        sqlite3_free(sql);
        sql = NULL;
        int64_t n = e ? g->nedges : g->nnodes;
        for (int64_t i = 0; i < n; i++) {
            int rc;
            if (elem == TG_NODES) {
                const char *t = g->type_names[g->node_type[i]];
                rc = sqlite3_bind_text(st, 1, g->node_ids[i], -1, SQLITE_STATIC);
                if (!rc) rc = t[0] ? sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC)
                                   : sqlite3_bind_null(st, 2);
                if (!rc) rc = bind_attrs(st, &g->attrs[TG_NODES], i, 3);
            } else {
                const char *id = g->edge_ids ? g->edge_ids[i] : NULL;
                rc = sqlite3_bind_int64(st, 1, i);
                if (!rc) rc = id ? sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC)
                                 : sqlite3_bind_null(st, 2);
                if (!rc) rc = sqlite3_bind_text(st, 3, g->node_ids[g->ends[2 * i]], -1, SQLITE_STATIC);
                if (!rc) rc = sqlite3_bind_text(st, 4, g->node_ids[g->ends[2 * i + 1]], -1,
                                                SQLITE_STATIC);
                if (!rc) rc = bind_attrs(st, &g->attrs[TG_EDGES], i, 5);
            }
            if (rc || sqlite3_step(st) != SQLITE_DONE) FAIL(e ? "insert into edges" : "insert into nodes");
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) FAIL("commit");
done:
    sqlite3_free(sql);
    sqlite3_finalize(st);
    if (db && sqlite3_close(db) != SQLITE_OK && s == TG_OK)
        s = tg_msg(msg, TG_ERR_IO, "%s: SQLite: close failed", path);
    return s;
#undef FAIL
}

/* ---- reader ------------------------------------------------------------ */

typedef struct sql_col { const char *name; tg_attr_type type; } sql_col;

/* The columns of table (names and declared types) after the nfixed fixed
 * ones, which must be exactly `fixed`. */
static tg_status table_columns(sqlite3 *db, const char *table, const char *const *fixed,
                               int nfixed, sqlite3_stmt **info, int *ncol, const char *path,
                               char *msg)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    if (sqlite3_prepare_v2(db, sql, -1, info, NULL)) return sql_err(db, path, "table_info", msg);
    int k = 0, rc;
    while ((rc = sqlite3_step(*info)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(*info, 1);
        const char *type = (const char *)sqlite3_column_text(*info, 2);
        if (k < nfixed && (!name || sqlite3_stricmp(name, fixed[k]) != 0))
            return tg_msg(msg, TG_ERR_PARSE, "%s: table %s: column %d is '%s', expected '%s' "
                          "(not a twingraph database?)", path, table, k + 1, name ? name : "",
                          fixed[k]);
        if (k >= nfixed && (!type || (sqlite3_stricmp(type, "REAL") && sqlite3_stricmp(type, "INTEGER")
                                      && sqlite3_stricmp(type, "TEXT"))))
            return tg_msg(msg, TG_ERR_PARSE, "%s: table %s: column '%s' has type '%s', expected "
                          "REAL, INTEGER or TEXT", path, table, name ? name : "", type ? type : "");
        k++;
    }
    if (rc != SQLITE_DONE) return sql_err(db, path, "table_info", msg);
    if (k == 0)
        return tg_msg(msg, TG_ERR_PARSE, "%s: no table '%s' (not a twingraph database)", path, table);
    if (k < nfixed)
        return tg_msg(msg, TG_ERR_PARSE, "%s: table %s has %d columns, expected at least %d", path,
                      table, k, nfixed);
    *ncol = k;
    return TG_OK;
}

/* Add the attribute columns listed by a table_info statement (rewound). */
static tg_status add_columns(tg_graph *g, tg_elem elem, sqlite3_stmt *info, int nfixed,
                             const char *path, char *msg)
{
    sqlite3_reset(info);
    int k = 0;
    while (sqlite3_step(info) == SQLITE_ROW) {
        if (k++ < nfixed) continue;
        const char *name = (const char *)sqlite3_column_text(info, 1);
        const char *type = (const char *)sqlite3_column_text(info, 2);
        tg_attr_type t = sqlite3_stricmp(type, "REAL") == 0      ? TG_DOUBLE
                       : sqlite3_stricmp(type, "INTEGER") == 0   ? TG_INT : TG_STRING;
        tg_status s = tg_graph_attr_add(g, elem, name, t, msg);
        if (s != TG_OK)
            return tg_msg(msg, s, "%s: table %s: cannot add attribute '%s'", path,
                          elem == TG_NODES ? "nodes" : "edges", name);
    }
    return TG_OK;
}

/* Store the value in result column k as attribute column c of element i. */
static tg_status take_value(tg_graph *g, tg_elem elem, int c, int64_t i, sqlite3_stmt *st, int k,
                            const char *path, const char *where, char *msg)
{
    tg_column *col = &g->attrs[elem].cols[c];
    int vt = sqlite3_column_type(st, k);
    if (vt == SQLITE_NULL) return TG_OK;       /* missing: already so */
    if (col->type == TG_DOUBLE) {
        if (vt != SQLITE_FLOAT && vt != SQLITE_INTEGER)
            return tg_msg(msg, TG_ERR_TYPE, "%s: %s: column '%s' holds %s, expected a REAL", path,
                          where, col->name, vt == SQLITE_TEXT ? "text" : "a blob");
        col->v.d[i] = sqlite3_column_double(st, k);
    } else if (col->type == TG_INT) {
        if (vt != SQLITE_INTEGER)
            return tg_msg(msg, TG_ERR_TYPE, "%s: %s: column '%s' holds %s, expected an INTEGER",
                          path, where, col->name, vt == SQLITE_TEXT ? "text" : vt == SQLITE_FLOAT
                          ? "a real number" : "a blob");
        col->v.i[i] = sqlite3_column_int64(st, k);
    } else {
        if (vt == SQLITE_BLOB)
            return tg_msg(msg, TG_ERR_TYPE, "%s: %s: column '%s' holds a blob, expected TEXT", path,
                          where, col->name);
        const char *t = (const char *)sqlite3_column_text(st, k);
        if (!t) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        if (!(col->v.s[i] = tg_strdup(t))) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
    }
    return TG_OK;
}

tg_status tg_io_i_read_sqlite(const char *path, const tg_read_opts *o, tg_graph **out, char *msg)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL, *ninfo = NULL, *einfo = NULL;
    tg_graph *g = NULL;
    tg_status s = TG_OK;
    *out = NULL;
#define FAIL(x) do { s = (x); goto done; } while (0)
    if ((s = tg_io_i_probe(path, msg)) != TG_OK) return s;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        FAIL(sql_err(db, path, "open", msg));

    /* graph table: version and direction. */
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM graph", -1, &st, NULL))
        FAIL(sql_err(db, path, "reading table graph (not a twingraph database?)", msg));
    int directed = -1;
    bool version_ok = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (!k || !v) continue;
        if (strcmp(k, "format_version") == 0) {
            if (strcmp(v, SQL_FORMAT_VERSION) != 0)
                FAIL(tg_msg(msg, TG_ERR_PARSE, "%s: table graph: format_version '%s' is not "
                            "supported (this reader knows " SQL_FORMAT_VERSION ")", path, v));
            version_ok = true;
        } else if (strcmp(k, "directed") == 0) {
            if (strcmp(v, "0") && strcmp(v, "1"))
                FAIL(tg_msg(msg, TG_ERR_PARSE, "%s: table graph: directed is '%s', expected 0 "
                            "or 1", path, v));
            directed = v[0] == '1';
        }
    }
    if (rc != SQLITE_DONE) FAIL(sql_err(db, path, "reading table graph", msg));
    sqlite3_finalize(st);
    st = NULL;
    if (!version_ok || directed < 0)
        FAIL(tg_msg(msg, TG_ERR_PARSE, "%s: table graph lacks %s", path,
                    version_ok ? "the 'directed' row" : "the 'format_version' row"));
    if (o->directed >= 0) directed = o->directed;

    static const char *const nfixed[] = {"id", "type"};
    static const char *const efixed[] = {"idx", "id", "source", "target"};
    int nn, en;
    if ((s = table_columns(db, "nodes", nfixed, 2, &ninfo, &nn, path, msg)) != TG_OK ||
        (s = table_columns(db, "edges", efixed, 4, &einfo, &en, path, msg)) != TG_OK)
        goto done;
    if ((s = tg_graph_new(&g, directed == 1, msg)) != TG_OK) goto done;
    if ((s = add_columns(g, TG_NODES, ninfo, 2, path, msg)) != TG_OK ||
        (s = add_columns(g, TG_EDGES, einfo, 4, path, msg)) != TG_OK)
        goto done;

    char where[160];
    if (sqlite3_prepare_v2(db, "SELECT rowid, * FROM nodes ORDER BY rowid", -1, &st, NULL))
        FAIL(sql_err(db, path, "reading table nodes", msg));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long rowid = sqlite3_column_int64(st, 0);
        const char *id = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        snprintf(where, sizeof where, "table nodes, rowid %lld", rowid);
        if (!id || !id[0])
            FAIL(tg_msg(msg, TG_ERR_ID, "%s: %s: node id is NULL or empty", path, where));
        if (tg_graph_node_index(g, id) >= 0)
            FAIL(tg_msg(msg, TG_ERR_ID, "%s: %s: duplicate node id '%s'", path, where, id));
        int64_t v;
        if ((s = tg_graph_add_node(g, id, type, &v, msg)) != TG_OK)
            FAIL(tg_msg(msg, s, "%s: %s: cannot add node '%s'", path, where, id));
        for (int c = 0; c < nn - 2; c++)
            if ((s = take_value(g, TG_NODES, c, v, st, 3 + c, path, where, msg)) != TG_OK) goto done;
    }
    if (rc != SQLITE_DONE) FAIL(sql_err(db, path, "reading table nodes", msg));
    sqlite3_finalize(st);
    st = NULL;

    if (sqlite3_prepare_v2(db, "SELECT * FROM edges ORDER BY idx", -1, &st, NULL))
        FAIL(sql_err(db, path, "reading table edges", msg));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long idx = sqlite3_column_int64(st, 0);
        const char *id = (const char *)sqlite3_column_text(st, 1);
        const char *src = (const char *)sqlite3_column_text(st, 2);
        const char *dst = (const char *)sqlite3_column_text(st, 3);
        snprintf(where, sizeof where, "table edges, idx %lld", idx);
        int64_t a = src ? tg_graph_node_index(g, src) : -1;
        int64_t b = dst ? tg_graph_node_index(g, dst) : -1;
        if (a < 0 || b < 0)
            FAIL(tg_msg(msg, TG_ERR_ID, "%s: %s: %s '%s' is not a node", path, where,
                        a < 0 ? "source" : "target", (a < 0 ? src : dst) ? (a < 0 ? src : dst)
                                                                           : "(NULL)"));
        if (id && !id[0]) id = NULL;
        if (id && tg_graph_edge_index(g, id) >= 0)
            FAIL(tg_msg(msg, TG_ERR_ID, "%s: %s: duplicate edge id '%s'", path, where, id));
        int64_t e;
        if ((s = tg_graph_add_edge(g, id, a, b, &e, msg)) != TG_OK)
            FAIL(tg_msg(msg, s, "%s: %s: cannot add the edge", path, where));
        for (int c = 0; c < en - 4; c++)
            if ((s = take_value(g, TG_EDGES, c, e, st, 4 + c, path, where, msg)) != TG_OK) goto done;
    }
    if (rc != SQLITE_DONE) FAIL(sql_err(db, path, "reading table edges", msg));
    *out = g;
    g = NULL;
done:
    sqlite3_finalize(st);
    sqlite3_finalize(ninfo);
    sqlite3_finalize(einfo);
    if (db) sqlite3_close(db);
    tg_graph_free(&g);
    return s;
#undef FAIL
}
