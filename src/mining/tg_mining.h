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

/* ---- genetic algorithm (integer encoding) ------------------------------- */

/* Fitness: return the objective (maximised) and set *violation >= 0 (0 for
 * a feasible solution).  Individuals compare by Deb's feasibility rules:
 * feasible beats infeasible, less violation beats more, then the higher
 * objective wins, so no penalty weight has to be tuned. */
typedef double (*tg_ga_fitness)(void *ud, const int32_t *genes, double *violation);
/* Optional local improvement of an individual in place (a repair or a
 * hill climb); returns the evaluations it spent.  *obj and *viol hold the
 * individual's fitness on entry and must be updated. */
typedef int64_t (*tg_ga_improve)(void *ud, int32_t *genes, double *obj, double *viol);

typedef struct tg_ga_opts {
    int ngenes;
    const int32_t *lo, *hi;     /* inclusive bounds per gene */
    int pop;                    /* population size (>= 4) */
    int64_t max_evals;          /* budget of fitness evaluations */
    int tournament;             /* tournament size (>= 2) */
    double crossover;           /* probability of uniform crossover */
    double mutation;            /* per-gene probability of a uniform re-draw */
    int elite;                  /* best individuals copied unchanged */
    uint64_t seed;
    tg_ga_improve improve;      /* may be NULL */
    double improve_rate;        /* share of children improved */
} tg_ga_opts;

typedef struct tg_ga_result {
    int32_t *best;              /* caller-provided, ngenes entries */
    double objective, violation;
    int64_t evals, generations, evals_at_best;
} tg_ga_result;

tg_status tg_ga_run(const tg_ga_opts *opts, tg_ga_fitness fitness, void *ud, tg_ga_result *result, char *msg);

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
/* A memetic GA (tg_ga_run; each child made pair-optimal, see rap.c);
 * counts receives the best design. */
tg_status tg_rap_ga(const tg_rap *rap, int weight_limit, int64_t max_evals, uint64_t seed, double *reliability,
                    int32_t *counts, int64_t *evals_at_best, char *msg);

/* ---- association rules -------------------------------------------------- */

typedef struct tg_rule_opts {
    int64_t min_count;          /* minimum support of body + head (>= 1) */
    int max_len;                /* longest body + head; 0 = no limit */
    double min_confidence;      /* in [0, 1] */
    double min_lift;            /* 0 = no filter */
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
