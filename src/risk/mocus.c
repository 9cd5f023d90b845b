/* mocus.c: minimal cut sets by MOCUS, for comparison with the BDD route.
 *
 * Top-down expansion (Fussell and Vesely 1972): a partial cut set holds
 * basic events and gates still to expand; an AND (or NULL) gate is
 * replaced by its arguments, an OR gate splits the set into one copy per
 * argument, an ATLEAST k-of-n gate into one copy per k-subset.  A set is
 * dropped as soon as it holds more than limit_order events (events only
 * accumulate in coherent trees).  Finished sets go into a ZBDD (union), and
 * the family is minimised there by Rauzy's rule, so no quadratic subset
 * checks.  Basic events are ZBDD levels in model order.
 */
#include "risk_internal.h"

#include <string.h>

typedef struct partial {
    int *ev, nev;               /* basic events, sorted, distinct */
    int *gates, ngates;         /* gates to expand */
} partial;

static void partial_free(partial *p)
{
    tg_free(p->ev);
    tg_free(p->gates);
    p->ev = p->gates = NULL;
}

/* Copy of p with room for extra events and gates. */
static bool partial_copy(const partial *p, int extra_ev, int extra_g, partial *out)
{
    out->ev = tg_malloc(sizeof(int) * (size_t)(p->nev + extra_ev + 1));
    out->gates = tg_malloc(sizeof(int) * (size_t)(p->ngates + extra_g + 1));
    if (!out->ev || !out->gates) {
        partial_free(out);
        return false;
    }
    if (p->nev) memcpy(out->ev, p->ev, sizeof(int) * (size_t)p->nev);
    if (p->ngates) memcpy(out->gates, p->gates, sizeof(int) * (size_t)p->ngates);
    out->nev = p->nev;
    out->ngates = p->ngates;
    return true;
}

static void add_event(partial *p, int e)
{
    int i = p->nev;
    for (int j = 0; j < p->nev; j++)
        if (p->ev[j] == e) return;
    while (i > 0 && p->ev[i - 1] > e) p->ev[i] = p->ev[i - 1], i--;
    p->ev[i] = e;
    p->nev++;
}

static void add_ref(const tg_risk_model *m, partial *p, int ref, bool *constant_false)
{
    if (RK_KIND(ref) == R_BASIC) add_event(p, RK_INDEX(ref));
    else if (RK_KIND(ref) == R_GATE) p->gates[p->ngates++] = RK_INDEX(ref);
    else if (!m->houses[RK_INDEX(ref)].value) *constant_false = true;
}

/* Minimal sets of a family: min(x F1 + F0) = x (min F1 without min F0) + min F0. */
static uint32_t zminimal(rk_zbdd *z, uint32_t f, uint32_t *memo)
{
    if (f <= ZB_BASE) return f;
    if (memo[f] != UINT32_MAX) return memo[f];
    rk_bnode q = z->nodes[f];
    uint32_t lo = zminimal(z, q.lo, memo);
    uint32_t hi = tg_risk_i_zbdd_without(z, zminimal(z, q.hi, memo), lo);
    uint32_t r = lo == ZB_BASE ? ZB_BASE : tg_risk_i_zbdd_node(z, q.level, hi, lo);
    if (f < z->cap) memo[f] = r;
    return r;
}

tg_status tg_risk_mocus(const tg_risk_model *m, int top, int limit_order, int64_t max_sets,
                        uint64_t *products, uint64_t *dist, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !products || !dist || !m->finished)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: NULL argument or model not finished");
    if (top < 0 || top >= m->nnamed_gates || limit_order < 0 || limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: bad top gate or limit_order");
    *products = 0;
    memset(dist, 0, sizeof *dist * (size_t)(limit_order + 1));
    for (int g = 0; g < m->ngates; g++) {
        tg_risk_op op = m->gates[g].op;
        if (op != TG_RISK_AND && op != TG_RISK_OR && op != TG_RISK_ATLEAST && op != TG_RISK_NULL)
            return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: gate '%s' is <%s>: MOCUS handles "
                          "coherent trees only (and, or, atleast)",
                          m->gates[g].name ? m->gates[g].name : "(formula)",
                          tg_risk_i_op_names[op]);
    }
    if (m->nbasics > RK_MAX_LEVELS)     /* the ZBDD levels are event indices */
        return tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mocus: %d basic events; the ZBDD operations "
                      "recurse once per event and support at most %d", m->nbasics, RK_MAX_LEVELS);
    tg_status s = TG_OK;
    rk_zbdd z;
    partial *stack = NULL;
    size_t cap = 0, sp = 0;
    uint32_t *memo = NULL;
    double *cnt = NULL;
    int64_t made = 0;
    uint32_t family = ZB_EMPTY;
    if (tg_risk_i_zbdd_init(&z, 0) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
    tg_risk_i_zbdd_reserve_cache(&z, 1u << 16);
    if (tg_grow((void **)&stack, &cap, 16, sizeof *stack) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    partial start = {NULL, 0, NULL, 0}, p0;
    if (!partial_copy(&start, 0, 1, &p0)) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    p0.gates[p0.ngates++] = m->named[top];
    stack[sp++] = p0;
    while (sp > 0 && s == TG_OK) {
        partial p = stack[--sp];
        if (p.ngates == 0) {    /* finished: add the set to the family */
            uint32_t set = ZB_BASE;
            for (int i = p.nev; i-- > 0;) set = tg_risk_i_zbdd_node(&z, (uint32_t)p.ev[i], set, ZB_EMPTY);
            family = tg_risk_i_zbdd_union(&z, family, set);
            partial_free(&p);
            if (z.full) s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
            continue;
        }
        const rk_gate *g = &m->gates[p.gates[--p.ngates]];
        const rk_arg *args = m->args + g->first;
        if (g->op == TG_RISK_AND || g->op == TG_RISK_NULL) {
            partial q;
            bool dead = false;
            if (!partial_copy(&p, g->nargs, g->nargs, &q)) {
                s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
            } else {
                for (int i = 0; i < g->nargs; i++) add_ref(m, &q, args[i].ref, &dead);
                if (dead || q.nev > limit_order) partial_free(&q);
                else stack[sp++] = q;   /* the popped slot is free */
            }
            partial_free(&p);
            continue;
        }
        /* OR: one copy per argument; ATLEAST k: one per k-subset. */
        int k = g->op == TG_RISK_OR ? 1 : g->k, n = g->nargs, idx[64];
        if (k > 64) {
            partial_free(&p);
            s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mocus: atleast with k > 64");
            break;
        }
        for (int i = 0; i < k; i++) idx[i] = i;
        for (;;) {
            partial q;
            bool dead = false;
            if (++made > max_sets) {
                s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mocus: more than %lld partial cut sets",
                           (long long)max_sets);
                break;
            }
            if (!partial_copy(&p, k, k, &q)) {
                s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
                break;
            }
            for (int i = 0; i < k; i++) add_ref(m, &q, args[idx[i]].ref, &dead);
            if (dead || q.nev > limit_order) {
                partial_free(&q);
            } else {
                if (tg_grow((void **)&stack, &cap, sp + 1, sizeof *stack) != TG_OK) {
                    partial_free(&q);
                    s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
                    break;
                }
                stack[sp++] = q;
            }
            int i = k - 1;      /* next k-subset in lexicographic order */
            while (i >= 0 && idx[i] == n - k + i) i--;
            if (i < 0) break;
            idx[i]++;
            for (int j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
        }
        partial_free(&p);
    }
    if (s != TG_OK) goto done;
    memo = tg_malloc(sizeof *memo * z.cap);
    if (!memo) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    memset(memo, 0xff, sizeof *memo * z.cap);
    family = zminimal(&z, family, memo);
    if (z.full) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    /* Counts per order: per node, in index order (children first). */
    int L = limit_order;
    cnt = tg_calloc((size_t)z.n * (size_t)(L + 1), sizeof *cnt);
    if (!cnt) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory (counts)");
        goto done;
    }
    cnt[(size_t)ZB_BASE * (size_t)(L + 1)] = 1;
    for (uint32_t i = 2; i <= family && i < z.n; i++) {
        const rk_bnode *q = &z.nodes[i];
        double *ci = cnt + (size_t)i * (size_t)(L + 1);
        const double *ch = cnt + (size_t)q->hi * (size_t)(L + 1);
        const double *cl = cnt + (size_t)q->lo * (size_t)(L + 1);
        for (int j = 0; j <= L; j++) ci[j] = cl[j] + (j > 0 ? ch[j - 1] : 0);
    }
    for (int j = 0; j <= L; j++) {
        double v = cnt[(size_t)family * (size_t)(L + 1) + (size_t)j];
        dist[j] = (uint64_t)v;
        *products += (uint64_t)v;
    }
done:
    while (sp > 0) partial_free(&stack[--sp]);
    tg_free(stack);
    tg_free(memo);
    tg_free(cnt);
    tg_risk_i_zbdd_clear(&z);
    return s;
}
