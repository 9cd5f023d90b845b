/* test_risk.c: fault-tree analysis against SCRAM and against brute force.
 *
 * Golden values: tests/risk/golden/<model>.txt, written by
 * tests/risk/make_golden.py from SCRAM 0.16.2 (`scram --bdd --probability
 * true --importance true`) on the files in data/faulttrees/.  SCRAM prints
 * 6 significant digits, so real values are compared to a relative 5e-6
 * (half a unit in the 6th digit); counts exactly.  Small trees are also
 * checked against a brute-force enumeration of every assignment written
 * here (probability, minimal cut sets, importance), independent of the BDD.
 * Network reliability: the published N x N grid values quoted in issue 7.
 */
#include "../test_util.h"

#include <math.h>
#include <stdio.h>

#include "risk/tg_risk.h"

/* ---- SCRAM goldens ----------------------------------------------------------- */

static int mocus_checked = 0;

static bool close6(double mine, double ref)
{
    if (ref == 0) return fabs(mine) < 1e-300;
    if (isinf(ref)) return isinf(mine);
    return fabs(mine - ref) <= 5.000001e-6 * fabs(ref);
}

static double num(const char *s)
{
    if (strcmp(s, "inf") == 0) return INFINITY;
    return strtod(s, NULL);
}

static void check_golden(const char *model, bool mocus)
{
    char path[256], line[4096], msg[TG_MSG_LEN];
    snprintf(path, sizeof path, "tests/risk/golden/%s.txt", model);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    /* files ... */
    assert_non_null(fgets(line, sizeof line, f));
    char *files[8], storage[8][256];
    int nfiles = 0;
    for (char *tok = strtok(line + 6, " \n"); tok && nfiles < 8; tok = strtok(NULL, " \n")) {
        snprintf(storage[nfiles], sizeof storage[nfiles], "data/faulttrees/%s", tok);
        files[nfiles] = storage[nfiles];
        nfiles++;
    }
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    if (tg_risk_model_read(nfiles, (const char *const *)files, &m, msg) != TG_OK)
        fail_msg("%s: %s", model, msg);
    char top[256], pstr[64];
    int nbe;
    unsigned long long products;
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(sscanf(line, "top %255s basic-events %d products %llu probability %63s", top,
                            &nbe, &products, pstr), 4);
    int g = tg_risk_model_find_gate(m, top);
    assert_true(g >= 0);
    int tops[4];
    assert_int_equal(tg_risk_model_tops(m, tops, 4), 1);
    assert_int_equal(tops[0], g);
    tg_risk_opts o;
    tg_risk_opts_default(&o);
    if (tg_risk_analyze(m, g, &o, &a, msg) != TG_OK) fail_msg("%s: %s", model, msg);
    if (tg_risk_products(a) != products)
        fail_msg("%s: %llu products, SCRAM %llu", model,
                 (unsigned long long)tg_risk_products(a), products);
    if (!close6(tg_risk_probability(a), num(pstr)))
        fail_msg("%s: probability %.9g, SCRAM %s", model, tg_risk_probability(a), pstr);
    /* SCRAM's distribution starts at order 1 and ends at the largest order. */
    uint64_t dist[64] = {0};
    assert_true(tg_risk_limit_order(a) < 64);
    tg_risk_distribution(a, dist);
    assert_non_null(fgets(line, sizeof line, f));
    int order = 1;
    assert_int_equal(dist[0], 0);
    for (char *tok = strtok(line + 13, " \n"); tok; tok = strtok(NULL, " \n"), order++)
        if (dist[order] != strtoull(tok, NULL, 10))
            fail_msg("%s: order %d: %llu cut sets, SCRAM %s", model, order,
                     (unsigned long long)dist[order], tok);
    for (; order <= tg_risk_limit_order(a); order++) assert_int_equal(dist[order], 0);
    /* Importance of every event SCRAM lists; SCRAM's basic-event count is
     * the number of events that occur in some cut set. */
    int n = tg_risk_model_nbasic(m);
    tg_risk_importance *imp = tg_calloc((size_t)n, sizeof *imp);
    assert_int_equal(tg_risk_importance_all(a, imp, msg), TG_OK);
    int occurring = 0;
    for (int i = 0; i < n; i++) occurring += imp[i].occurrence > 0;
    assert_int_equal(occurring, nbe);
    int listed = 0, sign_flips = 0;
    while (fgets(line, sizeof line, f)) {
        /* "importance NAME v1 .. v7": NAME may hold spaces ("[a b]", a
         * common-cause event), so the seven values are taken from the right. */
        char name[256], s[7][64];
        if (strncmp(line, "importance ", 11) != 0) continue;
        char *end = line + strlen(line);
        while (end > line && (end[-1] == '\n' || end[-1] == ' ')) *--end = '\0';
        for (int k = 6; k >= 0; k--) {
            char *sp = strrchr(line, ' ');
            assert_non_null(sp);
            snprintf(s[k], sizeof s[k], "%s", sp + 1);
            *sp = '\0';
        }
        snprintf(name, sizeof name, "%.255s", line + 11);
        int i = -1;
        for (int j = 0; j < n; j++)
            if (strcmp(tg_risk_model_basic_name(m, j), name) == 0 && imp[j].occurrence > 0) i = j;
        if (i < 0) fail_msg("%s: event %s not found", model, name);
        const tg_risk_importance *r = &imp[i];
        if (r->occurrence != strtoull(s[0], NULL, 10))
            fail_msg("%s: %s occurrence %llu, SCRAM %s", model, name,
                     (unsigned long long)r->occurrence, s[0]);
        double mine[6] = {r->p, r->mif, r->cif, r->dif, r->raw, r->rrw};
        const char *what[6] = {"p", "MIF", "CIF", "DIF", "RAW", "RRW"};
        if ((r->mif < 0) != (num(s[2]) < 0)) {
            /* Non-coherent trees (das9601: xor): SCRAM 0.16.2's MIF has the
             * wrong sign for some events (the exact dP/dp, checked against
             * brute force in test_brute_force, has the other), and it derives
             * CIF, DIF, RAW and RRW from its signed value.  The magnitudes
             * agree; compare on SCRAM's sign here.  The API keeps the exact,
             * signed derivative. */
            double P = tg_risk_probability(a), mif = -r->mif, p = r->p;
            double p1 = P + (1 - p) * mif, p0 = P - p * mif;
            mine[1] = mif, mine[2] = mif * p / P, mine[3] = p * p1 / P, mine[4] = p1 / P;
            mine[5] = P / p0;
            sign_flips++;
        }
        for (int k = 0; k < 6; k++) {
            /* P(top | not e) = 0: RRW is infinite; SCRAM prints 0 or the
             * rounding noise of its subtraction (|RRW| > 1e12, any sign). */
            double ref = num(s[k + 1]);
            if (k == 5 && (ref == 0 || fabs(ref) > 1e12) && isinf(mine[k])) continue;
            if (!close6(mine[k], ref))
                fail_msg("%s: %s %s %.9g, SCRAM %s", model, name, what[k], mine[k], s[k + 1]);
        }
        listed++;
    }
    assert_int_equal(listed, nbe);
    /* MOCUS on the coherent trees: the same family by another route. */
    uint64_t mp = 0, md[64] = {0};
    tg_status ms = mocus ? tg_risk_mocus(m, g, tg_risk_limit_order(a), 1000000, &mp, md, msg)
                         : TG_ERR_ARG;
    if (ms == TG_ERR_ARG) {
        /* negation (MOCUS does not apply), or not asked */
    } else if (ms == TG_OK) {
        assert_int_equal(mp, products);
        for (int k = 0; k <= tg_risk_limit_order(a); k++) assert_int_equal(md[k], dist[k]);
        mocus_checked++;
    } else if (ms != TG_ERR_LIMIT) {
        fail_msg("%s: MOCUS: %s", model, msg);
    }
    if (sign_flips) printf("%s: SCRAM's MIF has the other sign for %d events\n", model, sign_flips);
    fclose(f);
    tg_free(imp);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
}

static void test_scram_examples(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *models[] = {"baobab1", "baobab2", "chinese", "bscu", "hipps", "lift",
                            "smalltree", "theatre", "three_motor", "two_train", "ne574",
                            "common_cause"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) check_golden(models[i], true);
    printf("MOCUS agreed on %d of the SCRAM examples\n", mocus_checked);
    assert_int_equal(mocus_checked, 12);     /* every SCRAM example (all coherent) */
    TG_CHECK_NO_LEAK();
}

static void test_aralia(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *models[] = {"baobab3", "das9201", "das9202", "das9205", "das9601", "edf9201",
                            "edf9205", "elf9601", "ftr10",   "isp9601", "isp9605", "isp9606",
                            "jbd9601"};
    int before = mocus_checked;
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) check_golden(models[i], true);
    /* MOCUS on every coherent one (das9601 has XOR gates) */
    assert_int_equal(mocus_checked - before, 12);
    TG_CHECK_NO_LEAK();
}

/* ---- brute force on small trees ----------------------------------------------- */

/* A random tree over nb basic events: gates g0 (top) .. g{ng-1}, gate i
 * uses events and gates of higher index only, so it is acyclic. */
typedef struct rtree {
    int nb, ng;
    int op[12], k[12], nargs[12], arg[12][5];    /* arg >= 0 event, < 0 gate -(j+1) */
    double p[10];
} rtree;

static const char *OPN[] = {"and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "null"};

static void make_tree(rtree *t, tg_rng *r, bool coherent)
{
    t->nb = 3 + (int)tg_rng_below(r, 6);
    t->ng = 2 + (int)tg_rng_below(r, 5);
    for (int i = 0; i < t->nb; i++) t->p[i] = 0.05 + 0.9 * tg_rng_uniform(r);
    for (int g = 0; g < t->ng; g++) {
        int op = coherent ? (int)tg_rng_below(r, 3) : (int)tg_rng_below(r, 9);
        int n = op == TG_RISK_NOT || op == TG_RISK_NULL ? 1
                : op == TG_RISK_XOR || op == TG_RISK_IFF ? 2
                                                         : 2 + (int)tg_rng_below(r, 3);
        t->op[g] = op;
        t->nargs[g] = n;
        t->k[g] = op == TG_RISK_ATLEAST ? 1 + (int)tg_rng_below(r, (uint64_t)n) : 0;
        for (int j = 0; j < n; j++) {
            int later = t->ng - g - 1;
            if (later > 0 && tg_rng_below(r, 3) == 0)
                t->arg[g][j] = -(g + 2 + (int)tg_rng_below(r, (uint64_t)later));
            else t->arg[g][j] = (int)tg_rng_below(r, (uint64_t)t->nb);
        }
    }
}

static bool eval_gate(const rtree *t, int g, unsigned x)
{
    int c = 0, n = t->nargs[g];
    bool v[5];
    for (int j = 0; j < n; j++) {
        int a = t->arg[g][j];
        v[j] = a >= 0 ? (x >> a) & 1u : eval_gate(t, -a - 1, x);
        c += v[j];
    }
    switch (t->op[g]) {
    case TG_RISK_AND: return c == n;
    case TG_RISK_OR: return c > 0;
    case TG_RISK_ATLEAST: return c >= t->k[g];
    case TG_RISK_NOT: return !v[0];
    case TG_RISK_XOR: return v[0] != v[1];
    case TG_RISK_NAND: return c != n;
    case TG_RISK_NOR: return c == 0;
    case TG_RISK_IFF: return v[0] == v[1];
    default: return v[0];
    }
}

static size_t tree_xml(const rtree *t, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "<?xml version=\"1.0\"?>\n<opsa-mef>\n"
                                "<define-fault-tree name=\"T\">\n");
    for (int g = 0; g < t->ng; g++) {
        n += (size_t)snprintf(buf + n, cap - n, "<define-gate name=\"g%d\"><%s", g, OPN[t->op[g]]);
        if (t->op[g] == TG_RISK_ATLEAST) n += (size_t)snprintf(buf + n, cap - n, " min=\"%d\"", t->k[g]);
        n += (size_t)snprintf(buf + n, cap - n, ">");
        for (int j = 0; j < t->nargs[g]; j++) {
            int a = t->arg[g][j];
            if (a >= 0) n += (size_t)snprintf(buf + n, cap - n, "<basic-event name=\"e%d\"/>", a);
            else n += (size_t)snprintf(buf + n, cap - n, "<gate name=\"g%d\"/>", -a - 1);
        }
        n += (size_t)snprintf(buf + n, cap - n, "</%s></define-gate>\n", OPN[t->op[g]]);
    }
    n += (size_t)snprintf(buf + n, cap - n, "</define-fault-tree>\n<model-data>\n");
    for (int i = 0; i < t->nb; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<define-basic-event name=\"e%d\"><float value=\"%.17g\"/>"
                              "</define-basic-event>\n", i, t->p[i]);
    n += (size_t)snprintf(buf + n, cap - n, "</model-data>\n</opsa-mef>\n");
    return n;
}

typedef struct setlist { unsigned sets[1024]; int n; } setlist;

static int collect(void *ud, int order, const int *events, double p)
{
    (void)p;
    setlist *l = ud;
    unsigned s = 0;
    for (int i = 0; i < order; i++) s |= 1u << events[i];
    l->sets[l->n++] = s;
    return 0;
}

static void test_brute_force(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_rng r;
    tg_rng_seed(&r, 7);
    char xml[16384], msg[TG_MSG_LEN];
    for (int trial = 0; trial < 300; trial++) {
        bool coherent = trial % 2 == 0;
        rtree t;
        make_tree(&t, &r, coherent);
        size_t len = tree_xml(&t, xml, sizeof xml);
        tg_risk_model *m = NULL;
        tg_risk_analysis *a = NULL;
        if (tg_risk_model_parse(xml, len, "rand.xml", &m, msg) != TG_OK) fail_msg("%s", msg);
        int g0 = tg_risk_model_find_gate(m, "g0");
        /* Event indices in the model follow first mention: map by name. */
        int idx[10];
        for (int i = 0; i < t.nb; i++) idx[i] = -1;
        for (int j = 0; j < tg_risk_model_nbasic(m); j++)
            idx[atoi(tg_risk_model_basic_name(m, j) + 1)] = j;
        assert_int_equal(tg_risk_analyze(m, g0, NULL, &a, msg), TG_OK);
        /* Exact probability and Birnbaum importance by enumeration. */
        double P = 0, P1[10] = {0}, P0[10] = {0}, W1[10] = {0}, W0[10] = {0};
        bool truth[512];
        for (unsigned x = 0; x < (1u << t.nb); x++) {
            double w = 1;
            for (int i = 0; i < t.nb; i++) w *= (x >> i) & 1u ? t.p[i] : 1 - t.p[i];
            truth[x] = eval_gate(&t, 0, x);
            if (truth[x]) P += w;
            for (int i = 0; i < t.nb; i++) {
                double wi = w / ((x >> i) & 1u ? t.p[i] : 1 - t.p[i]);
                if ((x >> i) & 1u) W1[i] += wi, P1[i] += truth[x] ? wi : 0;
                else W0[i] += wi, P0[i] += truth[x] ? wi : 0;
            }
        }
        assert_true(fabs(tg_risk_probability(a) - P) < 1e-12);
        tg_risk_importance imp[10];
        assert_int_equal(tg_risk_importance_all(a, imp, msg), TG_OK);
        for (int i = 0; i < t.nb; i++) {
            if (idx[i] < 0) continue;
            assert_true(fabs(imp[idx[i]].mif - (P1[i] / W1[i] - P0[i] / W0[i])) < 1e-10);
        }
        /* Minimal cut sets: for coherent trees, the minimal true sets; in
         * general (SCRAM's rule) the minimal sets S such that the top is
         * true with S true and the rest free over some completion: i.e.
         * minimal sets among {x : some y with y & ~x == ... }.  We check the
         * coherent case exactly and, for every tree, that each listed set
         * forces... nothing more than the union bound. */
        setlist got = {.n = 0};
        assert_int_equal(tg_risk_cut_sets(a, -1, 1024, collect, &got, NULL, msg), TG_OK);
        assert_int_equal((uint64_t)got.n, tg_risk_products(a));
        if (coherent) {
            setlist want = {.n = 0};
            for (unsigned x = 0; x < (1u << t.nb); x++) {
                if (!truth[x]) continue;
                bool minimal = true;
                for (int i = 0; i < t.nb && minimal; i++)
                    if (((x >> i) & 1u) && truth[x & ~(1u << i)]) minimal = false;
                if (minimal) want.sets[want.n++] = x;
            }
            assert_int_equal(got.n, want.n);
            for (int j = 0; j < got.n; j++) {
                unsigned s = 0;      /* map model indices back to e<i> bits */
                for (int i = 0; i < t.nb; i++)
                    if (idx[i] >= 0 && ((got.sets[j] >> idx[i]) & 1u)) s |= 1u << i;
                bool found = false;
                for (int k = 0; k < want.n; k++) found |= want.sets[k] == s;
                assert_true(found);
            }
            /* Rare-event approximation bounds the exact probability. */
            assert_true(tg_risk_rare_event(a) >= P - 1e-12);
            double mcub;
            assert_int_equal(tg_risk_mcub(a, 100000, &mcub, msg), TG_OK);
            assert_true(mcub >= P - 1e-12 && mcub <= tg_risk_rare_event(a) + 1e-12);
        }
        tg_risk_analysis_free(&a);
        tg_risk_model_free(&m);
    }
    TG_CHECK_NO_LEAK();
}

/* ---- modules ------------------------------------------------------------------ */

/* Nodes below rtree gate g (events bits 0..15, gates 16..), not entering
 * gate `avoid`; g itself included when it is a gate other than avoid. */
static unsigned below(const rtree *t, int g, int avoid)
{
    if (g == avoid) return 0;
    unsigned s = 1u << (16 + g);
    for (int j = 0; j < t->nargs[g]; j++) {
        int a = t->arg[g][j];
        s |= a >= 0 ? 1u << a : below(t, -a - 1, avoid);
    }
    return s;
}

/* tg_risk_modules against the definition, by brute force: gate g is a
 * module iff it is below g0 and nothing strictly below g is reachable from
 * g0 without passing through g.  Also the Aralia trees with many shared
 * gates, whose module counts were computed the same brute-force way by
 * tests/risk/modules_golden.py. */
static void test_modules(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_rng r;
    tg_rng_seed(&r, 11);
    char xml[16384], msg[TG_MSG_LEN];
    int nontrivial = 0, shared = 0;
    for (int trial = 0; trial < 400; trial++) {
        rtree t;
        make_tree(&t, &r, trial % 2 == 0);
        size_t len = tree_xml(&t, xml, sizeof xml);
        tg_risk_model *m = NULL;
        if (tg_risk_model_parse(xml, len, "rand.xml", &m, msg) != TG_OK) fail_msg("%s", msg);
        uint8_t mod[16];
        int count = -1, want_count = 0;
        assert_int_equal(tg_risk_modules(m, tg_risk_model_find_gate(m, "g0"), mod, &count, msg),
                         TG_OK);
        unsigned all = below(&t, 0, -1);
        for (int g = 0; g < t.ng; g++) {
            char name[16];
            snprintf(name, sizeof name, "g%d", g);
            bool want = false;
            if (all & (1u << (16 + g))) {
                unsigned inside = below(&t, g, -1) & ~(1u << (16 + g));
                unsigned outside = g == 0 ? 0 : below(&t, 0, g);
                want = (inside & outside) == 0;
                if (want && g > 0) nontrivial++;
                if (!want) shared++;
            }
            want_count += want;
            assert_int_equal(mod[tg_risk_model_find_gate(m, name)], want);
        }
        assert_int_equal(count, want_count);
        tg_risk_model_free(&m);
    }
    assert_true(nontrivial > 50 && shared > 50);    /* both cases exercised */
    static const struct { const char *model; int modules; } ARALIA[] = {
#include "golden/modules.inc"
    };
    for (size_t i = 0; i < sizeof ARALIA / sizeof ARALIA[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "data/faulttrees/aralia/%s.xml.gz", ARALIA[i].model);
        const char *files[1] = {path};
        tg_risk_model *m = NULL;
        if (tg_risk_model_read(1, files, &m, msg) != TG_OK) fail_msg("%s", msg);
        int top;
        assert_true(tg_risk_model_tops(m, &top, 1) >= 1);    /* the first, as the script */
        uint8_t *mod = malloc((size_t)tg_risk_model_ngates(m));
        int count = -1;
        assert_int_equal(tg_risk_modules(m, top, mod, &count, msg), TG_OK);
        if (count != ARALIA[i].modules)
            fail_msg("%s: %d modules, want %d", ARALIA[i].model, count, ARALIA[i].modules);
        free(mod);
        tg_risk_model_free(&m);
    }
    char *nul = NULL;
    assert_int_equal(tg_risk_modules(NULL, 0, (uint8_t *)&nul, NULL, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* ---- BDD garbage collection ---------------------------------------------------- */

/* das9601 makes 265,423 BDD nodes in all at the default budget (risk debug
 * log), but fewer than 60,000 are alive at once: a 200,000-node budget
 * succeeds only because dead nodes are collected between operations, and
 * the results must be those of the uncollected run (a reduced ordered BDD
 * is canonical). */
static void test_bdd_gc(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    const char *files[1] = {"data/faulttrees/aralia/das9601.xml.gz"};
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL, *b = NULL;
    if (tg_risk_model_read(1, files, &m, msg) != TG_OK) fail_msg("%s", msg);
    int top;
    assert_true(tg_risk_model_tops(m, &top, 1) >= 1);
    assert_int_equal(tg_risk_analyze(m, top, NULL, &a, msg), TG_OK);
    tg_risk_opts o;
    tg_risk_opts_default(&o);
    o.max_nodes = 200000;
    if (tg_risk_analyze(m, top, &o, &b, msg) != TG_OK) fail_msg("%s", msg);
    assert_int_equal(tg_risk_products(b), 4259);    /* SCRAM's, as in golden/das9601.txt */
    assert_int_equal(tg_risk_products(a), tg_risk_products(b));
    assert_int_equal(tg_risk_bdd_nodes(a), tg_risk_bdd_nodes(b));
    assert_true(fabs(tg_risk_probability(a) - tg_risk_probability(b)) <=
                1e-15 * tg_risk_probability(a));
    uint64_t da[32] = {0}, db[32] = {0};
    assert_true(tg_risk_limit_order(a) < 32);
    tg_risk_distribution(a, da);
    tg_risk_distribution(b, db);
    assert_memory_equal(da, db, sizeof da);
    tg_risk_analysis_free(&b);
    /* Too small even with collection: a clean limit error. */
    o.max_nodes = 20000;
    assert_int_equal(tg_risk_analyze(m, top, &o, &b, msg), TG_ERR_LIMIT);
    assert_null(b);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}

/* ---- order limit, expressions, mission time, uncertainty ------------------------- */

static const char *EXPR_XML =
    "<?xml version=\"1.0\"?>\n"
    "<opsa-mef>\n"
    "<define-fault-tree name=\"FT\">\n"
    "  <define-gate name=\"top\"><or><gate name=\"g1\"/><and><basic-event name=\"a\"/>"
    "<basic-event name=\"b\"/><basic-event name=\"c\"/></and></or></define-gate>\n"
    "  <define-gate name=\"g1\"><atleast min=\"2\"><event name=\"a\"/><event name=\"d\"/>"
    "<event name=\"e\"/></atleast></define-gate>\n"
    "  <define-basic-event name=\"a\"><exponential><parameter name=\"lambda\"/>"
    "<system-mission-time/></exponential></define-basic-event>\n"
    "</define-fault-tree>\n"
    "<model-data>\n"
    "  <define-parameter name=\"lambda\"><mul><float value=\"2e-5\"/><int value=\"5\"/></mul>"
    "</define-parameter>\n"
    "  <define-basic-event name=\"b\"><GLM><float value=\"0.01\"/><float value=\"1e-4\"/>"
    "<float value=\"0.1\"/><system-mission-time/></GLM></define-basic-event>\n"
    "  <define-basic-event name=\"c\"><Weibull><float value=\"1000\"/><float value=\"1.5\"/>"
    "<float value=\"0\"/><system-mission-time/></Weibull></define-basic-event>\n"
    "  <define-basic-event name=\"d\"><uniform-deviate><float value=\"0.1\"/><float value=\"0.3\"/>"
    "</uniform-deviate></define-basic-event>\n"
    "  <define-basic-event name=\"e\"><lognormal-deviate><float value=\"0.01\"/>"
    "<float value=\"3\"/><float value=\"0.95\"/></lognormal-deviate></define-basic-event>\n"
    "</model-data>\n"
    "</opsa-mef>\n";

/* Finding 4: a parameter shared by two events (or used twice in one
 * expression) is drawn once per trial.  L ~ lognormal(mu = ln 0.01,
 * sigma = 0.5): E[L^2] = exp(2 mu + 2 sigma^2) = 1e-4 e^0.5 = 1.6487e-4,
 * while independent draws give E[L]^2 = 1e-4 e^0.25 = 1.2840e-4 (22% less).
 * L^2 is lognormal with sigma 1 (CV 1.31), so 20000 trials give a relative
 * standard error of 0.93%; the tolerance 2 err95 (about 4 standard errors,
 * 3.7%) is far below the 22% gap. */
static void run_shared(const char *xml, double expect, double wrong)
{
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    tg_risk_uncertainty u;
    assert_int_equal(tg_risk_model_parse(xml, strlen(xml), "shared.xml", &m, msg), TG_OK);
    assert_int_equal(tg_risk_analyze(m, 0, NULL, &a, msg), TG_OK);
    assert_int_equal(tg_risk_uncertainty_run(a, 20000, 7, 4, 10, &u, msg), TG_OK);
    assert_true(fabs(u.mean - expect) < 2 * u.err95);
    assert_true(fabs(u.mean - wrong) > 4 * u.err95);
    tg_risk_uncertainty_clear(&u);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
}

static void test_shared_parameter_draw(void **state)
{
    (void)state;
    tg_test_install_allocator();
#define LN_PARAM "<model-data><define-parameter name=\"L\"><lognormal-deviate>" \
    "<float value=\"-4.605170185988091\"/><float value=\"0.5\"/></lognormal-deviate>" \
    "</define-parameter></model-data>"
    const char *two =
        "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><and>"
        "<basic-event name=\"x\"/><basic-event name=\"y\"/></and></define-gate>"
        "<define-basic-event name=\"x\"><parameter name=\"L\"/></define-basic-event>"
        "<define-basic-event name=\"y\"><parameter name=\"L\"/></define-basic-event>"
        "</define-fault-tree>" LN_PARAM "</opsa-mef>";
    const char *twice =
        "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><or>"
        "<basic-event name=\"x\"/></or></define-gate>"
        "<define-basic-event name=\"x\"><mul><parameter name=\"L\"/><parameter name=\"L\"/>"
        "</mul></define-basic-event></define-fault-tree>" LN_PARAM "</opsa-mef>";
#undef LN_PARAM
    run_shared(two, 1e-4 * exp(0.5), 1e-4 * exp(0.25));
    run_shared(twice, 1e-4 * exp(0.5), 1e-4 * exp(0.25));
    assert_int_equal(tg_test_live, 0);
}

/* Finding 5: invalid deviate parameters are rejected with file:line at
 * finish, and non-finite draws stop the uncertainty run. */
static void test_bad_deviates(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
#define DEV_XML(body) "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><or>" \
    "<basic-event name=\"x\"/></or></define-gate>\n<define-basic-event name=\"x\">" body \
    "</define-basic-event></define-fault-tree></opsa-mef>"
    const char *bad[] = {
        DEV_XML("<gamma-deviate><float value=\"-1e9\"/><float value=\"-1e-9\"/></gamma-deviate>"),
        DEV_XML("<gamma-deviate><div><float value=\"0\"/><float value=\"0\"/></div>"
                "<float value=\"1\"/></gamma-deviate>"),
        DEV_XML("<beta-deviate><float value=\"0\"/><float value=\"1\"/></beta-deviate>"),
        DEV_XML("<uniform-deviate><float value=\"0.3\"/><float value=\"0.1\"/></uniform-deviate>"),
        DEV_XML("<normal-deviate><float value=\"0.3\"/><float value=\"-1\"/></normal-deviate>"),
        DEV_XML("<lognormal-deviate><float value=\"0.01\"/><float value=\"0.5\"/>"
                "<float value=\"0.95\"/></lognormal-deviate>"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(tg_risk_model_parse(bad[i], strlen(bad[i]), "dev.xml", &m, msg),
                         TG_ERR_NUMERIC);
        assert_null(m);
        assert_non_null(strstr(msg, "dev.xml:2: bad deviate parameters"));
    }
    /* Valid at the mean (shape 1) but draws of the shape go negative. */
    const char *draw = DEV_XML("<gamma-deviate><normal-deviate><float value=\"1\"/>"
                               "<float value=\"10\"/></normal-deviate><float value=\"0.01\"/>"
                               "</gamma-deviate>");
#undef DEV_XML
    assert_int_equal(tg_risk_model_parse(draw, strlen(draw), "dev.xml", &m, msg), TG_OK);
    assert_int_equal(tg_risk_analyze(m, 0, NULL, &a, msg), TG_OK);
    tg_risk_uncertainty u;
    assert_int_equal(tg_risk_uncertainty_run(a, 1000, 3, 4, 10, &u, msg), TG_ERR_NUMERIC);
    assert_non_null(strstr(msg, "not finite"));
    assert_null(u.quantiles);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    assert_int_equal(tg_test_live, 0);
}

/* Finding 11: a private definition whose "scope.name" key exceeds the
 * 1024-byte buffer is an error, not silently public. */
static void test_long_private_key(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN], ft[1001], ev[101];
    memset(ft, 'f', 1000), ft[1000] = '\0';
    memset(ev, 'e', 100), ev[100] = '\0';
    size_t cap = 4096;
    char *xml = malloc(cap);
    assert_non_null(xml);
    snprintf(xml, cap, "<opsa-mef><define-fault-tree name=\"%s\" role=\"private\">\n"
             "<define-gate name=\"t\"><or><basic-event name=\"%s\"/></or></define-gate>\n"
             "<define-basic-event name=\"%s\"><float value=\"0.1\"/></define-basic-event>"
             "</define-fault-tree></opsa-mef>", ft, ev, ev);
    tg_risk_model *m = NULL;
    assert_int_equal(tg_risk_model_parse(xml, strlen(xml), "long.xml", &m, msg), TG_ERR_LIMIT);
    assert_null(m);
    assert_non_null(strstr(msg, "long.xml:3: private definition 'eee"));
    free(xml);
    assert_int_equal(tg_test_live, 0);
}

/* Finding 10: a failed mission-time change leaves the model unchanged, and
 * the time must be > 0. */
static void test_mission_time_atomic(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    const char *xml =
        "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><or>"
        "<basic-event name=\"a\"/><basic-event name=\"b\"/></or></define-gate>"
        "<define-basic-event name=\"a\"><exponential><float value=\"1e-4\"/>"
        "<system-mission-time/></exponential></define-basic-event>"
        "<define-basic-event name=\"b\"><div><system-mission-time/><float value=\"17520\"/>"
        "</div></define-basic-event></define-fault-tree></opsa-mef>";
    tg_risk_model *m = NULL;
    assert_int_equal(tg_risk_model_parse(xml, strlen(xml), "t.xml", &m, msg), TG_OK);
    double pa = tg_risk_model_basic_prob(m, 0), pb = tg_risk_model_basic_prob(m, 1);
    assert_true(fabs(pb - 0.5) < 1e-15);
    /* b = t / 17520 exceeds 1 at 20000 h: nothing may change (a came first). */
    assert_int_equal(tg_risk_model_set_mission_time(m, 20000, msg), TG_ERR_NUMERIC);
    assert_true(tg_risk_model_mission_time(m) == 8760);
    assert_true(tg_risk_model_basic_prob(m, 0) == pa && tg_risk_model_basic_prob(m, 1) == pb);
    assert_int_equal(tg_risk_model_set_mission_time(m, 0, msg), TG_ERR_ARG);
    assert_int_equal(tg_risk_model_set_mission_time(m, -1, msg), TG_ERR_ARG);
    assert_true(tg_risk_model_mission_time(m) == 8760);
    assert_int_equal(tg_risk_model_set_mission_time(m, 4380, msg), TG_OK);
    assert_true(fabs(tg_risk_model_basic_prob(m, 1) - 0.25) < 1e-15);
    tg_risk_model_free(&m);
    assert_int_equal(tg_test_live, 0);
}

static void test_expressions_and_time(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    assert_int_equal(tg_risk_model_parse(EXPR_XML, strlen(EXPR_XML), "expr.xml", &m, msg), TG_OK);
    assert_int_equal(tg_risk_model_nbasic(m), 5);
    double t = 8760;
    double pa = 1 - exp(-1e-4 * t);
    double pb = (1e-4 - (1e-4 - 0.01 * (1e-4 + 0.1)) * exp(-(1e-4 + 0.1) * t)) / (1e-4 + 0.1);
    double pc = 1 - exp(-pow(t / 1000, 1.5));
    /* Point values of deviates are their means. */
    double pd = 0.2, pe = 0.01;
    int ia = -1, ib = -1, ic = -1, id = -1, ie = -1;
    for (int i = 0; i < 5; i++) {
        const char *n = tg_risk_model_basic_name(m, i);
        if (!strcmp(n, "a")) ia = i;
        if (!strcmp(n, "b")) ib = i;
        if (!strcmp(n, "c")) ic = i;
        if (!strcmp(n, "d")) id = i;
        if (!strcmp(n, "e")) ie = i;
    }
    assert_true(fabs(tg_risk_model_basic_prob(m, ia) - pa) < 1e-15);
    assert_true(fabs(tg_risk_model_basic_prob(m, ib) - pb) < 1e-15);
    assert_true(fabs(tg_risk_model_basic_prob(m, ic) - pc) < 1e-15);
    assert_true(fabs(tg_risk_model_basic_prob(m, id) - pd) < 1e-15);
    assert_true(fabs(tg_risk_model_basic_prob(m, ie) - pe) < 1e-12);
    int top = tg_risk_model_find_gate(m, "top");
    assert_int_equal(tg_risk_analyze(m, top, NULL, &a, msg), TG_OK);
    /* top = ad + ae + de + abc; minimal: ad, ae, de, abc. */
    assert_int_equal(tg_risk_products(a), 4);
    uint64_t dist[8];
    tg_risk_distribution(a, dist);
    assert_int_equal(dist[2], 3);
    assert_int_equal(dist[3], 1);
    double p2 = 0;
    for (unsigned x = 0; x < 32; x++) {
        double pr[5] = {pa, pb, pc, pd, pe}, w = 1;
        bool v[5];
        for (int i = 0; i < 5; i++) v[i] = (x >> i) & 1u, w *= v[i] ? pr[i] : 1 - pr[i];
        if ((v[0] && v[3]) || (v[0] && v[4]) || (v[3] && v[4]) || (v[0] && v[1] && v[2])) p2 += w;
    }
    assert_true(fabs(tg_risk_probability(a) - p2) < 1e-14);
    /* Mission time: half a year. */
    assert_int_equal(tg_risk_model_set_mission_time(m, 4380, msg), TG_OK);
    tg_risk_reevaluate(a);
    assert_true(fabs(tg_risk_model_basic_prob(m, ia) - (1 - exp(-1e-4 * 4380))) < 1e-15);
    assert_true(tg_risk_probability(a) < p2);
    assert_int_equal(tg_risk_model_set_mission_time(m, 8760, msg), TG_OK);
    tg_risk_reevaluate(a);
    /* Uncertainty: seeded, reproducible; d ~ U(0.1, 0.3) has mean 0.2. */
    tg_risk_uncertainty u1, u2;
    assert_int_equal(tg_risk_uncertainty_run(a, 4000, 42, 10, 20, &u1, msg), TG_OK);
    assert_int_equal(tg_risk_uncertainty_run(a, 4000, 42, 10, 20, &u2, msg), TG_OK);
    assert_true(u1.mean == u2.mean && u1.quantiles[4] == u2.quantiles[4]);
    int64_t total = 0;
    for (int i = 0; i < u1.nbins; i++) total += u1.bins[i];
    assert_int_equal(total, 4000);
    for (int i = 1; i < u1.nq; i++) assert_true(u1.quantiles[i] >= u1.quantiles[i - 1]);
    assert_true(u1.min <= u1.quantiles[0] && u1.quantiles[u1.nq - 1] == u1.max);
    tg_risk_uncertainty_clear(&u1);
    tg_risk_uncertainty_clear(&u2);
    tg_risk_analysis_free(&a);
    /* Order limit 2 drops abc. */
    tg_risk_opts o;
    tg_risk_opts_default(&o);
    o.limit_order = 2;
    assert_int_equal(tg_risk_analyze(m, top, &o, &a, msg), TG_OK);
    assert_int_equal(tg_risk_products(a), 3);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);

    /* Uniform(0, 1) single event: the mean of P(top) is 1/2. */
    const char *one = "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><or>"
                      "<basic-event name=\"x\"/><basic-event name=\"y\"/></or></define-gate>"
                      "<define-basic-event name=\"x\"><uniform-deviate><float value=\"0\"/>"
                      "<float value=\"1\"/></uniform-deviate></define-basic-event>"
                      "<define-basic-event name=\"y\"><float value=\"0\"/></define-basic-event>"
                      "</define-fault-tree></opsa-mef>";
    assert_int_equal(tg_risk_model_parse(one, strlen(one), "one.xml", &m, msg), TG_OK);
    assert_int_equal(tg_risk_analyze(m, 0, NULL, &a, msg), TG_OK);
    assert_int_equal(tg_risk_uncertainty_run(a, 20000, 1, 4, 10, &u1, msg), TG_OK);
    assert_true(fabs(u1.mean - 0.5) < 3 * u1.err95);
    assert_true(fabs(u1.sd - sqrt(1.0 / 12)) < 0.01);
    assert_true(fabs(u1.quantiles[1] - 0.5) < 0.02);
    tg_risk_uncertainty_clear(&u1);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}


/* ---- common-cause groups ------------------------------------------------------ */

/* Three members, top = 2 of 3 fail.  Expected: brute force over the seven
 * independent events (3 own failures, 3 pairs, 1 triple) with the
 * probabilities of the model's formulas (NUREG/CR-5485):
 *   MGL:   Q1 = (1-b) Q, Q2 = b (1-g) Q / 2, Q3 = b g Q
 *   alpha: Q1 = a1 Q / at, Q2 = 2 a2 Q / (2 at), Q3 = 3 a3 Q / at,
 *          at = a1 + 2 a2 + 3 a3 */
static double ccf_case(const char *model, const char *factors, double q1, double q2, double q3)
{
    char xml[4096], msg[TG_MSG_LEN];
    snprintf(xml, sizeof xml,
             "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><atleast min=\"2\">"
             "<basic-event name=\"A\"/><basic-event name=\"B\"/><basic-event name=\"C\"/>"
             "</atleast></define-gate></define-fault-tree><model-data>"
             "<define-CCF-group name=\"G\" model=\"%s\"><members><basic-event name=\"A\"/>"
             "<basic-event name=\"B\"/><basic-event name=\"C\"/></members><distribution>"
             "<float value=\"0.01\"/></distribution><factors>%s</factors></define-CCF-group>"
             "</model-data></opsa-mef>", model, factors);
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    if (tg_risk_model_parse(xml, strlen(xml), "ccf.xml", &m, msg) != TG_OK) fail_msg("%s", msg);
    assert_int_equal(tg_risk_model_nbasic(m), 7);
    assert_int_equal(tg_risk_analyze(m, 0, NULL, &a, msg), TG_OK);
    /* events: 0..2 own, 3 = AB, 4 = AC, 5 = BC, 6 = ABC */
    double pr[7] = {q1, q1, q1, q2, q2, q2, q3}, want = 0;
    for (unsigned x = 0; x < 128; x++) {
        double w = 1;
        for (int i = 0; i < 7; i++) w *= (x >> i) & 1u ? pr[i] : 1 - pr[i];
        bool A = (x & 1u) || (x & 8u) || (x & 16u) || (x & 64u);
        bool B = (x & 2u) || (x & 8u) || (x & 32u) || (x & 64u);
        bool C = (x & 4u) || (x & 16u) || (x & 32u) || (x & 64u);
        if (A + B + C >= 2) want += w;
    }
    double got = tg_risk_probability(a);
    /* Cut sets: the three pairs of own failures and the four CCF events. */
    assert_int_equal(tg_risk_products(a), 7);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    assert_true(fabs(got - want) < 1e-15);
    return got;
}

static void test_ccf(void **state)
{
    (void)state;
    tg_test_install_allocator();
    double Q = 0.01, b = 0.1, g = 0.3;
    ccf_case("MGL", "<factor level=\"2\"><float value=\"0.1\"/></factor>"
             "<factor level=\"3\"><float value=\"0.3\"/></factor>",
             (1 - b) * Q, b * (1 - g) * Q / 2, b * g * Q);
    double a1 = 0.95, a2 = 0.04, a3 = 0.01, at = a1 + 2 * a2 + 3 * a3;
    ccf_case("alpha-factor", "<factor level=\"1\"><float value=\"0.95\"/></factor>"
             "<factor level=\"2\"><float value=\"0.04\"/></factor>"
             "<factor level=\"3\"><float value=\"0.01\"/></factor>",
             a1 * Q / at, 2 * a2 * Q / (2 * at), 3 * a3 * Q / at);
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    const char *bad = "<opsa-mef><define-fault-tree name=\"F\"><define-gate name=\"t\"><and>"
                      "<basic-event name=\"A\"/><basic-event name=\"B\"/></and></define-gate>"
                      "</define-fault-tree><define-CCF-group name=\"G\" model=\"MGL\"><members>"
                      "<basic-event name=\"A\"/><basic-event name=\"B\"/></members><distribution>"
                      "<float value=\"0.01\"/></distribution></define-CCF-group></opsa-mef>";
    assert_int_equal(tg_risk_model_parse(bad, strlen(bad), "ccf.xml", &m, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "ccf.xml:1: CCF group 'G': MGL needs factors of levels 2..2");
    TG_CHECK_NO_LEAK();
}

/* ---- errors ---------------------------------------------------------------------- */

static void expect_error(const char *xml, tg_status want, const char *has)
{
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    tg_status s = tg_risk_model_parse(xml, strlen(xml), "bad.xml", &m, msg);
    if (s != want) fail_msg("status %d (%s), want %d for: %s", s, msg, want, xml);
    assert_null(m);
    assert_msg_has(msg, has);
}

#define FT(body) "<opsa-mef>\n<define-fault-tree name=\"F\">\n" body "\n</define-fault-tree>\n</opsa-mef>\n"
#define BE(n) "<define-basic-event name=\"" n "\"><float value=\"0.1\"/></define-basic-event>"

static void test_errors(void **state)
{
    (void)state;
    tg_test_install_allocator();
    expect_error("<opsa-mef><define-fault-tree name=\"F\">", TG_ERR_PARSE, "bad.xml:1: XML error");
    expect_error("<graphml/>", TG_ERR_PARSE, "not <opsa-mef>");
    expect_error(FT("<define-gate name=\"t\"><or><basic-event name=\"a\"/>"
                    "<basic-event name=\"zz\"/></or></define-gate>\n" BE("a")),
                 TG_ERR_ID, "bad.xml:3: undefined basic event 'zz'");
    expect_error(FT("<define-gate name=\"t\"><or><gate name=\"u\"/><basic-event name=\"a\"/>"
                    "</or></define-gate>\n<define-gate name=\"u\"><and><gate name=\"t\"/>"
                    "<basic-event name=\"a\"/></and></define-gate>\n" BE("a")),
                 TG_ERR_PARSE, "bad.xml:4: gate 't' is part of a cycle (through 'u')");
    expect_error(FT("<define-gate name=\"t\"><or><gate name=\"a\"/><basic-event name=\"a\"/>"
                    "</or></define-gate>\n" BE("a")),
                 TG_ERR_TYPE, "bad.xml:3: 'a' is referenced as a gate but is a basic event");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/><event name=\"b\"/></or>"
                    "</define-gate>\n" BE("a") "\n" BE("a") "\n" BE("b")),
                 TG_ERR_ID, "bad.xml:5: 'a' is already defined");
    expect_error(FT("<define-gate name=\"t\"><atleast min=\"4\"><event name=\"a\"/>"
                    "<event name=\"b\"/></atleast></define-gate>\n" BE("a") BE("b")),
                 TG_ERR_PARSE, "min <= 2");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/><event name=\"b\"/></or>"
                    "</define-gate>\n" BE("a") "\n<define-basic-event name=\"b\"><float "
                    "value=\"x1\"/></define-basic-event>"),
                 TG_ERR_PARSE, "bad.xml:5: <float value=\"x1\">: not a number");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/><event name=\"b\"/></or>"
                    "</define-gate>\n" BE("a") "\n<define-basic-event name=\"b\"><parameter "
                    "name=\"q\"/></define-basic-event>"),
                 TG_ERR_ID, "bad.xml:5: undefined parameter 'q'");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/><event name=\"b\"/></or>"
                    "</define-gate>\n" BE("a") "\n<define-basic-event name=\"b\"><float "
                    "value=\"1.5\"/></define-basic-event>"),
                 TG_ERR_NUMERIC, "bad.xml:5: basic event 'b': probability 1.5");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/><event name=\"b\"/></or>"
                    "</define-gate>\n" BE("a") "\n<define-parameter name=\"p\"><parameter "
                    "name=\"r\"/></define-parameter><define-parameter name=\"r\"><parameter "
                    "name=\"p\"/></define-parameter>\n<define-basic-event name=\"b\"><parameter "
                    "name=\"p\"/></define-basic-event>"),
                 TG_ERR_PARSE, "depends on itself");
    expect_error(FT("<define-gate name=\"t\"><frob><event name=\"a\"/></frob></define-gate>"),
                 TG_ERR_PARSE, "bad.xml:3: <frob> is not a formula");
    expect_error(FT("<define-gate name=\"t\"><or><event name=\"a\"/></or></define-gate>\n"
                    "<define-basic-event name=\"a\"><exponential><float value=\"1\"/>"
                    "</exponential></define-basic-event>"),
                 TG_ERR_PARSE, "bad.xml:4: <exponential> takes 2 arguments, got 1");
    expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n"
                 "<opsa-mef>&lol;</opsa-mef>", TG_ERR_PARSE, "entity declarations are not allowed");
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    const char *nofile[] = {"data/faulttrees/no-such-file.xml"};
    assert_int_equal(tg_risk_model_read(1, nofile, &m, msg), TG_ERR_IO);
    assert_msg_has(msg, "no-such-file.xml: cannot open");
    TG_CHECK_NO_LEAK();
}

static void test_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_status s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            tg_risk_model *m = NULL;
            tg_risk_analysis *a = NULL;
            s = tg_risk_model_parse(EXPR_XML, strlen(EXPR_XML), "expr.xml", &m, msg);
            if (s == TG_OK) s = tg_risk_analyze(m, tg_risk_model_find_gate(m, "top"), NULL, &a, msg);
            tg_risk_importance imp[5];
            if (s == TG_OK) s = tg_risk_importance_all(a, imp, msg);
            if (s == TG_OK) assert_int_equal(tg_risk_products(a), 4);
            tg_risk_analysis_free(&a);
            tg_risk_model_free(&m);
        },
        s == TG_OK);
    TG_CHECK_NO_LEAK();
}


/* ---- mutated inputs ---------------------------------------------------------------- */

/* Truncations, deleted lines, renamed references and swapped tags of real
 * models: each either reads (and then analyses) or fails with a message
 * naming the file and a line; never a crash or leak (ASan in SANITIZE=1). */
static void test_mutations(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *files[] = {"data/faulttrees/scram/three_motor.xml", "data/faulttrees/scram/chinese.xml",
                           "data/faulttrees/scram/HIPPS.xml"};
    tg_rng r;
    tg_rng_seed(&r, 11);
    char msg[TG_MSG_LEN];
    int failed = 0, read_ok = 0;
    for (size_t fi = 0; fi < sizeof files / sizeof *files; fi++) {
        FILE *f = fopen(files[fi], "rb");
        assert_non_null(f);
        char *orig = malloc(1 << 20);
        size_t n = fread(orig, 1, (1 << 20) - 1, f);
        fclose(f);
        orig[n] = '\0';
        char *buf = malloc(n + 64);
        for (int it = 0; it < 150; it++) {
            size_t len = n;
            memcpy(buf, orig, n + 1);
            int kind = (int)tg_rng_below(&r, 4);
            size_t at = (size_t)tg_rng_below(&r, n);
            if (kind == 0) {
                len = at;   /* truncate */
            } else if (kind == 1) {     /* delete the line holding `at` */
                size_t a = at, b = at;
                while (a > 0 && buf[a - 1] != '\n') a--;
                while (b < n && buf[b] != '\n') b++;
                memmove(buf + a, buf + b, n - b + 1);
                len = n - (b - a);
            } else if (kind == 2) {     /* rename the next name="..." */
                char *q = strstr(buf + at, "name=\"");
                if (q) q[6] = q[6] == 'Q' ? 'W' : 'Q';
            } else {                    /* turn the next <or> into <nor> (negation) */
                char *q = strstr(buf + at, "<or>");
                if (q) memcpy(q, "<nor", 4);
            }
            tg_risk_model *m = NULL;
            tg_status st = tg_risk_model_parse(buf, len, "mut.xml", &m, msg);
            if (st == TG_OK) {
                int tops[2];
                if (tg_risk_model_tops(m, tops, 2) >= 1) {
                    tg_risk_analysis *a = NULL;
                    if (tg_risk_analyze(m, tops[0], NULL, &a, msg) == TG_OK) {
                        tg_risk_importance imp[64];
                        if (tg_risk_model_nbasic(m) <= 64) (void)tg_risk_importance_all(a, imp, msg);
                    }
                    tg_risk_analysis_free(&a);
                }
                tg_risk_model_free(&m);
                read_ok++;
            } else {
                assert_null(m);
                if (strncmp(msg, "mut.xml", 7) != 0) fail_msg("message without the file: %s", msg);
                failed++;
            }
        }
        free(buf);
        free(orig);
    }
    assert_true(failed > 100 && read_ok > 10);
    TG_CHECK_NO_LEAK();
}

/* ---- network reliability ----------------------------------------------------------- */

static double grid(int N, double p)
{
    int u[2 * 64], v[2 * 64], m = 0;
    double pr[2 * 64];
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            if (c + 1 < N) u[m] = r * N + c, v[m] = r * N + c + 1, pr[m++] = p;
            if (r + 1 < N) u[m] = r * N + c, v[m] = (r + 1) * N + c, pr[m++] = p;
        }
    int t[2] = {0, N * N - 1};
    double out = -1;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_risk_network_reliability(N * N, m, u, v, pr, 2, t, &out, msg), TG_OK);
    return out;
}

static void test_network(void **state)
{
    (void)state;
    tg_test_install_allocator();
    /* Published values quoted in issue 7. */
    assert_true(fabs(grid(3, 0.9) - 0.972502171407) < 1e-12);
    assert_true(fabs(grid(4, 0.9) - 0.975046349577) < 1e-12);
    /* Series and parallel by hand: two paths of two edges, and a bridge. */
    int u[5] = {0, 1, 0, 2, 1}, v[5] = {1, 3, 2, 3, 2};
    double p[5] = {0.9, 0.8, 0.7, 0.6, 0.5}, out;
    int t[3] = {0, 3, 1};
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_risk_network_reliability(4, 4, u, v, p, 2, t, &out, msg), TG_OK);
    assert_true(fabs(out - (1 - (1 - 0.72) * (1 - 0.42))) < 1e-15);
    /* Bridge by conditioning on edge 1-2 (p5). */
    double up = 1 - (1 - 0.9) * (1 - 0.7), down = 1 - (1 - 0.8) * (1 - 0.6);
    double bridge = 0.5 * up * down + 0.5 * (1 - (1 - 0.72) * (1 - 0.42));
    assert_int_equal(tg_risk_network_reliability(4, 5, u, v, p, 2, t, &out, msg), TG_OK);
    assert_true(fabs(out - bridge) < 1e-15);
    /* Three terminals on a path 0-1-3 with 1 as a terminal. */
    assert_int_equal(tg_risk_network_reliability(4, 4, u, v, p, 3, t, &out, msg), TG_OK);
    /* 0,1,3 connected: brute force over 4 edges. */
    double want = 0;
    for (unsigned x = 0; x < 16; x++) {
        double w = 1;
        for (int i = 0; i < 4; i++) w *= (x >> i) & 1u ? p[i] : 1 - p[i];
        bool e01 = x & 1u, e13 = x & 2u, e02 = x & 4u, e23 = x & 8u;
        bool c01 = e01 || (e02 && e23 && e13);
        bool c13 = e13 || (e01 && e02 && e23);
        if (c01 && c13) want += w;
    }
    assert_true(fabs(out - want) < 1e-15);
    assert_int_equal(tg_risk_network_reliability(4, 4, u, v, p, 1, t, &out, msg), TG_ERR_ARG);
    /* Nodes failing too: random small graphs against brute force over
     * every state of edges and nodes (terminals may fail as well). */
    {
        tg_rng r;
        tg_rng_seed(&r, 99);
        for (int trial = 0; trial < 60; trial++) {
            int n = 3 + (int)tg_rng_below(&r, 4), m = n + (int)tg_rng_below(&r, 4);
            int eu[10], ev[10], tt[3] = {0, n - 1, 1};
            double ep[10], np[7];
            for (int i = 0; i < m; i++) {
                eu[i] = (int)tg_rng_below(&r, (uint64_t)n);
                ev[i] = (int)tg_rng_below(&r, (uint64_t)n);
                ep[i] = 0.3 + 0.6 * tg_rng_uniform(&r);
            }
            for (int i = 0; i < n; i++) np[i] = 0.5 + 0.5 * tg_rng_uniform(&r);
            int k = 2 + trial % 2;
            double bf = 0;
            for (unsigned x = 0; x < (1u << (m + n)); x++) {
                double w = 1;
                int parent[7];
                for (int i = 0; i < m; i++) w *= (x >> i) & 1u ? ep[i] : 1 - ep[i];
                for (int i = 0; i < n; i++) w *= (x >> (m + i)) & 1u ? np[i] : 1 - np[i];
                for (int i = 0; i < n; i++) parent[i] = i;
                for (int i = 0; i < m; i++) {
                    if (!((x >> i) & 1u) || !((x >> (m + eu[i])) & 1u) || !((x >> (m + ev[i])) & 1u))
                        continue;
                    int a2 = eu[i], b2 = ev[i];
                    while (parent[a2] != a2) a2 = parent[a2];
                    while (parent[b2] != b2) b2 = parent[b2];
                    parent[a2] = b2;
                }
                bool ok = true;
                int root = tt[0];
                while (parent[root] != root) root = parent[root];
                for (int j = 0; j < k; j++) {
                    int q = tt[j];
                    if (!((x >> (m + q)) & 1u)) ok = false;
                    while (parent[q] != q) q = parent[q];
                    if (q != root) ok = false;
                }
                if (ok) bf += w;
            }
            assert_int_equal(tg_risk_network_reliability_nodes(n, m, eu, ev, ep, np, k, tt, &out, msg),
                             TG_OK);
            if (fabs(out - bf) > 1e-12) fail_msg("trial %d: %.15g, brute force %.15g", trial, out, bf);
        }
    }
    /* Criticality on the two parallel paths 0-1-3 (0.9, 0.8) and 0-2-3
     * (0.7, 0.6): dR/dp1 = p2 (1 - p3 p4), by hand. */
    double crit[5];
    assert_int_equal(tg_risk_network_criticality(4, 4, u, v, p, 2, t, crit, msg), TG_OK);
    assert_true(fabs(crit[0] - 0.8 * (1 - 0.42)) < 1e-15);
    assert_true(fabs(crit[3] - 0.7 * (1 - 0.72)) < 1e-15);
    /* Monte Carlo (RVR since risk5b) on the 4 x 4 grid: within 4 standard
     * errors of the exact value, and reproducible with its seed. */
    {
        int gu[24], gv[24], gm = 0, N = 4;
        double gp[24];
        for (int r = 0; r < N; r++)
            for (int c = 0; c < N; c++) {
                if (c + 1 < N) gu[gm] = r * N + c, gv[gm] = r * N + c + 1, gp[gm++] = 0.9;
                if (r + 1 < N) gu[gm] = r * N + c, gv[gm] = (r + 1) * N + c, gp[gm++] = 0.9;
            }
        int gt[2] = {0, N * N - 1};
        double est, se, est2, se2;
        assert_int_equal(tg_risk_network_reliability_mc(N * N, gm, gu, gv, gp, 2, gt, 200000, 5,
                                                        &est, &se, msg), TG_OK);
        assert_true(se > 0 && se < 1e-3);
        assert_true(fabs(est - 0.975046349577) < 4 * se);
        assert_int_equal(tg_risk_network_reliability_mc(N * N, gm, gu, gv, gp, 2, gt, 200000, 5,
                                                        &est2, &se2, msg), TG_OK);
        assert_true(est == est2 && se == se2);
    }
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scram_examples),
        cmocka_unit_test(test_aralia),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_modules),
        cmocka_unit_test(test_bdd_gc),
        cmocka_unit_test(test_expressions_and_time),
        cmocka_unit_test(test_ccf),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_network),
        cmocka_unit_test(test_shared_parameter_draw),
        cmocka_unit_test(test_bad_deviates),
        cmocka_unit_test(test_long_private_key),
        cmocka_unit_test(test_mission_time_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
