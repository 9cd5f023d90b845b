/* connectome.c: dynamics on structural connectivity matrices.
 *
 * - Diffusion: y = exp(-t L) x with L = D - W the combinatorial Laplacian,
 *   by Lanczos: an orthonormal Krylov basis V_m of span{x, Lx, ...}, the
 *   tridiagonal T_m = V_m^T L V_m, and y ~ |x| V_m exp(-t T_m) e_1 (Saad
 *   1992); exact (to round-off) once m reaches the Krylov dimension.
 * - Stochastic linear model (Ornstein-Uhlenbeck, Galan 2008 and later
 *   SC->FC work): dx = A x dt + dW with A = -I + g W; the stationary
 *   covariance solves A Q + Q A^T + I = 0, which for symmetric W is
 *   Q = -A^-1 / 2; FC is its correlation matrix.
 * - Kuramoto oscillators coupled by W, classical fourth-order Runge-Kutta.
 * Dense matrices (connectomes have tens to hundreds of regions). */
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static int symmetric(int64_t n, const double *W)
{
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < i; j++)
            if (fabs(W[i * n + j] - W[j * n + i]) > 1e-12 * (fabs(W[i * n + j]) + fabs(W[j * n + i]) + 1e-300))
                return 0;
    return 1;
}

static tg_status check_w(const char *fn, int64_t n, const double *W, int need_sym, char *msg)
{
    if (n < 1 || n > 20000 || !W) return tg_msg(msg, TG_ERR_ARG, "%s: need a non-empty n x n matrix", fn);
    for (int64_t k = 0; k < n * n; k++)
        if (!isfinite(W[k]) || W[k] < 0)
            return tg_msg(msg, TG_ERR_ARG, "%s: entry (%lld, %lld) must be a finite weight >= 0", fn,
                          (long long)(k / n + 1), (long long)(k % n + 1));
    if (need_sym && !symmetric(n, W)) return tg_msg(msg, TG_ERR_ARG, "%s: the matrix must be symmetric", fn);
    return TG_OK;
}

tg_status tg_sim_heat_kernel(int64_t n, const double *W, double t, const double *x, int m, double *y, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_w("sim.heat_kernel", n, W, 1, msg);
    if (s != TG_OK) return s;
    if (!x || !y || !isfinite(t) || t < 0) return tg_msg(msg, TG_ERR_ARG, "sim.heat_kernel: need x, y and t >= 0");
    if (m <= 0) m = n < 30 ? (int)n : 30;
    if (m > n) m = (int)n;
    double *deg = tg_calloc((size_t)n, sizeof *deg), *V = tg_calloc((size_t)(m + 1) * (size_t)n, sizeof *V);
    double *al = tg_calloc((size_t)m, sizeof *al), *be = tg_calloc((size_t)m + 1, sizeof *be);
    double *Z = tg_calloc((size_t)m * (size_t)m, sizeof *Z), *w = tg_malloc((size_t)n * sizeof *w);
    if (!deg || !V || !al || !be || !Z || !w) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.heat_kernel: out of memory");
        goto out;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) deg[i] += i == j ? 0 : W[i * n + j];
    double nx = 0;
    for (int64_t i = 0; i < n; i++) nx += x[i] * x[i];
    nx = sqrt(nx);
    if (nx == 0) {
        memset(y, 0, (size_t)n * sizeof *y);
        goto out;
    }
    for (int64_t i = 0; i < n; i++) V[i] = x[i] / nx;
    int k = 0;
    for (; k < m; k++) {
        double *v = V + (size_t)k * (size_t)n;
        for (int64_t i = 0; i < n; i++) {     /* w = L v */
            double acc = deg[i] * v[i];
            for (int64_t j = 0; j < n; j++)
                if (j != i) acc -= W[i * n + j] * v[j];
            w[i] = acc;
        }
        double a = 0;
        for (int64_t i = 0; i < n; i++) a += w[i] * v[i];
        al[k] = a;
        /* full reorthogonalisation: n is small, and it keeps T exact */
        for (int q = 0; q <= k; q++) {
            double *u = V + (size_t)q * (size_t)n, c = 0;
            for (int64_t i = 0; i < n; i++) c += w[i] * u[i];
            for (int64_t i = 0; i < n; i++) w[i] -= c * u[i];
        }
        double b = 0;
        for (int64_t i = 0; i < n; i++) b += w[i] * w[i];
        b = sqrt(b);
        be[k + 1] = b;
        if (k + 1 == m || b <= 1e-12 * (fabs(a) + 1.0)) { k++; break; }
        for (int64_t i = 0; i < n; i++) V[(size_t)(k + 1) * (size_t)n + i] = w[i] / b;
    }
    int mk = k;
    double *d = al, *e = be + 1;     /* tridiagonal: diagonal al[0..mk), off-diagonal be[1..mk) */
    lapack_int info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', mk, d, e, Z, mk);
    if (info != 0) {
        s = tg_msg(msg, TG_ERR_LIB, "sim.heat_kernel: LAPACK dstev failed (info %d)", (int)info);
        goto out;
    }
    /* c = Z exp(-t Lambda) Z^T e1 */
    double *c = w;
    for (int q = 0; q < mk; q++) {
        double acc = 0;
        for (int r = 0; r < mk; r++) acc += Z[q + r * mk] * exp(-t * d[r]) * Z[0 + r * mk];
        c[q] = acc;
    }
    for (int64_t i = 0; i < n; i++) {
        double acc = 0;
        for (int q = 0; q < mk; q++) acc += V[(size_t)q * (size_t)n + i] * c[q];
        y[i] = nx * acc;
    }
out:
    tg_free(deg);
    tg_free(V);
    tg_free(al);
    tg_free(be);
    tg_free(Z);
    tg_free(w);
    return s;
}

tg_status tg_sim_linear_fc(int64_t n, const double *W, double g, double *fc, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_w("sim.linear_fc", n, W, 1, msg);
    if (s != TG_OK) return s;
    if (!fc || !isfinite(g)) return tg_msg(msg, TG_ERR_ARG, "sim.linear_fc: need fc and a finite g");
    double *A = tg_malloc((size_t)(n * n) * sizeof *A), *lam = tg_malloc((size_t)n * sizeof *lam);
    if (!A || !lam) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.linear_fc: out of memory");
        goto out;
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) A[i * n + j] = (i == j ? -1.0 : 0.0) + g * W[i * n + j];
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, A, (lapack_int)n, lam);
    if (info != 0) {
        s = tg_msg(msg, TG_ERR_LIB, "sim.linear_fc: LAPACK dsyev failed (info %d)", (int)info);
        goto out;
    }
    if (lam[n - 1] >= 0) {
        s = tg_msg(msg, TG_ERR_NUMERIC, "sim.linear_fc: unstable (largest eigenvalue of g W is %g >= 1)",
                   lam[n - 1] + 1.0);
        goto out;
    }
    /* Q = U diag(-1 / (2 lambda)) U^T; A now holds U (columns) */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++) {
            double acc = 0;
            for (int64_t k = 0; k < n; k++) acc += A[i * n + k] * A[j * n + k] * (-0.5 / lam[k]);
            fc[i * n + j] = fc[j * n + i] = acc;
        }
    for (int64_t i = 0; i < n; i++) lam[i] = sqrt(fc[i * n + i]);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) fc[i * n + j] /= lam[i] * lam[j];
out:
    tg_free(A);
    tg_free(lam);
    return s;
}

static void kuramoto_rhs(int64_t n, const double *W, double Kn, const double *omega, const double *th,
                         double *out)
{
    for (int64_t i = 0; i < n; i++) {
        double acc = 0;
        for (int64_t j = 0; j < n; j++) {
            double w = W[i * n + j];
            if (w != 0) acc += w * sin(th[j] - th[i]);
        }
        out[i] = omega[i] + Kn * acc;
    }
}

tg_status tg_sim_kuramoto(int64_t n, const double *W, double K, double omega_mean, double omega_sd, double dt,
                          int64_t steps, uint64_t seed, double *series, double *corr, double *r_mean, char *msg)
{
    tg_msg_clear(msg);
    tg_status s = check_w("sim.kuramoto", n, W, 0, msg);
    if (s != TG_OK) return s;
    if (!(dt > 0) || steps < 2 || steps > 100000000 || !isfinite(K) || !isfinite(omega_mean) ||
        !isfinite(omega_sd) || omega_sd < 0)
        return tg_msg(msg, TG_ERR_ARG, "sim.kuramoto: need dt > 0, steps >= 2, finite K and frequencies");
    size_t nn = (size_t)n;
    double *buf = tg_calloc(nn * 8 + nn * nn, sizeof *buf);
    if (!buf) return tg_msg(msg, TG_ERR_NOMEM, "sim.kuramoto: out of memory");
    double *th = buf, *om = th + nn, *k1 = om + nn, *k2 = k1 + nn, *k3 = k2 + nn, *k4 = k3 + nn, *tmp = k4 + nn;
    double *sum = tmp + nn, *cross = sum + nn;
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    for (int64_t i = 0; i < n; i++) {
        om[i] = omega_mean + omega_sd * tg_rng_normal(&rng);
        th[i] = 2 * M_PI * tg_rng_uniform(&rng);
    }
    double Kn = K / (double)n, rs = 0;
    int64_t half = steps / 2, cnt = 0;
    for (int64_t k = 0; k <= steps; k++) {
        if (series)
            for (int64_t i = 0; i < n; i++) series[k * n + i] = sin(th[i]);
        if (k >= half) {
            double cr = 0, ci = 0;
            for (int64_t i = 0; i < n; i++) {
                double si = sin(th[i]);
                cr += cos(th[i]);
                ci += si;
                sum[i] += si;
                for (int64_t j = 0; j <= i; j++) cross[i * nn + j] += si * sin(th[j]);
            }
            rs += sqrt(cr * cr + ci * ci) / (double)n;
            cnt++;
        }
        if (k == steps) break;
        kuramoto_rhs(n, W, Kn, om, th, k1);
        for (int64_t i = 0; i < n; i++) tmp[i] = th[i] + 0.5 * dt * k1[i];
        kuramoto_rhs(n, W, Kn, om, tmp, k2);
        for (int64_t i = 0; i < n; i++) tmp[i] = th[i] + 0.5 * dt * k2[i];
        kuramoto_rhs(n, W, Kn, om, tmp, k3);
        for (int64_t i = 0; i < n; i++) tmp[i] = th[i] + dt * k3[i];
        kuramoto_rhs(n, W, Kn, om, tmp, k4);
        for (int64_t i = 0; i < n; i++) th[i] += dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    if (r_mean) *r_mean = rs / (double)cnt;
    if (corr) {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j <= i; j++) {
                double c = cross[i * nn + j] / (double)cnt - sum[i] * sum[j] / ((double)cnt * (double)cnt);
                corr[i * n + j] = corr[j * n + i] = c;
            }
        for (int64_t i = 0; i < n; i++) tmp[i] = sqrt(fmax(corr[i * n + i], 0.0));
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                double d = tmp[i] * tmp[j];
                corr[i * n + j] = d > 0 ? corr[i * n + j] / d : (i == j ? 1.0 : 0.0);
            }
    }
    tg_free(buf);
    return TG_OK;
}
