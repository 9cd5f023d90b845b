/* fpgrowth.c: frequent itemsets by FP-growth (Han, Pei & Yin, SIGMOD
 * 2000).  The frequent items are coded by descending support (code 0 the
 * most frequent), so that transactions share long prefixes; the
 * transactions, their items in code order, are sorted and inserted into a
 * prefix tree (the FP-tree) whose nodes carry counts, with one linked list
 * of nodes per item (the header table).  For each item c, from the least
 * frequent up, prefix + {c} is reported and the paths from c's nodes to the
 * root (the conditional pattern base of c) are counted, their infrequent
 * items dropped, and inserted into a new, conditional tree that is mined
 * the same way.  A tree that is a single path needs no more trees: every
 * combination of its nodes is frequent, with the count of its deepest node.
 *
 * All trees live in a stack arena released when their level of the search
 * ends; a node is 24 bytes.  Counts are 32-bit (the database has fewer than
 * 2^31 transactions). */
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

typedef struct fpnode {
    int32_t item;       /* code in its tree; -1 at the root */
    int32_t parent;
    int32_t next;       /* next node of the same item (header list) */
    int32_t kid;        /* newest child */
    int32_t sib;        /* next older sibling */
    int32_t count;
} fpnode;

typedef struct fptree {
    int32_t n;          /* items, coded 0..n-1: a lower code lies nearer the root */
    int32_t *item_of;   /* code -> original item index */
    int32_t *supp;      /* code -> support in this (conditional) database */
    int32_t *head, *tail;   /* code -> first and last node of the item */
    int32_t *rootkid;   /* code -> the root's child of this item, or -1 */
    fpnode *node;       /* node 0 is the root */
    int32_t nn;
    bool branched;      /* some node has two children */
} fptree;

typedef struct fpsearch {
    int64_t min;
    int max_len;
    tg_mining_i_sink out;
    int32_t *prefix;
    arena mem;
    bool nomem;
} fpsearch;

/* A tree for n items and at most cap nodes besides the root. */
static bool tree_new(arena *mem, fptree *t, int32_t n, int64_t cap)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->item_of = arena_alloc(mem, sizeof(int32_t) * (size_t)n);
    t->supp = arena_alloc(mem, sizeof(int32_t) * (size_t)n);
    t->head = arena_alloc(mem, sizeof(int32_t) * (size_t)n);
    t->tail = arena_alloc(mem, sizeof(int32_t) * (size_t)n);
    t->rootkid = arena_alloc(mem, sizeof(int32_t) * (size_t)n);
    t->node = arena_alloc(mem, sizeof(fpnode) * (size_t)(cap + 1));
    if (!t->item_of || !t->supp || !t->head || !t->tail || !t->rootkid || !t->node) return false;
    for (int32_t c = 0; c < n; c++) t->supp[c] = 0, t->head[c] = t->tail[c] = t->rootkid[c] = -1;
    t->node[0] = (fpnode){-1, -1, -1, -1, -1, 0};
    t->nn = 1;
    return true;
}

/* Insert a path of ascending codes with count w.  The newest child is
 * looked at first: paths come in (nearly) sorted order, so a shared prefix
 * is usually the path just inserted. */
static void insert(fptree *t, const int32_t *path, int len, int32_t w)
{
    int32_t cur = 0;
    for (int k = 0; k < len; k++) {
        int32_t c = path[k], v;
        if (cur == 0) {
            v = t->rootkid[c];
        } else {
            v = t->node[cur].kid;
            while (v >= 0 && t->node[v].item != c) v = t->node[v].sib;
        }
        if (v < 0) {
            v = t->nn++;
            if (t->node[cur].kid >= 0) t->branched = true;
            t->node[v] = (fpnode){c, cur, -1, -1, t->node[cur].kid, 0};
            t->node[cur].kid = v;
            if (cur == 0) t->rootkid[c] = v;
            if (t->tail[c] >= 0) t->node[t->tail[c]].next = v;
            else t->head[c] = v;
            t->tail[c] = v;
        }
        t->node[v].count += w;
        t->supp[c] += w;
        cur = v;
    }
}

/* Every combination of the nodes of a single-path tree after position
 * `from`, appended to the prefix at depth d. */
static void single_path(fpsearch *s, const fptree *t, int32_t from, int d)
{
    for (int32_t v = from; v < t->nn && !s->out.stop; v++) {
        s->prefix[d] = t->item_of[t->node[v].item];
        tg_mining_i_emit(&s->out, s->prefix, d + 1, t->node[v].count);
        if (!s->max_len || d + 1 < s->max_len) single_path(s, t, v + 1, d + 1);
    }
}

static void mine(fpsearch *s, const fptree *t, int d)
{
    if (!t->branched) {
        /* A single path: nodes 1..nn-1 from the root down. */
        single_path(s, t, 1, d);
        return;
    }
    for (int32_t c = t->n - 1; c >= 0 && !s->out.stop; c--) {
        if (t->supp[c] < s->min) continue;     /* only in conditional trees' input, never kept */
        s->prefix[d] = t->item_of[c];
        tg_mining_i_emit(&s->out, s->prefix, d + 1, t->supp[c]);
        if (s->out.stop || c == 0 || (s->max_len && d + 1 >= s->max_len)) continue;
        arena_mark m = arena_save(&s->mem);
        int32_t *cnt = arena_alloc(&s->mem, sizeof *cnt * (size_t)c);
        int32_t *map = arena_alloc(&s->mem, sizeof *map * (size_t)c);
        int32_t *path = arena_alloc(&s->mem, sizeof *path * (size_t)c);
        if (!cnt || !map || !path) {
            s->nomem = s->out.stop = true;
            return;
        }
        /* The conditional pattern base of c: count the items above its nodes. */
        memset(cnt, 0, sizeof *cnt * (size_t)c);
        int64_t bound = 0;
        for (int32_t v = t->head[c]; v >= 0; v = t->node[v].next) {
            int32_t w = t->node[v].count;
            for (int32_t u = t->node[v].parent; u > 0; u = t->node[u].parent) {
                cnt[t->node[u].item] += w;
                bound++;
            }
        }
        int32_t nf = 0;
        for (int32_t i = 0; i < c; i++) map[i] = cnt[i] >= s->min ? nf++ : -1;
        if (nf > 0) {
            fptree ct;
            /* No more nodes than path steps, nor than this tree has. */
            if (bound > t->nn - 1) bound = t->nn - 1;
            if (!tree_new(&s->mem, &ct, nf, bound)) {
                s->nomem = s->out.stop = true;
                return;
            }
            for (int32_t i = 0; i < c; i++)
                if (map[i] >= 0) ct.item_of[map[i]] = t->item_of[i];
            for (int32_t v = t->head[c]; v >= 0; v = t->node[v].next) {
                int len = 0;
                for (int32_t u = t->node[v].parent; u > 0; u = t->node[u].parent)
                    if (map[t->node[u].item] >= 0) path[len++] = map[t->node[u].item];
                for (int a = 0, b = len - 1; a < b; a++, b--) {
                    int32_t x = path[a];
                    path[a] = path[b];
                    path[b] = x;
                }
                if (len) insert(&ct, path, len, t->node[v].count);
            }
            mine(s, &ct, d + 1);
        }
        arena_restore(&s->mem, m);
    }
}

/* Transactions as code lists, compared lexicographically. */
typedef struct txref { const int32_t *it; int32_t n; } txref;

static int by_codes(const void *a, const void *b)
{
    const txref *x = a, *y = b;
    int32_t n = x->n < y->n ? x->n : y->n;
    for (int32_t k = 0; k < n; k++)
        if (x->it[k] != y->it[k]) return x->it[k] < y->it[k] ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

tg_status tg_mining_i_fpgrowth(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                               int64_t *count, int64_t *by_size, char *msg)
{
    static const char fn_name[] = "mining.itemsets (fpgrowth)";
    if (db->ntx > INT32_MAX) return tg_msg(msg, TG_ERR_LIMIT, "%s: more than 2^31 transactions", fn_name);
    fpsearch s = {.min = o->min_count, .max_len = o->max_len,
                  .out = {fn, ud, 0, by_size, o->max_len ? o->max_len + 1 : 65, false}};
    tg_status st = TG_OK;
    int64_t *supp = tg_calloc((size_t)db->nitems + 1, sizeof *supp);
    tg_mining_i_freq *fi = tg_malloc(sizeof *fi * ((size_t)db->nitems + 1));
    int32_t *code = tg_malloc(sizeof *code * ((size_t)db->nitems + 1));
    int32_t *codes = NULL;
    txref *tx = NULL;
    if (!supp || !fi || !code) goto nomem;
    int64_t occ;
    int32_t nf = tg_mining_i_rank_items(db, o->min_count, true, supp, fi, code, &occ);
    if (occ >= INT32_MAX) {     /* node indices are 32-bit: at most one node per occurrence */
        st = tg_msg(msg, TG_ERR_LIMIT, "%s: 2^31 or more frequent item occurrences", fn_name);
        goto done;
    }
    /* The transactions recoded, sorted, then inserted. */
    codes = tg_malloc(sizeof *codes * ((size_t)occ + 1));
    tx = tg_malloc(sizeof *tx * ((size_t)db->ntx + 1));
    s.prefix = tg_malloc(sizeof *s.prefix * ((size_t)nf + 1));
    if (!codes || !tx || !s.prefix) goto nomem;
    int64_t h = 0, ntx = 0;
    for (int64_t t = 0; t < db->ntx; t++) {
        int64_t start = h;
        for (int64_t k = db->off[t]; k < db->off[t + 1]; k++)
            if (code[db->items[k]] >= 0) codes[h++] = code[db->items[k]];
        if (h == start) continue;
        qsort(codes + start, (size_t)(h - start), sizeof *codes, tg_mining_i_cmp_i32);
        tx[ntx++] = (txref){codes + start, (int32_t)(h - start)};
    }
    qsort(tx, (size_t)ntx, sizeof *tx, by_codes);
    fptree t;
    /* Nodes: at most one per item occurrence. */
    if (!tree_new(&s.mem, &t, nf, occ)) goto nomem;
    for (int32_t r = 0; r < nf; r++) t.item_of[r] = fi[r].item;
    for (int64_t k = 0; k < ntx; k++) insert(&t, tx[k].it, tx[k].n, 1);
    tg_free(codes);
    tg_free(tx);
    codes = NULL;
    tx = NULL;
    if (nf > 0) mine(&s, &t, 0);
    if (s.nomem) goto nomem;
    if (count) *count = s.out.count;
    goto done;
nomem:
    st = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn_name);
done:
    tg_free(supp);
    tg_free(fi);
    tg_free(code);
    tg_free(codes);
    tg_free(tx);
    tg_free(s.prefix);
    arena_free(&s.mem);
    return st;
}
