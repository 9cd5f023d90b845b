/* bench_rap.c: the redundancy-allocation GA on all 33 weight limits of
 * data/rap/fyffe_nm33.txt, 100,000 evaluations a run, over seeds that
 * were not used to choose its settings (2001..2000+S; the settings were
 * chosen on 1001..1100).  Prints how often each instance reaches the
 * exact optimum (DP) and the time per run; bench/peer_rap_deap.py runs a
 * plain DEAP GA on the same problem for comparison.
 * Usage: bench_rap data/rap/fyffe_nm33.txt [seeds] */
#include <stdio.h>
#include <stdlib.h>

#include "core/tg_core.h"
#include "mining/tg_mining.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_rap file [seeds]\n");
        return 2;
    }
    int seeds = argc > 2 ? atoi(argv[2]) : 100;
    char msg[TG_MSG_LEN];
    tg_rap *p = NULL;
    if (tg_rap_read(argv[1], &p, msg) != TG_OK) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double opt[256], R;
    int32_t k[64 * 8];
    int lo, hi;
    tg_rap_weight_limits(p, &lo, &hi);
    if (hi > 255 || tg_rap_exact(p, hi, &R, NULL, opt, msg) != TG_OK) {
        fprintf(stderr, "%s\n", hi > 255 ? "weight limit too large for this bench" : msg);
        tg_rap_free(&p);
        return 1;
    }
    int hits = 0, runs = 0, worst = seeds;
    double worst_gap = 0, evals_at = 0;
    double t0 = tg_now();
    for (int W = lo; W <= hi; W++) {
        int h = 0;
        for (int s = 0; s < seeds; s++) {
            int64_t at;
            if (tg_rap_ga(p, W, 100000, 2001 + (uint64_t)s, &R, k, &at, msg) != TG_OK) {
                fprintf(stderr, "%s\n", msg);
                tg_rap_free(&p);
                return 1;
            }
            double gap = (opt[W] - R) / opt[W];
            if (gap <= 1e-9) h++, evals_at += (double)at;
            if (gap > worst_gap) worst_gap = gap;
            runs++;
        }
        printf("W=%d optimum %.6f reached in %d/%d\n", W, opt[W], h, seeds);
        hits += h;
        if (h < worst) worst = h;
    }
    double secs = tg_now() - t0;
    printf("optimum reached in %d of %d runs (worst instance %d/%d), largest gap %.2e, "
           "mean evaluations to the optimum %.0f, %.1f ms a run\n",
           hits, runs, worst, seeds, worst_gap, hits ? evals_at / hits : 0.0, 1000 * secs / runs);
    printf("RESULT rap_hits %d\nRESULT rap_runs %d\nRESULT rap_worst %d\nRESULT rap_ms %.2f\n", hits, runs, worst,
           1000 * secs / runs);
    tg_rap_free(&p);
    return 0;
}
