/* eclat.c: frequent itemsets by depth-first search over item covers
 * (Zaki 2000).  Items are recoded by ascending support.  On dense data
 * (more than 1 item occurrence in 32 transaction slots) covers are bitsets
 * and each extension costs an AND + popcount.  On sparse data covers are
 * sorted transaction-id lists, and the extensions of a node are counted
 * and their lists built by "occurrence deliver" (Uno et al., LCM, FIMI'04):
 * one scan of the node's transactions instead of one list merge per
 * candidate.  All per-level memory comes from one stack arena: no
 * allocation per itemset. */
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

/* ---- search ------------------------------------------------------------ */

typedef struct ext {
    int32_t item;       /* original item index */
    int32_t len;        /* tid-list length (sparse) */
    int64_t supp;
    void *cover;        /* int32_t tids[len] or uint64_t bits[words] */
} ext;

typedef int64_t (*and_count_fn)(const uint64_t *, const uint64_t *, uint64_t *, size_t);

typedef struct search {
    int64_t min;
    int max_len;
    bool dense;
    size_t words;       /* bitset words */
    tg_itemset_fn fn;
    void *ud;
    int64_t count;
    int64_t *by_size;
    int by_size_len;
    int32_t *prefix;
    int nf;
    /* Sparse data: the transactions again, as ascending frequent-item
     * ranks (for occurrence deliver), and per-rank scratch. */
    const int64_t *hoff;
    const int32_t *hrank;
    const int32_t *item_of;     /* rank -> item */
    int32_t *slot_of;           /* rank -> candidate slot, -1 when not a candidate */
    and_count_fn and_count;
    arena mem;
    bool stop, nomem;
} search;

/* AND two bitsets into out and count the bits.  The default build targets
 * baseline x86-64, whose popcount is a library call: where the CPU has the
 * POPCNT instruction, a copy compiled for it is used instead. */
#define AND_COUNT_BODY                                  \
    int64_t c = 0;                                      \
    for (size_t w = 0; w < words; w++) {                \
        uint64_t x = a[w] & b[w];                       \
        out[w] = x;                                     \
        c += __builtin_popcountll(x);                   \
    }                                                   \
    return c;

static int64_t and_count_generic(const uint64_t *a, const uint64_t *b, uint64_t *out, size_t words)
{
    AND_COUNT_BODY
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt")))
static int64_t and_count_popcnt(const uint64_t *a, const uint64_t *b, uint64_t *out, size_t words)
{
    AND_COUNT_BODY
}
#endif

static and_count_fn pick_and_count(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) return and_count_popcnt;
#endif
    return and_count_generic;
}

static void report(search *s, int len, int64_t supp)
{
    s->count++;
    if (s->by_size && len < s->by_size_len) s->by_size[len]++;
    if (s->fn && s->fn(s->ud, s->prefix, len, supp)) s->stop = true;
}

/* Dense data: covers are bitsets of s->words words. */
static void recurse_dense(search *s, ext *xs, int n, int depth)
{
    for (int i = 0; i < n && !s->stop; i++) {
        s->prefix[depth] = s->item_of[xs[i].item];
        report(s, depth + 1, xs[i].supp);
        if (s->stop || i + 1 == n || (s->max_len && depth + 1 >= s->max_len)) continue;
        arena_mark m = arena_save(&s->mem);
        ext *kids = arena_alloc(&s->mem, sizeof *kids * (size_t)(n - i - 1));
        if (!kids) {
            s->nomem = s->stop = true;
            return;
        }
        int k = 0;
        for (int j = i + 1; j < n; j++) {
            arena_mark before = arena_save(&s->mem);
            uint64_t *bits = arena_alloc(&s->mem, sizeof *bits * s->words);
            if (!bits) {
                s->nomem = s->stop = true;
                return;
            }
            int64_t c = s->and_count(xs[i].cover, xs[j].cover, bits, s->words);
            if (c >= s->min) kids[k++] = (ext){xs[j].item, 0, c, bits};
            else arena_restore(&s->mem, before);
        }
        if (k > 0) recurse_dense(s, kids, k, depth + 1);
        arena_restore(&s->mem, m);
    }
}

/* Sparse data: covers are tid lists; ext.item holds the item's rank. */
static void recurse_sparse(search *s, ext *xs, int n, int depth)
{
    for (int i = 0; i < n && !s->stop; i++) {
        s->prefix[depth] = s->item_of[xs[i].item];
        report(s, depth + 1, xs[i].supp);
        if (s->stop || i + 1 == n || (s->max_len && depth + 1 >= s->max_len)) continue;
        int nc = n - i - 1;
        arena_mark m = arena_save(&s->mem);
        int32_t *cnt = arena_alloc(&s->mem, sizeof *cnt * (size_t)nc);
        ext *kids = arena_alloc(&s->mem, sizeof *kids * (size_t)nc);
        if (!cnt || !kids) {
            s->nomem = s->stop = true;
            return;
        }
        for (int j = 0; j < nc; j++) {
            s->slot_of[xs[i + 1 + j].item] = j;
            cnt[j] = 0;
        }
        /* Count: the candidates are ranks above this item's, so each
         * transaction is scanned from its end down to this rank. */
        const int32_t *tids = xs[i].cover;
        int32_t r = xs[i].item;
        for (int32_t q = 0; q < xs[i].len; q++) {
            const int32_t *lo = s->hrank + s->hoff[tids[q]], *it = s->hrank + s->hoff[tids[q] + 1];
            while (it > lo && *--it > r) {
                int32_t sl = s->slot_of[*it];
                if (sl >= 0) cnt[sl]++;
            }
        }
        /* Frequent candidates become children; slot_of now maps to them. */
        int k = 0;
        for (int j = 0; j < nc; j++) {
            int32_t rank = xs[i + 1 + j].item;
            if (cnt[j] >= s->min) {
                int32_t *t = arena_alloc(&s->mem, sizeof *t * (size_t)cnt[j]);
                if (!t) {
                    s->nomem = s->stop = true;
                    return;
                }
                kids[k] = (ext){rank, 0, cnt[j], t};
                s->slot_of[rank] = k++;
            } else {
                s->slot_of[rank] = -1;
            }
        }
        if (k > 0) {
            /* Deliver: append each transaction to its children's lists
             * (in ascending tid order, as the parent's list is). */
            for (int32_t q = 0; q < xs[i].len; q++) {
                const int32_t *lo = s->hrank + s->hoff[tids[q]], *it = s->hrank + s->hoff[tids[q] + 1];
                while (it > lo && *--it > r) {
                    int32_t sl = s->slot_of[*it];
                    if (sl >= 0) ((int32_t *)kids[sl].cover)[kids[sl].len++] = tids[q];
                }
            }
        }
        for (int j = 0; j < nc; j++) s->slot_of[xs[i + 1 + j].item] = -1;
        if (k > 0) recurse_sparse(s, kids, k, depth + 1);
        arena_restore(&s->mem, m);
    }
}

tg_status tg_mining_itemsets(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                             int64_t *count, int64_t *by_size, char *msg)
{
    static const char fn_name[] = "mining.itemsets";
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!db || !o || o->min_count < 1 || o->max_len < 0)
        return tg_msg(msg, TG_ERR_ARG, "%s: need a database and min_count >= 1", fn_name);
    if (o->algorithm != TG_ECLAT && o->algorithm != TG_APRIORI && o->algorithm != TG_FPGROWTH)
        return tg_msg(msg, TG_ERR_ARG, "%s: unknown algorithm %d", fn_name, (int)o->algorithm);
    int nsize = o->max_len ? o->max_len + 1 : 65;
    if (by_size) memset(by_size, 0, sizeof *by_size * (size_t)nsize);
    if (o->algorithm == TG_APRIORI) return tg_mining_i_apriori(db, o, fn, ud, count, by_size, msg);
    if (o->algorithm == TG_FPGROWTH) return tg_mining_i_fpgrowth(db, o, fn, ud, count, by_size, msg);

    search s = {.min = o->min_count, .max_len = o->max_len, .fn = fn, .ud = ud,
                .by_size = by_size, .by_size_len = nsize};
    int64_t *supp = tg_calloc((size_t)db->nitems + 1, sizeof *supp);
    tg_mining_i_freq *fi = tg_malloc(sizeof *fi * ((size_t)db->nitems + 1));
    int32_t *rank = tg_malloc(sizeof *rank * ((size_t)db->nitems + 1));
    ext *top = NULL;
    int32_t *item_of = NULL, *hrank = NULL, *slot_of = NULL;
    int64_t *hoff = NULL;
    tg_status st = TG_OK;
    if (!supp || !fi || !rank) goto nomem;
    int64_t occ;
    int nf = tg_mining_i_rank_items(db, o->min_count, false, supp, fi, rank, &occ);
    /* Dense when covers fill more than 1/32 of the item x transaction
     * grid: a bitset then costs less than a tid list. */
    s.dense = nf > 0 && (double)occ * 32.0 > (double)nf * (double)db->ntx;
    s.words = (size_t)((db->ntx + 63) / 64);
    s.and_count = pick_and_count();
    s.prefix = arena_alloc(&s.mem, sizeof *s.prefix * ((size_t)nf + 1));
    item_of = tg_malloc(sizeof *item_of * ((size_t)nf + 1));
    top = tg_malloc(sizeof *top * ((size_t)nf + 1));
    if (!s.prefix || !top || !item_of) goto nomem;
    if (db->ntx > INT32_MAX) {
        st = tg_msg(msg, TG_ERR_LIMIT, "%s: more than 2^31 transactions", fn_name);
        goto done;
    }
    for (int r = 0; r < nf; r++) {
        item_of[r] = fi[r].item;
        top[r] = (ext){r, 0, fi[r].supp, NULL};
        top[r].cover = s.dense ? arena_alloc(&s.mem, sizeof(uint64_t) * s.words)
                               : arena_alloc(&s.mem, sizeof(int32_t) * (size_t)fi[r].supp);
        if (!top[r].cover) goto nomem;
        if (s.dense) memset(top[r].cover, 0, sizeof(uint64_t) * s.words);
    }
    s.item_of = item_of;
    if (!s.dense) {
        hoff = tg_malloc(sizeof *hoff * ((size_t)db->ntx + 1));
        hrank = tg_malloc(sizeof *hrank * ((size_t)occ + 1));
        slot_of = tg_malloc(sizeof *slot_of * ((size_t)nf + 1));
        if (!hoff || !hrank || !slot_of) goto nomem;
        for (int r = 0; r < nf; r++) slot_of[r] = -1;
        s.hoff = hoff;
        s.hrank = hrank;
        s.slot_of = slot_of;
    }
    int64_t h = 0;
    for (int64_t t = 0; t < db->ntx; t++) {
        if (hoff) hoff[t] = h;
        for (int64_t k = db->off[t]; k < db->off[t + 1]; k++) {
            int32_t r = rank[db->items[k]];
            if (r < 0) continue;
            if (s.dense) {
                ((uint64_t *)top[r].cover)[t >> 6] |= (uint64_t)1 << (t & 63);
            } else {
                ((int32_t *)top[r].cover)[top[r].len++] = (int32_t)t;
                /* Insertion into the transaction's ascending rank list. */
                int64_t at = h++;
                while (at > hoff[t] && hrank[at - 1] > r) {
                    hrank[at] = hrank[at - 1];
                    at--;
                }
                hrank[at] = r;
            }
        }
    }
    if (hoff) hoff[db->ntx] = h;
    if (s.dense) recurse_dense(&s, top, nf, 0);
    else recurse_sparse(&s, top, nf, 0);
    if (s.nomem) goto nomem;
    if (count) *count = s.count;
    goto done;
nomem:
    st = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn_name);
done:
    tg_free(supp);
    tg_free(fi);
    tg_free(rank);
    tg_free(top);
    tg_free(item_of);
    tg_free(hoff);
    tg_free(hrank);
    tg_free(slot_of);
    arena_free(&s.mem);
    return st;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct writer {
    const tg_txdb *db;
    FILE *f;
    char *buf;
    size_t n, cap;
    char *line;         /* the current prefix as text */
    size_t *line_len;   /* line_len[d]: text length of the first d items */
    int last_len;       /* items whose text is valid in line */
    int32_t *last;      /* those items */
    bool failed;
} writer;

static bool flush(writer *w)
{
    if (w->n && fwrite(w->buf, 1, w->n, w->f) != w->n) w->failed = true;
    w->n = 0;
    return !w->failed;
}

static int write_one(void *ud, const int32_t *items, int len, int64_t supp)
{
    writer *w = ud;
    /* Depth-first order: the prefix shared with the previous itemset is
     * already formatted; append only the new items. */
    int d = 0;
    while (d < len - 1 && d < w->last_len && w->last[d] == items[d]) d++;
    size_t pos = w->line_len[d];
    for (int k = d; k < len; k++) {
        uint32_t nl = w->db->name_len[items[k]];
        memcpy(w->line + pos, w->db->names[items[k]], nl);
        pos += nl;
        w->line[pos++] = ' ';
        w->line_len[k + 1] = pos;
        w->last[k] = items[k];
    }
    w->last_len = len;
    if (w->cap - w->n < pos + 32 && !flush(w)) return 1;
    memcpy(w->buf + w->n, w->line, pos);
    w->n += pos;
    char num[24];
    int k = 0;
    uint64_t v = (uint64_t)supp;
    do num[k++] = (char)('0' + v % 10); while ((v /= 10) > 0);
    w->buf[w->n++] = '(';
    while (k > 0) w->buf[w->n++] = num[--k];
    w->buf[w->n++] = ')';
    w->buf[w->n++] = '\n';
    return 0;
}

tg_status tg_mining_write_itemsets(const tg_txdb *db, const tg_itemset_opts *o, FILE *f,
                                   int64_t *count, char *msg)
{
    tg_msg_clear(msg);
    if (!db || !f) return tg_msg(msg, TG_ERR_ARG, "mining.write_itemsets: bad arguments");
    size_t line_cap = 64;
    for (int32_t i = 0; i < db->nitems; i++) line_cap += db->name_len[i] + 1;
    writer w = {.db = db, .f = f, .cap = (size_t)1 << 20};
    w.buf = tg_malloc(w.cap + line_cap + 32);
    w.line = tg_malloc(line_cap);
    w.line_len = tg_calloc((size_t)db->nitems + 2, sizeof *w.line_len);
    w.last = tg_malloc(sizeof *w.last * ((size_t)db->nitems + 1));
    tg_status s;
    if (!w.buf || !w.line || !w.line_len || !w.last) {
        s = tg_msg(msg, TG_ERR_NOMEM, "mining.write_itemsets: out of memory");
    } else {
        w.cap += line_cap;
        s = tg_mining_itemsets(db, o, write_one, &w, count, NULL, msg);
        if (s == TG_OK && (!flush(&w) || w.failed))
            s = tg_msg(msg, TG_ERR_IO, "mining.write_itemsets: write failed");
        else if (w.failed)
            s = tg_msg(msg, TG_ERR_IO, "mining.write_itemsets: write failed");
    }
    tg_free(w.buf);
    tg_free(w.line);
    tg_free(w.line_len);
    tg_free(w.last);
    return s;
}
