/* brain_modules.c: modularity, Louvain and consensus clustering on the
 * BCT modularity matrix.
 *
 * igraph's Louvain optimises classic modularity only; brain studies also
 * need the resolution gamma on weighted, signed (functional) matrices
 * (Rubinov & Sporns 2011), which BCT handles by running Louvain on a
 * modularity matrix B.  This file does the same: B is built once
 * (classic, negative_sym or negative_asym), then the node moves and the
 * aggregation work on B alone, as BCT's community_louvain does, so any B
 * works.  Dense: O(n^2) memory, O(n * modules) per sweep. */
#include "brain_internal.h"

#include <math.h>
#include <string.h>

/* B (n x n) of W for sign and gamma, symmetrised (B + B') / 2, scaled so
 * that Q = sum of B over same-module pairs.  Diagonal of W ignored. */
static tg_status modularity_matrix(const double *W, int64_t n, double gamma, tg_brain_signed sign,
                                   double **Bout, const char *fn, char *msg)
{
    size_t nn = TG_BRAIN_NN(n), n1 = (size_t)(n ? n : 1);
    double *B = tg_calloc(nn, sizeof *B), *r0 = tg_calloc(n1, sizeof *r0), *c0 = tg_calloc(n1, sizeof *c0);
    double *r1 = tg_calloc(n1, sizeof *r1), *c1 = tg_calloc(n1, sizeof *c1);
    tg_status s = TG_OK;
    if (!B || !r0 || !c0 || !r1 || !c1) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    double s0 = 0, s1 = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double w = i == j ? 0 : W[i * n + j];
            if (isnan(w) || isinf(w)) {
                s = tg_msg(msg, TG_ERR_NUMERIC, "%s: weight (%lld,%lld) is not finite", fn, (long long)i + 1,
                           (long long)j + 1);
                goto done;
            }
            if (w > 0) {
                r0[i] += w;
                c0[j] += w;
                s0 += w;
            } else if (w < 0) {
                if (sign == TG_BRAIN_POSITIVE) {
                    s = tg_msg(msg, TG_ERR_NUMERIC, "%s: weight (%lld,%lld) = %g is negative: use a signed "
                               "variant (negative_sym or negative_asym)", fn, (long long)i + 1, (long long)j + 1, w);
                    goto done;
                }
                r1[i] -= w;
                c1[j] -= w;
                s1 -= w;
            }
        }
    if (s0 == 0 && s1 == 0) {
        s = tg_msg(msg, TG_ERR_ARG, "%s: the matrix has no connections", fn);
        goto done;
    }
    double d0 = sign == TG_BRAIN_NEG_SYM ? s0 + s1 : s0, d1 = s0 + s1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double w = i == j ? 0 : W[i * n + j];
            double b = 0;
            if (s0 > 0) b += ((w > 0 ? w : 0) - gamma * r0[i] * c0[j] / s0) / d0;
            if (s1 > 0) b -= ((w < 0 ? -w : 0) - gamma * r1[i] * c1[j] / s1) / d1;
            B[i * n + j] = b;
        }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++) B[i * n + j] = B[j * n + i] = (B[i * n + j] + B[j * n + i]) / 2;
    *Bout = B;
    B = NULL;
done:
    tg_free(B);
    tg_free(r0);
    tg_free(c0);
    tg_free(r1);
    tg_free(c1);
    return s;
}

static tg_brain_signed sign_ok(tg_brain_signed s) { return s == TG_BRAIN_POSITIVE || s == TG_BRAIN_NEG_SYM || s == TG_BRAIN_NEG_ASYM; }

static double q_of(const double *B, int64_t n, const int64_t *m)
{
    double q = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            if (m[i] == m[j]) q += B[i * n + j];
    return q;
}

tg_status tg_graph_brain_modularity(const double *W, int64_t n, const int64_t *membership, double gamma,
                                    tg_brain_signed sign, double *q, char *msg)
{
    static const char fn[] = "brain.modularity";
    tg_msg_clear(msg);
    if (!W || n < 1 || !q || !sign_ok(sign) || isnan(gamma))
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (matrix, n, gamma, sign or output)", fn);
    int64_t nm;
    tg_status s = tg_brain_i_check_partition(membership, n, &nm, fn, msg);
    double *B = NULL;
    if (s == TG_OK && (s = modularity_matrix(W, n, gamma, sign, &B, fn, msg)) == TG_OK) *q = q_of(B, n, membership);
    tg_free(B);
    return s;
}

/* Renumber labels 0.. by first occurrence; returns the count. */
static int64_t renumber(int64_t *m, int64_t n, int64_t *map)
{
    for (int64_t i = 0; i < n; i++) map[i] = -1;
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (map[m[i]] < 0) map[m[i]] = k++;
        m[i] = map[m[i]];
    }
    return k;
}

typedef struct lv_work {
    double *Bc, *H, *B1;
    int64_t *Mb, *perm, *map;
} lv_work;

static void lv_free(lv_work *w)
{
    tg_free(w->Bc);
    tg_free(w->H);
    tg_free(w->B1);
    tg_free(w->Mb);
    tg_free(w->perm);
    tg_free(w->map);
    memset(w, 0, sizeof *w);
}

static tg_status lv_init(lv_work *w, int64_t n)
{
    memset(w, 0, sizeof *w);
    size_t nn = TG_BRAIN_NN(n), n1 = (size_t)(n ? n : 1);
    w->Bc = tg_malloc(sizeof *w->Bc * nn);
    w->H = tg_malloc(sizeof *w->H * nn);
    w->B1 = tg_malloc(sizeof *w->B1 * nn);
    w->Mb = tg_malloc(sizeof *w->Mb * n1);
    w->perm = tg_malloc(sizeof *w->perm * n1);
    w->map = tg_malloc(sizeof *w->map * n1);
    if (!w->Bc || !w->H || !w->B1 || !w->Mb || !w->perm || !w->map) {
        lv_free(w);
        return TG_ERR_NOMEM;
    }
    return TG_OK;
}

/* One run on B (n x n) into M (labels by first node); returns Q. */
static double louvain_run(const double *B, int64_t n, tg_rng *rng, lv_work *w, int64_t *M)
{
    memcpy(w->Bc, B, sizeof *B * (size_t)(n * n));
    int64_t nn = n;
    for (int64_t i = 0; i < n; i++) M[i] = i;
    double Q = 0, Q0 = -INFINITY;
    for (int64_t i = 0; i < n; i++) Q += B[i * n + i];
    while (Q - Q0 > 1e-10) {
        double *Bc = w->Bc, *H = w->H;
        int64_t *Mb = w->Mb;
        /* H(u, m) = sum of Bc(u, v) over v in module m; modules start as singletons. */
        memcpy(H, Bc, sizeof *H * (size_t)(nn * nn));
        for (int64_t u = 0; u < nn; u++) Mb[u] = u;
        for (bool moved = true; moved;) {
            moved = false;
            for (int64_t u = 0; u < nn; u++) w->perm[u] = u;
            for (int64_t u = nn - 1; u > 0; u--) {
                int64_t j = (int64_t)tg_rng_below(rng, (uint64_t)u + 1), t = w->perm[u];
                w->perm[u] = w->perm[j];
                w->perm[j] = t;
            }
            for (int64_t k = 0; k < nn; k++) {
                int64_t u = w->perm[k], ma = Mb[u], mb = -1;
                const double *Hu = H + u * nn;
                double best = -INFINITY, base = Hu[ma] - Bc[u * nn + u];
                for (int64_t m = 0; m < nn; m++) {
                    double dq = m == ma ? 0 : Hu[m] - base;
                    if (dq > best) {
                        best = dq;
                        mb = m;
                    }
                }
                if (best > 1e-10) {
                    moved = true;
                    Mb[u] = mb;
                    for (int64_t v = 0; v < nn; v++) {
                        double b = Bc[v * nn + u];
                        H[v * nn + mb] += b;
                        H[v * nn + ma] -= b;
                    }
                }
            }
        }
        /* Modules numbered in ascending label order (MATLAB unique). */
        int64_t nm = 0;
        for (int64_t m = 0; m < nn; m++) w->map[m] = -1;
        for (int64_t u = 0; u < nn; u++) w->map[Mb[u]] = 0;
        for (int64_t m = 0; m < nn; m++)
            if (w->map[m] == 0) w->map[m] = nm++;
        for (int64_t u = 0; u < nn; u++) Mb[u] = w->map[Mb[u]];
        for (int64_t i = 0; i < n; i++) M[i] = Mb[M[i]];
        double *B1 = w->B1;
        memset(B1, 0, sizeof *B1 * (size_t)(nm * nm));
        for (int64_t u = 0; u < nn; u++)
            for (int64_t v = 0; v < nn; v++) B1[Mb[u] * nm + Mb[v]] += Bc[u * nn + v];
        memcpy(Bc, B1, sizeof *B1 * (size_t)(nm * nm));
        nn = nm;
        Q0 = Q;
        Q = 0;
        for (int64_t m = 0; m < nn; m++) Q += Bc[m * nn + m];
    }
    renumber(M, n, w->map);
    return q_of(B, n, M);
}


/* ---- sparse Louvain for classic modularity ---------------------------------
 * For W >= 0 and symmetric, B_ij = (W_ij - gamma k_i k_j / s) / s, so the
 * gain of moving u from module a to b needs only u's connections to
 * modules and the modules' total strengths: O(degree) per node instead of
 * O(modules).  Same procedure as above (random order, moves while the gain
 * > 1e-10, aggregation while Q rises), except that the candidate modules
 * are those u connects to plus an empty one (BCT scans every module; a
 * module u does not connect to can only beat the empty one by having a
 * smaller total strength, which an empty module minimises). */

typedef struct sp_level {
    int64_t nn;
    int64_t *ptr, *idx;
    double *val, *self, *k;
} sp_level;

static void sp_free(sp_level *l)
{
    tg_free(l->ptr);
    tg_free(l->idx);
    tg_free(l->val);
    tg_free(l->self);
    tg_free(l->k);
    memset(l, 0, sizeof *l);
}

static tg_status sp_alloc(sp_level *l, int64_t nn, int64_t m)
{
    memset(l, 0, sizeof *l);
    l->nn = nn;
    l->ptr = tg_calloc((size_t)nn + 1, sizeof *l->ptr);
    l->idx = tg_malloc(sizeof *l->idx * (size_t)(m ? m : 1));
    l->val = tg_malloc(sizeof *l->val * (size_t)(m ? m : 1));
    l->self = tg_calloc((size_t)(nn ? nn : 1), sizeof *l->self);
    l->k = tg_calloc((size_t)(nn ? nn : 1), sizeof *l->k);
    if (!l->ptr || !l->idx || !l->val || !l->self || !l->k) {
        sp_free(l);
        return TG_ERR_NOMEM;
    }
    return TG_OK;
}

/* One run; M gets modules numbered by first node; returns Q or NAN on OOM. */
static double louvain_sparse_run(const tg_brain_csr *c, int64_t n, double gamma, double stot, tg_rng *rng, int64_t *M)
{
    sp_level L = {0}, N2 = {0};
    size_t n1 = (size_t)(n ? n : 1);
    int64_t *comm = tg_malloc(sizeof *comm * n1), *perm = tg_malloc(sizeof *perm * n1), *size = tg_malloc(sizeof *size * n1);
    int64_t *empt = tg_malloc(sizeof *empt * n1), *map = tg_malloc(sizeof *map * n1), *touched = tg_malloc(sizeof *touched * n1);
    int64_t *order = tg_malloc(sizeof *order * n1), *start = tg_malloc(sizeof *start * (n1 + 1));
    double *sig = tg_malloc(sizeof *sig * n1), *wc = tg_calloc(n1, sizeof *wc), Q = NAN;
    if (!comm || !perm || !size || !empt || !map || !touched || !order || !start || !sig || !wc ||
        sp_alloc(&L, n, c->ptr[n]) != TG_OK)
        goto done;
    memcpy(L.ptr, c->ptr, sizeof *L.ptr * (size_t)(n + 1));
    memcpy(L.idx, c->idx, sizeof *L.idx * (size_t)c->ptr[n]);
    memcpy(L.val, c->val, sizeof *L.val * (size_t)c->ptr[n]);
    for (int64_t u = 0; u < n; u++) {
        for (int64_t e = c->ptr[u]; e < c->ptr[u + 1]; e++) L.k[u] += c->val[e];
        M[u] = u;
    }
    double Qc = 0, Q0 = -INFINITY;
    for (int64_t u = 0; u < n; u++) Qc -= gamma * (L.k[u] / stot) * (L.k[u] / stot);
    while (Qc - Q0 > 1e-10) {
        int64_t nn = L.nn, nemp = 0;
        for (int64_t u = 0; u < nn; u++) {
            comm[u] = u;
            sig[u] = L.k[u];
            size[u] = 1;
        }
        for (bool moved = true; moved;) {
            moved = false;
            for (int64_t u = 0; u < nn; u++) perm[u] = u;
            for (int64_t u = nn - 1; u > 0; u--) {
                int64_t j = (int64_t)tg_rng_below(rng, (uint64_t)u + 1), t = perm[u];
                perm[u] = perm[j];
                perm[j] = t;
            }
            for (int64_t q = 0; q < nn; q++) {
                int64_t u = perm[q], a = comm[u], nt = 0;
                for (int64_t e = L.ptr[u]; e < L.ptr[u + 1]; e++) {
                    int64_t b = comm[L.idx[e]];
                    if (wc[b] == 0) touched[nt++] = b;
                    wc[b] += L.val[e];
                }
                double ku = L.k[u], wa = wc[a], sa = sig[a] - ku, best = -INFINITY;
                int64_t mb = -1;
                for (int64_t t = 0; t < nt; t++) {
                    int64_t b = touched[t];
                    if (b == a) continue;
                    double g = (wc[b] - wa - gamma * ku * (sig[b] - sa) / stot) / stot;
                    if (g > best || (g == best && b < mb)) {
                        best = g;
                        mb = b;
                    }
                }
                if (nemp > 0 && size[a] > 1) {
                    double g = (-wa + gamma * ku * sa / stot) / stot;
                    if (g > best) {
                        best = g;
                        mb = empt[nemp - 1];
                    }
                }
                for (int64_t t = 0; t < nt; t++) wc[touched[t]] = 0;
                if (mb >= 0 && best > 1e-10) {
                    moved = true;
                    if (size[mb] == 0) nemp--;   /* mb was the empty module on top */
                    comm[u] = mb;
                    sig[a] -= ku;
                    sig[mb] += ku;
                    size[a]--;
                    size[mb]++;
                    if (size[a] == 0) empt[nemp++] = a;
                }
            }
        }
        /* Renumber in ascending label order (MATLAB unique), then aggregate. */
        int64_t nm = 0;
        for (int64_t m = 0; m < nn; m++) map[m] = size[m] > 0 ? nm++ : -1;
        for (int64_t i = 0; i < n; i++) M[i] = map[comm[M[i]]];
        for (int64_t m = 0; m <= nm; m++) start[m] = 0;
        for (int64_t u = 0; u < nn; u++) start[map[comm[u]] + 1]++;
        for (int64_t m = 0; m < nm; m++) start[m + 1] += start[m];
        for (int64_t u = 0; u < nn; u++) order[start[map[comm[u]]]++] = u;
        for (int64_t m = nm; m > 0; m--) start[m] = start[m - 1];
        start[0] = 0;
        if (sp_alloc(&N2, nm, L.ptr[nn]) != TG_OK) {
            Qc = NAN;
            goto done;
        }
        int64_t k = 0;
        for (int64_t C = 0; C < nm; C++) {
            N2.ptr[C] = k;
            int64_t nt = 0;
            for (int64_t r = start[C]; r < start[C + 1]; r++) {
                int64_t u = order[r];
                N2.k[C] += L.k[u];
                N2.self[C] += L.self[u];
                for (int64_t e = L.ptr[u]; e < L.ptr[u + 1]; e++) {
                    int64_t D = map[comm[L.idx[e]]];
                    if (D == C) N2.self[C] += L.val[e];
                    else {
                        if (wc[D] == 0) touched[nt++] = D;
                        wc[D] += L.val[e];
                    }
                }
            }
            for (int64_t t = 0; t < nt; t++) {
                N2.idx[k] = touched[t];
                N2.val[k++] = wc[touched[t]];
                wc[touched[t]] = 0;
            }
        }
        N2.ptr[nm] = k;
        sp_free(&L);
        L = N2;
        memset(&N2, 0, sizeof N2);
        Q0 = Qc;
        Qc = 0;
        for (int64_t C = 0; C < nm; C++) Qc += L.self[C] / stot - gamma * (L.k[C] / stot) * (L.k[C] / stot);
    }
    /* Final Q from the original weights (no drift from aggregation). */
    renumber(M, n, map);
    Q = 0;
    for (int64_t i = 0; i < n; i++) sig[i] = 0;
    for (int64_t u = 0; u < n; u++)
        for (int64_t e = c->ptr[u]; e < c->ptr[u + 1]; e++) {
            sig[M[u]] += c->val[e];
            if (M[c->idx[e]] == M[u]) Q += c->val[e] / stot;
        }
    for (int64_t m = 0; m < n; m++) Q -= gamma * (sig[m] / stot) * (sig[m] / stot);
done:
    sp_free(&L);
    sp_free(&N2);
    tg_free(comm);
    tg_free(perm);
    tg_free(size);
    tg_free(empt);
    tg_free(map);
    tg_free(touched);
    tg_free(order);
    tg_free(start);
    tg_free(sig);
    tg_free(wc);
    return Q;
}

tg_status tg_graph_brain_louvain_best(const double *W, int64_t n, double gamma, tg_brain_signed sign,
                                      uint64_t seed, int runs, int64_t *membership, double *q, char *msg)
{
    static const char fn[] = "brain.louvain";
    tg_msg_clear(msg);
    if (!W || n < 1 || !membership || !sign_ok(sign) || !(gamma >= 0) || runs < 1)
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (matrix, n, gamma >= 0, sign, runs >= 1 or output)", fn);
    double *B = NULL;
    int64_t *M = tg_malloc(sizeof *M * (size_t)n);
    lv_work w;
    memset(&w, 0, sizeof w);
    tg_status s = TG_OK;
    /* Classic modularity of a symmetric W >= 0: the sparse path. */
    bool sparse = sign == TG_BRAIN_POSITIVE && tg_graph_brain_is_symmetric(W, n);
    double stot = 0;
    tg_brain_csr c;
    memset(&c, 0, sizeof c);
    if (!M) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    if (sparse) {
        for (int64_t i = 0; i < n && sparse; i++)
            for (int64_t j = 0; j < n; j++) {
                double x = i == j ? 0 : W[i * n + j];
                if (x < 0 || !isfinite(x)) {
                    sparse = false;   /* the dense path reports it */
                    break;
                }
                stot += x;
            }
        if (sparse && !(stot > 0)) sparse = false;
        if (sparse && tg_brain_i_csr(W, n, false, &c) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
            goto done;
        }
    }
    if (!sparse && lv_init(&w, n) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    if (!sparse && (s = modularity_matrix(W, n, gamma, sign, &B, fn, msg)) != TG_OK) goto done;
    double best = -INFINITY;
    for (int r = 0; r < runs; r++) {
        tg_rng rng;
        tg_rng_seed(&rng, seed + (uint64_t)r);
        double qq = sparse ? louvain_sparse_run(&c, n, gamma, stot, &rng, M) : louvain_run(B, n, &rng, &w, M);
        if (isnan(qq)) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
            tg_brain_i_csr_free(&c);
            goto done;
        }
        if (qq > best) {
            best = qq;
            memcpy(membership, M, sizeof *M * (size_t)n);
        }
    }
    if (q) *q = best;
    tg_brain_i_csr_free(&c);
done:
    lv_free(&w);
    tg_free(M);
    tg_free(B);
    return s;
}

tg_status tg_graph_brain_louvain(const double *W, int64_t n, double gamma, tg_brain_signed sign, uint64_t seed,
                                 int64_t *membership, double *q, char *msg)
{
    return tg_graph_brain_louvain_best(W, n, gamma, sign, seed, 1, membership, q, msg);
}

tg_status tg_graph_brain_consensus(const double *W, int64_t n, double gamma, double tau, int runs, uint64_t seed,
                                   int64_t *membership, char *msg)
{
    static const char fn[] = "brain.consensus";
    tg_msg_clear(msg);
    if (!W || n < 1 || !membership || !(tau >= 0 && tau <= 1) || runs < 1 || !(gamma >= 0))
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (tau in [0, 1], runs >= 1, gamma >= 0)", fn);
    size_t nn = (size_t)(n * n);
    double *B = NULL, *D = tg_calloc(nn, sizeof *D), *Dt = tg_malloc(sizeof *Dt * nn);
    int64_t *P = tg_malloc(sizeof *P * (size_t)n * (size_t)runs);
    lv_work w;
    memset(&w, 0, sizeof w);
    tg_status s = TG_OK;
    if (!D || !Dt || !P || lv_init(&w, n) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    /* First round on W itself (classic modularity for W >= 0, or as given). */
    if ((s = modularity_matrix(W, n, gamma, TG_BRAIN_POSITIVE, &B, fn, msg)) != TG_OK) goto done;
    for (int round = 0; round < 50; round++) {
        for (int r = 0; r < runs; r++) louvain_run(B, n, &rng, &w, P + (size_t)r * (size_t)n);
        bool same = true;
        for (int r = 1; r < runs && same; r++)
            same = memcmp(P, P + (size_t)r * (size_t)n, sizeof *P * (size_t)n) == 0;
        if (same) {
            memcpy(membership, P, sizeof *P * (size_t)n);
            goto done;
        }
        memset(D, 0, sizeof *D * nn);
        for (int r = 0; r < runs; r++) {
            const int64_t *p = P + (size_t)r * (size_t)n;
            for (int64_t i = 0; i < n; i++)
                for (int64_t j = 0; j < n; j++)
                    if (i != j && p[i] == p[j]) D[i * n + j] += 1.0 / runs;
        }
        bool any = false;
        for (size_t k = 0; k < nn; k++) {
            Dt[k] = D[k] >= tau ? D[k] : 0;
            any |= Dt[k] != 0;
        }
        if (!any) {   /* BCT: nothing agrees above tau -> singletons */
            for (int64_t i = 0; i < n; i++) membership[i] = i;
            goto done;
        }
        tg_free(B);
        B = NULL;
        if ((s = modularity_matrix(Dt, n, 1.0, TG_BRAIN_POSITIVE, &B, fn, msg)) != TG_OK) goto done;
    }
    s = tg_msg(msg, TG_ERR_NUMERIC, "%s: no consensus after 50 rounds (raise tau or runs)", fn);
done:
    lv_free(&w);
    tg_free(B);
    tg_free(D);
    tg_free(Dt);
    tg_free(P);
    return s;
}
