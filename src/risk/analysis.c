/* analysis.c: fault-tree analysis on a BDD: probability, importance, minimal
 * cut sets (ZBDD), approximations and Monte Carlo uncertainty.
 *
 * Variable order: depth-first, left-to-right order of first appearance of
 * the basic events below the top gate (Fujita et al. 1988), a gate's own
 * events placed when the walk leaves it: events that are used together
 * stay close, which keeps the BDD of structured trees small.  Gates are
 * compiled once (memoised), shared subtrees reuse their BDD; between
 * operations the BDD is garbage-collected when it has grown, so the node
 * budget bounds the live nodes.
 *
 * Minimal cut sets: Rauzy's recursive rule on the BDD of f = x F1 + F0,
 *     MCS(f) = x . (MCS(F1) without MCS(F0))  +  MCS(F0),
 * where `without` drops the sets containing a set of the other family,
 * computed directly into a ZBDD with the order limit applied on the way
 * down (the high branch has one order fewer left).  Negative literals are
 * dropped as SCRAM does for minimal cut sets of non-coherent trees.  The
 * number of cut sets, their order distribution and each event's
 * occurrence come from sweeps over the ZBDD, without listing the sets.
 *
 * Importance: P(top) is multilinear in the event probabilities, so
 * Birnbaum's dP/dp_v is exact from one bottom-up sweep (node
 * probabilities) and one top-down sweep (derivatives of P(top) with
 * respect to each node); P(top | v) and P(top | not v) follow.
 */
#include "risk_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tg_risk_analysis {
    tg_risk_model *m;
    int top;                    /* internal gate index */
    tg_risk_opts o;
    int nvars;
    int *var_event;             /* level -> basic event */
    int *event_level;           /* basic event -> level, -1 if not below the top */
    double *vp;                 /* level -> probability */
    rk_bdd b;
    uint32_t root;
    uint32_t *breach;           /* reachable BDD nodes, ascending */
    uint32_t nbreach;
    double *pn;                 /* node probabilities (indexed by node) */
    double prob;
    bool has_prob;
    rk_zbdd z;
    uint32_t zroot;
    uint32_t *zreach;
    uint32_t nzreach;
    double *zcount;             /* sets per reachable ZBDD node (indexed by node) */
    uint64_t products;
    uint64_t *dist;             /* limit + 1 */
};

void tg_risk_opts_default(tg_risk_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit_order = 20;
    o->cut_off = 0;
    o->max_nodes = (int64_t)1 << 26;
}

/* ---- a growing hash map from uint64 keys to uint32 values ------------------ */

typedef struct u64map {
    uint64_t *keys;             /* UINT64_MAX = empty */
    uint32_t *vals;
    size_t cap, n;
    size_t hint;                /* first capacity (a power of two), 0 = small */
} u64map;

static void u64map_free(u64map *h)
{
    tg_free(h->keys);
    tg_free(h->vals);
    memset(h, 0, sizeof *h);
}

static inline size_t u64hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static bool u64map_get(const u64map *h, uint64_t k, uint32_t *v)
{
    if (!h->cap) return false;
    for (size_t i = u64hash(k, h->cap);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[i] == k) {
            *v = h->vals[i];
            return true;
        }
        if (h->keys[i] == UINT64_MAX) return false;
    }
}

static bool u64map_put(u64map *h, uint64_t k, uint32_t v)
{
    if (2 * (h->n + 1) > h->cap) {
        size_t nc = h->cap ? h->cap * 2 : h->hint > 1024 ? h->hint : 1024;
        uint64_t *nk = tg_malloc(nc * sizeof *nk);
        uint32_t *nv = tg_malloc(nc * sizeof *nv);
        if (!nk || !nv) {
            tg_free(nk);
            tg_free(nv);
            return false;
        }
        memset(nk, 0xff, nc * sizeof *nk);
        for (size_t i = 0; i < h->cap; i++) {
            if (h->keys[i] == UINT64_MAX) continue;
            size_t j = u64hash(h->keys[i], nc);
            while (nk[j] != UINT64_MAX) j = (j + 1) & (nc - 1);
            nk[j] = h->keys[i];
            nv[j] = h->vals[i];
        }
        tg_free(h->keys);
        tg_free(h->vals);
        h->keys = nk, h->vals = nv, h->cap = nc;
    }
    size_t i = u64hash(k, h->cap);
    while (h->keys[i] != UINT64_MAX && h->keys[i] != k) i = (i + 1) & (h->cap - 1);
    if (h->keys[i] == UINT64_MAX) h->n++;
    h->keys[i] = k;
    h->vals[i] = v;
    return true;
}

/* The same keyed by two words (conv under a cut-off: edge and limit, and
 * the bits of the probability threshold). */
typedef struct u128map {
    uint64_t *keys;             /* pairs; keys[2i] = UINT64_MAX: empty */
    uint32_t *vals;
    size_t cap, n;
} u128map;

static void u128map_free(u128map *h)
{
    tg_free(h->keys);
    tg_free(h->vals);
    memset(h, 0, sizeof *h);
}

static inline size_t u128hash(uint64_t a, uint64_t b, size_t cap)
{
    return u64hash(a ^ (b * 0x9E3779B97F4A7C15ull + (b >> 29)), cap);
}

static bool u128map_get(const u128map *h, uint64_t a, uint64_t b, uint32_t *v)
{
    if (!h->cap) return false;
    for (size_t i = u128hash(a, b, h->cap);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[2 * i] == a && h->keys[2 * i + 1] == b) {
            *v = h->vals[i];
            return true;
        }
        if (h->keys[2 * i] == UINT64_MAX) return false;
    }
}

static bool u128map_put(u128map *h, uint64_t a, uint64_t b, uint32_t v)
{
    if (2 * (h->n + 1) > h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 1024;
        uint64_t *nk = tg_malloc(2 * nc * sizeof *nk);
        uint32_t *nv = tg_malloc(nc * sizeof *nv);
        if (!nk || !nv) {
            tg_free(nk);
            tg_free(nv);
            return false;
        }
        memset(nk, 0xff, 2 * nc * sizeof *nk);
        for (size_t i = 0; i < h->cap; i++) {
            if (h->keys[2 * i] == UINT64_MAX) continue;
            size_t j = u128hash(h->keys[2 * i], h->keys[2 * i + 1], nc);
            while (nk[2 * j] != UINT64_MAX) j = (j + 1) & (nc - 1);
            nk[2 * j] = h->keys[2 * i], nk[2 * j + 1] = h->keys[2 * i + 1];
            nv[j] = h->vals[i];
        }
        tg_free(h->keys);
        tg_free(h->vals);
        h->keys = nk, h->vals = nv, h->cap = nc;
    }
    size_t i = u128hash(a, b, h->cap);
    while (h->keys[2 * i] != UINT64_MAX && !(h->keys[2 * i] == a && h->keys[2 * i + 1] == b))
        i = (i + 1) & (h->cap - 1);
    if (h->keys[2 * i] == UINT64_MAX) h->n++;
    h->keys[2 * i] = a, h->keys[2 * i + 1] = b;
    h->vals[i] = v;
    return true;
}

/* ---- variable order and compilation ---------------------------------------- */

typedef struct compiler {
    tg_risk_analysis *a;
    uint32_t *gate_edge;        /* per internal gate, UINT32_MAX = not yet */
    int *uses;                  /* per gate: references not yet compiled */
    uint32_t *roots;            /* edges live in unfinished gates (GC roots) */
    size_t nroots, rcap;
    int64_t gc_at;              /* collect when the store reaches this */
    bool nomem;
} compiler;

/* Give the next levels to the basic events of gate g not placed yet. */
static void take_events(tg_risk_analysis *a, int g)
{
    const rk_gate *gg = &a->m->gates[g];
    for (int j = 0; j < gg->nargs; j++) {
        int r = a->m->args[gg->first + j].ref;
        if (RK_KIND(r) == R_BASIC && a->event_level[RK_INDEX(r)] < 0) {
            a->event_level[RK_INDEX(r)] = a->nvars;
            a->var_event[a->nvars++] = RK_INDEX(r);
        }
    }
}

/* Depth-first order of first appearance, iteratively (trees can be deep),
 * a gate's own events after those of its sub-gates (placed when the gate
 * is left): das9701 (267
 * events, 992 negations, gates shared up to 729 times) then fits in 2^24
 * nodes where the plain written order overflows 2^26; elf9601 needs 30x
 * fewer nodes and none of the other trees gets worse. */
static tg_status force_order(tg_risk_analysis *a, const uint8_t *seen, int iters);
static tg_status order_vars(tg_risk_analysis *a, bool force, char *msg)
{
    const tg_risk_model *m = a->m;
    tg_status s = TG_OK;
    int *stack = tg_malloc(sizeof(int) * 2 * (size_t)(m->ngates + 1));
    uint8_t *seen = tg_calloc((size_t)m->ngates + 1, 1);
    if (!stack || !seen) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    for (int i = 0; i < m->nbasics; i++) a->event_level[i] = -1;
    int sp = 1;
    stack[0] = a->top, stack[1] = 0;
    seen[a->top] = 1;
    while (sp > 0) {
        int g = stack[2 * (sp - 1)], *pos = &stack[2 * (sp - 1) + 1];
        const rk_gate *gg = &m->gates[g];
        if (*pos == gg->nargs) {
            take_events(a, g);
            sp--;
            continue;
        }
        int r = m->args[gg->first + (*pos)++].ref;
        if (RK_KIND(r) == R_GATE && !seen[RK_INDEX(r)]) {
            seen[RK_INDEX(r)] = 1;
            stack[2 * sp] = RK_INDEX(r), stack[2 * sp + 1] = 0;
            sp++;
        }
    }
    if (force && force_order(a, seen, 20) != TG_OK)
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
done:
    tg_free(stack);
    tg_free(seen);
    return s;
}

/* FORCE (Aloul, Markov and Sakallah 2003): every gate and its arguments
 * form a hyperedge; repeatedly move each node to the mean centre of
 * gravity of its hyperedges and re-rank.  Starts from the depth-first
 * order (gates placed where first visited) and pulls events that share
 * gates together. */
typedef struct fnode { double pos; int id; } fnode;

static int cmp_fnode(const void *x, const void *y)
{
    const fnode *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos ? 1 : a->id - b->id;
}

static tg_status force_order(tg_risk_analysis *a, const uint8_t *seen, int iters)
{
    const tg_risk_model *m = a->m;
    int nb = m->nbasics, nn = nb + m->ngates;
    double *pos = tg_malloc(sizeof *pos * (size_t)nn), *sum = tg_malloc(sizeof *sum * (size_t)nn);
    int *cnt = tg_malloc(sizeof *cnt * (size_t)nn);
    fnode *fn = tg_malloc(sizeof *fn * (size_t)nn);
    if (!pos || !sum || !cnt || !fn) {
        tg_free(pos), tg_free(sum), tg_free(cnt), tg_free(fn);
        return TG_ERR_NOMEM;
    }
    /* Initial positions: events by level, gates by the level reached when
     * first seen (approximated by their first event argument's level). */
    for (int i = 0; i < nn; i++) pos[i] = -1;
    for (int v = 0; v < a->nvars; v++) pos[a->var_event[v]] = v;
    for (int g = 0; g < m->ngates; g++) {
        if (!seen[g]) continue;
        const rk_gate *gg = &m->gates[g];
        double acc = 0;
        int k = 0;
        for (int j = 0; j < gg->nargs; j++) {
            int r = m->args[gg->first + j].ref;
            if (RK_KIND(r) == R_BASIC) acc += pos[RK_INDEX(r)], k++;
        }
        pos[nb + g] = k ? acc / k : a->nvars / 2.0;
    }
    for (int it = 0; it < iters; it++) {
        for (int i = 0; i < nn; i++) sum[i] = 0, cnt[i] = 0;
        for (int g = 0; g < m->ngates; g++) {
            if (!seen[g]) continue;
            const rk_gate *gg = &m->gates[g];
            double cog = pos[nb + g];
            int k = 1;
            for (int j = 0; j < gg->nargs; j++) {
                int r = m->args[gg->first + j].ref;
                if (RK_KIND(r) == R_BASIC) cog += pos[RK_INDEX(r)], k++;
                else if (RK_KIND(r) == R_GATE) cog += pos[nb + RK_INDEX(r)], k++;
            }
            cog /= k;
            sum[nb + g] += cog, cnt[nb + g]++;
            for (int j = 0; j < gg->nargs; j++) {
                int r = m->args[gg->first + j].ref;
                if (RK_KIND(r) == R_BASIC) sum[RK_INDEX(r)] += cog, cnt[RK_INDEX(r)]++;
                else if (RK_KIND(r) == R_GATE) sum[nb + RK_INDEX(r)] += cog, cnt[nb + RK_INDEX(r)]++;
            }
        }
        int k = 0;
        for (int i = 0; i < nn; i++) {
            if (pos[i] < 0 || cnt[i] == 0) continue;
            fn[k++] = (fnode){sum[i] / cnt[i], i};
        }
        qsort(fn, (size_t)k, sizeof *fn, cmp_fnode);
        for (int i = 0; i < k; i++) pos[fn[i].id] = i;
    }
    int k = 0;
    for (int v = 0; v < a->nvars; v++) fn[k++] = (fnode){pos[a->var_event[v]], a->var_event[v]};
    qsort(fn, (size_t)k, sizeof *fn, cmp_fnode);
    for (int v = 0; v < k; v++) a->var_event[v] = fn[v].id, a->event_level[fn[v].id] = v;
    tg_free(pos), tg_free(sum), tg_free(cnt), tg_free(fn);
    return TG_OK;
}

static uint32_t compile_gate(compiler *c, int gi);

/* The live intermediate edges of the gates being compiled sit on a stack
 * (c->roots), addressed by position since collection renumbers them. */
static size_t push_root(compiler *c, uint32_t e)
{
    if (c->nroots == c->rcap && tg_grow((void **)&c->roots, &c->rcap, c->nroots + 1,
                                        sizeof *c->roots) != TG_OK) {
        c->nomem = true;
        return SIZE_MAX;
    }
    c->roots[c->nroots] = e;
    return c->nroots++;
}

/* A safe point, between two operations: when the store has grown past
 * gc_at, drop the nodes no unfinished gate needs (intermediate results
 * and the BDDs of gates whose every parent is compiled).  Nodes made and
 * dropped do not count against the budget, only those alive at once. */
static void maybe_gc(compiler *c)
{
    rk_bdd *b = &c->a->b;
    if ((int64_t)b->n < c->gc_at || b->full) return;
    uint32_t *lists[2] = {c->gate_edge, c->roots};
    size_t lens[2] = {(size_t)c->a->m->ngates, c->nroots};
    if (!tg_risk_i_bdd_gc(b, lists, lens, 2)) return;
    int64_t next = 2 * (int64_t)b->n, half = b->max_nodes > 0 ? b->max_nodes / 2 : 1 << 20;
    c->gc_at = next > half ? next : half;
    tg_log(TG_LOG_DEBUG, "risk: BDD collected, %u nodes alive", b->n);
}

static uint32_t arg_edge(compiler *c, int ref)
{
    tg_risk_analysis *a = c->a;
    switch (RK_KIND(ref)) {
    case R_BASIC: return tg_risk_i_bdd_var(&a->b, (uint32_t)a->event_level[RK_INDEX(ref)]);
    case R_HOUSE: return a->m->houses[RK_INDEX(ref)].value ? BDD_ONE : BDD_ZERO;
    default: {
        /* Gates are compiled children first (compile_all): this one is done. */
        int g = RK_INDEX(ref);
        uint32_t e = c->gate_edge[g];
        /* The last parent has it now: the gate's own copy can go. */
        if (--c->uses[g] == 0 && g != a->top) c->gate_edge[g] = UINT32_MAX;
        return e;
    }
    }
}

static uint32_t compile_gate(compiler *c, int gi)
{
    tg_risk_analysis *a = c->a;
    rk_bdd *b = &a->b;
    const rk_gate *g = &a->m->gates[gi];
    const rk_arg *args = a->m->args + g->first;
    uint32_t r = BDD_ZERO;
    size_t base = c->nroots;
    switch (g->op) {
    case TG_RISK_AND: case TG_RISK_NAND: case TG_RISK_OR: case TG_RISK_NOR: {
        /* Arguments deepest first (largest top level), as SCRAM does: the
         * running result then grows from the bottom of the order up.
         * roots[base + i]: argument i, roots[base + nargs]: the result. */
        bool is_and = g->op == TG_RISK_AND || g->op == TG_RISK_NAND;
        for (int i = 0; i < g->nargs && !c->nomem; i++) {
            size_t at = push_root(c, UINT32_MAX);
            if (at == SIZE_MAX) break;
            uint32_t x = arg_edge(c, args[i].ref);
            c->roots[at] = x;
        }
        if (c->nomem) break;
        uint32_t *e = c->roots + base;
        for (int i = 1; i < g->nargs; i++) {    /* insertion sort: gates are narrow */
            uint32_t x = e[i], lx = b->nodes[x >> 1].level;
            int j = i;
            while (j > 0 && b->nodes[e[j - 1] >> 1].level < lx) e[j] = e[j - 1], j--;
            e[j] = x;
        }
        size_t ri = push_root(c, is_and ? BDD_ONE : BDD_ZERO);
        if (ri == SIZE_MAX) break;
        for (int i = 0; i < g->nargs; i++) {
            maybe_gc(c);
            uint32_t acc = c->roots[ri], x = c->roots[base + (size_t)i];
            c->roots[ri] = is_and ? tg_risk_i_bdd_and(b, acc, x) : tg_risk_i_bdd_or(b, acc, x);
        }
        r = c->roots[ri];
        if (g->op == TG_RISK_NAND || g->op == TG_RISK_NOR) r = BDD_NEG(r);
        break;
    }
    case TG_RISK_NOT: r = BDD_NEG(arg_edge(c, args[0].ref)); break;
    case TG_RISK_NULL: r = arg_edge(c, args[0].ref); break;
    case TG_RISK_XOR: case TG_RISK_IFF: {
        size_t ri = push_root(c, arg_edge(c, args[0].ref));
        if (ri == SIZE_MAX) break;
        for (int i = 1; i < g->nargs; i++) {
            uint32_t x = arg_edge(c, args[i].ref);
            c->roots[ri] = tg_risk_i_bdd_xor(b, c->roots[ri], x);
        }
        r = c->roots[ri];
        if (g->op == TG_RISK_IFF) r = BDD_NEG(r);
        break;
    }
    case TG_RISK_ATLEAST: {
        /* t[j] = roots[base + j]: at least j of the arguments seen so far;
         * roots[base + k + 1]: the current argument. */
        int k = g->k;
        for (int j = 0; j <= k + 1; j++)
            if (push_root(c, j == 0 ? BDD_ONE : BDD_ZERO) == SIZE_MAX) break;
        if (c->nomem) break;
        size_t xi = base + (size_t)k + 1;
        for (int i = 0; i < g->nargs; i++) {
            uint32_t x = arg_edge(c, args[i].ref);
            c->roots[xi] = x;
            for (int j = k; j >= 1; j--) {
                maybe_gc(c);
                uint32_t *t = c->roots + base;
                uint32_t y = tg_risk_i_bdd_and(b, t[xi - base], t[j - 1]);
                t = c->roots + base;
                t[j] = tg_risk_i_bdd_or(b, t[j], y);
            }
        }
        r = c->roots[base + (size_t)k];
        break;
    }
    default: break;
    }
    c->nroots = base;
    c->gate_edge[gi] = r;
    return r;
}

/* Compile every gate below the top, children before parents, without
 * recursion (a chain of 300,000 gates is as easy as a wide tree): a
 * depth-first walk with an explicit stack emits each gate when it is left.
 * stack: 2 (ngates + 1) ints.  Returns the top's edge. */
static uint32_t compile_all(compiler *c, int *stack, uint8_t *seen)
{
    const tg_risk_model *m = c->a->m;
    int top = c->a->top, sp = 1;
    memset(seen, 0, (size_t)m->ngates + 1);
    stack[0] = top, stack[1] = 0;
    seen[top] = 1;
    while (sp > 0 && !c->nomem) {
        int g = stack[2 * (sp - 1)], *pos = &stack[2 * (sp - 1) + 1];
        const rk_gate *gg = &m->gates[g];
        if (*pos == gg->nargs) {
            compile_gate(c, g);
            sp--;
            continue;
        }
        int r = m->args[gg->first + (*pos)++].ref;
        if (RK_KIND(r) == R_GATE && !seen[RK_INDEX(r)]) {
            seen[RK_INDEX(r)] = 1;
            stack[2 * sp] = RK_INDEX(r), stack[2 * sp + 1] = 0;
            sp++;
        }
    }
    return c->gate_edge[top];
}

/* ---- sweeps ------------------------------------------------------------------ */

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Nodes reachable from root (ZBDD: first = 2 terminals; BDD: 1), ascending. */
static tg_status reachable(const rk_bnode *nodes, uint32_t n, uint32_t root, uint32_t first,
                           uint32_t **out, uint32_t *count)
{
    *out = NULL;
    *count = 0;
    uint8_t *seen = tg_calloc(n, 1);
    uint32_t *list = tg_malloc(sizeof *list * (size_t)(n + 1));
    uint32_t *stack = tg_malloc(sizeof *stack * (size_t)(n + 1));
    if (!seen || !list || !stack) {
        tg_free(seen), tg_free(list), tg_free(stack);
        return TG_ERR_NOMEM;
    }
    uint32_t sp = 0, k = 0;
    if (root >= first) stack[sp++] = root, seen[root] = 1;
    while (sp) {
        uint32_t i = stack[--sp];
        list[k++] = i;
        uint32_t ch[2] = {nodes[i].hi, nodes[i].lo};
        for (int j = 0; j < 2; j++) {
            uint32_t c = first == 1 ? ch[j] >> 1 : ch[j];
            if (c >= first && !seen[c]) seen[c] = 1, stack[sp++] = c;
        }
    }
    qsort(list, k, sizeof *list, cmp_u32);
    tg_free(seen);
    tg_free(stack);
    *out = list;
    *count = k;
    return TG_OK;
}

static inline double pe(const double *pn, uint32_t e)
{
    double p = pn[e >> 1];
    return (e & 1u) ? 1.0 - p : p;
}

/* Node probabilities for variable probabilities vp; returns P(root). */
static double sweep_prob(const tg_risk_analysis *a, const double *vp, double *pn)
{
    pn[0] = 1.0;
    for (uint32_t k = 0; k < a->nbreach; k++) {
        uint32_t i = a->breach[k];
        const rk_bnode *q = &a->b.nodes[i];
        double p = vp[q->level];
        pn[i] = p * pe(pn, q->hi) + (1 - p) * pe(pn, q->lo);
    }
    return pe(pn, a->root);
}

void tg_risk_reevaluate(tg_risk_analysis *a)
{
    if (!a) return;
    a->has_prob = true;
    for (int v = 0; v < a->nvars; v++) {
        a->vp[v] = a->m->basics[a->var_event[v]].p;
        if (isnan(a->vp[v])) a->has_prob = false;
    }
    a->prob = a->has_prob ? sweep_prob(a, a->vp, a->pn) : NAN;
}

/* ---- minimal cut sets ------------------------------------------------------- */

typedef struct mcs_conv {
    tg_risk_analysis *a;
    u64map memo;
    uint16_t *bound;            /* per BDD node: most high edges on a path to ONE */
    /* Under a cut-off: bounds on the probability of the minimal cut sets of
     * each edge (index = edge, both polarities): pmax above, pmin below. */
    double *pmax, *pmin;
    u128map tmemo;
    bool nomem;
} mcs_conv;

static uint32_t conv(mcs_conv *c, uint32_t e, int limit)
{
    if (e == BDD_ONE) return ZB_BASE;
    if (e == BDD_ZERO) return ZB_EMPTY;
    rk_zbdd *z = &c->a->z;
    if (z->full || c->nomem) return ZB_EMPTY;
    /* A limit above the largest order below this node cuts nothing: use
     * the bound, so equal sub-results share one memo entry. */
    if (limit > c->bound[e >> 1]) limit = c->bound[e >> 1];
    uint64_t key = ((uint64_t)e << 12) | (uint64_t)limit;
    uint32_t r;
    if (u64map_get(&c->memo, key, &r)) return r;
    const rk_bnode *q = &c->a->b.nodes[e >> 1];
    uint32_t level = q->level, hi = q->hi ^ (e & 1u), lo = q->lo ^ (e & 1u);
    uint32_t L = conv(c, lo, limit);
    if (L == ZB_BASE) {
        r = ZB_BASE;
    } else if (limit == 0) {
        r = ZB_EMPTY;       /* only the empty set fits, and L does not hold it */
    } else {
        uint32_t H = conv(c, hi, limit - 1);
        H = tg_risk_i_zbdd_without(z, H, L);
        r = tg_risk_i_zbdd_node(z, level, H, L);
    }
    if (!u64map_put(&c->memo, key, r)) c->nomem = true;
    return r;
}

/* Minimal cut sets of edge e of order <= limit and probability >= thr
 * (the cut-off divided by the probabilities of the events already in the
 * set), made directly: a branch whose sets all fall below thr is never
 * built.  Equal to filtering the full family: a set x.h kept in the high
 * branch that contains a set l dropped from the low branch (p(l) < thr)
 * would have p(h) <= p(l) < thr <= thr / p(x), so it is dropped too, and
 * `without` removes the same sets as it would from the full families. */
static uint32_t conv_cut(mcs_conv *c, uint32_t e, int limit, double thr)
{
    if (c->pmin[e] >= thr) return conv(c, e, limit);   /* nothing to cut here */
    if (c->pmax[e] < thr) return ZB_EMPTY;
    rk_zbdd *z = &c->a->z;
    if (z->full || c->nomem) return ZB_EMPTY;
    if (limit > c->bound[e >> 1]) limit = c->bound[e >> 1];
    uint64_t key = ((uint64_t)e << 12) | (uint64_t)limit, tb;
    memcpy(&tb, &thr, sizeof tb);
    uint32_t r;
    if (u128map_get(&c->tmemo, key, tb, &r)) return r;
    const rk_bnode *q = &c->a->b.nodes[e >> 1];
    uint32_t level = q->level, hi = q->hi ^ (e & 1u), lo = q->lo ^ (e & 1u);
    uint32_t L = conv_cut(c, lo, limit, thr);
    if (L == ZB_BASE) {
        r = ZB_BASE;
    } else if (limit == 0) {
        r = ZB_EMPTY;
    } else {
        double px = c->a->vp[level];
        uint32_t H = px > 0 ? conv_cut(c, hi, limit - 1, thr / px) : ZB_EMPTY;
        H = tg_risk_i_zbdd_without(z, H, L);
        r = tg_risk_i_zbdd_node(z, level, H, L);
    }
    if (!u128map_put(&c->tmemo, key, tb, r)) c->nomem = true;
    return r;
}

/* pmax, pmin of every edge below the root (children first: breach is in
 * index order).  ONE holds the empty set (p = 1); ZERO no set. */
static bool cut_bounds(mcs_conv *c)
{
    tg_risk_analysis *a = c->a;
    size_t n = 2 * (size_t)a->b.n;
    c->pmax = tg_malloc(sizeof *c->pmax * n);
    c->pmin = tg_malloc(sizeof *c->pmin * n);
    if (!c->pmax || !c->pmin) return false;
    c->pmax[BDD_ONE] = 1, c->pmin[BDD_ONE] = 1;
    c->pmax[BDD_ZERO] = 0, c->pmin[BDD_ZERO] = INFINITY;
    for (uint32_t k = 0; k < a->nbreach; k++) {
        uint32_t i = a->breach[k];
        const rk_bnode *q = &a->b.nodes[i];
        double px = a->vp[q->level];
        for (uint32_t neg = 0; neg < 2; neg++) {
            uint32_t hi = q->hi ^ neg, lo = q->lo ^ neg, e = 2 * i + neg;
            double h = px * c->pmax[hi], l = c->pmax[lo];
            c->pmax[e] = h > l ? h : l;
            h = px * c->pmin[hi], l = c->pmin[lo];
            c->pmin[e] = h < l ? h : l;
        }
    }
    return true;
}

static tg_status count_sets(tg_risk_analysis *a, char *msg)
{
    rk_zbdd *z = &a->z;
    int L = a->o.limit_order;
    tg_status s = reachable(z->nodes, z->n, a->zroot, 2, &a->zreach, &a->nzreach);
    if (s != TG_OK) return tg_msg(msg, s, "tg_risk_analyze: out of memory");
    a->zcount = tg_malloc(sizeof *a->zcount * z->n);
    a->dist = tg_calloc((size_t)L + 1, sizeof *a->dist);
    /* Order distribution per reachable node: (L + 1) counts each, indexed
     * by position in zreach (nodes not reachable get none). */
    uint32_t *pos = tg_malloc(sizeof *pos * z->n);
    double *d = tg_calloc((size_t)a->nzreach * (size_t)(L + 1), sizeof *d);
    if (!a->zcount || !a->dist || !pos || !d) {
        tg_free(pos), tg_free(d);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory (cut-set counts)");
    }
    a->zcount[0] = 0, a->zcount[1] = 1;
    for (uint32_t k = 0; k < a->nzreach; k++) {
        uint32_t i = a->zreach[k];
        pos[i] = k;
        const rk_bnode *q = &z->nodes[i];
        a->zcount[i] = a->zcount[q->hi] + a->zcount[q->lo];
        double *di = d + (size_t)k * (size_t)(L + 1);
        if (q->hi == ZB_BASE) di[1] += 1;
        else if (q->hi > 1) {
            const double *dh = d + (size_t)pos[q->hi] * (size_t)(L + 1);
            for (int j = 0; j < L; j++) di[j + 1] += dh[j];
        }
        if (q->lo == ZB_BASE) di[0] += 1;
        else if (q->lo > 1) {
            const double *dl = d + (size_t)pos[q->lo] * (size_t)(L + 1);
            for (int j = 0; j <= L; j++) di[j] += dl[j];
        }
    }
    double total = a->zroot == ZB_BASE ? 1 : a->zcount[a->zroot];
    a->products = total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
    if (a->zroot == ZB_BASE) a->dist[0] = 1;
    else if (a->zroot > 1)
        for (int j = 0; j <= L; j++) a->dist[j] = (uint64_t)d[(size_t)pos[a->zroot] * (L + 1) + j];
    tg_free(pos);
    tg_free(d);
    return TG_OK;
}

/* ---- the analysis ------------------------------------------------------------ */

tg_status tg_risk_analyze(tg_risk_model *m, int top, const tg_risk_opts *o,
                          tg_risk_analysis **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_analyze: out is NULL");
    *out = NULL;
    if (!m || !m->finished)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_analyze: model is NULL or not finished");
    if (top < 0 || top >= m->nnamed_gates)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_analyze: top gate %d out of range [0, %d)", top,
                      m->nnamed_gates);
    tg_risk_opts def;
    tg_risk_opts_default(&def);
    if (!o) o = &def;
    if (o->limit_order < 0 || o->limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_analyze: limit_order %d not in [0, 4000]",
                      o->limit_order);
    if (!(o->cut_off >= 0 && o->cut_off <= 1))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_analyze: cut_off %g not in [0, 1]", o->cut_off);
    tg_status s = TG_OK;
    compiler c = {0};
    mcs_conv mc = {0};
    int *uses0 = NULL, *cstack = NULL;
    uint8_t *cseen = NULL;
    tg_risk_analysis *a = tg_calloc(1, sizeof *a);
    if (!a) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
    mc.a = a;
    a->m = m;
    a->top = m->named[top];
    a->o = *o;
    a->var_event = tg_malloc(sizeof(int) * ((size_t)m->nbasics + 1));
    a->event_level = tg_malloc(sizeof(int) * ((size_t)m->nbasics + 1));
    a->vp = tg_malloc(sizeof(double) * ((size_t)m->nbasics + 1));
    c.a = a;
    c.gate_edge = tg_malloc(sizeof(uint32_t) * ((size_t)m->ngates + 1));
    cstack = tg_malloc(sizeof *cstack * 2 * ((size_t)m->ngates + 1));
    cseen = tg_malloc((size_t)m->ngates + 1);
    if (!a->var_event || !a->event_level || !a->vp || !c.gate_edge || !cstack || !cseen) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    memset(c.gate_edge, 0xff, sizeof(uint32_t) * ((size_t)m->ngates + 1));
    /* uses0[g]: references to gate g from the gates below the top. */
    uses0 = tg_calloc((size_t)m->ngates + 1, sizeof *uses0);
    c.uses = tg_malloc(sizeof *c.uses * ((size_t)m->ngates + 1));
    int *gstack = tg_malloc(sizeof *gstack * ((size_t)m->ngates + 1));
    if (!uses0 || !c.uses || !gstack) {
        tg_free(gstack);
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    {
        int gsp = 0;
        gstack[gsp++] = a->top;
        uses0[a->top] = 1;      /* seen; the top's count is never used */
        while (gsp > 0) {
            const rk_gate *gg = &m->gates[gstack[--gsp]];
            for (int j = 0; j < gg->nargs; j++) {
                int r = m->args[gg->first + j].ref;
                if (RK_KIND(r) != R_GATE) continue;
                if (uses0[RK_INDEX(r)]++ == 0) gstack[gsp++] = RK_INDEX(r);
            }
        }
        tg_free(gstack);
    }
    /* Two orders race under a doubling node budget: depth-first and FORCE
     * suit different trees (elf9601: 20x fewer nodes with FORCE, das9601
     * 4x more), and neither is known in advance.  The wasted work is at
     * most about three times that of the better order. */
    int64_t budget = 1 << 19;
    for (;;) {
        int64_t cap = o->max_nodes > 0 && o->max_nodes < budget ? o->max_nodes : budget;
        bool done_ok = false;
        for (int ord = 0; ord < 2 && !done_ok; ord++) {
            tg_risk_i_bdd_clear(&a->b);
            memset(c.gate_edge, 0xff, sizeof(uint32_t) * ((size_t)m->ngates + 1));
            memcpy(c.uses, uses0, sizeof *c.uses * ((size_t)m->ngates + 1));
            c.nroots = 0;
            c.gc_at = cap / 2;
            a->nvars = 0;
            if ((s = order_vars(a, ord == 1, msg)) != TG_OK) goto done;
            if (tg_risk_i_bdd_init(&a->b, cap) != TG_OK) {
                s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
                goto done;
            }
            double t_dbg = tg_now();
            if (a->nvars > RK_MAX_LEVELS) {
                s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_analyze: '%s' depends on %d basic events; "
                           "the BDD operations recurse once per variable and support at most %d",
                           m->gates[a->top].name, a->nvars, RK_MAX_LEVELS);
                goto done;
            }
            a->root = compile_all(&c, cstack, cseen);
            tg_log(TG_LOG_DEBUG, "risk: BDD, %s order, budget %lld: %u nodes made, %s, %.2f s",
                   ord ? "FORCE" : "depth-first", (long long)cap, a->b.n,
                   a->b.full ? "over" : "done", tg_now() - t_dbg);
            if (c.nomem) {
                s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
                goto done;
            }
            done_ok = !a->b.full;
            /* Out of memory below the budget: a larger budget cannot help. */
            if (a->b.full && (int64_t)a->b.n < cap) {
                s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory building the BDD "
                           "of '%s' (%u nodes)", m->gates[a->top].name, a->b.n);
                goto done;
            }
        }
        if (done_ok) break;
        if ((o->max_nodes > 0 && cap >= o->max_nodes) || budget >= ((int64_t)1 << 31) - 2) {
            s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_analyze: BDD of '%s' too large (over %lld "
                       "nodes)", m->gates[a->top].name, (long long)cap);
            goto done;
        }
        budget *= 2;
    }
    if (tg_risk_i_zbdd_init(&a->z, o->max_nodes) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    if (reachable(a->b.nodes, a->b.n, a->root >> 1, 1, &a->breach, &a->nbreach) != TG_OK ||
        !(a->pn = tg_malloc(sizeof *a->pn * a->b.n))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    tg_risk_reevaluate(a);
    /* Limits beyond the number of variables change nothing. */
    if (a->o.limit_order > a->nvars) a->o.limit_order = a->nvars;
    /* `without` is called on many more pairs than the ZBDD has nodes: size
     * its cache by the BDD, whose nodes drive the recursion. */
    tg_risk_i_zbdd_reserve_cache(&a->z, 4 * a->nbreach);
    mc.memo.hint = 1024;
    while (mc.memo.hint < 4 * (size_t)a->nbreach && mc.memo.hint < ((size_t)1 << 26)) mc.memo.hint *= 2;
    if (!(mc.bound = tg_malloc(sizeof *mc.bound * a->b.n))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
        goto done;
    }
    mc.bound[0] = 0;
    for (uint32_t k = 0; k < a->nbreach; k++) {
        const rk_bnode *q = &a->b.nodes[a->breach[k]];
        uint32_t h = 1u + mc.bound[q->hi >> 1], l = mc.bound[q->lo >> 1];
        uint32_t bnd = h > l ? h : l;
        mc.bound[a->breach[k]] = (uint16_t)(bnd > 60000 ? 60000 : bnd);
    }
    double t_z = tg_now();
    if (a->o.cut_off > 0 && a->has_prob) {
        if (!cut_bounds(&mc)) {
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_analyze: out of memory");
            goto done;
        }
        a->zroot = conv_cut(&mc, a->root, a->o.limit_order, a->o.cut_off);
    } else {
        a->zroot = conv(&mc, a->root, a->o.limit_order);
    }
    tg_log(TG_LOG_DEBUG, "risk: ZBDD: %u nodes made, %.2f s", a->z.n, tg_now() - t_z);
    if (mc.nomem || a->z.full) {
        s = tg_msg(msg, o->max_nodes && (int64_t)a->z.n >= o->max_nodes ? TG_ERR_LIMIT
                                                                         : TG_ERR_NOMEM,
                   "tg_risk_analyze: ZBDD of the cut sets of '%s' too large (%u nodes)",
                   m->gates[a->top].name, a->z.n);
        goto done;
    }
    u64map_free(&mc.memo);
    u128map_free(&mc.tmemo);
    if ((s = count_sets(a, msg)) != TG_OK) goto done;
    *out = a;
    a = NULL;
done:
    u64map_free(&mc.memo);
    u128map_free(&mc.tmemo);
    tg_free(mc.bound);
    tg_free(mc.pmax);
    tg_free(mc.pmin);
    tg_free(c.gate_edge);
    tg_free(c.uses);
    tg_free(c.roots);
    tg_free(uses0);
    tg_free(cstack);
    tg_free(cseen);
    tg_risk_analysis_free(&a);
    return s;
}

void tg_risk_analysis_free(tg_risk_analysis **ap)
{
    if (!ap || !*ap) return;
    tg_risk_analysis *a = *ap;
    tg_free(a->var_event);
    tg_free(a->event_level);
    tg_free(a->vp);
    tg_risk_i_bdd_clear(&a->b);
    tg_risk_i_zbdd_clear(&a->z);
    tg_free(a->breach);
    tg_free(a->pn);
    tg_free(a->zreach);
    tg_free(a->zcount);
    tg_free(a->dist);
    tg_free(a);
    *ap = NULL;
}

/* For prime.c: the BDD (to add the conjunctions its recursion needs) and
 * the variables. */
rk_bdd *tg_risk_i_analysis_bdd(tg_risk_analysis *a, uint32_t *root, int *nvars,
                               const int **var_event, const double **vp, bool *has_prob)
{
    /* The race left the budget of the order that won; new nodes may use
     * the whole budget of the options. */
    a->b.max_nodes = a->o.max_nodes;
    *root = a->root, *nvars = a->nvars, *var_event = a->var_event, *vp = a->vp;
    *has_prob = a->has_prob;
    return &a->b;
}

double tg_risk_probability(const tg_risk_analysis *a) { return a ? a->prob : NAN; }
uint64_t tg_risk_products(const tg_risk_analysis *a) { return a ? a->products : 0; }
int tg_risk_limit_order(const tg_risk_analysis *a) { return a ? a->o.limit_order : 0; }
int tg_risk_nvars(const tg_risk_analysis *a) { return a ? a->nvars : 0; }
int64_t tg_risk_bdd_nodes(const tg_risk_analysis *a) { return a ? (int64_t)a->nbreach : 0; }
int64_t tg_risk_zbdd_nodes(const tg_risk_analysis *a) { return a ? (int64_t)a->nzreach : 0; }

void tg_risk_distribution(const tg_risk_analysis *a, uint64_t *dist)
{
    if (!a || !dist) return;
    memcpy(dist, a->dist, sizeof *dist * (size_t)(a->o.limit_order + 1));
}

double tg_risk_rare_event(const tg_risk_analysis *a)
{
    if (!a || !a->has_prob) return NAN;
    if (a->zroot <= 1) return a->zroot == ZB_BASE ? 1.0 : 0.0;
    double *re = tg_malloc(sizeof *re * a->z.n);
    if (!re) return NAN;
    re[0] = 0, re[1] = 1;
    for (uint32_t k = 0; k < a->nzreach; k++) {
        uint32_t i = a->zreach[k];
        const rk_bnode *q = &a->z.nodes[i];
        re[i] = a->vp[q->level] * re[q->hi] + re[q->lo];
    }
    double r = re[a->zroot];
    tg_free(re);
    return r;
}

/* ---- listing cut sets -------------------------------------------------------- */

typedef struct walker {
    const tg_risk_analysis *a;
    int *set;
    int depth;
    int64_t max, count;
    int max_order;
    double cut_off;
    tg_risk_set_fn fn;
    void *ud;
    bool stop;
} walker;

static void walk(walker *w, uint32_t node, double p)
{
    if (w->stop || node == ZB_EMPTY || p < w->cut_off) return;
    if (node == ZB_BASE) {
        if (w->count >= w->max) {
            w->stop = true;
            return;
        }
        w->count++;
        if (w->fn && w->fn(w->ud, w->depth, w->set, p)) w->stop = true;
        return;
    }
    const rk_bnode *q = &w->a->z.nodes[node];
    if (w->max_order < 0 || w->depth < w->max_order) {
        w->set[w->depth++] = w->a->var_event[q->level];
        walk(w, q->hi, p * w->a->vp[q->level]);
        w->depth--;
    }
    walk(w, q->lo, p);
}

tg_status tg_risk_cut_sets(const tg_risk_analysis *a, int max_order, int64_t max, tg_risk_set_fn fn,
                           void *ud, int64_t *count, char *msg)
{
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!a) return tg_msg(msg, TG_ERR_ARG, "tg_risk_cut_sets: analysis is NULL");
    /* Without probabilities the cut-off cannot apply: walk with p = 1. */
    walker w = {a, NULL, 0, max < 0 ? INT64_MAX : max, 0, max_order, a->has_prob ? a->o.cut_off : 0,
                fn, ud, false};
    w.set = tg_malloc(sizeof(int) * ((size_t)a->nvars + 1));
    if (!w.set) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_cut_sets: out of memory");
    walk(&w, a->zroot, 1.0);
    tg_free(w.set);
    if (count) *count = w.count;
    return TG_OK;
}

typedef struct mcub_acc { double log_q; } mcub_acc;

static int mcub_add(void *ud, int order, const int *events, double p)
{
    (void)order, (void)events;
    mcub_acc *acc = ud;
    acc->log_q += log1p(-p);
    return 0;
}

tg_status tg_risk_mcub(const tg_risk_analysis *a, int64_t max_sets, double *out, char *msg)
{
    tg_msg_clear(msg);
    if (!a || !out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcub: NULL argument");
    *out = NAN;
    if (!a->has_prob)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcub: some basic events have no probability");
    if (a->products > (uint64_t)max_sets)
        return tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mcub: %llu cut sets exceed the limit of %lld",
                      (unsigned long long)a->products, (long long)max_sets);
    mcub_acc acc = {0};
    tg_status s = tg_risk_cut_sets(a, -1, max_sets, mcub_add, &acc, NULL, msg);
    if (s != TG_OK) return s;
    *out = -expm1(acc.log_q);
    return TG_OK;
}

/* ---- importance ------------------------------------------------------------- */

/* occ[level] += number of minimal cut sets holding the variable: paths
 * from the root into each node times the sets below its high edge.  No
 * probabilities needed.  false when out of memory. */
static bool occurrences(const tg_risk_analysis *a, double *occ)
{
    if (a->zroot <= 1) return true;
    double *path = tg_calloc(a->z.n, sizeof *path);
    if (!path) return false;
    path[a->zroot] = 1;
    for (uint32_t k = a->nzreach; k-- > 0;) {
        uint32_t i = a->zreach[k];
        const rk_bnode *q = &a->z.nodes[i];
        path[q->hi] += path[i];
        path[q->lo] += path[i];
        occ[q->level] += path[i] * (q->hi == ZB_BASE ? 1.0 : a->zcount[q->hi]);
    }
    tg_free(path);
    return true;
}

tg_status tg_risk_importance_all(const tg_risk_analysis *a, tg_risk_importance *out, char *msg)
{
    tg_msg_clear(msg);
    if (!a || !out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_importance_all: NULL argument");
    const tg_risk_model *m = a->m;
    memset(out, 0, sizeof *out * (size_t)m->nbasics);
    for (int i = 0; i < m->nbasics; i++) out[i].p = m->basics[i].p;
    if (!a->has_prob)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_importance_all: some basic events have no "
                      "probability");
    double *d = tg_calloc(a->b.n, sizeof *d);
    double *mif = tg_calloc((size_t)a->nvars + 1, sizeof *mif);
    double *occ = tg_calloc((size_t)a->nvars + 1, sizeof *occ);
    if (!d || !mif || !occ || !occurrences(a, occ)) {
        tg_free(d), tg_free(mif), tg_free(occ);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_importance_all: out of memory");
    }
    if (a->root > 1) {
        d[a->root >> 1] = (a->root & 1u) ? -1.0 : 1.0;
        for (uint32_t k = a->nbreach; k-- > 0;) {
            uint32_t i = a->breach[k];
            const rk_bnode *q = &a->b.nodes[i];
            double p = a->vp[q->level];
            d[q->hi >> 1] += d[i] * p;
            d[q->lo >> 1] += d[i] * (1 - p) * ((q->lo & 1u) ? -1.0 : 1.0);
            mif[q->level] += d[i] * (pe(a->pn, q->hi) - pe(a->pn, q->lo));
        }
    }
    double P = a->prob;
    for (int v = 0; v < a->nvars; v++) {
        tg_risk_importance *r = &out[a->var_event[v]];
        double p = a->vp[v];
        double p1 = P + (1 - p) * mif[v], p0 = P - p * mif[v];
        /* P(top | not v) by subtraction: below 1e-12 P it is rounding
         * noise of an event in every cut set; call it 0 (RRW infinite). */
        if (p1 < 0) p1 = 0;
        if (p0 < 1e-12 * P) p0 = 0;
        r->mif = mif[v];
        r->cif = P > 0 ? mif[v] * p / P : 0;
        r->dif = P > 0 ? p * p1 / P : 0;
        r->raw = P > 0 ? p1 / P : 0;
        r->rrw = p0 > 0 ? P / p0 : P > 0 ? INFINITY : 0;
        r->occurrence = occ[v] >= 1.8e19 ? UINT64_MAX : (uint64_t)occ[v];
    }
    tg_free(d), tg_free(mif), tg_free(occ);
    return TG_OK;
}

tg_status tg_risk_occurrence(const tg_risk_analysis *a, uint64_t *out, char *msg)
{
    tg_msg_clear(msg);
    if (!a || !out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_occurrence: NULL argument");
    const tg_risk_model *m = a->m;
    memset(out, 0, sizeof *out * (size_t)m->nbasics);
    double *occ = tg_calloc((size_t)a->nvars + 1, sizeof *occ);
    if (!occ || !occurrences(a, occ)) {
        tg_free(occ);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_occurrence: out of memory");
    }
    for (int v = 0; v < a->nvars; v++)
        out[a->var_event[v]] = occ[v] >= 1.8e19 ? UINT64_MAX : (uint64_t)occ[v];
    tg_free(occ);
    return TG_OK;
}

/* ---- uncertainty ------------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

void tg_risk_uncertainty_clear(tg_risk_uncertainty *u)
{
    if (!u) return;
    tg_free(u->quantiles);
    tg_free(u->bins);
    memset(u, 0, sizeof *u);
}

tg_status tg_risk_uncertainty_run(tg_risk_analysis *a, int64_t n, uint64_t seed, int nq,
                                  int nbins, tg_risk_uncertainty *out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_uncertainty_run: out is NULL");
    memset(out, 0, sizeof *out);
    if (!a) return tg_msg(msg, TG_ERR_ARG, "tg_risk_uncertainty_run: analysis is NULL");
    if (n < 2 || nq < 1 || nbins < 1)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_uncertainty_run: need n >= 2, nq >= 1, nbins >= "
                      "1");
    if (!a->has_prob)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_uncertainty_run: some basic events have no "
                      "probability");
    double *x = tg_malloc(sizeof *x * (size_t)n);
    double *vp = tg_malloc(sizeof *vp * ((size_t)a->nvars + 1));
    double *pn = tg_malloc(sizeof *pn * a->b.n);
    double *pc = tg_malloc(sizeof *pc * ((size_t)a->m->nparams + 1));
    out->quantiles = tg_malloc(sizeof *out->quantiles * (size_t)nq);
    out->bins = tg_calloc((size_t)nbins, sizeof *out->bins);
    if (!x || !vp || !pn || !pc || !out->quantiles || !out->bins) {
        tg_free(x), tg_free(vp), tg_free(pn), tg_free(pc);
        tg_risk_uncertainty_clear(out);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_uncertainty_run: out of memory");
    }
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    const tg_risk_model *m = a->m;
    double sum = 0, sum2 = 0;
    for (int64_t t = 0; t < n; t++) {
        /* A shared parameter is drawn once per trial (as SCRAM and the MEF do). */
        for (int i = 0; i < m->nparams; i++) pc[i] = NAN;
        for (int v = 0; v < a->nvars; v++) {
            int e = m->basics[a->var_event[v]].expr;
            double p = tg_risk_i_is_random(m, e) ? tg_risk_i_draw(m, e, &rng, pc) : a->vp[v];
            if (!isfinite(p)) {
                tg_free(x), tg_free(vp), tg_free(pn), tg_free(pc);
                tg_risk_uncertainty_clear(out);
                return tg_msg(msg, TG_ERR_NUMERIC, "tg_risk_uncertainty_run: basic event '%s': "
                              "draw %g is not finite", m->basics[a->var_event[v]].name, p);
            }
            vp[v] = p < 0 ? 0 : p > 1 ? 1 : p;   /* clamp draws to probabilities */
        }
        x[t] = sweep_prob(a, vp, pn);
        sum += x[t], sum2 += x[t] * x[t];
    }
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    out->mean = sum / (double)n;
    double var = 0;     /* two-pass: no cancellation when the spread is tiny */
    for (int64_t t = 0; t < n; t++) var += (x[t] - out->mean) * (x[t] - out->mean);
    var /= (double)(n - 1);
    (void)sum2;
    out->sd = var > 0 ? sqrt(var) : 0;
    out->err95 = 1.959963984540054 * out->sd / sqrt((double)n);
    out->min = x[0], out->max = x[n - 1];
    out->nq = nq;
    out->nbins = nbins;
    for (int i = 1; i <= nq; i++) {
        double pos = (double)i / nq * (double)(n - 1);
        int64_t lo = (int64_t)floor(pos);
        int64_t hi = lo + 1 < n ? lo + 1 : lo;
        out->quantiles[i - 1] = x[lo] + (pos - (double)lo) * (x[hi] - x[lo]);
    }
    double w = (out->max - out->min) / nbins;
    for (int64_t t = 0; t < n; t++) {
        int bi = w > 0 ? (int)((x[t] - out->min) / w) : 0;
        if (bi >= nbins) bi = nbins - 1;
        out->bins[bi]++;
    }
    tg_free(x), tg_free(vp), tg_free(pn), tg_free(pc);
    return TG_OK;
}
