/* thermal.c: energy balances of the plant, steady state and transients.
 *
 * Unknowns are the temperatures of the hydraulic nodes.  A node's balance
 *     storage + (outflow) h(T_i) - sum_in |m| h(T_up) - Q_load - X + D_cap - conduction = 0
 * with upwind convection along the solved flows, heat loads Q, the heat X
 * moved into the LP side of a split exchanger by its HP side, a capped duty
 * D_cap for a set point that could not be held, and conduction through
 * He II between nodes both below the lambda point.  Nodes at a set point
 * are held (row T = T_set) and their duty is what the balance leaves.
 * Newton's method with the sparse, unsymmetric Jacobian factorised by KLU.
 * Transients: backward Euler on the node energy E = M h(T) + C T (helium
 * hold-up M, cold mass C), hydraulics re-solved after each event
 * (pressure waves settle in seconds, temperatures in hours). */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

/* hold-up mass per hydraulic node: half of each incident pipe + he_mass */
static tg_status holdup(const tg_sim_plant *p, double **out)
{
    double *M = tg_calloc((size_t)p->nh, sizeof *M);
    if (!M) return TG_ERR_NOMEM;
    for (int64_t e = 0; e < p->ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        int ends[2] = {h->a, h->b};
        for (int q = 0; q < 2; q++) {
            int k = ends[q];
            double rho = p->props.rho(p->p_design[k] * TG_SIM_BAR, p->t_design[k], p->props.ud);
            M[k] += 0.5 * h->volume * rho;
        }
    }
    for (int k = 0; k < p->nh; k++) M[k] += p->he_mass[k];
    *out = M;
    return TG_OK;
}

/* Is hydraulic node k the HP side of a split exchanger (its duty moves to the LP side)? */
static int is_transfer(const tg_sim_plant *p, int k)
{
    int v = p->hnode_of[k];
    return p->hside[k] == 0 && p->lp[v] != k;
}

typedef struct tctx {
    const tg_sim_plant *p;
    const double *flow, *Tprev, *M, *qload, *cap;
    double dt;
    const unsigned char *held;
    const unsigned char *capped;
    double *out_m;             /* outflow per node */
    unsigned char *pinned;     /* steady: stagnant free node pinned to design T */
    const int *ip, *ie;        /* incidence: edges ie[ip[k] .. ip[k+1]) touch node k */
} tctx;

/* Incidence lists of the hydraulic nodes (CSR). */
static tg_status incidence(const tg_sim_plant *p, int **ip, int **ie)
{
    int *ptr = tg_calloc((size_t)p->nh + 1, sizeof *ptr);
    int *idx = tg_malloc((size_t)(2 * p->ne + 1) * sizeof *idx);
    if (!ptr || !idx) {
        tg_free(ptr);
        tg_free(idx);
        return TG_ERR_NOMEM;
    }
    for (int64_t e = 0; e < p->ne; e++) {
        ptr[p->he[e].a + 1]++;
        ptr[p->he[e].b + 1]++;
    }
    for (int k = 0; k < p->nh; k++) ptr[k + 1] += ptr[k];
    int *fill = tg_malloc((size_t)(p->nh + 1) * sizeof *fill);
    if (!fill) {
        tg_free(ptr);
        tg_free(idx);
        return TG_ERR_NOMEM;
    }
    memcpy(fill, ptr, (size_t)(p->nh + 1) * sizeof *fill);
    for (int64_t e = 0; e < p->ne; e++) {
        idx[fill[p->he[e].a]++] = (int)e;
        idx[fill[p->he[e].b]++] = (int)e;
    }
    tg_free(fill);
    *ip = ptr;
    *ie = idx;
    return TG_OK;
}

/* Net energy balance of node k (W, positive = net gain) except the duty,
 * at temperatures T; for split HX LP sides this includes the transfer. */
static double balance(const tctx *c, const double *T, int k, double *cond_out);

static double hp_balance_raw(const tctx *c, const double *T, int k)
{
    /* sum_in |m| h(T_up) - out h(T_k) + Q - storage: the heat the node must shed */
    const tg_sim_plant *p = c->p;
    const tg_sim_props *pr = &p->props;
    double b = c->qload[k] - c->out_m[k] * pr->h(T[k], pr->ud);
    for (int q = c->ip[k]; q < c->ip[k + 1]; q++) {
        int e = c->ie[q];
        const tg_sim_i_hedge *h = &p->he[e];
        double f = c->flow[e];
        if (f > 0 && h->b == k) b += f * pr->h(T[h->a], pr->ud);
        else if (f < 0 && h->a == k) b += -f * pr->h(T[h->b], pr->ud);
    }
    if (c->dt > 0) {
        double E1 = c->M[k] * pr->h(T[k], pr->ud) + p->c_mass[k] * T[k];
        double E0 = c->M[k] * pr->h(c->Tprev[k], pr->ud) + p->c_mass[k] * c->Tprev[k];
        b -= (E1 - E0) / c->dt;
    }
    return b;
}

static double conduction(const tctx *c, const double *T, int k)
{
    const tg_sim_plant *p = c->p;
    const tg_sim_props *pr = &p->props;
    if (!pr->k_eff) return 0;
    double q = 0;
    for (int qq = c->ip[k]; qq < c->ip[k + 1]; qq++) {
        int e = c->ie[qq];
        const tg_sim_i_hedge *h = &p->he[e];
        if (h->a == h->b) continue;
        int o = h->a == k ? h->b : h->a;
        double ke = pr->k_eff(0.5 * (T[k] + T[o]), pr->ud);
        if (ke <= 0 || pr->k_eff(T[k], pr->ud) <= 0 || pr->k_eff(T[o], pr->ud) <= 0) continue;
        q += ke * p->area[e] / p->length[e] * (T[o] - T[k]);
    }
    return q;
}

static double balance(const tctx *c, const double *T, int k, double *cond_out)
{
    const tg_sim_plant *p = c->p;
    double b = hp_balance_raw(c, T, k);
    double cd = conduction(c, T, k);
    if (cond_out) *cond_out = cd;
    b += cd;
    if (p->hside[k] == 1) {
        int hpk = p->hp[p->hnode_of[k]];
        if (c->held[hpk]) b += hp_balance_raw(c, T, hpk) + conduction(c, T, hpk);
    }
    if (c->capped[k]) b -= c->cap[k];
    return b;
}

/* One Newton solve of the free temperatures for a fixed active set. */
static tg_status newton(tctx *c, double *T, int *iters, double *resid, double scale, char *msg)
{
    const tg_sim_plant *p = c->p;
    const tg_sim_props *pr = &p->props;
    int nh = p->nh;
    tg_status s = TG_OK;
    double *R = tg_malloc((size_t)nh * sizeof *R);
    double *dT = tg_malloc((size_t)nh * sizeof *dT);
    tg_sim_i_trip J = {0};
    tg_sim_i_solver sv;
    memset(&sv, 0, sizeof sv);
    if (!R || !dT) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.thermal: out of memory"); goto out; }
    for (int k = 0; k < nh; k++)
        if (c->held[k]) T[k] = p->t_set[k];
        else if (c->pinned[k]) T[k] = p->t_design[k];
    for (int it = 0;; it++) {
        double nrm = 0;
        int worst = 0;
        for (int k = 0; k < nh; k++) {
            R[k] = c->held[k] || c->pinned[k] ? 0.0 : -balance(c, T, k, NULL);
            if (fabs(R[k]) > nrm) { nrm = fabs(R[k]); worst = k; }
        }
        *resid = nrm / scale;
        if (nrm <= 1e-13 * scale) { *iters += it; break; }
        if (it >= 50) {
            s = tg_msg(msg, TG_ERR_NUMERIC,
                       "sim.thermal: energy balance did not converge (residual %.3g W at '%s'%s)", nrm,
                       p->node_id[p->hnode_of[worst]], p->hside[worst] ? ", LP side" : "");
            goto out;
        }
        J.n = 0;
        for (int k = 0; k < nh; k++) {
            double d = 1.0;
            if (!c->held[k] && !c->pinned[k]) {
                d = c->out_m[k] * pr->cp(T[k], pr->ud);
                if (c->dt > 0) d += (c->M[k] * pr->cp(T[k], pr->ud) + p->c_mass[k]) / c->dt;
            }
            if (tg_sim_i_trip_add(&J, k, k, d)) goto nomem;
        }
        for (int64_t e = 0; e < p->ne; e++) {
            const tg_sim_i_hedge *h = &p->he[e];
            double f = c->flow[e];
            if (f == 0) continue;
            int up = f > 0 ? h->a : h->b, dn = f > 0 ? h->b : h->a;
            double g = -fabs(f) * pr->cp(T[up], pr->ud);
            if (!c->held[dn] && !c->pinned[dn] && tg_sim_i_trip_add(&J, dn, up, g)) goto nomem;
            /* an HP inflow of a held exchanger side also enters its LP balance */
            if (c->held[dn] && is_transfer(p, dn)) {
                int lpk = p->lp[p->hnode_of[dn]];
                if (!c->held[lpk] && !c->pinned[lpk] && tg_sim_i_trip_add(&J, lpk, up, g)) goto nomem;
            }
        }
        if (pr->k_eff)
            for (int64_t e = 0; e < p->ne; e++) {
                const tg_sim_i_hedge *h = &p->he[e];
                int a = h->a, b = h->b;
                if (pr->k_eff(T[a], pr->ud) <= 0 || pr->k_eff(T[b], pr->ud) <= 0) continue;
                double G = pr->k_eff(0.5 * (T[a] + T[b]), pr->ud) * p->area[e] / p->length[e];
                if (!c->held[a] && !c->pinned[a]) {
                    if (tg_sim_i_trip_add(&J, a, a, G) || tg_sim_i_trip_add(&J, a, b, -G)) goto nomem;
                }
                if (!c->held[b] && !c->pinned[b]) {
                    if (tg_sim_i_trip_add(&J, b, b, G) || tg_sim_i_trip_add(&J, b, a, -G)) goto nomem;
                }
            }
        memcpy(dT, R, (size_t)nh * sizeof *dT);
        s = tg_sim_i_solver_solve(&sv, 0, &J, nh, dT, "sim.thermal: energy Jacobian", msg);
        if (s != TG_OK) goto out;
        for (int k = 0; k < nh; k++) {
            /* keep temperatures inside the property model's range */
            double t = T[k] - dT[k];
            if (t < 0.5 * p->props.t_min) t = 0.5 * p->props.t_min;
            if (t > 2.0 * p->props.t_max) t = 2.0 * p->props.t_max;
            T[k] = t;
        }
    }
    goto out;
nomem:
    s = tg_msg(msg, TG_ERR_NOMEM, "sim.thermal: out of memory");
out:
    tg_sim_i_trip_free(&J);
    tg_sim_i_solver_free(&sv);
    tg_free(R);
    tg_free(dT);
    return s;
}

tg_status tg_sim_i_thermal(const tg_sim_plant *p, const double *flow, const double *Tprev, double dt,
                           const double *cap, const double *qload, double *T, double *duty, unsigned char *held,
                           int *iters, int *rounds, double *resid, char *msg)
{
    int nh = p->nh;
    tg_status s = TG_OK;
    double *M = NULL, *out_m = tg_calloc((size_t)nh, sizeof *out_m);
    unsigned char *capped = tg_calloc((size_t)nh, 1), *pinned = tg_calloc((size_t)nh, 1);
    double *in_m = tg_calloc((size_t)nh, sizeof *in_m);
    int *ip = NULL, *ie = NULL;
    *iters = 0;
    if (!out_m || !capped || !pinned || !in_m || holdup(p, &M) != TG_OK || incidence(p, &ip, &ie) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.thermal: out of memory");
        goto out;
    }
    double fmax_ = 0;
    for (int64_t e = 0; e < p->ne; e++) {
        double f = flow[e];
        if (f > 0) out_m[p->he[e].a] += f;
        else if (f < 0) out_m[p->he[e].b] -= f;
        if (fabs(f) > fmax_) fmax_ = fabs(f);
    }
    /* a pressure reference exchanges its mass imbalance with a reservoir at
     * its own temperature: what leaves it equals what enters it */
    for (int64_t e = 0; e < p->ne; e++) {
        double f = flow[e];
        int dn = f >= 0 ? p->he[e].b : p->he[e].a;
        in_m[dn] += fabs(f);
    }
    for (int k = 0; k < nh; k++)
        if (p->p_fixed[k] > 0) out_m[k] = in_m[k];
    double scale = fmax_ * p->props.h(300.0, p->props.ud);
    double qs = 0;
    for (int k = 0; k < nh; k++) qs += fabs(qload[k]);
    if (scale < qs) scale = qs;
    if (scale <= 0) scale = 1;
    for (int k = 0; k < nh; k++) {
        held[k] = p->t_set[k] > 0;
        /* flows below this are round-off of the hydraulic solve (kg/s) */
        double fzero = 1e-12 * fmax_ + 1e-13;
        /* in steady state a set point needs refrigerant flowing through
         * its node (a magnet behind a closed valve cannot stay cold) */
        if (dt <= 0 && held[k] && out_m[k] <= fzero && in_m[k] <= fzero && p->p_fixed[k] <= 0) held[k] = 0;
        if (dt <= 0 && !held[k] && out_m[k] <= fzero) {
            /* no flow through a free node in steady state: its temperature is
             * undefined; keep its design value, unless heat is deposited */
            int inflow = 0;
            for (int q = ip[k]; q < ip[k + 1]; q++) {
                int e = ie[q];
                if ((p->he[e].b == k && flow[e] > fzero) || (p->he[e].a == k && flow[e] < -fzero)) inflow = 1;
            }
            if (!inflow) {
                if (qload[k] != 0) {
                    s = tg_msg(msg, TG_ERR_ARG, "sim.steady: node '%s' has a heat load of %g W but no flow",
                               p->node_id[p->hnode_of[k]], qload[k]);
                    goto out;
                }
                pinned[k] = 1;
            }
        }
    }
    tctx c = {.p = p, .flow = flow, .Tprev = Tprev, .M = M, .qload = qload, .cap = cap, .dt = dt,
              .held = held, .capped = capped, .out_m = out_m, .pinned = pinned, .ip = ip, .ie = ie};
    int changed = 1, round = 0;
    while (changed && round < 30) {
        s = newton(&c, T, iters, resid, scale, msg);
        if (s != TG_OK) goto out;
        round++;
        changed = 0;
        if (dt <= 0 || !cap) break;
        for (int k = 0; k < nh; k++) {
            if (p->t_set[k] <= 0 || !isfinite(cap[k])) continue;
            if (held[k]) {
                double d = hp_balance_raw(&c, T, k) + conduction(&c, T, k);
                if (d > cap[k] * (1 + 1e-12) + 1e-12) {
                    held[k] = 0;
                    capped[k] = 1;
                    changed = 1;
                }
            } else if (T[k] < p->t_set[k]) {
                held[k] = 1;
                capped[k] = 0;
                changed = 1;
            }
        }
    }
    if (rounds) *rounds = round;
    if (changed) {
        s = tg_msg(msg, TG_ERR_NUMERIC,
                   "sim.transient: the set points' active set did not settle in 30 rounds (set points cycling "
                   "between held and capped)");
        goto out;
    }
    for (int k = 0; k < nh; k++) {
        if (held[k]) duty[k] = hp_balance_raw(&c, T, k) + conduction(&c, T, k);
        else if (capped[k]) duty[k] = cap[k];
        else duty[k] = 0;
    }
out:
    tg_free(ip);
    tg_free(ie);
    tg_free(M);
    tg_free(out_m);
    tg_free(capped);
    tg_free(pinned);
    tg_free(in_m);
    return s;
}

/* ---- steady state ------------------------------------------------------------ */

void tg_sim_state_free(tg_sim_state **sp)
{
    if (!sp || !*sp) return;
    tg_sim_state *s = *sp;
    tg_free(s->p);
    tg_free(s->p_lp);
    tg_free(s->T);
    tg_free(s->T_lp);
    tg_free(s->m);
    tg_free(s->duty);
    tg_free(s->flow);
    tg_free(s);
    *sp = NULL;
}

static tg_sim_state *state_alloc(int64_t nv, int64_t ne)
{
    tg_sim_state *s = tg_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->nodes = nv;
    s->edges = ne;
    s->p = tg_calloc((size_t)nv, sizeof(double));
    s->p_lp = tg_calloc((size_t)nv, sizeof(double));
    s->T = tg_calloc((size_t)nv, sizeof(double));
    s->T_lp = tg_calloc((size_t)nv, sizeof(double));
    s->m = tg_calloc((size_t)nv, sizeof(double));
    s->duty = tg_calloc((size_t)nv, sizeof(double));
    s->flow = tg_calloc((size_t)(ne ? ne : 1), sizeof(double));
    if (!s->p || !s->p_lp || !s->T || !s->T_lp || !s->m || !s->duty || !s->flow) tg_sim_state_free(&s);
    return s;
}

/* Relative residuals of mass and energy at every hydraulic node. */
static tg_status residuals(const tg_sim_plant *p, const double *flow, const double *T, const double *duty,
                           const unsigned char *held, double *mres, double *eres)
{
    int nh = p->nh;
    const tg_sim_props *pr = &p->props;
    double *net = tg_calloc((size_t)nh, sizeof *net), *thr = tg_calloc((size_t)nh, sizeof *thr);
    double *en = tg_calloc((size_t)nh, sizeof *en), *es = tg_calloc((size_t)nh, sizeof *es);
    if (!net || !thr || !en || !es) {
        tg_free(net);
        tg_free(thr);
        tg_free(en);
        tg_free(es);
        return TG_ERR_NOMEM;
    }
    for (int64_t e = 0; e < p->ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        double f = flow[e];
        int up = f >= 0 ? h->a : h->b, dn = f >= 0 ? h->b : h->a;
        double hf = fabs(f) * pr->h(T[up], pr->ud);
        net[h->b] += f;
        net[h->a] -= f;
        thr[dn] += fabs(f);     /* throughput = inflow (counting both ends would halve the residual) */
        en[dn] += hf;
        en[up] -= hf;
        es[dn] += fabs(hf);
        es[up] += fabs(hf);
        if (pr->k_eff && h->a != h->b && pr->k_eff(T[h->a], pr->ud) > 0 && pr->k_eff(T[h->b], pr->ud) > 0) {
            double G = pr->k_eff(0.5 * (T[h->a] + T[h->b]), pr->ud) * p->area[e] / p->length[e];
            en[h->a] += G * (T[h->b] - T[h->a]);
            en[h->b] += G * (T[h->a] - T[h->b]);
        }
    }
    double mmax = 0, mscale = 0, emax = 0, escale = 0;
    for (int k = 0; k < nh; k++) {
        double r = en[k] + p->q_load[k];
        if (p->p_fixed[k] > 0) r -= net[k] * pr->h(T[k], pr->ud);   /* reservoir exchange */
        if (held[k]) r -= duty[k];
        if (p->hside[k] == 1) {
            int hk = p->hp[p->hnode_of[k]];
            if (held[hk]) r += duty[hk];
        }
        if (p->p_fixed[k] <= 0 && fabs(net[k]) > mmax) mmax = fabs(net[k]);   /* references exchange with their reservoir */
        if (thr[k] > mscale) mscale = thr[k];
        if (fabs(r) > emax) emax = fabs(r);
        if (es[k] + fabs(p->q_load[k]) > escale) escale = es[k] + fabs(p->q_load[k]);
    }
    *mres = mscale > 0 ? mmax / mscale : mmax;
    *eres = escale > 0 ? emax / escale : emax;
    tg_free(net);
    tg_free(thr);
    tg_free(en);
    tg_free(es);
    return TG_OK;
}

tg_status tg_sim_steady(const tg_sim_plant *p, const tg_sim_steady_opts *opts, tg_sim_state **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "sim.steady: out is NULL");
    *out = NULL;
    if (!p) return tg_msg(msg, TG_ERR_ARG, "sim.steady: plant is NULL");
    int max_iter = opts && opts->max_iter > 0 ? opts->max_iter : 50;
    double tol = opts && opts->tol > 0 ? opts->tol : 1e-12;
    double t0 = tg_now();
    int nh = p->nh;
    tg_status s = TG_OK;
    tg_sim_state *st = state_alloc(p->nv, p->ne);
    double *pres = tg_malloc((size_t)nh * sizeof *pres), *T = tg_malloc((size_t)nh * sizeof *T);
    double *duty = tg_calloc((size_t)nh, sizeof *duty);
    unsigned char *held = tg_calloc((size_t)nh, 1);
    if (!st || !pres || !T || !duty || !held) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.steady: out of memory"); goto out; }
    const char *solver = "";
    s = tg_sim_i_hydraulics(p, NULL, max_iter, tol, pres, st->flow, &st->iter_hydraulic, &st->stagnant, &solver,
                            msg);
    if (s != TG_OK) goto out;
    for (int k = 0; k < nh; k++) T[k] = p->t_set[k] > 0 ? p->t_set[k] : p->t_design[k];
    double eres;
    s = tg_sim_i_thermal(p, st->flow, NULL, 0.0, NULL, p->q_load, T, duty, held, &st->iter_thermal, NULL, &eres,
                         msg);
    if (s != TG_OK) goto out;
    /* the Newton updates clamp temperatures near the property range: a
     * solution there is outside the model's validity */
    for (int k = 0; k < nh; k++)
        if (T[k] < p->props.t_min * (1 - 1e-9) || T[k] > p->props.t_max * (1 + 1e-9)) {
            s = tg_msg(msg, TG_ERR_NUMERIC,
                       "sim.steady: node '%s'%s: temperature %g K outside the property model's range %g-%g K",
                       p->node_id[p->hnode_of[k]], p->hside[k] ? " (LP side)" : "", T[k], p->props.t_min,
                       p->props.t_max);
            goto out;
        }
    st->solver = solver;
    st->iterations = st->iter_hydraulic + st->iter_thermal;
    if (residuals(p, st->flow, T, duty, held, &st->mass_residual, &st->energy_residual) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.steady: out of memory");
        goto out;
    }
    /* converged: the documented balance criterion, not just "no error" */
    {
        double ctol = fmax(1e-9, tol);
        st->converged = st->mass_residual <= ctol && st->energy_residual <= ctol;
    }
    for (int64_t v = 0; v < p->nv; v++) {
        st->p[v] = pres[p->hp[v]];
        st->p_lp[v] = pres[p->lp[v]];
        st->T[v] = T[p->hp[v]];
        st->T_lp[v] = T[p->lp[v]];
        st->duty[v] = duty[p->hp[v]];
    }
    for (int64_t e = 0; e < p->ne; e++) {
        double f = st->flow[e];
        int64_t v = f >= 0 ? p->hnode_of[p->he[e].b] : p->hnode_of[p->he[e].a];
        st->m[v] += fabs(f);
    }
    st->seconds = tg_now() - t0;
    *out = st;
    st = NULL;
out:
    tg_sim_state_free(&st);
    tg_free(pres);
    tg_free(T);
    tg_free(duty);
    tg_free(held);
    return s;
}

/* ---- transients -------------------------------------------------------------- */

void tg_sim_series_free(tg_sim_series **sp)
{
    if (!sp || !*sp) return;
    tg_free((*sp)->times);
    tg_free((*sp)->T);
    tg_free((*sp)->m);
    tg_free(*sp);
    *sp = NULL;
}

double tg_sim_series_crossing(const tg_sim_series *s, int64_t v, double thr)
{
    if (!s || v < 0 || v >= s->nodes || s->steps < 1) return NAN;
    const double *T = s->T;
    /* "above" by more than round-off: a node held at the threshold itself
     * (a separator at 4.5 K) does not cross it */
    double lim = thr + 1e-9 * fabs(thr);
    if (T[v] > lim) return 0.0;
    for (int64_t k = 1; k < s->steps; k++) {
        double a = T[(k - 1) * s->nodes + v], b = T[k * s->nodes + v];
        if (b > lim) {
            double w = (thr - a) / (b - a);
            return s->times[k - 1] + w * (s->times[k] - s->times[k - 1]);
        }
    }
    return NAN;
}

/* Throughput (inflow, kg/s) of every hydraulic node for the edge flows. */
static void throughput(const tg_sim_plant *p, const double *flow, double *m)
{
    for (int k = 0; k < p->nh; k++) m[k] = 0;
    for (int64_t e = 0; e < p->ne; e++) m[flow[e] >= 0 ? p->he[e].b : p->he[e].a] += fabs(flow[e]);
}

static int cmp_events(const void *x, const void *y)
{
    const tg_sim_event *a = x, *b = y;
    return (a->t > b->t) - (a->t < b->t);
}

tg_status tg_sim_transient(const tg_sim_plant *p0, const tg_sim_state *s0, const tg_sim_event *events, int nev,
                           const tg_sim_transient_opts *opts, tg_sim_series **out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "sim.transient: out is NULL");
    *out = NULL;
    if (!p0 || !s0 || !opts || (nev > 0 && !events))
        return tg_msg(msg, TG_ERR_ARG, "sim.transient: NULL plant, state, options or events");
    if (s0->nodes != p0->nv || s0->edges != p0->ne)
        return tg_msg(msg, TG_ERR_ARG, "sim.transient: the state does not belong to this plant");
    if (!(opts->dt > 0) || !(opts->t_end > 0) || !isfinite(opts->t_end) || opts->t_end / opts->dt > 1e7)
        return tg_msg(msg, TG_ERR_ARG, "sim.transient: need 0 < dt, 0 < t_end, at most 1e7 steps");
    if (nev < 0) return tg_msg(msg, TG_ERR_ARG, "sim.transient: negative event count");
    for (int k = 0; k < nev; k++) {
        if (events[k].node < 0 || events[k].node >= p0->nv || !isfinite(events[k].t) || !isfinite(events[k].value))
            return tg_msg(msg, TG_ERR_ARG, "sim.transient: event %d: bad node, time or value", k);
        if ((int)events[k].kind < 0 || events[k].kind > TG_SIM_EV_LOSS)
            return tg_msg(msg, TG_ERR_ARG, "sim.transient: event %d: unknown kind", k);
        if (events[k].kind == TG_SIM_EV_VALVE && (events[k].value < 0 || events[k].value > 1))
            return tg_msg(msg, TG_ERR_ARG, "sim.transient: event %d on '%s': opening must be in [0, 1]", k,
                          p0->node_id[events[k].node]);
    }
    int nh = p0->nh;
    int64_t nv = p0->nv, ne = p0->ne;
    int every = opts->record_every > 0 ? opts->record_every : 1;
    int64_t nsteps = (int64_t)ceil(opts->t_end / opts->dt - 1e-9);
    int64_t nrec = nsteps / every + 2;
    tg_status s = TG_OK;
    tg_sim_plant pl = *p0;     /* shallow copy; the mutable arrays are replaced below (ids etc. borrowed) */
    pl.he = NULL;
    pl.opening = NULL;
    pl.q_load = NULL;
    pl.t_set = NULL;
    tg_sim_series *ser = tg_calloc(1, sizeof *ser);
    tg_sim_event *ev = tg_malloc((size_t)(nev ? nev : 1) * sizeof *ev);
    double *pres = tg_malloc((size_t)nh * sizeof *pres), *T = tg_malloc((size_t)nh * sizeof *T);
    double *Tn = tg_malloc((size_t)nh * sizeof *Tn), *duty = tg_calloc((size_t)nh, sizeof *duty);
    double *cap = tg_malloc((size_t)nh * sizeof *cap), *dss = tg_calloc((size_t)nh, sizeof *dss);
    double *mss = tg_calloc((size_t)nh, sizeof *mss), *mnow = tg_calloc((size_t)nh, sizeof *mnow);
    double *flow = tg_malloc((size_t)(ne ? ne : 1) * sizeof *flow), *M = NULL;
    unsigned char *held = tg_calloc((size_t)nh, 1);
    pl.he = tg_malloc((size_t)(ne ? ne : 1) * sizeof *pl.he);
    pl.opening = tg_malloc((size_t)nv * sizeof *pl.opening);
    pl.q_load = tg_malloc((size_t)nh * sizeof *pl.q_load);
    pl.t_set = tg_malloc((size_t)nh * sizeof *pl.t_set);
    if (ser) {
        ser->times = tg_malloc((size_t)nrec * sizeof(double));
        ser->T = tg_malloc((size_t)(nrec * nv) * sizeof(double));
        ser->m = tg_malloc((size_t)(nrec * nv) * sizeof(double));
    }
    if (!ser || !ser->times || !ser->T || !ser->m || !ev || !pres || !T || !Tn || !duty || !cap || !dss || !mss ||
        !mnow || !flow || !held || !pl.he || !pl.opening || !pl.q_load || !pl.t_set || holdup(p0, &M) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.transient: out of memory");
        goto out;
    }
    ser->nodes = nv;
    memcpy(pl.he, p0->he, (size_t)ne * sizeof *pl.he);
    memcpy(pl.opening, p0->opening, (size_t)nv * sizeof *pl.opening);
    memcpy(pl.q_load, p0->q_load, (size_t)nh * sizeof *pl.q_load);
    memcpy(pl.t_set, p0->t_set, (size_t)nh * sizeof *pl.t_set);
    if (nev) memcpy(ev, events, (size_t)nev * sizeof *ev);
    qsort(ev, (size_t)nev, sizeof *ev, cmp_events);
    for (int64_t v = 0; v < nv; v++) {
        T[p0->hp[v]] = s0->T[v];
        T[p0->lp[v]] = s0->T_lp[v];
        pres[p0->hp[v]] = s0->p[v];
        pres[p0->lp[v]] = s0->p_lp[v];
        dss[p0->hp[v]] = s0->duty[v];
    }
    memcpy(flow, s0->flow, (size_t)ne * sizeof *flow);
    throughput(&pl, flow, mss);
    int next = 0;
    double t = 0;
    int64_t rec = 0;
    ser->times[0] = 0;
    for (int64_t v = 0; v < nv; v++) {
        ser->T[v] = T[p0->hp[v]];
        ser->m[v] = s0->m[v];
    }
    rec = 1;
    for (int64_t step = 1; step <= nsteps; step++) {
        int changed = 0;
        while (next < nev && ev[next].t <= t + 1e-9 * opts->dt) {
            const tg_sim_event *E = &ev[next++];
            int64_t v = E->node;
            switch (E->kind) {
            case TG_SIM_EV_TRIP: pl.opening[v] = 0; break;
            case TG_SIM_EV_VALVE: pl.opening[v] = E->value; break;
            case TG_SIM_EV_HEAT: pl.q_load[p0->hp[v]] = E->value; break;
            case TG_SIM_EV_LOSS:
                /* the node stops and loses its set point, whatever its type:
                 * an exchanger no longer transfers heat, a compressor's
                 * cooler no longer cools */
                pl.opening[v] = 0;
                pl.t_set[p0->hp[v]] = pl.t_set[p0->lp[v]] = 0;
                break;
            }
            changed = 1;
        }
        if (changed) {
            int it;
            int64_t stag;
            const char *solver;
            tg_sim_i_plant_refresh(&pl);
            s = tg_sim_i_hydraulics(&pl, pres, 100, 1e-12, pres, flow, &it, &stag, &solver, msg);
            if (s != TG_OK) goto out;
        }
        throughput(&pl, flow, mnow);
        for (int k = 0; k < nh; k++) {
            cap[k] = INFINITY;
            /* lost nodes have no set point left (pl.t_set = 0): no duty */
            if (pl.t_set[k] <= 0 || is_transfer(p0, k)) continue;
            /* exchangers are ideal; after-coolers and intercoolers of the
             * (cold) compressors reject heat to utilities without limit */
            int ty = p0->type[p0->hnode_of[k]];
            if (ty == T_HX || ty == T_COMPRESSOR || ty == T_COLD_COMPRESSOR) continue;
            if (dss[k] > 0) cap[k] = mss[k] > 0 ? dss[k] * mnow[k] / mss[k] : 0;
        }
        double dt = fmin(opts->dt, opts->t_end - t);
        if (dt <= 0) break;
        memcpy(Tn, T, (size_t)nh * sizeof *T);
        int iters, rounds = 0;
        double resid;
        s = tg_sim_i_thermal(&pl, flow, Tn, dt, cap, pl.q_load, T, duty, held, &iters, &rounds, &resid, msg);
        if (s != TG_OK) goto out;
        if (rounds > ser->max_active_set_iter) ser->max_active_set_iter = rounds;
        /* global energy check: storage change = loads - removed duties */
        double dE = 0, net = 0, sc = 0;
        for (int k = 0; k < nh; k++) {
            double e1 = M[k] * p0->props.h(T[k], p0->props.ud) + p0->c_mass[k] * T[k];
            double e0 = M[k] * p0->props.h(Tn[k], p0->props.ud) + p0->c_mass[k] * Tn[k];
            dE += (e1 - e0) / dt;
            sc += fabs(e1 - e0) / dt;
            net += pl.q_load[k];
            sc += fabs(pl.q_load[k]);
            if ((held[k] || isfinite(cap[k])) && !is_transfer(p0, k)) {
                net -= duty[k];
                sc += fabs(duty[k]);
            }
        }
        /* pressure references exchange mass with their reservoirs at their
         * own temperature (open networks) */
        for (int64_t e = 0; e < ne; e++) {
            double f = flow[e];
            int a = pl.he[e].a, b = pl.he[e].b;
            if (p0->p_fixed[b] > 0) {
                net -= f * p0->props.h(T[b], p0->props.ud);
                sc += fabs(f * p0->props.h(T[b], p0->props.ud));
            }
            if (p0->p_fixed[a] > 0) {
                net += f * p0->props.h(T[a], p0->props.ud);
                sc += fabs(f * p0->props.h(T[a], p0->props.ud));
            }
        }
        double err = sc > 0 ? fabs(dE - net) / sc : 0;
        if (err > ser->max_energy_error) ser->max_energy_error = err;
        t += dt;
        if (step % every == 0 || step == nsteps) {
            ser->times[rec] = t;
            for (int64_t v = 0; v < nv; v++) {
                ser->T[rec * nv + v] = T[p0->hp[v]];
                ser->m[rec * nv + v] = mnow[p0->hp[v]] + (p0->lp[v] != p0->hp[v] ? mnow[p0->lp[v]] : 0);
            }
            rec++;
        }
    }
    ser->steps = rec;
    *out = ser;
    ser = NULL;
out:
    tg_sim_series_free(&ser);
    tg_free(ev);
    tg_free(pres);
    tg_free(T);
    tg_free(Tn);
    tg_free(duty);
    tg_free(cap);
    tg_free(dss);
    tg_free(mss);
    tg_free(mnow);
    tg_free(flow);
    tg_free(M);
    tg_free(held);
    tg_free(pl.he);
    tg_free(pl.opening);
    tg_free(pl.q_load);
    tg_free(pl.t_set);
    return s;
}
