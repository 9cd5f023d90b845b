/* tg_mining.h: failure-dependency mining.
 *
 * A transaction database (tg_txdb) holds transactions over named items
 * (components, events, "component:event" pairs).  Frequent itemsets are
 * mined by depth-first search over vertical item covers (Eclat, Zaki
 * 2000): covers are sorted transaction-id lists on sparse data and
 * bitsets on dense data, chosen from the data's density.
 *
 * Conventions as in tg_core.h: tg_status returns, `char *msg` last.
 */
#ifndef TG_MINING_H
#define TG_MINING_H

#include "../core/tg_core.h"

typedef struct tg_txdb tg_txdb;

/* ---- transaction databases --------------------------------------------- */

tg_status tg_txdb_new(tg_txdb **db /* OUT */, char *msg);
void tg_txdb_free(tg_txdb **db);
/* Append one transaction of n item names (copied; duplicates within a
 * transaction count once). */
tg_status tg_txdb_add(tg_txdb *db, int n, const char *const *items, char *msg);
/* Read FIMI format: one transaction a line, items separated by blanks
 * (spaces or tabs); empty lines are empty transactions.  Files ending in
 * .gz are decompressed on the fly.  Errors name the file and line. */
tg_status tg_txdb_read_fimi(const char *path, tg_txdb **db /* OUT */, char *msg);

/* ---- event logs --------------------------------------------------------- */

/* An event log: (time, item) pairs sorted by time, items interned, and
 * every column of each row kept by header name (lower-cased) for grouping.
 * Read from CSV with a header naming at least the columns timestamp,
 * component and event (any order, case-insensitive; more columns such as
 * severity, asset, section or work_order are kept), rows in any time
 * order.  Timestamps are epoch seconds, ISO-8601
 * (2026-01-02T03:04:05[.fff][Z|+hh:mm], or a space for the T; no zone
 * means UTC) or dd/mm/yyyy hh:mm:ss[.fff] (day first, UTC). */
typedef struct tg_eventlog tg_eventlog;

typedef enum tg_item_kind { TG_ITEM_COMPONENT_EVENT = 0, TG_ITEM_COMPONENT = 1, TG_ITEM_EVENT = 2 } tg_item_kind;

typedef struct tg_event_report {
    int64_t rows, events, skipped;      /* data rows read, used, skipped */
    long first_bad_line;                /* 0 if none */
    char first_bad[TG_MSG_LEN];         /* why that row was bad */
    int64_t filtered;                   /* rows dropped for their state (drop_states) */
} tg_event_report;

/* item: what an item is ("component:event" by default); skip_bad: skip
 * bad rows and count them in the report, else fail naming the line. */
tg_status tg_eventlog_read(const char *path, tg_item_kind item, bool skip_bad, tg_eventlog **log /* OUT */,
                           tg_event_report *report /* OUT, may be NULL */, char *msg);

/* Reading options: the column mapping for other layouts, such as alarm
 * exports (docs/formats.md: `Time,Tag,Description,State,Priority` with
 * time_col "Time", component_col "Tag", event_col "Description",
 * state_col "State", drop_states "ACK,RTN").  Column names compare
 * case-insensitively; NULL means the default name. */
typedef struct tg_event_opts {
    tg_item_kind item;
    bool skip_bad;
    const char *time_col;       /* default "timestamp" */
    const char *component_col;  /* default "component" */
    const char *event_col;      /* default "event" */
    const char *state_col;      /* NULL: no state filter */
    const char *drop_states;    /* comma-separated states whose rows are dropped (counted in report->filtered) */
} tg_event_opts;

tg_status tg_eventlog_read_opts(const char *path, const tg_event_opts *opts, tg_eventlog **log /* OUT */,
                                tg_event_report *report /* OUT, may be NULL */, char *msg);

/* The kept columns: their number and lower-cased header names (borrowed). */
int tg_eventlog_columns(const tg_eventlog *log);
const char *tg_eventlog_column_name(const tg_eventlog *log, int col);

/* Transactions by group: one per value of `column` (a kept header name,
 * any case: "asset", "section", "work_order", "component", ...), holding
 * the items of the events with that value; with window > 0, one per value
 * and fixed window [k w, (k+1) w).  With map (may be NULL), the group is
 * map->groups[i] for the event whose column value is map->keys[i] (e.g.
 * component -> plant section from a graph's node attribute).  Events with
 * an empty value, or a value the map lacks (or maps to NULL or ""), go in
 * no transaction and are counted in *ungrouped (may be NULL).
 * Transactions come by group in order of first event, then by window. */
typedef struct tg_group_map {
    int64_t n;
    const char *const *keys;    /* distinct */
    const char *const *groups;
} tg_group_map;

tg_status tg_eventlog_transactions_by(const tg_eventlog *log, const char *column, const tg_group_map *map,
                                      double window, tg_txdb **db /* OUT */, int64_t *ungrouped, char *msg);
void tg_eventlog_free(tg_eventlog **log);
int64_t tg_eventlog_count(const tg_eventlog *log);
/* Seconds since the epoch (UTC) of an ISO-8601 or numeric timestamp of
 * len bytes; false if malformed. */
bool tg_mining_parse_time(const char *s, size_t len, double *out);

/* Transactions from an event log.  FIXED: windows [k w, (k+1) w);
 * SLIDING: one transaction per event, holding the events in [t, t + w). */
typedef enum tg_window { TG_WINDOW_FIXED = 0, TG_WINDOW_SLIDING = 1 } tg_window;
tg_status tg_eventlog_transactions(const tg_eventlog *log, double window, tg_window mode,
                                   tg_txdb **db /* OUT */, char *msg);

/* Sequential rules A => B: "A is followed by B within dt seconds".
 * support: A events followed by a B in (t, t + dt]; confidence: support /
 * A events; lift: confidence / base(B), base(B) being the share of all
 * events followed by a B within dt; delays: from each such A to its first
 * following B. */
typedef struct tg_seq_rule {
    int32_t a, b;               /* item indices (tg_eventlog_item_name) */
    int64_t support, count_a;
    double confidence, lift;
    double delay_mean, delay_median, delay_min, delay_max;
} tg_seq_rule;

typedef struct tg_seq_opts {
    double dt;                  /* seconds (> 0) */
    int64_t min_count;          /* minimum support (>= 1) */
    double min_confidence, min_lift;
    int32_t target;             /* only rules ending in this item; -1 = any */
} tg_seq_opts;

typedef int (*tg_seq_fn)(void *ud, const tg_seq_rule *rule);
tg_status tg_mining_sequence_rules(const tg_eventlog *log, const tg_seq_opts *opts, tg_seq_fn fn, void *ud,
                                   int64_t *count, char *msg);
const char *tg_eventlog_item_name(const tg_eventlog *log, int32_t item);
int32_t tg_eventlog_item_index(const tg_eventlog *log, const char *name);   /* -1 */
/* Event i (0 <= i < tg_eventlog_count) in time order: seconds and item. */
void tg_eventlog_event(const tg_eventlog *log, int64_t i, double *time /* OUT */, int32_t *item /* OUT */);

/* Failure chains ending in a critical event: sequences x0 -> x1 -> ... ->
 * target in which each event follows the previous one within dt.  The
 * candidate chains are the paths to the target in the graph of sequence
 * rules (rule thresholds: min_count, min_rule_confidence, min_lift); each
 * candidate is then counted on the log itself, not estimated from its
 * rules: support = x0 events from which the whole chain occurs (some x1 in
 * (t0, t0 + dt], some x2 within dt after that x1, ...), confidence =
 * support / x0 events, delay = from x0 to the earliest completing target.
 * Chains with support >= min_count and confidence >= min_confidence come
 * out best first (confidence, then support).  O(candidates x events of the
 * chain's items). */
enum { TG_CHAIN_MAX = 8 };
typedef struct tg_chain_opts {
    double dt;                  /* seconds between consecutive events (> 0) */
    int32_t target;             /* the critical event (item index) */
    int max_len;                /* events in a chain, 2..TG_CHAIN_MAX */
    int64_t min_count;          /* >= 1 */
    double min_rule_confidence, min_lift, min_confidence;
} tg_chain_opts;
typedef struct tg_chain {
    int len;
    int32_t items[TG_CHAIN_MAX];   /* items[len - 1] == target */
    int64_t support, count_first;
    double confidence;
    double markov;                 /* product of the rules' confidences, for comparison */
    double delay_median, delay_max;
} tg_chain;
/* *chains (OUT, caller frees with tg_free) and *n. */
tg_status tg_mining_failure_chains(const tg_eventlog *log, const tg_chain_opts *opts, tg_chain **chains,
                                   size_t *n, char *msg);

int64_t tg_txdb_count(const tg_txdb *db);          /* transactions */
int32_t tg_txdb_item_count(const tg_txdb *db);     /* distinct items */
const char *tg_txdb_item_name(const tg_txdb *db, int32_t item);
int32_t tg_txdb_item_index(const tg_txdb *db, const char *name);   /* -1 */
/* Transaction t: *items (borrowed, sorted ascending by item index) and *n. */
void tg_txdb_transaction(const tg_txdb *db, int64_t t, const int32_t **items, int32_t *n);

/* Minimum support count for a percentage of n transactions:
 * ceil(pct / 100 * n), at least 1. */
int64_t tg_mining_min_count(double pct, int64_t n);

/* ---- frequent itemsets -------------------------------------------------- */

/* The search algorithm; all three find the same itemsets and supports.
 * ECLAT: depth-first over item covers (eclat.c).  APRIORI: level-wise
 * candidate generation with subset pruning, candidates counted in a
 * prefix tree walked by each transaction, or by AND + popcount of
 * transaction bitsets on dense data (apriori.c).  FPGROWTH: FP-tree and
 * conditional trees with the single-path shortcut (fpgrowth.c). */
typedef enum tg_mining_algorithm { TG_ECLAT = 0, TG_APRIORI = 1, TG_FPGROWTH = 2 } tg_mining_algorithm;

typedef struct tg_itemset_opts {
    int64_t min_count;      /* absolute minimum support (>= 1) */
    int max_len;            /* longest itemset reported; 0 = no limit */
    tg_mining_algorithm algorithm;  /* TG_ECLAT (0) by default */
} tg_itemset_opts;

/* Called once per frequent itemset (items in mining order, not sorted;
 * itemsets in an order that depends on the algorithm);
 * return non-zero to stop the search (tg_mining_itemsets then returns
 * TG_OK with what was found so far). */
typedef int (*tg_itemset_fn)(void *ud, const int32_t *items, int len, int64_t support);

/* Enumerate every frequent itemset (the empty set excluded).  fn may be
 * NULL (count only).  *count (may be NULL) receives the number found;
 * by_size (may be NULL, max_len + 1 entries, or 65 when max_len is 0)
 * receives by_size[k] = number of itemsets of size k. */
tg_status tg_mining_itemsets(const tg_txdb *db, const tg_itemset_opts *opts, tg_itemset_fn fn,
                             void *ud, int64_t *count, int64_t *by_size, char *msg);

/* Closed itemsets (no superset has the same support) or maximal ones (no
 * superset is frequent), among the frequent itemsets of opts.  They are
 * found by collecting every frequent itemset, then striking each subset
 * Z minus one item of each itemset Z (every superset of X contains such a
 * Z): memory grows with the number of frequent itemsets.  Items come
 * sorted ascending by index; order of itemsets unspecified. */
typedef enum tg_itemset_kind { TG_CLOSED = 1, TG_MAXIMAL = 2 } tg_itemset_kind;
tg_status tg_mining_itemsets_filtered(const tg_txdb *db, const tg_itemset_opts *opts, tg_itemset_kind kind,
                                      tg_itemset_fn fn, void *ud, int64_t *count, char *msg);

/* Write every frequent itemset to f, one a line as "a b c (support)" with
 * item names (Borgelt's and the FIMI tools' layout), through a large
 * buffer.  *count as above. */
tg_status tg_mining_write_itemsets(const tg_txdb *db, const tg_itemset_opts *opts, FILE *f,
                                   int64_t *count, char *msg);

/* ---- genetic algorithm engine (all encodings, NSGA-II, islands) --------- */

/* A general GA: binary, integer, real (bounded) and permutation encodings;
 * several selection, crossover and mutation operators; elitism; constraint
 * handling by Deb's rules, a penalty, and/or a repair callback; NSGA-II
 * (Deb et al. 2002) when there are several objectives; an island model with
 * ring migration.  Seeded with tg_rng: a seed gives the same run
 * everywhere.  An optional improvement step makes it a memetic algorithm
 * (redundancy allocation below uses one). */

typedef enum tg_ga_encoding {
    TG_GA_BINARY = 0,           /* int32 genes in {0, 1} */
    TG_GA_INTEGER = 1,          /* int32 genes in [ilo[k], ihi[k]] */
    TG_GA_REAL = 2,             /* double genes in [lo[k], hi[k]] */
    TG_GA_PERMUTATION = 3,      /* int32 genes, a permutation of 0 .. n-1 */
} tg_ga_encoding;

typedef enum tg_ga_selection {
    TG_GA_TOURNAMENT = 0,       /* best of `tournament` drawn with replacement */
    TG_GA_ROULETTE = 1,         /* fitness-proportional, one spin per parent */
    TG_GA_RANK = 2,             /* linear ranking (pressure s in [1, 2]), roulette on rank weights */
    TG_GA_SUS = 3,              /* stochastic universal sampling (Baker 1987) */
} tg_ga_selection;

typedef enum tg_ga_crossover {
    TG_GA_CX_NONE = 0,
    TG_GA_CX_ONE_POINT = 1,
    TG_GA_CX_TWO_POINT = 2,
    TG_GA_CX_UNIFORM = 3,
    TG_GA_CX_SBX = 4,           /* real only: simulated binary crossover */
    TG_GA_CX_PMX = 5,           /* permutation only: partially mapped */
    TG_GA_CX_ORDER = 6,         /* permutation only: order crossover (OX) */
} tg_ga_crossover;

typedef enum tg_ga_mutation {
    TG_GA_MUT_NONE = 0,
    TG_GA_MUT_BITFLIP = 1,      /* binary */
    TG_GA_MUT_UNIFORM = 2,      /* binary, integer: re-draw in the bounds */
    TG_GA_MUT_GAUSSIAN = 3,     /* real: + sigma (hi - lo) N(0, 1), clipped */
    TG_GA_MUT_POLYNOMIAL = 4,   /* real: Deb's bounded polynomial mutation */
    TG_GA_MUT_SWAP = 5,         /* any discrete encoding: swap two positions */
} tg_ga_mutation;

typedef enum tg_ga_constraints {
    TG_GA_DEB = 0,              /* feasible beats infeasible, less violation beats more */
    TG_GA_PENALTY = 1,          /* objective - penalty x violation (maximising) */
} tg_ga_constraints;

/* Evaluate one individual: exactly one of ig (discrete encodings) and rg
 * (real) is non-NULL.  Write nobj objectives to obj and the constraint
 * violation (>= 0, 0 = feasible) to *viol (preset to 0).  A status other
 * than TG_OK stops the run, which returns it with msg. */
typedef tg_status (*tg_ga_eval_fn)(void *ud, const int32_t *ig, const double *rg, double *obj, double *viol,
                                   char *msg);
/* Optional repair, applied to each new individual before evaluation; it
 * must leave the genes valid for the encoding (checked). */
typedef tg_status (*tg_ga_repair_fn)(void *ud, int32_t *ig, double *rg, char *msg);

/* Optional local improvement (a memetic step) of each child after its
 * evaluation, one objective only.  It may change the genes (they must stay
 * valid for the encoding: checked) and then sets obj[0] (the user's sense)
 * and *viol to the new individual's values, which arrive holding the
 * child's.  It may spend up to `budget` evaluations of its own (INT64_MAX
 * when the run has no max_evals) and reports them in *spent; they count
 * towards max_evals, in the log and in evals_at_best. */
typedef tg_status (*tg_ga_improve_fn)(void *ud, int32_t *ig, double *rg, double *obj, double *viol,
                                      int64_t budget, int64_t *spent, char *msg);

/* One line of the per-generation log.  best/worst: objective 0 of the
 * best/worst individual by the run's comparison (so for a minimised
 * objective best <= worst); mean: mean objective 0; feasible: individuals
 * with zero violation; front: size of the first non-dominated front
 * (NSGA-II) or 0.  Over all islands.  Generation 0 is the initial
 * population. */
typedef struct tg_ga_gen_stats {
    int64_t generation, evals;
    double best, mean, worst;
    int64_t feasible, front;
} tg_ga_gen_stats;

/* Return 0 to go on, 1 to stop after this generation, or a negative
 * tg_status (with msg) to abort the run. */
typedef int (*tg_ga_log_fn)(void *ud, const tg_ga_gen_stats *stats, char *msg);

typedef struct tg_ga_config {
    tg_ga_encoding encoding;
    int n;                      /* genes (>= 1; >= 2 for permutations) */
    const int32_t *ilo, *ihi;   /* INTEGER: inclusive bounds per gene (borrowed) */
    const double *lo, *hi;      /* REAL: bounds per gene, lo < hi (borrowed) */
    int nobj;                   /* objectives (1 = single; >= 2 = NSGA-II) */
    bool minimize;              /* minimise every objective (default: maximise) */
    int pop;                    /* individuals per island (>= 4; even for NSGA-II) */
    int64_t generations;        /* generations to run (>= 0) */
    int64_t max_evals;          /* 0 = no budget; else stop once reached */
    tg_ga_selection selection;  /* single objective; NSGA-II uses crowded tournament */
    int tournament;             /* tournament size (>= 2) */
    double rank_pressure;       /* linear ranking s in [1, 2] */
    tg_ga_crossover crossover;
    double crossover_rate;      /* probability a pair is crossed */
    double sbx_eta;             /* SBX distribution index (> 0) */
    tg_ga_mutation mutation;
    double mutation_rate;       /* per gene */
    double sigma;               /* Gaussian step, fraction of the range */
    double pm_eta;              /* polynomial mutation distribution index (> 0) */
    int elite;                  /* copied unchanged per island (single objective) */
    tg_ga_constraints constraints;
    double penalty;             /* weight for TG_GA_PENALTY (>= 0) */
    int islands;                /* >= 1 (single objective only) */
    int migration_interval;     /* migrate every k generations (>= 1) */
    int migrants;               /* best m of island i replace the worst m of i+1 */
    uint64_t seed;
    tg_ga_eval_fn eval;
    tg_ga_repair_fn repair;     /* may be NULL */
    tg_ga_log_fn log;           /* may be NULL */
    void *ud;                   /* passed to eval, repair and log */
    /* Optional initial individuals (e.g. a greedy solution), ninit rows of
     * n genes, init_int for discrete encodings or init_real for real
     * (borrowed); the k-th goes to island k % islands, the rest is random. */
    const int32_t *init_int;
    const double *init_real;
    int ninit;
    tg_ga_improve_fn improve;   /* may be NULL */
} tg_ga_config;

/* Fill c with the defaults for an encoding and n genes: pop 100, 100
 * generations, tournament of 2, crossover with rate 0.9 (uniform for
 * binary/integer, SBX eta 15 for real, order for permutations), mutation
 * rate 1/n (bit-flip, uniform, polynomial eta 20, swap), 1 elite, Deb's
 * rules, 1 island, migration every 10 generations of 1 migrant, seed 1,
 * one objective, maximised.  Bounds, eval and ud are left NULL. */
void tg_ga_config_default(tg_ga_config *c, tg_ga_encoding encoding, int n);

/* The result of tg_ga_solve (opaque): one individual (the best ever seen)
 * for one objective, the final first non-dominated front for NSGA-II,
 * and the per-generation log. */
typedef struct tg_ga_sol tg_ga_sol;

/* Run the GA of c.  *sol receives the result (free with tg_ga_sol_free).
 * Returns TG_ERR_ARG on a bad configuration, TG_ERR_NOMEM, or the status
 * of a failing callback.  Cost: generations x pop x islands evaluations,
 * plus O(M N^2) per generation for NSGA-II's sort (N = 2 pop). */
tg_status tg_ga_solve(const tg_ga_config *c, tg_ga_sol **sol /* OUT */, char *msg);
void tg_ga_sol_free(tg_ga_sol **sol);
/* Individuals held: 1 for one objective, the front size for NSGA-II. */
int tg_ga_sol_count(const tg_ga_sol *s);
/* Genes of individual i (borrowed; NULL for the other kind of encoding). */
const int32_t *tg_ga_sol_int_genes(const tg_ga_sol *s, int i);
const double *tg_ga_sol_real_genes(const tg_ga_sol *s, int i);
/* nobj objectives of individual i, in the user's sense (not negated). */
const double *tg_ga_sol_objectives(const tg_ga_sol *s, int i);
double tg_ga_sol_violation(const tg_ga_sol *s, int i);
int64_t tg_ga_sol_evals(const tg_ga_sol *s);
int64_t tg_ga_sol_generations(const tg_ga_sol *s);
/* Evaluations spent when the best individual was first seen (1 objective). */
int64_t tg_ga_sol_evals_at_best(const tg_ga_sol *s);
/* The per-generation log (borrowed), *n lines. */
const tg_ga_gen_stats *tg_ga_sol_log(const tg_ga_sol *s, int64_t *n);
/* Write the log as CSV with the header
 * generation,evals,best,mean,worst,feasible,front. */
tg_status tg_ga_sol_write_log(const tg_ga_sol *s, const char *path, char *msg);

/* ---- GA operators, usable alone (rng is the caller's) ---- */

/* Selection of k indices from n weights w >= 0 (sum > 0) into out:
 * roulette draws each independently (count of i ~ Binomial(k, w_i/sum));
 * SUS uses one spin with k equally spaced pointers, so i is chosen
 * floor(e_i) or ceil(e_i) times, e_i = k w_i / sum, with mean e_i. */
void tg_ga_select_roulette(tg_rng *r, const double *w, int n, int k, int32_t *out);
void tg_ga_select_sus(tg_rng *r, const double *w, int n, int k, int32_t *out);
/* Linear ranking weights (Baker 1985) for n >= 2 individuals sorted best
 * first, pressure s in [1, 2]: w[p] = (2 - s)/n + 2 (s - 1)(n - 1 - p) /
 * (n (n - 1)); they sum to 1, the best gets s/n, the worst (2 - s)/n. */
void tg_ga_rank_weights(int n, double s, double *w);

/* SBX (Deb & Agrawal 1995) with distribution index eta, per gene with
 * probability 1/2: children m -/+ beta |p2 - p1| / 2 around the parents'
 * mean m, so c1 + c2 = p1 + p2 exactly in every gene; beta is clipped so
 * both children stay in [lo, hi] (which keeps the mean). */
void tg_ga_sbx(tg_rng *r, const double *p1, const double *p2, double *c1, double *c2, int n, const double *lo,
               const double *hi, double eta);
/* Deb's bounded polynomial mutation of x[k] for each k with probability
 * rate; results stay in [lo, hi]. */
void tg_ga_polynomial_mutation(tg_rng *r, double *x, int n, const double *lo, const double *hi, double eta,
                               double rate);
/* PMX and OX on permutations of 0 .. n-1; work holds n entries.  Children
 * are permutations; PMX keeps p1's (p2's) segment [a, b] in c1 (c2) at its
 * positions, OX too, the rest in the other parent's order. */
void tg_ga_pmx(tg_rng *r, const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int32_t *work);
void tg_ga_order_crossover(tg_rng *r, const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n,
                           int32_t *work);
/* Both with the cut points given (0 <= a <= b < n): for tests. */
void tg_ga_pmx_at(const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int a, int b,
                  int32_t *work);
void tg_ga_order_crossover_at(const int32_t *p1, const int32_t *p2, int32_t *c1, int32_t *c2, int n, int a, int b,
                              int32_t *work);

/* Non-dominated sorting (Deb et al. 2002) of n points of m objectives
 * (row-major, all MINIMISED): rank[i] = 0 for the first front, 1 for the
 * next...  O(m n^2) time, O(n^2) bits of memory at most. */
tg_status tg_ga_pareto_ranks(const double *obj, int n, int m, int32_t *rank /* OUT */, char *msg);
/* Crowding distance of the count points idx[] (one front) into dist[i]
 * for i < count: infinite at each objective's extremes, else the sum over
 * objectives of the normalised gap between the two neighbours. */
tg_status tg_ga_crowding(const double *obj, int m, const int32_t *idx, int count, double *dist /* OUT */,
                         char *msg);
/* Hypervolume dominated by n points of 2 minimised objectives and bounded
 * by the reference point ref (points not strictly better than ref in both
 * objectives add nothing). */
tg_status tg_ga_hypervolume2(const double *obj, int n, const double ref[2], double *hv /* OUT */, char *msg);

/* ---- k-nearest-neighbour classification, for feature selection ------- */

/* Cross-validated accuracy of a k-NN classifier (Euclidean distance on the
 * features with mask[j] != 0, mask NULL = all; each feature z-scored with
 * the training fold's mean and deviation; majority vote, ties to the
 * nearest neighbour's class).  Row i of X (n x d, row-major) has class
 * y[i] >= 0 and is in fold i % folds.  O(n^2 d / folds x folds). */
tg_status tg_knn_cv_accuracy(const double *X, const int32_t *y, int n, int d, const unsigned char *mask, int k,
                             int folds, double *accuracy /* OUT */, char *msg);
/* The same classifier trained on rows 0 .. ntrain-1 (z-scores from them)
 * and scored on rows ntrain .. n-1. */
tg_status tg_knn_holdout_accuracy(const double *X, const int32_t *y, int n, int d, const unsigned char *mask, int k,
                                  int ntrain, double *accuracy /* OUT */, char *msg);

/* ---- redundancy allocation (series-parallel, mixing allowed) ------------ */

typedef struct tg_rap tg_rap;
/* Read a problem in the format of data/rap (SOURCE.md there): cost_limit,
 * weight_limits A-B, max_per_subsystem, min_per_subsystem, subsystem i,
 * choice j r c w.  Errors name the file and line. */
tg_status tg_rap_read(const char *path, tg_rap **rap /* OUT */, char *msg);
void tg_rap_free(tg_rap **rap);
int tg_rap_subsystems(const tg_rap *rap);
int tg_rap_types(const tg_rap *rap, int subsystem);
int tg_rap_max_per_subsystem(const tg_rap *rap);
double tg_rap_cost_limit(const tg_rap *rap);
void tg_rap_weight_limits(const tg_rap *rap, int *lo, int *hi);
/* A design: counts[i * 8 + j] components of type j in subsystem i (8 =
 * the largest number of types handled).  Reliability, cost and weight. */
void tg_rap_evaluate(const tg_rap *rap, const int32_t *counts, double *reliability, double *cost, double *weight);
/* Exact optimum for weight limit W by dynamic programming over integer
 * (cost, weight) states: O(subsystems x cost x W x designs per subsystem).
 * counts (may be NULL) receives an optimal design; by_weight (may be NULL,
 * W + 1 entries) the optimum for every smaller limit, from the same run. */
tg_status tg_rap_exact(const tg_rap *rap, int weight_limit, double *reliability, int32_t *counts,
                       double *by_weight, char *msg);
/* A memetic GA (tg_ga_solve; each child made pair-optimal, see rap.c);
 * counts receives the best design. */
tg_status tg_rap_ga(const tg_rap *rap, int weight_limit, int64_t max_evals, uint64_t seed, double *reliability,
                    int32_t *counts, int64_t *evals_at_best, char *msg);

/* ---- association rules -------------------------------------------------- */

typedef struct tg_rule_opts {
    int64_t min_count;          /* minimum support of body + head (>= 1) */
    int max_len;                /* longest body + head; 0 = no limit */
    double min_confidence;      /* in [0, 1] */
    double min_lift;            /* 0 = no filter */
    double min_leverage;        /* 0 = no filter; else keep leverage >= it */
    double min_conviction;      /* 0 = no filter */
    int max_head;               /* longest head; 0 means 1 */
    /* Optional filters (NULL = any): a rule is kept only if every head
     * item is in `heads`, and its body holds at least one of `bodies`.
     * Each is an array of item indices of length nheads / nbodies. */
    const int32_t *heads;
    int nheads;
    const int32_t *bodies;
    int nbodies;
    tg_mining_algorithm algorithm;  /* which miner finds the itemsets */
} tg_rule_opts;

typedef struct tg_rule {
    const int32_t *body;        /* item indices, ascending */
    int nbody;
    const int32_t *head;
    int nhead;
    int64_t support;            /* transactions holding body and head */
    int64_t body_support, head_support;
    double confidence;          /* support / body_support */
    double lift;                /* confidence / (head_support / N) */
    double leverage;            /* support/N - body_support/N * head_support/N */
    double conviction;          /* (1 - head_support/N) / (1 - confidence); inf at 1 */
} tg_rule;

typedef int (*tg_rule_fn)(void *ud, const tg_rule *rule);

/* Every rule body -> head (disjoint, both non-empty) whose union is a
 * frequent itemset and which passes the filters.  Rules come grouped by
 * their itemset, in no further order.  *count (may be NULL) receives the
 * number of rules. */
tg_status tg_mining_rules(const tg_txdb *db, const tg_rule_opts *opts, tg_rule_fn fn, void *ud,
                          int64_t *count, char *msg);

#endif
