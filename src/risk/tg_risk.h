/* tg_risk.h: probabilistic risk analysis of fault trees.
 *
 * A model (tg_risk_model) is read from one or more Open-PSA MEF XML files:
 * fault trees of gates over basic and house events, parameters and
 * expressions, distributions for uncertainty, common-cause groups.  The
 * analysis (tg_risk_analysis) compiles one top gate into a reduced ordered
 * BDD with complement edges (variables ordered by depth-first appearance
 * from the top gate), computes the exact top-event probability and the
 * importance of every basic event from it, and derives the minimal cut sets
 * as a ZBDD (Rauzy's minimisation of the BDD, with an order limit), so
 * their number and order distribution are known without listing them.
 *
 * Conventions as in tg_core.h: tg_status returns, `char *msg` last.
 */
#ifndef TG_RISK_H
#define TG_RISK_H

#include "../core/tg_core.h"

typedef struct tg_risk_model tg_risk_model;
typedef struct tg_risk_analysis tg_risk_analysis;

/* ---- models ------------------------------------------------------------- */

/* Read n MEF files into one model (definitions may reference each other
 * across files).  Network, DTDs and entities are refused; errors name the
 * file and line: malformed XML, unknown or duplicate names, wrong types,
 * cycles among gates or parameters, bad expressions.  On error *m is NULL. */
tg_status tg_risk_model_read(int n, const char *const *paths, tg_risk_model **m /* OUT */,
                             char *msg);
/* The same from one in-memory document (name is used in messages). */
tg_status tg_risk_model_parse(const char *xml, size_t len, const char *name,
                              tg_risk_model **m /* OUT */, char *msg);
void tg_risk_model_free(tg_risk_model **m);

int tg_risk_model_nbasic(const tg_risk_model *m);
int tg_risk_model_ngates(const tg_risk_model *m);       /* named gates */
int tg_risk_model_nhouse(const tg_risk_model *m);
int tg_risk_model_nccf(const tg_risk_model *m);         /* common-cause groups */
const char *tg_risk_model_basic_name(const tg_risk_model *m, int i);   /* borrowed */
const char *tg_risk_model_gate_name(const tg_risk_model *m, int i);    /* borrowed */
/* Point value of basic event i at the current mission time. */
double tg_risk_model_basic_prob(const tg_risk_model *m, int i);
/* Top gates: named gates no other gate references.  Returns their count;
 * writes up to cap gate indices into tops. */
int tg_risk_model_tops(const tg_risk_model *m, int *tops, int cap);
/* Modules below named gate top (Dutuit and Rauzy 1996): gates G such that
 * no gate or basic event below G is reachable from top except through G
 * (top itself is one).  is_module (caller-owned, tg_risk_model_ngates
 * bytes) gets 1 for every module, 0 otherwise (and for gates not below
 * top); *count (may be NULL) their number.  Linear in the size of the
 * tree.  Returns TG_OK, TG_ERR_ARG or TG_ERR_NOMEM. */
tg_status tg_risk_modules(const tg_risk_model *m, int top, uint8_t *is_module /* OUT */,
                          int *count /* OUT */, char *msg);
/* Gate index by name, -1 if none. */
int tg_risk_model_find_gate(const tg_risk_model *m, const char *name);
/* Change the mission time (hours, > 0; the default is the model's or
 * 8760) and re-evaluate every basic-event probability. */
tg_status tg_risk_model_set_mission_time(tg_risk_model *m, double hours, char *msg);
double tg_risk_model_mission_time(const tg_risk_model *m);
/* Write the model back as MEF XML (one fault tree per top gate). */
tg_status tg_risk_model_write(const tg_risk_model *m, const char *path, char *msg);

/* ---- building models in code -------------------------------------------- */

typedef enum tg_risk_op {
    TG_RISK_AND = 0, TG_RISK_OR, TG_RISK_ATLEAST, TG_RISK_NOT, TG_RISK_XOR, TG_RISK_NAND,
    TG_RISK_NOR, TG_RISK_IFF, TG_RISK_NULL, TG_RISK_NOP   /* count */
} tg_risk_op;

tg_status tg_risk_model_new(tg_risk_model **m /* OUT */, char *msg);
/* Add a basic event with a constant probability in [0, 1]; returns its
 * index in *idx (may be NULL).  Names are unique across events and gates. */
tg_status tg_risk_model_add_basic(tg_risk_model *m, const char *name, double p, int *idx,
                                  char *msg);
/* A basic event failing at constant rate lambda (per hour): p = 1 - exp(-lambda t). */
tg_status tg_risk_model_add_basic_exp(tg_risk_model *m, const char *name, double lambda,
                                      int *idx, char *msg);
/* Add a gate over named events or gates (they may be defined later);
 * k is the vote number for TG_RISK_ATLEAST. */
tg_status tg_risk_model_add_gate(tg_risk_model *m, const char *name, tg_risk_op op, int k,
                                 int nargs, const char *const *args, char *msg);
/* Resolve names and check cycles after add_* calls (read does this). */
tg_status tg_risk_model_finish(tg_risk_model *m, char *msg);

/* ---- analysis ------------------------------------------------------------ */

typedef struct tg_risk_opts {
    int limit_order;            /* maximum cut-set order (default 20) */
    double cut_off;             /* minimal cut sets below this probability are not made
                                 * (0: none dropped); counts, distribution, occurrence and
                                 * the rare-event sum then cover the sets kept, exactly the
                                 * full family filtered (probabilities at analysis time) */
    int64_t max_nodes;          /* BDD and ZBDD node budget each (default 2^26: about
                                 * 1.3 GB for the BDD with its tables); TG_ERR_LIMIT beyond */
} tg_risk_opts;
void tg_risk_opts_default(tg_risk_opts *o);

/* Compile gate `top` of m into a BDD and its minimal cut sets into a
 * ZBDD.  The analysis borrows m: keep m alive and do not change it except
 * through tg_risk_model_set_mission_time followed by tg_risk_reevaluate. */
tg_status tg_risk_analyze(tg_risk_model *m, int top, const tg_risk_opts *o,
                          tg_risk_analysis **a /* OUT */, char *msg);
void tg_risk_analysis_free(tg_risk_analysis **a);
/* Recompute probabilities after the model's basic-event values changed. */
void tg_risk_reevaluate(tg_risk_analysis *a);

/* Exact top-event probability from the BDD. */
double tg_risk_probability(const tg_risk_analysis *a);
/* Rare-event approximation (sum of cut-set probabilities) and the
 * min-cut upper bound 1 - prod(1 - P(C)) over the minimal cut sets
 * (MCUB walks every cut set: TG_ERR_LIMIT above max_sets). */
double tg_risk_rare_event(const tg_risk_analysis *a);
tg_status tg_risk_mcub(const tg_risk_analysis *a, int64_t max_sets, double *out, char *msg);

/* Number of minimal cut sets (saturates at UINT64_MAX) and the count per
 * order 0..limit_order into dist (limit_order + 1 entries). */
uint64_t tg_risk_products(const tg_risk_analysis *a);
int tg_risk_limit_order(const tg_risk_analysis *a);
void tg_risk_distribution(const tg_risk_analysis *a, uint64_t *dist /* OUT */);
/* Number of basic events the top gate depends on; BDD and ZBDD sizes. */
int tg_risk_nvars(const tg_risk_analysis *a);
int64_t tg_risk_bdd_nodes(const tg_risk_analysis *a);
int64_t tg_risk_zbdd_nodes(const tg_risk_analysis *a);

/* Walk the minimal cut sets of order <= max_order (-1: any) with
 * probability >= cut_off (opts), up to max sets (-1: all): fn gets the
 * basic-event indices of each and its probability; returning nonzero stops
 * the walk.  *count receives the sets visited.  Branches of the ZBDD that
 * exceed the order or fall below the cut-off are not entered, so listing
 * the few low-order sets of a family of billions is cheap. */
typedef int (*tg_risk_set_fn)(void *ud, int order, const int *events, double p);
tg_status tg_risk_cut_sets(const tg_risk_analysis *a, int max_order, int64_t max, tg_risk_set_fn fn,
                           void *ud, int64_t *count /* OUT, may be NULL */, char *msg);

/* Prime implicants of the top event (Coudert and Madre's recursion on the
 * BDD, as Rauzy and Dutuit 1997): for non-coherent trees, where minimal
 * cut sets drop the negated events, the minimal conjunctions of literals
 * (events and negated events) that imply the top.  *count and dist
 * (limit_order + 1 entries, may be NULL) give the number per order (of at
 * most limit_order literals, clamped to the variables); fn (may be NULL)
 * gets up to max of them (-1: all): literals as basic-event indices i, or
 * -i - 1 for "not i", and their probability (NaN without probabilities).
 * Adds nodes to the analysis's BDD (hence not const); TG_ERR_LIMIT when a
 * node budget (max_nodes) is exhausted.  Of a coherent tree they are the
 * minimal cut sets. */
tg_status tg_risk_prime_implicants(tg_risk_analysis *a, int limit_order, int64_t max,
                                   tg_risk_set_fn fn, void *ud, uint64_t *count /* OUT */,
                                   uint64_t *dist /* OUT, may be NULL */, char *msg);

/* MOCUS (Fussell and Vesely 1972), for comparison: top-down substitution
 * of the gates of coherent trees (and, or, atleast, null) into cut sets of
 * at most limit_order events, the family of partial sets held in one ZBDD
 * over gates and events and minimised after each gate.  Gives the count
 * and the distribution (limit_order + 1 entries).  TG_ERR_ARG on negation;
 * TG_ERR_LIMIT when the ZBDD passes max_nodes nodes (0: 2^26). */
tg_status tg_risk_mocus(const tg_risk_model *m, int top, int limit_order, int64_t max_nodes,
                        uint64_t *products /* OUT */, uint64_t *dist /* OUT */, char *msg);

/* Minimal cut sets of a coherent tree (and, or, atleast) of order <=
 * limit_order, bottom-up in a ZBDD with the limit applied at every gate:
 * no BDD, so low orders stay exact where the BDD is out of reach.  Count
 * and distribution (limit_order + 1 entries).  TG_ERR_ARG on negation;
 * TG_ERR_LIMIT past max_nodes ZBDD nodes (0: no budget). */
tg_status tg_risk_mcs_zbdd(const tg_risk_model *m, int top, int limit_order, int64_t max_nodes,
                           uint64_t *products /* OUT */, uint64_t *dist /* OUT */, char *msg);
/* The same with a probability cut-off (0: none) applied at every gate:
 * products keep only the sets of probability >= cut_off (the high branch
 * of an event needs cut_off / p(event) of the rest; a family whose
 * largest set probability is below is dropped whole).  Exact for coherent
 * trees: the result is the full family's minimal cut sets of order <=
 * limit_order and probability >= cut_off, as a subset of a set has at
 * least its probability (so nothing that survives is wrongly minimal).
 * limit_order 4000 with a cut-off is "no order limit"; dist needs
 * limit_order + 1 entries, filled up to the largest order present.
 * rare_event and mcub (both or neither may be NULL; NaN when an event has
 * no probability): sum of P(C) and 1 - prod(1 - P(C)) over the sets kept.
 * TG_ERR_ARG for a cut-off without probabilities.  Ties: every set of
 * probability >= cut_off is kept, none below cut_off (1 - 1e-9) (1 -
 * 2.4e-10)^order (thresholds are rounded down to 32 bits, so that products
 * of probabilities at the cut-off, such as 0.01^7 at 1e-14, are kept
 * whatever the order of multiplication). */
tg_status tg_risk_mcs_zbdd_cut(const tg_risk_model *m, int top, int limit_order, double cut_off,
                               int64_t max_nodes, uint64_t *products /* OUT */,
                               uint64_t *dist /* OUT */, double *rare_event /* OUT */,
                               double *mcub /* OUT */, char *msg);

/* As tg_risk_mcs_zbdd_cut, and contrib[i] (m's basic events in model
 * order) = the sum of P(C) over the kept sets C holding event i, from two
 * sweeps over the ZBDD (no listing): the cut-set importance of PSA codes
 * under the rare-event approximation, with R = rare_event: Fussell-Vesely
 * contrib / R, Birnbaum contrib / p, RAW (R - contrib + contrib / p) / R,
 * RRW R / (R - contrib).  NaN when an event has no probability. */
tg_status tg_risk_mcs_zbdd_contrib(const tg_risk_model *m, int top, int limit_order, double cut_off,
                                   int64_t max_nodes, uint64_t *products /* OUT */,
                                   uint64_t *dist /* OUT */, double *rare_event /* OUT */,
                                   double *mcub /* OUT */, double *contrib /* OUT */, char *msg);

/* The kept sets themselves, for fn (events as basic-event indices): the
 * lowest orders first, most probable first within an order, at most
 * max_sets; an order with more than 10^7 sets ends the listing before it
 * (they could not be ranked).  *listed (may be NULL): the sets passed. */
tg_status tg_risk_mcs_zbdd_list(const tg_risk_model *m, int top, int limit_order, double cut_off,
                                int64_t max_nodes, int64_t max_sets, tg_risk_set_fn fn, void *ud,
                                int64_t *listed /* OUT */, char *msg);

/* Importance of every basic event of the model (events the top does not
 * depend on get zeros), in model index order:
 *   mif  Birnbaum  dP/dp = P(top|e) - P(top|not e)
 *   cif  criticality  mif p / P
 *   dif  diagnosis (Fussell-Vesely as SCRAM defines it)  p P(top|e) / P
 *   raw  risk achievement  P(top|e) / P
 *   rrw  risk reduction  P / P(top|not e)
 *   occurrence  number of minimal cut sets holding the event. */
typedef struct tg_risk_importance {
    double p, mif, cif, dif, raw, rrw;
    uint64_t occurrence;
} tg_risk_importance;
tg_status tg_risk_importance_all(const tg_risk_analysis *a, tg_risk_importance *out /* OUT, nbasic */,
                                 char *msg);
/* The occurrence column alone (no probabilities needed): out[i] = number
 * of minimal cut sets holding basic event i (nbasic entries). */
tg_status tg_risk_occurrence(const tg_risk_analysis *a, uint64_t *out /* OUT, nbasic */, char *msg);

/* Monte Carlo uncertainty: n trials, each drawing every basic event's
 * expression (deviates sampled, the rest evaluated) and computing the
 * exact probability; summary statistics, nq quantiles (q_i at i/nq,
 * i = 1..nq) and a histogram of nbins equal bins over [min, max]. */
typedef struct tg_risk_uncertainty {
    double mean, sd, min, max, err95;   /* err95: 1.96 sd / sqrt(n) */
    double *quantiles;                  /* nq, owned: tg_risk_uncertainty_clear */
    int nq;
    int64_t *bins;                      /* nbins */
    int nbins;
} tg_risk_uncertainty;
tg_status tg_risk_uncertainty_run(tg_risk_analysis *a, int64_t n, uint64_t seed, int nq, int nbins,
                                  tg_risk_uncertainty *out /* OUT */, char *msg);
void tg_risk_uncertainty_clear(tg_risk_uncertainty *u);

/* ---- plant graphs and network reliability ------------------------------- */

/* Two-terminal reliability of an undirected graph with n nodes and m edges
 * (u[i], v[i]) that work independently with probability p[i]: the
 * probability the terminals are connected by working edges.  Terminals: k
 * nodes in terms (k >= 2; two distinct ones: two-terminal, more: k-terminal
 * reliability, all connected).  Exact, by a frontier-based dynamic
 * programme over an edge order chosen to keep the frontier narrow (the best
 * of breadth-first and greedy vertex orders, see network.c); its cost grows
 * exponentially with the frontier width, so an order wider than 14 vertices
 * is refused at once with TG_ERR_LIMIT (use Monte Carlo), as is a run
 * exceeding 2^24 states.  Grids up to about 13 x 13, ladders and plant
 * networks are in reach. */
tg_status tg_risk_network_reliability(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *out /* OUT */, char *msg);

/* The same with nodes failing too: node i works with probability
 * node_p[i] (NULL: nodes never fail); a failed terminal fails the system. */
tg_status tg_risk_network_reliability_nodes(int n, int m, const int *u, const int *v,
                                            const double *p, const double *node_p, int k,
                                            const int *terms, double *out /* OUT */, char *msg);

/* Maximum frontier width of the edge order the exact method would use
 * (probabilities play no part); O(n^2) at worst for the greedy order. */
tg_status tg_risk_network_frontier_width(int n, int m, const int *u, const int *v, int k,
                                         const int *terms, int *width /* OUT */, char *msg);

/* Birnbaum criticality of every edge from the exact result:
 * crit[i] = R(edge i works) - R(edge i fails) (two exact runs per edge). */
tg_status tg_risk_network_criticality(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *crit /* OUT, m */,
                                      char *msg);

/* The same with nodes failing (node_p may be NULL: perfect nodes), for
 * edges and nodes: edge_crit[i] = R(edge i works) - R(edge i fails),
 * node_crit[j] = R(node j works) - R(node j fails) = dR/dnode_p[j] (either
 * output may be NULL).  Two exact runs per element. */
tg_status tg_risk_network_criticality_nodes(int n, int m, const int *u, const int *v,
                                            const double *p, const double *node_p, int k,
                                            const int *terms, double *edge_crit /* OUT, m */,
                                            double *node_crit /* OUT, n */, char *msg);

/* Monte Carlo for graphs beyond the exact method, edges and nodes failing
 * (node_p may be NULL).  TG_RISK_MC_PLAIN: independent draws of every
 * element, connectivity by union-find.  TG_RISK_MC_RVR: the recursive
 * variance reduction of Cancela and El Khadiri (1995), unbiased, whose
 * variance shrinks with the failure probabilities (highly reliable
 * networks): each sample adds exactly the probability that a cut around a
 * terminal component fails, then recurses on the first working element of
 * that cut.  Seeded and reproducible; O(samples x (n + m)) and more for RVR
 * (each step scans the boundary of the growing component). */
typedef enum tg_risk_mc_method { TG_RISK_MC_RVR = 0, TG_RISK_MC_PLAIN = 1 } tg_risk_mc_method;
typedef struct tg_risk_mc_result {
    double reliability;         /* 1 - unreliability */
    double unreliability;       /* the mean of the samples (full precision when tiny) */
    double se;                  /* standard error of either */
    double sample_var;          /* variance of one sample (for variance ratios) */
    int64_t samples;
} tg_risk_mc_result;
tg_status tg_risk_network_mc(int n, int m, const int *u, const int *v, const double *p,
                             const double *node_p, int k, const int *terms, int64_t n_samples,
                             uint64_t seed, tg_risk_mc_method method,
                             tg_risk_mc_result *out /* OUT */, char *msg);

/* Shorthand: edges failing only, RVR; *est the reliability, *se its
 * standard error. */
tg_status tg_risk_network_reliability_mc(int n, int m, const int *u, const int *v, const double *p,
                                         int k, const int *terms, int64_t n_samples, uint64_t seed,
                                         double *est /* OUT */, double *se /* OUT */, char *msg);

#endif
