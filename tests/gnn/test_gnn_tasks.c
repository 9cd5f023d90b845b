/* test_gnn_tasks.c: the training features and tasks of src/gnn beyond node
 * classification: learning-rate schedules (against PyTorch), the dense
 * autoencoder on the Tennessee Eastman process (against a PCA-SPE baseline
 * computed here), link prediction with any encoder, no allocation in the
 * epoch loop after the first epoch, out-of-memory injection and malformed
 * input for the Cora reader, link training and saliency.
 */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test_util.h"
#include "gnn/gnn_internal.h"
#include "gnn/tg_gnn.h"

#define CORA "data/cora"
#define TEP "data/tep/tep_anomaly.csv"

/* ---- schedules ------------------------------------------------------------ */

/* Golden rates printed by PyTorch's schedulers: tests/gnn/make_golden_tasks.py
 * (torch 1.13, /usr/bin/python3), pasted unchanged.  Each row: the rate in
 * force during epochs 0, 1, 2, ... */
static const double METRICS[40] = {1, 0.5, 0.33333333333333331, 0.25, 0.20000000000000001, 0.16666666666666666, 0.14285714285714285, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.12, 0.11899999999999999, 0.11799999999999999, 0.11699999999999999, 0.11599999999999999, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115, 0.115};
typedef struct golden { int n; double lr[64]; } golden;
static const golden GOLDEN[] = {
    /* cosine T=50 lr_min=1e-4 */
    {51, {0.01, 0.0099902323057199441, 0.0099609677715066652, 0.0099123218911070076, 0.0098444866475867216, 0.0097577297556610092, 0.0096523936051468428, 0.0095288939097067961, 0.0093877180662171236, 0.0092294232312349744, 0.0090546341221559891, 0.0088640405517401554, 0.0086583947057359851, 0.0084385081743470064, 0.0082052487492560115, 0.0079595369988477403, 0.0077023426351460313, 0.007434680686803489, 0.0071576074932471079, 0.0068722165357891548, 0.0065796341221559876, 0.0062810149414660281, 0.0059775375071993353, 0.0056703995061433048, 0.0053608130716700994, 0.0050499999999999981, 0.0047391869283298967, 0.0044296004938566922, 0.0041224624928006617, 0.0038189850585339667, 0.0035203658778440103, 0.0032277834642108439, 0.0029423925067528886, 0.0026653193131965071, 0.002397657364853964, 0.0021404630011522571, 0.0018947512507439847, 0.00166149182565299, 0.0014416052942640132, 0.0012359594482598431, 0.0010453658778440101, 0.000870576768765026, 0.00071228193378287496, 0.00057110609029320395, 0.00044760639485315562, 0.00034227024433898989, 0.00025551335241327664, 0.0001876781088929908, 0.00013903222849333504, 0.00010976769428005578, 0.0001}},
    /* warm-up 5 from 0.1, cosine T=45 */
    {50, {0.001, 0.0028, 0.0045999999999999999, 0.0063999999999999994, 0.008199999999999999, 0.01, 0.0099878202512991218, 0.0099513403437078516, 0.0098907380036690282, 0.0098063084796915934, 0.0096984631039295412, 0.0095677272882130019, 0.0094147379642946331, 0.0092402404807821262, 0.0090450849718747336, 0.0088302222155948861, 0.0085966990016932525, 0.0083456530317942874, 0.0080783073766282874, 0.00779596451735373, 0.0074999999999999963, 0.0071918557339453841, 0.0068730329670795573, 0.0065450849718747348, 0.0062096094779983367, 0.00586824088833465, 0.0055226423163382658, 0.0051744974835125045, 0.0048255025164874957, 0.0044773576836617326, 0.0041317591116653476, 0.00379039052200166, 0.0034549150281252628, 0.0031269670329204394, 0.0028081442660546122, 0.0025000000000000009, 0.0022040354826462663, 0.0019216926233717084, 0.0016543469682057086, 0.001403300998306744, 0.0011697777844051106, 0.00095491502812526338, 0.00075975951921787024, 0.0005852620357053662, 0.0004322727117869963, 0.00030153689607045848, 0.00019369152030840667, 0.00010926199633097158, 4.8659656292148756e-05, 1.2179748700879016e-05}},
    /* exponential 0.9 */
    {30, {0.050000000000000003, 0.045000000000000005, 0.040500000000000008, 0.03645000000000001, 0.032805000000000008, 0.029524500000000009, 0.02657205000000001, 0.023914845000000011, 0.021523360500000012, 0.01937102445000001, 0.017433922005000008, 0.015690529804500006, 0.014121476824050006, 0.012709329141645007, 0.011438396227480507, 0.010294556604732457, 0.0092651009442592108, 0.0083385908498332904, 0.0075047317648499617, 0.0067542585883649661, 0.0060788327295284699, 0.0054709494565756229, 0.0049238545109180605, 0.0044314690598262546, 0.0039883221538436296, 0.0035894899384592669, 0.0032305409446133403, 0.0029074868501520064, 0.0026167381651368057, 0.0023550643486231252}},
    /* warm-up 4 from 1/3, exponential 0.8 */
    {20, {0.0033333333333333331, 0.0049999999999999992, 0.0066666666666666662, 0.0083333333333333332, 0.01, 0.0080000000000000002, 0.0064000000000000003, 0.0051200000000000004, 0.0040960000000000007, 0.0032768000000000007, 0.0026214400000000009, 0.002097152000000001, 0.0016777216000000009, 0.0013421772800000008, 0.0010737418240000006, 0.00085899345920000057, 0.00068719476736000054, 0.00054975581388800048, 0.00043980465111040042, 0.00035184372088832035}},
    /* step 10 x 0.5 */
    {35, {0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.012500000000000001, 0.012500000000000001, 0.012500000000000001, 0.012500000000000001, 0.012500000000000001}},
    /* plateau 0.5 patience 3 cooldown 1 min 0.02 */
    {40, {0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.10000000000000001, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.050000000000000003, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.025000000000000001, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02}},
};

static void check_rates(const char *name, tg_gnn_schedule s, double lr0, int epochs, const golden *g, bool plateau)
{
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_schedule_check(&s, msg), TG_OK);
    tg_gnn_sched_state st;
    tg_gnn_schedule_start(&st, &s, lr0, epochs);
    for (int e = 0; e < g->n; e++) {
        double lr = tg_gnn_schedule_lr(&st);
        /* torch multiplies recursively (cosine, exponential), we use the
         * closed form: the same numbers up to double rounding. */
        if (fabs(lr - g->lr[e]) > 1e-12 * (fabs(g->lr[e]) + 1e-300) + 1e-15)
            fail_msg("%s: epoch %d: rate %.17g, PyTorch %.17g", name, e, lr, g->lr[e]);
        tg_gnn_schedule_step(&st, plateau ? METRICS[e] : NAN);
    }
}

static void test_schedules(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_schedule s = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    s.t_max = 50;
    s.lr_min = 1e-4;
    check_rates("cosine", s, 0.01, 200, &GOLDEN[0], false);
    s = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    s.warmup = 5;
    s.warmup_start = 0.1;
    check_rates("warm-up + cosine", s, 0.01, 50, &GOLDEN[1], false);   /* t_max 0: 50 - 5 epochs */
    s = tg_gnn_schedule_default(TG_GNN_SCHED_EXP);
    s.gamma = 0.9;
    check_rates("exponential", s, 0.05, 30, &GOLDEN[2], false);
    s = tg_gnn_schedule_default(TG_GNN_SCHED_EXP);
    s.gamma = 0.8;
    s.warmup = 4;   /* warmup_start 1/3 by default, as LinearLR */
    check_rates("warm-up + exponential", s, 0.01, 20, &GOLDEN[3], false);
    s = tg_gnn_schedule_default(TG_GNN_SCHED_STEP);
    s.step = 10;
    s.gamma = 0.5;
    check_rates("step", s, 0.1, 35, &GOLDEN[4], false);
    s = tg_gnn_schedule_default(TG_GNN_SCHED_PLATEAU);
    s.gamma = 0.5;
    s.patience = 3;
    s.cooldown = 1;
    s.lr_min = 0.02;
    check_rates("plateau", s, 0.1, 40, &GOLDEN[5], true);
    /* After t_max the cosine stays at lr_min (PyTorch's would rise again). */
    s = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    s.t_max = 10;
    s.lr_min = 0.001;
    tg_gnn_sched_state st;
    tg_gnn_schedule_start(&st, &s, 0.1, 100);
    for (int e = 0; e < 30; e++) tg_gnn_schedule_step(&st, NAN);
    assert_true(tg_gnn_schedule_lr(&st) == 0.001);
    /* Bad schedules are refused, by the checker and by fit. */
    char msg[TG_MSG_LEN];
    s = tg_gnn_schedule_default(TG_GNN_SCHED_PLATEAU);
    s.gamma = 1.5;
    assert_int_equal(tg_gnn_schedule_check(&s, msg), TG_ERR_ARG);
    assert_msg_has(msg, "factor");
    s = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    s.warmup = 3;
    s.warmup_start = 0;
    assert_int_equal(tg_gnn_schedule_check(&s, msg), TG_ERR_ARG);
    s.kind = (tg_gnn_sched_kind)9;
    assert_int_equal(tg_gnn_schedule_check(&s, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

/* ---- dense autoencoder on the Tennessee Eastman process ------------------- */

typedef struct tep { int ntr, nte; float *xtr, *xte; int *fault; } tep;

static void tep_read(tep *t)
{
    FILE *f = fopen(TEP, "r");
    assert_non_null(f);
    char line[8192];
    assert_non_null(fgets(line, sizeof line, f));   /* header */
    t->xtr = malloc(sizeof(float) * 600 * 52);
    t->xte = malloc(sizeof(float) * 2000 * 52);
    t->fault = malloc(sizeof(int) * 2000);
    t->ntr = t->nte = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        bool train = strncmp(p, "train,", 6) == 0;
        p = strchr(p, ',') + 1;
        int fault = (int)strtol(p, &end, 10);
        p = strchr(end + 1, ',') + 1;   /* skip the sample number */
        float *row = train ? t->xtr + 52 * t->ntr : t->xte + 52 * t->nte;
        for (int j = 0; j < 52; j++) {
            row[j] = strtof(p, &end);
            assert_true(end != p);
            p = end + 1;
        }
        if (train) t->ntr++;
        else t->fault[t->nte++] = fault;
        assert_true(t->ntr <= 600 && t->nte <= 2000);
    }
    fclose(f);
    /* data/tep/SOURCE.md and make_anomaly.py: 500 normal training samples;
     * 192 normal and 21 x 80 faulty test samples. */
    assert_int_equal(t->ntr, 500);
    assert_int_equal(t->nte, 192 + 21 * 80);
}

/* AUC of the scores of fault c's rows (c = -1: every fault) against the
 * normal rows. */
static double tep_auc(const tep *t, const double *score, int c)
{
    double *s = malloc(sizeof *s * (size_t)t->nte);
    uint8_t *y = malloc((size_t)t->nte);
    int64_t k = 0;
    for (int i = 0; i < t->nte; i++)
        if (t->fault[i] == 0 || t->fault[i] == c || (c < 0 && t->fault[i] > 0)) {
            s[k] = score[i];
            y[k++] = t->fault[i] != 0;
        }
    double auc, ap;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_auc_ap(k, s, y, &auc, &ap, msg), TG_OK);
    free(s);
    free(y);
    return auc;
}

/* PCA-SPE baseline (Jackson & Mudholkar's Q statistic): standardise with the
 * training mean and sd, keep the principal components that explain 90 % of
 * the training variance, score = squared norm of the residual. */
static void pca_spe(const tep *t, double *spe, int *ncomp)
{
    enum { P = 52 };
    double mean[P] = {0}, sd[P] = {0};
    for (int i = 0; i < t->ntr; i++)
        for (int j = 0; j < P; j++) mean[j] += t->xtr[i * P + j];
    for (int j = 0; j < P; j++) mean[j] /= t->ntr;
    for (int i = 0; i < t->ntr; i++)
        for (int j = 0; j < P; j++) sd[j] += pow(t->xtr[i * P + j] - mean[j], 2);
    for (int j = 0; j < P; j++) {
        sd[j] = sqrt(sd[j] / (t->ntr - 1));
        if (!(sd[j] > 0)) sd[j] = 1;
    }
    static double C[P * P], lam[P];
    memset(C, 0, sizeof C);
    for (int i = 0; i < t->ntr; i++)
        for (int a = 0; a < P; a++)
            for (int b = 0; b < P; b++)
                C[a * P + b] += (t->xtr[i * P + a] - mean[a]) / sd[a] * (t->xtr[i * P + b] - mean[b]) / sd[b] / (t->ntr - 1);
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', P, C, P, lam), 0);   /* ascending */
    double tot = 0, acc = 0;
    for (int j = 0; j < P; j++) tot += lam[j];
    int k = 0;
    while (k < P && acc < 0.9 * tot) acc += lam[P - 1 - k++];
    *ncomp = k;
    for (int i = 0; i < t->nte; i++) {
        double z[P], r[P];
        for (int j = 0; j < P; j++) z[j] = (t->xte[i * P + j] - mean[j]) / sd[j];
        memcpy(r, z, sizeof r);
        for (int c = P - k; c < P; c++) {   /* the k largest */
            double sc = 0;
            for (int j = 0; j < P; j++) sc += z[j] * C[j * P + c];
            for (int j = 0; j < P; j++) r[j] -= sc * C[j * P + c];
        }
        double q = 0;
        for (int j = 0; j < P; j++) q += r[j] * r[j];
        spe[i] = q;
    }
}

static void test_tep_autoencoder(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tep t;
    tep_read(&t);
    char msg[TG_MSG_LEN];
    tg_gnn_ae_opts ao = tg_gnn_ae_defaults();
    tg_gnn_ae *ae = NULL;
    assert_int_equal(tg_gnn_ae_new(&ae, 52, &ao, msg), TG_OK);
    tg_gnn_fit_opts fo = tg_gnn_fit_defaults();
    fo.epochs = 400;
    fo.lr = 0.01;
    fo.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    fo.threads = 1;
    tg_gnn_fit_result fr;
    assert_int_equal(tg_gnn_ae_fit(ae, t.ntr, t.xtr, &fo, &fr, msg), TG_OK);
    double *sc = malloc(sizeof *sc * (size_t)t.nte), *spe = malloc(sizeof *spe * (size_t)t.nte);
    double *sens = malloc(sizeof *sens * (size_t)t.nte * 52);
    assert_int_equal(tg_gnn_ae_score(ae, t.nte, t.xte, sc, sens, msg), TG_OK);
    int k;
    pca_spe(&t, spe, &k);
    double thr = tg_gnn_ae_threshold(ae);
    int false_alarms = 0, nn = 0;
    for (int i = 0; i < t.nte; i++)
        if (t.fault[i] == 0) {
            nn++;
            false_alarms += sc[i] > thr;
        }
    printf("TEP autoencoder 52-16-4-16-52 tanh, %d epochs (val MSE %.3f); PCA-SPE with %d components (90 %% variance)\n",
           fr.epochs, fr.val_loss, k);
    printf("fault  AUC(AE)  AUC(PCA-SPE)\n");
    double ae_all = tep_auc(&t, sc, -1), pca_all = tep_auc(&t, spe, -1);
    double ae_f[22], pca_f[22];
    for (int c = 1; c <= 21; c++) {
        ae_f[c] = tep_auc(&t, sc, c);
        pca_f[c] = tep_auc(&t, spe, c);
        printf("%5d  %.3f    %.3f\n", c, ae_f[c], pca_f[c]);
    }
    printf("  all  %.3f    %.3f   (threshold %.3f: %d of %d normal test samples above)\n", ae_all, pca_all, thr,
           false_alarms, nn);
    /* Measured (seed 1, 1 thread): AE 0.866, PCA-SPE 0.863 over all faults.
     * Asserted: the autoencoder is at least as good as PCA-SPE less 0.02
     * and above 0.84 overall; the faults PCA detects reliably in the
     * literature (IDV 1, 2, 4, 6, 7, 8, 12, 13, 14, 17, 18) reach AUC >= 0.95,
     * and 3, 9 and 15, which no method in Chiang, Russell & Braatz (2001)
     * detects, stay near chance for both (< 0.65). */
    assert_true(ae_all >= 0.84);
    assert_true(ae_all >= pca_all - 0.02);
    static const int easy[] = {1, 2, 4, 6, 7, 8, 12, 13, 14, 17, 18};
    for (size_t q = 0; q < sizeof easy / sizeof easy[0]; q++)
        if (ae_f[easy[q]] < 0.95) fail_msg("fault %d: AE AUC %.3f < 0.95", easy[q], ae_f[easy[q]]);
    static const int hard[] = {3, 9, 15};
    for (size_t q = 0; q < 3; q++) assert_true(ae_f[hard[q]] < 0.65 && pca_f[hard[q]] < 0.65);
    /* The 99 % training quantile flags few normal test samples (another run
     * of the plant than the training one: more than 1 %, 6.8 % measured). */
    assert_true(false_alarms <= nn * 15 / 100);
    /* Per-sensor errors add up to the sample score. */
    for (int i = 0; i < t.nte; i += 97) {
        double s = 0;
        for (int j = 0; j < 52; j++) s += sens[i * 52 + j];
        assert_true(fabs(s / 52 - sc[i]) < 1e-9 * (1 + sc[i]));
    }
    tg_gnn_ae_free(&ae);
    free(sc);
    free(spe);
    free(sens);
    free(t.xtr);
    free(t.xte);
    free(t.fault);
    TG_CHECK_NO_LEAK();
}

/* ---- the symmetric reconstruction loss equals the general one ------------- */

/* gram_bce (gradient-checked in test_gnn.c on a non-symmetric graph) and its
 * upper-triangle variant for symmetric graphs give the same loss and the
 * same gradient on a symmetric graph (a 7-ring both ways, a chord, loops). */
static void test_gram_bce_symmetric(void **state)
{
    (void)state;
    tg_test_install_allocator();
    int64_t s[16], d[16], m = 0;
    for (int i = 0; i < 7; i++) s[m] = i, d[m++] = (i + 1) % 7, s[m] = (i + 1) % 7, d[m++] = i;
    s[m] = 0, d[m++] = 3, s[m] = 3, d[m++] = 0;
    tg_gnn_graph *g = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_graph_new(&g, 7, m, s, d, true, msg), TG_OK);
    float z[7 * 3];
    tg_rng r;
    tg_rng_seed(&r, 11);
    for (int i = 0; i < 21; i++) z[i] = (float)(2 * tg_rng_uniform(&r) - 1);
    double loss[2];
    float grad[2][21];
    for (int v = 0; v < 2; v++) {
        gnn_tape t;
        tg_gnn_i_tape_init(&t, 1);
        t.training = true;
        int x = tg_gnn_i_leaf(&t, 7, 3, z);
        t.nodes[x].req = true;
        int l = v ? tg_gnn_i_gram_bce_sym(&t, x, g, 3.0f) : tg_gnn_i_gram_bce(&t, x, g, 3.0f);
        assert_true(l >= 0);
        assert_int_equal(tg_gnn_i_backward(&t, l, msg), TG_OK);
        loss[v] = t.nodes[l].val[0];
        memcpy(grad[v], t.nodes[x].grad, sizeof grad[v]);
        tg_gnn_i_tape_free(&t);
    }
    assert_true(fabs(loss[0] - loss[1]) <= 1e-6 * fabs(loss[0]));
    for (int i = 0; i < 21; i++)
        if (fabsf(grad[0][i] - grad[1][i]) > 1e-6f * (fabsf(grad[0][i]) + 1e-3f))
            fail_msg("element %d: gradient %.8g (general) vs %.8g (symmetric)", i, grad[0][i], grad[1][i]);
    tg_gnn_graph_free(&g);
    TG_CHECK_NO_LEAK();
}

/* ---- link prediction with any encoder ------------------------------------- */

static int count_epochs(void *ud, const tg_gnn_epoch *e)
{
    int *c = ud;
    *c = e->epoch;
    assert_true(e->val_acc >= 0 && e->val_acc <= 1 && fabs(e->val_loss - (1 - e->val_acc)) < 1e-12);
    return 0;
}

static void test_link_any_encoder(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_data_read_cora(CORA, false, &d, msg), TG_OK);
    /* GraphSAGE-mean encoder with biases, sampled non-edges, AdamW, a cosine
     * schedule with warm-up and early stopping on the validation AUC. */
    tg_gnn_layer_spec L[3] = {tg_gnn_layer_default(TG_GNN_SAGE_MEAN), tg_gnn_layer_default(TG_GNN_RELU),
                              tg_gnn_layer_default(TG_GNN_SAGE_MEAN)};
    L[0].out = 32;
    L[2].out = 16;
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 3, L, tg_gnn_data_features(d), 1, msg), TG_OK);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = 150;
    o.optim = TG_GNN_ADAMW;
    o.weight_decay = 1e-4;
    o.patience = 30;
    o.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_COSINE);
    o.schedule.warmup = 10;
    tg_gnn_link_task k = tg_gnn_link_task_defaults();
    tg_gnn_link_result r;
    int epochs = 0;
    assert_int_equal(tg_gnn_link_fit(m, d, &o, &k, count_epochs, &epochs, &r, msg), TG_OK);
    printf("link prediction, SAGE encoder (sampled non-edges): AUC %.4f AP %.4f, val AUC %.4f, %d epochs (best %d)\n",
           r.auc, r.ap, r.val_auc, r.epochs, r.best_epoch);
    assert_int_equal(epochs, r.epochs);
    assert_int_equal(r.test_edges, 527);   /* floor(10 % of 5278) */
    assert_int_equal(r.val_edges, 263);
    assert_int_equal(r.train_edges, 5278 - 527 - 263);
    assert_true(r.auc >= 0.85 && r.ap >= 0.85);
    assert_non_null(strstr(tg_gnn_model_fit_config(m), "task=link_prediction"));
    assert_non_null(strstr(tg_gnn_model_fit_config(m), "schedule=cosine"));
    /* A variational encoder needs an even output width; a pooling model and
     * graph-level data are refused. */
    k.variational = true;
    L[2].out = 15;
    tg_gnn_model *m2 = NULL;
    assert_int_equal(tg_gnn_model_new(&m2, 3, L, tg_gnn_data_features(d), 1, msg), TG_OK);
    assert_int_equal(tg_gnn_link_fit(m2, d, &o, &k, NULL, NULL, &r, msg), TG_ERR_ARG);
    assert_msg_has(msg, "even width");
    tg_gnn_model_free(&m2);
    tg_gnn_layer_spec P[2] = {tg_gnn_layer_default(TG_GNN_LINEAR), tg_gnn_layer_default(TG_GNN_MEAN_POOL)};
    P[0].out = 4;
    assert_int_equal(tg_gnn_model_new(&m2, 2, P, tg_gnn_data_features(d), 1, msg), TG_OK);
    k.variational = false;
    assert_int_equal(tg_gnn_link_fit(m2, d, &o, &k, NULL, NULL, &r, msg), TG_ERR_ARG);
    assert_msg_has(msg, "pool");
    tg_gnn_model_free(&m2);
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* ---- no allocation in the epoch loop after the first epoch ---------------- */

/* After epoch 1 the allocator is armed to fail after 10^9 more allocations;
 * every later epoch must leave that count untouched. */
static int arm(void *ud, const tg_gnn_epoch *e)
{
    long *left = ud;
    if (e->epoch == 1) tg_test_fail_after = 1000000000L;
    else if (tg_test_fail_after != 1000000000L) *left = tg_test_fail_after;
    return 0;
}

static void test_no_alloc_in_epochs(void **state)
{
    (void)state;
    tg_test_install_allocator();
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_data_read_cora(CORA, true, &d, msg), TG_OK);
    /* Kipf & Welling's GCN: sparse input dropout, dropout, two GCN layers. */
    tg_gnn_layer_spec L[5] = {tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_GCN),
                              tg_gnn_layer_default(TG_GNN_RELU), tg_gnn_layer_default(TG_GNN_DROPOUT),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].p = L[3].p = 0.5;
    L[1].out = 16;
    L[4].out = 7;
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 5, L, tg_gnn_data_features(d), 1, msg), TG_OK);
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = 12;
    o.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_PLATEAU);
    long left = 0;
    assert_int_equal(tg_gnn_fit(m, d, &o, arm, &left, NULL, msg), TG_OK);
    tg_test_fail_after = -1;
    if (left) fail_msg("an epoch after the first allocated %ld blocks", 1000000000L - left);
    /* The same for the dense autoencoder (linear layers, tanh, MSE). */
    enum { N = 64, P = 6 };
    float x[N * P];
    tg_rng r;
    tg_rng_seed(&r, 3);
    for (int i = 0; i < N * P; i++) x[i] = (float)tg_rng_normal(&r);
    tg_gnn_ae *ae = NULL;
    tg_gnn_ae_opts ao = tg_gnn_ae_defaults();
    assert_int_equal(tg_gnn_ae_new(&ae, P, &ao, msg), TG_OK);
    /* tg_gnn_ae_fit has no callback: train its model through tg_gnn_fit on
     * a standardised copy, as it does. */
    tg_gnn_graph *g = NULL;
    assert_int_equal(tg_gnn_graph_new(&g, N, 0, NULL, NULL, false, msg), TG_OK);
    uint8_t split[N];
    for (int i = 0; i < N; i++) split[i] = i % 8 == 7 ? TG_GNN_VAL : TG_GNN_TRAIN;
    tg_gnn_data *dd = NULL;
    assert_int_equal(tg_gnn_data_new(&dd, &g, P, x, NULL, split, msg), TG_OK);
    assert_int_equal(tg_gnn_data_set_targets(dd, P, x, msg), TG_OK);
    o = tg_gnn_fit_defaults();
    o.epochs = 8;
    o.loss = TG_GNN_LOSS_MSE;
    left = 0;
    assert_int_equal(tg_gnn_fit((tg_gnn_model *)tg_gnn_ae_model(ae), dd, &o, arm, &left, NULL, msg), TG_OK);
    tg_test_fail_after = -1;
    if (left) fail_msg("an autoencoder epoch after the first allocated %ld blocks", 1000000000L - left);
    tg_gnn_data_free(&dd);
    tg_gnn_ae_free(&ae);
    /* Link prediction with per-epoch validation AUC (the callback asks for
     * it) and a plateau schedule: sampled non-edges, then the full loss. */
    tg_gnn_layer_spec E[3] = {tg_gnn_layer_default(TG_GNN_GCN), tg_gnn_layer_default(TG_GNN_RELU),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    E[0].out = 16;
    E[2].out = 8;
    tg_gnn_model *enc = NULL;
    assert_int_equal(tg_gnn_model_new(&enc, 3, E, tg_gnn_data_features(d), 1, msg), TG_OK);
    tg_gnn_link_task k = tg_gnn_link_task_defaults();
    tg_gnn_link_result lr;
    o = tg_gnn_fit_defaults();
    o.epochs = 6;
    o.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_PLATEAU);
    for (int full = 0; full < 2; full++) {
        k.full_loss = full;
        left = 0;
        assert_int_equal(tg_gnn_link_fit(enc, d, &o, &k, arm, &left, &lr, msg), TG_OK);
        tg_test_fail_after = -1;
        if (left) fail_msg("a link epoch (full %d) after the first allocated %ld blocks", full, 1000000000L - left);
    }
    tg_gnn_model_free(&enc);
    tg_gnn_model_free(&m);
    tg_gnn_data_free(&d);
    TG_CHECK_NO_LEAK();
}

/* ---- the Cora reader: malformed input and out-of-memory ------------------- */

static char tmpdir_[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir_, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_files(void)
{
    static const char *const names[] = {"cora.content", "cora.cites", "planetoid_split.txt"};
    for (int k = 0; k < 3; k++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", tmpdir_, names[k]);
        remove(path);
    }
}

/* A 6-paper Cora in the LINQS format: id, 4 binary features, label. */
static const char *CONTENT = "11\t1\t0\t0\t1\tA\n12\t0\t1\t0\t0\tB\n13\t1\t1\t0\t0\tA\n"
                             "14\t0\t0\t1\t1\tC\n15\t0\t1\t1\t0\tB\n16\t1\t0\t0\t0\tC\n";
static const char *CITES = "11\t12\n12\t13\n13\t14\n14\t15\n15\t16\n16\t11\n11\t14\n";
static const char *SPLIT = "# index paper split\n0 11 train\n1 12 train\n2 13 val\n3 14 test\n4 15 test\n";

static void expect_bad(const char *content, const char *cites, const char *split, const char *want)
{
    remove_files();
    write_file("cora.content", content);
    write_file("cora.cites", cites);
    if (split) write_file("planetoid_split.txt", split);
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    tg_status s = tg_gnn_data_read_cora(tmpdir_, true, &d, msg);
    if (s == TG_OK) fail_msg("accepted; wanted \"%s\"", want);
    assert_null(d);
    assert_msg_has(msg, want);
    TG_CHECK_NO_LEAK();
}

static void test_cora_reader_bad_and_oom(void **state)
{
    (void)state;
    tg_test_install_allocator();
    snprintf(tmpdir_, sizeof tmpdir_, "/tmp/tg_gnn_tasksXXXXXX");
    assert_non_null(mkdtemp(tmpdir_));
    remove_files();
    write_file("cora.content", CONTENT);
    write_file("cora.cites", CITES);
    write_file("planetoid_split.txt", SPLIT);
    char msg[TG_MSG_LEN];
    tg_gnn_data *d = NULL;
    assert_int_equal(tg_gnn_data_read_cora(tmpdir_, true, &d, msg), TG_OK);
    assert_int_equal(tg_gnn_data_nodes(d), 6);
    assert_int_equal(tg_gnn_data_features(d), 4);
    assert_int_equal(tg_gnn_data_classes(d), 3);
    assert_int_equal(tg_gnn_graph_edges(tg_gnn_data_graph(d)), 14);   /* 7 citations, both ways */
    assert_int_equal(tg_gnn_data_split_count(d, TG_GNN_TEST), 2);
    tg_gnn_data_free(&d);
    /* Every allocation failing in turn: a clean error, no leak. */
    tg_status s = TG_OK;
    TG_OOM_LOOP(
        {
            s = tg_gnn_data_read_cora(tmpdir_, true, &d, msg);
            if (s == TG_OK) tg_gnn_data_free(&d);
            else assert_null(d);
        },
        s == TG_OK);
    assert_int_equal(s, TG_OK);
    /* Malformed files: named with file and line. */
    expect_bad("11\t1\t0\tA\n12\t0\t1\t0\tB\n", CITES, NULL, "cora.content:2: 3 features, the first line had 2");
    expect_bad("11\tA\n", "", NULL, "cora.content:1: expected id, features and a label");
    expect_bad("11\t1\t0\tA\n11\t0\t1\tB\n", "", NULL, "duplicate paper id 11");
    expect_bad("11\t1\tx\tA\n12\t0\t1\tB\n", "", NULL, "cora.content:1: feature 2 is not a number");
    expect_bad(CONTENT, "11\t12\n12\t99\n", NULL, "cora.cites:2: unknown paper id 99");
    expect_bad(CONTENT, "11\n", NULL, "cora.cites:1: expected two paper ids");
    expect_bad(CONTENT, CITES, "0 11 train\n1 77 test\n", "planetoid_split.txt:2: unknown paper id 77");
    expect_bad(CONTENT, CITES, "0 11 train\n1 12 later\n", "planetoid_split.txt:2: split 'later'");
    expect_bad(CONTENT, CITES, "0 11\n", "planetoid_split.txt:1: expected index, paper id and split");
    expect_bad("", "", NULL, "no papers");
    remove_files();
    rmdir(tmpdir_);
    TG_CHECK_NO_LEAK();
}

/* ---- out-of-memory injection: link training, saliency, autoencoder -------- */

/* 40 nodes on a ring with chords, 3 random features, labels and a split. */
static tg_gnn_data *ring_data(void)
{
    int64_t s[120], t[120], m = 0;
    for (int i = 0; i < 40; i++) {
        s[m] = i, t[m++] = (i + 1) % 40;
        s[m] = (i + 1) % 40, t[m++] = i;
        if (i % 3 == 0) s[m] = i, t[m++] = (i + 7) % 40, s[m] = (i + 7) % 40, t[m++] = i;
    }
    float x[40 * 3];
    int32_t y[40];
    uint8_t sp[40];
    tg_rng r;
    tg_rng_seed(&r, 9);
    for (int i = 0; i < 120; i++) x[i] = (float)tg_rng_uniform(&r);
    for (int i = 0; i < 40; i++) y[i] = i % 2, sp[i] = (uint8_t)(i % 3);
    tg_gnn_graph *g = NULL;
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_graph_new(&g, 40, m, s, t, false, msg), TG_OK);
    assert_int_equal(tg_gnn_data_new(&d, &g, 3, x, y, sp, msg), TG_OK);
    return d;
}

/* TG_OOM_LOOP for calls on objects that stay alive across the loop: the
 * live block count must come back to what it was before each call. */
#define OOM_LOOP_KEEP(body, ok)                                            \
    do {                                                                   \
        long base_ = tg_test_live;                                         \
        for (long k_ = 0; k_ < 100000; k_++) {                             \
            tg_test_fail_after = k_;                                       \
            body;                                                          \
            tg_test_fail_after = -1;                                       \
            if (tg_test_live != base_)                                     \
                fail_msg("allocation %ld failing leaks %ld blocks: %s", k_, tg_test_live - base_, msg); \
            if (ok) break;                                                 \
        }                                                                  \
    } while (0)

static void test_oom_link_saliency_ae(void **state)
{
    (void)state;
    tg_test_install_allocator();
    char msg[TG_MSG_LEN];
    tg_gnn_data *d = ring_data();
    tg_status s = TG_OK;
    tg_gnn_link_result r;
    for (int variant = 0; variant < 3; variant++) {
        tg_gnn_link_opts o = tg_gnn_link_defaults();
        o.hidden = 8;
        o.latent = 4;
        o.epochs = 3;
        o.variational = variant == 1;
        o.sampled = variant == 2;
        OOM_LOOP_KEEP(s = tg_gnn_link_train(d, &o, &r, msg), s == TG_OK);
        if (s != TG_OK) fail_msg("variant %d: %s", variant, msg);
    }
    /* tg_gnn_link_fit with a callback, patience and a plateau schedule. */
    tg_gnn_layer_spec L[2] = {tg_gnn_layer_default(TG_GNN_GCN), tg_gnn_layer_default(TG_GNN_TANH)};
    L[0].out = 4;
    tg_gnn_model *m = NULL;
    assert_int_equal(tg_gnn_model_new(&m, 2, L, 3, 1, msg), TG_OK);
    tg_gnn_fit_opts fo = tg_gnn_fit_defaults();
    fo.epochs = 4;
    fo.patience = 2;
    fo.schedule = tg_gnn_schedule_default(TG_GNN_SCHED_PLATEAU);
    tg_gnn_link_task k = tg_gnn_link_task_defaults();
    k.val_frac = 0.2;
    int ep = 0;
    OOM_LOOP_KEEP(s = tg_gnn_link_fit(m, d, &fo, &k, count_epochs, &ep, &r, msg), s == TG_OK);
    assert_int_equal(s, TG_OK);
    /* Saliency through a GCN model.  The data caches its self-loop graph on
     * first use (kept, freed with the data): a first run builds the cache
     * (how many allocations that takes is the graph module's business),
     * then every allocation of saliency itself fails in turn. */
    double ns[40], fs[3];
    assert_int_equal(tg_gnn_saliency(m, d, 5, 1, ns, fs, msg), TG_OK);
    OOM_LOOP_KEEP(s = tg_gnn_saliency(m, d, 5, 1, ns, fs, msg), s == TG_OK);
    assert_int_equal(s, TG_OK);
    assert_true(ns[5] > 0);
    tg_gnn_model_free(&m);
    /* Malformed link input: too few edges, bad fractions. */
    tg_gnn_link_opts o = tg_gnn_link_defaults();
    o.test_frac = 0.5;
    o.val_frac = 0.45;
    assert_int_equal(tg_gnn_link_train(d, &o, &r, msg), TG_ERR_ARG);
    assert_msg_has(msg, "bad options");
    tg_gnn_data_free(&d);
    /* The autoencoder: new, fit, score. */
    enum { N = 30, P = 4 };
    float x[N * P];
    tg_rng rg;
    tg_rng_seed(&rg, 4);
    for (int i = 0; i < N * P; i++) x[i] = (float)tg_rng_normal(&rg);
    tg_gnn_ae_opts ao = tg_gnn_ae_defaults();
    ao.hidden[0] = 3;
    ao.hidden[1] = 2;
    fo = tg_gnn_fit_defaults();
    fo.epochs = 3;
    double sc[N];
    tg_gnn_ae *ae = NULL;
    TG_OOM_LOOP(
        {
            s = tg_gnn_ae_new(&ae, P, &ao, msg);
            if (s == TG_OK) s = tg_gnn_ae_fit(ae, N, x, &fo, NULL, msg);
            if (s == TG_OK) s = tg_gnn_ae_score(ae, N, x, sc, NULL, msg);
            tg_gnn_ae_free(&ae);
        },
        s == TG_OK);
    assert_int_equal(s, TG_OK);
    /* Bad input: a NaN, scoring before fit, a constant sensor is fine. */
    assert_int_equal(tg_gnn_ae_new(&ae, P, &ao, msg), TG_OK);
    assert_int_equal(tg_gnn_ae_score(ae, N, x, sc, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "fit the autoencoder first");
    x[7] = NAN;
    assert_int_equal(tg_gnn_ae_fit(ae, N, x, &fo, NULL, msg), TG_ERR_ARG);
    assert_msg_has(msg, "sample 2, sensor 4 is not finite");
    for (int i = 0; i < N; i++) x[i * P + 3] = 5.0f;
    assert_int_equal(tg_gnn_ae_fit(ae, N, x, &fo, NULL, msg), TG_OK);
    assert_true(isfinite(tg_gnn_ae_threshold(ae)));
    /* Save and load with every allocation failing in turn: clean failure,
     * and a loaded copy scores exactly as the original (the constant sensor
     * included: its standard deviation was replaced by 1). */
    const char *path = "/tmp/tg_test_gnn_ae.safetensors";
    double sc2[N];
    assert_int_equal(tg_gnn_ae_score(ae, N, x, sc, NULL, msg), TG_OK);
    tg_gnn_ae *back = NULL;
    OOM_LOOP_KEEP(
        {
            s = tg_gnn_ae_save(ae, path, msg);
            if (s == TG_OK) s = tg_gnn_ae_load(path, &back, msg);
            if (s == TG_OK) s = tg_gnn_ae_score(back, N, x, sc2, NULL, msg);
            tg_gnn_ae_free(&back);
        },
        s == TG_OK);
    assert_int_equal(s, TG_OK);
    for (int i = 0; i < N; i++) assert_true(sc2[i] == sc[i]);
    remove(path);
    tg_gnn_ae_free(&ae);
    ao.nhidden = 0;
    assert_int_equal(tg_gnn_ae_new(&ae, P, &ao, msg), TG_ERR_ARG);
    TG_CHECK_NO_LEAK();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedules),
        cmocka_unit_test(test_gram_bce_symmetric),
        cmocka_unit_test(test_tep_autoencoder),
        cmocka_unit_test(test_cora_reader_bad_and_oom),
        cmocka_unit_test(test_oom_link_saliency_ae),
        cmocka_unit_test(test_no_alloc_in_epochs),
        cmocka_unit_test(test_link_any_encoder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
