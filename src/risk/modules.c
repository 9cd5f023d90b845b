/* modules.c: module detection in a fault tree (Dutuit and Rauzy 1996).
 *
 * A gate G is a module when nothing below it (gate or basic event) can be
 * reached from the top except through G: its sub-tree is independent of
 * the rest, so it can be solved on its own and stand for one variable in
 * its parents.  Linear time: one depth-first walk stamps every node with
 * the dates of its first and last visits and every gate with its exit
 * date (a gate met again is not re-entered); then, children before
 * parents, each gate takes the earliest first visit and the latest last
 * visit found anywhere below it.  G is a module iff that window lies
 * strictly inside G's own [first visit, exit].  House events are
 * constants and take no part.
 */
#include "risk_internal.h"

#include <string.h>

tg_status tg_risk_i_modules(const tg_risk_model *m, int top, uint8_t *is_module, char *msg)
{
    int ng = m->ngates, nb = m->nbasics;
    /* Dates: gates at [0, ng), events at [ng, ng + nb); 0 = not visited. */
    int64_t *first = tg_calloc((size_t)(ng + nb) + 1, sizeof *first);
    int64_t *last = tg_calloc((size_t)(ng + nb) + 1, sizeof *last);
    int64_t *exitd = tg_calloc((size_t)ng + 1, sizeof *exitd);
    int64_t *lo = tg_malloc(sizeof *lo * ((size_t)ng + 1));
    int64_t *hi = tg_malloc(sizeof *hi * ((size_t)ng + 1));
    int *post = tg_malloc(sizeof *post * ((size_t)ng + 1));
    int *stack = tg_malloc(sizeof *stack * 2 * ((size_t)ng + 1));
    tg_status s = TG_OK;
    if (!first || !last || !exitd || !lo || !hi || !post || !stack) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_modules: out of memory");
        goto done;
    }
    memset(is_module, 0, (size_t)ng);
    int64_t t = 0;
    int sp = 0, npost = 0;
    first[top] = last[top] = ++t;
    stack[0] = top, stack[1] = 0, sp = 1;
    while (sp > 0) {
        int g = stack[2 * (sp - 1)], *pos = &stack[2 * (sp - 1) + 1];
        const rk_gate *gg = &m->gates[g];
        if (*pos == gg->nargs) {
            exitd[g] = ++t;
            post[npost++] = g;
            sp--;
            continue;
        }
        int r = m->args[gg->first + (*pos)++].ref;
        if (RK_KIND(r) == R_BASIC) {
            int e = ng + RK_INDEX(r);
            last[e] = ++t;
            if (!first[e]) first[e] = t;
        } else if (RK_KIND(r) == R_GATE) {
            int c = RK_INDEX(r);
            last[c] = ++t;
            if (!first[c]) {
                first[c] = t;
                stack[2 * sp] = c, stack[2 * sp + 1] = 0;
                sp++;
            }
        }
    }
    /* Children finish before their parents: post order is bottom-up. */
    for (int k = 0; k < npost; k++) {
        int g = post[k];
        const rk_gate *gg = &m->gates[g];
        int64_t a = INT64_MAX, b = 0;
        for (int j = 0; j < gg->nargs; j++) {
            int r = m->args[gg->first + j].ref, c;
            if (RK_KIND(r) == R_BASIC) c = ng + RK_INDEX(r);
            else if (RK_KIND(r) == R_GATE) c = RK_INDEX(r);
            else continue;
            if (first[c] < a) a = first[c];
            if (last[c] > b) b = last[c];
            if (c < ng) {
                if (lo[c] < a) a = lo[c];
                if (hi[c] > b) b = hi[c];
            }
        }
        lo[g] = a, hi[g] = b;
        is_module[g] = a > first[g] && b < exitd[g];
    }
done:
    tg_free(first), tg_free(last), tg_free(exitd), tg_free(lo), tg_free(hi);
    tg_free(post), tg_free(stack);
    return s;
}

tg_status tg_risk_modules(const tg_risk_model *m, int top, uint8_t *is_module, int *count,
                          char *msg)
{
    tg_msg_clear(msg);
    if (count) *count = 0;
    if (!m || !m->finished || !is_module)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_modules: NULL or unfinished argument");
    if (top < 0 || top >= m->nnamed_gates)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_modules: top gate %d out of range [0, %d)", top,
                      m->nnamed_gates);
    uint8_t *all = tg_malloc((size_t)m->ngates + 1);
    if (!all) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_modules: out of memory");
    tg_status s = tg_risk_i_modules(m, m->named[top], all, msg);
    if (s == TG_OK) {
        int n = 0;
        for (int i = 0; i < m->nnamed_gates; i++) {
            is_module[i] = all[m->named[i]];
            n += is_module[i];
        }
        if (count) *count = n;
    }
    tg_free(all);
    return s;
}
