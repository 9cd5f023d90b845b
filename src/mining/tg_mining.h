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

typedef struct tg_itemset_opts {
    int64_t min_count;      /* absolute minimum support (>= 1) */
    int max_len;            /* longest itemset reported; 0 = no limit */
} tg_itemset_opts;

/* Called once per frequent itemset (items in mining order, not sorted);
 * return non-zero to stop the search (tg_mining_itemsets then returns
 * TG_OK with what was found so far). */
typedef int (*tg_itemset_fn)(void *ud, const int32_t *items, int len, int64_t support);

/* Enumerate every frequent itemset (the empty set excluded).  fn may be
 * NULL (count only).  *count (may be NULL) receives the number found;
 * by_size (may be NULL, max_len + 1 entries, or 65 when max_len is 0)
 * receives by_size[k] = number of itemsets of size k. */
tg_status tg_mining_itemsets(const tg_txdb *db, const tg_itemset_opts *opts, tg_itemset_fn fn,
                             void *ud, int64_t *count, int64_t *by_size, char *msg);

/* Write every frequent itemset to f, one a line as "a b c (support)" with
 * item names (Borgelt's and the FIMI tools' layout), through a large
 * buffer.  *count as above. */
tg_status tg_mining_write_itemsets(const tg_txdb *db, const tg_itemset_opts *opts, FILE *f,
                                   int64_t *count, char *msg);

#endif
