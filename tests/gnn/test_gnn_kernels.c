/* test_gnn_kernels.c: the fast paths of the GNN kernels (issue 3's speed
 * work) against plain reference computations written here.
 *
 * - GCN product (OP_SPMM kind 2) forward and backward on a 40000-node random
 *   graph (above the 32768-row threshold, so the parallel path and the
 *   vector clones run): bit-identical to a serial float loop over the edges
 *   in the same order (the kernel promises the same additions in the same
 *   order), for 1 and 2 threads.
 * - Dense dropout folded into X W (tg_gnn_i_dropout_matmul): with W = I the
 *   output is the dropped X itself, so the kept fraction (0.5 +- 0.01 over
 *   320000 draws, > 10 standard deviations) and the scaling (exactly 0 or
 *   2 x) are checked; the same tape seed with a random W gives X_d W and
 *   backward gives X_d^T G, checked against double sums of the same X_d
 *   (float summation of N terms errs by at most ~N x 6e-8 of the sum of
 *   their magnitudes: the tolerance is N x 1.2e-7 of that sum, N = k terms
 *   forward, n / 64 + 64 backward, which sums 64 row chunks); wide rows (300
 *   columns > the 256-column tile) included; 1 and 2 threads bit-identical.
 * - Cross-entropy above 32768 rows (64 parallel chunks): the loss equals the
 *   serial double sum to 1e-6 relative, the same bits for 1 and 2 threads.
 * - Backward's gradient buffers are given back and reused: a chain of 6
 *   ReLUs holds fewer gradient buffers than nodes, and a second epoch on the
 *   same tape needs no new arena.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../test_util.h"
#include "gnn/gnn_internal.h"
#include "gnn/tg_gnn.h"

static void set_threads(int k)
{
#ifdef _OPENMP
    omp_set_num_threads(k);
#else
    (void)k;
#endif
}

static tg_gnn_graph *random_graph(int64_t n, int64_t m, uint64_t seed)
{
    tg_rng r;
    tg_rng_seed(&r, seed);
    int64_t *s = malloc(sizeof *s * (size_t)m), *d = malloc(sizeof *d * (size_t)m);
    for (int64_t k = 0; k < m; k++) {
        s[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
        d[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
    }
    tg_gnn_graph *g = NULL;
    char msg[TG_MSG_LEN];
    assert_int_equal(tg_gnn_graph_new(&g, n, m, s, d, true, msg), TG_OK);
    assert_int_equal(tg_gnn_i_graph_gcn_weights(g, msg), TG_OK);
    free(s);
    free(d);
    return g;
}

static float *random_floats(int64_t n, uint64_t seed)
{
    tg_rng r;
    tg_rng_seed(&r, seed);
    float *x = malloc(sizeof *x * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = (float)(2 * tg_rng_uniform(&r) - 1);
    return x;
}

/* ---- GCN product ---------------------------------------------------------- */

static void test_gcn_product_exact(void **state)
{
    (void)state;
    const int64_t n = 40000, c = 16;
    tg_gnn_graph *g = random_graph(n, 200000, 5);
    float *x = random_floats(n * c, 6), *seed = random_floats(n * c, 7);
    /* The reference: float accumulation per output row, edges in CSR order
     * forward, in oedge order (ascending edge id per source) backward. */
    float *fwd = calloc((size_t)(n * c), sizeof(float)), *bwd = calloc((size_t)(n * c), sizeof(float));
    for (int64_t i = 0; i < n; i++)
        for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++)
            for (int64_t k = 0; k < c; k++) fwd[i * c + k] += g->gcn_w[e] * x[(int64_t)g->src[e] * c + k];
    for (int64_t s = 0; s < n; s++)
        for (int64_t q = g->optr[s]; q < g->optr[s + 1]; q++) {
            int64_t e = g->oedge[q];
            for (int64_t k = 0; k < c; k++) bwd[s * c + k] += g->gcn_w[e] * seed[(int64_t)g->dst[e] * c + k];
        }
    char msg[TG_MSG_LEN];
    for (int th = 1; th <= 2; th++) {
        set_threads(th);
        gnn_tape t;
        tg_gnn_i_tape_init(&t, 1);
        t.training = true;
        int in = tg_gnn_i_leaf(&t, n, c, x);
        t.nodes[in].req = true;
        int out = tg_gnn_i_spmm(&t, g, 2, in);
        assert_true(out >= 0);
        assert_memory_equal(t.nodes[out].val, fwd, sizeof(float) * (size_t)(n * c));
        assert_int_equal(tg_gnn_i_backward_seed(&t, out, 0, seed, msg), TG_OK);
        assert_memory_equal(t.nodes[in].grad, bwd, sizeof(float) * (size_t)(n * c));
        tg_gnn_i_tape_free(&t);
    }
    set_threads(2);
    free(fwd);
    free(bwd);
    free(x);
    free(seed);
    tg_gnn_graph_free(&g);
}

/* ---- dense dropout folded into the product ---------------------------------- */

/* One tape with seed 11: out = dropout_p(X) W, backward seeded with G; copies
 * of out and dW returned. */
static void dropout_matmul(int64_t n, int64_t k, int64_t c, const float *x, float *w, float p, const float *G,
                           float *out, float *dw)
{
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 11);
    t.training = true;
    memset(dw, 0, sizeof(float) * (size_t)(k * c));
    int wn = tg_gnn_i_param(&t, k, c, w, dw);
    int o = tg_gnn_i_dropout_matmul(&t, n, k, x, p, wn);
    assert_true(o >= 0);
    memcpy(out, t.nodes[o].val, sizeof(float) * (size_t)(n * c));
    char msg[TG_MSG_LEN];
    if (G) assert_int_equal(tg_gnn_i_backward_seed(&t, o, 0, G, msg), TG_OK);
    tg_gnn_i_tape_free(&t);
}

static void check_dense(int64_t n, int64_t k, int64_t c)
{
    float *x = random_floats(n * k, 21), *w = random_floats(k * c, 22), *G = random_floats(n * c, 23);
    float *eye = calloc((size_t)(k * k), sizeof(float)), *xd = malloc(sizeof(float) * (size_t)(n * k));
    float *deye = malloc(sizeof(float) * (size_t)(k * k));
    for (int64_t j = 0; j < k; j++) eye[j * k + j] = 1;
    /* W = I: the output is the dropped X; every element 0 or exactly 2x. */
    dropout_matmul(n, k, k, x, eye, 0.5f, NULL, xd, deye);
    int64_t kept = 0;
    for (int64_t i = 0; i < n * k; i++) {
        if (xd[i] != 0) {
            assert_true(xd[i] == 2 * x[i]);
            kept++;
        }
    }
    double frac = (double)kept / (double)(n * k);
    if (n * k >= 100000 && fabs(frac - 0.5) > 0.01) fail_msg("kept fraction %.4f, expected 0.5", frac);
    /* The same seed with W random: X_d W and X_d^T G. */
    float *out[2], *dw[2];
    for (int th = 1; th <= 2; th++) {
        set_threads(th);
        out[th - 1] = malloc(sizeof(float) * (size_t)(n * c));
        dw[th - 1] = malloc(sizeof(float) * (size_t)(k * c));
        dropout_matmul(n, k, c, x, w, 0.5f, G, out[th - 1], dw[th - 1]);
    }
    set_threads(2);
    assert_memory_equal(out[0], out[1], sizeof(float) * (size_t)(n * c));
    assert_memory_equal(dw[0], dw[1], sizeof(float) * (size_t)(k * c));
    for (int64_t i = 0; i < n; i++)
        for (int64_t q = 0; q < c; q++) {
            double s = 0, a = 0;
            for (int64_t j = 0; j < k; j++) {
                s += (double)xd[i * k + j] * w[j * c + q];
                a += fabs((double)xd[i * k + j] * w[j * c + q]);
            }
            if (fabs(out[0][i * c + q] - s) > (double)k * 1.2e-7 * a + 1e-30)
                fail_msg("forward [%lld,%lld]: %.9g, reference %.9g", (long long)i, (long long)q, out[0][i * c + q], s);
        }
    for (int64_t j = 0; j < k; j++)
        for (int64_t q = 0; q < c; q++) {
            double s = 0, a = 0;
            for (int64_t i = 0; i < n; i++) {
                s += (double)xd[i * k + j] * G[i * c + q];
                a += fabs((double)xd[i * k + j] * G[i * c + q]);
            }
            /* n terms summed in float in chunks of n / 64: bound ~(n / 64 + 64) x 6e-8 of sum |terms|. */
            double tol = ((double)n / 64 + 64) * 1.2e-7 * a + 1e-30;
            if (fabs(dw[0][j * c + q] - s) > tol)
                fail_msg("dW [%lld,%lld]: %.9g, reference %.9g", (long long)j, (long long)q, dw[0][j * c + q], s);
        }
    /* Evaluation mode (p given but not training): plain X W. */
    {
        gnn_tape t;
        tg_gnn_i_tape_init(&t, 11);
        int wn = tg_gnn_i_param(&t, k, c, w, NULL);
        int o = tg_gnn_i_dropout_matmul(&t, n, k, x, 0.5f, wn);
        for (int64_t i = 0; i < n && i < 50; i++)
            for (int64_t q = 0; q < c; q++) {
                double s = 0, a = 0;
                for (int64_t j = 0; j < k; j++) {
                    s += (double)x[i * k + j] * w[j * c + q];
                    a += fabs((double)x[i * k + j] * w[j * c + q]);
                }
                assert_true(fabs(t.nodes[o].val[i * c + q] - s) <= (double)k * 1.2e-7 * a + 1e-30);
            }
        tg_gnn_i_tape_free(&t);
    }
    for (int th = 0; th < 2; th++) {
        free(out[th]);
        free(dw[th]);
    }
    free(x);
    free(w);
    free(G);
    free(eye);
    free(xd);
    free(deye);
}

static void test_dropout_matmul(void **state)
{
    (void)state;
    check_dense(40000, 8, 16);   /* parallel path, 16 outputs (the specialised width) */
    check_dense(5, 300, 3);      /* rows wider than one 256-column tile, odd widths */
    check_dense(33000, 12, 8);
}

/* ---- cross-entropy, parallel chunks ------------------------------------------ */

static void test_ce_parallel(void **state)
{
    (void)state;
    const int64_t n = 40000, c = 8;
    float *z = random_floats(n * c, 31);
    int32_t *y = malloc(sizeof *y * (size_t)n);
    uint8_t *mask = malloc((size_t)n);
    for (int64_t i = 0; i < n; i++) {
        y[i] = (int32_t)(i % c);
        mask[i] = (uint8_t)(i % 3 == 0);   /* rows with mask 0 count */
        z[i * c] *= 4;
    }
    double ref = 0;
    int64_t cnt = 0;
    for (int64_t i = 0; i < n; i++) {
        if (mask[i] != 0) continue;
        double mx = z[i * c], s = 0;
        for (int64_t j = 1; j < c; j++) mx = fmax(mx, z[i * c + j]);
        for (int64_t j = 0; j < c; j++) s += exp(z[i * c + j] - mx);
        ref -= z[i * c + y[i]] - mx - log(s);
        cnt++;
    }
    ref /= (double)cnt;
    float loss[2];
    for (int th = 1; th <= 2; th++) {
        set_threads(th);
        gnn_tape t;
        tg_gnn_i_tape_init(&t, 1);
        int a = tg_gnn_i_leaf(&t, n, c, z);
        int l = tg_gnn_i_ce(&t, a, y, mask, 0);
        assert_true(l >= 0);
        loss[th - 1] = t.nodes[l].val[0];
        tg_gnn_i_tape_free(&t);
    }
    set_threads(2);
    assert_memory_equal(&loss[0], &loss[1], sizeof(float));
    if (fabs(loss[0] - ref) > 1e-6 * fabs(ref)) fail_msg("loss %.9g, reference %.9g", loss[0], ref);
    free(z);
    free(y);
    free(mask);
}

/* ---- gradient buffers reused ------------------------------------------------- */

static void test_backward_reuses_gradients(void **state)
{
    (void)state;
    const int64_t n = 1000, c = 16, depth = 6;
    float *x = random_floats(n * c, 41), *seed = random_floats(n * c, 42);
    const size_t blk = (size_t)(n * c) * sizeof(float);
    char msg[TG_MSG_LEN];
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 1);
    size_t cap1 = 0;
    float first[16];
    for (int ep = 0; ep < 2; ep++) {
        assert_int_equal(tg_gnn_i_tape_reset(&t, msg), TG_OK);
        int h = tg_gnn_i_leaf(&t, n, c, x);
        t.nodes[h].req = true;
        int in = h;
        for (int k = 0; k < depth; k++) h = tg_gnn_i_unary(&t, OP_RELU, h, 0);
        assert_int_equal(tg_gnn_i_backward_seed(&t, h, 0, seed, msg), TG_OK);
        /* relu^6 = relu: the input's gradient is seed where x > 0. */
        for (int64_t i = 0; i < n * c; i++) assert_true(t.nodes[in].grad[i] == (x[i] > 0 ? seed[i] : 0.0f));
        /* Values: 6 blocks; gradients: the leaf's plus at most 2 live at a time
         * (the node's and its input's), against 7 if none were given back. */
        assert_true(t.peak <= (size_t)(depth + 3) * (blk + 128));
        for (int k = 0; k < depth; k++) assert_null(t.nodes[in + 1 + k].grad);   /* given back */
        if (ep == 0) {
            memcpy(first, t.nodes[in].grad, sizeof first);
        } else {
            assert_null(t.extra);   /* the second epoch fit in the arena sized by the first */
            assert_int_equal(t.arena_cap, cap1);
            assert_memory_equal(first, t.nodes[in].grad, sizeof first);
        }
        assert_int_equal(tg_gnn_i_tape_reset(&t, msg), TG_OK);
        cap1 = t.arena_cap;
    }
    tg_gnn_i_tape_free(&t);
    free(x);
    free(seed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcn_product_exact),
        cmocka_unit_test(test_dropout_matmul),
        cmocka_unit_test(test_ce_parallel),
        cmocka_unit_test(test_backward_reuses_gradients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
