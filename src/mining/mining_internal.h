/* mining_internal.h: structures shared by the files of src/mining. */
#ifndef TG_MINING_INTERNAL_H
#define TG_MINING_INTERNAL_H

#include <zlib.h>

#include "tg_mining.h"

struct tg_txdb {
    tg_pool *pool;              /* item names */
    tg_strmap *map;             /* name -> item index */
    const char **names;
    uint32_t *name_len;
    size_t names_cap;
    int32_t nitems;
    int64_t ntx;
    int64_t *off;               /* transaction t: items[off[t] .. off[t+1]) */
    size_t off_cap;
    int32_t *items;
    int64_t nitems_total;
    size_t items_cap;
};

/* TG_OK, or TG_ERR_IO naming path when zlib saw a corrupt or truncated
 * stream (it says so only once reading has ended). */
tg_status tg_mining_i_gz_check(gzFile z, const char *path, char *msg);

/* A stack arena for the miners' per-level memory: blocks of 4 MiB (or
 * more), released back to a saved mark when a search level ends. */

typedef struct arena_block { struct arena_block *prev; size_t used, size; char data[]; } arena_block;
typedef struct arena { arena_block *top; } arena;
typedef struct arena_mark { arena_block *block; size_t used; } arena_mark;

static inline void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->top;
    if (!b || b->size - b->used < n) {
        size_t size = n > ((size_t)1 << 22) ? n : ((size_t)1 << 22);
        arena_block *nb = tg_malloc(sizeof *nb + size);
        if (!nb) return NULL;
        nb->prev = b;
        nb->used = 0;
        nb->size = size;
        a->top = b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

static inline arena_mark arena_save(const arena *a) { return (arena_mark){a->top, a->top ? a->top->used : 0}; }

static inline void arena_restore(arena *a, arena_mark m)
{
    while (a->top != m.block) {
        arena_block *b = a->top;
        a->top = b->prev;
        tg_free(b);
    }
    if (a->top) a->top->used = m.used;
}

static inline void arena_free(arena *a) { arena_restore(a, (arena_mark){NULL, 0}); }

/* Where a miner reports itemsets: the count, the count by size, the
 * caller's callback and its request to stop. */
typedef struct tg_mining_i_sink {
    tg_itemset_fn fn;
    void *ud;
    int64_t count;
    int64_t *by_size;
    int by_size_len;
    bool stop;
} tg_mining_i_sink;

static inline void tg_mining_i_emit(tg_mining_i_sink *k, const int32_t *items, int len, int64_t supp)
{
    k->count++;
    if (k->by_size && len < k->by_size_len) k->by_size[len]++;
    if (k->fn && k->fn(k->ud, items, len, supp)) k->stop = true;
}

/* Frequent-itemset search by Apriori (apriori.c) and FP-growth
 * (fpgrowth.c), with the contract of tg_mining_itemsets (arguments
 * already checked). */
tg_status tg_mining_i_apriori(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                              int64_t *count, int64_t *by_size, char *msg);
tg_status tg_mining_i_fpgrowth(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                               int64_t *count, int64_t *by_size, char *msg);

/* qsort comparison of int32_t values, ascending. */
int tg_mining_i_cmp_i32(const void *a, const void *b);

/* A frequent item and its support. */
typedef struct tg_mining_i_freq { int32_t item; int64_t supp; } tg_mining_i_freq;

/* The frequent items of db (support >= min) into fi, sorted by support,
 * ascending or descending, ties by item index; rank[i] = position of item
 * i in fi, or -1.  supp (zeroed), fi and rank hold nitems + 1 entries.
 * Returns the number of frequent items; *occ = their occurrences in all.
 * O(occurrences + items log items). */
int32_t tg_mining_i_rank_items(const tg_txdb *db, int64_t min, bool descending, int64_t *supp,
                               tg_mining_i_freq *fi, int32_t *rank, int64_t *occ);

#endif
