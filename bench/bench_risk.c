/* bench_risk.c: fault-tree analysis of MEF files, timed.
 *
 *   bench_risk [--importance] [--limit-order K] [--max-nodes N] [--cut-off P]
 *              [--prime-implicants] [--zbdd-order K] [--verbose] FILES...
 *
 * --zbdd-order K: minimal cut sets of order <= K bottom-up in a ZBDD
 * (tg_risk_mcs_zbdd_cut, no BDD) instead of the BDD analysis, with the
 * --cut-off applied at every gate (K = 4000: no order limit); prints the
 * rare-event sum and the min-cut upper bound of the sets kept.
 *
 * Prints one line: products, distribution, probability and the wall time
 * of reading + BDD + ZBDD + probability (+ importance).  bench/run.sh runs
 * it next to SCRAM on the same files and prints the ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk/tg_risk.h"

int main(int argc, char **argv)
{
    char msg[TG_MSG_LEN];
    tg_risk_opts o;
    tg_risk_opts_default(&o);
    int imp = 0, nfiles = 0, pi = 0, zorder = -1;
    const char **files = calloc((size_t)argc, sizeof *files);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--importance") == 0) imp = 1;
        else if (strcmp(argv[i], "--verbose") == 0) tg_log_set_level(TG_LOG_DEBUG);
        else if (strcmp(argv[i], "--limit-order") == 0 && i + 1 < argc)
            o.limit_order = atoi(argv[++i]);
        else if (strcmp(argv[i], "--max-nodes") == 0 && i + 1 < argc)
            o.max_nodes = atoll(argv[++i]);
        else if (strcmp(argv[i], "--cut-off") == 0 && i + 1 < argc)
            o.cut_off = atof(argv[++i]);
        else if (strcmp(argv[i], "--prime-implicants") == 0) pi = 1;
        else if (strcmp(argv[i], "--zbdd-order") == 0 && i + 1 < argc) zorder = atoi(argv[++i]);
        else files[nfiles++] = argv[i];
    }
    if (!nfiles) {
        fprintf(stderr, "usage: bench_risk [--importance] [--limit-order K] [--max-nodes N] "
                        "[--cut-off P] [--prime-implicants] [--verbose] FILES...\n");
        free(files);
        return 2;
    }
    double t0 = tg_now();
    tg_risk_model *m = NULL;
    tg_risk_analysis *a = NULL;
    if (tg_risk_model_read(nfiles, files, &m, msg) != TG_OK) {
        fprintf(stderr, "bench_risk: %s\n", msg);
        free(files);
        return 1;
    }
    int top;
    if (tg_risk_model_tops(m, &top, 1) < 1) {
        fprintf(stderr, "bench_risk: no top gate\n");
        tg_risk_model_free(&m);
        free(files);
        return 1;
    }
    if (zorder >= 0 && zorder <= 4000) {
        uint64_t zp, zd[4001];
        double re, mcub;
        if (tg_risk_mcs_zbdd_cut(m, top, zorder, o.cut_off, o.max_nodes, &zp, zd, &re, &mcub,
                                 msg) != TG_OK) {
            fprintf(stderr, "bench_risk: %s\n", msg);
            tg_risk_model_free(&m);
            free(files);
            return 1;
        }
        printf("top %s products %llu probability - rare_event %.9g mcub %.9g time %.4f "
               "distribution", tg_risk_model_gate_name(m, top), (unsigned long long)zp, re, mcub,
               tg_now() - t0);
        int zl = zorder;
        while (zl > 0 && zd[zl] == 0) zl--;
        for (int i = 0; i <= zl; i++) printf(" %llu", (unsigned long long)zd[i]);
        printf("\n");
        tg_risk_model_free(&m);
        free(files);
        return 0;
    }
    if (tg_risk_analyze(m, top, &o, &a, msg) != TG_OK) {
        fprintf(stderr, "bench_risk: %s\n", msg);
        tg_risk_model_free(&m);
        free(files);
        return 1;
    }
    if (imp) {
        tg_risk_importance *r = calloc((size_t)tg_risk_model_nbasic(m) + 1, sizeof *r);
        tg_risk_importance_all(a, r, msg);
        free(r);
    }
    uint64_t npi = 0, pdist[4096];
    if (pi) {
        /* Prime implicants (reported as the products and distribution). */
        if (tg_risk_prime_implicants(a, o.limit_order, 0, NULL, NULL, &npi, pdist, msg) != TG_OK) {
            fprintf(stderr, "bench_risk: %s\n", msg);
            tg_risk_analysis_free(&a);
            tg_risk_model_free(&m);
            free(files);
            return 1;
        }
    }
    double t = tg_now() - t0;
    uint64_t dist[4096];
    tg_risk_distribution(a, dist);
    int L = tg_risk_limit_order(a);
    if (pi) memcpy(dist, pdist, sizeof dist), L = o.limit_order < tg_risk_nvars(a) ? o.limit_order
                                                                                   : tg_risk_nvars(a);
    while (L > 0 && dist[L] == 0) L--;
    printf("top %s vars %d bdd %lld zbdd %lld products %llu probability %.6g time %.4f "
           "distribution",
           tg_risk_model_gate_name(m, top), tg_risk_nvars(a), (long long)tg_risk_bdd_nodes(a),
           (long long)tg_risk_zbdd_nodes(a), (unsigned long long)(pi ? npi : tg_risk_products(a)),
           tg_risk_probability(a), t);
    for (int i = 0; i <= L; i++) printf(" %llu", (unsigned long long)dist[i]);
    printf("\n");
    tg_risk_analysis_free(&a);
    tg_risk_model_free(&m);
    free(files);
    return 0;
}
