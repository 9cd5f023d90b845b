/* test_risk_review.c: review items of issue 7 (risk3): deep trees, the MEF
 * round trip of mission time and CCF groups, occurrence without
 * probabilities, the cut-off applied while the cut sets are made, prime
 * implicants of non-coherent trees (against brute force), and a seeded
 * MEF fuzz harness.
 *
 * References: brute-force enumeration of every assignment written here
 * (independent of the BDD); for the round trip, the model as first read.
 */
#include "../test_util.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "risk/tg_risk.h"

/* ---- deep trees ------------------------------------------------------------ */

/* g_i = (i odd ? OR : AND)(e_{i mod nev}, g_{i+1}) for i < ngates - 1,
 * the last gate e_{...} alone. */
static tg_risk_model *chain(int ngates, int nev)
{
    char msg[TG_MSG_LEN], a[32], b[32], c[32];
    tg_risk_model *m = NULL;
    assert_int_equal(tg_risk_model_new(&m, msg), TG_OK);
    for (int i = 0; i < nev; i++) {
        snprintf(a, sizeof a, "e%d", i);
        assert_int_equal(tg_risk_model_add_basic(m, a, 0.001 * (1 + i % 7), NULL, msg), TG_OK);
    }
    for (int i = 0; i < ngates; i++) {
        snprintf(a, sizeof a, "g%d", i);
        snprintf(b, sizeof b, "e%d", i % nev);
        snprintf(c, sizeof c, "g%d", i + 1);
        const char *args[2] = {b, c};
        assert_int_equal(tg_risk_model_add_gate(m, a, (i % 2) ? TG_RISK_OR : TG_RISK_AND, 0,
                                                i + 1 < ngates ? 2 : 1, args, msg), TG_OK);
    }
    assert_int_equal(tg_risk_model_finish(m, msg), TG_OK);
    return m;
}

static void test_deep_chain(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    /* 300,000 gates deep over 300,000 events: a clear error, no crash. */
    tg_risk_model *m = chain(300000, 300000);
    tg_risk_analysis *a = NULL;
    int top = tg_risk_model_find_gate(m, "g0");
    assert_int_equal(tg_risk_analyze(m, top, NULL, &a, msg), TG_ERR_LIMIT);
    assert_msg_has(msg, "depends on 300000 basic events");
    assert_null(a);
    uint64_t prod, dist[21];
    assert_int_equal(tg_risk_mocus(m, top, 20, 1000, &prod, dist, msg), TG_ERR_LIMIT);
    char path[] = "/tmp/tg_risk_deepXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(tg_risk_model_write(m, path, msg), TG_OK);
    remove(path);
    tg_risk_model_free(&m);
    /* 300,000 gates deep over 8 events: solved (gates are compiled without
     * recursion); reference: brute force over the 256 assignments. */
    m = chain(300000, 8);
    top = tg_risk_model_find_gate(m, "g0");
    assert_int_equal(tg_risk_analyze(m, top, NULL, &a, msg), TG_OK);
    /* Brute force: evaluate the chain bottom-up for every assignment. */
    double p[8], want = 0;
    for (int i = 0; i < 8; i++) p[i] = 0.001 * (1 + i % 7);
    for (unsigned s = 0; s < 256; s++) {
        bool v = (s >> ((300000 - 1) % 8)) & 1;
        for (int i = 300000 - 2; i >= 0; i--) {
            bool e = (s >> (i % 8)) & 1;
            v = (i % 2) ? (e || v) : (e && v);
        }
        if (!v) continue;
        double w = 1;
        for (int i = 0; i < 8; i++) w *= (s >> i & 1) ? p[i] : 1 - p[i];
        want += w;
    }
    assert_true(fabs(tg_risk_probability(a) - want) <= 1e-12 * want);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}

/* ---- MEF round trip: mission time and CCF groups ------------------------------ */

static void same_results(tg_risk_model *m1, tg_risk_model *m2, const char *top)
{
    char msg[TG_MSG_LEN];
    tg_risk_analysis *a1 = NULL, *a2 = NULL;
    assert_int_equal(tg_risk_analyze(m1, tg_risk_model_find_gate(m1, top), NULL, &a1, msg), TG_OK);
    assert_int_equal(tg_risk_analyze(m2, tg_risk_model_find_gate(m2, top), NULL, &a2, msg), TG_OK);
    assert_true(tg_risk_model_mission_time(m1) == tg_risk_model_mission_time(m2));
    assert_int_equal(tg_risk_model_nccf(m1), tg_risk_model_nccf(m2));
    assert_int_equal(tg_risk_model_nbasic(m1), tg_risk_model_nbasic(m2));
    assert_true(tg_risk_products(a1) == tg_risk_products(a2));
    double p1 = tg_risk_probability(a1), p2 = tg_risk_probability(a2);
    assert_true(fabs(p1 - p2) <= 1e-14 * p1);
    tg_risk_analysis_free(&a1);
    tg_risk_analysis_free(&a2);
}

static void test_round_trip_ccf_mission(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN], path[] = "/tmp/tg_risk_rtXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* common_cause.xml: beta-factor, MGL and alpha-factor groups; a mission
     * time that is not the default. */
    const char *in[] = {"data/faulttrees/scram/common_cause.xml"};
    tg_risk_model *m1 = NULL, *m2 = NULL;
    assert_int_equal(tg_risk_model_read(1, in, &m1, msg), TG_OK);
    assert_true(tg_risk_model_nccf(m1) > 0);
    assert_int_equal(tg_risk_model_set_mission_time(m1, 1234.5, msg), TG_OK);
    assert_int_equal(tg_risk_model_write(m1, path, msg), TG_OK);
    const char *out[] = {path};
    assert_int_equal(tg_risk_model_read(1, out, &m2, msg), TG_OK);
    same_results(m1, m2, "TopEvent");
    /* And once more: the written file writes itself again identically. */
    tg_risk_model_free(&m2);
    assert_int_equal(tg_risk_model_read(1, out, &m2, msg), TG_OK);
    assert_int_equal(tg_risk_model_write(m2, path, msg), TG_OK);
    tg_risk_model_free(&m2);
    assert_int_equal(tg_risk_model_read(1, out, &m2, msg), TG_OK);
    same_results(m1, m2, "TopEvent");
    tg_risk_model_free(&m1);
    tg_risk_model_free(&m2);
    /* A bad mission-time attribute is an error with file and line. */
    static const char bad[] = "<opsa-mef>\n<attributes><attribute name=\"mission-time\" "
                              "value=\"-3\"/></attributes>\n</opsa-mef>\n";
    assert_int_equal(tg_risk_model_parse(bad, strlen(bad), "bad.xml", &m1, msg), TG_ERR_PARSE);
    assert_msg_has(msg, "bad.xml:2: attribute mission-time");
    assert_null(m1);
    remove(path);
    TG_CHECK_NO_LEAK();
}

/* ---- occurrence without probabilities ------------------------------------------- */

static void test_occurrence_no_prob(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const char xml[] =
        "<opsa-mef><define-fault-tree name=\"T\">"
        "<define-gate name=\"top\"><or><gate name=\"g\"/><basic-event name=\"a\"/></or></define-gate>"
        "<define-gate name=\"g\"><and><basic-event name=\"b\"/><basic-event name=\"c\"/></and>"
        "</define-gate><define-basic-event name=\"a\"/><define-basic-event name=\"b\"/>"
        "<define-basic-event name=\"c\"/><define-basic-event name=\"unused\"/>"
        "</define-fault-tree></opsa-mef>";
    char msg[TG_MSG_LEN];
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    assert_int_equal(tg_risk_model_parse(xml, strlen(xml), "t.xml", &m, msg), TG_OK);
    assert_int_equal(tg_risk_analyze(m, tg_risk_model_find_gate(m, "top"), NULL, &a, msg), TG_OK);
    assert_true(isnan(tg_risk_probability(a)));
    uint64_t occ[4];
    assert_int_equal(tg_risk_occurrence(a, occ, msg), TG_OK);
    /* {a}, {b, c}: each event of the top once, 'unused' never. */
    int n = 0;
    for (int i = 0; i < 4; i++) {
        const char *nm = tg_risk_model_basic_name(m, i);
        assert_int_equal(occ[i], strcmp(nm, "unused") == 0 ? 0 : 1);
        n += occ[i] > 0;
    }
    assert_int_equal(n, 3);
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}

/* ---- cut-off while the cut sets are made ------------------------------------------ */

/* Each listed set as a sorted, comma-joined line of event indices with its
 * order, all lines sorted: two families compare as two strings. */
typedef struct setlist {
    char **lines;
    int64_t n, cap;
    double cut;
} setlist;

static int cmp_int(const void *x, const void *y) { return *(const int *)x - *(const int *)y; }
static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int keep_line(void *ud, int order, const int *events, double p)
{
    setlist *l = ud;
    if (p < l->cut) return 0;   /* the filter of the full family */
    int ev[64];
    assert_true(order <= 64);
    memcpy(ev, events, sizeof *ev * (size_t)order);
    qsort(ev, (size_t)order, sizeof *ev, cmp_int);
    char buf[1024];
    size_t len = 0;
    for (int i = 0; i < order; i++) len += (size_t)snprintf(buf + len, sizeof buf - len, "%d,", ev[i]);
    buf[len] = '\0';
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->lines = realloc(l->lines, sizeof *l->lines * (size_t)l->cap);
        assert_non_null(l->lines);
    }
    l->lines[l->n++] = strdup(buf);
    return 0;
}

static void list_sets(tg_risk_analysis *a, double cut, setlist *l)
{
    char msg[TG_MSG_LEN];
    memset(l, 0, sizeof *l);
    l->cut = cut;
    assert_int_equal(tg_risk_cut_sets(a, -1, -1, keep_line, l, NULL, msg), TG_OK);
    if (l->n) qsort(l->lines, (size_t)l->n, sizeof *l->lines, cmp_str);
}

static void free_sets(setlist *l)
{
    for (int64_t i = 0; i < l->n; i++) free(l->lines[i]);
    free(l->lines);
}

static void test_cut_off_in_generation(void **state)
{
    (void)state;
    tg_test_install_allocator();
    /* Coherent and non-coherent (das9601: xor) models; cut-offs from none
     * cut to most cut. */
    static const char *const files[][2] = {
        {"data/faulttrees/scram/baobab1.xml", "data/faulttrees/scram/baobab1-basic-events.xml"},
        {"data/faulttrees/scram/chinese.xml", "data/faulttrees/scram/chinese-basic-events.xml"},
        {"data/faulttrees/aralia/das9601.xml.gz", NULL},
        {"data/faulttrees/aralia/edf9205.xml.gz", NULL},
        {"data/faulttrees/aralia/isp9605.xml.gz", NULL},
    };
    static const double cuts[] = {1e-30, 1e-14, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2};
    char msg[TG_MSG_LEN];
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_read(files[f][1] ? 2 : 1, files[f], &m, msg), TG_OK);
        int top;
        assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
        tg_risk_analysis *full = NULL;
        assert_int_equal(tg_risk_analyze(m, top, NULL, &full, msg), TG_OK);
        int64_t seen_cut = 0;
        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            tg_risk_opts o;
            tg_risk_opts_default(&o);
            o.cut_off = cuts[c];
            tg_risk_analysis *cut = NULL;
            assert_int_equal(tg_risk_analyze(m, top, &o, &cut, msg), TG_OK);
            setlist want, got;
            list_sets(full, cuts[c], &want);
            list_sets(cut, 0, &got);
            /* Same sets, and counted the same by the ZBDD sweep. */
            assert_int_equal(got.n, want.n);
            assert_int_equal((int64_t)tg_risk_products(cut), want.n);
            for (int64_t i = 0; i < want.n; i++) assert_string_equal(got.lines[i], want.lines[i]);
            /* The exact probability does not depend on the cut-off. */
            assert_true(tg_risk_probability(cut) == tg_risk_probability(full));
            if (want.n < (int64_t)tg_risk_products(full)) seen_cut++;
            free_sets(&want);
            free_sets(&got);
            tg_risk_analysis_free(&cut);
        }
        assert_true(seen_cut > 0);      /* the cut-offs did cut something */
        tg_risk_analysis_free(&full);
        tg_risk_model_free(&m);
    }
    TG_CHECK_NO_LEAK();
}

/* ---- prime implicants against brute force ----------------------------------------- */

/* A random tree over ne events e0..: gates h0..h(ng-1), h_i over events and
 * gates h_j (j > i), every operator; the top is h0. */
typedef struct ptree {
    int ne, ng;
    tg_risk_op op[12];
    int k[12], nargs[12], arg[12][4];   /* arg >= 0: event, < 0: gate -arg - 1 */
} ptree;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static void make_ptree(ptree *t, uint64_t *seed)
{
    t->ne = 3 + (int)(rnd(seed) % 4);
    t->ng = 2 + (int)(rnd(seed) % 5);
    for (int i = 0; i < t->ng; i++) {
        static const tg_risk_op ops[] = {TG_RISK_AND, TG_RISK_OR, TG_RISK_ATLEAST, TG_RISK_NOT,
                                         TG_RISK_XOR, TG_RISK_NAND, TG_RISK_NOR, TG_RISK_IFF};
        tg_risk_op op = ops[rnd(seed) % 8];
        int n = op == TG_RISK_NOT ? 1 : op == TG_RISK_XOR || op == TG_RISK_IFF ? 2
                                                                            : 2 + (int)(rnd(seed) % 3);
        t->op[i] = op, t->nargs[i] = n;
        t->k[i] = op == TG_RISK_ATLEAST ? 1 + (int)(rnd(seed) % (unsigned)n) : 0;
        for (int j = 0; j < n; j++) {
            bool gate = i + 1 < t->ng && rnd(seed) % 3 == 0;
            t->arg[i][j] = gate ? -(i + 1 + (int)(rnd(seed) % (unsigned)(t->ng - i - 1))) - 1
                                : (int)(rnd(seed) % (unsigned)t->ne);
        }
    }
}

static bool eval_gate(const ptree *t, int g, unsigned x)
{
    int on = 0, n = t->nargs[g];
    for (int j = 0; j < n; j++) {
        int a = t->arg[g][j];
        on += a >= 0 ? (int)((x >> a) & 1u) : eval_gate(t, -a - 1, x);
    }
    switch (t->op[g]) {
    case TG_RISK_AND: return on == n;
    case TG_RISK_OR: return on > 0;
    case TG_RISK_ATLEAST: return on >= t->k[g];
    case TG_RISK_NOT: return on == 0;
    case TG_RISK_XOR: return on % 2 == 1;
    case TG_RISK_NAND: return on < n;
    case TG_RISK_NOR: return on == 0;
    case TG_RISK_IFF: return on % 2 == 0;
    default: return false;
    }
}

/* Term (pos, neg masks) implies the top: true on every completion. */
static bool implies(const ptree *t, unsigned pos, unsigned neg)
{
    for (unsigned x = 0; x < (1u << t->ne); x++)
        if ((x & pos) == pos && !(x & neg) && !eval_gate(t, 0, x)) return false;
    return true;
}

typedef struct pterm { unsigned pos, neg; } pterm;
static int cmp_pterm(const void *x, const void *y)
{
    const pterm *a = x, *b = y;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return a->neg < b->neg ? -1 : a->neg > b->neg;
}

typedef struct pcollect {
    pterm t[800];
    int n;
    const tg_risk_model *m;
    const int *event_of;    /* model index -> e number */
} pcollect;

static int keep_pi(void *ud, int order, const int *lits, double p)
{
    (void)p;
    pcollect *c = ud;
    pterm t = {0, 0};
    for (int i = 0; i < order; i++) {
        if (lits[i] >= 0) t.pos |= 1u << c->event_of[lits[i]];
        else t.neg |= 1u << c->event_of[-lits[i] - 1];
    }
    assert_true(c->n < 800);
    c->t[c->n++] = t;
    return 0;
}

static void test_prime_implicants(void **state)
{
    (void)state;
    tg_test_install_allocator();
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    int nontrivial = 0;
    for (int trial = 0; trial < 300; trial++) {
        ptree t;
        make_ptree(&t, &seed);
        char msg[TG_MSG_LEN], name[16];
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_new(&m, msg), TG_OK);
        for (int e = 0; e < t.ne; e++) {
            snprintf(name, sizeof name, "e%d", e);
            assert_int_equal(tg_risk_model_add_basic(m, name, 0.1 + 0.1 * e, NULL, msg), TG_OK);
        }
        for (int g = 0; g < t.ng; g++) {
            char nb[4][16];
            const char *args[4];
            for (int j = 0; j < t.nargs[g]; j++) {
                int a = t.arg[g][j];
                if (a >= 0) snprintf(nb[j], sizeof nb[j], "e%d", a);
                else snprintf(nb[j], sizeof nb[j], "h%d", -a - 1);
                args[j] = nb[j];
            }
            snprintf(name, sizeof name, "h%d", g);
            assert_int_equal(tg_risk_model_add_gate(m, name, t.op[g], t.k[g], t.nargs[g], args, msg),
                             TG_OK);
        }
        assert_int_equal(tg_risk_model_finish(m, msg), TG_OK);
        /* Brute force: every term over the events (3^ne), implicant and no
         * literal removable. */
        pterm want[800];
        int nw = 0;
        uint64_t wdist[8] = {0};
        for (unsigned pos = 0; pos < (1u << t.ne); pos++)
            for (unsigned neg = 0; neg < (1u << t.ne); neg++) {
                if (pos & neg || !implies(&t, pos, neg)) continue;
                bool prime = true;
                for (int e = 0; e < t.ne && prime; e++) {
                    if ((pos >> e & 1u) && implies(&t, pos & ~(1u << e), neg)) prime = false;
                    if ((neg >> e & 1u) && implies(&t, pos, neg & ~(1u << e))) prime = false;
                }
                if (!prime) continue;
                want[nw++] = (pterm){pos, neg};
                wdist[__builtin_popcount(pos) + __builtin_popcount(neg)]++;
            }
        qsort(want, (size_t)nw, sizeof *want, cmp_pterm);
        tg_risk_analysis *a = NULL;
        assert_int_equal(tg_risk_analyze(m, tg_risk_model_find_gate(m, "h0"), NULL, &a, msg), TG_OK);
        pcollect *c = calloc(1, sizeof *c);
        int event_of[8];
        for (int i = 0; i < t.ne; i++) event_of[i] = atoi(tg_risk_model_basic_name(m, i) + 1);
        c->m = m, c->event_of = event_of;
        uint64_t count, dist[8];
        assert_int_equal(tg_risk_prime_implicants(a, 20, -1, keep_pi, c, &count, dist, msg), TG_OK);
        assert_int_equal(count, (uint64_t)nw);
        assert_int_equal(c->n, nw);
        qsort(c->t, (size_t)c->n, sizeof *c->t, cmp_pterm);
        for (int i = 0; i < nw; i++) {
            assert_int_equal(c->t[i].pos, want[i].pos);
            assert_int_equal(c->t[i].neg, want[i].neg);
        }
        int L = tg_risk_nvars(a);
        for (int j = 0; j <= L && j < 8; j++) assert_int_equal(dist[j], wdist[j]);
        /* Order limit 1: exactly the implicants of at most one literal. */
        uint64_t c1, d1[2];
        assert_int_equal(tg_risk_prime_implicants(a, 1, 0, NULL, NULL, &c1, d1, msg), TG_OK);
        assert_int_equal(c1, wdist[0] + wdist[1]);
        for (int i = 0; i < nw && !nontrivial; i++) nontrivial = want[i].neg && want[i].pos;
        free(c);
        tg_risk_analysis_free(&a);
        tg_risk_model_free(&m);
    }
    assert_true(nontrivial);    /* mixed positive and negated literals were met */
    TG_CHECK_NO_LEAK();
}

/* Against SCRAM's --prime-implicants: tests/risk/golden/pi/ncN.{xml,txt},
 * made by tests/risk/make_pi_golden.py (12 seeded small non-coherent trees). */
typedef struct pinames {
    const tg_risk_model *m;
    char lines[64][256];
    int n;
} pinames;

static int cmp_name(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }
static int cmp_line(const void *x, const void *y) { return strcmp((const char *)x, (const char *)y); }

static int keep_pi_name(void *ud, int order, const int *lits, double p)
{
    (void)p;
    pinames *c = ud;
    assert_true(c->n < 64 && order < 16);
    char names[16][64];
    const char *ptr[16];
    for (int i = 0; i < order; i++) {
        int e = lits[i] >= 0 ? lits[i] : -lits[i] - 1;
        snprintf(names[i], sizeof names[i], "%s%s", lits[i] >= 0 ? "" : "~",
                 tg_risk_model_basic_name(c->m, e));
        ptr[i] = names[i];
    }
    qsort(ptr, (size_t)order, sizeof *ptr, cmp_name);
    size_t len = 0;
    char *out = c->lines[c->n++];
    out[0] = '\0';
    for (int i = 0; i < order; i++)
        len += (size_t)snprintf(out + len, 256 - len, "%s%s", i ? " " : "", ptr[i]);
    return 0;
}

static void test_prime_implicants_scram(void **state)
{
    (void)state;
    tg_test_install_allocator();
    for (int k = 1; k <= 12; k++) {
        char xml[128], txt[128], msg[TG_MSG_LEN], line[512];
        snprintf(xml, sizeof xml, "tests/risk/golden/pi/nc%d.xml", k);
        snprintf(txt, sizeof txt, "tests/risk/golden/pi/nc%d.txt", k);
        FILE *f = fopen(txt, "r");
        assert_non_null(f);
        unsigned long long products = 0, want_dist[32] = {0};
        pinames *want = calloc(1, sizeof *want);
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (sscanf(line, "products %llu", &products) == 1) continue;
            if (strncmp(line, "distribution", 12) == 0) {
                char *q = line + 12;
                for (int o = 1; *q && o < 32; o++) want_dist[o] = strtoull(q, &q, 10);
            } else if (strncmp(line, "implicant ", 10) == 0) {
                assert_true(want->n < 64);
                size_t ll = strlen(line + 10);
                assert_true(ll < 256);
                memcpy(want->lines[want->n++], line + 10, ll + 1);
            }
        }
        fclose(f);
        tg_risk_model *m = NULL;
        tg_risk_analysis *a = NULL;
        const char *files[] = {xml};
        assert_int_equal(tg_risk_model_read(1, files, &m, msg), TG_OK);
        assert_int_equal(tg_risk_analyze(m, tg_risk_model_find_gate(m, "h0"), NULL, &a, msg), TG_OK);
        pinames *got = calloc(1, sizeof *got);
        got->m = m;
        uint64_t count, dist[32] = {0};
        assert_int_equal(tg_risk_prime_implicants(a, 20, -1, keep_pi_name, got, &count, dist, msg),
                         TG_OK);
        assert_int_equal(count, products);
        assert_int_equal(got->n, want->n);
        for (int o = 1; o <= tg_risk_nvars(a) && o < 32; o++) assert_int_equal(dist[o], want_dist[o]);
        qsort(got->lines, (size_t)got->n, sizeof got->lines[0], cmp_line);
        qsort(want->lines, (size_t)want->n, sizeof want->lines[0], cmp_line);
        for (int i = 0; i < got->n; i++) assert_string_equal(got->lines[i], want->lines[i]);
        free(got);
        free(want);
        tg_risk_analysis_free(&a);
        tg_risk_model_free(&m);
    }
    TG_CHECK_NO_LEAK();
}

/* ---- bottom-up ZBDD cut sets with an order limit ------------------------------------ */

/* tg_risk_mcs_zbdd against the BDD route (itself checked against SCRAM in
 * test_risk.c) on coherent models, every order limit up to 6. */
static void test_mcs_zbdd(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const char *const files[][2] = {
        {"data/faulttrees/scram/baobab1.xml", "data/faulttrees/scram/baobab1-basic-events.xml"},
        {"data/faulttrees/scram/chinese.xml", "data/faulttrees/scram/chinese-basic-events.xml"},
        {"data/faulttrees/aralia/edf9201.xml.gz", NULL},
        {"data/faulttrees/aralia/isp9601.xml.gz", NULL},
        {"data/faulttrees/aralia/jbd9601.xml.gz", NULL},
        {"data/faulttrees/aralia/edfpa14b.xml.gz", NULL},
        {"data/faulttrees/scram/three_motor.xml", NULL},
    };
    char msg[TG_MSG_LEN];
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_read(files[f][1] ? 2 : 1, files[f], &m, msg), TG_OK);
        int top;
        assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
        for (int K = 0; K <= 6; K++) {
            tg_risk_opts o;
            tg_risk_opts_default(&o);
            o.limit_order = K;
            tg_risk_analysis *a = NULL;
            assert_int_equal(tg_risk_analyze(m, top, &o, &a, msg), TG_OK);
            uint64_t want[8] = {0}, got[8] = {0}, n = 0;
            tg_risk_distribution(a, want);
            assert_int_equal(tg_risk_mcs_zbdd(m, top, K, 0, &n, got, msg), TG_OK);
            assert_int_equal(n, tg_risk_products(a));
            for (int j = 0; j <= K && j <= tg_risk_limit_order(a); j++) assert_int_equal(got[j], want[j]);
            tg_risk_analysis_free(&a);
        }
        tg_risk_model_free(&m);
    }
    /* Negation is refused, as by MOCUS. */
    const char *nc[] = {"tests/risk/golden/pi/nc1.xml"};
    tg_risk_model *m = NULL;
    assert_int_equal(tg_risk_model_read(1, nc, &m, msg), TG_OK);
    uint64_t n, d[5];
    assert_int_equal(tg_risk_mcs_zbdd(m, tg_risk_model_find_gate(m, "h0"), 4, 0, &n, d, msg),
                     TG_ERR_ARG);
    assert_msg_has(msg, "coherent trees only");
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}

/* ---- bottom-up ZBDD with a probability cut-off ---------------------------------------- */

/* The filter of the full family: count per order, rare-event sum and
 * log prod (1 - p) of the sets of probability >= cut. */
typedef struct tally {
    double cut, re, lq;
    uint64_t n, dist[64];
} tally;

static int tally_set(void *ud, int order, const int *events, double p)
{
    (void)events;
    tally *t = ud;
    if (p < t->cut) return 0;
    assert_true(order < 64);
    t->n++, t->dist[order]++;
    t->re += p, t->lq += log1p(-p);
    return 0;
}

/* tg_risk_mcs_zbdd_cut equals the full family of the BDD route (checked
 * against SCRAM in test_risk.c) filtered by probability, on SCRAM examples
 * and Aralia trees, for cut-offs from none cut to most cut, without and
 * with an order limit: the same count per order, and its rare-event sum
 * and min-cut upper bound equal those of the filtered sets.  Cut-offs lie
 * between the products of the models' round probabilities: a set exactly
 * at the cut-off may round either way in either route. */
static void test_mcs_zbdd_cut(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const char *const files[][2] = {
        {"data/faulttrees/scram/baobab1.xml", "data/faulttrees/scram/baobab1-basic-events.xml"},
        {"data/faulttrees/scram/chinese.xml", "data/faulttrees/scram/chinese-basic-events.xml"},
        {"data/faulttrees/scram/three_motor.xml", NULL},
        {"data/faulttrees/aralia/edf9201.xml.gz", NULL},
        {"data/faulttrees/aralia/isp9601.xml.gz", NULL},
        {"data/faulttrees/aralia/jbd9601.xml.gz", NULL},
        {"data/faulttrees/aralia/edf9205.xml.gz", NULL},
        {"data/faulttrees/aralia/baobab3.xml.gz", NULL},
    };
    static const double cuts[] = {1e-30, 3e-14, 3e-12, 3e-10, 3e-8, 3e-6, 3e-4, 3e-2};
    static const int limits[] = {4000, 4};
    char msg[TG_MSG_LEN];
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_read(files[f][1] ? 2 : 1, files[f], &m, msg), TG_OK);
        int top;
        assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
        tg_risk_opts o;
        tg_risk_opts_default(&o);
        o.limit_order = 60;
        tg_risk_analysis *full = NULL;
        assert_int_equal(tg_risk_analyze(m, top, &o, &full, msg), TG_OK);
        int64_t seen_cut = 0;
        for (size_t l = 0; l < sizeof limits / sizeof *limits; l++)
            for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
                tally want = {cuts[c], 0, 0, 0, {0}};
                int lim = limits[l];
                assert_int_equal(tg_risk_cut_sets(full, lim < 60 ? lim : -1, -1, tally_set, &want,
                                                  NULL, msg), TG_OK);
                uint64_t n = 0, got[4001] = {0};
                double re = 0, mcub = 0;
                assert_int_equal(tg_risk_mcs_zbdd_cut(m, top, lim, cuts[c], 0, &n, got, &re, &mcub,
                                                      msg), TG_OK);
                assert_int_equal(n, want.n);
                for (int j = 0; j < 64 && j <= lim; j++) assert_int_equal(got[j], want.dist[j]);
                if (want.n) {
                    assert_true(fabs(re - want.re) <= 1e-12 * want.re);
                    double wm = -expm1(want.lq);
                    assert_true(fabs(mcub - wm) <= 1e-12 * wm);
                } else {
                    assert_true(re == 0 && mcub == 0);
                }
                if (want.n < tg_risk_products(full)) seen_cut++;
            }
        assert_true(seen_cut > 0);      /* the cut-offs did cut something */
        tg_risk_analysis_free(&full);
        tg_risk_model_free(&m);
    }
    /* A cut-off needs probabilities; out of range is refused. */
    const char *nop[] = {"data/faulttrees/scram/two_train.xml"};
    tg_risk_model *m = NULL;
    assert_int_equal(tg_risk_model_read(1, nop, &m, msg), TG_OK);
    int top;
    assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
    uint64_t n, d[4001];
    double re, mcub;
    assert_int_equal(tg_risk_mcs_zbdd_cut(m, top, 4000, 2.0, 0, &n, d, &re, &mcub, msg), TG_ERR_ARG);
    assert_msg_has(msg, "not in [0, 1]");
    tg_risk_model_free(&m);
    TG_CHECK_NO_LEAK();
}

/* Per-event sums of the kept sets (tg_risk_mcs_zbdd_contrib, two sweeps
 * over the ZBDD) equal the sums over the sets listed one by one by the BDD
 * route (tg_risk_cut_sets), filtered by the same cut-off. */
typedef struct esum {
    double cut, *sum;
} esum;

static int esum_set(void *ud, int order, const int *events, double p)
{
    esum *e = ud;
    if (p < e->cut) return 0;
    for (int i = 0; i < order; i++) e->sum[events[i]] += p;
    return 0;
}

static void test_mcs_zbdd_contrib(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const char *const files[][2] = {
        {"data/faulttrees/scram/baobab1.xml", "data/faulttrees/scram/baobab1-basic-events.xml"},
        {"data/faulttrees/scram/chinese.xml", "data/faulttrees/scram/chinese-basic-events.xml"},
        {"data/faulttrees/aralia/edf9205.xml.gz", NULL},
        {"data/faulttrees/aralia/isp9601.xml.gz", NULL},
    };
    static const double cuts[] = {0, 3e-12, 3e-8, 3e-5};
    char msg[TG_MSG_LEN];
    int compared = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_read(files[f][1] ? 2 : 1, files[f], &m, msg), TG_OK);
        int top, nb = tg_risk_model_nbasic(m);
        assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
        tg_risk_opts o;
        tg_risk_opts_default(&o);
        o.limit_order = 60;
        tg_risk_analysis *full = NULL;
        assert_int_equal(tg_risk_analyze(m, top, &o, &full, msg), TG_OK);
        double *want = tg_calloc((size_t)nb, sizeof *want), *got = tg_malloc(sizeof *got * (size_t)nb);
        assert_non_null(want);
        assert_non_null(got);
        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            esum e = {cuts[c], want};
            for (int i = 0; i < nb; i++) want[i] = 0;
            assert_int_equal(tg_risk_cut_sets(full, -1, -1, esum_set, &e, NULL, msg), TG_OK);
            uint64_t n = 0, d[4001];
            double re = 0, mcub = 0;
            assert_int_equal(tg_risk_mcs_zbdd_contrib(m, top, 4000, cuts[c], 0, &n, d, &re, &mcub, got,
                                                      msg), TG_OK);
            for (int i = 0; i < nb; i++) {
                if (fabs(got[i] - want[i]) > 1e-12 * want[i] + 1e-300)
                    fail_msg("%s cut %g event %s: %.12g, sets listed %.12g", files[f][0], cuts[c],
                             tg_risk_model_basic_name(m, i), got[i], want[i]);
                compared += want[i] > 0;
            }
        }
        tg_free(want), tg_free(got);
        tg_risk_analysis_free(&full);
        tg_risk_model_free(&m);
    }
    assert_true(compared > 300);
    TG_CHECK_NO_LEAK();
}

/* Per-gate budgets (zbu.c): random coherent trees built to have both
 * private subtrees (disjoint supports, where budgets prune) and shared
 * events (where they must not), with probabilities 1e-1..1e-4.  For every
 * order limit and cut-off the bottom-up ZBDD equals the full family of the
 * BDD route filtered by order and probability. */
static void test_mcs_zbdd_budgets(void **state)
{
    (void)state;
    tg_test_install_allocator();
    uint64_t seed = 0x243f6a8885a308d3ull;
    static const int limits[] = {1, 2, 3, 4, 6, 4000};
    static const double cuts[] = {0, 3e-4, 3e-6, 3e-8, 3e-11};
    int cut_something = 0;
    for (int trial = 0; trial < 60; trial++) {
        char msg[TG_MSG_LEN], name[16];
        tg_risk_model *m = NULL;
        assert_int_equal(tg_risk_model_new(&m, msg), TG_OK);
        enum { NE = 30, NG = 18, NSHARED = 4 };
        for (int e = 0; e < NE; e++) {
            snprintf(name, sizeof name, "e%d", e);
            double p = pow(10.0, -1.0 - (double)(rnd(&seed) % 4)) * (1 + (double)(rnd(&seed) % 9));
            assert_int_equal(tg_risk_model_add_basic(m, name, p, NULL, msg), TG_OK);
        }
        /* Gate i draws its events from its own band (private) or from the
         * first NSHARED events (shared), and its gates from those after it. */
        for (int g = 0; g < NG; g++) {
            static const tg_risk_op ops[] = {TG_RISK_AND, TG_RISK_OR, TG_RISK_ATLEAST};
            tg_risk_op op = ops[rnd(&seed) % 3];
            int n = 2 + (int)(rnd(&seed) % 3), k = op == TG_RISK_ATLEAST ? 1 + (int)(rnd(&seed) % (unsigned)n) : 0;
            char nb[4][16];
            const char *args[4];
            for (int j = 0; j < n; j++) {
                unsigned r = (unsigned)(rnd(&seed) % 6);
                if (g + 1 < NG && r < 3)
                    snprintf(nb[j], sizeof nb[j], "h%d", g + 1 + (int)(rnd(&seed) % (unsigned)(NG - g - 1)));
                else if (r == 3)
                    snprintf(nb[j], sizeof nb[j], "e%d", (int)(rnd(&seed) % NSHARED));
                else
                    snprintf(nb[j], sizeof nb[j], "e%d", NSHARED + (g * 3 + j) % (NE - NSHARED));
                args[j] = nb[j];
            }
            snprintf(name, sizeof name, "h%d", g);
            assert_int_equal(tg_risk_model_add_gate(m, name, op, k, n, args, msg), TG_OK);
        }
        assert_int_equal(tg_risk_model_finish(m, msg), TG_OK);
        int top = tg_risk_model_find_gate(m, "h0");
        tg_risk_opts o;
        tg_risk_opts_default(&o);
        o.limit_order = 60;
        tg_risk_analysis *full = NULL;
        assert_int_equal(tg_risk_analyze(m, top, &o, &full, msg), TG_OK);
        for (size_t l = 0; l < sizeof limits / sizeof *limits; l++)
            for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
                int lim = limits[l];
                tally want = {cuts[c], 0, 0, 0, {0}};
                assert_int_equal(tg_risk_cut_sets(full, lim < 60 ? lim : -1, -1, tally_set, &want,
                                                  NULL, msg), TG_OK);
                uint64_t n = 0, got[4001] = {0};
                double re = 0, mcub = 0;
                assert_int_equal(tg_risk_mcs_zbdd_cut(m, top, lim, cuts[c], 0, &n, got, &re, &mcub,
                                                      msg), TG_OK);
                assert_int_equal(n, want.n);
                for (int j = 0; j < 64 && j <= lim; j++) assert_int_equal(got[j], want.dist[j]);
                if (want.n) assert_true(fabs(re - want.re) <= 1e-12 * want.re);
                if (want.n && want.n < tg_risk_products(full)) cut_something++;
            }
        tg_risk_analysis_free(&full);
        tg_risk_model_free(&m);
    }
    assert_true(cut_something > 100);   /* limits and cut-offs did remove sets */
    TG_CHECK_NO_LEAK();
}

/* Against SCRAM: tests/risk/golden/cutoff.txt (make_cutoff_golden.py)
 * holds SCRAM's full families (scram --zbdd; its --cut-off has no effect
 * in 0.16.2) filtered by probability in Python, per model and cut-off:
 * count, rare-event sum, MCUB and count per order. */
static void test_mcs_zbdd_cut_scram(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const struct {
        const char *name, *files[2];
    } models[] = {
        {"baobab1", {"data/faulttrees/scram/baobab1.xml", "data/faulttrees/scram/baobab1-basic-events.xml"}},
        {"chinese", {"data/faulttrees/scram/chinese.xml", "data/faulttrees/scram/chinese-basic-events.xml"}},
        {"three_motor", {"data/faulttrees/scram/three_motor.xml", NULL}},
        {"baobab3", {"data/faulttrees/aralia/baobab3.xml.gz", NULL}},
        {"isp9601", {"data/faulttrees/aralia/isp9601.xml.gz", NULL}},
        {"edf9205", {"data/faulttrees/aralia/edf9205.xml.gz", NULL}},
    };
    char msg[TG_MSG_LEN], line[4096];
    FILE *fp = fopen("tests/risk/golden/cutoff.txt", "r");
    assert_non_null(fp);
    int checked = 0;
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        tg_risk_model *m = NULL;
        const char *const *files = models[i].files;
        assert_int_equal(tg_risk_model_read(files[1] ? 2 : 1, files, &m, msg), TG_OK);
        int top;
        assert_int_equal(tg_risk_model_tops(m, &top, 1), 1);
        rewind(fp);
        while (fgets(line, sizeof line, fp)) {
            char name[64];
            double cut, re, mcub;
            unsigned long long n;
            int used;
            assert_int_equal(sscanf(line, "%63s %lf %llu %lf %lf%n", name, &cut, &n, &re, &mcub, &used), 5);
            if (strcmp(name, models[i].name) != 0) continue;
            uint64_t want[64] = {0}, got[4001] = {0}, gn = 0;
            int nd = 0, k;
            for (char *q = line + used; sscanf(q, "%d%n", &k, &used) == 1; q += used) want[nd++] = (uint64_t)k;
            double gre = 0, gmcub = 0;
            assert_int_equal(tg_risk_mcs_zbdd_cut(m, top, 4000, cut, 0, &gn, got, &gre, &gmcub, msg), TG_OK);
            assert_int_equal(gn, n);
            for (int j = 0; j < 64; j++) assert_int_equal(got[j], want[j]);
            assert_true(fabs(gre - re) <= 1e-12 * re);
            assert_true(fabs(gmcub - fabs(mcub)) <= 1e-12 * fabs(mcub));
            checked++;
        }
        tg_risk_model_free(&m);
    }
    fclose(fp);
    assert_int_equal(checked, 48);
    TG_CHECK_NO_LEAK();
}

/* ---- out of memory in the new paths --------------------------------------------------- */

/* Every allocation of prime implicants, the cut-off analysis and the
 * bottom-up ZBDD fails in turn: each call fails cleanly, nothing leaks. */
static void test_oom_new_paths(void **state)
{
    (void)state;
    tg_test_install_allocator();
    const char *nc[] = {"tests/risk/golden/pi/nc5.xml"};
    const char *cc[] = {"data/faulttrees/scram/chinese.xml",
                        "data/faulttrees/scram/chinese-basic-events.xml"};
    char msg[TG_MSG_LEN];
    tg_status s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            tg_risk_model *m = NULL;
            tg_risk_analysis *a = NULL;
            uint64_t n = 0;
            uint64_t d[21];
            s = tg_risk_model_read(1, nc, &m, msg);
            if (s == TG_OK) s = tg_risk_analyze(m, tg_risk_model_find_gate(m, "h0"), NULL, &a, msg);
            if (s == TG_OK) s = tg_risk_prime_implicants(a, 20, -1, NULL, NULL, &n, d, msg);
            if (s == TG_OK) assert_true(n > 0);
            tg_risk_analysis_free(&a);
            tg_risk_model_free(&m);
        },
        s == TG_OK);
    s = TG_ERR_NOMEM;
    TG_OOM_LOOP(
        {
            tg_risk_model *m = NULL;
            tg_risk_analysis *a = NULL;
            tg_risk_opts o;
            tg_risk_opts_default(&o);
            o.cut_off = 1e-6;
            uint64_t n = 0;
            uint64_t d[5];
            int top = -1;
            s = tg_risk_model_read(2, cc, &m, msg);
            if (s == TG_OK) tg_risk_model_tops(m, &top, 1);
            if (s == TG_OK) s = tg_risk_analyze(m, top, &o, &a, msg);
            if (s == TG_OK) s = tg_risk_mcs_zbdd(m, top, 4, 0, &n, d, msg);
            if (s == TG_OK) assert_true(n > 0);
            double re = 0;
            double mcub = 0;
            uint64_t ncut = 0;
            if (s == TG_OK) s = tg_risk_mcs_zbdd_cut(m, top, 4, 1e-6, 0, &ncut, d, &re, &mcub, msg);
            if (s == TG_OK) assert_true(ncut > 0 && ncut < n && re > 0 && mcub > 0);
            double contrib[64];
            if (s == TG_OK) assert_true(tg_risk_model_nbasic(m) <= 64);
            if (s == TG_OK) s = tg_risk_mcs_zbdd_contrib(m, top, 4, 0, 0, &ncut, d, &re, &mcub, contrib, msg);
            esum none;                      /* a cut-off above 1: the callback keeps nothing */
            none.cut = 2.0;
            none.sum = contrib;
            int64_t listed = 0;
            if (s == TG_OK) s = tg_risk_mcs_zbdd_list(m, top, 4, 0, 0, 20, esum_set, &none, &listed, msg);
            if (s == TG_OK) assert_true(listed == 20);
            if (s == TG_OK) assert_true(tg_risk_products(a) > 0);
            tg_risk_analysis_free(&a);
            tg_risk_model_free(&m);
        },
        s == TG_OK);
    TG_CHECK_NO_LEAK();
}

/* ---- MEF fuzz harness ------------------------------------------------------------- */

/* The example MEF files, mutated many seeded times: truncation, byte flips,
 * deleted and duplicated lines (elements), wrong reference types, bad
 * numbers, swapped gate operators, and several at once.  Every run either
 * reads (then analyses under a small node budget) or fails with a message
 * "mut.xml:LINE: ..."; never a crash, a leak (the counting allocator here,
 * ASan and LSan in SANITIZE=1) or a model left behind. */
static bool has_file_line(const char *msg)
{
    const char *p = msg;
    if (strncmp(p, "mut.xml:", 8) != 0) return false;
    p += 8;
    if (*p < '0' || *p > '9') return false;
    while (*p >= '0' && *p <= '9') p++;
    return *p == ':';
}

static size_t mutate(char *buf, size_t len, size_t cap, tg_rng *r)
{
    static const char *const swaps[][2] = {
        {"basic-event", "house-event"}, {"<gate name", "<basic-event name"}, {"<and>", "<xor>"},
        {"<or>", "<not>"}, {"value=\"", "value=\"-"}, {"min=\"", "min=\"9"},
        {"<float", "<int"}, {"define-gate", "define-parameter"}, {"name=\"", "name=\"."},
        {"</and>", "</or>"}, {"<event ", "<parameter "}, {"value=\"0", "value=\"x"},
    };
    int kind = (int)tg_rng_below(r, 7);
    size_t at = len ? (size_t)tg_rng_below(r, len) : 0;
    switch (kind) {
    case 0: return at;                              /* truncate */
    case 1:                                         /* flip 1..4 bytes */
        for (int k = 1 + (int)tg_rng_below(r, 4); k-- > 0 && len;)
            buf[tg_rng_below(r, len)] = (char)(tg_rng_below(r, 256));
        return len;
    case 2: case 3: {                               /* delete / duplicate a line */
        size_t a = at, b = at;
        while (a > 0 && buf[a - 1] != '\n') a--;
        while (b < len && buf[b] != '\n') b++;
        if (b < len) b++;
        if (kind == 2) {
            memmove(buf + a, buf + b, len - b);
            return len - (b - a);
        }
        if (len + (b - a) > cap) return len;
        memmove(buf + b + (b - a), buf + b, len - b);
        memcpy(buf + b, buf + a, b - a);
        return len + (b - a);
    }
    default: {                                      /* replace a token after `at` */
        const char *const *sw = swaps[tg_rng_below(r, sizeof swaps / sizeof *swaps)];
        buf[len] = '\0';
        char *q = strstr(buf + at, sw[0]);
        if (!q) q = strstr(buf, sw[0]);
        if (!q) return len;
        size_t l0 = strlen(sw[0]), l1 = strlen(sw[1]), off = (size_t)(q - buf);
        if (len - l0 + l1 > cap) return len;
        memmove(q + l1, q + l0, len - off - l0);
        memcpy(q, sw[1], l1);
        return len - l0 + l1;
    }
    }
}

static void test_mef_fuzz(void **state)
{
    (void)state;
    tg_test_install_allocator();
    static const char *const files[] = {
        "data/faulttrees/scram/three_motor.xml", "data/faulttrees/scram/chinese.xml",
        "data/faulttrees/scram/HIPPS.xml", "data/faulttrees/scram/common_cause.xml",
        "data/faulttrees/scram/BSCU.xml", "data/faulttrees/scram/lift.xml",
        "data/faulttrees/scram/theatre.xml", "data/faulttrees/scram/two_train.xml",
        "data/faulttrees/scram/SmallTree.xml", "data/faulttrees/scram/ne574.xml",
        "data/faulttrees/scram/baobab2-basic-events.xml", "tests/risk/golden/pi/nc1.xml",
        "tests/risk/golden/pi/nc5.xml",
    };
    enum { RUNS = 160 };
    tg_rng r;
    char msg[TG_MSG_LEN];
    int ok = 0, bad = 0;
    for (size_t fi = 0; fi < sizeof files / sizeof *files; fi++) {
        size_t n;
        char *orig = tg_test_slurp(files[fi], &n);
        size_t cap = 2 * n + 4096;
        char *buf = malloc(cap + 1);
        assert_non_null(buf);
        for (int it = 0; it < RUNS; it++) {
            tg_rng_seed(&r, 1000 * fi + (uint64_t)it);     /* each run replayable alone */
            memcpy(buf, orig, n);
            size_t len = n;
            for (int k = 1 + (int)tg_rng_below(&r, 3); k-- > 0;) len = mutate(buf, len, cap, &r);
            tg_risk_model *m = NULL;
            tg_status st = tg_risk_model_parse(buf, len, "mut.xml", &m, msg);
            if (st != TG_OK) {
                assert_null(m);
                if (!has_file_line(msg))
                    fail_msg("file %s run %d: error without file and line: %s", files[fi], it, msg);
                bad++;
                continue;
            }
            ok++;
            int tops[4];
            int nt = tg_risk_model_tops(m, tops, 4);
            for (int t = 0; t < nt && t < 4; t++) {
                tg_risk_opts o;
                tg_risk_opts_default(&o);
                o.max_nodes = 1 << 16;
                tg_risk_analysis *a = NULL;
                if (tg_risk_analyze(m, tops[t], &o, &a, msg) == TG_OK) {
                    tg_risk_importance *imp = calloc((size_t)tg_risk_model_nbasic(m) + 1, sizeof *imp);
                    (void)tg_risk_importance_all(a, imp, msg);
                    uint64_t c;
                    (void)tg_risk_prime_implicants(a, 4, 10, NULL, NULL, &c, NULL, msg);
                    free(imp);
                }
                tg_risk_analysis_free(&a);
            }
            tg_risk_model_free(&m);
        }
        free(buf);
        free(orig);
    }
    print_message("MEF fuzz: %d mutated files read, %d rejected with file and line\n", ok, bad);
    /* Both outcomes are exercised. */
    assert_true(bad > 200 && ok > 100);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_round_trip_ccf_mission),
        cmocka_unit_test(test_occurrence_no_prob),
        cmocka_unit_test(test_cut_off_in_generation),
        cmocka_unit_test(test_prime_implicants),
        cmocka_unit_test(test_prime_implicants_scram),
        cmocka_unit_test(test_mef_fuzz),
        cmocka_unit_test(test_mcs_zbdd),
        cmocka_unit_test(test_mcs_zbdd_cut),
        cmocka_unit_test(test_mcs_zbdd_cut_scram),
        cmocka_unit_test(test_mcs_zbdd_budgets),
        cmocka_unit_test(test_mcs_zbdd_contrib),
        cmocka_unit_test(test_oom_new_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
