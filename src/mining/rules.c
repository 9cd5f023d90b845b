/* rules.c: association rules, and closed and maximal itemsets, from frequent itemsets.  The itemsets and
 * their supports are collected into a hash table keyed by the sorted item
 * list; each itemset of two or more items then yields the rules whose head
 * is one of its subsets of at most max_head items, with the body's and the
 * head's supports looked up in the table (every subset of a frequent
 * itemset is frequent, so both are there). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mining_internal.h"

typedef struct iset { uint64_t hash; int64_t support; int64_t at; int32_t len; bool struck; } iset;

typedef struct table {
    iset *slots;                /* open addressing; len 0 = empty */
    size_t cap, count;
    int32_t *items;             /* all itemsets' items, back to back */
    size_t nitems, items_cap;
    bool nomem;
} table;

static uint64_t hash_items(const int32_t *it, int len)
{
    uint64_t h = 1469598103934665603ULL;
    for (int k = 0; k < len; k++) {
        h ^= (uint64_t)(uint32_t)it[k];
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    return h;
}

static iset *lookup(const table *t, const int32_t *it, int len, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    for (;;) {
        iset *s = &t->slots[i];
        if (s->len == 0) return s;
        if (s->hash == h && s->len == len && memcmp(t->items + s->at, it, sizeof *it * (size_t)len) == 0)
            return s;
        i = (i + 1) & (t->cap - 1);
    }
}

static int add_itemset(void *ud, const int32_t *items, int len, int64_t support)
{
    table *t = ud;
    if (2 * (t->count + 1) > t->cap) {
        size_t ncap = t->cap * 2;
        iset *ns = tg_calloc(ncap, sizeof *ns);
        if (!ns) return t->nomem = true, 1;
        iset *old = t->slots;
        size_t ocap = t->cap;
        t->slots = ns;
        t->cap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].len) *lookup(t, t->items + old[i].at, old[i].len, old[i].hash) = old[i];
        tg_free(old);
    }
    if (t->nitems + (size_t)len > t->items_cap) {
        void *p = t->items;
        if (tg_grow(&p, &t->items_cap, t->nitems + (size_t)len, sizeof *t->items) != TG_OK)
            return t->nomem = true, 1;
        t->items = p;
    }
    int32_t *dst = t->items + t->nitems;
    memcpy(dst, items, sizeof *items * (size_t)len);
    qsort(dst, (size_t)len, sizeof *dst, tg_mining_i_cmp_i32);
    uint64_t h = hash_items(dst, len);
    iset *s = lookup(t, dst, len, h);
    *s = (iset){h, support, (int64_t)t->nitems, len, false};
    t->nitems += (size_t)len;
    t->count++;
    return 0;
}

static iset *find_set(const table *t, const int32_t *it, int len)
{
    iset *s = lookup(t, it, len, hash_items(it, len));
    return s->len ? s : NULL;
}

static int64_t support_of(const table *t, const int32_t *it, int len)
{
    const iset *s = lookup(t, it, len, hash_items(it, len));
    return s->len ? s->support : -1;
}

static bool member(int32_t x, const int32_t *set, int n)
{
    for (int k = 0; k < n; k++)
        if (set[k] == x) return true;
    return false;
}

typedef struct rule_run {
    const table *t;
    const tg_rule_opts *o;
    double n;                   /* transactions */
    tg_rule_fn fn;
    void *ud;
    int64_t count;
    bool stop;
} rule_run;

/* Evaluate body -> head for itemset z; report it if it passes. */
static void consider(rule_run *rr, const iset *z, const int32_t *body, int nb, const int32_t *head,
                     int nh)
{
    const tg_rule_opts *o = rr->o;
    if (o->heads)
        for (int k = 0; k < nh; k++)
            if (!member(head[k], o->heads, o->nheads)) return;
    if (o->bodies) {
        bool ok = false;
        for (int k = 0; k < nb && !ok; k++) ok = member(body[k], o->bodies, o->nbodies);
        if (!ok) return;
    }
    /* Every subset of a frequent itemset is frequent: both are found. */
    int64_t sb = support_of(rr->t, body, nb), sh = support_of(rr->t, head, nh);
    if (sb <= 0 || sh <= 0) return;
    double N = rr->n, conf = (double)z->support / (double)sb, lift = conf / ((double)sh / N);
    if (conf < o->min_confidence || lift < o->min_lift) return;
    tg_rule r = {body, nb, head, nh, z->support, sb, sh, conf, lift,
                 (double)z->support / N - ((double)sb / N) * ((double)sh / N),
                 conf >= 1.0 ? INFINITY : (1.0 - (double)sh / N) / (1.0 - conf)};
    if ((o->min_leverage != 0 && r.leverage < o->min_leverage) || r.conviction < o->min_conviction) return;
    rr->count++;
    if (rr->fn && rr->fn(rr->ud, &r)) rr->stop = true;
}

/* The rules of itemset z whose heads have h items: index combinations
 * c[0] < ... < c[h-1] in lexicographic order. */
static void rules_of(rule_run *rr, const iset *z, int h)
{
    const int32_t *it = rr->t->items + z->at;
    int32_t body[64], head[64];     /* itemsets hold at most 64 items */
    int c[64];
    for (int k = 0; k < h; k++) c[k] = k;
    for (;;) {
        int nh = 0, nb = 0;
        for (int k = 0, q = 0; k < z->len; k++) {
            if (q < h && c[q] == k) {
                head[nh++] = it[k];
                q++;
            } else {
                body[nb++] = it[k];
            }
        }
        consider(rr, z, body, nb, head, nh);
        if (rr->stop) return;
        int p = h - 1;
        while (p >= 0 && c[p] == z->len - h + p) p--;
        if (p < 0) return;
        c[p]++;
        for (int k = p + 1; k < h; k++) c[k] = c[k - 1] + 1;
    }
}

tg_status tg_mining_rules(const tg_txdb *db, const tg_rule_opts *o, tg_rule_fn fn, void *ud,
                          int64_t *count, char *msg)
{
    static const char fname[] = "mining.rules";
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!db || !o || o->min_count < 1 || o->max_len < 0 || !(o->min_confidence >= 0 && o->min_confidence <= 1) ||
        !(o->min_lift >= 0) || !(o->min_conviction >= 0) || !isfinite(o->min_leverage) || o->max_head < 0)
        return tg_msg(msg, TG_ERR_ARG, "%s: need min_count >= 1, min_confidence in [0, 1], min_lift >= 0, min_conviction >= 0",
                      fname);
    table t = {.cap = 1024};
    t.slots = tg_calloc(t.cap, sizeof *t.slots);
    if (!t.slots) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
    tg_itemset_opts io = {o->min_count, o->max_len, o->algorithm};
    tg_status s = tg_mining_itemsets(db, &io, add_itemset, &t, NULL, NULL, msg);
    if (s == TG_OK && t.nomem) s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
    rule_run rr = {&t, o, (double)db->ntx, fn, ud, 0, false};
    int max_head = o->max_head ? o->max_head : 1;
    for (size_t i = 0; s == TG_OK && !rr.stop && i < t.cap; i++) {
        const iset *z = &t.slots[i];
        for (int h = 1; h <= max_head && h < z->len && !rr.stop; h++) rules_of(&rr, z, h);
    }
    tg_free(t.slots);
    tg_free(t.items);
    if (s == TG_OK && count) *count = rr.count;
    return s;
}

tg_status tg_mining_itemsets_filtered(const tg_txdb *db, const tg_itemset_opts *o, tg_itemset_kind kind,
                                      tg_itemset_fn fn, void *ud, int64_t *count, char *msg)
{
    static const char fname[] = "mining.itemsets_filtered";
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!db || !o || o->min_count < 1 || (kind != TG_CLOSED && kind != TG_MAXIMAL))
        return tg_msg(msg, TG_ERR_ARG, "%s: need a database, min_count >= 1 and a kind", fname);
    table t = {.cap = 1024};
    t.slots = tg_calloc(t.cap, sizeof *t.slots);
    if (!t.slots) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
    tg_status s = tg_mining_itemsets(db, o, add_itemset, &t, NULL, NULL, msg);
    if (s == TG_OK && t.nomem) s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fname);
    int32_t sub[64];
    for (size_t i = 0; s == TG_OK && i < t.cap; i++) {
        const iset *z = &t.slots[i];
        if (z->len < 2) continue;
        const int32_t *it = t.items + z->at;
        /* X = Z minus item k is not maximal (Z is a frequent superset), and
         * not closed when Z keeps its support. */
        for (int k = 0; k < z->len; k++) {
            int n = 0;
            for (int q = 0; q < z->len; q++)
                if (q != k) sub[n++] = it[q];
            iset *x = find_set(&t, sub, n);
            if (x && (kind == TG_MAXIMAL || x->support == z->support)) x->struck = true;
        }
    }
    int64_t n = 0;
    for (size_t i = 0; s == TG_OK && i < t.cap; i++) {
        const iset *z = &t.slots[i];
        if (!z->len || z->struck) continue;
        n++;
        if (fn && fn(ud, t.items + z->at, z->len, z->support)) break;
    }
    tg_free(t.slots);
    tg_free(t.items);
    if (s == TG_OK && count) *count = n;
    return s;
}
