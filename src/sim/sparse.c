/* sparse.c: triplet lists and the two direct solvers of src/sim.
 *
 * KLU (Davis & Palamadai Natarajan 2010) for unsymmetric systems: the
 * plant's Jacobians once machines make a row depend on an upstream
 * pressure, and the energy balances (upwind convection is unsymmetric).
 * CHOLMOD for symmetric positive definite ones (passive pressure networks,
 * susceptance matrices).  SuiteSparse allocates with its own malloc, not
 * tg_malloc: its objects (a solver's factor and pattern kept across Newton
 * iterations until tg_sim_i_solver_free, a grid's B and L kept until
 * tg_sim_grid_free) are outside the library's allocator and its OOM tests. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

int tg_sim_i_uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];    /* path halving */
        x = parent[x];
    }
    return x;
}

tg_status tg_sim_i_trip_add(tg_sim_i_trip *t, int i, int j, double x)
{
    if (t->n == t->cap) {
        int64_t nc = t->cap ? 2 * t->cap : 64;
        int *ni = tg_realloc(t->i, (size_t)nc * sizeof *ni);
        if (!ni) return TG_ERR_NOMEM;
        t->i = ni;
        int *nj = tg_realloc(t->j, (size_t)nc * sizeof *nj);
        if (!nj) return TG_ERR_NOMEM;
        t->j = nj;
        double *nx = tg_realloc(t->x, (size_t)nc * sizeof *nx);
        if (!nx) return TG_ERR_NOMEM;
        t->x = nx;
        t->cap = nc;
    }
    t->i[t->n] = i;
    t->j[t->n] = j;
    t->x[t->n] = x;
    t->n++;
    return TG_OK;
}

void tg_sim_i_trip_free(tg_sim_i_trip *t)
{
    tg_free(t->i);
    tg_free(t->j);
    tg_free(t->x);
    memset(t, 0, sizeof *t);
}

tg_status tg_sim_i_trip_csc(const tg_sim_i_trip *t, int n, int **ap, int **ai, double **ax)
{
    *ap = NULL;
    *ai = NULL;
    *ax = NULL;
    int *cnt = tg_calloc((size_t)n + 1, sizeof *cnt);
    int *p = tg_calloc((size_t)n + 1, sizeof *p);
    int *ri = tg_malloc((size_t)(t->n ? t->n : 1) * sizeof *ri);
    double *rx = tg_malloc((size_t)(t->n ? t->n : 1) * sizeof *rx);
    int *mark = tg_malloc((size_t)(n ? n : 1) * sizeof *mark);
    if (!cnt || !p || !ri || !rx || !mark) {
        tg_free(cnt);
        tg_free(p);
        tg_free(ri);
        tg_free(rx);
        tg_free(mark);
        return TG_ERR_NOMEM;
    }
    for (int64_t k = 0; k < t->n; k++) cnt[t->j[k] + 1]++;
    for (int j = 0; j < n; j++) cnt[j + 1] += cnt[j];
    memcpy(p, cnt, ((size_t)n + 1) * sizeof *p);
    for (int64_t k = 0; k < t->n; k++) {
        int q = cnt[t->j[k]]++;
        ri[q] = t->i[k];
        rx[q] = t->x[k];
    }
    /* sum duplicates column by column, compacting in place */
    for (int i = 0; i < n; i++) mark[i] = -1;
    int w = 0;
    for (int j = 0; j < n; j++) {
        int start = w;
        for (int q = p[j]; q < p[j + 1]; q++) {
            int i = ri[q];
            if (mark[i] >= start) {
                rx[mark[i]] += rx[q];
            } else {
                mark[i] = w;
                ri[w] = i;
                rx[w] = rx[q];
                w++;
            }
        }
        p[j] = start;
    }
    p[n] = w;
    tg_free(cnt);
    tg_free(mark);
    *ap = p;
    *ai = ri;
    *ax = rx;
    return TG_OK;
}

void tg_sim_i_solver_free(tg_sim_i_solver *sv)
{
    if (sv->started) {
        cholmod_free_factor(&sv->L, &sv->cc);
        cholmod_free_sparse(&sv->A, &sv->cc);
        cholmod_finish(&sv->cc);
    }
    tg_free(sv->ti);
    tg_free(sv->tj);
    tg_free(sv->pos);
    if (sv->kn) klu_free_numeric(&sv->kn, &sv->kc);
    if (sv->ks) klu_free_symbolic(&sv->ks, &sv->kc);
    tg_free(sv->ap);
    tg_free(sv->ai);
    tg_free(sv->ax);
    memset(sv, 0, sizeof *sv);
}

tg_status tg_sim_i_solver_solve(tg_sim_i_solver *sv, int sym, const tg_sim_i_trip *t, int n, double *b,
                                const char *what, char *msg)
{
    if (n == 0) return TG_OK;
    if ((sv->started || sv->ks) && (sv->sym != sym || sv->n != n)) tg_sim_i_solver_free(sv);
    sv->sym = sym;
    sv->n = n;
    if (!sym) {
        int *ap = NULL, *ai = NULL;
        double *ax = NULL;
        if (tg_sim_i_trip_csc(t, n, &ap, &ai, &ax) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what);
        int same = sv->ks && sv->ap && memcmp(ap, sv->ap, ((size_t)n + 1) * sizeof *ap) == 0 &&
                   memcmp(ai, sv->ai, (size_t)ap[n] * sizeof *ai) == 0;
        tg_free(sv->ap);
        tg_free(sv->ai);
        tg_free(sv->ax);
        sv->ap = ap;
        sv->ai = ai;
        sv->ax = ax;
        if (!same) {
            if (sv->kn) klu_free_numeric(&sv->kn, &sv->kc);
            if (sv->ks) klu_free_symbolic(&sv->ks, &sv->kc);
            klu_defaults(&sv->kc);
            sv->ks = klu_analyze(n, ap, ai, &sv->kc);
            if (!sv->ks)
                return tg_msg(msg, sv->kc.status == KLU_OUT_OF_MEMORY ? TG_ERR_NOMEM : TG_ERR_LIB,
                              "%s: KLU analysis failed (status %d)", what, sv->kc.status);
        }
        if (sv->kn) klu_free_numeric(&sv->kn, &sv->kc);
        sv->kn = klu_factor(ap, ai, ax, sv->ks, &sv->kc);
        if (!sv->kn || sv->kc.status == KLU_SINGULAR)
            return tg_msg(msg, sv->kc.status == KLU_OUT_OF_MEMORY ? TG_ERR_NOMEM : TG_ERR_NUMERIC,
                          "%s: singular system (KLU status %d)", what, sv->kc.status);
        if (!klu_solve(sv->ks, sv->kn, n, 1, b, &sv->kc))
            return tg_msg(msg, TG_ERR_NUMERIC, "%s: KLU solve failed (status %d)", what, sv->kc.status);
        return TG_OK;
    }
    if (!sv->started) {
        cholmod_start(&sv->cc);
        sv->cc.print = 0;
        sv->started = 1;
    }
    cholmod_common *cc = &sv->cc;
    tg_status s = TG_OK;
    cholmod_triplet *T = NULL;
    cholmod_dense *B = NULL, *X = NULL;
    int64_t nl = 0;
    for (int64_t k = 0; k < t->n; k++) nl += t->i[k] >= t->j[k];
    /* same pattern as last time (Newton iterations): refill the values */
    int same = sv->A && sv->tn == nl;
    for (int64_t k = 0, q = 0; same && k < t->n; k++)
        if (t->i[k] >= t->j[k]) {
            if (sv->ti[q] != t->i[k] || sv->tj[q] != t->j[k]) same = 0;
            q++;
        }
    if (same) {
        double *Ax = sv->A->x;
        memset(Ax, 0, sizeof(double) * (size_t)((int *)sv->A->p)[n]);
        for (int64_t k = 0, q = 0; k < t->n; k++)
            if (t->i[k] >= t->j[k]) Ax[sv->pos[q++]] += t->x[k];
    } else {
        cholmod_free_sparse(&sv->A, cc);
        cholmod_free_factor(&sv->L, cc);
        tg_free(sv->ti);
        tg_free(sv->tj);
        tg_free(sv->pos);
        sv->ti = tg_malloc((size_t)(nl ? nl : 1) * sizeof *sv->ti);
        sv->tj = tg_malloc((size_t)(nl ? nl : 1) * sizeof *sv->tj);
        sv->pos = tg_malloc((size_t)(nl ? nl : 1) * sizeof *sv->pos);
        sv->tn = nl;
        if (!sv->ti || !sv->tj || !sv->pos) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what); goto out; }
        T = cholmod_allocate_triplet((size_t)n, (size_t)n, (size_t)(nl ? nl : 1), -1, CHOLMOD_REAL, cc);
        if (!T) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what); goto out; }
        int *Ti = T->i, *Tj = T->j;
        double *Tx = T->x;
        size_t q = 0;
        for (int64_t k = 0; k < t->n; k++)
            if (t->i[k] >= t->j[k]) {
                sv->ti[q] = Ti[q] = t->i[k];
                sv->tj[q] = Tj[q] = t->j[k];
                Tx[q] = t->x[k];
                q++;
            }
        T->nnz = q;
        sv->A = cholmod_triplet_to_sparse(T, 0, cc);
        if (!sv->A) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what); goto out; }
        /* where each triplet entry landed (columns sorted, duplicates summed) */
        const int *Ap = sv->A->p, *Ai = sv->A->i;
        for (size_t k = 0; k < q; k++) {
            int j = sv->tj[k], i = sv->ti[k], lo = Ap[j], hi = Ap[j + 1] - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (Ai[mid] < i) lo = mid + 1;
                else hi = mid;
            }
            sv->pos[k] = lo;
        }
    }
    cholmod_sparse *A = sv->A;
    if (!sv->L) {
        sv->L = cholmod_analyze(A, cc);
        if (!sv->L) { s = tg_msg(msg, TG_ERR_LIB, "%s: CHOLMOD analysis failed (status %d)", what, cc->status); goto out; }
    }
    if (!cholmod_factorize(A, sv->L, cc) || cc->status == CHOLMOD_NOT_POSDEF) {
        s = tg_msg(msg, cc->status == CHOLMOD_OUT_OF_MEMORY ? TG_ERR_NOMEM : TG_ERR_NUMERIC,
                   "%s: matrix not positive definite (CHOLMOD status %d)", what, cc->status);
        goto out;
    }
    B = cholmod_allocate_dense((size_t)n, 1, (size_t)n, CHOLMOD_REAL, cc);
    if (!B) { s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what); goto out; }
    memcpy(B->x, b, (size_t)n * sizeof *b);
    X = cholmod_solve(CHOLMOD_A, sv->L, B, cc);
    if (!X) { s = tg_msg(msg, TG_ERR_LIB, "%s: CHOLMOD solve failed (status %d)", what, cc->status); goto out; }
    memcpy(b, X->x, (size_t)n * sizeof *b);
out:
    cholmod_free_dense(&X, cc);
    cholmod_free_dense(&B, cc);
    cholmod_free_triplet(&T, cc);
    return s;
}
