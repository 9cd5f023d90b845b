/* matrices.c: derived sparse matrices as GraphBLAS matrices, cached in the
 * graph (keyed by weight attribute and graph version) until it changes. */
#include "graph_internal.h"

#include <math.h>
#include <string.h>

#define GRB_TRY(call)                                                              \
    do {                                                                           \
        GrB_Info info_ = (call);                                                   \
        if (info_ != GrB_SUCCESS) {                                                \
            s = info_ == GrB_OUT_OF_MEMORY                                         \
                    ? tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn)           \
                    : tg_msg(msg, TG_ERR_LIB, "%s: GraphBLAS error %d", fn, (int)info_); \
            goto done;                                                             \
        }                                                                          \
    } while (0)

static bool cache_valid(const tg_graph *g, const tg_matcache *c, const char *weight)
{
    if (!c->M || c->version != g->version) return false;
    if (!weight || !c->weight) return !weight && !c->weight;
    return strcmp(weight, c->weight) == 0;
}

static tg_status cache_store(tg_graph *g, tg_matcache *c, GrB_Matrix *M, const char *weight,
                             const char *fn, char *msg)
{
    char *w = NULL;
    if (weight && !(w = tg_strdup(weight))) {
        GrB_Matrix_free(M);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    if (c->M) GrB_Matrix_free(&c->M);
    tg_free(c->weight);
    c->M = *M;
    *M = NULL;
    c->weight = w;
    c->version = g->version;
    return TG_OK;
}

/* A new n x n FP64 matrix with A(i,j) = sum of weights of edges i->j (both
 * ways when undirected; a self-loop once). */
static tg_status build_adjacency(const tg_graph *g, const char *weight, GrB_Matrix *out,
                                 const char *fn, char *msg)
{
    tg_status s = TG_OK;
    GrB_Index n = (GrB_Index)g->nnodes, m = (GrB_Index)g->nedges;
    size_t cap = 2 * (size_t)m + 1;
    GrB_Index *I = tg_malloc(cap * sizeof *I), *J = tg_malloc(cap * sizeof *J);
    double *X = tg_malloc(cap * sizeof *X), *w = NULL;
    GrB_Matrix A = NULL;
    if (!I || !J || !X) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    if (weight) {
        if (!(w = tg_malloc(sizeof *w * (m ? m : 1)))) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
            goto done;
        }
        char sub[TG_MSG_LEN] = "";
        if (tg_graph_attr_numeric(g, TG_EDGES, weight, true, w, sub) != TG_OK) {
            s = tg_msg(msg, TG_ERR_ARG, "%s: %s", fn, sub);
            goto done;
        }
    }
    GrB_Index k = 0;
    for (GrB_Index e = 0; e < m; e++) {
        int64_t a = g->ends[2 * e], b = g->ends[2 * e + 1];
        double x = w ? w[e] : 1.0;
        I[k] = (GrB_Index)a, J[k] = (GrB_Index)b, X[k++] = x;
        if (!g->directed && a != b) I[k] = (GrB_Index)b, J[k] = (GrB_Index)a, X[k++] = x;
    }
    GRB_TRY(GrB_Matrix_new(&A, GrB_FP64, n, n));
    GRB_TRY(GrB_Matrix_build_FP64(A, I, J, X, k, GrB_PLUS_FP64));
    GRB_TRY(GrB_Matrix_wait(A, GrB_MATERIALIZE));
    *out = A;
    A = NULL;
done:
    tg_free(I);
    tg_free(J);
    tg_free(X);
    tg_free(w);
    if (A) GrB_Matrix_free(&A);
    return s;
}

tg_status tg_graph_adjacency(tg_graph *g, const char *weight, GrB_Matrix *Aout, char *msg)
{
    static const char fn[] = "graph.adjacency";
    tg_msg_clear(msg);
    tg_status s = tg_graph_i_init_graphblas(msg);
    if (s != TG_OK) return s;
    if (!cache_valid(g, &g->adj, weight)) {
        GrB_Matrix A = NULL;
        if ((s = build_adjacency(g, weight, &A, fn, msg)) != TG_OK) return s;
        if ((s = cache_store(g, &g->adj, &A, weight, fn, msg)) != TG_OK) return s;
    }
    *Aout = g->adj.M;
    return TG_OK;
}

/* Row sums of M as a dense vector d (length n, zeros included). */
static GrB_Info row_sums(GrB_Matrix M, GrB_Index n, GrB_Vector *d)
{
    GrB_Info info = GrB_Vector_new(d, GrB_FP64, n);
    if (info != GrB_SUCCESS) return info;
    if ((info = GrB_Vector_assign_FP64(*d, NULL, NULL, 0.0, GrB_ALL, n, NULL)) != GrB_SUCCESS)
        return info;
    return GrB_Matrix_reduce_Monoid(*d, NULL, GrB_PLUS_FP64, GrB_PLUS_MONOID_FP64, M, NULL);
}

tg_status tg_graph_laplacian(tg_graph *g, const char *weight, GrB_Matrix *Lout, char *msg)
{
    static const char fn[] = "graph.laplacian";
    GrB_Matrix A = NULL, L = NULL, D = NULL;
    GrB_Vector d = NULL;
    tg_msg_clear(msg);
    tg_status s = TG_OK;
    if (cache_valid(g, &g->lap, weight)) {
        *Lout = g->lap.M;
        return TG_OK;
    }
    if ((s = tg_graph_adjacency(g, weight, &A, msg)) != TG_OK) return s;
    GrB_Index n = (GrB_Index)g->nnodes;
    GRB_TRY(row_sums(A, n, &d));
    GRB_TRY(GrB_Matrix_diag(&D, d, 0));
    GRB_TRY(GrB_Matrix_new(&L, GrB_FP64, n, n));
    /* L = D - A: eWiseAdd with MINUS gives D(i,j) - A(i,j) where both
     * exist, D alone on the diagonal, but A alone off it: negate after. */
    GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(L, NULL, NULL, GrB_MINUS_FP64, D, A, NULL));
    GRB_TRY(GrB_Matrix_apply(L, D, NULL, GrB_AINV_FP64, L, GrB_DESC_SC));  /* off-diagonal */
    GRB_TRY(GrB_Matrix_wait(L, GrB_MATERIALIZE));
    if ((s = cache_store(g, &g->lap, &L, weight, fn, msg)) != TG_OK) goto done;
    *Lout = g->lap.M;
done:
    if (L) GrB_Matrix_free(&L);
    if (D) GrB_Matrix_free(&D);
    if (d) GrB_Vector_free(&d);
    return s;
}

static void inv_sqrt(double *z, const double *x) { *z = *x > 0 ? 1.0 / sqrt(*x) : 0.0; }

tg_status tg_graph_normalized_adjacency(tg_graph *g, const char *weight, GrB_Matrix *Nout,
                                        char *msg)
{
    static const char fn[] = "graph.normalized_adjacency";
    GrB_Matrix A = NULL, N = NULL, I = NULL, Dm = NULL;
    GrB_Vector d = NULL;
    GrB_UnaryOp isq = NULL;
    tg_msg_clear(msg);
    tg_status s = TG_OK;
    if (cache_valid(g, &g->norm, weight)) {
        *Nout = g->norm.M;
        return TG_OK;
    }
    if ((s = tg_graph_adjacency(g, weight, &A, msg)) != TG_OK) return s;
    GrB_Index n = (GrB_Index)g->nnodes;
    GRB_TRY(GrB_Vector_new(&d, GrB_FP64, n));
    GRB_TRY(GrB_Vector_assign_FP64(d, NULL, NULL, 1.0, GrB_ALL, n, NULL));
    GRB_TRY(GrB_Matrix_diag(&I, d, 0));
    GRB_TRY(GrB_Matrix_new(&N, GrB_FP64, n, n));
    GRB_TRY(GrB_Matrix_eWiseAdd_BinaryOp(N, NULL, NULL, GrB_PLUS_FP64, A, I, NULL));  /* A + I */
    GrB_Vector_free(&d);
    GRB_TRY(row_sums(N, n, &d));
    GRB_TRY(GrB_UnaryOp_new(&isq, (GxB_unary_function)inv_sqrt, GrB_FP64, GrB_FP64));
    GRB_TRY(GrB_Vector_apply(d, NULL, NULL, isq, d, NULL));
    GRB_TRY(GrB_Matrix_diag(&Dm, d, 0));
    /* N = Dm * N * Dm */
    GRB_TRY(GrB_mxm(N, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, Dm, N, NULL));
    GRB_TRY(GrB_mxm(N, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, N, Dm, NULL));
    GRB_TRY(GrB_Matrix_wait(N, GrB_MATERIALIZE));
    if ((s = cache_store(g, &g->norm, &N, weight, fn, msg)) != TG_OK) goto done;
    *Nout = g->norm.M;
done:
    if (N) GrB_Matrix_free(&N);
    if (I) GrB_Matrix_free(&I);
    if (Dm) GrB_Matrix_free(&Dm);
    if (d) GrB_Vector_free(&d);
    if (isq) GrB_UnaryOp_free(&isq);
    return s;
}
