/* bdd.c: the BDD and ZBDD node managers.
 *
 * BDD: reduced ordered BDD with complement edges (Brace, Rudell and Bryant
 * 1990): an edge is a node index and a complement bit, the high edge of a
 * stored node is always regular, so f and not f share their nodes and
 * negation is free.  One unique table (chained hash over the node array)
 * and one lossy direct-mapped computed table for AND and XOR; OR is
 * not(and(not f, not g)).  The children of a node always have smaller
 * indices, so sweeps in index order visit children first; garbage
 * collection (between operations, on the caller's list of live edges)
 * compacts the store in index order and keeps that property.
 *
 * ZBDD: zero-suppressed BDD (Minato 1993) over the same variable levels,
 * without complement edges, for families of cut sets; `without` removes
 * the sets of F that contain a set of G (Rauzy 1993), the heart of the
 * minimisation.
 *
 * On allocation failure or when the node budget is exhausted the manager
 * is marked full and returns a dummy edge: callers check `full` once at
 * the end instead of after every operation.
 */
#include "risk_internal.h"

#include <string.h>

#define TERM_LEVEL UINT32_MAX
#define CACHE_MAX (1u << 24)

static inline uint32_t hash3(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)b * 0xC2B2AE3D27D4EB4Full + (h >> 29);
    h ^= (uint64_t)c * 0x165667B19E3779F9ull + (h >> 32);
    h ^= h >> 31;
    return (uint32_t)h;
}

/* ---- shared node store ---------------------------------------------------- */

static bool rehash(rk_bnode *nodes, uint32_t n, uint32_t **buckets, uint32_t *nb, uint32_t first)
{
    uint32_t nnb = *nb ? *nb * 2 : 1024;
    uint32_t *b = tg_calloc(nnb, sizeof *b);
    if (!b) return false;
    for (uint32_t i = first; i < n; i++) {
        uint32_t h = hash3(nodes[i].level, nodes[i].hi, nodes[i].lo) & (nnb - 1);
        nodes[i].next = b[h];
        b[h] = i;
    }
    tg_free(*buckets);
    *buckets = b;
    *nb = nnb;
    return true;
}

static void grow_cache(rk_cache_entry **cache, uint32_t *ncache, uint32_t n)
{
    if (*ncache >= CACHE_MAX || n < *ncache) return;
    uint32_t nc = *ncache ? *ncache * 2 : 1024;
    while (nc < n && nc < CACHE_MAX) nc *= 2;
    rk_cache_entry *c = tg_calloc(nc, sizeof *c);
    if (!c) return;     /* keep the smaller cache: only slower */
    for (uint32_t i = 0; i < nc; i++) c[i].op = UINT32_MAX;
    tg_free(*cache);
    *cache = c;
    *ncache = nc;
}

/* Find or add (level, hi, lo) in a store whose first `first` nodes are
 * terminals; returns the index, 0 when full. */
static uint32_t find_or_add(rk_bnode **nodes, uint32_t *n, uint32_t *cap, uint32_t **buckets,
                            uint32_t *nb, rk_cache_entry **cache, uint32_t *ncache,
                            int64_t max_nodes, bool *full, uint32_t first, uint32_t level,
                            uint32_t hi, uint32_t lo)
{
    uint32_t h = hash3(level, hi, lo) & (*nb - 1);
    for (uint32_t i = (*buckets)[h]; i; i = (*nodes)[i].next) {
        const rk_bnode *q = &(*nodes)[i];
        if (q->level == level && q->hi == hi && q->lo == lo) return i;
    }
    if (*full) return 0;
    if ((max_nodes > 0 && (int64_t)*n >= max_nodes) || *n >= (1u << 31) - 2) {
        *full = true;
        return 0;
    }
    if (*n == *cap) {
        size_t c = *cap;
        if (tg_grow((void **)nodes, &c, (size_t)*n + 1, sizeof **nodes) != TG_OK) {
            *full = true;
            return 0;
        }
        *cap = (uint32_t)(c > (1u << 31) ? (1u << 31) : c);
    }
    uint32_t i = (*n)++;
    (*nodes)[i] = (rk_bnode){level, hi, lo, (*buckets)[h]};
    (*buckets)[h] = i;
    if (*n > *nb) {
        if (!rehash(*nodes, *n, buckets, nb, first)) {
            *full = true;
            return 0;
        }
        grow_cache(cache, ncache, *n);
    }
    return i;
}

/* ---- BDD -------------------------------------------------------------------- */

tg_status tg_risk_i_bdd_init(rk_bdd *b, int64_t max_nodes)
{
    memset(b, 0, sizeof *b);
    b->max_nodes = max_nodes;
    b->cap = 1024;
    b->nodes = tg_malloc(sizeof *b->nodes * b->cap);
    if (!b->nodes) return TG_ERR_NOMEM;
    b->nodes[0] = (rk_bnode){TERM_LEVEL, 0, 0, 0};
    b->n = 1;
    if (!rehash(b->nodes, b->n, &b->buckets, &b->nbuckets, 1)) {
        tg_risk_i_bdd_clear(b);
        return TG_ERR_NOMEM;
    }
    grow_cache(&b->cache, &b->ncache, 1u << 16);   /* 1 MB: small trees stay cheap */
    if (!b->cache) {
        tg_risk_i_bdd_clear(b);
        return TG_ERR_NOMEM;
    }
    return TG_OK;
}

void tg_risk_i_bdd_clear(rk_bdd *b)
{
    tg_free(b->nodes);
    tg_free(b->buckets);
    tg_free(b->cache);
    memset(b, 0, sizeof *b);
}

static uint32_t bdd_mk(rk_bdd *b, uint32_t level, uint32_t hi, uint32_t lo)
{
    if (hi == lo) return hi;
    uint32_t neg = hi & 1u;
    hi ^= neg, lo ^= neg;
    uint32_t i = find_or_add(&b->nodes, &b->n, &b->cap, &b->buckets, &b->nbuckets, &b->cache,
                             &b->ncache, b->max_nodes, &b->full, 1, level, hi, lo);
    return (i << 1) | neg;
}

uint32_t tg_risk_i_bdd_var(rk_bdd *b, uint32_t level)
{
    return bdd_mk(b, level, BDD_ONE, BDD_ZERO);
}

static inline uint32_t level_of(const rk_bdd *b, uint32_t e) { return b->nodes[e >> 1].level; }

enum { OP_AND = 0, OP_XOR = 1 };

static uint32_t bdd_and(rk_bdd *b, uint32_t f, uint32_t g)
{
    if (f == BDD_ZERO || g == BDD_ZERO || f == BDD_NEG(g)) return BDD_ZERO;
    if (f == BDD_ONE || f == g) return g;
    if (g == BDD_ONE) return f;
    if (b->full) return BDD_ZERO;
    if (f > g) {
        uint32_t t = f;
        f = g, g = t;
    }
    uint32_t h = hash3(f, g, OP_AND) & (b->ncache - 1);
    rk_cache_entry *c = &b->cache[h];
    if (c->op == OP_AND && c->a == f && c->b == g) return c->r;
    uint32_t lf = level_of(b, f), lg = level_of(b, g), top = lf < lg ? lf : lg;
    uint32_t f1 = f, f0 = f, g1 = g, g0 = g;
    if (lf == top) {
        const rk_bnode *q = &b->nodes[f >> 1];
        f1 = q->hi ^ (f & 1u), f0 = q->lo ^ (f & 1u);
    }
    if (lg == top) {
        const rk_bnode *q = &b->nodes[g >> 1];
        g1 = q->hi ^ (g & 1u), g0 = q->lo ^ (g & 1u);
    }
    uint32_t r1 = bdd_and(b, f1, g1);
    uint32_t r0 = bdd_and(b, f0, g0);
    uint32_t r = bdd_mk(b, top, r1, r0);
    /* The cache may have been reallocated by bdd_mk. */
    c = &b->cache[hash3(f, g, OP_AND) & (b->ncache - 1)];
    *c = (rk_cache_entry){f, g, r, OP_AND};
    return r;
}

static uint32_t bdd_xor(rk_bdd *b, uint32_t f, uint32_t g)
{
    uint32_t neg = (f ^ g) & 1u;
    f &= ~1u, g &= ~1u;
    if (f == g) return BDD_ZERO ^ neg;
    if (f == BDD_ONE) return BDD_NEG(g) ^ neg;
    if (g == BDD_ONE) return BDD_NEG(f) ^ neg;
    if (b->full) return BDD_ZERO;
    if (f > g) {
        uint32_t t = f;
        f = g, g = t;
    }
    uint32_t h = hash3(f, g, OP_XOR) & (b->ncache - 1);
    rk_cache_entry *c = &b->cache[h];
    if (c->op == OP_XOR && c->a == f && c->b == g) return c->r ^ neg;
    uint32_t lf = level_of(b, f), lg = level_of(b, g), top = lf < lg ? lf : lg;
    uint32_t f1 = f, f0 = f, g1 = g, g0 = g;
    if (lf == top) {
        const rk_bnode *q = &b->nodes[f >> 1];
        f1 = q->hi, f0 = q->lo;
    }
    if (lg == top) {
        const rk_bnode *q = &b->nodes[g >> 1];
        g1 = q->hi, g0 = q->lo;
    }
    uint32_t r1 = bdd_xor(b, f1, g1);
    uint32_t r0 = bdd_xor(b, f0, g0);
    uint32_t r = bdd_mk(b, top, r1, r0);
    c = &b->cache[hash3(f, g, OP_XOR) & (b->ncache - 1)];
    *c = (rk_cache_entry){f, g, r, OP_XOR};
    return r ^ neg;
}

uint32_t tg_risk_i_bdd_and(rk_bdd *b, uint32_t f, uint32_t g) { return bdd_and(b, f, g); }

uint32_t tg_risk_i_bdd_or(rk_bdd *b, uint32_t f, uint32_t g)
{
    return BDD_NEG(bdd_and(b, BDD_NEG(f), BDD_NEG(g)));
}

uint32_t tg_risk_i_bdd_xor(rk_bdd *b, uint32_t f, uint32_t g) { return bdd_xor(b, f, g); }

/* ---- ZBDD ------------------------------------------------------------------- */

tg_status tg_risk_i_zbdd_init(rk_zbdd *z, int64_t max_nodes)
{
    memset(z, 0, sizeof *z);
    z->max_nodes = max_nodes;
    z->cap = 1024;
    z->nodes = tg_malloc(sizeof *z->nodes * z->cap);
    if (!z->nodes) return TG_ERR_NOMEM;
    z->nodes[0] = (rk_bnode){TERM_LEVEL, 0, 0, 0};
    z->nodes[1] = (rk_bnode){TERM_LEVEL, 1, 1, 0};
    z->n = 2;
    if (!rehash(z->nodes, z->n, &z->buckets, &z->nbuckets, 2)) {
        tg_risk_i_zbdd_clear(z);
        return TG_ERR_NOMEM;
    }
    grow_cache(&z->cache, &z->ncache, 1024);
    if (!z->cache) {
        tg_risk_i_zbdd_clear(z);
        return TG_ERR_NOMEM;
    }
    return TG_OK;
}

void tg_risk_i_zbdd_reserve_cache(rk_zbdd *z, uint32_t n)
{
    grow_cache(&z->cache, &z->ncache, n);
}

void tg_risk_i_zbdd_clear(rk_zbdd *z)
{
    tg_free(z->nodes);
    tg_free(z->buckets);
    tg_free(z->cache);
    memset(z, 0, sizeof *z);
}

uint32_t tg_risk_i_zbdd_node(rk_zbdd *z, uint32_t level, uint32_t hi, uint32_t lo)
{
    if (hi == ZB_EMPTY) return lo;
    return find_or_add(&z->nodes, &z->n, &z->cap, &z->buckets, &z->nbuckets, &z->cache,
                       &z->ncache, z->max_nodes, &z->full, 2, level, hi, lo);
}

uint32_t tg_risk_i_zbdd_union(rk_zbdd *z, uint32_t f, uint32_t g)
{
    if (f == ZB_EMPTY || f == g) return g;
    if (g == ZB_EMPTY) return f;
    if (z->full) return ZB_EMPTY;
    if (f > g) {   /* union commutes: one cache entry for both orders */
        uint32_t t = f;
        f = g, g = t;
    }
    rk_cache_entry *c = &z->cache[hash3(f, g, 11) & (z->ncache - 1)];
    if (c->op == 11 && c->a == f && c->b == g) return c->r;
    /* the base {{}} sorts below every variable */
    uint32_t lf = f == ZB_BASE ? UINT32_MAX : z->nodes[f].level, lg = g == ZB_BASE ? UINT32_MAX : z->nodes[g].level;
    uint32_t r;
    if (lf < lg) {
        rk_bnode fn = z->nodes[f];
        r = tg_risk_i_zbdd_node(z, lf, fn.hi, tg_risk_i_zbdd_union(z, fn.lo, g));
    } else if (lf > lg) {
        rk_bnode gn = z->nodes[g];
        r = tg_risk_i_zbdd_node(z, lg, gn.hi, tg_risk_i_zbdd_union(z, f, gn.lo));
    } else {
        rk_bnode fn = z->nodes[f], gn = z->nodes[g];
        uint32_t h = tg_risk_i_zbdd_union(z, fn.hi, gn.hi);
        r = tg_risk_i_zbdd_node(z, lf, h, tg_risk_i_zbdd_union(z, fn.lo, gn.lo));
    }
    c = &z->cache[hash3(f, g, 11) & (z->ncache - 1)];   /* the table may have grown */
    *c = (rk_cache_entry){f, g, r, 11};
    return r;
}

uint32_t tg_risk_i_zbdd_without(rk_zbdd *z, uint32_t f, uint32_t g)
{
    if (f == ZB_EMPTY || g == ZB_BASE || f == g) return ZB_EMPTY;
    if (g == ZB_EMPTY || f == ZB_BASE) return f;
    if (z->full) return ZB_EMPTY;
    rk_cache_entry *c = &z->cache[hash3(f, g, 7) & (z->ncache - 1)];
    if (c->op == 7 && c->a == f && c->b == g) return c->r;
    const rk_bnode fn = z->nodes[f], gn = z->nodes[g];
    uint32_t r;
    if (fn.level < gn.level) {
        uint32_t h = tg_risk_i_zbdd_without(z, fn.hi, g);
        uint32_t l = tg_risk_i_zbdd_without(z, fn.lo, g);
        r = tg_risk_i_zbdd_node(z, fn.level, h, l);
    } else if (fn.level > gn.level) {
        r = tg_risk_i_zbdd_without(z, f, gn.lo);
    } else {
        uint32_t h = tg_risk_i_zbdd_without(z, tg_risk_i_zbdd_without(z, fn.hi, gn.hi), gn.lo);
        uint32_t l = tg_risk_i_zbdd_without(z, fn.lo, gn.lo);
        r = tg_risk_i_zbdd_node(z, fn.level, h, l);
    }
    c = &z->cache[hash3(f, g, 7) & (z->ncache - 1)];
    *c = (rk_cache_entry){f, g, r, 7};
    return r;
}

/* min(x F1 + F0) = x (min F1 without min F0) + min F0 (Rauzy). */
uint32_t tg_risk_i_zbdd_minimal(rk_zbdd *z, uint32_t f)
{
    if (f <= ZB_BASE || z->full) return z->full ? ZB_EMPTY : f;
    rk_cache_entry *c = tg_risk_i_zbdd_slot(z, f, 0, 41);
    if (c->op == 41 && c->a == f) return c->r;
    rk_bnode q = z->nodes[f];
    uint32_t lo = tg_risk_i_zbdd_minimal(z, q.lo), r = ZB_BASE;
    if (lo != ZB_BASE)
        r = tg_risk_i_zbdd_node(z, q.level, tg_risk_i_zbdd_without(z, tg_risk_i_zbdd_minimal(z, q.hi), lo), lo);
    c = tg_risk_i_zbdd_slot(z, f, 0, 41);
    *c = (rk_cache_entry){f, 0, r, 41};
    return r;
}

/* ---- BDD garbage collection ------------------------------------------------ */

/* Keep only the nodes reachable from the edges in the lists (entries equal
 * to UINT32_MAX are not edges), renumber them in their old order (children
 * keep smaller indices), rewrite the lists and empty the computed table.
 * Called between operations, never inside one: the caller names every
 * edge it still needs.  Returns false (and changes nothing) when out of
 * memory: the caller just carries on without collecting. */
bool tg_risk_i_bdd_gc(rk_bdd *b, uint32_t *const *lists, const size_t *lens, int nlists)
{
    uint32_t *map = tg_calloc(b->n, sizeof *map);   /* 0 = dead, else new index + 1 */
    if (!map) return false;
    for (int l = 0; l < nlists; l++)
        for (size_t j = 0; j < lens[l]; j++)
            if (lists[l][j] != UINT32_MAX) map[lists[l][j] >> 1] = 1;
    /* Children have smaller indices: one descending pass marks them all. */
    for (uint32_t i = b->n; i-- > 1;) {
        if (!map[i]) continue;
        map[b->nodes[i].hi >> 1] = 1;
        map[b->nodes[i].lo >> 1] = 1;
    }
    uint32_t k = 1;
    map[0] = 1;
    for (uint32_t i = 1; i < b->n; i++) {
        if (!map[i]) continue;
        rk_bnode q = b->nodes[i];
        q.hi = ((map[q.hi >> 1] - 1) << 1) | (q.hi & 1u);
        q.lo = ((map[q.lo >> 1] - 1) << 1) | (q.lo & 1u);
        b->nodes[k] = q;
        map[i] = ++k;       /* new index k - 1, stored + 1 */
    }
    b->n = k;
    for (int l = 0; l < nlists; l++)
        for (size_t j = 0; j < lens[l]; j++) {
            uint32_t e = lists[l][j];
            if (e != UINT32_MAX) lists[l][j] = ((map[e >> 1] - 1) << 1) | (e & 1u);
        }
    tg_free(map);
    memset(b->buckets, 0, sizeof *b->buckets * b->nbuckets);
    for (uint32_t i = 1; i < b->n; i++) {
        uint32_t h = hash3(b->nodes[i].level, b->nodes[i].hi, b->nodes[i].lo) & (b->nbuckets - 1);
        b->nodes[i].next = b->buckets[h];
        b->buckets[h] = i;
    }
    for (uint32_t i = 0; i < b->ncache; i++) b->cache[i].op = UINT32_MAX;
    return true;
}
