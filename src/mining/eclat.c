/* eclat.c: frequent itemsets by depth-first search over item covers
 * (Zaki 2000).  Items are recoded by ascending support (fewer, shorter
 * intersections); covers are sorted transaction-id lists when the data is
 * sparse and bitsets when it is dense (more than 1 item occurrence in 32
 * transaction slots), so each level costs a merge or an AND + popcount.
 * All per-level memory comes from one stack arena: no allocation per
 * itemset. */
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

/* ---- stack arena ------------------------------------------------------- */

typedef struct arena_block { struct arena_block *prev; size_t used, size; char data[]; } arena_block;
typedef struct arena { arena_block *top; } arena;
typedef struct arena_mark { arena_block *block; size_t used; } arena_mark;

static void *arena_alloc(arena *a, size_t n)
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

static arena_mark arena_save(const arena *a) { return (arena_mark){a->top, a->top ? a->top->used : 0}; }

static void arena_restore(arena *a, arena_mark m)
{
    while (a->top != m.block) {
        arena_block *b = a->top;
        a->top = b->prev;
        tg_free(b);
    }
    if (a->top) a->top->used = m.used;
}

static void arena_free(arena *a) { arena_restore(a, (arena_mark){NULL, 0}); }

/* ---- search ------------------------------------------------------------ */

typedef struct ext {
    int32_t item;       /* original item index */
    int32_t len;        /* tid-list length (sparse) */
    int64_t supp;
    void *cover;        /* int32_t tids[len] or uint64_t bits[words] */
} ext;

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
    uint32_t *pairs;    /* supports of item pairs by rank (triangular), or NULL */
    int nf;
    arena mem;
    bool stop, nomem;
} search;

static int32_t intersect(const int32_t *a, int32_t na, const int32_t *b, int32_t nb, int32_t *out,
                         int64_t min)
{
    int32_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        /* Give up once even all remaining tids could not reach min. */
        int32_t left = (na - i < nb - j ? na - i : nb - j);
        if (k + left < min) return -1;
        int32_t x = a[i], y = b[j];
        if (x < y) i++;
        else if (x > y) j++;
        else {
            out[k++] = x;
            i++;
            j++;
        }
    }
    return k;
}

static int64_t and_count(const uint64_t *a, const uint64_t *b, uint64_t *out, size_t words)
{
    int64_t c = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = a[w] & b[w];
        out[w] = x;
        c += __builtin_popcountll(x);
    }
    return c;
}

static void report(search *s, int len, int64_t supp)
{
    s->count++;
    if (s->by_size && len < s->by_size_len) s->by_size[len]++;
    if (s->fn && s->fn(s->ud, s->prefix, len, supp)) s->stop = true;
}

/* Index of rank pair (i < j) in the triangular pair-support table. */
static inline size_t pair_index(size_t i, size_t j, size_t nf) { return i * (2 * nf - i - 1) / 2 + (j - i - 1); }

static void recurse(search *s, ext *xs, int n, int depth)
{
    for (int i = 0; i < n && !s->stop; i++) {
        s->prefix[depth] = xs[i].item;
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
            /* At the top level, pair supports counted in one pass over the
             * transactions skip the intersections that cannot succeed. */
            if (depth == 0 && s->pairs && s->pairs[pair_index((size_t)i, (size_t)j, (size_t)s->nf)] < s->min)
                continue;
            if (s->dense) {
                arena_mark before = arena_save(&s->mem);
                uint64_t *bits = arena_alloc(&s->mem, sizeof *bits * s->words);
                if (!bits) {
                    s->nomem = s->stop = true;
                    return;
                }
                int64_t c = and_count(xs[i].cover, xs[j].cover, bits, s->words);
                if (c >= s->min) kids[k++] = (ext){xs[j].item, 0, c, bits};
                else arena_restore(&s->mem, before);
            } else {
                int32_t cap = xs[i].len < xs[j].len ? xs[i].len : xs[j].len;
                arena_mark before = arena_save(&s->mem);
                int32_t *t = arena_alloc(&s->mem, sizeof *t * (size_t)(cap ? cap : 1));
                if (!t) {
                    s->nomem = s->stop = true;
                    return;
                }
                int32_t c = intersect(xs[i].cover, xs[i].len, xs[j].cover, xs[j].len, t, s->min);
                if (c >= s->min) {
                    kids[k++] = (ext){xs[j].item, c, c, t};
                    /* Give back what the list did not use. */
                    s->mem.top->used -= (((size_t)cap * sizeof *t + 15) & ~(size_t)15) -
                                        (((size_t)c * sizeof *t + 15) & ~(size_t)15);
                } else {
                    arena_restore(&s->mem, before);
                }
            }
        }
        if (k > 0) recurse(s, kids, k, depth + 1);
        arena_restore(&s->mem, m);
    }
}

typedef struct freq_item { int32_t item; int64_t supp; } freq_item;

static int by_support(const void *a, const void *b)
{
    const freq_item *x = a, *y = b;
    if (x->supp != y->supp) return x->supp < y->supp ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

tg_status tg_mining_itemsets(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_fn fn, void *ud,
                             int64_t *count, int64_t *by_size, char *msg)
{
    static const char fn_name[] = "mining.itemsets";
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!db || !o || o->min_count < 1 || o->max_len < 0)
        return tg_msg(msg, TG_ERR_ARG, "%s: need a database and min_count >= 1", fn_name);
    int nsize = o->max_len ? o->max_len + 1 : 65;
    if (by_size) memset(by_size, 0, sizeof *by_size * (size_t)nsize);

    search s = {.min = o->min_count, .max_len = o->max_len, .fn = fn, .ud = ud,
                .by_size = by_size, .by_size_len = nsize};
    int64_t *supp = tg_calloc((size_t)db->nitems + 1, sizeof *supp);
    freq_item *fi = tg_malloc(sizeof *fi * ((size_t)db->nitems + 1));
    int32_t *rank = tg_malloc(sizeof *rank * ((size_t)db->nitems + 1));
    ext *top = NULL;
    tg_status st = TG_OK;
    if (!supp || !fi || !rank) goto nomem;
    for (int64_t k = 0; k < db->nitems_total; k++) supp[db->items[k]]++;
    int nf = 0;
    int64_t occ = 0;
    for (int32_t i = 0; i < db->nitems; i++) {
        rank[i] = -1;
        if (supp[i] >= o->min_count) {
            fi[nf++] = (freq_item){i, supp[i]};
            occ += supp[i];
        }
    }
    qsort(fi, (size_t)nf, sizeof *fi, by_support);
    for (int r = 0; r < nf; r++) rank[fi[r].item] = r;
    /* Dense when covers fill more than 1/32 of the item x transaction
     * grid: a bitset then costs less than a tid list. */
    s.dense = nf > 0 && (double)occ * 32.0 > (double)nf * (double)db->ntx;
    s.words = (size_t)((db->ntx + 63) / 64);
    s.prefix = arena_alloc(&s.mem, sizeof *s.prefix * ((size_t)nf + 1));
    top = tg_malloc(sizeof *top * ((size_t)nf + 1));
    if (!s.prefix || !top) goto nomem;
    for (int r = 0; r < nf; r++) {
        top[r] = (ext){fi[r].item, s.dense ? 0 : (int32_t)fi[r].supp, fi[r].supp, NULL};
        top[r].cover = s.dense ? arena_alloc(&s.mem, sizeof(uint64_t) * s.words)
                               : arena_alloc(&s.mem, sizeof(int32_t) * (size_t)fi[r].supp);
        if (!top[r].cover) goto nomem;
        if (s.dense) memset(top[r].cover, 0, sizeof(uint64_t) * s.words);
        top[r].len = 0;
    }
    for (int64_t t = 0; t < db->ntx; t++)
        for (int64_t k = db->off[t]; k < db->off[t + 1]; k++) {
            int32_t r = rank[db->items[k]];
            if (r < 0) continue;
            if (s.dense) ((uint64_t *)top[r].cover)[t >> 6] |= (uint64_t)1 << (t & 63);
            else ((int32_t *)top[r].cover)[top[r].len++] = (int32_t)t;
        }
    /* Pair supports for sparse data (up to 256 MB of counters): one pass
     * over the transactions instead of nf^2 / 2 list merges. */
    size_t npairs = (size_t)nf * (size_t)(nf > 0 ? nf - 1 : 0) / 2;
    s.nf = nf;
    if (!s.dense && nf > 1 && npairs <= ((size_t)64 << 20)) {
        s.pairs = tg_calloc(npairs, sizeof *s.pairs);
        int32_t *ranks = tg_malloc(sizeof *ranks * ((size_t)nf + 1));
        if (!s.pairs || !ranks) {
            tg_free(ranks);
            goto nomem;
        }
        for (int64_t t = 0; t < db->ntx; t++) {
            int m = 0;
            for (int64_t k = db->off[t]; k < db->off[t + 1]; k++)
                if (rank[db->items[k]] >= 0) ranks[m++] = rank[db->items[k]];
            for (int a = 0; a < m; a++)
                for (int b = 0; b < m; b++)
                    if (ranks[a] < ranks[b]) s.pairs[pair_index((size_t)ranks[a], (size_t)ranks[b], (size_t)nf)]++;
        }
        tg_free(ranks);
    }
    if (db->ntx > INT32_MAX) {
        st = tg_msg(msg, TG_ERR_LIMIT, "%s: more than 2^31 transactions", fn_name);
        goto done;
    }
    recurse(&s, top, nf, 0);
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
    tg_free(s.pairs);
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
