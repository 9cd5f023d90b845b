/* bench_ga.c: NSGA-II on ZDT1 (30 variables, population 100, 250
 * generations = 25,000 evaluations, SBX eta 20 with rate 0.9, polynomial
 * mutation eta 20 with rate 1/30), best time of N runs with seeds 1..N,
 * and the mean hypervolume of the final fronts to the reference (1, 1)
 * (true front: 2/3).  bench/peer_deap.py runs DEAP's NSGA-II with the same
 * settings.
 *
 * usage: bench_ga [N]
 * prints "RESULT ga_zdt1_ours <s>" and "RESULT ga_zdt1_hv_ours <hv>". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mining/tg_mining.h"

static tg_status zdt1(void *ud, const int32_t *g, const double *x, double *obj, double *viol, char *msg)
{
    (void)ud;
    (void)g;
    (void)viol;
    (void)msg;
    double s = 0;
    for (int i = 1; i < 30; i++) s += x[i];
    double gg = 1 + 9 * s / 29;
    obj[0] = x[0];
    obj[1] = gg * (1 - sqrt(x[0] / gg));
    return TG_OK;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1) reps = 1;
    double lo[30] = {0}, hi[30], best = INFINITY, hv_sum = 0;
    for (int k = 0; k < 30; k++) hi[k] = 1;
    char msg[TG_MSG_LEN];
    for (int r = 0; r < reps; r++) {
        tg_ga_config c;
        tg_ga_config_default(&c, TG_GA_REAL, 30);
        c.lo = lo;
        c.hi = hi;
        c.nobj = 2;
        c.minimize = true;
        c.pop = 100;
        c.generations = 249;
        c.sbx_eta = 20;
        c.pm_eta = 20;
        c.seed = (uint64_t)r + 1;
        c.eval = zdt1;
        tg_ga_sol *s = NULL;
        double t0 = tg_now();
        if (tg_ga_solve(&c, &s, msg) != TG_OK) {
            fprintf(stderr, "bench_ga: %s\n", msg);
            return 1;
        }
        double t = tg_now() - t0;
        if (t < best) best = t;
        int F = tg_ga_sol_count(s);
        double *pts = malloc(sizeof *pts * 2 * (size_t)F), ref[2] = {1, 1}, hv = 0;
        for (int i = 0; i < F; i++) {
            pts[2 * i] = tg_ga_sol_objectives(s, i)[0];
            pts[2 * i + 1] = tg_ga_sol_objectives(s, i)[1];
        }
        tg_ga_hypervolume2(pts, F, ref, &hv, msg);
        hv_sum += hv;
        free(pts);
        printf("  seed %d: %.3f s, %lld evaluations, front %d, hypervolume %.5f\n", r + 1, t,
               (long long)tg_ga_sol_evals(s), F, hv);
        tg_ga_sol_free(&s);
    }
    printf("RESULT ga_zdt1_ours %.6f\nRESULT ga_zdt1_hv_ours %.6f\n", best, hv_sum / reps);
    return 0;
}
