/* mocus.c: minimal cut sets by MOCUS, for comparison with the BDD route.
 *
 * Top-down substitution (Fussell and Vesely 1972): the family of partial
 * cut sets starts as {{top}}; each gate in turn is replaced in every set
 * that holds it by its expansion (AND: all its arguments; OR: one set per
 * argument; ATLEAST k: one per k-subset), until the sets hold basic events
 * only.  The whole family lives in one ZBDD over gates and events (gates
 * on top, parents above children), so a gate is substituted once for all
 * the sets that hold it: with g the top variable, F = g F1 + F0 becomes
 * F0 + F1 x E(g).  Sets holding more than limit_order events are dropped
 * (events only accumulate in coherent trees), and the family is minimised
 * after each substitution: a partial set that contains another only has
 * completions that contain one of the other's, since the gates they share
 * expand alike.
 */
#include "risk_internal.h"

#include <string.h>

#define OP_MPROD 30000u     /* + limit (<= 4000) */
#define OP_MTRUNC 40000u    /* + limit */

typedef struct mctx {
    rk_zbdd z;
    uint32_t first_event;   /* levels below are gates, from it on events */
} mctx;

/* The sets of f with at most k events (gates do not count). */
static uint32_t mtrunc(mctx *c, uint32_t f, int k)
{
    rk_zbdd *z = &c->z;
    if (k < 0) return ZB_EMPTY;
    if (f <= ZB_BASE || z->full) return z->full ? ZB_EMPTY : f;
    uint32_t op = OP_MTRUNC + (uint32_t)k;
    rk_cache_entry *e = tg_risk_i_zbdd_slot(z, f, 0, op);
    if (e->op == op && e->a == f) return e->r;
    rk_bnode q = z->nodes[f];
    uint32_t h = mtrunc(c, q.hi, k - (q.level >= c->first_event));
    uint32_t r = tg_risk_i_zbdd_node(z, q.level, h, mtrunc(c, q.lo, k));
    e = tg_risk_i_zbdd_slot(z, f, 0, op);
    *e = (rk_cache_entry){f, 0, r, op};
    return r;
}

/* {a u b : a in f, b in g, at most k events}. */
static uint32_t mprod(mctx *c, uint32_t f, uint32_t g, int k)
{
    rk_zbdd *z = &c->z;
    if (f == ZB_EMPTY || g == ZB_EMPTY || k < 0 || z->full) return ZB_EMPTY;
    if (f == ZB_BASE) return mtrunc(c, g, k);
    if (g == ZB_BASE) return mtrunc(c, f, k);
    if (f > g) {
        uint32_t t = f;
        f = g, g = t;
    }
    uint32_t op = OP_MPROD + (uint32_t)k;
    rk_cache_entry *e = tg_risk_i_zbdd_slot(z, f, g, op);
    if (e->op == op && e->a == f && e->b == g) return e->r;
    uint32_t lf = tg_risk_i_zbdd_level(z, f), lg = tg_risk_i_zbdd_level(z, g), x = lf < lg ? lf : lg;
    uint32_t f1 = ZB_EMPTY, f0 = f, g1 = ZB_EMPTY, g0 = g;
    if (lf == x) f1 = z->nodes[f].hi, f0 = z->nodes[f].lo;
    if (lg == x) g1 = z->nodes[g].hi, g0 = z->nodes[g].lo;
    int k1 = k - (x >= c->first_event);
    uint32_t a = mprod(c, f1, g1, k1), b = mprod(c, f1, g0, k1), d = mprod(c, f0, g1, k1);
    uint32_t h = tg_risk_i_zbdd_union(z, tg_risk_i_zbdd_union(z, a, b), d);
    uint32_t r = tg_risk_i_zbdd_node(z, x, h, mprod(c, f0, g0, k));
    e = tg_risk_i_zbdd_slot(z, f, g, op);
    *e = (rk_cache_entry){f, g, r, op};
    return r;
}

/* The family of one argument: {{level}}, or a house event's constant. */
static uint32_t arg_set(const tg_risk_model *m, mctx *c, const int *glev, const int *elev, int ref)
{
    switch (RK_KIND(ref)) {
    case R_BASIC: return tg_risk_i_zbdd_node(&c->z, (uint32_t)elev[RK_INDEX(ref)], ZB_BASE, ZB_EMPTY);
    case R_HOUSE: return m->houses[RK_INDEX(ref)].value ? ZB_BASE : ZB_EMPTY;
    default: return tg_risk_i_zbdd_node(&c->z, (uint32_t)glev[RK_INDEX(ref)], ZB_BASE, ZB_EMPTY);
    }
}

tg_status tg_risk_mocus(const tg_risk_model *m, int top, int limit_order, int64_t max_nodes,
                        uint64_t *products, uint64_t *dist, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !products || !dist || !m->finished)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: NULL argument or model not finished");
    if (top < 0 || top >= m->nnamed_gates || limit_order < 0 || limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: bad top gate or limit_order");
    if (max_nodes < 0) return tg_msg(msg, TG_ERR_ARG, "tg_risk_mocus: max_nodes %lld < 0", (long long)max_nodes);
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
    int ng = m->ngates, ne = m->nbasics;
    if ((int64_t)ng + ne > RK_MAX_LEVELS)     /* the ZBDD recursions go one level deep per variable */
        return tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mocus: %d gates and %d basic events; the ZBDD "
                      "operations recurse once per variable and support at most %d", ng, ne,
                      RK_MAX_LEVELS);
    tg_status s = TG_OK;
    mctx c;
    int *glev = tg_malloc(sizeof *glev * ((size_t)ng + 1)), *elev = tg_malloc(sizeof *elev * ((size_t)ne + 1));
    int *order = tg_malloc(sizeof *order * ((size_t)ng + 1));
    uint32_t *t = NULL;
    double *cnt = NULL;
    tg_progress bar = {0};      /* drawn on a terminal only */
    int maxargs = 1;
    for (int g = 0; g < ng; g++)
        if (m->gates[g].nargs > maxargs) maxargs = m->gates[g].nargs;
    t = tg_malloc(sizeof *t * ((size_t)maxargs + 2));
    if (tg_risk_i_zbdd_init(&c.z, max_nodes) != TG_OK) {
        tg_free(glev), tg_free(elev), tg_free(order), tg_free(t);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
    }
    if (!glev || !elev || !order || !t) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    tg_risk_i_zbdd_reserve_cache(&c.z, 1u << 16);
    /* Gates parents first (reverse post-order of a depth-first walk from
     * the top); events after all gates, in order of first appearance in
     * that walk. */
    for (int g = 0; g < ng; g++) glev[g] = -1;
    int g0 = m->named[top];
    int npost = tg_risk_i_gate_postorder(m, g0, order, elev, NULL);
    if (npost < 0) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory");
        goto done;
    }
    for (int i = 0; i < npost; i++) glev[order[npost - 1 - i]] = i;
    c.first_event = (uint32_t)npost;
    for (int e = 0; e < ne; e++)
        if (elev[e] >= 0) elev[e] += npost;
    int K = limit_order;
    uint32_t fam = tg_risk_i_zbdd_node(&c.z, 0, ZB_BASE, ZB_EMPTY);   /* {{top}} */
    tg_progress_start(&bar, "risk.mocus", npost);     /* gates substituted */
    for (int i = npost - 1; i >= 0 && !c.z.full; i--) {
        int g = order[i];
        tg_progress_update(&bar, npost - 1 - i);
        uint32_t lv = (uint32_t)glev[g];
        if (tg_risk_i_zbdd_level(&c.z, fam) != lv) continue;    /* no set holds g any more */
        const rk_gate *gg = &m->gates[g];
        uint32_t f1 = c.z.nodes[fam].hi, f0 = c.z.nodes[fam].lo, ex;
        if (gg->op == TG_RISK_AND || gg->op == TG_RISK_NULL) {
            ex = ZB_BASE;
            for (int j = 0; j < gg->nargs; j++)
                ex = mprod(&c, ex, arg_set(m, &c, glev, elev, m->args[gg->first + j].ref), K);
        } else {
            /* t[j]: the sets of j of the arguments so far (OR: atleast 1). */
            int k = gg->op == TG_RISK_OR ? 1 : gg->k;
            for (int j = 0; j <= k; j++) t[j] = j == 0 ? ZB_BASE : ZB_EMPTY;
            for (int a = 0; a < gg->nargs; a++) {
                uint32_t x = arg_set(m, &c, glev, elev, m->args[gg->first + a].ref);
                for (int j = k < a + 1 ? k : a + 1; j >= 1; j--)
                    t[j] = tg_risk_i_zbdd_union(&c.z, t[j], mprod(&c, t[j - 1], x, K));
            }
            ex = t[k];
        }
        fam = tg_risk_i_zbdd_minimal(&c.z, tg_risk_i_zbdd_union(&c.z, f0, mprod(&c, f1, ex, K)));
    }
    if (c.z.full) {
        s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mocus: more than %lld ZBDD nodes of partial cut sets",
                   (long long)max_nodes);
        goto done;
    }
    /* Counts per order: per node, in index order (children first). */
    cnt = tg_calloc((size_t)c.z.n * (size_t)(K + 1), sizeof *cnt);
    if (!cnt) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mocus: out of memory (counts)");
        goto done;
    }
    cnt[(size_t)ZB_BASE * (size_t)(K + 1)] = 1;
    for (uint32_t i = 2; i <= fam && i < c.z.n; i++) {
        const rk_bnode *q = &c.z.nodes[i];
        double *ci = cnt + (size_t)i * (size_t)(K + 1);
        const double *ch = cnt + (size_t)q->hi * (size_t)(K + 1);
        const double *cl = cnt + (size_t)q->lo * (size_t)(K + 1);
        for (int j = 0; j <= K; j++) ci[j] = cl[j] + (j > 0 ? ch[j - 1] : 0);
    }
    for (int j = 0; j <= K; j++) {
        double v = cnt[(size_t)fam * (size_t)(K + 1) + (size_t)j];
        dist[j] = v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
        *products += dist[j];
    }
done:
    tg_progress_finish(&bar);
    tg_free(glev), tg_free(elev), tg_free(order), tg_free(t), tg_free(cnt);
    tg_risk_i_zbdd_clear(&c.z);
    return s;
}
