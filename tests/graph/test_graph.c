/* test_graph.c: the tg_graph structure: ids, types, attributes, removal,
 * subgraphs, the simple undirected view, derived GraphBLAS matrices, and
 * argument errors.  Expected values are worked out by hand in comments. */
#include "../test_util.h"

#include <math.h>

#include "graph/tg_graph.h"

/* a -> b -> c -> a, c -> d, d -> d (loop), a -> b again (parallel) */
static tg_graph *small_graph(bool directed)
{
    tg_graph *g = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_graph_new(&g, directed, msg), TG_OK);
    const char *ids[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(tg_graph_add_node(g, ids[i], i < 2 ? "valve" : "pipe", NULL, msg), TG_OK);
    const int64_t ends[] = {0, 1, 1, 2, 2, 0, 2, 3, 3, 3, 0, 1};
    for (int e = 0; e < 6; e++) {
        int64_t idx;
        char eid[8];
        snprintf(eid, sizeof eid, "e%d", e);
        assert_int_equal(tg_graph_add_edge(g, eid, ends[2 * e], ends[2 * e + 1], &idx, msg), TG_OK);
        assert_int_equal(idx, e);
        assert_int_equal(tg_graph_set_double(g, TG_EDGES, "w", e, 1.0 + e, msg), TG_OK);
    }
    assert_int_equal(tg_graph_set_int(g, TG_NODES, "rank", 2, 7, msg), TG_OK);
    assert_int_equal(tg_graph_set_string(g, TG_NODES, "label", 3, "drain", msg), TG_OK);
    return g;
}

static void test_ids_types_attrs(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = small_graph(true);
    assert_int_equal(tg_graph_node_count(g), 4);
    assert_int_equal(tg_graph_edge_count(g), 6);
    assert_int_equal(tg_graph_node_index(g, "c"), 2);
    assert_int_equal(tg_graph_node_index(g, "zz"), -1);
    assert_string_equal(tg_graph_node_type(g, 0), "valve");
    assert_string_equal(tg_graph_node_type(g, 3), "pipe");
    assert_string_equal(tg_graph_edge_id(g, 4), "e4");
    assert_int_equal(tg_graph_edge_index(g, "e5"), 5);
    int64_t a, b;
    tg_graph_edge_ends(g, 2, &a, &b);
    assert_int_equal(a, 2);
    assert_int_equal(b, 0);
    assert_int_equal(tg_graph_find_edge(g, 0, 1), 0);
    assert_int_equal(tg_graph_find_edge(g, 1, 0), -1);   /* directed */
    int col = tg_graph_attr_find(g, TG_NODES, "rank");
    assert_true(col >= 0);
    assert_int_equal(tg_graph_attr_ints(g, TG_NODES, col)[2], 7);
    assert_true(tg_graph_attr_ints(g, TG_NODES, col)[0] == TG_INT_MISSING);
    col = tg_graph_attr_find(g, TG_NODES, "label");
    assert_null(tg_graph_attr_strings(g, TG_NODES, col)[0]);
    assert_string_equal(tg_graph_attr_strings(g, TG_NODES, col)[3], "drain");

    /* Errors: duplicate ids, empty ids, type clash, reserved names, ranges. */
    assert_int_equal(tg_graph_add_node(g, "a", NULL, NULL, msg), TG_ERR_ID);
    assert_msg_has(msg, "duplicate node id 'a'");
    assert_int_equal(tg_graph_add_node(g, "", NULL, NULL, msg), TG_ERR_ID);
    assert_int_equal(tg_graph_add_edge(g, "e1", 0, 1, NULL, msg), TG_ERR_ID);
    assert_msg_has(msg, "duplicate edge id 'e1'");
    assert_int_equal(tg_graph_add_edge(g, NULL, 0, 9, NULL, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_set_double(g, TG_NODES, "rank", 0, 1.5, msg), TG_ERR_TYPE);
    assert_msg_has(msg, "'rank' is int, not double");
    assert_int_equal(tg_graph_attr_add(g, TG_NODES, "type", TG_STRING, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_set_double(g, TG_EDGES, "w", 6, 1.0, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_node_count(g), 4);   /* nothing changed */
    assert_int_equal(tg_graph_edge_count(g), 6);

    double w[6];
    assert_int_equal(tg_graph_attr_numeric(g, TG_EDGES, "w", true, w, msg), TG_OK);
    assert_true(w[5] == 6.0);
    assert_int_equal(tg_graph_set_double(g, TG_EDGES, "w", 3, NAN, msg), TG_OK);
    assert_int_equal(tg_graph_attr_numeric(g, TG_EDGES, "w", true, w, msg), TG_ERR_NUMERIC);
    assert_msg_has(msg, "edge 'e3': attribute 'w' is missing or NaN");
    tg_graph_free(&g);
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

static void test_remove_and_subgraph(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = small_graph(true);
    /* Removing b drops e0 (a->b), e1 (b->c), e5 (a->b). */
    int64_t rm = 1;
    assert_int_equal(tg_graph_remove_nodes(g, 1, &rm, msg), TG_OK);
    assert_int_equal(tg_graph_node_count(g), 3);
    assert_int_equal(tg_graph_edge_count(g), 3);
    assert_int_equal(tg_graph_node_index(g, "b"), -1);
    assert_int_equal(tg_graph_node_index(g, "d"), 2);
    assert_string_equal(tg_graph_edge_id(g, 0), "e2");
    int col = tg_graph_attr_find(g, TG_EDGES, "w");
    assert_true(tg_graph_attr_doubles(g, TG_EDGES, col)[0] == 3.0);   /* e2 kept its value */
    col = tg_graph_attr_find(g, TG_NODES, "rank");
    assert_int_equal(tg_graph_attr_ints(g, TG_NODES, col)[1], 7);     /* c is now index 1 */
    int64_t bad = 5;
    assert_int_equal(tg_graph_remove_nodes(g, 1, &bad, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_node_count(g), 3);
    int64_t re = 1;   /* e3: c -> d */
    assert_int_equal(tg_graph_remove_edges(g, 1, &re, msg), TG_OK);
    assert_int_equal(tg_graph_edge_count(g), 2);
    assert_int_equal(tg_graph_edge_index(g, "e3"), -1);

    tg_graph *h = NULL, *s = NULL;
    tg_graph_free(&g);
    g = small_graph(true);
    int64_t keep[] = {2, 0};   /* c, a: edge e2 c->a only */
    assert_int_equal(tg_graph_subgraph(g, 2, keep, &s, msg), TG_OK);
    assert_int_equal(tg_graph_node_count(s), 2);
    assert_string_equal(tg_graph_node_id(s, 0), "c");
    assert_int_equal(tg_graph_edge_count(s), 1);
    int64_t twice[] = {1, 1};
    assert_int_equal(tg_graph_subgraph(g, 2, twice, &h, msg), TG_ERR_ARG);
    assert_null(h);
    tg_graph_free(&s);

    /* Simple undirected view: {a,b} x3 merged (w 1+6+... ), loop dropped. */
    assert_int_equal(tg_graph_undirected_simple(g, "w", &h, msg), TG_OK);
    assert_false(tg_graph_is_directed(h));
    /* pairs: ab (e0 w1, e5 w6) -> 7; bc (e1) -> 2; ca (e2) -> 3; cd (e3) -> 4 */
    assert_int_equal(tg_graph_edge_count(h), 4);
    col = tg_graph_attr_find(h, TG_EDGES, "w");
    const double *wv = tg_graph_attr_doubles(h, TG_EDGES, col);
    int64_t e = tg_graph_find_edge(h, 0, 1);
    assert_true(e >= 0 && wv[e] == 7.0);
    e = tg_graph_find_edge(h, 2, 0);
    assert_true(e >= 0 && wv[e] == 3.0);
    tg_graph_free(&h);
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

static void test_select(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_graph *g = small_graph(false);
    int64_t *sel = NULL, n = 0;
    assert_int_equal(tg_graph_select_nodes(g, "type", "==", 0, "pipe", &sel, &n, msg), TG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sel[0], 2);
    assert_int_equal(sel[1], 3);
    tg_free(sel);
    assert_int_equal(tg_graph_select_nodes(g, "rank", ">=", 7, NULL, &sel, &n, msg), TG_OK);
    assert_int_equal(n, 1);
    tg_free(sel);
    assert_int_equal(tg_graph_select_nodes(g, "rank", "=~", 7, NULL, &sel, &n, msg), TG_ERR_ARG);
    assert_null(sel);
    assert_int_equal(tg_graph_select_nodes(g, "nope", "<", 7, NULL, &sel, &n, msg), TG_ERR_ARG);
    assert_msg_has(msg, "no node attribute 'nope'");
    tg_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

static double entry(GrB_Matrix M, GrB_Index i, GrB_Index j)
{
    double x = 0;
    GrB_Info info = GrB_Matrix_extractElement_FP64(&x, M, i, j);
    return info == GrB_SUCCESS ? x : 0.0;
}

static void test_matrices(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    /* Path a - b - c, weights 2 and 3, undirected. */
    assert_int_equal(tg_graph_new(&g, false, msg), TG_OK);
    tg_graph_add_node(g, "a", NULL, NULL, msg);
    tg_graph_add_node(g, "b", NULL, NULL, msg);
    tg_graph_add_node(g, "c", NULL, NULL, msg);
    tg_graph_add_edge(g, NULL, 0, 1, NULL, msg);
    tg_graph_add_edge(g, NULL, 1, 2, NULL, msg);
    tg_graph_set_double(g, TG_EDGES, "w", 0, 2.0, msg);
    tg_graph_set_double(g, TG_EDGES, "w", 1, 3.0, msg);
    GrB_Matrix A, L, N, A2;
    assert_int_equal(tg_graph_adjacency(g, "w", &A, msg), TG_OK);
    assert_true(entry(A, 0, 1) == 2.0 && entry(A, 1, 0) == 2.0 && entry(A, 2, 1) == 3.0);
    assert_int_equal(tg_graph_adjacency(g, "w", &A2, msg), TG_OK);
    assert_ptr_equal(A, A2);   /* cached */
    /* L = D - A: diag (2, 5, 3), off-diagonal -w. */
    assert_int_equal(tg_graph_laplacian(g, "w", &L, msg), TG_OK);
    assert_true(entry(L, 0, 0) == 2.0 && entry(L, 1, 1) == 5.0 && entry(L, 2, 2) == 3.0);
    assert_true(entry(L, 0, 1) == -2.0 && entry(L, 2, 1) == -3.0 && entry(L, 0, 2) == 0.0);
    /* Unweighted GCN normalisation: A + I row sums d = (2, 3, 2);
     * N(i,j) = 1 / sqrt(d_i d_j). */
    assert_int_equal(tg_graph_normalized_adjacency(g, NULL, &N, msg), TG_OK);
    assert_true(fabs(entry(N, 0, 0) - 0.5) < 1e-15);
    assert_true(fabs(entry(N, 0, 1) - 1.0 / sqrt(6.0)) < 1e-15);
    assert_true(fabs(entry(N, 1, 1) - 1.0 / 3.0) < 1e-15);
    assert_true(entry(N, 0, 2) == 0.0);
    /* A change drops the caches. */
    tg_graph_add_edge(g, NULL, 0, 2, NULL, msg);
    tg_graph_set_double(g, TG_EDGES, "w", 2, 1.0, msg);
    assert_int_equal(tg_graph_adjacency(g, "w", &A, msg), TG_OK);
    assert_true(entry(A, 0, 2) == 1.0);
    /* Bad weights are refused with the edge named. */
    tg_graph_set_double(g, TG_EDGES, "w", 1, -1.0, msg);
    assert_int_equal(tg_graph_adjacency(g, "w", &A, msg), TG_ERR_ARG);
    assert_msg_has(msg, "negative");
    tg_graph_free(&g);
}

/* Build and edit a graph; every step may fail under OOM injection. */
static tg_status build_and_edit(void)
{
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL, *h = NULL;
    tg_status s = tg_graph_new(&g, true, msg);
    const char *ids[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; s == TG_OK && i < 5; i++) s = tg_graph_add_node(g, ids[i], "t", NULL, msg);
    for (int i = 0; s == TG_OK && i < 4; i++) s = tg_graph_add_edge(g, i ? NULL : "x", i, i + 1, NULL, msg);
    if (s == TG_OK) s = tg_graph_set_string(g, TG_NODES, "label", 1, "bee", msg);
    if (s == TG_OK) s = tg_graph_set_double(g, TG_EDGES, "w", 0, 1.5, msg);
    int64_t rm = 2;
    if (s == TG_OK) s = tg_graph_remove_nodes(g, 1, &rm, msg);
    if (s == TG_OK) s = tg_graph_undirected_simple(g, "w", &h, msg);
    if (s == TG_OK && (tg_graph_node_count(h) != 4 || tg_graph_edge_count(h) != 2)) s = TG_ERR_ARG;
    tg_graph_free(&h);
    tg_graph_free(&g);
    return s;
}

static void test_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_status st = TG_ERR_NOMEM;
    TG_OOM_LOOP(st = build_and_edit(), st == TG_OK);
    assert_int_equal(st, TG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_types_attrs),
        cmocka_unit_test(test_remove_and_subgraph),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_matrices),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
