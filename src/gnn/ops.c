/* ops.c: the operations of the autodiff tape, each a forward and a backward
 * kernel, and the one table that names them.
 *
 * Kernels over nodes run in parallel with OpenMP over output rows: every
 * output row is written by one thread in a fixed order, so results do not
 * depend on the thread count.  Sparse products and scatters use the graph's
 * CSR by destination forward and its index by source backward, so neither
 * direction needs atomics.  Reductions into parameter gradients (bias
 * sums, attention vectors) run serially or through BLAS.
 */
#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "gnn_internal.h"

/* Loops over fewer than 32768 rows (or items / 16) stay serial: on Cora-sized
 * inputs waking the threads costs more than the loop. */
#ifdef _OPENMP
#define GNN_PRAGMA(x) _Pragma(#x)
#define OMP_ROWS(cnt) GNN_PRAGMA(omp parallel for schedule(static) if ((cnt) >= 32768))
/* The same for element-wise loops, also vectorised: GCC's -O2 cost model
 * leaves them scalar (and branchy for selects such as relu's). */
#define OMP_ELEMS(cnt) GNN_PRAGMA(omp parallel for simd schedule(static) if ((cnt) >= 32768))
#else
#define OMP_ROWS(n)
#define OMP_ELEMS(n)
#endif

/* Hot row kernels are compiled for AVX-512, AVX2 and the baseline, the best
 * picked at load time (the library is built for baseline x86-64, whose
 * 4-wide vectors make 16-wide row updates twice as slow).  GCC keeps
 * floating-point contraction off in C11 mode, so every clone rounds the
 * same way: results do not depend on the machine. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define WIDE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDE_CLONES
#endif

#define IN_A(t, nd) (&(t)->nodes[(nd)->a])
#define IN_B(t, nd) (&(t)->nodes[(nd)->b])
#define SIZE(nd) ((size_t)(nd)->rows * (size_t)(nd)->cols)

/* ---- node construction ---------------------------------------------- */

static void fail(gnn_tape *t, tg_status s, const char *what)
{
    if (t->err == TG_OK) {
        t->err = s;
        snprintf(t->msg, sizeof t->msg, "gnn: %s", what);
    }
}

/* A new node of op with inputs a, b (-1 none) and an output of rows x cols
 * allocated from the arena: alloc 0 none, 1 zeroed (kernels that
 * accumulate), RAW not zeroed (kernels that write every element).  -1 on
 * failure. */
#define RAW 2
static int push(gnn_tape *t, gnn_op op, int a, int b, int64_t rows, int64_t cols, int alloc)
{
    if (t->err != TG_OK) return -1;
    if (t->n == t->cap) {
        if (tg_grow((void **)&t->nodes, &t->cap, t->n + 1, sizeof *t->nodes) != TG_OK) {
            fail(t, TG_ERR_NOMEM, "out of memory for the tape");
            return -1;
        }
    }
    float *v = NULL;
    if (alloc == RAW && !(v = tg_gnn_i_tape_floats_raw(t, (size_t)rows * (size_t)cols))) return -1;
    if (alloc == 1 && !(v = tg_gnn_i_tape_floats(t, (size_t)rows * (size_t)cols))) return -1;
    gnn_node *n = &t->nodes[t->n];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->a = a;
    n->b = b;
    n->rows = rows;
    n->cols = cols;
    n->val = v;
    n->req = (a >= 0 && t->nodes[a].req) || (b >= 0 && t->nodes[b].req);
    return (int)t->n++;
}

typedef void (*kernel_fn)(gnn_tape *t, gnn_node *n);
typedef struct op_row { const char *name; kernel_fn fwd, bwd; } op_row;
static const op_row OPS[];

static int run(gnn_tape *t, int id)
{
    if (id < 0) return -1;
    gnn_node *n = &t->nodes[id];
    double t0 = t->prof ? tg_now() : 0;
    OPS[n->op].fwd(t, n);
    if (t->prof && (size_t)id < t->prof_n) t->prof[2 * id] = tg_now() - t0;
    return id;
}

/* ---- leaves --------------------------------------------------------- */

int tg_gnn_i_leaf(gnn_tape *t, int64_t rows, int64_t cols, const float *val)
{
    int id = push(t, OP_LEAF, -1, -1, rows, cols, false);
    if (id >= 0) t->nodes[id].val = (float *)val;   /* never written through */
    return id;
}

int tg_gnn_i_param(gnn_tape *t, int64_t rows, int64_t cols, float *val, float *grad)
{
    int id = push(t, OP_PARAM, -1, -1, rows, cols, false);
    if (id >= 0) {
        t->nodes[id].val = val;
        t->nodes[id].grad = grad;
        t->nodes[id].req = grad != NULL;
    }
    return id;
}

/* ---- dense ---------------------------------------------------------- */

int tg_gnn_i_matmul(gnn_tape *t, int a, int b)
{
    if (a < 0 || b < 0) return -1;
    assert(t->nodes[a].cols == t->nodes[b].rows);
    return run(t, push(t, OP_MATMUL, a, b, t->nodes[a].rows, t->nodes[b].cols, RAW));
}

static void matmul_fwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n), *B = IN_B(t, n);
    if (!A->cols) memset(n->val, 0, sizeof(float) * SIZE(n));
    else if (n->rows && n->cols)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n->rows, (int)n->cols, (int)A->cols, 1.0f,
                    A->val, (int)A->cols, B->val, (int)B->cols, 0.0f, n->val, (int)n->cols);
}

static void matmul_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n), *B = IN_B(t, n);
    int r = (int)n->rows, c = (int)n->cols, k = (int)A->cols;
    if (!r || !c || !k) return;
    if (A->grad)   /* dA += dC B^T */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, r, k, c, 1.0f, n->grad, c, B->val, c, 1.0f, A->grad, k);
    if (B->grad)   /* dB += A^T dC */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, c, r, 1.0f, A->val, k, n->grad, c, 1.0f, B->grad, c);
}

int tg_gnn_i_add(gnn_tape *t, int a, int b)
{
    if (a < 0 || b < 0) return -1;
    assert(t->nodes[a].rows == t->nodes[b].rows && t->nodes[a].cols == t->nodes[b].cols);
    return run(t, push(t, OP_ADD, a, b, t->nodes[a].rows, t->nodes[a].cols, RAW));
}

static void add_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *y = IN_B(t, n)->val;
    float *o = n->val;
    int64_t sz = (int64_t)SIZE(n);
    OMP_ROWS(sz / 16)
    for (int64_t i = 0; i < sz; i++) o[i] = x[i] + y[i];
}

static void acc(float *dst, const float *g, int64_t sz)
{
    OMP_ROWS(sz / 16)
    for (int64_t i = 0; i < sz; i++) dst[i] += g[i];
}

static void add_bwd(gnn_tape *t, gnn_node *n)
{
    if (IN_A(t, n)->grad) acc(IN_A(t, n)->grad, n->grad, (int64_t)SIZE(n));
    if (IN_B(t, n)->grad) acc(IN_B(t, n)->grad, n->grad, (int64_t)SIZE(n));
}

int tg_gnn_i_bias(gnn_tape *t, int a, int b)
{
    if (a < 0 || b < 0) return -1;
    assert(t->nodes[b].rows == 1 && t->nodes[b].cols == t->nodes[a].cols);
    return run(t, push(t, OP_BIAS, a, b, t->nodes[a].rows, t->nodes[a].cols, RAW));
}

static void bias_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *b = IN_B(t, n)->val;
    int64_t c = n->cols;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t j = 0; j < c; j++) n->val[i * c + j] = x[i * c + j] + b[j];
}

static void bias_bwd(gnn_tape *t, gnn_node *n)
{
    if (IN_A(t, n)->grad) acc(IN_A(t, n)->grad, n->grad, (int64_t)SIZE(n));
    float *db = IN_B(t, n)->grad;
    if (db)
        for (int64_t i = 0; i < n->rows; i++)
            for (int64_t j = 0; j < n->cols; j++) db[j] += n->grad[i * n->cols + j];
}

int tg_gnn_i_mul(gnn_tape *t, int a, int b)
{
    if (a < 0 || b < 0) return -1;
    assert(t->nodes[a].rows == t->nodes[b].rows && t->nodes[a].cols == t->nodes[b].cols);
    return run(t, push(t, OP_MUL, a, b, t->nodes[a].rows, t->nodes[a].cols, RAW));
}

static void mul_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *y = IN_B(t, n)->val;
    int64_t sz = (int64_t)SIZE(n);
    OMP_ROWS(sz / 16)
    for (int64_t i = 0; i < sz; i++) n->val[i] = x[i] * y[i];
}

static void mul_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n), *B = IN_B(t, n);
    int64_t sz = (int64_t)SIZE(n);
    if (A->grad)
        for (int64_t i = 0; i < sz; i++) A->grad[i] += n->grad[i] * B->val[i];
    if (B->grad)
        for (int64_t i = 0; i < sz; i++) B->grad[i] += n->grad[i] * A->val[i];
}

int tg_gnn_i_scale(gnn_tape *t, int a, float c)
{
    if (a < 0) return -1;
    int id = push(t, OP_SCALE, a, -1, t->nodes[a].rows, t->nodes[a].cols, RAW);
    if (id >= 0) t->nodes[id].f0 = c;
    return run(t, id);
}

static void scale_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val;
    int64_t sz = (int64_t)SIZE(n);
    for (int64_t i = 0; i < sz; i++) n->val[i] = n->f0 * x[i];
}

static void scale_bwd(gnn_tape *t, gnn_node *n)
{
    float *d = IN_A(t, n)->grad;
    int64_t sz = (int64_t)SIZE(n);
    if (d)
        for (int64_t i = 0; i < sz; i++) d[i] += n->f0 * n->grad[i];
}

/* ---- activations ------------------------------------------------------ */

int tg_gnn_i_unary(gnn_tape *t, gnn_op op, int a, float param)
{
    if (a < 0) return -1;
    assert(op == OP_RELU || op == OP_LEAKY_RELU || op == OP_ELU || op == OP_TANH || op == OP_SIGMOID ||
           op == OP_EXP);
    int id = push(t, op, a, -1, t->nodes[a].rows, t->nodes[a].cols, RAW);
    if (id >= 0) t->nodes[id].f0 = param;
    return run(t, id);
}

/* One forward and one backward body per activation, parallel over items.
 * Pointers go into restrict locals: through n->val the compiler must assume
 * the stores may change n, and neither vectorises nor avoids a branch per
 * element (which mispredicts on half of random-sign inputs). */
#define UNARY(NAME, FWD, DER)                                              \
    static void NAME##_fwd(gnn_tape *t, gnn_node *n)                       \
    {                                                                      \
        const float *restrict xs = IN_A(t, n)->val;                        \
        float *restrict ys = n->val;                                       \
        const float p = n->f0;                                             \
        int64_t sz = (int64_t)SIZE(n);                                     \
        (void)p;                                                           \
        OMP_ELEMS(sz / 16)                                                 \
        for (int64_t i = 0; i < sz; i++) {                                 \
            float x = xs[i];                                               \
            ys[i] = (FWD);                                                 \
        }                                                                  \
    }                                                                      \
    static void NAME##_bwd(gnn_tape *t, gnn_node *n)                       \
    {                                                                      \
        float *restrict d = IN_A(t, n)->grad;                              \
        const float *restrict xs = IN_A(t, n)->val, *restrict ys = n->val; \
        const float *restrict gs = n->grad;                                \
        const float p = n->f0;                                             \
        int64_t sz = (int64_t)SIZE(n);                                     \
        (void)p;                                                           \
        if (!d) return;                                                    \
        OMP_ELEMS(sz / 16)                                                 \
        for (int64_t i = 0; i < sz; i++) {                                 \
            float x = xs[i], y = ys[i];                                    \
            (void)x;                                                       \
            (void)y;                                                       \
            const float dv = (DER); /* a select, not a branch */           \
            d[i] = d[i] + gs[i] * dv;                                      \
        }                                                                  \
    }

UNARY(relu, x > 0 ? x : 0.0f, x > 0 ? 1.0f : 0.0f)
UNARY(leaky, x > 0 ? x : p * x, x > 0 ? 1.0f : p)
UNARY(elu, x > 0 ? x : p * expm1f(x), x > 0 ? 1.0f : y + p)
UNARY(tanh, tanhf(x), 1.0f - y * y)
UNARY(sigmoid, x >= 0 ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x)), y * (1.0f - y))
UNARY(exp, expf(x), y)

int tg_gnn_i_dropout(gnn_tape *t, int a, float p)
{
    if (a < 0) return -1;
    assert(p < 1);
    if (!t->training || p <= 0) return a;   /* identity at evaluation */
    int id = push(t, OP_DROPOUT, a, -1, t->nodes[a].rows, t->nodes[a].cols, RAW);
    if (id < 0) return -1;
    /* One byte per element (keep or drop): a quarter of a float mask. */
    uint8_t *mask = (uint8_t *)tg_gnn_i_tape_floats_raw(t, SIZE(&t->nodes[id]) / 4 + 1);
    if (!mask) return -1;
    gnn_node *n = &t->nodes[id];
    n->f0 = p;
    n->aux = (float *)(void *)mask;
    /* The mask comes from the tape's stream: four 16-bit draws per 64-bit
     * number, compared without branches (a random branch per element cost
     * more than the rest of a GCN epoch).  Up to 2^20 elements one stream in
     * order; above, chunks of 2^20 each with a stream seeded from one draw
     * and the chunk number, filled in parallel: the same mask for any thread
     * count. */
    const uint32_t thr = (uint32_t)lround((double)p * 65536.0);
    const size_t sz = SIZE(n), chunk = (size_t)1 << 20;
    if (sz <= chunk) {
        tg_rng r = t->rng;
        size_t i = 0;
        for (; i + 4 <= sz; i += 4) {
            uint64_t u = tg_rng_u64(&r);
            mask[i] = (uint32_t)(u & 0xffff) >= thr;
            mask[i + 1] = (uint32_t)((u >> 16) & 0xffff) >= thr;
            mask[i + 2] = (uint32_t)((u >> 32) & 0xffff) >= thr;
            mask[i + 3] = (uint32_t)(u >> 48) >= thr;
        }
        if (i < sz) {
            uint64_t u = tg_rng_u64(&r);
            for (; i < sz; i++, u >>= 16) mask[i] = (uint32_t)(u & 0xffff) >= thr;
        }
        t->rng = r;
    } else {
        const uint64_t base = tg_rng_u64(&t->rng);
        const int64_t nch = (int64_t)((sz + chunk - 1) / chunk);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (int64_t k = 0; k < nch; k++) {
            tg_rng r;
            tg_rng_seed(&r, base ^ ((uint64_t)(k + 1) * 0x9E3779B97F4A7C15ull));
            size_t lo = (size_t)k * chunk, hi = lo + chunk < sz ? lo + chunk : sz;
            for (size_t i = lo; i < hi; i += 4) {
                uint64_t u = tg_rng_u64(&r);
                for (size_t q = i; q < i + 4 && q < hi; q++, u >>= 16) mask[q] = (uint32_t)(u & 0xffff) >= thr;
            }
        }
    }
    return run(t, id);
}

/* Restrict locals and a select instead of a branch: vectorised (see UNARY). */
static void dropout_fwd(gnn_tape *t, gnn_node *n)
{
    const float *restrict x = IN_A(t, n)->val;
    float *restrict y = n->val;
    const uint8_t *restrict mask = (const uint8_t *)(const void *)n->aux;
    const float keep = 1.0f / (1.0f - n->f0);
    int64_t sz = (int64_t)SIZE(n);
    OMP_ELEMS(sz / 16)
    for (int64_t i = 0; i < sz; i++) y[i] = x[i] * (mask[i] ? keep : 0.0f);
}

static void dropout_bwd(gnn_tape *t, gnn_node *n)
{
    float *restrict d = IN_A(t, n)->grad;
    const float *restrict g = n->grad;
    const uint8_t *restrict mask = (const uint8_t *)(const void *)n->aux;
    const float keep = 1.0f / (1.0f - n->f0);
    int64_t sz = (int64_t)SIZE(n);
    if (!d) return;
    OMP_ELEMS(sz / 16)
    for (int64_t i = 0; i < sz; i++) d[i] += g[i] * (mask[i] ? keep : 0.0f);
}

/* ---- sparse graph operators ------------------------------------------ */

int tg_gnn_i_spmm(gnn_tape *t, const tg_gnn_graph *g, int kind, int a)
{
    if (a < 0) return -1;
    assert(t->nodes[a].rows == g->n && kind >= 0 && kind <= 2 && (kind != 2 || g->gcn_w));
    int id = push(t, OP_SPMM, a, -1, g->n, t->nodes[a].cols, true);
    if (id >= 0) {
        t->nodes[id].g = g;
        t->nodes[id].i0 = kind;
    }
    return run(t, id);
}

/* out[i] += sum over the edges e of rows[i] of w(e) * x[other(e)]: the one
 * loop of both directions of the sparse product.  Forward: the CSR by
 * destination (edge ids contiguous, other = src).  Backward: the index by
 * source (edge ids from oedge, other = dst).  The row update is a short
 * vector loop (16 floats for a 16-unit GCN), vectorised with omp simd. */
static void spmm_kernel(const tg_gnn_graph *g, int64_t kind, bool by_src, const float *restrict x,
                        float *restrict out, int64_t c)
{
    const int64_t *ptr = by_src ? g->optr : g->rowptr;
    const int32_t *other = by_src ? g->dst : g->src;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        float *restrict o = out + i * c;
        for (int64_t q = ptr[i]; q < ptr[i + 1]; q++) {
            /* The gathered rows are random: ask for one 8 edges ahead, so
             * several cache misses are in flight (memory-latency bound). */
            if (q + 8 < g->m) {
                const int64_t e8 = by_src ? g->oedge[q + 8] : q + 8;
                __builtin_prefetch(x + (int64_t)other[e8] * c);
            }
            const int64_t e = by_src ? g->oedge[q] : q, j = other[e];
            const int64_t d = by_src ? j : i;   /* the edge's destination */
            const float w = kind == 2 ? g->gcn_w[e] : kind == 1 ? 1.0f / (float)(g->rowptr[d + 1] - g->rowptr[d]) : 1.0f;
            const float *restrict xr = x + j * c;
#ifdef _OPENMP
#pragma omp simd
#endif
            for (int64_t k = 0; k < c; k++) o[k] += w * xr[k];
        }
    }
}

/* The GCN product in either direction over three parallel arrays: out[i]
 * += sum over q in ptr[i] .. ptr[i+1]-1 of w[q] x[idx[q]].  Forward: the
 * CSR by destination (rowptr, src, gcn_w); backward: the edges by source
 * (optr, odst, ow).  Both arrays are read in order; the one random access
 * per edge is the gathered row, prefetched PF edges ahead so that many
 * cache misses are in flight.  The same additions in the same order as
 * spmm_kernel: identical results. */
#define PF 16
static inline __attribute__((always_inline)) void gcn_rows(const int64_t *ptr, const int32_t *idx, const float *w,
                                                           const float *restrict x, float *restrict out, int64_t m,
                                                           int64_t lo, int64_t hi, const int64_t c)
{
    for (int64_t i = lo; i < hi; i++) {
        float *restrict o = out + i * c;
        for (int64_t q = ptr[i]; q < ptr[i + 1]; q++) {
            if (q + PF < m) __builtin_prefetch(x + (int64_t)idx[q + PF] * c);
            const float wq = w[q];
            const float *restrict xr = x + (int64_t)idx[q] * c;
            for (int64_t k = 0; k < c; k++) o[k] += wq * xr[k];
        }
    }
}

WIDE_CLONES static void gcn_block(const int64_t *ptr, const int32_t *idx, const float *w, const float *x, float *out,
                                  int64_t m, int64_t lo, int64_t hi, int64_t c)
{
    if (c == 16) gcn_rows(ptr, idx, w, x, out, m, lo, hi, 16);
    else if (c == 8) gcn_rows(ptr, idx, w, x, out, m, lo, hi, 8);
    else gcn_rows(ptr, idx, w, x, out, m, lo, hi, c);
}

static void gcn_product(const tg_gnn_graph *g, bool by_src, const float *x, float *out, int64_t c)
{
    const int64_t *ptr = by_src ? g->optr : g->rowptr;
    const int32_t *idx = by_src ? g->odst : g->src;
    const float *w = by_src ? g->ow : g->gcn_w;
    const int64_t nb = (g->n + 1023) / 1024;
    OMP_ROWS(g->n)
    for (int64_t b = 0; b < nb; b++)
        gcn_block(ptr, idx, w, x, out, g->m, b * 1024, (b + 1) * 1024 < g->n ? (b + 1) * 1024 : g->n, c);
}

static void spmm_fwd(gnn_tape *t, gnn_node *n)
{
    if (n->i0 == 2) gcn_product(n->g, false, IN_A(t, n)->val, n->val, n->cols);
    else spmm_kernel(n->g, n->i0, false, IN_A(t, n)->val, n->val, n->cols);
}

static void spmm_bwd(gnn_tape *t, gnn_node *n)
{
    if (!IN_A(t, n)->grad) return;
    if (n->i0 == 2) gcn_product(n->g, true, n->grad, IN_A(t, n)->grad, n->cols);
    else spmm_kernel(n->g, n->i0, true, n->grad, IN_A(t, n)->grad, n->cols);
}

int tg_gnn_i_edge(gnn_tape *t, gnn_op op, const tg_gnn_graph *g, int a)
{
    if (a < 0) return -1;
    int64_t rows;
    if (op == OP_GATHER_SRC || op == OP_GATHER_DST) {
        assert(t->nodes[a].rows == g->n);
        rows = g->m;
    } else {
        assert(op == OP_SCATTER_SUM || op == OP_SCATTER_MEAN || op == OP_SCATTER_MAX || op == OP_EDGE_SOFTMAX);
        assert(t->nodes[a].rows == g->m);
        rows = op == OP_EDGE_SOFTMAX ? g->m : g->n;
    }
    int id = push(t, op, a, -1, rows, t->nodes[a].cols, true);
    if (id < 0) return -1;
    t->nodes[id].g = g;
    if (op == OP_SCATTER_MAX) {
        float *s = tg_gnn_i_tape_floats(t, SIZE(&t->nodes[id]));
        if (!s) return -1;
        t->nodes[id].iaux = (int32_t *)(void *)s;
    }
    return run(t, id);
}

/* Row e of the output is row end[e] of the input: an edge's source or destination. */
static void gather_rows(gnn_tape *t, gnn_node *n, const int32_t *end)
{
    const float *x = IN_A(t, n)->val;
    int64_t c = n->cols, m = n->g->m;
    OMP_ROWS(m)
    for (int64_t e = 0; e < m; e++) memcpy(n->val + e * c, x + (int64_t)end[e] * c, sizeof(float) * (size_t)c);
}

static void gather_src_fwd(gnn_tape *t, gnn_node *n) { gather_rows(t, n, n->g->src); }

static void gather_src_bwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    if (!d) return;
    OMP_ROWS(g->n)
    for (int64_t s = 0; s < g->n; s++)
        for (int64_t q = g->optr[s]; q < g->optr[s + 1]; q++) {
            const float *gr = n->grad + (int64_t)g->oedge[q] * c;
            for (int64_t j = 0; j < c; j++) d[s * c + j] += gr[j];
        }
}

static void gather_dst_fwd(gnn_tape *t, gnn_node *n) { gather_rows(t, n, n->g->dst); }

static void gather_dst_bwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    if (!d) return;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++)
        for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++)
            for (int64_t j = 0; j < c; j++) d[i * c + j] += n->grad[e * c + j];
}

static void scatter_fwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    const float *x = IN_A(t, n)->val;
    int64_t c = n->cols;
    bool mean = n->op == OP_SCATTER_MEAN;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        int64_t lo = g->rowptr[i], hi = g->rowptr[i + 1];
        float *o = n->val + i * c;
        for (int64_t e = lo; e < hi; e++)
            for (int64_t j = 0; j < c; j++) o[j] += x[e * c + j];
        if (mean && hi > lo)
            for (int64_t j = 0; j < c; j++) o[j] /= (float)(hi - lo);
    }
}

static void scatter_bwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    bool mean = n->op == OP_SCATTER_MEAN;
    if (!d) return;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        int64_t lo = g->rowptr[i], hi = g->rowptr[i + 1];
        float w = mean ? 1.0f / (float)(hi - lo > 0 ? hi - lo : 1) : 1.0f;
        for (int64_t e = lo; e < hi; e++)
            for (int64_t j = 0; j < c; j++) d[e * c + j] += w * n->grad[i * c + j];
    }
}

static void scatter_max_fwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    const float *x = IN_A(t, n)->val;
    int64_t c = n->cols;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        int64_t lo = g->rowptr[i], hi = g->rowptr[i + 1];
        for (int64_t j = 0; j < c; j++) {
            int32_t best = -1;
            float v = 0;   /* a node without in-edges gets 0 */
            for (int64_t e = lo; e < hi; e++)
                if (best < 0 || x[e * c + j] > v) {
                    v = x[e * c + j];
                    best = (int32_t)e;
                }
            n->val[i * c + j] = v;
            n->iaux[i * c + j] = best;
        }
    }
}

static void scatter_max_bwd(gnn_tape *t, gnn_node *n)
{
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    if (!d) return;
    /* Each edge is the argmax of at most its own destination: no conflicts. */
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t j = 0; j < c; j++) {
            int32_t e = n->iaux[i * c + j];
            if (e >= 0) d[(int64_t)e * c + j] += n->grad[i * c + j];
        }
}

static void softmax_fwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    const float *x = IN_A(t, n)->val;
    int64_t c = n->cols;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        int64_t lo = g->rowptr[i], hi = g->rowptr[i + 1];
        for (int64_t j = 0; j < c; j++) {
            float mx = -INFINITY;
            for (int64_t e = lo; e < hi; e++) mx = fmaxf(mx, x[e * c + j]);
            double s = 0;
            for (int64_t e = lo; e < hi; e++) {
                float v = expf(x[e * c + j] - mx);
                n->val[e * c + j] = v;
                s += v;
            }
            float inv = (float)(1.0 / s);
            for (int64_t e = lo; e < hi; e++) n->val[e * c + j] *= inv;
        }
    }
}

static void softmax_bwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    if (!d) return;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        int64_t lo = g->rowptr[i], hi = g->rowptr[i + 1];
        for (int64_t j = 0; j < c; j++) {
            float s = 0;
            for (int64_t e = lo; e < hi; e++) s += n->val[e * c + j] * n->grad[e * c + j];
            for (int64_t e = lo; e < hi; e++) d[e * c + j] += n->val[e * c + j] * (n->grad[e * c + j] - s);
        }
    }
}

/* ---- attention -------------------------------------------------------- */

int tg_gnn_i_head_dot(gnn_tape *t, int a, int b, int64_t heads)
{
    if (a < 0 || b < 0) return -1;
    assert(heads > 0 && t->nodes[a].cols % heads == 0 && t->nodes[b].rows == 1 &&
           t->nodes[b].cols == t->nodes[a].cols);
    int id = push(t, OP_HEAD_DOT, a, b, t->nodes[a].rows, heads, true);
    if (id >= 0) t->nodes[id].i0 = heads;
    return run(t, id);
}

static void head_dot_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *w = IN_B(t, n)->val;
    int64_t h = n->i0, hf = IN_A(t, n)->cols, f = hf / h;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t k = 0; k < h; k++) {
            float s = 0;
            for (int64_t j = 0; j < f; j++) s += x[i * hf + k * f + j] * w[k * f + j];
            n->val[i * h + k] = s;
        }
}

static void head_dot_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n), *B = IN_B(t, n);
    int64_t h = n->i0, hf = A->cols, f = hf / h;
    if (A->grad) {
        OMP_ROWS(n->rows)
        for (int64_t i = 0; i < n->rows; i++)
            for (int64_t k = 0; k < h; k++)
                for (int64_t j = 0; j < f; j++) A->grad[i * hf + k * f + j] += n->grad[i * h + k] * B->val[k * f + j];
    }
    if (B->grad)
        for (int64_t i = 0; i < n->rows; i++)
            for (int64_t k = 0; k < h; k++)
                for (int64_t j = 0; j < f; j++) B->grad[k * f + j] += n->grad[i * h + k] * A->val[i * hf + k * f + j];
}

int tg_gnn_i_gat_agg(gnn_tape *t, const tg_gnn_graph *g, int alpha, int x)
{
    if (alpha < 0 || x < 0) return -1;
    assert(t->nodes[alpha].rows == g->m && t->nodes[x].rows == g->n && t->nodes[x].cols % t->nodes[alpha].cols == 0);
    int id = push(t, OP_GAT_AGG, alpha, x, g->n, t->nodes[x].cols, true);
    if (id >= 0) t->nodes[id].g = g;
    return run(t, id);
}

static void gat_agg_fwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    const float *al = IN_A(t, n)->val, *x = IN_B(t, n)->val;
    int64_t h = IN_A(t, n)->cols, hf = n->cols, f = hf / h;
    OMP_ROWS(g->n)
    for (int64_t i = 0; i < g->n; i++) {
        float *o = n->val + i * hf;
        for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) {
            const float *xr = x + (int64_t)g->src[e] * hf;
            for (int64_t k = 0; k < h; k++) {
                const float w = al[e * h + k];
                for (int64_t j = 0; j < f; j++) o[k * f + j] += w * xr[k * f + j];
            }
        }
    }
}

static void gat_agg_bwd(gnn_tape *t, gnn_node *n)
{
    const tg_gnn_graph *g = n->g;
    gnn_node *A = IN_A(t, n), *X = IN_B(t, n);
    int64_t h = A->cols, hf = n->cols, f = hf / h;
    if (A->grad) {
        OMP_ROWS(g->m)
        for (int64_t e = 0; e < g->m; e++) {
            const float *gr = n->grad + (int64_t)g->dst[e] * hf, *xr = X->val + (int64_t)g->src[e] * hf;
            for (int64_t k = 0; k < h; k++) {
                float s = 0;
                for (int64_t j = 0; j < f; j++) s += gr[k * f + j] * xr[k * f + j];
                A->grad[e * h + k] += s;
            }
        }
    }
    if (X->grad) {
        OMP_ROWS(g->n)
        for (int64_t s = 0; s < g->n; s++) {
            float *o = X->grad + s * hf;
            for (int64_t q = g->optr[s]; q < g->optr[s + 1]; q++) {
                int64_t e = g->oedge[q];
                const float *gr = n->grad + (int64_t)g->dst[e] * hf;
                for (int64_t k = 0; k < h; k++) {
                    const float w = A->val[e * h + k];
                    for (int64_t j = 0; j < f; j++) o[k * f + j] += w * gr[k * f + j];
                }
            }
        }
    }
}

int tg_gnn_i_head_mean(gnn_tape *t, int a, int64_t heads)
{
    if (a < 0) return -1;
    assert(heads > 0 && t->nodes[a].cols % heads == 0);
    int id = push(t, OP_HEAD_MEAN, a, -1, t->nodes[a].rows, t->nodes[a].cols / heads, true);
    if (id >= 0) t->nodes[id].i0 = heads;
    return run(t, id);
}

static void head_mean_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val;
    int64_t h = n->i0, f = n->cols;
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t k = 0; k < h; k++)
            for (int64_t j = 0; j < f; j++) n->val[i * f + j] += x[i * h * f + k * f + j] / (float)h;
}

static void head_mean_bwd(gnn_tape *t, gnn_node *n)
{
    float *d = IN_A(t, n)->grad;
    int64_t h = n->i0, f = n->cols;
    if (d)
        for (int64_t i = 0; i < n->rows; i++)
            for (int64_t k = 0; k < h; k++)
                for (int64_t j = 0; j < f; j++) d[i * h * f + k * f + j] += n->grad[i * f + j] / (float)h;
}

/* ---- losses (1 x 1 outputs) ------------------------------------------ */

static bool ce_row(const gnn_node *n, int64_t i)
{
    return n->labels[i] >= 0 && (!n->mask || n->mask[i] == n->i1);
}

int tg_gnn_i_ce(gnn_tape *t, int logits, const int32_t *labels, const uint8_t *mask, int64_t which)
{
    if (logits < 0) return -1;
    int id = push(t, OP_CE, logits, -1, 1, 1, true);
    if (id < 0) return -1;
    float *p = tg_gnn_i_tape_floats(t, SIZE(&t->nodes[logits]));
    if (!p) return -1;
    gnn_node *n = &t->nodes[id];
    n->labels = labels;
    n->mask = mask;
    n->i1 = which;
    n->aux = p;
    return run(t, id);
}

/* Rows lo .. hi-1 of the cross-entropy: probabilities into aux, the summed
 * loss and the number of rows counted returned through *loss and *cnt. */
static void ce_rows(const gnn_node *n, const gnn_node *A, int64_t lo, int64_t hi, double *loss, int64_t *cnt)
{
    const int64_t c = A->cols;
    double e[64];   /* exp of a row (c <= 64), else computed twice */
    for (int64_t i = lo; i < hi; i++) {
        if (!ce_row(n, i)) continue;
        const float *z = A->val + i * c;
        float mx = z[0];
        for (int64_t j = 1; j < c; j++) mx = fmaxf(mx, z[j]);
        double s = 0;
        for (int64_t j = 0; j < c; j++) {
            double v = exp((double)z[j] - mx);
            if (c <= 64) e[j] = v;
            s += v;
        }
        for (int64_t j = 0; j < c; j++) n->aux[i * c + j] = (float)((c <= 64 ? e[j] : exp((double)z[j] - mx)) / s);
        *loss -= (double)z[n->labels[i]] - mx - log(s);
        (*cnt)++;
    }
}

/* Large inputs: 64 fixed row chunks in parallel, their losses added in
 * chunk order (the same for any thread count); small ones in one pass. */
static void ce_fwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n);
    int64_t cnt = 0;
    double loss = 0;
    if (A->rows < 32768) ce_rows(n, A, 0, A->rows, &loss, &cnt);
    else {
        double pl[64] = {0};
        int64_t pc[64] = {0};
        const int64_t per = (A->rows + 63) / 64;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (int ch = 0; ch < 64; ch++)
            ce_rows(n, A, ch * per < A->rows ? ch * per : A->rows, (ch + 1) * per < A->rows ? (ch + 1) * per : A->rows,
                    &pl[ch], &pc[ch]);
        for (int ch = 0; ch < 64; ch++) {
            loss += pl[ch];
            cnt += pc[ch];
        }
    }
    n->i0 = cnt;
    n->val[0] = cnt ? (float)(loss / (double)cnt) : 0.0f;
}

static void ce_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n);
    int64_t c = A->cols;
    if (!A->grad || !n->i0) return;
    float s = n->grad[0] / (float)n->i0;
    OMP_ROWS(A->rows)
    for (int64_t i = 0; i < A->rows; i++) {
        if (!ce_row(n, i)) continue;
        for (int64_t j = 0; j < c; j++)
            A->grad[i * c + j] += s * (n->aux[i * c + j] - (j == n->labels[i] ? 1.0f : 0.0f));
    }
}

int tg_gnn_i_regress(gnn_tape *t, gnn_op op, int a, const float *target)
{
    return tg_gnn_i_regress_masked(t, op, a, target, NULL, 0);
}

int tg_gnn_i_regress_masked(gnn_tape *t, gnn_op op, int a, const float *target, const uint8_t *mask, int64_t which)
{
    if (a < 0) return -1;
    assert(op == OP_MSE || op == OP_MAE || op == OP_BCE_LOGITS);
    int id = push(t, op, a, -1, 1, 1, true);
    if (id >= 0) {
        t->nodes[id].target = target;
        t->nodes[id].mask = mask;
        t->nodes[id].i1 = which;
    }
    return run(t, id);
}

/* Rows of a that count: all, or those whose mask byte is i1. */
static bool reg_row(const gnn_node *n, int64_t i) { return !n->mask || n->mask[i] == n->i1; }

static void regress_fwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n);
    double s = 0;
    int64_t cnt = 0;
    for (int64_t r = 0; r < A->rows; r++) {
        if (!reg_row(n, r)) continue;
        for (int64_t c = 0; c < A->cols; c++) {
            int64_t i = r * A->cols + c;
            double x = A->val[i], y = n->target[i];
            if (n->op == OP_MSE) s += (x - y) * (x - y);
            else if (n->op == OP_MAE) s += fabs(x - y);
            else s += (x > 0 ? x : 0) - x * y + log1p(exp(-fabs(x)));
        }
        cnt += A->cols;
    }
    n->i0 = cnt;
    n->val[0] = cnt ? (float)(s / (double)cnt) : 0.0f;
}

static void regress_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n);
    if (!A->grad || !n->i0) return;
    float s = n->grad[0] / (float)n->i0;
    for (int64_t r = 0; r < A->rows; r++) {
        if (!reg_row(n, r)) continue;
        for (int64_t c = 0; c < A->cols; c++) {
            int64_t i = r * A->cols + c;
            float x = A->val[i], y = n->target[i], d;
            if (n->op == OP_MSE) d = 2 * (x - y);
            else if (n->op == OP_MAE) d = x > y ? 1.0f : x < y ? -1.0f : 0.0f;
            else d = (x >= 0 ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x))) - y;
            A->grad[i] += s * d;
        }
    }
}

int tg_gnn_i_kl_normal(gnn_tape *t, int mu, int logstd)
{
    if (mu < 0 || logstd < 0) return -1;
    assert(t->nodes[mu].rows == t->nodes[logstd].rows && t->nodes[mu].cols == t->nodes[logstd].cols);
    return run(t, push(t, OP_KL_NORMAL, mu, logstd, 1, 1, true));
}

static void kl_fwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *M = IN_A(t, n), *S = IN_B(t, n);
    size_t sz = SIZE(M);
    double s = 0;
    for (size_t i = 0; i < sz; i++) {
        double mu = M->val[i], ls = S->val[i];
        s += 1 + 2 * ls - mu * mu - exp(2 * ls);
    }
    n->val[0] = M->rows ? (float)(-0.5 * s / (double)M->rows) : 0.0f;
}

static void kl_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *M = IN_A(t, n), *S = IN_B(t, n);
    size_t sz = SIZE(M);
    if (!M->rows) return;
    float s = n->grad[0] / (float)M->rows;
    for (size_t i = 0; i < sz; i++) {
        if (M->grad) M->grad[i] += s * M->val[i];
        if (S->grad) S->grad[i] += s * (expf(2 * S->val[i]) - 1.0f);
    }
}

int tg_gnn_i_pair_dot(gnn_tape *t, int z, int64_t p, const int32_t *pairs)
{
    if (z < 0) return -1;
    int id = push(t, OP_PAIR_DOT, z, -1, p, 1, true);
    if (id >= 0) t->nodes[id].pairs = pairs;
    return run(t, id);
}

static void pair_dot_fwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *Z = IN_A(t, n);
    int64_t f = Z->cols;
    OMP_ROWS(n->rows)
    for (int64_t k = 0; k < n->rows; k++) {
        const float *a = Z->val + (int64_t)n->pairs[2 * k] * f, *b = Z->val + (int64_t)n->pairs[2 * k + 1] * f;
        float s = 0;
        for (int64_t j = 0; j < f; j++) s += a[j] * b[j];
        n->val[k] = s;
    }
}

static void pair_dot_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *Z = IN_A(t, n);
    int64_t f = Z->cols;
    if (!Z->grad) return;
    for (int64_t k = 0; k < n->rows; k++) {
        int64_t i = n->pairs[2 * k], j = n->pairs[2 * k + 1];
        float g = n->grad[k];
        for (int64_t q = 0; q < f; q++) {
            Z->grad[i * f + q] += g * Z->val[j * f + q];
            Z->grad[j * f + q] += g * Z->val[i * f + q];
        }
    }
}

/* ---- sparse input ------------------------------------------------------- */

int tg_gnn_i_sparse_matmul(gnn_tape *t, int64_t n, const int64_t *rowptr, const int32_t *col, const float *val,
                           float p, int w)
{
    if (w < 0) return -1;
    assert(p >= 0 && p < 1);
    int id = push(t, OP_SPARSE_MATMUL, w, -1, n, t->nodes[w].cols, true);
    if (id < 0) return -1;
    size_t nnz = (size_t)rowptr[n];
    uint8_t *mask = (uint8_t *)tg_gnn_i_tape_floats(t, nnz / 4 + 1);
    if (!mask) return -1;
    gnn_node *nd = &t->nodes[id];
    nd->rowptr = rowptr;
    nd->pairs = col;
    nd->target = val;
    nd->f0 = t->training ? p : 0.0f;
    nd->aux = (float *)(void *)mask;
    /* Dropout of a sparse input only touches its nonzeros (the zeros stay
     * zero): Kipf & Welling's sparse dropout.  Same stream as OP_DROPOUT. */
    const uint32_t thr = (uint32_t)lround((double)nd->f0 * 65536.0);
    if (nd->f0 <= 0) {   /* evaluation or p = 0: keep all, draw nothing from the stream */
        memset(mask, 1, nnz);
        return run(t, id);
    }
    tg_rng r = t->rng;
    for (size_t i = 0; i < nnz; i += 4) {
        uint64_t u = tg_rng_u64(&r);
        for (size_t k = i; k < i + 4 && k < nnz; k++, u >>= 16) mask[k] = (uint32_t)(u & 0xffff) >= thr;
    }
    t->rng = r;
    return run(t, id);
}

/* ---- dense input: dropout folded into the first product ------------------ */

/* The dropout draws of a dense input come from a counter-based stream: word
 * q of the node (four 16-bit draws) is mix64(key + (q + 1) * golden), key
 * one number from the tape's stream, and the words are numbered row by row
 * (ceil(k / 4) per row).  Any element's keep/drop is recomputed where it is
 * needed, on any thread, so neither the dropped copy of X (256 MB for
 * 1M x 64) nor a mask is stored: backward draws the same bits again. */
#define GOLDEN 0x9E3779B97F4A7C15ull
#define DM_TILE 256   /* columns of X handled at once (a 1 KB row buffer) */
#define DM_CHUNKS 64  /* row chunks of backward's partial sums (see dense_matmul_bwd) */

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int tg_gnn_i_dropout_matmul(gnn_tape *t, int64_t n, int64_t k, const float *x, float p, int w)
{
    if (w < 0) return -1;
    assert(p >= 0 && p < 1 && t->nodes[w].rows == k);
    int id = push(t, OP_SPARSE_MATMUL, w, -1, n, t->nodes[w].cols, RAW);
    if (id < 0) return -1;
    gnn_node *nd = &t->nodes[id];
    nd->rowptr = NULL;   /* dense X */
    nd->target = x;
    nd->i0 = k;
    nd->f0 = t->training ? p : 0.0f;
    nd->i1 = nd->f0 > 0 ? (int64_t)(tg_rng_u64(&t->rng) >> 1) : 0;
    if (nd->req) {   /* backward's per-chunk partial sums of dW */
        int64_t nch = n < DM_CHUNKS ? (n ? n : 1) : DM_CHUNKS;
        float *part = tg_gnn_i_tape_floats_raw(t, (size_t)(nch * k * t->nodes[w].cols));
        if (!part) return -1;
        t->nodes[id].aux = part;
    }
    return run(t, id);
}

/* Row i's kept elements among columns j0 .. j0 + len - 1 (j0 a multiple of
 * 4): their values, already scaled by 1 / (1 - p), in xv and their columns
 * in xj; returns how many.  Compacted without branches (a random branch per
 * element mispredicts half the time), so the products below skip the
 * dropped half instead of multiplying by zero. */
static inline int64_t dense_kept(const gnn_node *n, int64_t i, int64_t j0, int64_t len, float *restrict xv,
                                 int32_t *restrict xj)
{
    const float *restrict x = n->target + i * n->i0 + j0;
    if (n->f0 <= 0) {
        for (int64_t j = 0; j < len; j++) {
            xv[j] = x[j];
            xj[j] = (int32_t)(j0 + j);
        }
        return len;
    }
    const uint32_t thr = (uint32_t)lround((double)n->f0 * 65536.0);
    const float keep = 1.0f / (1.0f - n->f0);
    const uint64_t word0 = (uint64_t)(i * ((n->i0 + 3) / 4) + j0 / 4);
    int64_t cnt = 0;
    for (int64_t j = 0; j < len; j += 4) {
        uint64_t u = mix64((uint64_t)n->i1 + (word0 + (uint64_t)j / 4 + 1) * GOLDEN);
        for (int64_t q = j; q < j + 4 && q < len; q++, u >>= 16) {
            xv[cnt] = x[q] * keep;
            xj[cnt] = (int32_t)(j0 + q);
            cnt += (uint32_t)(u & 0xffff) >= thr;
        }
    }
    return cnt;
}


/* out row = sum of kept x_j W[j]; c a constant after inlining. */
static inline __attribute__((always_inline)) void dense_row_fwd(const gnn_node *n, const float *restrict W,
                                                                int64_t i, const int64_t c)
{
    float xv[DM_TILE];
    int32_t xj[DM_TILE];
    float *restrict o = n->val + i * c;
    for (int64_t q = 0; q < c; q++) o[q] = 0;
    for (int64_t j0 = 0; j0 < n->i0; j0 += DM_TILE) {
        const int64_t cnt = dense_kept(n, i, j0, n->i0 - j0 < DM_TILE ? n->i0 - j0 : DM_TILE, xv, xj);
        for (int64_t e = 0; e < cnt; e++) {
            const float v = xv[e];
            const float *restrict wr = W + (int64_t)xj[e] * c;
            for (int64_t q = 0; q < c; q++) o[q] += v * wr[q];
        }
    }
}

WIDE_CLONES static void dense_rows_fwd(const gnn_node *n, const float *W, int64_t lo, int64_t hi)
{
    for (int64_t i = lo; i < hi; i++) {
        if (n->cols == 16) dense_row_fwd(n, W, i, 16);
        else if (n->cols == 8) dense_row_fwd(n, W, i, 8);
        else dense_row_fwd(n, W, i, n->cols);
    }
}

/* d[j] += x_j g for the kept x_j of row i. */
static inline __attribute__((always_inline)) void dense_row_bwd(const gnn_node *n, float *restrict d, int64_t i,
                                                                const int64_t c)
{
    float xv[DM_TILE];
    int32_t xj[DM_TILE];
    const float *restrict g = n->grad + i * c;
    for (int64_t j0 = 0; j0 < n->i0; j0 += DM_TILE) {
        const int64_t cnt = dense_kept(n, i, j0, n->i0 - j0 < DM_TILE ? n->i0 - j0 : DM_TILE, xv, xj);
        for (int64_t e = 0; e < cnt; e++) {
            const float v = xv[e];
            float *restrict dr = d + (int64_t)xj[e] * c;
            for (int64_t q = 0; q < c; q++) dr[q] += v * g[q];
        }
    }
}

WIDE_CLONES static void dense_rows_bwd(const gnn_node *n, float *d, int64_t lo, int64_t hi)
{
    for (int64_t i = lo; i < hi; i++) {
        if (n->cols == 16) dense_row_bwd(n, d, i, 16);
        else if (n->cols == 8) dense_row_bwd(n, d, i, 8);
        else dense_row_bwd(n, d, i, n->cols);
    }
}

/* out = dropout(X) W, in blocks of 256 rows (one call of the row kernel). */
static void dense_matmul_fwd(gnn_tape *t, gnn_node *n)
{
    const float *W = IN_A(t, n)->val;
    const int64_t nb = (n->rows + 255) / 256;
    OMP_ROWS(n->rows)
    for (int64_t b = 0; b < nb; b++) dense_rows_fwd(n, W, b * 256, (b + 1) * 256 < n->rows ? (b + 1) * 256 : n->rows);
}

/* dW += dropout(X)^T G.  Rows are cut into at most DM_CHUNKS fixed chunks
 * (independent of the thread count); each chunk sums its rows' outer
 * products into its own k x c slice of aux, in parallel, and the slices are
 * added in chunk order: the same result for any number of threads. */
static void dense_matmul_bwd(gnn_tape *t, gnn_node *n)
{
    float *dW = IN_A(t, n)->grad;
    if (!dW) return;
    const int64_t kc = n->i0 * n->cols;
    const int64_t nch = n->rows < DM_CHUNKS ? (n->rows ? n->rows : 1) : DM_CHUNKS;
    const int64_t per = (n->rows + nch - 1) / nch;
    float *part = n->aux;   /* nch x k x c, from the arena at construction */
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (n->rows >= 32768)
#endif
    for (int64_t ch = 0; ch < nch; ch++) {
        memset(part + ch * kc, 0, sizeof(float) * (size_t)kc);
        const int64_t lo = ch * per;
        if (lo < n->rows) dense_rows_bwd(n, part + ch * kc, lo, lo + per < n->rows ? lo + per : n->rows);
    }
    for (int64_t ch = 0; ch < nch; ch++) acc(dW, part + ch * kc, kc);
}

static void sparse_matmul_fwd(gnn_tape *t, gnn_node *n)
{
    const float *restrict W = IN_A(t, n)->val;
    if (!n->rowptr) {
        dense_matmul_fwd(t, n);
        return;
    }
    const uint8_t *mask = (const uint8_t *)(const void *)n->aux;
    const float keep = 1.0f / (1.0f - n->f0);
    int64_t c = n->cols;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++) {
        float *restrict o = n->val + i * c;
        for (int64_t q = n->rowptr[i]; q < n->rowptr[i + 1]; q++) {
            const float v = mask[q] ? n->target[q] * keep : 0.0f;
            const float *restrict wr = W + (int64_t)n->pairs[q] * c;
#ifdef _OPENMP
#pragma omp simd
#endif
            for (int64_t k = 0; k < c; k++) o[k] += v * wr[k];
        }
    }
}

static void sparse_matmul_bwd(gnn_tape *t, gnn_node *n)
{
    if (!n->rowptr) {
        dense_matmul_bwd(t, n);
        return;
    }
    float *dW = IN_A(t, n)->grad;
    const uint8_t *mask = (const uint8_t *)(const void *)n->aux;
    const float keep = 1.0f / (1.0f - n->f0);
    int64_t c = n->cols;
    if (!dW) return;
    /* dW[j] += x_ij g_i: rows of dW are scattered to, so serial (cheap: nnz x c). */
    for (int64_t i = 0; i < n->rows; i++) {
        const float *restrict g = n->grad + i * c;
        for (int64_t q = n->rowptr[i]; q < n->rowptr[i + 1]; q++) {
            const float v = mask[q] ? n->target[q] * keep : 0.0f;
            float *restrict d = dW + (int64_t)n->pairs[q] * c;
            for (int64_t k = 0; k < c; k++) d[k] += v * g[k];
        }
    }
}

/* ---- graph pooling ------------------------------------------------------ */

int tg_gnn_i_pool(gnn_tape *t, int a, int64_t ng, const int64_t *gptr, int kind)
{
    if (a < 0) return -1;
    assert(kind >= 0 && kind <= 2 && gptr[ng] == t->nodes[a].rows);
    int id = push(t, OP_POOL, a, -1, ng, t->nodes[a].cols, true);
    if (id < 0) return -1;
    t->nodes[id].rowptr = gptr;
    t->nodes[id].i0 = kind;
    if (kind == 2) {
        float *s = tg_gnn_i_tape_floats(t, SIZE(&t->nodes[id]));
        if (!s) return -1;
        t->nodes[id].iaux = (int32_t *)(void *)s;
    }
    return run(t, id);
}

static void pool_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val;
    int64_t c = n->cols;
    for (int64_t k = 0; k < n->rows; k++) {
        int64_t lo = n->rowptr[k], hi = n->rowptr[k + 1];
        float *o = n->val + k * c;
        for (int64_t j = 0; j < c; j++) {
            if (n->i0 == 2) {
                int32_t best = -1;
                float v = 0;   /* an empty graph pools to 0 */
                for (int64_t i = lo; i < hi; i++)
                    if (best < 0 || x[i * c + j] > v) {
                        v = x[i * c + j];
                        best = (int32_t)i;
                    }
                o[j] = v;
                n->iaux[k * c + j] = best;
                continue;
            }
            float s = 0;
            for (int64_t i = lo; i < hi; i++) s += x[i * c + j];
            o[j] = n->i0 == 1 && hi > lo ? s / (float)(hi - lo) : s;
        }
    }
}

static void pool_bwd(gnn_tape *t, gnn_node *n)
{
    float *d = IN_A(t, n)->grad;
    int64_t c = n->cols;
    if (!d) return;
    for (int64_t k = 0; k < n->rows; k++) {
        int64_t lo = n->rowptr[k], hi = n->rowptr[k + 1];
        for (int64_t j = 0; j < c; j++) {
            float g = n->grad[k * c + j];
            if (n->i0 == 2) {
                if (n->iaux[k * c + j] >= 0) d[(int64_t)n->iaux[k * c + j] * c + j] += g;
                continue;
            }
            if (n->i0 == 1 && hi > lo) g /= (float)(hi - lo);
            for (int64_t i = lo; i < hi; i++) d[i * c + j] += g;
        }
    }
}

/* ---- layer norm ----------------------------------------------------------- */

int tg_gnn_i_layer_norm(gnn_tape *t, int a, int gamma)
{
    if (a < 0 || gamma < 0) return -1;
    assert(t->nodes[gamma].rows == 1 && t->nodes[gamma].cols == t->nodes[a].cols);
    int id = push(t, OP_LAYER_NORM, a, gamma, t->nodes[a].rows, t->nodes[a].cols, true);
    if (id < 0) return -1;
    float *aux = tg_gnn_i_tape_floats(t, SIZE(&t->nodes[id]) + (size_t)t->nodes[id].rows);
    if (!aux) return -1;
    t->nodes[id].aux = aux;
    return run(t, id);
}

static void layer_norm_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *gm = IN_B(t, n)->val;
    int64_t c = n->cols;
    float *xh = n->aux, *rstd = n->aux + n->rows * c;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++) {
        double mu = 0, var = 0;
        for (int64_t j = 0; j < c; j++) mu += x[i * c + j];
        mu /= (double)c;
        for (int64_t j = 0; j < c; j++) var += (x[i * c + j] - mu) * (x[i * c + j] - mu);
        float r = (float)(1.0 / sqrt(var / (double)c + 1e-5));
        rstd[i] = r;
        for (int64_t j = 0; j < c; j++) {
            xh[i * c + j] = (float)(x[i * c + j] - mu) * r;
            n->val[i * c + j] = xh[i * c + j] * gm[j];
        }
    }
}

static void layer_norm_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *X = IN_A(t, n), *G = IN_B(t, n);
    int64_t c = n->cols;
    const float *xh = n->aux, *rstd = n->aux + n->rows * c;
    if (G->grad)
        for (int64_t i = 0; i < n->rows; i++)
            for (int64_t j = 0; j < c; j++) G->grad[j] += n->grad[i * c + j] * xh[i * c + j];
    if (!X->grad) return;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++) {
        /* dx = rstd (dxh - mean(dxh) - xh mean(dxh xh)), dxh = g gamma */
        double s1 = 0, s2 = 0;
        for (int64_t j = 0; j < c; j++) {
            double dxh = (double)n->grad[i * c + j] * G->val[j];
            s1 += dxh;
            s2 += dxh * xh[i * c + j];
        }
        s1 /= (double)c;
        s2 /= (double)c;
        for (int64_t j = 0; j < c; j++) {
            double dxh = (double)n->grad[i * c + j] * G->val[j];
            X->grad[i * c + j] += (float)(rstd[i] * (dxh - s1 - xh[i * c + j] * s2));
        }
    }
}

/* ---- batch norm ----------------------------------------------------------- */

/* aux: normalised values (rows x f), then 1/std, mean and variance (f each). */
int tg_gnn_i_batch_norm(gnn_tape *t, int a, int gamma, const float *run_mean, const float *run_var)
{
    if (a < 0 || gamma < 0) return -1;
    assert(t->nodes[gamma].rows == 1 && t->nodes[gamma].cols == t->nodes[a].cols && !run_mean == !run_var);
    int id = push(t, OP_BATCH_NORM, a, gamma, t->nodes[a].rows, t->nodes[a].cols, RAW);
    if (id < 0) return -1;
    int64_t f = t->nodes[id].cols;
    float *aux = tg_gnn_i_tape_floats(t, SIZE(&t->nodes[id]) + 3 * (size_t)f);
    if (!aux) return -1;
    gnn_node *n = &t->nodes[id];
    n->aux = aux;
    if (run_mean) {
        n->i0 = 1;
        memcpy(aux + n->rows * f + f, run_mean, sizeof(float) * (size_t)f);
        memcpy(aux + n->rows * f + 2 * f, run_var, sizeof(float) * (size_t)f);
    }
    return run(t, id);
}

const float *tg_gnn_i_batch_norm_stats(const gnn_tape *t, int id)
{
    const gnn_node *n = &t->nodes[id];
    assert(n->op == OP_BATCH_NORM);
    return n->aux + n->rows * n->cols + n->cols;
}

static void batch_norm_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *gm = IN_B(t, n)->val;
    int64_t r = n->rows, c = n->cols;
    float *xh = n->aux, *rstd = xh + r * c, *mean = rstd + c, *var = mean + c;
    for (int64_t j = 0; j < c; j++) {
        if (n->i0 == 0) {   /* batch statistics, biased variance (as torch in training) */
            double mu = 0, v = 0;
            for (int64_t i = 0; i < r; i++) mu += x[i * c + j];
            mu = r ? mu / (double)r : 0;
            for (int64_t i = 0; i < r; i++) v += (x[i * c + j] - mu) * (x[i * c + j] - mu);
            mean[j] = (float)mu;
            var[j] = r ? (float)(v / (double)r) : 0.0f;
        }
        rstd[j] = (float)(1.0 / sqrt((double)var[j] + 1e-5));
    }
    OMP_ROWS(r)
    for (int64_t i = 0; i < r; i++)
        for (int64_t j = 0; j < c; j++) {
            xh[i * c + j] = (x[i * c + j] - mean[j]) * rstd[j];
            n->val[i * c + j] = xh[i * c + j] * gm[j];
        }
}

static void batch_norm_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *X = IN_A(t, n), *G = IN_B(t, n);
    int64_t r = n->rows, c = n->cols;
    const float *xh = n->aux, *rstd = xh + r * c;
    if (G->grad)
        for (int64_t i = 0; i < r; i++)
            for (int64_t j = 0; j < c; j++) G->grad[j] += n->grad[i * c + j] * xh[i * c + j];
    if (!X->grad || !r) return;
    for (int64_t j = 0; j < c; j++) {
        /* Training: dx = rstd (dxh - mean(dxh) - xh mean(dxh xh)), dxh = g gamma,
         * the means over the rows (the statistics depend on every row);
         * evaluation: the statistics are constants, dx = rstd dxh. */
        double s1 = 0, s2 = 0;
        if (n->i0 == 0) {
            for (int64_t i = 0; i < r; i++) {
                double dxh = (double)n->grad[i * c + j] * G->val[j];
                s1 += dxh;
                s2 += dxh * xh[i * c + j];
            }
            s1 /= (double)r;
            s2 /= (double)r;
        }
        for (int64_t i = 0; i < r; i++) {
            double dxh = (double)n->grad[i * c + j] * G->val[j];
            X->grad[i * c + j] += (float)(rstd[j] * (dxh - s1 - xh[i * c + j] * s2));
        }
    }
}

/* ---- per-edge weights -------------------------------------------------------- */

int tg_gnn_i_edge_scale(gnn_tape *t, int a, int w)
{
    if (a < 0 || w < 0) return -1;
    assert(t->nodes[w].rows == t->nodes[a].rows && t->nodes[w].cols == 1);
    return run(t, push(t, OP_EDGE_SCALE, a, w, t->nodes[a].rows, t->nodes[a].cols, RAW));
}

static void edge_scale_fwd(gnn_tape *t, gnn_node *n)
{
    const float *x = IN_A(t, n)->val, *w = IN_B(t, n)->val;
    int64_t c = n->cols;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t j = 0; j < c; j++) n->val[i * c + j] = x[i * c + j] * w[i];
}

static void edge_scale_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *X = IN_A(t, n), *W = IN_B(t, n);
    int64_t c = n->cols;
    OMP_ROWS(n->rows)
    for (int64_t i = 0; i < n->rows; i++) {
        float s = 0;
        for (int64_t j = 0; j < c; j++) {
            if (X->grad) X->grad[i * c + j] += n->grad[i * c + j] * W->val[i];
            s += n->grad[i * c + j] * X->val[i * c + j];
        }
        if (W->grad) W->grad[i] += s;
    }
}

/* ---- column slice (VGAE: [mu | log sigma] from one encoder output) ------ */

int tg_gnn_i_slice_cols(gnn_tape *t, int a, int64_t c0, int64_t c)
{
    if (a < 0) return -1;
    assert(c0 >= 0 && c >= 1 && c0 + c <= t->nodes[a].cols);
    int id = push(t, OP_SLICE_COLS, a, -1, t->nodes[a].rows, c, RAW);
    if (id < 0) return -1;
    t->nodes[id].i0 = c0;
    return run(t, id);
}

static void slice_cols_fwd(gnn_tape *t, gnn_node *n)
{
    const gnn_node *A = IN_A(t, n);
    for (int64_t i = 0; i < n->rows; i++)
        memcpy(n->val + i * n->cols, A->val + i * A->cols + n->i0, sizeof(float) * (size_t)n->cols);
}

static void slice_cols_bwd(gnn_tape *t, gnn_node *n)
{
    gnn_node *A = IN_A(t, n);
    if (!A->grad) return;
    for (int64_t i = 0; i < n->rows; i++)
        for (int64_t j = 0; j < n->cols; j++) A->grad[i * A->cols + n->i0 + j] += n->grad[i * n->cols + j];
}

/* ---- dense reconstruction loss (Kipf & Welling's GAE) ------------------ */

/* The mean over all n^2 pairs (i, j) of the weighted binary
 * cross-entropy of the logit z_i . z_j against A_ij (1 iff j -> i is an edge
 * of g, self loops included), positives weighted by pos_weight.  aux holds
 * dLoss/dlogit (n x n) for backward.  i0 = 1: g is symmetric (the caller
 * knows), so are the logits and their gradient, and only the upper
 * triangle is computed (half the work: ssyrk, ssymm). */
static int gram_bce(gnn_tape *t, int z, const tg_gnn_graph *g, float pos_weight, int sym)
{
    if (z < 0) return -1;
    assert(g->n == t->nodes[z].rows);
    int id = push(t, OP_GRAM_BCE, z, -1, 1, 1, RAW);
    if (id < 0) return -1;
    size_t n = (size_t)g->n;
    float *aux = tg_gnn_i_tape_floats_raw(t, n * n + n);
    if (!aux) return -1;
    gnn_node *nd = &t->nodes[id];
    nd->aux = aux;
    nd->g = g;
    nd->f0 = pos_weight;
    nd->i0 = sym;
    return run(t, id);
}

int tg_gnn_i_gram_bce(gnn_tape *t, int z, const tg_gnn_graph *g, float pos_weight)
{
    return gram_bce(t, z, g, pos_weight, 0);
}

int tg_gnn_i_gram_bce_sym(gnn_tape *t, int z, const tg_gnn_graph *g, float pos_weight)
{
    return gram_bce(t, z, g, pos_weight, 1);
}

static inline float softplus_e(float x, float e) { return (x > 0 ? x : 0.0f) + logf(1.0f + e); }

static void gram_bce_fwd(gnn_tape *t, gnn_node *nd)
{
    const gnn_node *Z = IN_A(t, nd);
    const tg_gnn_graph *g = nd->g;
    const int64_t n = Z->rows, f = Z->cols;
    const bool sym = nd->i0 == 1;
    float *G = nd->aux, *rowsum = nd->aux + n * n;
    const float pw = nd->f0, c = 1.0f / ((float)n * (float)n);
    if (sym)
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)f, 1.0f, Z->val, (int)f, 0.0f, G, (int)n);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)f, 1.0f, Z->val, (int)f, Z->val,
                    (int)f, 0.0f, G, (int)n);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) if (n * n >= (1 << 20))
#endif
    for (int64_t i = 0; i < n; i++) {
        float *row = G + i * n;
        double l = 0;
        const int64_t j0 = sym ? i : 0;
        /* every pair as a non-edge: loss softplus(x), gradient sigmoid(x);
         * symmetric: an off-diagonal pair stands for (i, j) and (j, i).
         * logf(1 + e), not log1pf: e in (0, 1], so the absolute error is
         * below 1e-7, and log1pf cost half of the epoch. */
        for (int64_t j = j0; j < n; j++) {
            float x = row[j], e = expf(-fabsf(x));
            l += (sym && j > i ? 2.0 : 1.0) * (double)softplus_e(x, e);
            row[j] = c * (x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e));
        }
        /* then the edges: pw softplus(-x) instead, gradient pw (sigmoid(x) - 1) */
        for (int64_t q = g->rowptr[i]; q < g->rowptr[i + 1]; q++) {
            int64_t j = g->src[q];
            if (j < j0) continue;
            double w = sym && j > i ? 2.0 : 1.0, xd = 0;   /* the logit again: row[j] holds a gradient */
            for (int64_t k = 0; k < f; k++) xd += (double)Z->val[i * f + k] * Z->val[j * f + k];
            float x = (float)xd, e = expf(-fabsf(x)), sg = x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
            l += w * ((double)pw * (double)softplus_e(-x, e) - (double)softplus_e(x, e));
            row[j] = c * pw * (sg - 1.0f);
        }
        rowsum[i] = (float)l;
    }
    double l = 0;
    for (int64_t i = 0; i < n; i++) l += rowsum[i];
    nd->val[0] = (float)((double)c * l);
}

static void gram_bce_bwd(gnn_tape *t, gnn_node *nd)
{
    gnn_node *Z = IN_A(t, nd);
    if (!Z->grad) return;
    int64_t n = Z->rows, f = Z->cols;
    /* dZ = (G + G^T) Z g: 2 G Z g from G's upper triangle when symmetric. */
    if (nd->i0 == 1) {
        cblas_ssymm(CblasRowMajor, CblasLeft, CblasUpper, (int)n, (int)f, 2.0f * nd->grad[0], nd->aux, (int)n, Z->val,
                    (int)f, 1.0f, Z->grad, (int)f);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)f, (int)n, nd->grad[0], nd->aux, (int)n, Z->val,
                (int)f, 1.0f, Z->grad, (int)f);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)f, (int)n, nd->grad[0], nd->aux, (int)n, Z->val,
                (int)f, 1.0f, Z->grad, (int)f);
}

/* ---- the table -------------------------------------------------------- */

static void none(gnn_tape *t, gnn_node *n)
{
    (void)t;
    (void)n;
}

static const op_row OPS[] = {
    [OP_LEAF] = {"leaf", none, none},
    [OP_PARAM] = {"param", none, none},
    [OP_MATMUL] = {"matmul", matmul_fwd, matmul_bwd},
    [OP_ADD] = {"add", add_fwd, add_bwd},
    [OP_BIAS] = {"bias", bias_fwd, bias_bwd},
    [OP_MUL] = {"mul", mul_fwd, mul_bwd},
    [OP_SCALE] = {"scale", scale_fwd, scale_bwd},
    [OP_RELU] = {"relu", relu_fwd, relu_bwd},
    [OP_LEAKY_RELU] = {"leaky_relu", leaky_fwd, leaky_bwd},
    [OP_ELU] = {"elu", elu_fwd, elu_bwd},
    [OP_TANH] = {"tanh", tanh_fwd, tanh_bwd},
    [OP_SIGMOID] = {"sigmoid", sigmoid_fwd, sigmoid_bwd},
    [OP_EXP] = {"exp", exp_fwd, exp_bwd},
    [OP_DROPOUT] = {"dropout", dropout_fwd, dropout_bwd},
    [OP_SPMM] = {"spmm", spmm_fwd, spmm_bwd},
    [OP_GATHER_SRC] = {"gather_src", gather_src_fwd, gather_src_bwd},
    [OP_GATHER_DST] = {"gather_dst", gather_dst_fwd, gather_dst_bwd},
    [OP_SCATTER_SUM] = {"scatter_sum", scatter_fwd, scatter_bwd},
    [OP_SCATTER_MEAN] = {"scatter_mean", scatter_fwd, scatter_bwd},
    [OP_SCATTER_MAX] = {"scatter_max", scatter_max_fwd, scatter_max_bwd},
    [OP_EDGE_SOFTMAX] = {"edge_softmax", softmax_fwd, softmax_bwd},
    [OP_HEAD_DOT] = {"head_dot", head_dot_fwd, head_dot_bwd},
    [OP_GAT_AGG] = {"gat_agg", gat_agg_fwd, gat_agg_bwd},
    [OP_HEAD_MEAN] = {"head_mean", head_mean_fwd, head_mean_bwd},
    [OP_CE] = {"cross_entropy", ce_fwd, ce_bwd},
    [OP_MSE] = {"mse", regress_fwd, regress_bwd},
    [OP_MAE] = {"mae", regress_fwd, regress_bwd},
    [OP_BCE_LOGITS] = {"bce_logits", regress_fwd, regress_bwd},
    [OP_KL_NORMAL] = {"kl_normal", kl_fwd, kl_bwd},
    [OP_PAIR_DOT] = {"pair_dot", pair_dot_fwd, pair_dot_bwd},
    [OP_SPARSE_MATMUL] = {"sparse_matmul", sparse_matmul_fwd, sparse_matmul_bwd},
    [OP_POOL] = {"pool", pool_fwd, pool_bwd},
    [OP_LAYER_NORM] = {"layer_norm", layer_norm_fwd, layer_norm_bwd},
    [OP_BATCH_NORM] = {"batch_norm", batch_norm_fwd, batch_norm_bwd},
    [OP_EDGE_SCALE] = {"edge_scale", edge_scale_fwd, edge_scale_bwd},
    [OP_SLICE_COLS] = {"slice_cols", slice_cols_fwd, slice_cols_bwd},
    [OP_GRAM_BCE] = {"gram_bce", gram_bce_fwd, gram_bce_bwd},
};
/* Every op has its row: the table is exactly as long as the enum, and the
 * unit test checks that no row in between was left empty. */
_Static_assert(sizeof OPS / sizeof OPS[0] == OP_COUNT, "OPS must cover every gnn_op");

const char *tg_gnn_i_op_name(gnn_op op)
{
    return op >= 0 && op < OP_COUNT && OPS[op].fwd && OPS[op].bwd ? OPS[op].name : NULL;
}

tg_status tg_gnn_i_backward_seed(gnn_tape *t, int out, int64_t at, const float *seed, char *msg)
{
    if (t->err != TG_OK || out < 0) {
        if (t->err == TG_OK) return tg_msg(msg, TG_ERR_ARG, "gnn: backward of an invalid node");
        return tg_msg(msg, t->err, "%s", t->msg);
    }
    assert(at >= 0 && (size_t)at < SIZE(&t->nodes[out]));
    /* Gradient buffers live only as long as backward needs them: an input's
     * is taken (zeroed) just before the first kernel that adds into it, and
     * a node's is given back to the arena once its own kernel ran, so the
     * next one reuses the block (a 2-layer GCN on 1M nodes holds 4 instead
     * of 9 gradients of 32-64 MB).  Leaves keep theirs (saliency and the
     * gradient checks read them); parameters' belong to the model.  A node
     * that got no gradient (nothing downstream reached it) has a zero one:
     * its kernel is skipped. */
    for (int k = 0; k <= out; k++) {
        gnn_node *n = &t->nodes[k];
        if (n->req && !n->grad && (k == out || n->op == OP_LEAF) && !(n->grad = tg_gnn_i_tape_floats(t, SIZE(n))))
            return tg_msg(msg, t->err, "%s", t->msg);
    }
    if (!t->nodes[out].req) return TG_OK;
    if (seed) memcpy(t->nodes[out].grad, seed, sizeof(float) * SIZE(&t->nodes[out]));
    else t->nodes[out].grad[at] = 1.0f;
    for (int k = out; k >= 0; k--) {
        gnn_node *n = &t->nodes[k];
        if (!n->req || !n->grad) continue;
        int in[2] = {n->a, n->b};
        for (int q = 0; q < 2; q++) {
            gnn_node *x = in[q] >= 0 ? &t->nodes[in[q]] : NULL;
            if (x && x->req && !x->grad && !(x->grad = tg_gnn_i_tape_floats(t, SIZE(x))))
                return tg_msg(msg, t->err, "%s", t->msg);
        }
        double t0 = t->prof ? tg_now() : 0;
        OPS[n->op].bwd(t, n);
        if (t->prof && (size_t)k < t->prof_n) t->prof[2 * k + 1] = tg_now() - t0;
        if (n->op != OP_LEAF && n->op != OP_PARAM) {
            tg_gnn_i_tape_release(t, n->grad, SIZE(n));
            n->grad = NULL;
        }
    }
    return TG_OK;
}

tg_status tg_gnn_i_backward(gnn_tape *t, int out, char *msg)
{
    assert(out < 0 || (t->nodes[out].rows == 1 && t->nodes[out].cols == 1));
    return tg_gnn_i_backward_seed(t, out, 0, NULL, msg);
}

tg_status tg_gnn_i_backward_at(gnn_tape *t, int out, int64_t at, char *msg)
{
    return tg_gnn_i_backward_seed(t, out, at, NULL, msg);
}
