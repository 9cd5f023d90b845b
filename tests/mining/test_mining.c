/* test_mining.c: frequent itemsets against exact counts.
 * References: the FIMI counts in the issue and data/fimi/SOURCE.md
 * (Borgelt's apriori, eclat and fpgrowth agree on them), and, for small
 * data, a brute-force enumeration of every subset written here. */
#include "../test_util.h"

#include <math.h>

#include <unistd.h>

#include "mining/tg_mining.h"

static tg_txdb *load(const char *name)
{
    char path[256], msg[TG_MSG_LEN];
    snprintf(path, sizeof path, "data/fimi/%s.dat.gz", name);
    tg_txdb *db = NULL;
    assert_int_equal(tg_txdb_read_fimi(path, &db, msg), TG_OK);
    return db;
}

static int64_t count_at(tg_txdb *db, double pct)
{
    char msg[TG_MSG_LEN];
    tg_itemset_opts o = {tg_mining_min_count(pct, tg_txdb_count(db)), 0, TG_ECLAT};
    int64_t n = -1;
    assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &n, NULL, msg), TG_OK);
    return n;
}

static void test_fimi_counts(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_txdb *db = load("retail");
    assert_int_equal(tg_txdb_count(db), 88162);
    assert_int_equal(tg_mining_min_count(0.1, 88162), 89);
    assert_int_equal(count_at(db, 0.1), 7589);
    assert_int_equal(count_at(db, 0.05), 19242);
    tg_txdb_free(&db);
    db = load("T10I4D100K");
    assert_int_equal(tg_mining_min_count(0.1, 100000), 100);
    assert_int_equal(count_at(db, 0.1), 27532);
    assert_int_equal(count_at(db, 1), 385);
    tg_txdb_free(&db);
    db = load("chess");
    assert_int_equal(count_at(db, 70), 48731);
    assert_int_equal(count_at(db, 80), 8227);
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* mushroom: item 85 is in all 8124 transactions.  Every subset-enumerating
 * count we made gives one itemset more than the figures (53,582 at
 * 20 %, 574,430 at 10 %): this miner, and tests/mining/eclat_reference.py,
 * an independent Python brute force over covers.  We assert the value both
 * independent programs agree on, by size (from eclat_reference.py). */
static void test_mushroom_by_size(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_txdb *db = load("mushroom");
    char msg[TG_MSG_LEN];
    tg_itemset_opts o = {tg_mining_min_count(20, 8124), 0, TG_ECLAT};
    assert_int_equal(o.min_count, 1625);
    int64_t n, by_size[65];
    assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &n, by_size, msg), TG_OK);
    static const int64_t want[16] = {0, 43, 376, 1472, 3559, 6267, 8802, 10151, 9488, 7010, 4004,
                                     1729, 546, 119, 16, 1};
    assert_int_equal(n, 53583);
    for (int k = 0; k < 16; k++) assert_int_equal(by_size[k], want[k]);
    assert_int_equal(by_size[16], 0);
    o.max_len = 3;   /* sizes 1..3 only */
    int64_t bs3[4];
    assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &n, bs3, msg), TG_OK);
    assert_int_equal(n, 43 + 376 + 1472);
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* A random database over items a..j (item i of the database is name i: the
 * first transaction holds them all), item i drawn with probability
 * 0.15 + 0.06 i; masks[t] records transaction t as a bitmask, and
 * supp[set] counts the transactions holding each of the 2^10 sets. */
enum { NI = 10, NT = 180 };

static tg_txdb *random_db(uint64_t seed, unsigned *masks, int64_t *supp)
{
    static const char *names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    char msg[TG_MSG_LEN];
    tg_rng r;
    tg_rng_seed(&r, seed);
    tg_txdb *db = NULL;
    assert_int_equal(tg_txdb_new(&db, msg), TG_OK);
    assert_int_equal(tg_txdb_add(db, NI, names, msg), TG_OK);
    masks[0] = (1u << NI) - 1;
    for (int t = 1; t < NT; t++) {
        const char *items[NI];
        int n = 0;
        masks[t] = 0;
        for (int i = 0; i < NI; i++)
            if (tg_rng_uniform(&r) < 0.15 + 0.06 * i) {
                items[n++] = names[i];
                masks[t] |= 1u << i;
            }
        assert_int_equal(tg_txdb_add(db, n, items, msg), TG_OK);
    }
    for (unsigned set = 0; set < (1u << NI); set++) {
        supp[set] = 0;
        for (int t = 0; t < NT; t++) supp[set] += (masks[t] & set) == set;
    }
    return db;
}

/* Brute force: every subset of the items of a small random database. */
static void test_brute_force(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    unsigned masks[NT];
    static int64_t supp[1 << NI];
    tg_txdb *db = random_db(99, masks, supp);
    for (int64_t min = 1; min <= 60; min += 7) {
        int64_t want = 0;
        for (unsigned set = 1; set < (1u << NI); set++) want += supp[set] >= min;
        tg_itemset_opts o = {min, 0, TG_ECLAT};
        int64_t got = -1;
        assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &got, NULL, msg), TG_OK);
        assert_int_equal(got, want);
    }
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* Closed and maximal itemsets against their definitions, by brute force
 * over all 2^10 subsets of a random database. */
static void test_closed_maximal(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    unsigned masks[NT];
    static int64_t supp[1 << NI];
    tg_txdb *db = random_db(5, masks, supp);
    for (int64_t min = 2; min <= 50; min += 8) {
        int64_t want_closed = 0, want_max = 0;
        for (unsigned set = 1; set < (1u << NI); set++) {
            if (supp[set] < min) continue;
            bool closed = true, maximal = true;
            for (int i = 0; i < NI; i++) {
                if (set >> i & 1) continue;
                unsigned sup = set | (1u << i);
                if (supp[sup] == supp[set]) closed = false;
                if (supp[sup] >= min) maximal = false;
            }
            want_closed += closed;
            want_max += maximal;
        }
        tg_itemset_opts o = {min, 0, TG_ECLAT};
        int64_t got;
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_CLOSED, NULL, NULL, &got, msg), TG_OK);
        assert_int_equal(got, want_closed);
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_MAXIMAL, NULL, NULL, &got, msg), TG_OK);
        assert_int_equal(got, want_max);
    }
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* ---- Apriori and FP-growth against Eclat and brute force ---------------- */

static const tg_mining_algorithm ALGS[3] = {TG_ECLAT, TG_APRIORI, TG_FPGROWTH};

static int64_t count_alg(tg_txdb *db, double pct, tg_mining_algorithm alg, int64_t *by_size)
{
    char msg[TG_MSG_LEN];
    tg_itemset_opts o = {tg_mining_min_count(pct, tg_txdb_count(db)), 0, alg};
    int64_t n = -1;
    assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &n, by_size, msg), TG_OK);
    return n;
}

/* The exact counts (mushroom: the corrected figure and sizes of
 * test_mushroom_by_size) from Apriori and FP-growth, by size equal to
 * Eclat's. */
static void test_fimi_counts_all_algorithms(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const struct { const char *name; double pct; int64_t want; } runs[] = {
        {"retail", 0.1, 7589}, {"retail", 0.05, 19242}, {"T10I4D100K", 0.1, 27532},
        {"mushroom", 20, 53583}, {"mushroom", 10, 574431}, {"chess", 70, 48731},
    };
    tg_txdb *db = NULL;
    const char *loaded = "";
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        if (strcmp(loaded, runs[r].name) != 0) {
            tg_txdb_free(&db);
            db = load(runs[r].name);
            loaded = runs[r].name;
        }
        int64_t ref[65];
        assert_int_equal(count_alg(db, runs[r].pct, TG_ECLAT, ref), runs[r].want);
        for (int a = 1; a < 3; a++) {
            int64_t bs[65];
            assert_int_equal(count_alg(db, runs[r].pct, ALGS[a], bs), runs[r].want);
            assert_memory_equal(bs, ref, sizeof ref);
        }
    }
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* Every reported itemset, as a bitmask over items of index < 32, with its
 * support; checks no itemset comes twice. */
typedef struct seen_sets { int64_t *supp; int64_t n; bool twice; int max_seen; } seen_sets;

static int record_mask(void *ud, const int32_t *items, int len, int64_t support)
{
    seen_sets *s = ud;
    unsigned mask = 0;
    for (int k = 0; k < len; k++) mask |= 1u << items[k];
    if (s->supp[mask] >= 0) s->twice = true;
    s->supp[mask] = support;
    s->n++;
    if (len > s->max_seen) s->max_seen = len;
    return 0;
}

/* Brute force: every subset of a small random database, itemset by
 * itemset (support of each set counted by scanning the transactions),
 * for each algorithm, with and without max_len. */
static void test_brute_force_all_algorithms(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    unsigned masks[NT];
    static int64_t supp[1 << NI], got[1 << NI];
    for (uint64_t seed = 1; seed <= 3; seed++) {
        tg_txdb *db = random_db(seed * 31, masks, supp);
        for (int64_t min = 1; min <= 64; min += 9)
            for (int max_len = 0; max_len <= 3; max_len += 3)
                for (int a = 0; a < 3; a++) {
                    for (unsigned m = 0; m < (1u << NI); m++) got[m] = -1;
                    seen_sets s = {got, 0, false, 0};
                    tg_itemset_opts o = {min, max_len, ALGS[a]};
                    int64_t n = -1, by_size[65];
                    assert_int_equal(tg_mining_itemsets(db, &o, record_mask, &s, &n, by_size, msg), TG_OK);
                    assert_false(s.twice);
                    assert_int_equal(n, s.n);
                    int64_t want = 0, want_size[NI + 1] = {0};
                    for (unsigned m = 1; m < (1u << NI); m++) {
                        int len = __builtin_popcount(m);
                        bool in = supp[m] >= min && (!max_len || len <= max_len);
                        assert_int_equal(got[m], in ? supp[m] : -1);
                        want += in;
                        want_size[len] += in;
                    }
                    assert_int_equal(n, want);
                    for (int k = 1; k <= (max_len ? max_len : NI); k++) assert_int_equal(by_size[k], want_size[k]);
                }
        tg_txdb_free(&db);
    }
    TG_CHECK_NO_LEAK();
}

/* Itemsets as sorted text lines "i j k:support", sorted: a canonical form
 * to compare two miners' outputs. */
typedef struct lines { char **v; size_t n, cap; } lines;

static int add_line(void *ud, const int32_t *items, int len, int64_t support)
{
    lines *l = ud;
    int32_t it[64];
    memcpy(it, items, sizeof *it * (size_t)len);
    for (int a = 1; a < len; a++)
        for (int b = a; b > 0 && it[b - 1] > it[b]; b--) {
            int32_t x = it[b];
            it[b] = it[b - 1];
            it[b - 1] = x;
        }
    char buf[512];
    int p = 0;
    for (int k = 0; k < len; k++) p += snprintf(buf + p, sizeof buf - (size_t)p, "%d ", it[k]);
    snprintf(buf + p, sizeof buf - (size_t)p, ":%lld", (long long)support);
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->v = realloc(l->v, sizeof *l->v * l->cap);
    }
    l->v[l->n++] = strdup(buf);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Larger random databases, sparse and dense (both counting schemes of
 * Apriori), with planted co-occurring groups so that long itemsets exist:
 * Apriori's and FP-growth's itemsets and supports equal Eclat's. */
static void test_random_vs_eclat(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    static const struct { int items, tx; double p; int64_t min[3]; } shapes[] = {
        {200, 3000, 0.01, {3, 12, 48}}, {40, 600, 0.3, {25, 60, 150}}, {25, 400, 0.6, {70, 120, 200}}};
    for (size_t sh = 0; sh < 3; sh++)
        for (uint64_t seed = 1; seed <= 2; seed++) {
            tg_rng r;
            tg_rng_seed(&r, seed * 1000 + sh);
            tg_txdb *db = NULL;
            assert_int_equal(tg_txdb_new(&db, msg), TG_OK);
            int ni = shapes[sh].items;
            for (int t = 0; t < shapes[sh].tx; t++) {
                char names[256][12];
                const char *row[256];
                int n = 0;
                bool group = tg_rng_uniform(&r) < 0.2;     /* items 0..7 together */
                for (int i = 0; i < ni; i++)
                    if ((group && i < 8 && tg_rng_uniform(&r) < 0.9) || tg_rng_uniform(&r) < shapes[sh].p) {
                        snprintf(names[n], sizeof names[n], "%d", i);
                        row[n] = names[n];
                        n++;
                    }
                assert_int_equal(tg_txdb_add(db, n, row, msg), TG_OK);
            }
            for (int q = 0; q < 3; q++) {
                int64_t min = shapes[sh].min[q];
                lines ref = {0};
                tg_itemset_opts o = {min, 0, TG_ECLAT};
                assert_int_equal(tg_mining_itemsets(db, &o, add_line, &ref, NULL, NULL, msg), TG_OK);
                qsort(ref.v, ref.n, sizeof *ref.v, cmp_str);
                assert_true(ref.n > 10);
                if (getenv("TG_TEST_VERBOSE")) fprintf(stderr, "shape %zu seed %d min %d: %zu itemsets\n", sh, (int)seed, (int)min, ref.n);
                for (int a = 1; a < 3; a++) {
                    lines got = {0};
                    o.algorithm = ALGS[a];
                    assert_int_equal(tg_mining_itemsets(db, &o, add_line, &got, NULL, NULL, msg), TG_OK);
                    qsort(got.v, got.n, sizeof *got.v, cmp_str);
                    assert_int_equal(got.n, ref.n);
                    for (size_t i = 0; i < ref.n; i++) assert_string_equal(got.v[i], ref.v[i]);
                    lines_free(&got);
                }
                lines_free(&ref);
            }
            tg_txdb_free(&db);
        }
    TG_CHECK_NO_LEAK();
}

static int stop_after(void *ud, const int32_t *items, int len, int64_t support)
{
    (void)items;
    (void)len;
    (void)support;
    return --*(int *)ud <= 0;
}

/* Out-of-memory injection, the callback's stop, closed/maximal and rules
 * through each algorithm, a bad algorithm value. */
static void test_algorithms_oom_stop_filters(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    unsigned masks[NT];
    static int64_t supp[1 << NI];
    tg_txdb *db = random_db(7, masks, supp);
    for (int a = 0; a < 3; a++) {
        tg_itemset_opts o = {20, 0, ALGS[a]};
        int64_t want = 0, n = 0;
        for (unsigned m = 1; m < (1u << NI); m++) want += supp[m] >= 20;
        /* The database stays allocated: leaks are counted above its blocks. */
        long base = tg_test_live;
        for (long k = 0;; k++) {
            tg_test_fail_after = k;
            tg_status st = tg_mining_itemsets(db, &o, NULL, NULL, &n, NULL, msg);
            tg_test_fail_after = -1;
            if (tg_test_live != base) fprintf(stderr, "alg %d fail at %ld: %s\n", a, k, msg);
            assert_int_equal(tg_test_live, base);
            if (st == TG_OK) break;
            assert_int_equal(st, TG_ERR_NOMEM);
            assert_msg_has(msg, "out of memory");
        }
        assert_int_equal(n, want);
        int left = 5;
        assert_int_equal(tg_mining_itemsets(db, &o, stop_after, &left, &n, NULL, msg), TG_OK);
        assert_int_equal(n, 5);
        int64_t c0, c1, m0, m1;
        o.algorithm = TG_ECLAT;
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_CLOSED, NULL, NULL, &c0, msg), TG_OK);
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_MAXIMAL, NULL, NULL, &m0, msg), TG_OK);
        o.algorithm = ALGS[a];
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_CLOSED, NULL, NULL, &c1, msg), TG_OK);
        assert_int_equal(tg_mining_itemsets_filtered(db, &o, TG_MAXIMAL, NULL, NULL, &m1, msg), TG_OK);
        assert_int_equal(c1, c0);
        assert_int_equal(m1, m0);
        tg_rule_opts ro = {.min_count = 20, .min_confidence = 0.5, .max_head = 2, .algorithm = TG_ECLAT};
        assert_int_equal(tg_mining_rules(db, &ro, NULL, NULL, &c0, msg), TG_OK);
        ro.algorithm = ALGS[a];
        assert_int_equal(tg_mining_rules(db, &ro, NULL, NULL, &c1, msg), TG_OK);
        assert_int_equal(c1, c0);
        assert_true(c0 > 0);
    }
    tg_itemset_opts bad = {20, 0, (tg_mining_algorithm)7};
    assert_int_equal(tg_mining_itemsets(db, &bad, NULL, NULL, NULL, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "unknown algorithm 7");
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* Redundancy allocation.  The exact DP must reproduce the best-known
 * reliabilities with mixing that the issue quotes from the literature
 * (W = 191, 190, 189, 159, six decimals).  The GA must return feasible
 * designs no better than the optimum, identical for a seed. */
static void test_rap(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_rap *p = NULL;
    assert_int_equal(tg_rap_read("data/rap/fyffe_nm33.txt", &p, msg), TG_OK);
    assert_int_equal(tg_rap_subsystems(p), 14);
    double R, by[192], r, c, w;
    int32_t k[14 * 8], k2[14 * 8];
    assert_int_equal(tg_rap_exact(p, 191, &R, k, by, msg), TG_OK);
    assert_true(fabs(R - 0.986811) < 5e-7);
    assert_true(fabs(by[190] - 0.986416) < 5e-7);
    assert_true(fabs(by[189] - 0.985922) < 5e-7);
    assert_true(fabs(by[159] - 0.954565) < 5e-7);
    tg_rap_evaluate(p, k, &r, &c, &w);
    assert_true(r == R && c <= 130 && w <= 191);
    for (int W = 160; W <= 191; W++) assert_true(by[W] >= by[W - 1]);   /* more weight never hurts */
    int64_t at;
    double Rg, Rg2;
    assert_int_equal(tg_rap_ga(p, 175, 20000, 3, &Rg, k, &at, msg), TG_OK);
    tg_rap_evaluate(p, k, &r, &c, &w);
    assert_true(r == Rg && c <= 130 && w <= 175 && Rg <= by[175] + 1e-12 && at <= 20000);
    assert_int_equal(tg_rap_ga(p, 175, 20000, 3, &Rg2, k2, NULL, msg), TG_OK);
    assert_true(Rg == Rg2 && memcmp(k, k2, sizeof k) == 0);
    tg_rap_free(&p);
    FILE *f = fopen("/tmp/tg_bad_rap.txt", "w");
    fputs("cost_limit 130\nweight_limits 159-191\nsubsystem 1\nchoice 1 1.5 1 3\n", f);
    fclose(f);
    assert_int_equal(tg_rap_read("/tmp/tg_bad_rap.txt", &p, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "/tmp/tg_bad_rap.txt:4: need 0 < reliability < 1");
    remove("/tmp/tg_bad_rap.txt");
    assert_null(p);
    TG_CHECK_NO_LEAK();
}

/* The target: the GA reaches the best-known reliability on all 33
 * weight limits in at least 9 of 10 seeds within 100,000 evaluations.
 * The reference optima come from the exact DP (one run at W = 191 gives
 * every smaller limit), which reproduces the literature values above. */
static void test_rap_ga_target(void **state)
{
    (void)state;
    char msg[TG_MSG_LEN];
    tg_rap *p = NULL;
    assert_int_equal(tg_rap_read("data/rap/fyffe_nm33.txt", &p, msg), TG_OK);
    double best[192], R, r, c, w;
    int32_t k[14 * 8];
    assert_int_equal(tg_rap_exact(p, 191, &R, NULL, best, msg), TG_OK);
    int total = 0;
    for (int W = 159; W <= 191; W++) {
        int hits = 0;
        for (uint64_t seed = 1; seed <= 10; seed++) {
            int64_t at;
            assert_int_equal(tg_rap_ga(p, W, 100000, seed, &R, k, &at, msg), TG_OK);
            tg_rap_evaluate(p, k, &r, &c, &w);
            assert_true(r == R && c <= 130 && w <= W && at <= 100000);
            assert_true(R <= best[W] * (1 + 1e-12));
            hits += R >= best[W] * (1 - 1e-9);
        }
        if (hits < 9) fail_msg("W = %d: optimum %.6f reached in %d of 10 seeds", W, best[W], hits);
        total += hits;
    }
    print_message("rap ga: optimum reached in %d of 330 runs\n", total);
    tg_rap_free(&p);
}

static void test_errors_and_writer(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_txdb *db = NULL;
    assert_int_equal(tg_txdb_read_fimi("/nonexistent/x.dat", &db, msg), TG_ERR_IO);
    assert_msg_has(msg, "/nonexistent/x.dat");
    assert_null(db);
    FILE *f = fopen("/tmp/tg_bad_fimi.dat", "w");
    fputs("1 2 3\n4 5\x01 6\n", f);
    fclose(f);
    assert_int_equal(tg_txdb_read_fimi("/tmp/tg_bad_fimi.dat", &db, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "/tmp/tg_bad_fimi.dat:2: control character");
    remove("/tmp/tg_bad_fimi.dat");
    assert_int_equal(tg_txdb_new(&db, msg), TG_OK);
    const char *t1[] = {"pump", "valve", "pump"}, *t2[] = {"valve"}, *bad[] = {""};
    assert_int_equal(tg_txdb_add(db, 3, t1, msg), TG_OK);
    assert_int_equal(tg_txdb_add(db, 1, t2, msg), TG_OK);
    assert_int_equal(tg_txdb_add(db, 1, bad, msg), TG_ERR_ARG);
    assert_int_equal(tg_txdb_count(db), 2);
    tg_itemset_opts o = {1, 0, TG_ECLAT};
    f = tmpfile();
    int64_t n;
    assert_int_equal(tg_mining_write_itemsets(db, &o, f, &n, msg), TG_OK);
    assert_int_equal(n, 3);
    rewind(f);
    char text[128] = "";
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    /* Ascending support order: pump (1) first, then valve (2). */
    assert_string_equal(text, "pump (1)\npump valve (1)\nvalve (2)\n");
    o.min_count = 0;
    assert_int_equal(tg_mining_itemsets(db, &o, NULL, NULL, &n, NULL, msg), TG_ERR_ARG);
    tg_txdb_free(&db);
    TG_CHECK_NO_LEAK();
}

/* Small cases a review found broken: a database whose first transaction
 * is empty (qsort of a NULL array), and a one-subsystem redundancy
 * allocation (mutation rate 2/n above 1), whose GA must equal the DP. */
static void test_small_cases(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_txdb *db = NULL;
    assert_int_equal(tg_txdb_new(&db, msg), TG_OK);
    const char *none[1] = {NULL}, *a[1] = {"a"};
    assert_int_equal(tg_txdb_add(db, 0, none, msg), TG_OK);
    assert_int_equal(tg_txdb_add(db, 1, a, msg), TG_OK);
    assert_int_equal(tg_txdb_count(db), 2);
    tg_txdb_free(&db);
    char path[64];
    snprintf(path, sizeof path, "/tmp/tg_rap1_%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("cost_limit 10\nweight_limits 5-9\nmax_per_subsystem 4\nsubsystem 1\n"
          "choice 1 0.9 2 3\nchoice 2 0.8 1 1\n", f);
    fclose(f);
    tg_rap *p = NULL;
    assert_int_equal(tg_rap_read(path, &p, msg), TG_OK);
    remove(path);
    double R, Rg;
    int32_t k[8];
    for (int W = 5; W <= 9; W++) {
        assert_int_equal(tg_rap_exact(p, W, &R, NULL, NULL, msg), TG_OK);
        assert_int_equal(tg_rap_ga(p, W, 1000, 1, &Rg, k, NULL, msg), TG_OK);
        assert_true(fabs(R - Rg) <= 1e-12 * R);
    }
    tg_rap_free(&p);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fimi_counts),
        cmocka_unit_test(test_mushroom_by_size),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_closed_maximal),
        cmocka_unit_test(test_fimi_counts_all_algorithms),
        cmocka_unit_test(test_brute_force_all_algorithms),
        cmocka_unit_test(test_random_vs_eclat),
        cmocka_unit_test(test_algorithms_oom_stop_filters),
        cmocka_unit_test(test_rap),
        cmocka_unit_test(test_rap_ga_target),
        cmocka_unit_test(test_small_cases),
        cmocka_unit_test(test_errors_and_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
