/* test_io.c: graph readers and writers: exact round trips (GraphML, CSV,
 * SQLite), matrices, one test per kind of bad input (status, file:line and
 * reason in the message, no graph, no leak), XML entity attacks, atomic
 * writes and out-of-memory injection.  Run from the repository root. */
#include "../test_util.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "graph/tg_graph.h"

#define FILES "tests/graph/files/"
#define BAD "tests/graph/bad/"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tg_test_io_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static tg_graph *must_read(const char *path, const char *format, int directed, const char *labels)
{
    char msg[TG_MSG_LEN];
    tg_read_opts o = {.format = format, .directed = directed, .labels = labels};
    tg_graph *g = NULL;
    tg_status s = tg_graph_read(path, &o, &g, msg);
    if (s != TG_OK) fail_msg("reading %s: %s", path, msg);
    assert_non_null(g);
    return g;
}

/* Read must fail with status s and msg containing want (e.g. "file:17: reason"). */
static void must_fail(const char *path, const char *format, const char *labels, tg_status s,
                      const char *where, const char *why)
{
    char msg[TG_MSG_LEN];
    tg_read_opts o = {.format = format, .directed = -1, .labels = labels};
    tg_graph *g = (tg_graph *)&o;       /* must be reset to NULL */
    tg_status got = tg_graph_read(path, &o, &g, msg);
    if (got != s) fail_msg("%s: status %s, expected %s (%s)", path, tg_status_name(got),
                           tg_status_name(s), msg);
    assert_null(g);
    assert_msg_has(msg, where);
    assert_msg_has(msg, why);
}

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every id, type, attribute value (bit-exact), edge end and edge order. */
static void assert_same_graph(const tg_graph *a, const tg_graph *b, bool node_data)
{
    assert_int_equal(tg_graph_is_directed(a), tg_graph_is_directed(b));
    assert_int_equal(tg_graph_node_count(a), tg_graph_node_count(b));
    assert_int_equal(tg_graph_edge_count(a), tg_graph_edge_count(b));
    for (int64_t v = 0; v < tg_graph_node_count(a); v++) {
        assert_string_equal(tg_graph_node_id(a, v), tg_graph_node_id(b, v));
        if (node_data) assert_string_equal(tg_graph_node_type(a, v), tg_graph_node_type(b, v));
    }
    for (int64_t e = 0; e < tg_graph_edge_count(a); e++) {
        int64_t f1, t1, f2, t2;
        tg_graph_edge_ends(a, e, &f1, &t1);
        tg_graph_edge_ends(b, e, &f2, &t2);
        assert_int_equal(f1, f2);
        assert_int_equal(t1, t2);
        assert_true(same_str(tg_graph_edge_id(a, e), tg_graph_edge_id(b, e)));
    }
    for (int el = node_data ? 0 : 1; el < 2; el++) {
        tg_elem elem = (tg_elem)el;
        int64_t n = elem == TG_NODES ? tg_graph_node_count(a) : tg_graph_edge_count(a);
        assert_int_equal(tg_graph_attr_count(a, elem), tg_graph_attr_count(b, elem));
        for (int c = 0; c < tg_graph_attr_count(a, elem); c++) {
            assert_string_equal(tg_graph_attr_name(a, elem, c), tg_graph_attr_name(b, elem, c));
            assert_int_equal(tg_graph_attr_type(a, elem, c), tg_graph_attr_type(b, elem, c));
            for (int64_t i = 0; i < n; i++) {
                switch (tg_graph_attr_type(a, elem, c)) {
                case TG_DOUBLE:
                    assert_true(same_double(tg_graph_attr_doubles(a, elem, c)[i],
                                            tg_graph_attr_doubles(b, elem, c)[i]));
                    break;
                case TG_INT:
                    assert_int_equal(tg_graph_attr_ints(a, elem, c)[i],
                                     tg_graph_attr_ints(b, elem, c)[i]);
                    break;
                case TG_STRING:
                    assert_true(same_str(tg_graph_attr_strings(a, elem, c)[i],
                                         tg_graph_attr_strings(b, elem, c)[i]));
                    break;
                }
            }
        }
    }
}

static int col(const tg_graph *g, tg_elem e, const char *name, tg_attr_type t)
{
    int c = tg_graph_attr_find(g, e, name);
    assert_true(c >= 0);
    assert_int_equal(tg_graph_attr_type(g, e, c), t);
    return c;
}

/* ---- GraphML ------------------------------------------------------------ */

static void test_graphml_values(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_graph *g = must_read(FILES "small.graphml", NULL, -1, NULL);
    assert_false(tg_graph_is_directed(g));
    assert_int_equal(tg_graph_node_count(g), 3);
    assert_int_equal(tg_graph_edge_count(g), 3);
    assert_string_equal(tg_graph_node_id(g, 1), "V 2");
    assert_string_equal(tg_graph_node_type(g, 0), "compressor");
    assert_string_equal(tg_graph_node_type(g, 2), "");
    const double *cap = tg_graph_attr_doubles(g, TG_NODES, col(g, TG_NODES, "capacity", TG_DOUBLE));
    assert_true(cap[0] == 0.1 && cap[1] == 1.5 && isinf(cap[2]) && cap[2] > 0);
    const int64_t *cnt = tg_graph_attr_ints(g, TG_NODES, col(g, TG_NODES, "count", TG_INT));
    assert_int_equal(cnt[0], -3);
    assert_int_equal(cnt[1], INT64_MAX);
    assert_int_equal(cnt[2], TG_INT_MISSING);
    const int64_t *ok = tg_graph_attr_ints(g, TG_NODES, col(g, TG_NODES, "ok", TG_INT));
    assert_int_equal(ok[0], 1);
    assert_int_equal(ok[1], 0);
    const char *const *lbl = tg_graph_attr_strings(g, TG_NODES, col(g, TG_NODES, "label", TG_STRING));
    assert_string_equal(lbl[0], "A & B <\"quoted\">");
    assert_null(lbl[1]);
    assert_string_equal(lbl[2], "line1\nline2");
    assert_string_equal(tg_graph_edge_id(g, 0), "e1");
    assert_null(tg_graph_edge_id(g, 1));
    assert_string_equal(tg_graph_edge_id(g, 2), "e3");
    const double *w = tg_graph_attr_doubles(g, TG_EDGES, col(g, TG_EDGES, "weight", TG_DOUBLE));
    assert_true(w[0] == 2.5e-3 && isinf(w[1]) && w[1] < 0 && isnan(w[2]));
    const int64_t *big = tg_graph_attr_ints(g, TG_EDGES, col(g, TG_EDGES, "big", TG_INT));
    assert_int_equal(big[0], -INT64_MAX);
    int64_t a, b;
    tg_graph_edge_ends(g, 1, &a, &b);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    tg_graph_free(&g);
    /* opts->directed overrides edgedefault. */
    g = must_read(FILES "small.graphml", "graphml", 1, NULL);
    assert_true(tg_graph_is_directed(g));
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

/* A graph with awkward values built through the API. */
static tg_graph *awkward_graph(bool directed)
{
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    assert_int_equal(tg_graph_new(&g, directed, msg), TG_OK);
    const char *ids[] = {"n&1", "n<2>", "n \"3\"", "ñ4", "n,5"};
    const char *types[] = {"pump", "", "valve", "pump", "tab\there"};
    for (int i = 0; i < 5; i++) assert_int_equal(tg_graph_add_node(g, ids[i], types[i], NULL, msg), TG_OK);
    double dv[] = {0.1, 1.0 / 3.0, -0.0, 1e-310, 1.7976931348623157e308};
    for (int i = 0; i < 5; i++) assert_int_equal(tg_graph_set_double(g, TG_NODES, "x", i, dv[i], msg), TG_OK);
    assert_int_equal(tg_graph_set_int(g, TG_NODES, "k", 0, INT64_MAX, msg), TG_OK);
    assert_int_equal(tg_graph_set_int(g, TG_NODES, "k", 3, INT64_MIN + 1, msg), TG_OK);
    assert_int_equal(tg_graph_set_string(g, TG_NODES, "s", 1, "a\r\nb & \"c\" <d>", msg), TG_OK);
    assert_int_equal(tg_graph_set_string(g, TG_NODES, "s", 2, "", msg), TG_OK);
    int64_t ends[] = {0, 1, 1, 2, 2, 0, 3, 4, 4, 4};
    assert_int_equal(tg_graph_add_edge(g, "first", 0, 1, NULL, msg), TG_OK);
    assert_int_equal(tg_graph_add_edges(g, 5, ends, msg), TG_OK);
    double w[] = {1.0, 2.5, INFINITY, -INFINITY, 0.30000000000000004, 6.0};
    for (int e = 0; e < 6; e++) if (e != 4) assert_int_equal(tg_graph_set_double(g, TG_EDGES, "w", e, w[e], msg), TG_OK);
    assert_int_equal(tg_graph_set_int(g, TG_EDGES, "n", 2, -42, msg), TG_OK);
    assert_int_equal(tg_graph_set_string(g, TG_EDGES, "label", 5, "x, \"y\"", msg), TG_OK);
    assert_int_equal(tg_graph_set_string(g, TG_EDGES, "label", 1, "plain", msg), TG_OK);
    return g;
}

static void test_graphml_round_trip(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    for (int d = 0; d < 2; d++) {
        tg_graph *g = awkward_graph(d);
        const char *p = tmp_path("rt.graphml");
        assert_int_equal(tg_graph_write(g, p, NULL, msg), TG_OK);
        tg_graph *h = must_read(p, NULL, -1, NULL);
        assert_same_graph(g, h, true);
        tg_graph_free(&h);
        /* The file of the small fixture round-trips too. */
        tg_graph *f = must_read(FILES "small.graphml", NULL, -1, NULL);
        assert_int_equal(tg_graph_write(f, p, "graphml", msg), TG_OK);
        h = must_read(p, NULL, -1, NULL);
        assert_same_graph(f, h, true);
        tg_graph_free(&h);
        tg_graph_free(&f);
        tg_graph_free(&g);
    }
    TG_CHECK_NO_LEAK();
}

static void test_graphml_bad(void **state)
{
    (void)state;
    tg_test_install_allocator();
    must_fail(BAD "truncated.graphml", NULL, NULL, TG_ERR_PARSE, "truncated.graphml:6:",
              "Premature end of data");
    must_fail(BAD "type.graphml", NULL, NULL, TG_ERR_TYPE, "type.graphml:8:", "'abc' is not a number");
    must_fail(BAD "unknown_node.graphml", NULL, NULL, TG_ERR_ID, "unknown_node.graphml:5:",
              "target 'zz' is not a node");
    must_fail(BAD "dup_node.graphml", NULL, NULL, TG_ERR_ID, "dup_node.graphml:6:",
              "duplicate node id 'a'");
    must_fail(BAD "nan.graphml", NULL, NULL, TG_ERR_NUMERIC, "nan.graphml:5:", "NaN is not allowed");
    must_fail(BAD "huge.graphml", NULL, NULL, TG_ERR_NUMERIC, "huge.graphml:6:",
              "overflows the double range");
    must_fail(BAD "int_overflow.graphml", NULL, NULL, TG_ERR_NUMERIC, "int_overflow.graphml:6:",
              "overflows int64");
    must_fail(BAD "empty.graphml", NULL, NULL, TG_ERR_PARSE, "empty.graphml:1:", "file is empty");
    must_fail(BAD "mixed.graphml", NULL, NULL, TG_ERR_PARSE, "mixed.graphml:7:",
              "mixed directed and undirected graphs are not supported");
    must_fail(BAD "nested.graphml", NULL, NULL, TG_ERR_PARSE, "nested.graphml:5:",
              "nested graphs are not supported");
    must_fail(BAD "deep.graphml", NULL, NULL, TG_ERR_LIMIT, "deep.graphml:66:",
              "nested deeper than 64");
    must_fail(BAD "undeclared_entity.graphml", NULL, NULL, TG_ERR_PARSE,
              "undeclared_entity.graphml:4:", "Entity 'xxe' not defined");
    must_fail(BAD "does_not_exist.graphml", NULL, NULL, TG_ERR_IO, "does_not_exist.graphml",
              "cannot open");
    TG_CHECK_NO_LEAK();
}

static void test_graphml_entities_refused(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    const char *files[] = {BAD "billion_laughs.graphml", BAD "xxe.graphml"};
    for (int k = 0; k < 2; k++) {
        tg_graph *g = NULL;
        tg_read_opts o = {.directed = -1};
        double t0 = tg_now();
        assert_int_equal(tg_graph_read(files[k], &o, &g, msg), TG_ERR_PARSE);
        assert_true(tg_now() - t0 < 2.0);      /* refused before any expansion */
        assert_null(g);
        assert_msg_has(msg, ".graphml:2:");
        assert_msg_has(msg, "entity declarations are not allowed");
        assert_null(strstr(msg, "root:"));     /* /etc/passwd content never appears */
    }
    TG_CHECK_NO_LEAK();
}

static void test_graphml_long_value(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *p = tmp_path("long.graphml");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n<graphml>\n<graph edgedefault=\"directed\">\n<node id=\"", f);
    for (int i = 0; i < 1024 * 1024 + 10; i++) fputc('a', f);
    fputs("\"/>\n</graph>\n</graphml>\n", f);
    fclose(f);
    must_fail(p, NULL, NULL, TG_ERR_LIMIT, "long.graphml:4:", "longer than 1048576 bytes");
    TG_CHECK_NO_LEAK();
}

/* ---- CSV edge lists --------------------------------------------------- */

static void test_csv_values(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_graph *g = must_read(FILES "small.csv", NULL, -1, NULL);
    assert_false(tg_graph_is_directed(g));
    assert_int_equal(tg_graph_node_count(g), 4);
    assert_int_equal(tg_graph_edge_count(g), 4);
    const char *ids[] = {"a", "b", "c \"x\"", "d"};
    for (int v = 0; v < 4; v++) assert_string_equal(tg_graph_node_id(g, v), ids[v]);
    assert_string_equal(tg_graph_edge_id(g, 0), "ab");
    assert_null(tg_graph_edge_id(g, 1));
    assert_string_equal(tg_graph_edge_id(g, 2), "ca");
    assert_int_equal(tg_graph_attr_count(g, TG_EDGES), 3);
    const double *w = tg_graph_attr_doubles(g, TG_EDGES, col(g, TG_EDGES, "weight", TG_DOUBLE));
    assert_true(w[0] == 1.25 && w[1] == 2.0 && isnan(w[2]) && w[3] == 350.0);
    const char *const *k = tg_graph_attr_strings(g, TG_EDGES, col(g, TG_EDGES, "kind", TG_STRING));
    assert_string_equal(k[0], "pipe, cold");
    assert_string_equal(k[1], "valve");
    assert_null(k[2]);
    assert_string_equal(k[3], "multi\nline");
    const int64_t *n = tg_graph_attr_ints(g, TG_EDGES, col(g, TG_EDGES, "n", TG_INT));
    assert_int_equal(n[0], 3);
    assert_int_equal(n[1], TG_INT_MISSING);
    assert_int_equal(n[2], -7);
    assert_int_equal(n[3], 0);
    int64_t a, b;
    tg_graph_edge_ends(g, 3, &a, &b);
    assert_int_equal(a, 3);
    assert_int_equal(b, 0);
    tg_graph_free(&g);
    g = must_read(FILES "small.csv", NULL, 1, NULL);
    assert_true(tg_graph_is_directed(g));
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

static void test_csv_round_trip(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = awkward_graph(true);
    const char *p = tmp_path("rt.csv");
    assert_int_equal(tg_graph_write(g, p, NULL, msg), TG_OK);
    tg_graph *h = must_read(p, NULL, 1, NULL);
    /* An edge list carries edges only: the nodes here all have edges and
     * appear in first-sight order, which is their index order. */
    assert_same_graph(g, h, false);
    tg_graph_free(&h);
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

static void test_csv_bad(void **state)
{
    (void)state;
    tg_test_install_allocator();
    must_fail(BAD "truncated.csv", NULL, NULL, TG_ERR_PARSE, "truncated.csv:3:",
              "unterminated quoted field");
    must_fail(BAD "nan.csv", NULL, NULL, TG_ERR_NUMERIC, "nan.csv:3:", "NaN is not allowed");
    must_fail(BAD "huge.csv", NULL, NULL, TG_ERR_NUMERIC, "huge.csv:3:", "overflows the double range");
    must_fail(BAD "int_overflow.csv", NULL, NULL, TG_ERR_NUMERIC, "int_overflow.csv:3:",
              "integer overflows int64");
    must_fail(BAD "empty.csv", NULL, NULL, TG_ERR_PARSE, "empty.csv:1:", "file is empty");
    must_fail(BAD "columns.csv", NULL, NULL, TG_ERR_PARSE, "columns.csv:3:",
              "expected 3 fields (as the header), found 2");
    must_fail(BAD "empty_target.csv", NULL, NULL, TG_ERR_PARSE, "empty_target.csv:3:",
              "edge target '' is empty");
    must_fail(BAD "dup_edge_id.csv", NULL, NULL, TG_ERR_ID, "dup_edge_id.csv:4:",
              "duplicate edge id 'e1' (first on line 2)");
    TG_CHECK_NO_LEAK();
}

/* ---- matrices ---------------------------------------------------------- */

static void test_matrix(void **state)
{
    (void)state;
    tg_test_install_allocator();
    /* Symmetric: undirected, upper triangle, ids 1..N. */
    tg_graph *g = must_read(FILES "sym3.csv", "matrix", -1, NULL);
    assert_false(tg_graph_is_directed(g));
    assert_int_equal(tg_graph_node_count(g), 3);
    assert_string_equal(tg_graph_node_id(g, 0), "1");
    assert_string_equal(tg_graph_node_id(g, 2), "3");
    assert_int_equal(tg_graph_edge_count(g), 2);
    const double *w = tg_graph_attr_doubles(g, TG_EDGES, col(g, TG_EDGES, "weight", TG_DOUBLE));
    int64_t a, b;
    tg_graph_edge_ends(g, 0, &a, &b);
    assert_true(a == 0 && b == 1 && w[0] == 2.0);
    tg_graph_edge_ends(g, 1, &a, &b);
    assert_true(a == 1 && b == 2 && w[1] == 1.5);
    tg_graph_free(&g);
    /* Forced directed: both directions. */
    g = must_read(FILES "sym3.csv", "matrix", 1, FILES "labels3.txt");
    assert_true(tg_graph_is_directed(g));
    assert_int_equal(tg_graph_edge_count(g), 4);
    assert_string_equal(tg_graph_node_id(g, 1), "beta");
    tg_graph_free(&g);
    /* Asymmetric (tabs): directed, row-major order, diagonal ignored. */
    g = must_read(FILES "asym3.tsv", "matrix", -1, NULL);
    assert_true(tg_graph_is_directed(g));
    assert_int_equal(tg_graph_edge_count(g), 3);
    w = tg_graph_attr_doubles(g, TG_EDGES, 0);
    int64_t want[3][2] = {{0, 1}, {1, 2}, {2, 0}};
    double ww[3] = {1, 2, 3};
    for (int e = 0; e < 3; e++) {
        tg_graph_edge_ends(g, e, &a, &b);
        assert_true(a == want[e][0] && b == want[e][1] && w[e] == ww[e]);
    }
    tg_graph_free(&g);
    /* Header of labels, ';' delimiter. */
    g = must_read(FILES "header3.csv", "matrix", -1, NULL);
    assert_false(tg_graph_is_directed(g));
    assert_string_equal(tg_graph_node_id(g, 2), "z");
    assert_int_equal(tg_graph_edge_count(g), 1);
    tg_graph_free(&g);
    /* Real data (see the SOURCE.md files): 505 arcs, 697 edges. */
    const char *mac = "/work/shared/data/connectomes/bct_macaque47/macaque47.csv";
    if (access(mac, R_OK) == 0) {
        g = must_read(mac, "matrix", -1, "/work/shared/data/connectomes/bct_macaque47/labels.txt");
        assert_true(tg_graph_is_directed(g));
        assert_int_equal(tg_graph_node_count(g), 47);
        assert_int_equal(tg_graph_edge_count(g), 505);
        tg_graph_free(&g);
        g = must_read("/work/shared/data/connectomes/enigma_hcp/sc_dk68.csv", "matrix", -1, NULL);
        assert_false(tg_graph_is_directed(g));
        assert_int_equal(tg_graph_edge_count(g), 697);
        tg_graph_free(&g);
    }
    TG_CHECK_NO_LEAK();
}

static void test_matrix_bad(void **state)
{
    (void)state;
    tg_test_install_allocator();
    must_fail(BAD "nonsquare.matrix.csv", "matrix", NULL, TG_ERR_PARSE, "nonsquare.matrix.csv:2:",
              "not square: 3 columns but 2 rows");
    must_fail(BAD "type.matrix.csv", "matrix", NULL, TG_ERR_PARSE, "type.matrix.csv:2:",
              "column 2: 'abc' is not a number");
    must_fail(BAD "nan.matrix.csv", "matrix", NULL, TG_ERR_NUMERIC, "nan.matrix.csv:2:",
              "NaN is not allowed");
    must_fail(BAD "huge.matrix.csv", "matrix", NULL, TG_ERR_NUMERIC, "huge.matrix.csv:2:",
              "overflows the double range");
    must_fail(BAD "empty.matrix.csv", "matrix", NULL, TG_ERR_PARSE, "empty.matrix.csv:1:",
              "file is empty");
    must_fail(FILES "sym3.csv", "matrix", BAD "labels_short.txt", TG_ERR_PARSE,
              "labels_short.txt:2:", "2 labels for a 3 x 3 matrix");
    must_fail(FILES "sym3.csv", "matrix", BAD "labels_dup.txt", TG_ERR_ID, "labels_dup.txt:3:",
              "duplicate label 'alpha'");
    TG_CHECK_NO_LEAK();
}

/* ---- SQLite ------------------------------------------------------------ */

static void test_sqlite_round_trip(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    for (int d = 0; d < 2; d++) {
        tg_graph *g = awkward_graph(d);
        /* SQLite stores -0.0 as 0: the one value that does not survive. */
        assert_int_equal(tg_graph_set_double(g, TG_NODES, "x", 2, 0.0, msg), TG_OK);
        const char *p = tmp_path("rt.db");
        assert_int_equal(tg_graph_write(g, p, NULL, msg), TG_OK);
        assert_int_equal(tg_graph_write(g, p, NULL, msg), TG_OK);    /* replaces */
        tg_graph *h = must_read(p, NULL, -1, NULL);
        assert_same_graph(g, h, true);
        tg_graph_free(&h);
        tg_graph_free(&g);
    }
    TG_CHECK_NO_LEAK();
}

static void test_sqlite_bad(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = awkward_graph(true);
    const char *p = tmp_path("bad.db");
    assert_int_equal(tg_graph_write(g, p, "sqlite", msg), TG_OK);
    tg_graph_free(&g);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE edges SET target = 'ghost' WHERE idx = 3", 0, 0, 0), 0);
    sqlite3_close(db);
    must_fail(p, NULL, NULL, TG_ERR_ID, "table edges, idx 3", "target 'ghost' is not a node");
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE edges SET target = source; "
                                  "UPDATE nodes SET x = 'abc' WHERE id = 'n<2>'", 0, 0, 0), 0);
    sqlite3_close(db);
    must_fail(p, NULL, NULL, TG_ERR_TYPE, "table nodes, rowid 2", "column 'x' holds text, expected a REAL");
    must_fail(FILES "small.csv", "sqlite", NULL, TG_ERR_LIB, "small.csv", "not a database");
    TG_CHECK_NO_LEAK();
}

/* ---- writing ----------------------------------------------------------- */

static void test_write_atomic_and_dot(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = awkward_graph(true);
    const char *p = tmp_path("keep.graphml");
    FILE *f = fopen(p, "w");
    fputs("old content\n", f);
    fclose(f);
    /* A control character XML cannot carry: the write fails, the old file stays. */
    assert_int_equal(tg_graph_set_string(g, TG_NODES, "s", 0, "bell\a", msg), TG_OK);
    assert_int_equal(tg_graph_write(g, p, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "control character 0x07");
    char buf[64] = "";
    f = fopen(p, "r");
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "old content\n");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp >/dev/null", tmpdir);
    assert_int_not_equal(system(cmd), 0);   /* no temporary left behind */
    /* DOT. */
    const char *d = tmp_path("g.dot");
    assert_int_equal(tg_graph_write(g, d, NULL, msg), TG_OK);
    f = fopen(d, "r");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_msg_has(text, "digraph G {\n");
    assert_msg_has(text, "  \"n \\\"3\\\"\" [\"type\"=\"valve\", \"x\"=\"-0\", \"s\"=\"\"];\n");
    assert_msg_has(text, "  \"n&1\" -> \"n<2>\" [\"id\"=\"first\", \"w\"=\"1\"];\n");
    assert_msg_has(text, "\"label\"=\"x, \\\"y\\\"\"");
    assert_int_equal(tg_graph_write(g, tmp_path("x.unknown"), NULL, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_write(g, "/nonexistent_dir/x.csv", NULL, msg), TG_ERR_IO);
    tg_graph_free(&g);
    assert_string_equal(tg_graph_format_from_path("a/b.GraphML"), "graphml");
    assert_string_equal(tg_graph_format_from_path("x.tsv"), "csv");
    assert_string_equal(tg_graph_format_from_path("x.gv"), "dot");
    assert_string_equal(tg_graph_format_from_path("x.twin"), "sqlite");
    assert_null(tg_graph_format_from_path("x.d/noext"));
    TG_CHECK_NO_LEAK();
}

/* ---- out of memory ----------------------------------------------------- */

static void test_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *files[][2] = {{FILES "small.graphml", NULL}, {FILES "small.csv", NULL},
                              {FILES "sym3.csv", "matrix"}};
    for (int k = 0; k < 3; k++) {
        tg_graph *g = NULL;
        tg_status s = TG_ERR_NOMEM;
        char msg[TG_MSG_LEN];
        tg_read_opts o = {.format = files[k][1], .directed = -1};
        TG_OOM_LOOP(
            {
                s = tg_graph_read(files[k][0], &o, &g, msg);
                if (s != TG_OK) {
                    assert_int_equal(s, TG_ERR_NOMEM);
                    assert_null(g);
                }
                tg_graph_free(&g);
            },
            s == TG_OK);
        assert_int_equal(s, TG_OK);
    }
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graphml_values),
        cmocka_unit_test(test_graphml_round_trip),
        cmocka_unit_test(test_graphml_bad),
        cmocka_unit_test(test_graphml_entities_refused),
        cmocka_unit_test(test_graphml_long_value),
        cmocka_unit_test(test_csv_values),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_bad),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_matrix_bad),
        cmocka_unit_test(test_sqlite_round_trip),
        cmocka_unit_test(test_sqlite_bad),
        cmocka_unit_test(test_write_atomic_and_dot),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
