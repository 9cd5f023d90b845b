/* brain_internal.h: what brain.c, brain_modules.c, nullmodel.c, group.c
 * and resilience.c share: a compact adjacency list built from a dense
 * matrix and one single-source shortest-path engine (BFS or Dijkstra with
 * path counts, Brandes 2001) that every path measure reuses. */
#ifndef TG_BRAIN_INTERNAL_H
#define TG_BRAIN_INTERNAL_H

#include "graph_internal.h"

/* Rows of a matrix: row i holds the nonzero off-diagonal entries. */
typedef struct tg_brain_csr {
    int64_t n;
    int64_t *ptr;   /* n + 1 */
    int64_t *idx;
    double *val;
} tg_brain_csr;

/* Row i of M (or of M' when transpose). */
tg_status tg_brain_i_csr(const double *M, int64_t n, bool transpose, tg_brain_csr *c);
void tg_brain_i_csr_free(tg_brain_csr *c);

/* Work space of one shortest-path search. */
typedef struct tg_brain_sssp {
    double *dist, *sigma, *delta;
    int64_t *order, *hops, nord;
    int64_t *hv, *hpos;     /* indexed heap of nodes keyed by dist; position or -1 */
    int64_t *pbase, *npred, *pred;   /* shortest-path predecessors of each node:
                                        pred[pbase[v] .. pbase[v] + npred[v]) */
} tg_brain_sssp;

tg_status tg_brain_i_sssp_init(tg_brain_sssp *w, const tg_brain_csr *c);
void tg_brain_i_sssp_free(tg_brain_sssp *w);
void tg_brain_i_sssp(const tg_brain_csr *c, bool weighted, const bool *dead, int64_t s,
                     tg_brain_sssp *w);
/* Add the dependencies of the last search to bc (Brandes' back-propagation
 * over the recorded predecessors). */
void tg_brain_i_accumulate(tg_brain_sssp *w, double *bc);
tg_status tg_brain_i_check_partition(const int64_t *m, int64_t n, int64_t *nmod, const char *fn,
                                     char *msg);

/* n*n elements, at least 1, for allocations. */
#define TG_BRAIN_NN(n) ((size_t)((n) > 0 ? (n) * (n) : 1))

#endif
