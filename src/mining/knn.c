/* knn.c: cross-validated accuracy of a k-nearest-neighbour classifier on
 * a subset of features: the fitness of GA feature selection
 * (scripts/lua/examples/feature_selection.lua). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

typedef struct nb { double d; int32_t i; } nb;

#define FREE_ALL                                                                                                     \
    do {                                                                                                             \
        tg_free(cols);                                                                                               \
        tg_free(mu);                                                                                                 \
        tg_free(sd);                                                                                                 \
        tg_free(best);                                                                                               \
        tg_free(votes);                                                                                              \
    } while (0)

/* Row i is in test fold f when: CV (ntrain = 0): i % folds == f;
 * hold-out (ntrain > 0, folds = 1 pass): i >= ntrain. */
static bool in_fold(int i, int f, int folds, int ntrain) { return ntrain > 0 ? i >= ntrain : i % folds == f; }

static tg_status knn_run(const double *X, const int32_t *y, int n, int d, const unsigned char *mask, int k, int folds,
                         int ntrain, double *accuracy, char *msg)
{
    int32_t ncls = 0;
    for (int i = 0; i < n; i++) {
        if (y[i] < 0) return tg_msg(msg, TG_ERR_ARG, "knn.cv: class of row %d is negative", i + 1);
        if (y[i] + 1 > ncls) ncls = y[i] + 1;
    }
    int32_t *cols = NULL, *votes = NULL;
    double *mu = NULL, *sd = NULL;
    nb *best = NULL;
    cols = tg_malloc(sizeof *cols * (size_t)d);
    mu = tg_malloc(sizeof *mu * (size_t)d);
    sd = tg_malloc(sizeof *sd * (size_t)d);
    best = tg_malloc(sizeof *best * (size_t)(k + 1));
    votes = tg_malloc(sizeof *votes * (size_t)ncls);
    if (!cols || !mu || !sd || !best || !votes) {
        FREE_ALL;
        return tg_msg(msg, TG_ERR_NOMEM, "knn.cv: out of memory");
    }
    int nc = 0;
    for (int j = 0; j < d; j++)
        if (!mask || mask[j]) cols[nc++] = j;
    int64_t right = 0, ntest = 0;
    for (int f = 0; f < folds; f++)
        for (int i = 0; i < n; i++) ntest += in_fold(i, f, folds, ntrain);
    if (nc == 0) {
        /* No feature: every point is equally near; predict the majority class
         * of each training fold (what the vote gives with ties broken by count). */
        for (int f = 0; f < folds; f++) {
            memset(votes, 0, sizeof *votes * (size_t)ncls);
            for (int i = 0; i < n; i++)
                if (!in_fold(i, f, folds, ntrain)) votes[y[i]]++;
            int32_t c = 0;
            for (int32_t q = 1; q < ncls; q++)
                if (votes[q] > votes[c]) c = q;
            for (int i = 0; i < n; i++)
                if (in_fold(i, f, folds, ntrain)) right += y[i] == c;
        }
        *accuracy = (double)right / ntest;
        FREE_ALL;
        return TG_OK;
    }
    for (int f = 0; f < folds; f++) {
        /* z-scores from the training fold only. */
        for (int t = 0; t < nc; t++) {
            int j = cols[t];
            double s = 0, s2 = 0;
            int cnt = 0;
            for (int i = 0; i < n; i++)
                if (!in_fold(i, f, folds, ntrain)) {
                    s += X[(size_t)i * d + j];
                    cnt++;
                }
            mu[j] = s / cnt;
            for (int i = 0; i < n; i++)
                if (!in_fold(i, f, folds, ntrain)) {
                    double v = X[(size_t)i * d + j] - mu[j];
                    s2 += v * v;
                }
            sd[j] = sqrt(s2 / cnt);
            if (!(sd[j] > 0)) sd[j] = 1;
        }
        for (int q = 0; q < n; q++) {
            if (!in_fold(q, f, folds, ntrain)) continue;
            int kk = 0;
            for (int i = 0; i < n; i++) {
                if (in_fold(i, f, folds, ntrain)) continue;
                double dist = 0;
                for (int t = 0; t < nc; t++) {
                    int j = cols[t];
                    double v = (X[(size_t)q * d + j] - X[(size_t)i * d + j]) / sd[j];
                    dist += v * v;
                }
                /* Insert into the k nearest so far (ties: earlier row first). */
                if (kk == k && dist >= best[k - 1].d) continue;
                int at = kk < k ? kk++ : k - 1;
                while (at > 0 && best[at - 1].d > dist) {
                    best[at] = best[at - 1];
                    at--;
                }
                best[at] = (nb){dist, i};
            }
            memset(votes, 0, sizeof *votes * (size_t)ncls);
            for (int t = 0; t < kk; t++) votes[y[best[t].i]]++;
            int32_t c = y[best[0].i];
            for (int32_t q2 = 0; q2 < ncls; q2++)
                if (votes[q2] > votes[c]) c = q2;
            right += y[q] == c;
        }
    }
    *accuracy = (double)right / ntest;
    FREE_ALL;
    return TG_OK;
}

tg_status tg_knn_cv_accuracy(const double *X, const int32_t *y, int n, int d, const unsigned char *mask, int k,
                             int folds, double *accuracy, char *msg)
{
    tg_msg_clear(msg);
    if (!X || !y || !accuracy || n < 2 || d < 1 || k < 1 || folds < 2 || folds > n)
        return tg_msg(msg, TG_ERR_ARG, "knn.cv: need X, y, n >= 2, d >= 1, k >= 1, 2 <= folds <= n");
    return knn_run(X, y, n, d, mask, k, folds, 0, accuracy, msg);
}

tg_status tg_knn_holdout_accuracy(const double *X, const int32_t *y, int n, int d, const unsigned char *mask, int k,
                                  int ntrain, double *accuracy, char *msg)
{
    tg_msg_clear(msg);
    if (!X || !y || !accuracy || d < 1 || k < 1 || ntrain < 1 || ntrain >= n)
        return tg_msg(msg, TG_ERR_ARG, "knn.holdout: need X, y, d >= 1, k >= 1, 1 <= ntrain < n");
    return knn_run(X, y, n, d, mask, k, 1, ntrain, accuracy, msg);
}
