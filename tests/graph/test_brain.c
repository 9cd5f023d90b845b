/* test_brain.c: brain-connectivity measures against BCT conventions.
 *
 * Golden values: tests/graph/files/brain_golden.txt, written by
 * tests/graph/make_brain_golden.py (numpy re-implementation of the BCT
 * MATLAB formulas, each cross-checked there against python-networkx where
 * networkx has the measure).  BCT's own MATLAB outputs (participation
 * coefficient and within-module z-score of bctpy's 138-node sample at
 * threshold 0.4, shipped in data/connectomes/bctpy_sample138) are compared
 * directly.  Deterministic measures must agree to 1e-9 (relative to
 * max(1, |value|)). */
#include "../test_util.h"

#include <math.h>
#include <zlib.h>

#include "graph/tg_graph.h"

#define TOL 1e-9

/* ---- golden file ------------------------------------------------------- */

typedef struct golden { char key[96]; double *v; int64_t n; } golden;
static golden G[256];
static int NG;

static void load_golden(void)
{
    if (NG) return;
    FILE *f = fopen("tests/graph/files/brain_golden.txt", "r");
    assert_non_null(f);
    static char line[1 << 16];
    while (fgets(line, sizeof line, f) && NG < 256) {
        char *p = line, *e;
        golden *g = &G[NG];
        size_t k = strcspn(p, " ");
        memcpy(g->key, p, k);
        g->key[k] = 0;
        p += k;
        g->v = malloc(sizeof(double) * 1024);
        g->n = 0;
        for (;;) {
            double x = strtod(p, &e);
            if (e == p) break;
            g->v[g->n++] = x;
            p = e;
        }
        NG++;
    }
    fclose(f);
}

static const golden *gold(const char *key)
{
    load_golden();
    for (int i = 0; i < NG; i++)
        if (strcmp(G[i].key, key) == 0) return &G[i];
    fail_msg("no golden value %s", key);
    return NULL;
}

static void check_vec(const char *key, const double *got, int64_t n)
{
    const golden *g = gold(key);
    assert_int_equal(g->n, n);
    for (int64_t i = 0; i < n; i++) {
        double want = g->v[i];
        if (isnan(want)) {
            if (!isnan(got[i])) fail_msg("%s[%lld]: got %.17g, want NaN", key, (long long)i, got[i]);
            continue;
        }
        if (isinf(want)) {
            if (got[i] != want) fail_msg("%s[%lld]: got %.17g, want %g", key, (long long)i, got[i], want);
            continue;
        }
        double err = fabs(got[i] - want) / fmax(1, fabs(want));
        if (!(err <= TOL)) fail_msg("%s[%lld]: got %.17g, want %.17g", key, (long long)i, got[i], want);
    }
}

static void check_one(const char *key, double got) { check_vec(key, &got, 1); }

/* ---- data --------------------------------------------------------------- */

static double *load_matrix(const char *path, int64_t *n)
{
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    tg_read_opts o = {"matrix", 1, NULL, 0};
    if (tg_graph_read(path, &o, &g, msg) != TG_OK) fail_msg("%s", msg);
    *n = tg_graph_node_count(g);
    double *W = tg_malloc(sizeof *W * (size_t)(*n * *n));
    assert_int_equal(tg_graph_brain_matrix(g, "weight", W, msg), TG_OK);
    tg_graph_free(&g);
    return W;
}

static double *sample138(int64_t *n, double p)
{
    char msg[TG_MSG_LEN];
    double *W = load_matrix("data/connectomes/bctpy_sample138/sample_data.csv", n);
    assert_int_equal(tg_graph_brain_threshold_proportional(W, *n, p, msg), TG_OK);
    return W;
}

static void read_column(const char *path, double *out, int64_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    for (int64_t i = 0; i < n; i++) assert_int_equal(fscanf(f, "%lf", &out[i]), 1);
    fclose(f);
}

/* No shipped connectome is signed: ENIGMA's FC minus 0.3, about its median (as in
 * make_brain_golden.py), zero diagonal. */
static double *signed_fc(int64_t *n)
{
    double *W = load_matrix("data/connectomes/enigma_hcp/fc_dk68.csv", n);
    for (int64_t k = 0; k < *n * *n; k++) W[k] -= 0.3;
    tg_graph_brain_zero_diagonal(W, *n);
    return W;
}

/* Every golden measure of one case. */
static void check_case(const char *name, const double *W, int64_t n, bool directed, bool weighted)
{
    char msg[TG_MSG_LEN], key[128];
    double *v = tg_malloc(sizeof *v * (size_t)n), *L = tg_malloc(sizeof *L * (size_t)(n * n));
    double *A = tg_malloc(sizeof *A * (size_t)(n * n)), *D = tg_malloc(sizeof *D * (size_t)(n * n));
    double x;
#define K(m) (snprintf(key, sizeof key, "%s.%s", name, m), key)
    tg_graph_brain_degree(W, n, directed, v, NULL, NULL);
    check_vec(K("degree"), v, n);
    tg_graph_brain_strength(W, n, directed, v, NULL, NULL);
    check_vec(K("strength"), v, n);
    assert_int_equal(tg_graph_brain_clustering(W, n, directed, weighted, v, msg), TG_OK);
    check_vec(K("clustering"), v, n);
    assert_int_equal(tg_graph_brain_clustering(W, n, directed, false, v, msg), TG_OK);
    check_vec(K("clustering_bin"), v, n);
    assert_int_equal(tg_graph_brain_transitivity(W, n, directed, weighted, &x, msg), TG_OK);
    check_one(K("transitivity"), x);
    assert_int_equal(tg_graph_brain_transitivity(W, n, directed, false, &x, msg), TG_OK);
    check_one(K("transitivity_bin"), x);
    memcpy(A, W, sizeof *A * (size_t)(n * n));
    tg_graph_brain_binarize(A, n);
    assert_int_equal(tg_graph_brain_lengths(W, n, 0, L, msg), TG_OK);
    const double *LL = weighted ? L : A;
    assert_int_equal(tg_graph_brain_distance(LL, n, weighted, D, NULL, msg), TG_OK);
    double lam, eff;
    assert_int_equal(tg_graph_brain_charpath(D, n, false, &lam, &eff, NULL, NULL, NULL, msg), TG_OK);
    check_one(K("lambda_finite"), lam);
    check_one(K("efficiency"), eff);
    assert_int_equal(tg_graph_brain_charpath(D, n, true, &lam, NULL, NULL, NULL, NULL, msg), TG_OK);
    check_one(K("lambda"), lam);
    assert_int_equal(tg_graph_brain_efficiency(W, n, weighted, &x, msg), TG_OK);
    check_one(K("efficiency"), x);
    assert_int_equal(tg_graph_brain_efficiency(W, n, false, &x, msg), TG_OK);
    check_one(K("efficiency_bin"), x);
    assert_int_equal(tg_graph_brain_local_efficiency(W, n, false, 1, v, msg), TG_OK);
    check_vec(K("local_efficiency_bin"), v, n);
    if (weighted) {
        assert_int_equal(tg_graph_brain_local_efficiency(W, n, true, 1, v, msg), TG_OK);
        check_vec(K("local_efficiency1"), v, n);
        assert_int_equal(tg_graph_brain_local_efficiency(W, n, true, 2, v, msg), TG_OK);
        check_vec(K("local_efficiency2"), v, n);
    }
    assert_int_equal(tg_graph_brain_betweenness(LL, n, weighted, v, msg), TG_OK);
    check_vec(K("betweenness"), v, n);
    assert_int_equal(tg_graph_brain_betweenness(A, n, false, v, msg), TG_OK);
    check_vec(K("betweenness_bin"), v, n);
    assert_int_equal(tg_graph_brain_assortativity(W, n, directed, weighted, &x, msg), TG_OK);
    check_one(K("assortativity"), x);
    assert_int_equal(tg_graph_brain_assortativity(W, n, directed, false, &x, msg), TG_OK);
    check_one(K("assortativity_bin"), x);
    double R[12];
    assert_int_equal(tg_graph_brain_rich_club(W, n, directed, false, 12, R, msg), TG_OK);
    check_vec(K("rich_club_bin"), R, 12);
    if (weighted) {
        assert_int_equal(tg_graph_brain_rich_club(W, n, directed, true, 12, R, msg), TG_OK);
        check_vec(K("rich_club_wei"), R, 12);
    }
    {
        int64_t *core = tg_malloc(sizeof *core * (size_t)n);
        assert_int_equal(tg_graph_brain_coreness(W, n, directed, core, msg), TG_OK);
        for (int64_t i = 0; i < n; i++) v[i] = (double)core[i];
        check_vec(K("coreness"), v, n);
        /* The same measures on a prebuilt sparse view (what tg.Connectome
         * caches): the same goldens, and bit for bit the dense values. */
        tg_brain_adj *adj = NULL;
        assert_int_equal(tg_graph_brain_adj_new(W, n, directed, &adj, msg), TG_OK);
        assert_int_equal(tg_graph_brain_adj_nodes(adj), n);
        assert_true(tg_graph_brain_adj_is_directed(adj) == directed);
        int64_t nz = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) nz += i != j && W[i * n + j] != 0;
        assert_int_equal(tg_graph_brain_adj_entries(adj), nz);
        int64_t *core2 = tg_malloc(sizeof *core2 * (size_t)n);
        assert_int_equal(tg_graph_brain_coreness_adj(adj, core2, msg), TG_OK);
        assert_memory_equal(core, core2, sizeof *core * (size_t)n);
        double y;
        for (int w = 0; w < 2; w++) {
            assert_int_equal(tg_graph_brain_assortativity_adj(adj, w, &y, msg), TG_OK);
            assert_int_equal(tg_graph_brain_assortativity(W, n, directed, w, &x, msg), TG_OK);
            assert_memory_equal(&x, &y, sizeof x);
            if (!w) check_one(K("assortativity_bin"), y);
            else if (weighted) check_one(K("assortativity"), y);
        }
        tg_graph_brain_adj_free(&adj);
        assert_null(adj);
        tg_graph_brain_adj_free(&adj);
        tg_free(core2);
        tg_free(core);
    }
#undef K
    tg_free(v);
    tg_free(L);
    tg_free(A);
    tg_free(D);
}

/* The 638-region crossley pair, stored gzipped: read through the matrix
 * reader's gzip path, measures against make_brain_golden.py's case_light
 * (numpy on numpy's own gzip read, cross-checked with networkx). */
static void check_crossley(const char *name, const char *path)
{
    char msg[TG_MSG_LEN], key[128];
    int64_t n;
    double *W = load_matrix(path, &n);
    assert_int_equal(n, 638);
    double *v = tg_malloc(sizeof *v * (size_t)n), x;
    int64_t *core = tg_malloc(sizeof *core * (size_t)n);
#define K(m) (snprintf(key, sizeof key, "%s.%s", name, m), key)
    tg_graph_brain_degree(W, n, false, v, NULL, NULL);
    check_vec(K("degree"), v, n);
    tg_graph_brain_strength(W, n, false, v, NULL, NULL);
    check_vec(K("strength"), v, n);
    assert_int_equal(tg_graph_brain_clustering(W, n, false, true, v, msg), TG_OK);
    check_vec(K("clustering"), v, n);
    assert_int_equal(tg_graph_brain_transitivity(W, n, false, false, &x, msg), TG_OK);
    check_one(K("transitivity_bin"), x);
    assert_int_equal(tg_graph_brain_efficiency(W, n, false, &x, msg), TG_OK);
    check_one(K("efficiency_bin"), x);
    tg_brain_adj *adj = NULL;
    assert_int_equal(tg_graph_brain_adj_new(W, n, false, &adj, msg), TG_OK);
    assert_int_equal(tg_graph_brain_assortativity_adj(adj, true, &x, msg), TG_OK);
    check_one(K("assortativity"), x);
    assert_int_equal(tg_graph_brain_assortativity_adj(adj, false, &x, msg), TG_OK);
    check_one(K("assortativity_bin"), x);
    assert_int_equal(tg_graph_brain_coreness_adj(adj, core, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) v[i] = (double)core[i];
    check_vec(K("coreness"), v, n);
#undef K
    tg_graph_brain_adj_free(&adj);
    tg_free(core);
    tg_free(v);
    tg_free(W);
}

static void test_crossley638_gz(void **state)
{
    (void)state;
    tg_test_install_allocator();
    check_crossley("x638rs", "data/connectomes/crossley638/group_average_rsfmri.csv.gz");
    check_crossley("x638co", "data/connectomes/crossley638/coactivation.csv.gz");
    /* A small gzipped matrix: read as the plain one, every allocation
     * failing in turn; a truncated stream is rejected with the reason. */
    char msg[TG_MSG_LEN];
    const char *gz = "/tmp/tg_brain_test_m.csv.gz", *cut = "/tmp/tg_brain_test_cut.csv.gz";
    static const char text[] = "a,b,c\n0,1,0.5\n1,0,0\n0.5,0,0\n";
    gzFile z = gzopen(gz, "wb");
    assert_non_null(z);
    assert_int_equal(gzwrite(z, text, (unsigned)strlen(text)), (int)strlen(text));
    assert_int_equal(gzclose(z), Z_OK);
    tg_read_opts o = {"matrix", -1, NULL, 0};
    tg_graph *g = NULL;
    tg_status s;
    TG_OOM_LOOP(s = tg_graph_read(gz, &o, &g, msg); tg_graph_free(&g), s == TG_OK);
    assert_int_equal(tg_graph_read(gz, &o, &g, msg), TG_OK);
    assert_int_equal(tg_graph_node_count(g), 3);
    assert_int_equal(tg_graph_edge_count(g), 2);
    assert_string_equal(tg_graph_node_id(g, 2), "c");
    tg_graph_free(&g);
    FILE *f = fopen(gz, "rb"), *h = fopen(cut, "wb");
    assert_true(f && h);
    char buf[256];
    size_t len = fread(buf, 1, sizeof buf, f);
    assert_true(len > 20);
    assert_int_equal(fwrite(buf, 1, len - 12, h), len - 12);   /* drop data and trailer */
    fclose(f);
    fclose(h);
    g = (tg_graph *)buf;
    assert_int_equal(tg_graph_read(cut, &o, &g, msg), TG_ERR_PARSE);
    assert_null(g);
    assert_msg_has(msg, "corrupt or truncated gzip");
    assert_msg_has(msg, cut);
    assert_int_equal(tg_graph_read("/tmp/tg_brain_no_such.csv.gz", &o, &g, msg), TG_ERR_IO);
    assert_msg_has(msg, "cannot open");
    remove(gz);
    remove(cut);
    TG_CHECK_NO_LEAK();
}

static void check_partition(const char *name, const double *W, int64_t n, bool sign)
{
    char msg[TG_MSG_LEN], key[128];
    snprintf(key, sizeof key, "%s.partition", name);
    const golden *g = gold(key);
    int64_t *ci = tg_malloc(sizeof *ci * (size_t)n);
    double *v = tg_malloc(sizeof *v * (size_t)n), q;
    for (int64_t i = 0; i < n; i++) ci[i] = (int64_t)g->v[i];
    assert_int_equal(tg_graph_brain_participation(W, n, ci, TG_ALL, v, msg), TG_OK);
    snprintf(key, sizeof key, "%s.participation", name);
    check_vec(key, v, n);
    assert_int_equal(tg_graph_brain_module_zscore(W, n, ci, TG_ALL, v, msg), TG_OK);
    snprintf(key, sizeof key, "%s.zscore", name);
    check_vec(key, v, n);
    const double gammas[] = {1.0, 0.5, 2.0};
    for (int k = 0; k < 3; k++)
        for (int s = sign ? 1 : 0; s <= (sign ? 2 : 0); s++) {
            assert_int_equal(tg_graph_brain_modularity(W, n, ci, gammas[k], (tg_brain_signed)s, &q, msg), TG_OK);
            snprintf(key, sizeof key, "%s.modularity_g%g_s%d", name, gammas[k], s);
            check_one(key, q);
        }
    tg_free(ci);
    tg_free(v);
}

static void test_sample138(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int64_t n;
    double *W = sample138(&n, 0.4);
    assert_int_equal(n, 138);
    double sum = 0;
    for (int64_t k = 0; k < n * n; k++) sum += W[k];
    check_one("thr.sample138_p04_sum", sum);
    check_case("s138", W, n, false, true);
    check_partition("s138", W, n, false);
    tg_free(W);
    W = sample138(&n, 0.23);
    int64_t e = 0;
    for (int64_t k = 0; k < n * n; k++) e += W[k] != 0;
    check_one("thr.sample138_p023_edges", (double)e / 2);
    /* bctpy's test figures (MATLAB BCT) on thr(0.23): sum of Onnela
     * clustering 187.95878414, transitivity 1.32927829 (8 digits given). */
    double *c = tg_malloc(sizeof *c * (size_t)n), t;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_graph_brain_clustering(W, n, false, true, c, msg), TG_OK);
    sum = 0;
    for (int64_t i = 0; i < n; i++) sum += c[i];
    assert_true(fabs(sum - 187.95878414) < 1e-8);
    assert_int_equal(tg_graph_brain_transitivity(W, n, false, true, &t, msg), TG_OK);
    assert_true(fabs(t - 1.32927829) < 1e-8);
    tg_free(c);
    tg_free(W);
    W = sample138(&n, 0.02);
    check_case("s138sparse", W, n, false, true);
    tg_free(W);
    TG_CHECK_NO_LEAK();
}

/* BCT's own MATLAB outputs shipped with bctpy's tests. */
static void test_bct_shipped(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int64_t n;
    double *W = sample138(&n, 0.4);
    double ci_d[138], pc[138], zi[138], v[138];
    int64_t ci[138];
    char msg[TG_MSG_LEN];
    read_column("data/connectomes/bctpy_sample138/sample_partition.txt", ci_d, n);
    read_column("data/connectomes/bctpy_sample138/sample_pc.txt", pc, n);
    read_column("data/connectomes/bctpy_sample138/sample_zi.txt", zi, n);
    for (int64_t i = 0; i < n; i++) ci[i] = (int64_t)ci_d[i] - 1;
    assert_int_equal(tg_graph_brain_participation(W, n, ci, TG_ALL, v, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) assert_true(fabs(v[i] - pc[i]) < 1e-12);
    assert_int_equal(tg_graph_brain_module_zscore(W, n, ci, TG_ALL, v, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) assert_true(fabs(v[i] - zi[i]) < 1e-12);
    /* Published figures: bctpy's test/nodals_tests.py (test_glob_eff,
     * test_loc_eff) on sample_data thresholded at 0.4 gives BCT's
     * efficiency_wei global efficiency 1.8784 and the sum of its local
     * efficiency (the original, local=1) 315.6225, both printed to 4
     * decimals, so 1e-4 is the resolution of the published values (bctpy
     * itself asserts atol 1e-4 and 0.1).  The full-precision values are
     * the goldens s138.efficiency and s138.local_efficiency1
     * (make_brain_golden.py), checked here at TOL as well. */
    double e;
    assert_int_equal(tg_graph_brain_efficiency(W, n, true, &e, msg), TG_OK);
    assert_true(fabs(e - 1.8784) < 1e-4);
    check_one("s138.efficiency", e);
    assert_int_equal(tg_graph_brain_local_efficiency(W, n, true, 1, v, msg), TG_OK);
    check_vec("s138.local_efficiency1", v, n);
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += v[i];
    assert_true(fabs(s - 315.6225) < 1e-4);
    tg_free(W);
    TG_CHECK_NO_LEAK();
}

static void test_other_connectomes(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int64_t n;
    double *W = load_matrix("data/connectomes/bct_macaque47/macaque47.csv", &n);
    check_case("mac47", W, n, true, false);
    check_partition("mac47", W, n, false);
    tg_free(W);
    W = load_matrix("data/connectomes/bct_cat/cat_ctx.csv", &n);
    check_case("cat", W, n, true, true);
    check_partition("cat", W, n, false);
    tg_free(W);
    W = load_matrix("data/connectomes/enigma_hcp/sc_dk68.csv", &n);
    tg_graph_brain_normalize(W, n);
    check_case("sc68", W, n, false, true);
    check_partition("sc68", W, n, false);
    tg_free(W);
    W = signed_fc(&n);
    char key[64], msg[TG_MSG_LEN];
    double *v = tg_malloc(sizeof *v * (size_t)n);
    tg_graph_brain_degree(W, n, false, v, NULL, NULL);
    check_vec("fc68.degree", v, n);
    tg_graph_brain_strength(W, n, false, v, NULL, NULL);
    check_vec("fc68.strength", v, n);
    /* Signed assortativity (BCT): edges are the positive entries, while
     * degrees count every nonzero and strengths sum the signed weights;
     * golden from make_brain_golden.py's assort.  Dense and sparse agree
     * bit for bit.  fc68 is complete (binary value NaN: equal degrees);
     * fc68t, with |w| < 0.2 set to 0, has varying degrees. */
    for (int t = 0; t < 2; t++) {
        double x, y;
        tg_brain_adj *adj = NULL;
        if (t)
            for (int64_t k = 0; k < n * n; k++)
                if (fabs(W[k]) < 0.2) W[k] = 0;
        assert_int_equal(tg_graph_brain_adj_new(W, n, false, &adj, msg), TG_OK);
        for (int w = 0; w < 2; w++) {
            assert_int_equal(tg_graph_brain_assortativity(W, n, false, w, &x, msg), TG_OK);
            assert_int_equal(tg_graph_brain_assortativity_adj(adj, w, &y, msg), TG_OK);
            assert_memory_equal(&x, &y, sizeof x);
            snprintf(key, sizeof key, "%s.assortativity%s", t ? "fc68t" : "fc68", w ? "" : "_bin");
            check_one(key, x);
        }
        tg_graph_brain_adj_free(&adj);
    }
    tg_free(W);
    W = signed_fc(&n);
    snprintf(key, sizeof key, "fc68");
    check_partition(key, W, n, true);
    tg_free(v);
    tg_free(W);
    TG_CHECK_NO_LEAK();
}

/* Louvain is a heuristic: held to igraph's multilevel on the same graph,
 * to the modularity it reports, and to determinism per seed. */
static void test_louvain(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int64_t n;
    char msg[TG_MSG_LEN];
    double *W = sample138(&n, 0.4);
    int64_t *m = tg_malloc(sizeof *m * (size_t)n), *m2 = tg_malloc(sizeof *m2 * (size_t)n);
    double q, q2, qr;
    assert_int_equal(tg_graph_brain_louvain_best(W, n, 1.0, TG_BRAIN_POSITIVE, 1, 10, m, &q, msg), TG_OK);
    assert_int_equal(tg_graph_brain_modularity(W, n, m, 1.0, TG_BRAIN_POSITIVE, &qr, msg), TG_OK);
    assert_true(fabs(q - qr) < 1e-12);
    assert_int_equal(tg_graph_brain_louvain(W, n, 1.0, TG_BRAIN_POSITIVE, 7, m, &q, msg), TG_OK);
    assert_int_equal(tg_graph_brain_louvain(W, n, 1.0, TG_BRAIN_POSITIVE, 7, m2, &q2, msg), TG_OK);
    assert_memory_equal(m, m2, sizeof *m * (size_t)n);
    /* igraph's multilevel (best of 10 seeds) on the same weighted graph. */
    tg_graph *g = NULL;
    assert_int_equal(tg_graph_brain_to_graph(W, n, false, NULL, &g, msg), TG_OK);
    double qi = -1, qb;
    for (int s = 1; s <= 10; s++) {
        assert_int_equal(tg_graph_louvain(g, "weight", 1.0, (uint64_t)s, m2, &q2, msg), TG_OK);
        if (q2 > qi) qi = q2;
    }
    assert_int_equal(tg_graph_brain_louvain_best(W, n, 1.0, TG_BRAIN_POSITIVE, 1, 10, m, &qb, msg), TG_OK);
    /* Both are local optima of the same objective: the best of 10 runs
     * must be within 0.5 % of igraph's best (observed: equal to 4 digits). */
    assert_true(qb >= qi * 0.995);
    /* Statistical: 30 single runs of each implementation (seeds 1..30)
     * sample the distribution of Louvain's local optima.  If ours is as
     * good as igraph's, the means differ by less than 4 standard errors
     * of the difference (a false alarm under 1e-4 for normal means); a
     * broken move or aggregation step loses several percent of Q, far
     * outside.  Every run stays at or below the best of the 10 above
     * plus the spread. */
    double s1 = 0, ss1 = 0, s2 = 0, ss2 = 0;
    for (int s = 1; s <= 30; s++) {
        assert_int_equal(tg_graph_brain_louvain(W, n, 1.0, TG_BRAIN_POSITIVE, (uint64_t)s, m, &q, msg), TG_OK);
        s1 += q;
        ss1 += q * q;
        assert_int_equal(tg_graph_louvain(g, "weight", 1.0, (uint64_t)s + 100, m2, &q2, msg), TG_OK);
        s2 += q2;
        ss2 += q2 * q2;
    }
    double mu1 = s1 / 30, mu2 = s2 / 30;
    double v1 = (ss1 - 30 * mu1 * mu1) / 29, v2 = (ss2 - 30 * mu2 * mu2) / 29;
    double se = sqrt(v1 / 30 + v2 / 30);
    if (!(fabs(mu1 - mu2) <= 4 * se + 1e-12)) fail_msg("Louvain mean Q %.6f vs igraph %.6f (se %.2g)", mu1, mu2, se);
    /* Resolution: more modules at gamma 2 than at gamma 0.5. */
    int64_t c1 = 0, c2 = 0;
    assert_int_equal(tg_graph_brain_louvain(W, n, 0.5, TG_BRAIN_POSITIVE, 3, m, &q, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) c1 = m[i] + 1 > c1 ? m[i] + 1 : c1;
    assert_int_equal(tg_graph_brain_louvain(W, n, 2.0, TG_BRAIN_POSITIVE, 3, m, &q, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) c2 = m[i] + 1 > c2 ? m[i] + 1 : c2;
    assert_true(c2 > c1);
    /* Consensus of 20 runs is one of the partitions Louvain finds and is
     * reproducible. */
    assert_int_equal(tg_graph_brain_consensus(W, n, 1.0, 0.5, 20, 5, m, msg), TG_OK);
    assert_int_equal(tg_graph_brain_consensus(W, n, 1.0, 0.5, 20, 5, m2, msg), TG_OK);
    assert_memory_equal(m, m2, sizeof *m * (size_t)n);
    assert_int_equal(tg_graph_brain_modularity(W, n, m, 1.0, TG_BRAIN_POSITIVE, &q, msg), TG_OK);
    assert_true(q >= qb * 0.98);
    tg_graph_free(&g);
    tg_free(W);
    /* Signed functional matrix: negative_asym runs and beats the
     * hemisphere split's Q (a valid but not optimal partition). */
    W = signed_fc(&n);
    assert_int_equal(tg_graph_brain_louvain(W, n, 1.0, TG_BRAIN_POSITIVE, 1, m, &q, msg), TG_ERR_NUMERIC);
    assert_msg_has(msg, "negative");
    assert_int_equal(tg_graph_brain_louvain_best(W, n, 1.0, TG_BRAIN_NEG_ASYM, 1, 5, m, &q, msg), TG_OK);
    assert_true(q > gold("fc68.modularity_g1_s2")->v[0]);
    tg_free(W);
    tg_free(m);
    tg_free(m2);
    TG_CHECK_NO_LEAK();
}

static void test_workflow(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    double W[9] = {0, 2, 0.5, 1, 0, -3, 4, 0.2, 0};
    assert_int_equal(tg_graph_brain_symmetrize(W, 3, TG_SYM_MAX, msg), TG_OK);
    assert_true(W[1] == 2 && W[3] == 2 && W[2] == 4 && W[6] == 4 && W[5] == 0.2 && W[7] == 0.2);
    assert_true(tg_graph_brain_is_symmetric(W, 3));
    double M[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_int_equal(tg_graph_brain_symmetrize(M, 3, TG_SYM_MEAN, msg), TG_OK);
    assert_true(M[1] == 3 && M[3] == 3 && M[2] == 5 && M[5] == 7);
    tg_graph_brain_zero_diagonal(M, 3);
    assert_true(M[0] == 0 && M[4] == 0 && M[8] == 0);
    assert_int_equal(tg_graph_brain_threshold_absolute(M, 3, 4, msg), TG_OK);
    assert_true(M[1] == 0 && M[2] == 5);
    double S[9] = {0, -1, 0.25, -1, 0, 1, 0.25, 1, 0}, L[9], pos[9], neg[9];
    tg_graph_brain_split_signs(S, 3, pos, neg);
    assert_true(pos[1] == 0 && neg[1] == 1 && pos[2] == 0.25 && neg[2] == 0);
    assert_int_equal(tg_graph_brain_lengths(S, 3, 0, L, msg), TG_OK);
    assert_true(L[1] == 0 && L[2] == 4 && L[5] == 1);
    assert_int_equal(tg_graph_brain_lengths(S, 3, 1, L, msg), TG_OK);
    assert_true(fabs(L[2] - log(4)) < 1e-15 && L[5] > 0 && L[1] == 0);
    tg_graph_brain_normalize(S, 3);
    assert_true(S[5] == 1 && S[1] == -1);
    tg_graph_brain_binarize(S, 3);
    assert_true(S[1] == 1 && S[0] == 0);
    /* Backbone on the 138 sample: the spanning tree is kept, the edge
     * count is the target, and it is connected. */
    int64_t n;
    double *B = sample138(&n, 1.0);
    double *B2 = tg_malloc(sizeof *B2 * (size_t)(n * n));
    memcpy(B2, B, sizeof *B2 * (size_t)(n * n));
    assert_int_equal(tg_graph_brain_threshold_backbone(B, n, 0.05, msg), TG_OK);
    int64_t e = 0;
    for (int64_t k = 0; k < n * n; k++) e += B[k] != 0;
    assert_int_equal(e / 2, (int64_t)round(0.05 * 138 * 137 / 2));
    double *D = tg_malloc(sizeof *D * (size_t)(n * n));
    assert_int_equal(tg_graph_brain_distance(B, n, false, D, NULL, msg), TG_OK);
    for (int64_t k = 0; k < n * n; k++) assert_true(isfinite(D[k]));
    /* With p = 0, only the tree: n - 1 edges, connected. */
    assert_int_equal(tg_graph_brain_threshold_backbone(B2, n, 0, msg), TG_OK);
    e = 0;
    for (int64_t k = 0; k < n * n; k++) e += B2[k] != 0;
    assert_int_equal(e / 2, n - 1);
    tg_free(D);
    tg_free(B);
    tg_free(B2);
    /* s-core of a triangle with a weak pendant. */
    double T[16] = {0, 1, 1, 0.1, 1, 0, 1, 0, 1, 1, 0, 0, 0.1, 0, 0, 0};
    int64_t in[4], size;
    assert_int_equal(tg_graph_brain_score(T, 4, 1.5, in, &size, msg), TG_OK);
    assert_int_equal(size, 3);
    assert_true(in[0] && in[1] && in[2] && !in[3]);
    TG_CHECK_NO_LEAK();
}


/* ---- null models ---------------------------------------------------------- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorted nonzero entries (multiset of weights). */
static int64_t sorted_entries(const double *W, int64_t n, double *out)
{
    int64_t m = 0;
    for (int64_t k = 0; k < n * n; k++)
        if (W[k] != 0) out[m++] = W[k];
    qsort(out, (size_t)m, sizeof *out, cmp_dbl);
    return m;
}

/* Ring lattice: each node linked to the k/2 nearest on each side. */
static double *ring_lattice(int64_t n, int64_t k)
{
    double *A = tg_calloc((size_t)(n * n), sizeof *A);
    for (int64_t i = 0; i < n; i++)
        for (int64_t d = 1; d <= k / 2; d++) A[i * n + (i + d) % n] = A[((i + d) % n) * n + i] = 1;
    return A;
}

/* Erdos-Renyi G(n, p) from tg_rng. */
static double *erdos_renyi(int64_t n, double p, uint64_t seed)
{
    tg_rng r;
    tg_rng_seed(&r, seed);
    double *A = tg_calloc((size_t)(n * n), sizeof *A);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++)
            if (tg_rng_uniform(&r) < p) A[i * n + j] = A[j * n + i] = 1;
    return A;
}

static double mean_clustering(const double *A, int64_t n)
{
    char msg[TG_MSG_LEN];
    double *c = tg_malloc(sizeof *c * (size_t)n), s = 0;
    assert_int_equal(tg_graph_brain_clustering(A, n, false, false, c, msg), TG_OK);
    for (int64_t i = 0; i < n; i++) s += c[i];
    tg_free(c);
    return s / (double)n;
}

static void test_nulls(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    int64_t n, swaps;
    double *W = sample138(&n, 0.1);
    double *R = tg_malloc(sizeof *R * (size_t)(n * n)), *R2 = tg_malloc(sizeof *R2 * (size_t)(n * n));
    double *d0 = tg_malloc(sizeof *d0 * (size_t)n), *d1 = tg_malloc(sizeof *d1 * (size_t)n);
    double *e0 = tg_malloc(sizeof *e0 * (size_t)(n * n)), *e1 = tg_malloc(sizeof *e1 * (size_t)(n * n));
    /* Exact invariants of Maslov-Sneppen: degrees, weight multiset, symmetry. */
    assert_int_equal(tg_graph_brain_randmio(W, n, false, 10, 42, R, &swaps, msg), TG_OK);
    int64_t m = sorted_entries(W, n, e0);
    assert_true(swaps > m / 2 * 5);   /* most attempts succeed on a 10 % dense graph */
    assert_int_equal(sorted_entries(R, n, e1), m);
    assert_memory_equal(e0, e1, sizeof *e0 * (size_t)m);
    tg_graph_brain_degree(W, n, false, d0, NULL, NULL);
    tg_graph_brain_degree(R, n, false, d1, NULL, NULL);
    assert_memory_equal(d0, d1, sizeof *d0 * (size_t)n);
    assert_true(tg_graph_brain_is_symmetric(R, n));
    int64_t moved = 0;
    for (int64_t k = 0; k < n * n; k++) moved += (W[k] != 0) != (R[k] != 0);
    assert_true(moved > m / 2);       /* more than half the edges moved */
    /* Same seed, same null; another seed, another. */
    assert_int_equal(tg_graph_brain_randmio(W, n, false, 10, 42, R2, NULL, msg), TG_OK);
    assert_memory_equal(R, R2, sizeof *R * (size_t)(n * n));
    assert_int_equal(tg_graph_brain_randmio(W, n, false, 10, 43, R2, NULL, msg), TG_OK);
    assert_memory_not_equal(R, R2, sizeof *R * (size_t)(n * n));
    tg_free(W);
    /* Directed: in- and out-degrees kept. */
    W = load_matrix("data/connectomes/bct_macaque47/macaque47.csv", &n);
    double in0[47], out0[47], in1[47], out1[47];
    assert_int_equal(tg_graph_brain_randmio(W, n, true, 10, 1, R, NULL, msg), TG_OK);
    tg_graph_brain_degree(W, n, true, NULL, in0, out0);
    tg_graph_brain_degree(R, n, true, NULL, in1, out1);
    assert_memory_equal(in0, in1, sizeof in0);
    assert_memory_equal(out0, out1, sizeof out0);
    /* Directed lattice null: degrees kept too. */
    assert_int_equal(tg_graph_brain_latmio(W, n, true, 10, 2, R, &swaps, msg), TG_OK);
    assert_true(swaps > 0);
    tg_graph_brain_degree(R, n, true, NULL, in1, out1);
    assert_memory_equal(in0, in1, sizeof in0);
    assert_memory_equal(out0, out1, sizeof out0);
    assert_int_equal(tg_graph_brain_randmio(W, n, false, 10, 1, R, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "not symmetric");
    tg_free(W);
    /* Statistical: a ring lattice (n = 100, k = 10, C = 3(k-2)/(4(k-1)) =
     * 2/3) rewired is a random 10-regular graph, whose expected clustering
     * is (k-1)^2 / (k n) = 0.081 (configuration model, Newman 2003).  One
     * null's mean clustering has a standard deviation of about 0.008 at
     * this size, so the mean of 10 nulls has a standard error of 0.0025;
     * the tolerance 0.02 covers 8 standard errors plus the O(1/n) bias of
     * the formula.  A rewiring that kept structure stays near 2/3. */
    n = 100;
    double *A = ring_lattice(n, 10), mc = 0;
    assert_true(fabs(mean_clustering(A, n) - 2.0 / 3.0) < 1e-12);
    for (int s = 0; s < 10; s++) {
        double *Rn = tg_malloc(sizeof *Rn * (size_t)(n * n));
        assert_int_equal(tg_graph_brain_randmio(A, n, false, 10, (uint64_t)s, Rn, NULL, msg), TG_OK);
        mc += mean_clustering(Rn, n) / 10;
        tg_free(Rn);
    }
    if (!(fabs(mc - 0.081) < 0.02)) fail_msg("randmio clustering %.4f, expected 0.081", mc);
    /* Lattice null of a random graph: clustering rises (ER at p = 0.1 has
     * C ~ p = 0.1; its lattice-ised version must more than double it), and
     * the degrees stay. */
    double *E = erdos_renyi(n, 0.1, 9), *Lt = tg_malloc(sizeof *Lt * (size_t)(n * n));
    double ce = mean_clustering(E, n);
    assert_int_equal(tg_graph_brain_latmio(E, n, false, 10, 3, Lt, &swaps, msg), TG_OK);
    double cl = mean_clustering(Lt, n);
    if (!(cl > 2 * ce)) fail_msg("lattice clustering %.3f vs original %.3f", cl, ce);
    double dd0[100], dd1[100];
    tg_graph_brain_degree(E, n, false, dd0, NULL, NULL);
    tg_graph_brain_degree(Lt, n, false, dd1, NULL, NULL);
    assert_memory_equal(dd0, dd1, sizeof dd0);
    /* Small-worldness: the ring lattice with 10 % of its edges rewired
     * (Watts-Strogatz) has sigma well above 1 (Humphries et al. 2008 call
     * sigma > 1 small-world; at n = 100, k = 10, p = 0.1, C ~ 0.5 against
     * 0.08 and L ~ 1.2 x the random one: sigma ~ 5); an ER graph is its
     * own null: sigma = 1 within the nulls' spread (se of C_r over 10
     * nulls ~ 0.003 on C ~ 0.1: 3 %, so +-15 % is 5 se). omega: near 0 for
     * small-world, near 1 for random (Telesford et al. 2011). */
    tg_rng rr;
    tg_rng_seed(&rr, 5);
    double *WS = ring_lattice(n, 10);
    for (int64_t i = 0; i < n; i++)
        for (int64_t d = 1; d <= 5; d++) {
            int64_t j = (i + d) % n;
            if (tg_rng_uniform(&rr) < 0.1) {
                int64_t t = (int64_t)tg_rng_below(&rr, (uint64_t)n);
                if (t != i && WS[i * n + t] == 0) {
                    WS[i * n + j] = WS[j * n + i] = 0;
                    WS[i * n + t] = WS[t * n + i] = 1;
                }
            }
        }
    tg_brain_smallworld sw, se;
    assert_int_equal(tg_graph_brain_small_world(WS, n, 10, 20, 1, &sw, msg), TG_OK);
    assert_int_equal(tg_graph_brain_small_world(E, n, 10, 5, 1, &se, msg), TG_OK);
    if (!(sw.sigma > 3)) fail_msg("WS sigma %.3f", sw.sigma);
    if (!(fabs(se.sigma - 1) < 0.15)) fail_msg("ER sigma %.3f", se.sigma);
    /* Lattice-ising from a random ring order needs more swaps than
     * randomising: 20 per edge (5 leave C_l at 0.36 of the 0.67 a lattice has). */
    if (!(fabs(sw.omega) < 0.5 && se.omega > 0.5)) fail_msg("omega WS %.3f ER %.3f (C %.3f Cl %.3f L %.3f Lr %.3f)", sw.omega, se.omega, sw.C, sw.Cl, sw.L, sw.Lr);
    /* Strength-preserving null of the structural connectome: degrees
     * exact, weights the same multiset, strengths nearly kept: Rubinov &
     * Sporns (2011) report correlations near 1; we require the mean
     * Pearson r over 10 nulls > 0.95 (plain Maslov-Sneppen, which moves
     * weights with edges, gives lower r: checked below). */
    double *S = load_matrix("data/connectomes/enigma_hcp/sc_dk68.csv", &n);
    double s0[68], s1[68], rs = 0, rm = 0;
    tg_graph_brain_strength(S, n, false, s0, NULL, NULL);
    for (int k = 0; k < 10; k++) {
        assert_int_equal(tg_graph_brain_null_strength(S, n, 5, (uint64_t)k, R, msg), TG_OK);
        tg_graph_brain_degree(S, n, false, d0, NULL, NULL);
        tg_graph_brain_degree(R, n, false, d1, NULL, NULL);
        assert_memory_equal(d0, d1, sizeof *d0 * (size_t)n);
        assert_int_equal(sorted_entries(R, n, e1), sorted_entries(S, n, e0));
        tg_graph_brain_strength(R, n, false, s1, NULL, NULL);
        double a = 0, b = 0, ab = 0, aa = 0, bb = 0;
        for (int64_t i = 0; i < n; i++) {
            a += s0[i];
            b += s1[i];
            ab += s0[i] * s1[i];
            aa += s0[i] * s0[i];
            bb += s1[i] * s1[i];
        }
        rs += (ab - a * b / (double)n) / sqrt((aa - a * a / (double)n) * (bb - b * b / (double)n)) / 10;
        assert_int_equal(tg_graph_brain_randmio(S, n, false, 5, (uint64_t)k, R, NULL, msg), TG_OK);
        tg_graph_brain_strength(R, n, false, s1, NULL, NULL);
        a = b = ab = aa = bb = 0;
        for (int64_t i = 0; i < n; i++) {
            a += s0[i];
            b += s1[i];
            ab += s0[i] * s1[i];
            aa += s0[i] * s0[i];
            bb += s1[i] * s1[i];
        }
        rm += (ab - a * b / (double)n) / sqrt((aa - a * a / (double)n) * (bb - b * b / (double)n)) / 10;
    }
    if (!(rs > 0.95 && rs > rm)) fail_msg("strength null r %.4f (randmio %.4f)", rs, rm);
    /* Normalised rich club: finite where the club has >= 2 nodes, and R
     * of a null is 1 on average by construction: the mean of Rnorm of a
     * null against other nulls stays near 1. */
    double Rk[10], Rn[10], Rz[10];
    assert_int_equal(tg_graph_brain_rich_club_norm(S, n, false, false, 10, 10, 5, 1, Rk, Rn, Rz, msg), TG_OK);
    for (int k = 0; k < 10; k++)
        if (!isnan(Rk[k])) assert_true(isfinite(Rz[k]) && fabs(Rz[k] - Rk[k] / Rn[k]) < 1e-15);
    tg_free(S);
    tg_free(A);
    tg_free(E);
    tg_free(Lt);
    tg_free(WS);
    tg_free(R);
    tg_free(R2);
    tg_free(d0);
    tg_free(d1);
    tg_free(e0);
    tg_free(e1);
    TG_CHECK_NO_LEAK();
}


/* ---- group studies ------------------------------------------------------------ */

/* k subjects of n regions from the synthetic model; the first k/2 get the
 * effect among regions 0..en-1.  Returned in one malloc'd block. */
static double *subjects(int64_t k, int64_t n, int64_t en, double effect, uint64_t seed, int *grp)
{
    char msg[TG_MSG_LEN];
    double *X = malloc(sizeof *X * (size_t)(k * n * n));
    for (int64_t s = 0; s < k; s++) {
        grp[s] = s < k / 2 ? 0 : 1;
        assert_int_equal(tg_graph_brain_synthetic(n, 3, 7, seed * 1000 + (uint64_t)s, en, grp[s] == 0 ? effect : 0,
                                                  X + s * n * n, msg), TG_OK);
    }
    return X;
}

static void test_nbs(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    const int64_t n = 30, k = 20;
    int grp[20];
    double *X = subjects(k, n, 10, 0.15, 1, grp);
    double *t = malloc(sizeof *t * (size_t)(n * n));
    int64_t *comp = malloc(sizeof *comp * (size_t)(n * n)), nc, *size;
    double *p;
    assert_int_equal(tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 200, 1, t, comp, &nc, &size, &p, msg), TG_OK);
    /* t against a two-pass Student t written here (pooled variance). */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++) {
            double m[2] = {0, 0}, v[2] = {0, 0};
            int64_t c[2] = {0, 0};
            for (int64_t s = 0; s < k; s++) {
                m[grp[s]] += X[s * n * n + i * n + j];
                c[grp[s]]++;
            }
            m[0] /= (double)c[0];
            m[1] /= (double)c[1];
            for (int64_t s = 0; s < k; s++) {
                double d = X[s * n * n + i * n + j] - m[grp[s]];
                v[grp[s]] += d * d;
            }
            double sp = (v[0] + v[1]) / (double)(k - 2), se = sqrt(sp * (1.0 / (double)c[0] + 1.0 / (double)c[1]));
            double want = se > 0 ? (m[0] - m[1]) / se : 0;
            if (se > 0 && !(fabs(t[i * n + j] - want) <= 1e-9 * fmax(1, fabs(want))))
                fail_msg("t(%lld,%lld) = %.17g, want %.17g", (long long)i, (long long)j, t[i * n + j], want);
        }
    /* Components: sizes add up to the supra-threshold connections, sorted,
     * and the largest lies in the planted block (regions 0..9). */
    int64_t supra = 0, sum = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++) {
            supra += t[i * n + j] > 2.5;
            assert_true((comp[i * n + j] > 0) == (t[i * n + j] > 2.5));
            if (comp[i * n + j] == 1) assert_true(i < 10 && j < 10);
        }
    for (int64_t c = 0; c < nc; c++) {
        sum += size[c];
        if (c) assert_true(size[c] <= size[c - 1]);
    }
    assert_int_equal(sum, supra);
    assert_true(nc >= 1 && p[0] < 0.05);
    tg_free(size);
    tg_free(p);
    free(X);
    /* Statistical: under the null (no effect), the FWE-corrected p of the
     * largest component is about uniform, so P(p < 0.05) = 0.05.  Over
     * 60 null data sets, the count below 0.05 is Binomial(60, 0.05): mean
     * 3, P(count > 9) < 0.002.  With the effect (1.5 noise sd on 10
     * regions, 10 subjects a group: t ~ 3.4 per connection) the block is
     * found (p < 0.05) in at least 18 of 20 data sets. */
    int fp = 0, hits = 0;
    for (int r = 0; r < 60; r++) {
        X = subjects(k, n, 0, 0, 100 + (uint64_t)r, grp);
        assert_int_equal(tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 100, (uint64_t)r, NULL, NULL, &nc, &size, &p, msg), TG_OK);
        fp += nc > 0 && p[0] < 0.05;
        tg_free(size);
        tg_free(p);
        free(X);
    }
    for (int r = 0; r < 20; r++) {
        X = subjects(k, n, 10, 0.15, 200 + (uint64_t)r, grp);
        assert_int_equal(tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 100, (uint64_t)r, NULL, NULL, &nc, &size, &p, msg), TG_OK);
        hits += nc > 0 && p[0] < 0.05;
        tg_free(size);
        tg_free(p);
        free(X);
    }
    if (!(fp <= 9 && hits >= 18)) fail_msg("NBS false positives %d/60, detections %d/20", fp, hits);
    /* Errors. */
    X = subjects(k, n, 0, 0, 1, grp);
    grp[3] = 2;
    assert_int_equal(tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 10, 1, NULL, NULL, &nc, &size, &p, msg), TG_ERR_ARG);
    assert_msg_has(msg, "must be 0 or 1");
    for (int s = 0; s < 20; s++) grp[s] = s == 0;
    assert_int_equal(tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 10, 1, NULL, NULL, &nc, &size, &p, msg), TG_ERR_ARG);
    assert_msg_has(msg, ">= 2 subjects");
    for (int s = 0; s < 20; s++) grp[s] = s % 2;
    tg_status st;
    TG_OOM_LOOP(st = tg_graph_brain_nbs(X, k, n, grp, 2.5, 1, 5, 1, t, comp, &nc, &size, &p, msg);
                if (st == TG_OK) { tg_free(size); tg_free(p); }, st == TG_OK);
    free(X);
    free(t);
    free(comp);
    TG_CHECK_NO_LEAK();
}

static void test_group_csv(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN], paths[3][64], *pp[3];
    const int64_t n = 25;
    double *W = malloc(sizeof *W * (size_t)(n * n));
    for (int s = 0; s < 3; s++) {
        snprintf(paths[s], sizeof paths[s], "/tmp/tg_brain_test_sub%d.csv", s);
        pp[s] = paths[s];
        assert_int_equal(tg_graph_brain_synthetic(n, 3, 1, (uint64_t)s, 0, 0, W, msg), TG_OK);
        assert_int_equal(tg_graph_brain_write_matrix(W, n, paths[s], msg), TG_OK);
    }
    tg_brain_group_opts o = {NULL, 0.3, true, 3, 1};
    int64_t nodes;
    const char *out = "/tmp/tg_brain_test_group.csv";
    assert_int_equal(tg_graph_brain_group(3, (const char *const *)pp, &o, out, &nodes, msg), TG_OK);
    assert_int_equal(nodes, n);
    /* Row of node 7 of the last subject against direct calls. */
    FILE *f = fopen(out, "r");
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "subject,node,degree,strength,clustering,betweenness,participation,module_zscore,local_efficiency\n");
    int rows = 0;
    char want_prefix[64];
    snprintf(want_prefix, sizeof want_prefix, "tg_brain_test_sub2,7,");
    double got[7] = {0};
    while (fgets(line, sizeof line, f)) {
        rows++;
        if (strncmp(line, want_prefix, strlen(want_prefix)) == 0) {
            char *p = line + strlen(want_prefix);
            for (int c = 0; c < 7; c++) {
                got[c] = strtod(p, &p);
                if (*p == ',') p++;
            }
        }
    }
    fclose(f);
    assert_int_equal(rows, 3 * n);
    assert_int_equal(tg_graph_brain_synthetic(n, 3, 1, 2, 0, 0, W, msg), TG_OK);
    assert_int_equal(tg_graph_brain_threshold_proportional(W, n, 0.3, msg), TG_OK);
    double v[25], L[625];
    int64_t m[25];
    tg_graph_brain_degree(W, n, false, v, NULL, NULL);
    assert_true(v[6] == got[0]);
    tg_graph_brain_strength(W, n, false, v, NULL, NULL);
    assert_true(fabs(v[6] - got[1]) < 1e-12);
    assert_int_equal(tg_graph_brain_clustering(W, n, false, true, v, msg), TG_OK);
    assert_true(fabs(v[6] - got[2]) < 1e-12);
    assert_int_equal(tg_graph_brain_lengths(W, n, 0, L, msg), TG_OK);
    assert_int_equal(tg_graph_brain_betweenness(L, n, true, v, msg), TG_OK);
    assert_true(fabs(v[6] - got[3]) < 1e-9);
    assert_int_equal(tg_graph_brain_louvain_best(W, n, 1, TG_BRAIN_POSITIVE, 1, 3, m, NULL, msg), TG_OK);
    assert_int_equal(tg_graph_brain_participation(W, n, m, TG_ALL, v, msg), TG_OK);
    assert_true(fabs(v[6] - got[4]) < 1e-12);
    assert_int_equal(tg_graph_brain_local_efficiency(W, n, true, 2, v, msg), TG_OK);
    assert_true(fabs(v[6] - got[6]) < 1e-12);
    /* A subject of another size is refused and no CSV is left half-written. */
    assert_int_equal(tg_graph_brain_write_matrix(W, 5, paths[1], msg), TG_OK);
    remove(out);
    assert_int_equal(tg_graph_brain_group(3, (const char *const *)pp, &o, out, &nodes, msg), TG_ERR_ARG);
    assert_msg_has(msg, "has 5 nodes");
    assert_null(fopen(out, "r"));
    for (int s = 0; s < 3; s++) remove(paths[s]);
    free(W);
    TG_CHECK_NO_LEAK();
}

static void test_errors_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    double W[4] = {0, -1, -1, 0}, v[2];
    int64_t bad[2] = {0, 5};
    assert_int_equal(tg_graph_brain_threshold_proportional(W, 2, 1.5, msg), TG_ERR_ARG);
    assert_msg_has(msg, "not in [0, 1]");
    assert_int_equal(tg_graph_brain_clustering(W, 2, false, true, v, msg), TG_ERR_NUMERIC);
    assert_msg_has(msg, "negative");
    assert_int_equal(tg_graph_brain_participation(W, 2, bad, TG_ALL, v, msg), TG_ERR_ARG);
    assert_msg_has(msg, "out of range");
    assert_int_equal(tg_graph_brain_betweenness(W, 2, true, v, msg), TG_ERR_NUMERIC);
    /* Undirected clustering/transitivity refuse an asymmetric matrix (the
     * triangle count reads one side of each edge); directed accepts it. */
    {
        double As[9] = {0, 1, 1, 1, 0, 0, 1, 1, 0}, c3[3], t3;
        for (int w = 0; w < 2; w++) {
            assert_int_equal(tg_graph_brain_clustering(As, 3, false, w, c3, msg), TG_ERR_ARG);
            assert_msg_has(msg, "brain.clustering");
            assert_msg_has(msg, "not symmetric");
            assert_int_equal(tg_graph_brain_transitivity(As, 3, false, w, &t3, msg), TG_ERR_ARG);
            assert_msg_has(msg, "brain.transitivity");
            assert_msg_has(msg, "not symmetric");
            assert_int_equal(tg_graph_brain_clustering(As, 3, true, w, c3, msg), TG_OK);
        }
    }
    double Wa[4] = {0, 1, 1, 0};
    assert_int_equal(tg_graph_brain_threshold_backbone((double[4]){0, 1, 2, 0}, 2, 0.5, msg), TG_ERR_ARG);
    assert_msg_has(msg, "not symmetric");
    assert_int_equal(tg_graph_brain_local_efficiency(Wa, 2, true, 3, v, msg), TG_ERR_ARG);
    tg_brain_adj *adj = (tg_brain_adj *)W;   /* must be reset on entry */
    assert_int_equal(tg_graph_brain_adj_new(NULL, 2, false, &adj, msg), TG_ERR_ARG);
    assert_null(adj);
    assert_msg_has(msg, "brain.adj_new");
    assert_int_equal(tg_graph_brain_adj_new(W, 2, false, NULL, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_brain_coreness_adj(NULL, bad, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_brain_assortativity_adj(NULL, false, v, msg), TG_ERR_ARG);
    assert_int_equal(tg_graph_brain_adj_new(W, 0, false, &adj, msg), TG_OK);   /* empty: defined */
    assert_int_equal(tg_graph_brain_coreness_adj(adj, bad, msg), TG_OK);
    assert_int_equal(tg_graph_brain_assortativity_adj(adj, false, v, msg), TG_OK);
    assert_true(isnan(v[0]));
    tg_graph_brain_adj_free(&adj);
    /* OOM: every allocation failing in turn, no leak, no crash. */
    int64_t n;
    /* Inputs live outside the counting allocator (the loop checks that
     * nothing of the library's stays allocated). */
    double *S0 = sample138(&n, 0.1);
    double *S = malloc(sizeof *S * (size_t)(n * n));
    memcpy(S, S0, sizeof *S * (size_t)(n * n));
    tg_free(S0);
    double *out = malloc(sizeof *out * (size_t)n);
    int64_t *m = malloc(sizeof *m * (size_t)n);
    tg_status s;
    TG_OOM_LOOP(s = tg_graph_brain_betweenness(S, n, true, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_local_efficiency(S, n, true, 2, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_clustering(S, n, false, true, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_louvain(S, n, 1, TG_BRAIN_POSITIVE, 1, m, NULL, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_consensus(S, n, 1, 0.5, 4, 1, m, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_rich_club(S, n, false, true, 5, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_assortativity(S, n, false, true, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_coreness(S, n, true, m, msg), s == TG_OK);
    tg_brain_adj *sa = NULL;
    TG_OOM_LOOP(s = tg_graph_brain_adj_new(S, n, true, &sa, msg); if (s == TG_OK) {
        s = tg_graph_brain_assortativity_adj(sa, true, out, msg);
        tg_graph_brain_adj_free(&sa);
    }, s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_efficiency(S, n, true, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_module_zscore(S, n, m, TG_ALL, out, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_threshold_backbone(S, n, 0.05, msg), s == TG_OK);
    double *R = malloc(sizeof *R * (size_t)(n * n));
    TG_OOM_LOOP(s = tg_graph_brain_randmio(S, n, false, 2, 1, R, NULL, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_latmio(S, n, false, 2, 1, R, NULL, msg), s == TG_OK);
    TG_OOM_LOOP(s = tg_graph_brain_null_strength(S, n, 2, 1, R, msg), s == TG_OK);
    tg_brain_smallworld sw;
    TG_OOM_LOOP(s = tg_graph_brain_small_world(S, n, 2, 2, 1, &sw, msg), s == TG_OK);
    double rk[4], rz[4];
    TG_OOM_LOOP(s = tg_graph_brain_rich_club_norm(S, n, false, true, 4, 2, 2, 1, rk, NULL, rz, msg), s == TG_OK);
    free(R);
    free(S);
    free(out);
    free(m);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample138),
        cmocka_unit_test(test_bct_shipped),
        cmocka_unit_test(test_other_connectomes),
        cmocka_unit_test(test_crossley638_gz),
        cmocka_unit_test(test_louvain),
        cmocka_unit_test(test_workflow),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_nbs),
        cmocka_unit_test(test_group_csv),
        cmocka_unit_test(test_errors_oom),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    for (int i = 0; i < NG; i++) free(G[i].v);
    return r;
}
