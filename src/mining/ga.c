/* ga.c: a generational genetic algorithm on integer vectors: tournament
 * selection under Deb's feasibility rules, uniform crossover, uniform
 * re-draw mutation, elitism, an optional local improvement, seeded with
 * tg_rng so a seed gives the same run everywhere. */
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

typedef struct indiv { int32_t *g; double obj, viol; } indiv;

/* Deb's rules: true if a is better than b. */
static bool better(const indiv *a, const indiv *b)
{
    if (a->viol == 0 && b->viol == 0) return a->obj > b->obj;
    if (a->viol == 0 || b->viol == 0) return a->viol == 0;
    return a->viol < b->viol;
}

static const indiv *tournament(tg_rng *r, const indiv *pop, int n, int k)
{
    const indiv *best = &pop[tg_rng_below(r, (uint64_t)n)];
    for (int i = 1; i < k; i++) {
        const indiv *c = &pop[tg_rng_below(r, (uint64_t)n)];
        if (better(c, best)) best = c;
    }
    return best;
}

static int by_quality(const void *a, const void *b)
{
    const indiv *x = a, *y = b;
    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

tg_status tg_ga_run(const tg_ga_opts *o, tg_ga_fitness fitness, void *ud, tg_ga_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!o || !fitness || !res || !res->best || o->ngenes < 1 || !o->lo || !o->hi || o->pop < 4 ||
        o->tournament < 2 || o->elite < 0 || o->elite >= o->pop || o->max_evals < o->pop ||
        !(o->crossover >= 0 && o->crossover <= 1) || !(o->mutation >= 0 && o->mutation <= 1))
        return tg_msg(msg, TG_ERR_ARG, "ga.run: bad options (pop >= 4, tournament >= 2, 0 <= elite < pop, "
                      "max_evals >= pop, rates in [0, 1])");
    for (int k = 0; k < o->ngenes; k++)
        if (o->lo[k] > o->hi[k]) return tg_msg(msg, TG_ERR_ARG, "ga.run: gene %d: lo > hi", k);
    size_t n = (size_t)o->ngenes, P = (size_t)o->pop;
    indiv *cur = tg_calloc(P, sizeof *cur), *next = tg_calloc(P, sizeof *next);
    int32_t *genes = tg_malloc(sizeof *genes * n * 2 * P);
    if (!cur || !next || !genes) {
        tg_free(cur);
        tg_free(next);
        tg_free(genes);
        return tg_msg(msg, TG_ERR_NOMEM, "ga.run: out of memory");
    }
    for (size_t i = 0; i < P; i++) {
        cur[i].g = genes + i * n;
        next[i].g = genes + (P + i) * n;
    }
    tg_rng r;
    tg_rng_seed(&r, o->seed);
    int64_t evals = 0;
    indiv best = {res->best, 0, 0};
    bool have_best = false;
    tg_progress bar;
    tg_progress_start(&bar, "ga", o->max_evals);
#define EVAL(ind)                                                               \
    do {                                                                        \
        (ind)->obj = fitness(ud, (ind)->g, &(ind)->viol);                       \
        evals++;                                                                \
        if (!have_best || better((ind), &best)) {                               \
            memcpy(best.g, (ind)->g, sizeof *best.g * n);                       \
            best.obj = (ind)->obj;                                              \
            best.viol = (ind)->viol;                                            \
            have_best = true;                                                   \
            res->evals_at_best = evals;                                         \
        }                                                                       \
    } while (0)
    for (size_t i = 0; i < P; i++) {
        for (size_t k = 0; k < n; k++)
            cur[i].g[k] = o->lo[k] + (int32_t)tg_rng_below(&r, (uint64_t)(o->hi[k] - o->lo[k]) + 1);
        EVAL(&cur[i]);
    }
    int64_t gens = 0;
    while (evals < o->max_evals) {
        qsort(cur, P, sizeof *cur, by_quality);
        for (int e = 0; e < o->elite; e++) {
            memcpy(next[e].g, cur[e].g, sizeof *cur[e].g * n);
            next[e].obj = cur[e].obj;
            next[e].viol = cur[e].viol;
        }
        for (size_t i = (size_t)o->elite; i < P && evals < o->max_evals; i++) {
            const indiv *a = tournament(&r, cur, o->pop, o->tournament);
            const indiv *b = tournament(&r, cur, o->pop, o->tournament);
            bool cross = tg_rng_uniform(&r) < o->crossover;
            for (size_t k = 0; k < n; k++) {
                int32_t v = cross && (tg_rng_u64(&r) & 1) ? b->g[k] : a->g[k];
                if (tg_rng_uniform(&r) < o->mutation)
                    v = o->lo[k] + (int32_t)tg_rng_below(&r, (uint64_t)(o->hi[k] - o->lo[k]) + 1);
                next[i].g[k] = v;
            }
            EVAL(&next[i]);
            if (o->improve && tg_rng_uniform(&r) < o->improve_rate && evals < o->max_evals) {
                evals += o->improve(ud, next[i].g, &next[i].obj, &next[i].viol);
                if (better(&next[i], &best)) {
                    memcpy(best.g, next[i].g, sizeof *best.g * n);
                    best.obj = next[i].obj;
                    best.viol = next[i].viol;
                    res->evals_at_best = evals;
                }
            }
        }
        indiv *t = cur;
        cur = next;
        next = t;
        gens++;
        tg_progress_update(&bar, evals);
    }
#undef EVAL
    tg_progress_finish(&bar);
    res->objective = best.obj;
    res->violation = best.viol;
    res->evals = evals;
    res->generations = gens;
    tg_free(cur);
    tg_free(next);
    tg_free(genes);
    return TG_OK;
}
