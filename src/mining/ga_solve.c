/* ga_solve.c: the general GA engine behind tg_ga_solve.
 *
 * Individuals live in "slots" of flat arrays (genes, objectives,
 * violation); populations are lists of slot indices, so selection and
 * survival move indices, not genes.  One objective: a generational GA per
 * island (elites kept, a mating pool drawn by the chosen selection, pairs
 * crossed and mutated), with ring migration every k generations.  Several
 * objectives: NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002): crowded
 * binary tournament, offspring of the same size, survival by
 * non-dominated fronts then crowding distance, constraints by Deb's
 * constrained domination.  Objectives are stored maximised internally
 * (negated when the user minimises) and turned back on output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

struct tg_ga_sol {
    int n, nobj, count;
    bool real;
    int32_t *g;                 /* count x n (discrete) */
    double *x;                  /* count x n (real) */
    double *obj;                /* count x nobj, user's sense */
    double *viol;
    int64_t evals, generations, evals_at_best;
    tg_ga_gen_stats *log;
    size_t nlog, caplog;
};

typedef struct eng {
    const tg_ga_config *c;
    int n, m, P, I;
    size_t nslots;
    int32_t *G;                 /* nslots x n, discrete encodings */
    double *X;                  /* nslots x n, real */
    double *O;                  /* nslots x m, maximised */
    double *V, *Q;              /* violation; scalar quality (one objective) */
    int32_t *rank;
    double *crowd;
    int32_t *work;              /* 2 n scratch for operators and checks */
    int32_t *tmp;               /* sort scratch, nslots */
    double *w;                  /* selection weights, P */
    int32_t *pool;              /* mating pool, P + 1 */
    size_t best, scratch;       /* slots: best ever, throw-away child */
    bool have_best;
    int64_t evals, evals_at_best;
    tg_rng r;
    char *msg;
} eng;

static int32_t *gi(eng *e, size_t s) { return e->G ? e->G + s * (size_t)e->n : NULL; }
static double *gx(eng *e, size_t s) { return e->X ? e->X + s * (size_t)e->n : NULL; }

static void copy_slot(eng *e, size_t d, size_t s)
{
    if (d == s) return;
    if (e->G) memcpy(gi(e, d), gi(e, s), sizeof *e->G * (size_t)e->n);
    if (e->X) memcpy(gx(e, d), gx(e, s), sizeof *e->X * (size_t)e->n);
    memcpy(e->O + d * (size_t)e->m, e->O + s * (size_t)e->m, sizeof *e->O * (size_t)e->m);
    e->V[d] = e->V[s];
    e->Q[d] = e->Q[s];
    e->rank[d] = e->rank[s];
    e->crowd[d] = e->crowd[s];
}

/* One objective: true if slot a beats slot b. */
static bool better(const eng *e, size_t a, size_t b)
{
    if (e->c->constraints == TG_GA_PENALTY) return e->Q[a] > e->Q[b];
    double va = e->V[a], vb = e->V[b];
    if (va == 0 && vb == 0) return e->O[a * (size_t)e->m] > e->O[b * (size_t)e->m];
    if (va == 0 || vb == 0) return va == 0;
    return va < vb;
}

/* NSGA-II: lower rank, then larger crowding distance. */
static bool crowded_better(const eng *e, size_t a, size_t b)
{
    if (e->rank[a] != e->rank[b]) return e->rank[a] < e->rank[b];
    return e->crowd[a] > e->crowd[b];
}

/* Stable merge sort of slot indices, best first. */
static void sort_slots(eng *e, int32_t *a, int n, bool (*cmp)(const eng *, size_t, size_t))
{
    int32_t *t = e->tmp;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) t[k++] = cmp(e, (size_t)a[j], (size_t)a[i]) ? a[j++] : a[i++];
            while (i < mid) t[k++] = a[i++];
            while (j < hi) t[k++] = a[j++];
        }
        memcpy(a, t, sizeof *a * (size_t)n);
    }
}

/* ---- genes -------------------------------------------------------------- */

static int32_t ilo(const eng *e, int k) { return e->c->encoding == TG_GA_INTEGER ? e->c->ilo[k] : 0; }
static int32_t ihi(const eng *e, int k) { return e->c->encoding == TG_GA_INTEGER ? e->c->ihi[k] : 1; }

static void random_genes(eng *e, size_t s)
{
    int n = e->n;
    if (e->c->encoding == TG_GA_REAL) {
        double *x = gx(e, s);
        for (int k = 0; k < n; k++) x[k] = e->c->lo[k] + tg_rng_uniform(&e->r) * (e->c->hi[k] - e->c->lo[k]);
    } else if (e->c->encoding == TG_GA_PERMUTATION) {
        int32_t *g = gi(e, s);
        for (int k = 0; k < n; k++) g[k] = k;
        for (int k = n - 1; k > 0; k--) {
            int j = (int)tg_rng_below(&e->r, (uint64_t)k + 1);
            int32_t t = g[k];
            g[k] = g[j];
            g[j] = t;
        }
    } else {
        int32_t *g = gi(e, s);
        for (int k = 0; k < n; k++)
            g[k] = ilo(e, k) + (int32_t)tg_rng_below(&e->r, (uint64_t)((int64_t)ihi(e, k) - ilo(e, k)) + 1);
    }
}

static tg_status check_genes(eng *e, size_t s, const char *who);

/* Genes of the p-th individual of island i in the initial population: the
 * user's initial individual i + p x islands if there is one, else random. */
static tg_status start_genes(eng *e, size_t s, int i, int p)
{
    const tg_ga_config *c = e->c;
    int64_t k = (int64_t)p * e->I + i;
    if (k >= c->ninit) {
        random_genes(e, s);
        return TG_OK;
    }
    size_t n = (size_t)e->n;
    if (e->X) memcpy(gx(e, s), c->init_real + (size_t)k * n, sizeof *e->X * n);
    else memcpy(gi(e, s), c->init_int + (size_t)k * n, sizeof *e->G * n);
    char who[64];
    snprintf(who, sizeof who, "initial individual %lld is not valid:", (long long)k + 1);
    return check_genes(e, s, who);
}

static tg_status check_genes(eng *e, size_t s, const char *who)
{
    int n = e->n;
    if (e->c->encoding == TG_GA_REAL) {
        const double *x = gx(e, s);
        for (int k = 0; k < n; k++)
            if (!(x[k] >= e->c->lo[k] && x[k] <= e->c->hi[k]))
                return tg_msg(e->msg, TG_ERR_ARG, "ga.solve: %s gene %d out of its bounds", who, k + 1);
    } else if (e->c->encoding == TG_GA_PERMUTATION) {
        const int32_t *g = gi(e, s);
        memset(e->work, 0, sizeof *e->work * (size_t)n);
        for (int k = 0; k < n; k++) {
            if (g[k] < 0 || g[k] >= n || e->work[g[k]])
                return tg_msg(e->msg, TG_ERR_ARG, "ga.solve: %s no permutation (gene %d)", who, k + 1);
            e->work[g[k]] = 1;
        }
    } else {
        const int32_t *g = gi(e, s);
        for (int k = 0; k < n; k++)
            if (g[k] < ilo(e, k) || g[k] > ihi(e, k))
                return tg_msg(e->msg, TG_ERR_ARG, "ga.solve: %s gene %d out of its bounds", who, k + 1);
    }
    return TG_OK;
}

static void note_best(eng *e, size_t s)
{
    if (e->m == 1 && (!e->have_best || better(e, s, e->best))) {
        copy_slot(e, e->best, s);
        e->have_best = true;
        e->evals_at_best = e->evals;
    }
}

static tg_status evaluate(eng *e, size_t s)
{
    const tg_ga_config *c = e->c;
    tg_status st;
    if (c->repair) {
        if ((st = c->repair(c->ud, gi(e, s), gx(e, s), e->msg)) != TG_OK) return st;
        if ((st = check_genes(e, s, "repair left")) != TG_OK) return st;
    }
    double *o = e->O + s * (size_t)e->m;
    for (int k = 0; k < e->m; k++) o[k] = 0;
    e->V[s] = 0;
    if ((st = c->eval(c->ud, gi(e, s), gx(e, s), o, &e->V[s], e->msg)) != TG_OK) return st;
    e->evals++;
    for (int k = 0; k < e->m; k++) {
        if (!isfinite(o[k])) return tg_msg(e->msg, TG_ERR_NUMERIC, "ga.solve: objective %d is not finite", k + 1);
        if (c->minimize) o[k] = -o[k];
    }
    if (!(e->V[s] >= 0) || !isfinite(e->V[s]))
        return tg_msg(e->msg, TG_ERR_NUMERIC, "ga.solve: violation must be finite and >= 0");
    e->Q[s] = o[0] - c->penalty * e->V[s];
    note_best(e, s);
    return TG_OK;
}

/* The memetic step on slot s (evaluated), leaving `reserve` evaluations
 * of the budget for the rest of the generation. */
static tg_status improve(eng *e, size_t s, int64_t reserve)
{
    const tg_ga_config *c = e->c;
    if (!c->improve) return TG_OK;
    int64_t budget = c->max_evals > 0 ? c->max_evals - e->evals - reserve : INT64_MAX, spent = 0;
    if (budget <= 0) return TG_OK;
    double *o = e->O + s * (size_t)e->m;
    double obj = c->minimize ? -o[0] : o[0], viol = e->V[s];
    tg_status st = c->improve(c->ud, gi(e, s), gx(e, s), &obj, &viol, budget, &spent, e->msg);
    if (st != TG_OK) return st;
    if (spent < 0 || spent > budget)
        return tg_msg(e->msg, TG_ERR_ARG, "ga.solve: improve spent %lld evaluations of a budget of %lld",
                      (long long)spent, (long long)budget);
    if ((st = check_genes(e, s, "improve left")) != TG_OK) return st;
    if (!isfinite(obj) || !(viol >= 0) || !isfinite(viol))
        return tg_msg(e->msg, TG_ERR_NUMERIC, "ga.solve: improve left a non-finite objective or violation");
    e->evals += spent;
    o[0] = c->minimize ? -obj : obj;
    e->V[s] = viol;
    e->Q[s] = o[0] - c->penalty * viol;
    note_best(e, s);
    return TG_OK;
}

/* ---- variation ---------------------------------------------------------- */

static void swap_i(int32_t *a, int32_t *b, int k)
{
    int32_t t = a[k];
    a[k] = b[k];
    b[k] = t;
}

static void swap_d(double *a, double *b, int k)
{
    double t = a[k];
    a[k] = b[k];
    b[k] = t;
}

/* Children c1, c2 of parents p1, p2 (slots). */
static void crossover(eng *e, size_t p1, size_t p2, size_t c1, size_t c2)
{
    const tg_ga_config *c = e->c;
    int n = e->n;
    copy_slot(e, c1, p1);
    copy_slot(e, c2, p2);
    if (c->crossover == TG_GA_CX_NONE || tg_rng_uniform(&e->r) >= c->crossover_rate) return;
    int32_t *a = gi(e, c1), *b = gi(e, c2);
    double *x = gx(e, c1), *y = gx(e, c2);
    int lo = 0, hi = 0;
    switch (c->crossover) {
    case TG_GA_CX_ONE_POINT:
    case TG_GA_CX_TWO_POINT:
        if (n < 2) return;
        /* Cut points in 1 .. n-1; genes [lo, hi) are exchanged. */
        lo = 1 + (int)tg_rng_below(&e->r, (uint64_t)n - 1);
        hi = n;
        if (c->crossover == TG_GA_CX_TWO_POINT) {
            int t = 1 + (int)tg_rng_below(&e->r, (uint64_t)n - 1);
            if (t < lo) { hi = lo; lo = t; } else hi = t;
        }
        for (int k = lo; k < hi; k++) {
            if (a) swap_i(a, b, k);
            else swap_d(x, y, k);
        }
        break;
    case TG_GA_CX_UNIFORM:
        for (int k = 0; k < n; k++)
            if (tg_rng_u64(&e->r) & 1) {
                if (a) swap_i(a, b, k);
                else swap_d(x, y, k);
            }
        break;
    case TG_GA_CX_SBX:
        tg_ga_sbx(&e->r, gx(e, p1), gx(e, p2), x, y, n, c->lo, c->hi, c->sbx_eta);
        break;
    case TG_GA_CX_PMX:
        tg_ga_pmx(&e->r, gi(e, p1), gi(e, p2), a, b, n, e->work);
        break;
    case TG_GA_CX_ORDER:
        tg_ga_order_crossover(&e->r, gi(e, p1), gi(e, p2), a, b, n, e->work);
        break;
    case TG_GA_CX_NONE:
        break;
    }
}

static void mutate(eng *e, size_t s)
{
    const tg_ga_config *c = e->c;
    int n = e->n;
    int32_t *g = gi(e, s);
    double *x = gx(e, s), rate = c->mutation_rate;
    switch (c->mutation) {
    case TG_GA_MUT_BITFLIP:
        for (int k = 0; k < n; k++)
            if (tg_rng_uniform(&e->r) < rate) g[k] ^= 1;
        break;
    case TG_GA_MUT_UNIFORM:
        for (int k = 0; k < n; k++)
            if (tg_rng_uniform(&e->r) < rate)
                g[k] = ilo(e, k) + (int32_t)tg_rng_below(&e->r, (uint64_t)((int64_t)ihi(e, k) - ilo(e, k)) + 1);
        break;
    case TG_GA_MUT_GAUSSIAN:
        for (int k = 0; k < n; k++)
            if (tg_rng_uniform(&e->r) < rate) {
                double v = x[k] + c->sigma * (c->hi[k] - c->lo[k]) * tg_rng_normal(&e->r);
                x[k] = v < c->lo[k] ? c->lo[k] : v > c->hi[k] ? c->hi[k] : v;
            }
        break;
    case TG_GA_MUT_POLYNOMIAL:
        tg_ga_polynomial_mutation(&e->r, x, n, c->lo, c->hi, c->pm_eta, rate);
        break;
    case TG_GA_MUT_SWAP:
        if (n < 2) break;
        for (int k = 0; k < n; k++)
            if (tg_rng_uniform(&e->r) < rate) {
                int j = (int)tg_rng_below(&e->r, (uint64_t)n - 1);
                if (j >= k) j++;
                if (g) swap_i(g + k, g + j, 0);
                else swap_d(x + k, x + j, 0);
            }
        break;
    case TG_GA_MUT_NONE:
        break;
    }
}

/* ---- logging ------------------------------------------------------------ */

static tg_status log_gen(eng *e, tg_ga_sol *sol, const int32_t *idx, int cnt, int64_t gen, bool *stop)
{
    /* idx: every individual, best first (one objective) or any order. */
    double sign = e->c->minimize ? -1 : 1, sum = 0;
    tg_ga_gen_stats st = {gen, e->evals, 0, 0, 0, 0, 0};
    double bi = -INFINITY, wi = INFINITY;
    for (int t = 0; t < cnt; t++) {
        size_t s = (size_t)idx[t];
        double o = e->O[s * (size_t)e->m];
        sum += o;
        if (e->V[s] == 0) st.feasible++;
        if (e->m > 1) {
            if (e->rank[s] == 0) st.front++;
            if (o > bi) bi = o;
            if (o < wi) wi = o;
        }
    }
    if (e->m == 1) {
        bi = e->O[(size_t)idx[0] * (size_t)e->m];
        wi = e->O[(size_t)idx[cnt - 1] * (size_t)e->m];
    }
    st.best = sign * bi;
    st.worst = sign * wi;
    st.mean = sign * sum / cnt;
    if (tg_grow((void **)&sol->log, &sol->caplog, sol->nlog + 1, sizeof *sol->log) != TG_OK)
        return tg_msg(e->msg, TG_ERR_NOMEM, "ga.solve: out of memory");
    sol->log[sol->nlog++] = st;
    if (e->c->log) {
        int rc = e->c->log(e->c->ud, &st, e->msg);
        if (rc < 0) return (tg_status)rc;
        if (rc > 0) *stop = true;
    }
    return TG_OK;
}

/* ---- one objective: generational GA on islands ---------------------------- */

/* Mating pool of M parents from the island's population cur (sorted best first). */
static void mating_pool(eng *e, const int32_t *cur, int M)
{
    const tg_ga_config *c = e->c;
    int P = e->P;
    if (c->selection == TG_GA_TOURNAMENT) {
        for (int j = 0; j < M; j++) {
            int b = (int)tg_rng_below(&e->r, (uint64_t)P);
            for (int t = 1; t < c->tournament; t++) {
                int x = (int)tg_rng_below(&e->r, (uint64_t)P);
                if (better(e, (size_t)cur[x], (size_t)cur[b])) b = x;
            }
            e->pool[j] = b;
        }
    } else {
        double *w = e->w;
        if (c->selection == TG_GA_RANK) {
            tg_ga_rank_weights(P, c->rank_pressure, w);
        } else {
            /* Deb (2000): infeasible ones score below the worst feasible. */
            double worst_feas = INFINITY, mn = INFINITY, sum = 0;
            for (int p = 0; p < P; p++)
                if (e->V[cur[p]] == 0 && e->O[(size_t)cur[p] * (size_t)e->m] < worst_feas)
                    worst_feas = e->O[(size_t)cur[p] * (size_t)e->m];
            if (worst_feas == INFINITY) worst_feas = 0;
            for (int p = 0; p < P; p++) {
                size_t s = (size_t)cur[p];
                if (c->constraints == TG_GA_PENALTY) w[p] = e->Q[s];
                else w[p] = e->V[s] == 0 ? e->O[s * (size_t)e->m] : worst_feas - e->V[s];
                if (w[p] < mn) mn = w[p];
            }
            /* Windowing: weight = score - lowest score. */
            for (int p = 0; p < P; p++) sum += (w[p] -= mn);
            if (!(sum > 0))
                for (int p = 0; p < P; p++) w[p] = 1;
        }
        if (c->selection == TG_GA_SUS) {
            tg_ga_select_sus(&e->r, w, P, M, e->pool);
            for (int j = M - 1; j > 0; j--) {   /* pair at random */
                int i = (int)tg_rng_below(&e->r, (uint64_t)j + 1);
                int32_t t = e->pool[j];
                e->pool[j] = e->pool[i];
                e->pool[i] = t;
            }
        } else tg_ga_select_roulette(&e->r, w, P, M, e->pool);
    }
}

static tg_status run_single(eng *e, tg_ga_sol *sol)
{
    const tg_ga_config *c = e->c;
    int P = e->P, I = e->I, E = c->elite;
    tg_status st = TG_OK;
    /* Island i owns slots [2 P i, 2 P (i + 1)); cur lists its population. */
    int32_t *cur = e->tmp + e->nslots;          /* I x P */
    int32_t *next = cur + (size_t)I * P;        /* P */
    unsigned char *used = (unsigned char *)(next + P);   /* 2 P */
    int32_t *all = (int32_t *)(used + 2 * (size_t)P + 8 - (2 * (size_t)P) % 8);   /* I x P */
    size_t mig = (size_t)2 * P * I;             /* migrant buffer slots */
    for (int i = 0; i < I; i++)
        for (int p = 0; p < P; p++) {
            size_t s = (size_t)2 * P * i + p;
            cur[i * P + p] = (int32_t)s;
            if ((st = start_genes(e, s, i, p)) != TG_OK || (st = evaluate(e, s)) != TG_OK) return st;
        }
    tg_progress bar;
    tg_progress_start(&bar, "ga", c->generations);
    bool stop = false;
    int64_t gen = 0;
    for (;; gen++) {
        for (int i = 0; i < I; i++) sort_slots(e, cur + i * P, P, better);
        memcpy(all, cur, sizeof *all * (size_t)I * P);
        sort_slots(e, all, I * P, better);
        if ((st = log_gen(e, sol, all, I * P, gen, &stop)) != TG_OK) break;
        int64_t need = (int64_t)I * (P - E);
        if (stop || gen >= c->generations || (c->max_evals > 0 && e->evals + need > c->max_evals)) break;
        for (int i = 0; i < I && st == TG_OK; i++) {
            int32_t *pc = cur + i * P;
            size_t base = (size_t)2 * P * i;
            memset(used, 0, 2 * (size_t)P);
            for (int p = 0; p < P; p++) used[(size_t)pc[p] - base] = 1;
            for (int p = 0; p < E; p++) next[p] = pc[p];
            int M = (P - E + 1) / 2 * 2, f = 0, filled = E;
            mating_pool(e, pc, M);
            for (int j = 0; filled < P && st == TG_OK; j += 2) {
                size_t s1, s2;
                while (used[f]) f++;
                s1 = base + (size_t)f;
                used[f] = 1;
                bool two = filled + 1 < P;
                if (two) {
                    while (used[f]) f++;
                    s2 = base + (size_t)f;
                    used[f] = 1;
                } else s2 = e->scratch;
                crossover(e, (size_t)pc[e->pool[j]], (size_t)pc[e->pool[j + 1]], s1, s2);
                mutate(e, s1);
                if ((st = evaluate(e, s1)) != TG_OK || (st = improve(e, s1, need)) != TG_OK) break;
                next[filled++] = (int32_t)s1;
                if (two) {
                    mutate(e, s2);
                    if ((st = evaluate(e, s2)) != TG_OK || (st = improve(e, s2, need)) != TG_OK) break;
                    next[filled++] = (int32_t)s2;
                }
            }
            memcpy(pc, next, sizeof *pc * (size_t)P);
        }
        if (st != TG_OK) break;
        /* Ring migration: island i's best m replace island i+1's worst m. */
        if (I > 1 && c->migrants > 0 && (gen + 1) % c->migration_interval == 0) {
            int m = c->migrants;
            for (int i = 0; i < I; i++) {
                sort_slots(e, cur + i * P, P, better);
                for (int t = 0; t < m; t++) copy_slot(e, mig + (size_t)i * m + t, (size_t)cur[i * P + t]);
            }
            for (int i = 0; i < I; i++) {
                int to = (i + 1) % I;
                for (int t = 0; t < m; t++)
                    copy_slot(e, (size_t)cur[to * P + P - 1 - t], mig + (size_t)i * m + t);
            }
        }
        tg_progress_update(&bar, gen + 1);
    }
    tg_progress_finish(&bar);
    sol->generations = gen;
    return st;
}

/* ---- several objectives: NSGA-II ------------------------------------------ */

/* Rank and crowd the N slots idx[] by constrained domination: feasible
 * ones by Pareto fronts, then the infeasible in fronts of equal violation. */
static tg_status rank_and_crowd(eng *e, const int32_t *idx, int N, double *ob, int32_t *rk, int32_t *fr, double *dist)
{
    int m = e->m, nf = 0;
    tg_status st;
    for (int t = 0; t < N; t++)
        if (e->V[idx[t]] == 0) {
            for (int k = 0; k < m; k++) ob[(size_t)nf * m + k] = -e->O[(size_t)idx[t] * m + k];
            fr[nf++] = idx[t];
        }
    if ((st = tg_ga_pareto_ranks(ob, nf, m, rk, e->msg)) != TG_OK) return st;
    int top = 0;
    for (int t = 0; t < nf; t++) {
        e->rank[fr[t]] = rk[t];
        if (rk[t] + 1 > top) top = rk[t] + 1;
    }
    /* Infeasible: sort by violation, equal violations share a front. */
    int ni = 0;
    for (int t = 0; t < N; t++)
        if (e->V[idx[t]] != 0) fr[ni++] = idx[t];
    for (int a = 1; a < ni; a++) {        /* insertion sort: few in practice */
        int32_t v = fr[a];
        int b = a - 1;
        while (b >= 0 && e->V[fr[b]] > e->V[v]) { fr[b + 1] = fr[b]; b--; }
        fr[b + 1] = v;
    }
    for (int t = 0, level = top - 1; t < ni; t++) {
        if (t == 0 || e->V[fr[t]] != e->V[fr[t - 1]]) level++;
        e->rank[fr[t]] = level;
    }
    /* Crowding per front: gather each front's members. */
    int maxr = 0;
    for (int t = 0; t < N; t++)
        if (e->rank[idx[t]] > maxr) maxr = e->rank[idx[t]];
    for (int r = 0; r <= maxr; r++) {
        int cnt = 0;
        for (int t = 0; t < N; t++)
            if (e->rank[idx[t]] == r) fr[cnt++] = idx[t];
        if (cnt == 0) continue;
        if ((st = tg_ga_crowding(e->O, m, fr, cnt, dist, e->msg)) != TG_OK) return st;
        for (int t = 0; t < cnt; t++) e->crowd[fr[t]] = dist[t];
    }
    return TG_OK;
}

static tg_status run_nsga2(eng *e, tg_ga_sol *sol, double *ob, int32_t *rk, int32_t *fr, double *dist)
{
    const tg_ga_config *c = e->c;
    int P = e->P;
    tg_status st = TG_OK;
    int32_t *pop = e->tmp + e->nslots, *merged = pop + P;   /* P, 2 P */
    unsigned char *used = (unsigned char *)(merged + 2 * P);
    for (int p = 0; p < P; p++) {
        pop[p] = p;
        if ((st = start_genes(e, (size_t)p, 0, p)) != TG_OK || (st = evaluate(e, (size_t)p)) != TG_OK) return st;
    }
    if ((st = rank_and_crowd(e, pop, P, ob, rk, fr, dist)) != TG_OK) return st;
    tg_progress bar;
    tg_progress_start(&bar, "nsga2", c->generations);
    bool stop = false;
    int64_t gen = 0;
    for (;; gen++) {
        if ((st = log_gen(e, sol, pop, P, gen, &stop)) != TG_OK) break;
        if (stop || gen >= c->generations || (c->max_evals > 0 && e->evals + P > c->max_evals)) break;
        memset(used, 0, 2 * (size_t)P);
        for (int p = 0; p < P; p++) used[pop[p]] = 1;
        int f = 0, nm = 0;
        for (int p = 0; p < P; p++) merged[nm++] = pop[p];
        for (int j = 0; j < P && st == TG_OK; j += 2) {
            size_t par[2];
            for (int h = 0; h < 2; h++) {   /* crowded binary tournament */
                size_t a = (size_t)pop[tg_rng_below(&e->r, (uint64_t)P)], b = (size_t)pop[tg_rng_below(&e->r, (uint64_t)P)];
                par[h] = crowded_better(e, b, a) ? b : a;
            }
            size_t s[2];
            for (int h = 0; h < 2; h++) {
                while (used[f]) f++;
                used[f] = 1;
                s[h] = (size_t)f;
            }
            crossover(e, par[0], par[1], s[0], s[1]);
            for (int h = 0; h < 2 && st == TG_OK; h++) {
                mutate(e, s[h]);
                if ((st = evaluate(e, s[h])) == TG_OK) merged[nm++] = (int32_t)s[h];
            }
        }
        if (st != TG_OK) break;
        if ((st = rank_and_crowd(e, merged, nm, ob, rk, fr, dist)) != TG_OK) break;
        sort_slots(e, merged, nm, crowded_better);
        memcpy(pop, merged, sizeof *pop * (size_t)P);
        tg_progress_update(&bar, gen + 1);
    }
    tg_progress_finish(&bar);
    sol->generations = gen;
    return st;
}

/* ---- public ------------------------------------------------------------- */

void tg_ga_config_default(tg_ga_config *c, tg_ga_encoding encoding, int n)
{
    memset(c, 0, sizeof *c);
    c->encoding = encoding;
    c->n = n;
    c->nobj = 1;
    c->pop = 100;
    c->generations = 100;
    c->selection = TG_GA_TOURNAMENT;
    c->tournament = 2;
    c->rank_pressure = 1.8;
    c->crossover_rate = 0.9;
    c->sbx_eta = 15;
    c->pm_eta = 20;
    c->sigma = 0.1;
    c->mutation_rate = n > 0 ? 1.0 / n : 0.1;
    c->elite = 1;
    c->islands = 1;
    c->migration_interval = 10;
    c->migrants = 1;
    c->seed = 1;
    c->penalty = 1e3;
    switch (encoding) {
    case TG_GA_BINARY: c->crossover = TG_GA_CX_UNIFORM; c->mutation = TG_GA_MUT_BITFLIP; break;
    case TG_GA_INTEGER: c->crossover = TG_GA_CX_UNIFORM; c->mutation = TG_GA_MUT_UNIFORM; break;
    case TG_GA_REAL: c->crossover = TG_GA_CX_SBX; c->mutation = TG_GA_MUT_POLYNOMIAL; break;
    case TG_GA_PERMUTATION: c->crossover = TG_GA_CX_ORDER; c->mutation = TG_GA_MUT_SWAP; break;
    }
}

static tg_status check_config(const tg_ga_config *c, char *msg)
{
#define BAD(...) return tg_msg(msg, TG_ERR_ARG, "ga.solve: " __VA_ARGS__)
    if (!c->eval) BAD("no fitness function");
    if (c->encoding < TG_GA_BINARY || c->encoding > TG_GA_PERMUTATION) BAD("unknown encoding");
    if (c->n < 1 || c->n > (1 << 24)) BAD("n = %d genes (need 1 .. 2^24)", c->n);
    if (c->encoding == TG_GA_PERMUTATION && c->n < 2) BAD("a permutation needs n >= 2");
    if (c->nobj < 1 || c->nobj > 64) BAD("nobj = %d (need 1 .. 64)", c->nobj);
    if (c->pop < 4 || c->pop > (1 << 22)) BAD("pop = %d (need >= 4)", c->pop);
    if (c->nobj > 1 && c->pop % 2) BAD("NSGA-II needs an even population");
    if (c->generations < 0 || c->max_evals < 0) BAD("generations and max_evals must be >= 0");
    if ((int64_t)c->pop * c->islands > (1 << 22)) BAD("pop x islands = %lld (at most 2^22)", (long long)c->pop * c->islands);
    if (c->max_evals > 0 && c->max_evals < (int64_t)c->pop * c->islands)
        BAD("max_evals = %lld is less than the initial population", (long long)c->max_evals);
    if (c->selection < TG_GA_TOURNAMENT || c->selection > TG_GA_SUS) BAD("unknown selection");
    if (c->tournament < 2) BAD("tournament size %d (need >= 2)", c->tournament);
    if (!(c->rank_pressure >= 1 && c->rank_pressure <= 2)) BAD("rank pressure must be in [1, 2]");
    if (!(c->crossover_rate >= 0 && c->crossover_rate <= 1) || !(c->mutation_rate >= 0 && c->mutation_rate <= 1))
        BAD("rates must be in [0, 1]");
    if (!(c->sbx_eta > 0) || !(c->pm_eta > 0) || !(c->sigma > 0)) BAD("sbx_eta, pm_eta and sigma must be > 0");
    if (c->elite < 0 || c->elite >= c->pop) BAD("elite = %d (need 0 <= elite < pop)", c->elite);
    if (c->constraints != TG_GA_DEB && c->constraints != TG_GA_PENALTY) BAD("unknown constraint handling");
    if (!(c->penalty >= 0) || !isfinite(c->penalty)) BAD("penalty must be finite and >= 0");
    if (c->islands < 1 || c->islands > 4096) BAD("islands = %d (need >= 1)", c->islands);
    if (c->islands > 1 && c->nobj > 1) BAD("islands are for one objective only");
    if (c->improve && c->nobj > 1) BAD("improve is for one objective only");
    if (c->migration_interval < 1 || c->migrants < 0 || c->migrants >= c->pop) BAD("migration: interval >= 1, 0 <= migrants < pop");
    bool real = c->encoding == TG_GA_REAL, perm = c->encoding == TG_GA_PERMUTATION;
    if (c->ninit < 0 || c->ninit > c->pop * c->islands || (c->ninit > 0 && (real ? !c->init_real : !c->init_int)))
        BAD("ninit = %d initial individuals (need 0 .. pop x islands, with init_%s)", c->ninit, real ? "real" : "int");
    switch (c->crossover) {
    case TG_GA_CX_NONE: break;
    case TG_GA_CX_ONE_POINT:
    case TG_GA_CX_TWO_POINT:
    case TG_GA_CX_UNIFORM: if (perm) BAD("this crossover breaks permutations (use PMX or order)"); break;
    case TG_GA_CX_SBX: if (!real) BAD("SBX is for real encoding"); break;
    case TG_GA_CX_PMX:
    case TG_GA_CX_ORDER: if (!perm) BAD("PMX and order crossover are for permutations"); break;
    default: BAD("unknown crossover");
    }
    switch (c->mutation) {
    case TG_GA_MUT_NONE: break;
    case TG_GA_MUT_BITFLIP: if (c->encoding != TG_GA_BINARY) BAD("bit-flip is for binary encoding"); break;
    case TG_GA_MUT_UNIFORM: if (real || perm) BAD("uniform mutation is for binary and integer encodings"); break;
    case TG_GA_MUT_GAUSSIAN:
    case TG_GA_MUT_POLYNOMIAL: if (!real) BAD("Gaussian and polynomial mutation are for real encoding"); break;
    case TG_GA_MUT_SWAP: break;
    default: BAD("unknown mutation");
    }
    if (c->encoding == TG_GA_INTEGER) {
        if (!c->ilo || !c->ihi) BAD("integer encoding needs bounds ilo, ihi");
        for (int k = 0; k < c->n; k++)
            if (c->ilo[k] > c->ihi[k]) BAD("gene %d: lower bound > upper bound", k);
    }
    if (real) {
        if (!c->lo || !c->hi) BAD("real encoding needs bounds lo, hi");
        for (int k = 0; k < c->n; k++)
            if (!(c->lo[k] < c->hi[k]) || !isfinite(c->lo[k]) || !isfinite(c->hi[k]))
                BAD("gene %d: need finite bounds lo < hi", k);
    }
#undef BAD
    return TG_OK;
}

#define FREE_ALL                                                                                                     \
    do {                                                                                                             \
        tg_free(e.G);                                                                                                \
        tg_free(e.X);                                                                                                \
        tg_free(e.O);                                                                                                \
        tg_free(e.V);                                                                                                \
        tg_free(e.Q);                                                                                                \
        tg_free(e.rank);                                                                                             \
        tg_free(e.crowd);                                                                                            \
        tg_free(e.work);                                                                                             \
        tg_free(e.tmp);                                                                                              \
        tg_free(e.w);                                                                                                \
        tg_free(e.pool);                                                                                             \
        tg_free(ob);                                                                                                 \
        tg_free(rk);                                                                                                 \
        tg_free(fr);                                                                                                 \
        tg_free(dist);                                                                                               \
        tg_ga_sol_free(&sol);                                                                                        \
    } while (0)

tg_status tg_ga_solve(const tg_ga_config *c, tg_ga_sol **out, char *msg)
{
    tg_msg_clear(msg);
    if (out) *out = NULL;
    if (!c || !out) return tg_msg(msg, TG_ERR_ARG, "ga.solve: config and result must not be NULL");
    tg_status st = check_config(c, msg);
    if (st != TG_OK) return st;
    eng e = {0};
    double *ob = NULL, *dist = NULL;
    int32_t *rk = NULL, *fr = NULL;
    tg_ga_sol *sol = NULL;
    e.c = c;
    e.msg = msg;
    e.n = c->n;
    e.m = c->nobj;
    e.P = c->pop;
    e.I = c->islands;
    size_t n = (size_t)c->n, m = (size_t)c->nobj, P = (size_t)c->pop, I = (size_t)c->islands;
    bool real = c->encoding == TG_GA_REAL;
    /* Slots: 2 P per island, I x migrants buffer, scratch child, best. */
    e.nslots = 2 * P * I + I * (size_t)c->migrants + 2;
    e.scratch = e.nslots - 2;
    e.best = e.nslots - 1;
    size_t N = e.nslots;
    sol = tg_calloc(1, sizeof *sol);
    if (real) e.X = tg_malloc(sizeof *e.X * N * n);
    else e.G = tg_malloc(sizeof *e.G * N * n);
    e.O = tg_malloc(sizeof *e.O * N * m);
    e.V = tg_calloc(N, sizeof *e.V);
    e.Q = tg_calloc(N, sizeof *e.Q);
    e.rank = tg_calloc(N, sizeof *e.rank);
    e.crowd = tg_calloc(N, sizeof *e.crowd);
    e.work = tg_malloc(sizeof *e.work * 2 * n);
    /* tmp: sort scratch (N) + population lists and marks (see the runners). */
    e.tmp = tg_malloc(sizeof *e.tmp * (N + 3 * I * P + P + 2 * P + 16));
    e.w = tg_malloc(sizeof *e.w * P);
    e.pool = tg_malloc(sizeof *e.pool * (2 * P + 2));
    if (m > 1) {
        ob = tg_malloc(sizeof *ob * 2 * P * m);
        rk = tg_malloc(sizeof *rk * 2 * P);
        fr = tg_malloc(sizeof *fr * 2 * P);
        dist = tg_malloc(sizeof *dist * 2 * P);
    }
    if (!sol || (real ? !e.X : !e.G) || !e.O || !e.V || !e.Q || !e.rank || !e.crowd || !e.work || !e.tmp || !e.w ||
        !e.pool || (m > 1 && (!ob || !rk || !fr || !dist))) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "ga.solve: out of memory");
    }
    sol->n = c->n;
    sol->nobj = c->nobj;
    sol->real = real;
    tg_rng_seed(&e.r, c->seed);
    st = m > 1 ? run_nsga2(&e, sol, ob, rk, fr, dist) : run_single(&e, sol);
    if (st != TG_OK) {
        FREE_ALL;
        return st;
    }
    /* The result: the best ever, or the final first front (distinct objective vectors). */
    int32_t *keep = fr;
    int cnt = 0;
    if (m == 1) {
        cnt = 1;
    } else {
        int32_t *pop = e.tmp + e.nslots;
        for (size_t p = 0; p < P; p++) {
            if (e.rank[pop[p]] != 0) continue;
            bool dup = false;
            for (int t = 0; t < cnt && !dup; t++)
                dup = memcmp(e.O + (size_t)keep[t] * m, e.O + (size_t)pop[p] * m, sizeof *e.O * m) == 0;
            if (!dup) keep[cnt++] = pop[p];
        }
    }
    if (real) sol->x = tg_malloc(sizeof *sol->x * (size_t)cnt * n);
    else sol->g = tg_malloc(sizeof *sol->g * (size_t)cnt * n);
    sol->obj = tg_malloc(sizeof *sol->obj * (size_t)cnt * m);
    sol->viol = tg_malloc(sizeof *sol->viol * (size_t)cnt);
    if ((real ? !sol->x : !sol->g) || !sol->obj || !sol->viol) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "ga.solve: out of memory");
    }
    for (int t = 0; t < cnt; t++) {
        size_t s = m == 1 ? e.best : (size_t)keep[t];
        if (real) memcpy(sol->x + (size_t)t * n, gx(&e, s), sizeof *sol->x * n);
        else memcpy(sol->g + (size_t)t * n, gi(&e, s), sizeof *sol->g * n);
        for (size_t k = 0; k < m; k++) sol->obj[(size_t)t * m + k] = (c->minimize ? -1 : 1) * e.O[s * m + k];
        sol->viol[t] = e.V[s];
    }
    sol->count = cnt;
    sol->evals = e.evals;
    sol->evals_at_best = e.evals_at_best;
    *out = sol;
    sol = NULL;
    FREE_ALL;
    return TG_OK;
}
#undef FREE_ALL

void tg_ga_sol_free(tg_ga_sol **s)
{
    if (!s || !*s) return;
    tg_free((*s)->g);
    tg_free((*s)->x);
    tg_free((*s)->obj);
    tg_free((*s)->viol);
    tg_free((*s)->log);
    tg_free(*s);
    *s = NULL;
}

int tg_ga_sol_count(const tg_ga_sol *s) { return s ? s->count : 0; }

const int32_t *tg_ga_sol_int_genes(const tg_ga_sol *s, int i)
{
    return s && s->g && i >= 0 && i < s->count ? s->g + (size_t)i * (size_t)s->n : NULL;
}

const double *tg_ga_sol_real_genes(const tg_ga_sol *s, int i)
{
    return s && s->x && i >= 0 && i < s->count ? s->x + (size_t)i * (size_t)s->n : NULL;
}

const double *tg_ga_sol_objectives(const tg_ga_sol *s, int i)
{
    return s && i >= 0 && i < s->count ? s->obj + (size_t)i * (size_t)s->nobj : NULL;
}

double tg_ga_sol_violation(const tg_ga_sol *s, int i) { return s && i >= 0 && i < s->count ? s->viol[i] : NAN; }
int64_t tg_ga_sol_evals(const tg_ga_sol *s) { return s ? s->evals : 0; }
int64_t tg_ga_sol_generations(const tg_ga_sol *s) { return s ? s->generations : 0; }
int64_t tg_ga_sol_evals_at_best(const tg_ga_sol *s) { return s ? s->evals_at_best : 0; }

const tg_ga_gen_stats *tg_ga_sol_log(const tg_ga_sol *s, int64_t *n)
{
    if (n) *n = s ? (int64_t)s->nlog : 0;
    return s ? s->log : NULL;
}

tg_status tg_ga_sol_write_log(const tg_ga_sol *s, const char *path, char *msg)
{
    tg_msg_clear(msg);
    if (!s || !path) return tg_msg(msg, TG_ERR_ARG, "ga.write_log: NULL argument");
    FILE *f = fopen(path, "w");
    if (!f) return tg_msg(msg, TG_ERR_IO, "ga.write_log: cannot open %s for writing", path);
    fprintf(f, "generation,evals,best,mean,worst,feasible,front\n");
    for (size_t i = 0; i < s->nlog; i++) {
        const tg_ga_gen_stats *l = &s->log[i];
        fprintf(f, "%lld,%lld,%.17g,%.17g,%.17g,%lld,%lld\n", (long long)l->generation, (long long)l->evals, l->best,
                l->mean, l->worst, (long long)l->feasible, (long long)l->front);
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) return tg_msg(msg, TG_ERR_IO, "ga.write_log: error writing %s", path);
    return TG_OK;
}
