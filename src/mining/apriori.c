/* apriori.c: frequent itemsets level by level (Agrawal & Srikant, VLDB
 * 1994).  The frequent k-itemsets form level k of a prefix tree over the
 * frequent items (coded by ascending support): a node holds its last item,
 * its support and its parent, and its children on level k + 1 are one
 * contiguous, item-sorted range.  Level k + 1's candidates join each
 * k-itemset with its later siblings (same k-1 prefix), and a candidate is
 * kept only if all its k-subsets are frequent (looked up in the tree).
 * Candidates are counted
 *   - on sparse data, by walking each distinct transaction (weighted by
 *     its multiplicity) down the tree: at each node the transaction's
 *     remaining items select the children, by direct index where the
 *     children are a contiguous item range, else by merge or binary search;
 *     after each level the transactions lose the items no frequent
 *     k-itemset holds, and those too short for level k + 1;
 *   - on dense data (the same density test as eclat.c), by transaction
 *     bitsets: a depth-first walk of the tree keeps the cover of each
 *     prefix on a stack, and a candidate's support is one AND + popcount of
 *     its parent's cover and its item's bitset.
 * Level k + 1 is reported as soon as it is counted. */
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

typedef struct level {
    int32_t n;
    int32_t *item;      /* frequent-item code */
    int32_t *supp;
    int32_t *parent;    /* index on the level above */
    int32_t *first;     /* n + 1 entries: children on the next level */
    uint8_t *live;      /* a candidate lies below (counting pass only) */
} level;

typedef int64_t (*popand_fn)(const uint64_t *, const uint64_t *, size_t);

typedef struct apr {
    int64_t min;
    int max_len;
    int32_t nf;
    level *lev;         /* lev[0] is the root */
    int nlev, lev_cap;
    tg_mining_i_sink out;
    const int32_t *item_of;     /* code -> item */
    int32_t *items;     /* scratch: an itemset's codes, then its items */
    int32_t *sub;       /* scratch for gen_parent(): 4 arrays of nf + 1 */
    /* sparse: distinct transactions as code lists, with weights */
    int32_t *tcodes;
    int64_t *toff;
    int32_t *tw;
    int64_t ntx;
    /* dense */
    bool dense;
    size_t words;
    uint64_t *bits;     /* nf x words */
    uint64_t *stack;    /* (depth + 1) x words */
    popand_fn popand;
    bool nomem;
} apr;

#define POPAND_BODY                                     \
    int64_t c = 0;                                      \
    for (size_t w = 0; w < words; w++) c += __builtin_popcountll(a[w] & b[w]); \
    return c;

static int64_t popand_generic(const uint64_t *a, const uint64_t *b, size_t words) { POPAND_BODY }

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt")))
static int64_t popand_popcnt(const uint64_t *a, const uint64_t *b, size_t words) { POPAND_BODY }
#endif

static popand_fn pick_popand(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) return popand_popcnt;
#endif
    return popand_generic;
}

static void level_free(level *l)
{
    tg_free(l->item);
    tg_free(l->supp);
    tg_free(l->parent);
    tg_free(l->first);
    tg_free(l->live);
    memset(l, 0, sizeof *l);
}

/* The codes of node j on level k into a->items[0..k). */
static void codes_of(const apr *a, int k, int32_t j)
{
    for (int d = k; d >= 1; d--) {
        a->items[d - 1] = a->lev[d].item[j];
        j = a->lev[d].parent[j];
    }
}

/* Candidate generation state. */
typedef struct gen {
    apr *a;
    int k;
    level N;            /* the candidates of level k + 1 */
    size_t cap;
    int32_t *S;         /* row d (stride k + 1): S[d][m] = node of (itemset at depth d) minus item m */
    int32_t *ptr;       /* row d: merge positions among the children of S[d][m] */
    bool nomem, limit;
} gen;

/* The candidates under parent p (level k - 1), whose itemset minus item m
 * is node q[m] (level k - 2), m < k - 1.
 *
 * Candidate j + x (j a child of p, x the item of a later sibling) needs
 * its k-subsets frequent.  Dropping x gives j, dropping j's last item the
 * sibling; dropping item m < k - 1 gives sub[m] + x, where sub[m], the
 * child of q[m] with j's last item, must have a child x.  Children are
 * sorted by item, so both are merges, not searches. */
static void gen_parent(gen *g, int32_t p, const int32_t *q)
{
    apr *a = g->a;
    int k = g->k;
    level *L = &a->lev[k], *P = &a->lev[k - 1];
    size_t stride = (size_t)a->nf + 1;
    int32_t *qp = a->sub, *qe = a->sub + stride, *sp = a->sub + 2 * stride, *se = a->sub + 3 * stride;
    const int32_t *up = P->item;    /* children of q[m] are on level k - 1 */
    int32_t beg = P->first[p], end = P->first[p + 1];
    if (end - beg < 2) return;
    for (int m = 0; m < k - 1; m++) qp[m] = a->lev[k - 2].first[q[m]], qe[m] = a->lev[k - 2].first[q[m] + 1];
    for (int32_t j = beg; j + 1 < end; j++) {
        L->first[j] = g->N.n;
        int32_t xj = L->item[j];
        bool ok = true;
        for (int m = 0; m < k - 1; m++) {
            while (qp[m] < qe[m] && up[qp[m]] < xj) qp[m]++;
            if (qp[m] == qe[m] || up[qp[m]] != xj) {
                ok = false;
                break;
            }
            sp[m] = P->first[qp[m]];
            se[m] = P->first[qp[m] + 1];
        }
        if (!ok) continue;
        for (int32_t s = j + 1; s < end; s++) {
            int32_t x = L->item[s];
            bool keep = true, done = false;
            for (int m = 0; m < k - 1; m++) {
                while (sp[m] < se[m] && L->item[sp[m]] < x) sp[m]++;
                if (sp[m] == se[m]) {
                    done = true;    /* no larger x can pass either */
                    break;
                }
                if (L->item[sp[m]] != x) {
                    keep = false;   /* the lists after m catch up at a later x */
                    break;
                }
            }
            if (done) break;
            if (!keep) continue;
            if (g->N.n == INT32_MAX) {      /* node indices are 32-bit */
                g->limit = g->nomem = true;
                return;
            }
            if ((size_t)g->N.n == g->cap) {
                void *nq = g->N.item;
                if (tg_grow(&nq, &g->cap, g->cap + 1, sizeof *g->N.item) != TG_OK) {
                    g->nomem = true;
                    return;
                }
                g->N.item = nq;
            }
            g->N.item[g->N.n++] = x;
        }
    }
    L->first[end - 1] = g->N.n;
}

/* Depth-first over the tree down to level k - 1, keeping for the node at
 * depth d the nodes S[d][m] of its itemset minus each item m < d: the
 * child's S[d + 1][m] is the child of S[d][m] with the child's item
 * (m < d), and S[d + 1][d] is the node itself. */
static void gen_walk(gen *g, int d, int32_t node)
{
    apr *a = g->a;
    size_t stride = (size_t)g->k + 1;
    int32_t *Sd = g->S + (size_t)d * stride, *Sn = g->S + (size_t)(d + 1) * stride, *ptr = g->ptr + (size_t)d * stride;
    if (d == g->k - 1) {
        gen_parent(g, node, Sd);
        return;
    }
    const level *Ld = &a->lev[d];
    const int32_t *kid_item = a->lev[d + 1].item, *up = d >= 1 ? a->lev[d].item : NULL;
    for (int m = 0; m < d; m++) ptr[m] = a->lev[d - 1].first[Sd[m]];
    for (int32_t c = Ld->first[node]; c < Ld->first[node + 1] && !g->nomem; c++) {
        int32_t y = kid_item[c];
        bool ok = true;
        for (int m = 0; m < d; m++) {
            int32_t stop = a->lev[d - 1].first[Sd[m] + 1];
            while (ptr[m] < stop && up[ptr[m]] < y) ptr[m]++;
            if (ptr[m] == stop || up[ptr[m]] != y) {
                ok = false;     /* a subset of a frequent itemset is always found */
                break;
            }
            Sn[m] = ptr[m];
        }
        if (!ok) continue;
        Sn[d] = node;
        gen_walk(g, d + 1, c);
    }
}

/* Candidates of level k + 1 from level k (k >= 1).  Sets lev[k].first.
 * False on failure, with *limit set when a level would pass 2^31 - 1 nodes. */
static bool generate(apr *a, int k, bool *limit)
{
    level *L = &a->lev[k];
    size_t stride = (size_t)k + 1;
    gen g = {a, k, {0}, 1024, NULL, NULL, false, false};
    g.N.item = tg_malloc(sizeof *g.N.item * g.cap);
    g.S = tg_malloc(sizeof *g.S * stride * stride);
    g.ptr = tg_malloc(sizeof *g.ptr * stride * stride);
    L->first = tg_malloc(sizeof *L->first * ((size_t)L->n + 1));
    if (!g.N.item || !g.S || !g.ptr || !L->first) goto fail;
    for (int32_t j = 0; j < L->n; j++) L->first[j] = -1;
    gen_walk(&g, 0, 0);
    if (g.nomem) goto fail;
    /* Nodes no parent visit reached have no candidates. */
    L->first[L->n] = g.N.n;
    for (int32_t j = L->n - 1; j >= 0; j--)
        if (L->first[j] < 0) L->first[j] = L->first[j + 1];
    g.N.supp = tg_calloc((size_t)g.N.n + 1, sizeof *g.N.supp);
    if (!g.N.supp) goto fail;
    a->lev[k + 1] = g.N;
    tg_free(g.S);
    tg_free(g.ptr);
    return true;
fail:
    *limit = g.limit;
    level_free(&g.N);
    tg_free(g.S);
    tg_free(g.ptr);
    return false;
}

/* Mark the nodes with a candidate below them (levels 1..k). */
static bool mark_live(apr *a, int k)
{
    for (int d = k; d >= 1; d--) {
        level *L = &a->lev[d];
        tg_free(L->live);
        if (!(L->live = tg_calloc((size_t)L->n + 1, 1))) return false;
        for (int32_t j = 0; j < L->n; j++) {
            if (d == k) {
                L->live[j] = L->first[j + 1] > L->first[j];
            } else {
                for (int32_t c = L->first[j]; c < L->first[j + 1] && !L->live[j]; c++) L->live[j] = a->lev[d + 1].live[c];
            }
        }
    }
    return true;
}

/* ---- sparse counting ---------------------------------------------------- */

/* Walk transaction t[pos..n) (weight w) below `node` on level d, counting
 * the candidates (children of level-k nodes). */
static void walk(apr *a, int k, int d, int32_t node, const int32_t *t, int32_t pos, int32_t n, int32_t w)
{
    const level *L = &a->lev[d], *C = &a->lev[d + 1];
    int32_t lo = L->first[node], hi = L->first[node + 1];
    if (lo == hi) return;
    /* Items t[i] that may start a child: a non-final step needs k - d
     * further items after it. */
    int32_t last = d == k ? n : n - (k - d);
    if (pos >= last) return;
    const int32_t *it = C->item;
    int32_t first_item = it[lo], span = it[hi - 1] - first_item + 1;
    int32_t c = lo;
    for (int32_t i = pos; i < last; i++) {
        int32_t x = t[i], at;
        if (x < first_item) continue;
        if (x > it[hi - 1]) break;
        if (span == hi - lo) {
            at = lo + (x - first_item);     /* children are a contiguous range */
        } else if (hi - c <= 8 * (last - i)) {
            while (c < hi && it[c] < x) c++;
            if (c == hi) break;
            if (it[c] != x) continue;
            at = c;
        } else {
            int32_t l = c, r = hi;
            while (l < r) {
                int32_t mid = l + (r - l) / 2;
                if (it[mid] < x) l = mid + 1;
                else r = mid;
            }
            c = l;
            if (c == hi) break;
            if (it[c] != x) continue;
            at = c;
        }
        if (d == k) a->lev[d + 1].supp[at] += w;
        else if (C->live[at]) walk(a, k, d + 1, at, t, i + 1, n, w);
    }
}

static void count_sparse(apr *a, int k)
{
    for (int64_t t = 0; t < a->ntx; t++) {
        int32_t n = (int32_t)(a->toff[t + 1] - a->toff[t]);
        if (n >= k + 1) walk(a, k, 0, 0, a->tcodes + a->toff[t], 0, n, a->tw[t]);
    }
}

/* Drop from the transactions the items of no candidate of level k + 1
 * (neither on the path to a live level-k node nor a candidate's last
 * item), and the transactions left with fewer than k + 1 items. */
static void reduce(apr *a, int k, uint8_t *used)
{
    memset(used, 0, (size_t)a->nf);
    const level *L = &a->lev[k];
    for (int32_t j = 0; j < L->n; j++) {
        if (!L->live[j]) continue;
        codes_of(a, k, j);
        for (int q = 0; q < k; q++) used[a->items[q]] = 1;
        for (int32_t c = L->first[j]; c < L->first[j + 1]; c++) used[a->lev[k + 1].item[c]] = 1;
    }
    int64_t h = 0, m = 0;
    for (int64_t t = 0; t < a->ntx; t++) {
        int64_t start = h;
        for (int64_t q = a->toff[t]; q < a->toff[t + 1]; q++)
            if (used[a->tcodes[q]]) a->tcodes[h++] = a->tcodes[q];
        if (h - start < k + 1) {
            h = start;
            continue;
        }
        a->toff[m] = start;
        a->tw[m++] = a->tw[t];
    }
    a->toff[m] = h;
    a->ntx = m;
}

/* ---- dense counting ----------------------------------------------------- */

static void cover_walk(apr *a, int k, int d, int32_t node, const uint64_t *cover)
{
    const level *L = &a->lev[d];
    const level *C = &a->lev[d + 1];
    size_t W = a->words;
    for (int32_t c = L->first[node]; c < L->first[node + 1]; c++) {
        const uint64_t *b = a->bits + (size_t)C->item[c] * W;
        if (d == k) {
            C->supp[c] = (int32_t)a->popand(cover, b, W);
        } else if (C->live[c]) {
            if (d == 0) {
                cover_walk(a, k, 1, c, b);   /* a single item's cover is its bitset */
                continue;
            }
            uint64_t *nc = a->stack + (size_t)(d + 1) * W;
            for (size_t w = 0; w < W; w++) nc[w] = cover[w] & b[w];
            cover_walk(a, k, d + 1, c, nc);
        }
    }
}

/* ---- levels --------------------------------------------------------------- */

/* Keep the frequent candidates of level k + 1, set their parents, report them. */
static bool compact_and_report(apr *a, int k)
{
    level *L = &a->lev[k], *N = &a->lev[k + 1];
    N->parent = tg_malloc(sizeof *N->parent * ((size_t)N->n + 1));
    if (!N->parent) return false;
    int32_t m = 0;
    for (int32_t j = 0; j < L->n; j++) {
        int32_t lo = L->first[j], hi = L->first[j + 1];
        L->first[j] = m;
        for (int32_t c = lo; c < hi; c++)
            if (N->supp[c] >= a->min) {
                N->item[m] = N->item[c];
                N->supp[m] = N->supp[c];
                N->parent[m++] = j;
            }
    }
    L->first[L->n] = m;
    N->n = m;
    int32_t *names = a->items + a->nf + 1;
    for (int32_t j = 0; j < N->n && !a->out.stop; j++) {
        codes_of(a, k + 1, j);
        for (int q = 0; q <= k; q++) names[q] = a->item_of[a->items[q]];
        tg_mining_i_emit(&a->out, names, k + 1, N->supp[j]);
    }
    return true;
}

typedef struct txref { const int32_t *it; int32_t n; } txref;

static int by_codes(const void *x, const void *y)
{
    const txref *p = x, *q = y;
    int32_t n = p->n < q->n ? p->n : q->n;
    for (int32_t k = 0; k < n; k++)
        if (p->it[k] != q->it[k]) return p->it[k] < q->it[k] ? -1 : 1;
    return (p->n > q->n) - (p->n < q->n);
}

/* Distinct transactions (recoded, sorted) with their multiplicities. */
static bool load_sparse(apr *a, const tg_txdb *db, const int32_t *code, int64_t occ)
{
    int32_t *codes = tg_malloc(sizeof *codes * ((size_t)occ + 1));
    txref *tx = tg_malloc(sizeof *tx * ((size_t)db->ntx + 1));
    a->tcodes = tg_malloc(sizeof *a->tcodes * ((size_t)occ + 1));
    a->toff = tg_malloc(sizeof *a->toff * ((size_t)db->ntx + 1));
    a->tw = tg_malloc(sizeof *a->tw * ((size_t)db->ntx + 1));
    bool ok = codes && tx && a->tcodes && a->toff && a->tw;
    if (ok) {
        int64_t h = 0, n = 0;
        for (int64_t t = 0; t < db->ntx; t++) {
            int64_t start = h;
            for (int64_t q = db->off[t]; q < db->off[t + 1]; q++)
                if (code[db->items[q]] >= 0) codes[h++] = code[db->items[q]];
            if (h - start < 2) {    /* level 2 and up need two items */
                h = start;
                continue;
            }
            qsort(codes + start, (size_t)(h - start), sizeof *codes, tg_mining_i_cmp_i32);
            tx[n++] = (txref){codes + start, (int32_t)(h - start)};
        }
        qsort(tx, (size_t)n, sizeof *tx, by_codes);
        int64_t m = 0;
        h = 0;
        for (int64_t t = 0; t < n; t++) {
            if (m > 0 && by_codes(&tx[t], &tx[t - 1]) == 0) {
                a->tw[m - 1]++;
                continue;
            }
            a->toff[m] = h;
            a->tw[m++] = 1;
            memcpy(a->tcodes + h, tx[t].it, sizeof *a->tcodes * (size_t)tx[t].n);
            h += tx[t].n;
        }
        a->toff[m] = h;
        a->ntx = m;
    }
    tg_free(codes);
    tg_free(tx);
    return ok;
}

tg_status tg_mining_i_apriori(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                              int64_t *count, int64_t *by_size, char *msg)
{
    static const char fn_name[] = "mining.itemsets (apriori)";
    if (db->ntx > INT32_MAX) return tg_msg(msg, TG_ERR_LIMIT, "%s: more than 2^31 transactions", fn_name);
    apr a = {.min = o->min_count, .max_len = o->max_len,
             .out = {fn, ud, 0, by_size, o->max_len ? o->max_len + 1 : 65, false}};
    tg_status st = TG_OK;
    int64_t *supp = tg_calloc((size_t)db->nitems + 1, sizeof *supp);
    tg_mining_i_freq *fi = tg_malloc(sizeof *fi * ((size_t)db->nitems + 1));
    int32_t *code = tg_malloc(sizeof *code * ((size_t)db->nitems + 1));
    int32_t *item_of = NULL;
    uint8_t *used = NULL;
    if (!supp || !fi || !code) goto nomem;
    int64_t occ;
    int32_t nf = tg_mining_i_rank_items(db, o->min_count, false, supp, fi, code, &occ);
    a.nf = nf;
    item_of = tg_malloc(sizeof *item_of * ((size_t)nf + 1));
    a.items = tg_malloc(sizeof *a.items * (2 * (size_t)nf + 2));
    a.sub = tg_malloc(sizeof *a.sub * 4 * ((size_t)nf + 1));
    used = tg_malloc((size_t)nf + 1);
    a.lev_cap = nf + 2;
    a.lev = tg_calloc((size_t)a.lev_cap, sizeof *a.lev);
    if (!item_of || !a.items || !a.sub || !used || !a.lev) goto nomem;
    a.nlev = 2;     /* levels 0 and 1: freed from here on */
    for (int32_t r = 0; r < nf; r++) item_of[r] = fi[r].item;
    a.item_of = item_of;
    /* Root and level 1. */
    level *R = &a.lev[0], *L1 = &a.lev[1];
    R->n = 1;
    R->item = tg_calloc(1, sizeof *R->item);
    R->parent = tg_calloc(1, sizeof *R->parent);
    R->first = tg_malloc(sizeof *R->first * 2);
    L1->n = nf;
    L1->item = tg_malloc(sizeof *L1->item * ((size_t)nf + 1));
    L1->supp = tg_malloc(sizeof *L1->supp * ((size_t)nf + 1));
    L1->parent = tg_calloc((size_t)nf + 1, sizeof *L1->parent);
    if (!R->item || !R->parent || !R->first || !L1->item || !L1->supp || !L1->parent) goto nomem;
    R->first[0] = 0;
    R->first[1] = nf;
    for (int32_t r = 0; r < nf && !a.out.stop; r++) {
        L1->item[r] = r;
        L1->supp[r] = (int32_t)fi[r].supp;
        tg_mining_i_emit(&a.out, &fi[r].item, 1, fi[r].supp);
    }
    a.dense = nf > 0 && (double)occ * 32.0 > (double)nf * (double)db->ntx;
    if (a.dense) {
        a.words = (size_t)((db->ntx + 63) / 64);
        a.bits = tg_calloc((size_t)nf * a.words + 1, sizeof *a.bits);
        a.stack = tg_malloc(sizeof *a.stack * ((size_t)nf + 2) * a.words + 1);
        if (!a.bits || !a.stack) goto nomem;
        for (int64_t t = 0; t < db->ntx; t++)
            for (int64_t q = db->off[t]; q < db->off[t + 1]; q++) {
                int32_t r = code[db->items[q]];
                if (r >= 0) a.bits[(size_t)r * a.words + (size_t)(t >> 6)] |= (uint64_t)1 << (t & 63);
            }
        a.popand = pick_popand();
    } else if (!load_sparse(&a, db, code, occ)) {
        goto nomem;
    }
    for (int k = 1; !a.out.stop && (!a.max_len || k < a.max_len) && a.lev[k].n > 1; k++) {
        bool limit = false;
        if (!generate(&a, k, &limit)) {
            if (!limit) goto nomem;
            st = tg_msg(msg, TG_ERR_LIMIT, "%s: more than 2^31 candidates of size %d (raise the support)", fn_name, k + 1);
            goto done;
        }
        a.nlev = k + 2;
        if (a.lev[k + 1].n == 0) break;
        if (!mark_live(&a, k)) goto nomem;
        if (a.dense) {
            cover_walk(&a, k, 0, 0, NULL);
        } else {
            if (k >= 2) reduce(&a, k, used);
            count_sparse(&a, k);
        }
        if (!compact_and_report(&a, k)) goto nomem;
        /* Level k - 1's candidate marks are no longer needed. */
        for (int d = 1; d <= k; d++) {
            tg_free(a.lev[d].live);
            a.lev[d].live = NULL;
        }
    }
    if (count) *count = a.out.count;
    goto done;
nomem:
    st = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn_name);
done:
    for (int d = 0; d < a.nlev && a.lev; d++) level_free(&a.lev[d]);
    tg_free(a.lev);
    tg_free(supp);
    tg_free(fi);
    tg_free(code);
    tg_free(item_of);
    tg_free(a.items);
    tg_free(a.sub);
    tg_free(used);
    tg_free(a.tcodes);
    tg_free(a.toff);
    tg_free(a.tw);
    tg_free(a.bits);
    tg_free(a.stack);
    return st;
}
