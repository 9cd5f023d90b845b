/* plant.c: the cryogenic plant model and its pressure-flow network.
 *
 * A plant graph (models/lhc_sector.graphml schema, docs/sim.md) becomes a
 * hydraulic network.  Heat exchangers and cold boxes crossed by both
 * streams are split into an HP node (edges of kind supply/shield) and an LP
 * node (kind return), so that the 19 bar and 1 bar streams never mix.
 * Each graph edge is one hydraulic element:
 *   - a pipe (Darcy-Weisbach, friction factor 0.02, isothermal compressible
 *     flow at the upstream design state) in series with the component at
 *     its downstream end (valve, JT valve or turbine: kv * opening);
 *   - a machine when it enters a compressor or cold compressor: positive
 *     displacement, m = on * m_nom * p_in / p_in,design;
 *   - a flow controller when it enters a node with flow_set > 0.
 * With pi = p^2 (bar^2) as unknowns the passive law is
 *     m = d / sqrt(R |d| + (R m_l)^2),  d = pi_from - pi_to,
 * quadratic (turbulent) above the laminar transition flow m_l and linear
 * below, smooth and strictly increasing: the Jacobian of the nodal mass
 * balances is a weighted Laplacian (SPD after removing the pressure
 * references, CHOLMOD) unless machines make a balance depend on an
 * upstream pressure (then KLU). */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static int type_code(const char *t)
{
    static const struct { const char *name; int code; } map[] = {
        {"compressor", T_COMPRESSOR}, {"cold_compressor", T_COLD_COMPRESSOR}, {"valve", T_VALVE},
        {"jt_valve", T_JT}, {"turbine", T_TURBINE}, {"heat_exchanger", T_HX},
        {"cold_box", T_COLD_BOX}, {"magnet_string", T_MAGNET}, {"phase_separator", T_SEPARATOR},
        {"thermal_shield", T_SHIELD},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(t, map[k].name) == 0) return map[k].code;
    return T_OTHER;
}

static const double FRICTION = 0.02;     /* Darcy friction factor, turbulent, smooth-ish pipes */
static const double MU = 1.0e-5;         /* Pa s, viscosity for the laminar transition flow */
static const double RE_LAM = 2300.0;

static void free_strs(char **v, int64_t n)
{
    if (!v) return;
    for (int64_t k = 0; k < n; k++) tg_free(v[k]);
    tg_free(v);
}

void tg_sim_plant_free(tg_sim_plant **pp)
{
    if (!pp || !*pp) return;
    tg_sim_plant *p = *pp;
    tg_strmap_free(&p->ids);
    free_strs(p->node_id, p->nv);
    free_strs(p->edge_id, p->ne);
    free_strs(p->node_type, p->nv);
    tg_free(p->type);
    tg_free(p->hp);
    tg_free(p->lp);
    tg_free(p->hnode_of);
    tg_free(p->hside);
    tg_free(p->p_fixed);
    tg_free(p->t_set);
    tg_free(p->q_load);
    tg_free(p->t_design);
    tg_free(p->p_design);
    tg_free(p->he_mass);
    tg_free(p->c_mass);
    tg_free(p->opening);
    tg_free(p->kv);
    tg_free(p->he);
    tg_free(p->area);
    tg_free(p->length);
    tg_free(p->flow_set);
    tg_free(p->m_nom);
    tg_free(p);
    *pp = NULL;
}

int64_t tg_sim_plant_nodes(const tg_sim_plant *p) { return p->nv; }
int64_t tg_sim_plant_edges(const tg_sim_plant *p) { return p->ne; }
const char *tg_sim_plant_node_id(const tg_sim_plant *p, int64_t v)
{
    return v >= 0 && v < p->nv ? p->node_id[v] : NULL;
}
const char *tg_sim_plant_edge_id(const tg_sim_plant *p, int64_t e)
{
    return e >= 0 && e < p->ne ? p->edge_id[e] : NULL;
}
const char *tg_sim_plant_node_type(const tg_sim_plant *p, int64_t v)
{
    return v >= 0 && v < p->nv ? p->node_type[v] : NULL;
}
int64_t tg_sim_plant_node_index(const tg_sim_plant *p, const char *id)
{
    if (!id) return -1;
    return tg_strmap_get(p->ids, id);
}

/* Coefficients of every edge from the current openings. */
void tg_sim_i_plant_refresh(tg_sim_plant *p)
{
    for (int64_t e = 0; e < p->ne; e++) {
        tg_sim_i_hedge *h = &p->he[e];
        int v = h->machine;     /* graph node at the downstream end */
        if (h->kind == EL_PIPE) {
            double op = 1.0;
            if (v >= 0 && p->kv[v] > 0) op = p->opening[v];
            h->open2 = op * op;
        } else {
            h->open2 = p->opening[v];
        }
    }
}

tg_status tg_sim_plant_set_opening(tg_sim_plant *p, int64_t v, double opening, char *msg)
{
    tg_msg_clear(msg);
    if (!p || v < 0 || v >= p->nv) return tg_msg(msg, TG_ERR_ARG, "sim.set_opening: bad node index");
    if (!isfinite(opening) || opening < 0 || opening > 1)
        return tg_msg(msg, TG_ERR_ARG, "sim.set_opening: node '%s': opening must be in [0, 1] (got %g)",
                      p->node_id[v], opening);
    p->opening[v] = opening;
    tg_sim_i_plant_refresh(p);
    return TG_OK;
}

tg_status tg_sim_plant_set_heat_load(tg_sim_plant *p, int64_t v, double watts, char *msg)
{
    tg_msg_clear(msg);
    if (!p || v < 0 || v >= p->nv) return tg_msg(msg, TG_ERR_ARG, "sim.set_heat_load: bad node index");
    if (!isfinite(watts))
        return tg_msg(msg, TG_ERR_ARG, "sim.set_heat_load: node '%s': heat load is not finite", p->node_id[v]);
    p->q_load[p->hp[v]] = watts;
    return TG_OK;
}

/* Read a numeric node/edge attribute column into out (default def when
 * the attribute is absent). */
static tg_status column(const tg_graph *g, tg_elem el, const char *name, double def, double *out, int64_t n,
                        char *msg)
{
    if (tg_graph_attr_find(g, el, name) < 0) {
        for (int64_t k = 0; k < n; k++) out[k] = def;
        return TG_OK;
    }
    tg_status s = tg_graph_attr_numeric(g, el, name, false, out, msg);
    if (s != TG_OK) return s;
    for (int64_t k = 0; k < n; k++) {
        if (isnan(out[k])) {
            /* a missing value in a present column reads as NaN: use the default */
            out[k] = def;
        }
    }
    return TG_OK;
}

#define NCOL_N 13
#define NCOL_E 2

tg_status tg_sim_plant_new(tg_sim_plant **out, const tg_graph *g, const tg_sim_props *props, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "sim.plant_new: out is NULL");
    *out = NULL;
    if (!g) return tg_msg(msg, TG_ERR_ARG, "sim.plant_new: graph is NULL");
    if (!tg_graph_is_directed(g))
        return tg_msg(msg, TG_ERR_ARG, "sim.plant_new: the plant graph must be directed (nominal flow direction)");
    int64_t nv = tg_graph_node_count(g), ne = tg_graph_edge_count(g);
    if (nv < 1) return tg_msg(msg, TG_ERR_ARG, "sim.plant_new: the plant has no node");
    if (nv > 100000000 || ne > 100000000) return tg_msg(msg, TG_ERR_LIMIT, "sim.plant_new: plant too large");
    static const char *const ncols[NCOL_N] = {"p_fixed", "kv", "opening", "m_nom", "flow_set", "t_set",
                                              "heat_load", "he_mass", "heat_capacity", "pressure",
                                              "temperature", "pressure_lp", "temperature_lp"};
    static const double ndef[NCOL_N] = {0, 0, 1, 0, 0, 0, 0, 0, 0, NAN, NAN, 0, 0};
    static const char *const ecols[NCOL_E] = {"length", "diameter"};
    double *nc[NCOL_N] = {0}, *ec[NCOL_E] = {0};
    int *par = NULL;
    tg_status s = TG_OK;
    tg_sim_plant *p = tg_calloc(1, sizeof *p);
    if (!p) return tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory");
    p->props = props ? *props : *tg_sim_helium_simple();
    p->nv = nv;
    p->ne = ne;
    for (int k = 0; k < NCOL_N; k++) {
        nc[k] = tg_malloc((size_t)nv * sizeof(double));
        if (!nc[k]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
        s = column(g, TG_NODES, ncols[k], ndef[k], nc[k], nv, msg);
        if (s != TG_OK) goto fail;
    }
    for (int k = 0; k < NCOL_E; k++) {
        if (tg_graph_attr_find(g, TG_EDGES, ecols[k]) < 0) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: edges need the attribute '%s'", ecols[k]);
            goto fail;
        }
        ec[k] = tg_malloc((size_t)(ne ? ne : 1) * sizeof(double));
        if (!ec[k]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
        s = column(g, TG_EDGES, ecols[k], NAN, ec[k], ne, msg);
        if (s != TG_OK) goto fail;
    }
    double *pfix = nc[0], *kv = nc[1], *open = nc[2], *mnom = nc[3], *fset = nc[4], *tset = nc[5];
    double *qload = nc[6], *hem = nc[7], *hcap = nc[8], *pdes = nc[9], *tdes = nc[10];
    double *plp = nc[11], *tlp = nc[12];
    double *len = ec[0], *dia = ec[1];
    int kind_col = tg_graph_attr_find(g, TG_EDGES, "kind");
    const char *const *kinds = kind_col >= 0 && tg_graph_attr_type(g, TG_EDGES, kind_col) == TG_STRING
                                   ? tg_graph_attr_strings(g, TG_EDGES, kind_col)
                                   : NULL;

    p->node_id = tg_calloc((size_t)nv, sizeof *p->node_id);
    p->node_type = tg_calloc((size_t)nv, sizeof *p->node_type);
    p->edge_id = tg_calloc((size_t)(ne ? ne : 1), sizeof *p->edge_id);
    p->type = tg_calloc((size_t)nv, sizeof *p->type);
    p->hp = tg_malloc((size_t)nv * sizeof *p->hp);
    p->lp = tg_malloc((size_t)nv * sizeof *p->lp);
    p->opening = tg_malloc((size_t)nv * sizeof *p->opening);
    p->kv = tg_malloc((size_t)nv * sizeof *p->kv);
    p->flow_set = tg_malloc((size_t)nv * sizeof *p->flow_set);
    p->m_nom = tg_malloc((size_t)nv * sizeof *p->m_nom);
    p->he = tg_calloc((size_t)(ne ? ne : 1), sizeof *p->he);
    p->area = tg_malloc((size_t)(ne ? ne : 1) * sizeof *p->area);
    p->length = tg_malloc((size_t)(ne ? ne : 1) * sizeof *p->length);
    if (!p->node_id || !p->node_type || !p->edge_id || !p->type || !p->hp || !p->lp || !p->opening || !p->kv ||
        !p->flow_set || !p->m_nom || !p->he || !p->area || !p->length) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory");
        goto fail;
    }
    if (tg_strmap_new(&p->ids, (size_t)nv) != TG_OK) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
    for (int64_t v = 0; v < nv; v++) {
        p->node_id[v] = tg_strdup(tg_graph_node_id(g, v));
        p->node_type[v] = tg_strdup(tg_graph_node_type(g, v));
        if (!p->node_id[v] || !p->node_type[v]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
        p->type[v] = type_code(p->node_type[v]);
        int64_t old;
        tg_status ps = tg_strmap_put(p->ids, p->node_id[v], v, &old);
        if (ps == TG_ERR_NOMEM) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
    }
    for (int64_t e = 0; e < ne; e++) {
        const char *eid = tg_graph_edge_id(g, e);
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        char buf[600];
        if (!eid) {
            snprintf(buf, sizeof buf, "%.250s-%.250s", p->node_id[a], p->node_id[b]);
            eid = buf;
        }
        p->edge_id[e] = tg_strdup(eid);
        if (!p->edge_id[e]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
    }
    /* ---- validation, with ids in the messages */
    for (int64_t v = 0; v < nv; v++) {
        const char *id = p->node_id[v];
        double vals[NCOL_N];
        for (int k = 0; k < NCOL_N; k++) vals[k] = nc[k][v];
        if (isnan(pdes[v]) || isnan(tdes[v])) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': missing 'pressure' or 'temperature'", id);
            goto fail;
        }
        for (int k = 0; k < NCOL_N; k++)
            if (!isfinite(vals[k])) {
                s = tg_msg(msg, TG_ERR_NUMERIC, "sim.plant_new: node '%s': %s is not a finite number", id, ncols[k]);
                goto fail;
            }
        for (int k = 0; k < NCOL_N; k++)
            if (k != 6 && vals[k] < 0) {
                s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': %s must be >= 0 (got %g)", id, ncols[k], vals[k]);
                goto fail;
            }
        if (pdes[v] <= 0 || tdes[v] <= 0) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': design pressure and temperature must be > 0", id);
            goto fail;
        }
        if (open[v] > 1) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': opening must be in [0, 1] (got %g)", id, open[v]);
            goto fail;
        }
        int t = p->type[v];
        if ((t == T_VALVE || t == T_JT || t == T_TURBINE) && kv[v] <= 0) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s' (%s): needs kv > 0", id, p->node_type[v]);
            goto fail;
        }
        if ((t == T_COMPRESSOR || t == T_COLD_COMPRESSOR) && mnom[v] <= 0) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s' (%s): needs m_nom > 0", id, p->node_type[v]);
            goto fail;
        }
        if (tset[v] > 0 && (tset[v] < p->props.t_min || tset[v] > p->props.t_max)) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': t_set %g K outside the property model's range %g-%g K",
                       id, tset[v], p->props.t_min, p->props.t_max);
            goto fail;
        }
        /* design temperatures feed the densities and the starting point:
         * outside the property model they would be clamped silently. */
        if (tlp[v] > 0 && (tlp[v] < p->props.t_min || tlp[v] > p->props.t_max)) {
            s = tg_msg(msg, TG_ERR_ARG,
                       "sim.plant_new: node '%s': temperature_lp %g K outside the property model's range %g-%g K",
                       id, tlp[v], p->props.t_min, p->props.t_max);
            goto fail;
        }
        if (tdes[v] < p->props.t_min || tdes[v] > p->props.t_max) {
            s = tg_msg(msg, TG_ERR_ARG,
                       "sim.plant_new: node '%s': design temperature %g K outside the property model's range %g-%g K",
                       id, tdes[v], p->props.t_min, p->props.t_max);
            goto fail;
        }
        if (pdes[v] * TG_SIM_BAR > p->props.p_max) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s': pressure %g bar above the property model's range", id,
                       pdes[v]);
            goto fail;
        }
        p->opening[v] = open[v];
        p->kv[v] = kv[v];
        p->flow_set[v] = fset[v];
        p->m_nom[v] = mnom[v];
    }
    for (int64_t e = 0; e < ne; e++) {
        const char *id = p->edge_id[e];
        if (isnan(len[e]) || isnan(dia[e])) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: edge '%s': missing length or diameter", id);
            goto fail;
        }
        if (!isfinite(len[e]) || !isfinite(dia[e]) || len[e] <= 0 || dia[e] <= 0) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: edge '%s': length and diameter must be positive (got %g, %g)", id,
                       len[e], dia[e]);
            goto fail;
        }
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        if (a == b) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: edge '%s' is a self-loop", id);
            goto fail;
        }
    }
    /* ---- split exchangers crossed by both streams */
    unsigned char *has_ret = tg_calloc((size_t)nv, 1), *has_sup = tg_calloc((size_t)nv, 1);
    if (!has_ret || !has_sup) {
        tg_free(has_ret);
        tg_free(has_sup);
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory");
        goto fail;
    }
    for (int64_t e = 0; e < ne; e++) {
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        int ret = kinds && kinds[e] && strcmp(kinds[e], "return") == 0;
        if (ret) has_ret[a] = has_ret[b] = 1;
        else has_sup[a] = has_sup[b] = 1;
    }
    int nh = 0;
    for (int64_t v = 0; v < nv; v++) {
        p->hp[v] = nh++;
        int split = (p->type[v] == T_HX || p->type[v] == T_COLD_BOX) && has_ret[v] && has_sup[v];
        p->lp[v] = split ? nh++ : p->hp[v];
    }
    tg_free(has_ret);
    tg_free(has_sup);
    p->nh = nh;
    p->hnode_of = tg_malloc((size_t)nh * sizeof *p->hnode_of);
    p->hside = tg_malloc((size_t)nh * sizeof *p->hside);
    p->p_fixed = tg_calloc((size_t)nh, sizeof *p->p_fixed);
    p->t_set = tg_calloc((size_t)nh, sizeof *p->t_set);
    p->q_load = tg_calloc((size_t)nh, sizeof *p->q_load);
    p->t_design = tg_malloc((size_t)nh * sizeof *p->t_design);
    p->p_design = tg_malloc((size_t)nh * sizeof *p->p_design);
    p->he_mass = tg_calloc((size_t)nh, sizeof *p->he_mass);
    p->c_mass = tg_calloc((size_t)nh, sizeof *p->c_mass);
    if (!p->hnode_of || !p->hside || !p->p_fixed || !p->t_set || !p->q_load || !p->t_design || !p->p_design ||
        !p->he_mass || !p->c_mass) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory");
        goto fail;
    }
    for (int64_t v = 0; v < nv; v++) {
        int h = p->hp[v], l = p->lp[v];
        p->hnode_of[h] = (int)v;
        p->hside[h] = 0;
        p->p_fixed[h] = pfix[v];
        p->t_set[h] = tset[v];
        p->q_load[h] = qload[v];
        p->t_design[h] = tdes[v];
        p->p_design[h] = pdes[v];
        p->he_mass[h] = hem[v];
        p->c_mass[h] = hcap[v];
        if (l != h) {
            p->hnode_of[l] = (int)v;
            p->hside[l] = 1;
            p->t_design[l] = tlp[v] > 0 ? tlp[v] : tdes[v];
            p->p_design[l] = plp[v] > 0 ? plp[v] : pdes[v];
        }
    }
    /* ---- elements */
    for (int64_t e = 0; e < ne; e++) {
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        int ret = kinds && kinds[e] && strcmp(kinds[e], "return") == 0;
        tg_sim_i_hedge *h = &p->he[e];
        h->a = ret ? p->lp[a] : p->hp[a];
        h->b = ret ? p->lp[b] : p->hp[b];
        h->machine = (int)b;
        double A = M_PI * 0.25 * dia[e] * dia[e];
        p->area[e] = A;
        p->length[e] = len[e];
        h->volume = A * len[e];
        double pin = p->p_design[h->a], tin = p->t_design[h->a];
        double rho = p->props.rho(pin * TG_SIM_BAR, tin, p->props.ud);
        int tb = p->type[b];
        if (tb == T_COMPRESSOR || tb == T_COLD_COMPRESSOR) {
            h->kind = EL_MACHINE;
            h->m_nom = mnom[b];
            h->p_nom = pin;
        } else if (fset[b] > 0) {
            h->kind = EL_FLOWSET;
            h->m_nom = fset[b];
        } else {
            h->kind = EL_PIPE;
            /* pi_in - pi_out = p_ref f L m^2 / (D rho A^2)  [Pa^2] -> bar^2 */
            double Rp = pin * TG_SIM_BAR * FRICTION * len[e] / (dia[e] * rho * A * A) / (TG_SIM_BAR * TG_SIM_BAR);
            double Rc = 0;
            if (kv[b] > 0) Rc = 2.0 * pin * 3600.0 * 3600.0 / (1000.0 * rho * kv[b] * kv[b]);
            h->R = Rp;
            h->Rc = Rc;
            h->mlam = RE_LAM * M_PI * dia[e] * MU / 4.0;
        }
    }
    tg_sim_i_plant_refresh(p);
    /* ---- every part must see a pressure reference (whatever the openings) */
    par = tg_malloc((size_t)nh * sizeof *par);
    if (!par) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
    for (int k = 0; k < nh; k++) par[k] = k;
    for (int64_t e = 0; e < ne; e++) {
        int ra = tg_sim_i_uf_find(par, p->he[e].a), rb = tg_sim_i_uf_find(par, p->he[e].b);
        if (ra != rb) par[ra] = rb;
    }
    {
        unsigned char *ref = tg_calloc((size_t)nh, 1);
        if (!ref) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.plant_new: out of memory"); goto fail; }
        int any = 0;
        for (int k = 0; k < nh; k++)
            if (p->p_fixed[k] > 0) {
                ref[tg_sim_i_uf_find(par, k)] = 1;
                any = 1;
            }
        if (!any) {
            tg_free(ref);
            s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: no pressure reference (no node with p_fixed > 0)");
            goto fail;
        }
        for (int k = 0; k < nh; k++)
            if (!ref[tg_sim_i_uf_find(par, k)]) {
                int v = p->hnode_of[k];
                tg_free(ref);
                s = tg_msg(msg, TG_ERR_ARG, "sim.plant_new: node '%s'%s is not connected to any pressure reference",
                           p->node_id[v], p->hside[k] ? " (LP side)" : "");
                goto fail;
            }
        tg_free(ref);
    }
    tg_free(par);
    for (int k = 0; k < NCOL_N; k++) tg_free(nc[k]);
    for (int k = 0; k < NCOL_E; k++) tg_free(ec[k]);
    *out = p;
    return TG_OK;
fail:
    tg_free(par);
    for (int k = 0; k < NCOL_N; k++) tg_free(nc[k]);
    for (int k = 0; k < NCOL_E; k++) tg_free(ec[k]);
    tg_sim_plant_free(&p);
    return s;
}

/* ---- hydraulic solve ------------------------------------------------------- */

/* Passive element: flow and d flow / d (pi_a - pi_b). */
static void pipe_law(const tg_sim_i_hedge *h, double d, double *f, double *df)
{
    double R = h->R + h->Rc / h->open2;
    double c = R * h->mlam;
    double s = R * fabs(d) + c * c;
    double rs = 1.0 / sqrt(s);
    *f = d * rs;
    *df = rs * rs * rs * (0.5 * R * fabs(d) + c * c);
}

/* Is element e able to carry flow? */
static int elem_open(const tg_sim_i_hedge *h) { return h->open2 > 0; }

/* The state of a hydraulic point: everything is returned, nothing set
 * behind the caller's back. */
typedef struct hres {
    double norm;               /* max |F| over free nodes, kg/s */
    double merit;              /* sum of F^2 over free nodes */
    double fscale;             /* max |edge flow|, kg/s: the stopping rule's scale */
} hres;

/* Residual F = net inflow per hydraulic node and the edge flows at the
 * squared pressures pi, for the open elements of live parts. */
static hres eval_point(const tg_sim_plant *p, const unsigned char *off, const unsigned char *live, const int *idx,
                       const double *pi, double *F, double *flow)
{
    int nh = p->nh;
    hres r = {0, 0, 0};
    for (int k = 0; k < nh; k++) F[k] = 0;
    for (int64_t e = 0; e < p->ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        double f = 0, df;
        if (!off[e] && live[h->a]) {
            if (h->kind == EL_PIPE) pipe_law(h, pi[h->a] - pi[h->b], &f, &df);
            else if (h->kind == EL_MACHINE) f = h->open2 * h->m_nom * sqrt(fmax(pi[h->a], 0.0)) / h->p_nom;
            else f = h->open2 * h->m_nom;
        }
        flow[e] = f;
        if (fabs(f) > r.fscale) r.fscale = fabs(f);
        F[h->a] -= f;
        F[h->b] += f;
    }
    for (int k = 0; k < nh; k++)
        if (idx[k] >= 0) {
            if (fabs(F[k]) > r.norm) r.norm = fabs(F[k]);
            r.merit += F[k] * F[k];
        }
    return r;
}

tg_status tg_sim_i_hydraulics(const tg_sim_plant *p, const double *p0, int max_iter, double tol, double *pres,
                              double *flow, int *iters, int64_t *stagnant, const char **solver, char *msg)
{
    int nh = p->nh;
    int64_t ne = p->ne;
    tg_status s = TG_OK;
    int *par = tg_malloc((size_t)nh * sizeof *par);
    int *idx = tg_malloc((size_t)nh * sizeof *idx);
    unsigned char *live = tg_calloc((size_t)nh, 1);
    double *pi = tg_malloc((size_t)nh * sizeof *pi);
    double *F = tg_malloc((size_t)nh * sizeof *F);
    double *dx = tg_malloc((size_t)nh * sizeof *dx);
    double *pi_try = tg_malloc((size_t)nh * sizeof *pi_try);
    unsigned char *off = tg_calloc((size_t)(ne ? ne : 1), 1);
    tg_sim_i_solver sv;
    memset(&sv, 0, sizeof sv);
    int *touch = tg_calloc((size_t)nh, sizeof *touch);
    tg_sim_i_trip J = {0};
    *iters = 0;
    *stagnant = 0;
    *solver = "cholmod";
    if (!par || !idx || !live || !pi || !F || !dx || !pi_try || !off || !touch) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.steady: out of memory");
        goto out;
    }
    /* A running machine whose inlet node has no other open element would
     * pull that node to vacuum, and one whose outlet has none would
     * pressurise it without bound: it stops with its neighbour (a
     * compressor train trips as a whole).  Repeat along the train. */
    for (int64_t e = 0; e < ne; e++) off[e] = !elem_open(&p->he[e]);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int k = 0; k < nh; k++) touch[k] = 0;
        for (int64_t e = 0; e < ne; e++)
            if (!off[e]) {
                touch[p->he[e].a]++;
                touch[p->he[e].b]++;
            }
        for (int64_t e = 0; e < ne; e++) {
            const tg_sim_i_hedge *h = &p->he[e];
            if (!off[e] && h->kind == EL_MACHINE &&
                ((p->p_fixed[h->a] <= 0 && touch[h->a] <= 1) || (p->p_fixed[h->b] <= 0 && touch[h->b] <= 1))) {
                off[e] = 1;
                changed = 1;
            }
        }
    }
    /* parts cut off by closed valves or stopped machines: no reference -> stagnant */
    for (int k = 0; k < nh; k++) par[k] = k;
    for (int64_t e = 0; e < ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        if (off[e]) continue;
        int ra = tg_sim_i_uf_find(par, h->a), rb = tg_sim_i_uf_find(par, h->b);
        if (ra != rb) par[ra] = rb;
    }
    for (int k = 0; k < nh; k++)
        if (p->p_fixed[k] > 0) live[tg_sim_i_uf_find(par, k)] = 1;
    for (int k = 0; k < nh; k++) live[k] = live[tg_sim_i_uf_find(par, k)];
    /* a running machine feeding a stagnant part makes the model ill-posed */
    for (int64_t e = 0; e < ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        if (h->kind != EL_PIPE && !off[e] && !live[h->a]) {
            s = tg_msg(msg, TG_ERR_ARG,
                       "sim.steady: edge '%s': a running machine in a part without pressure reference (closed valves around '%s')",
                       p->edge_id[e], p->node_id[p->hnode_of[h->a]]);
            goto out;
        }
    }
    /* A free node whose pressure nothing determines: its part of the
     * network (joined by open pipes) holds no pressure reference and no
     * running machine inlet (whose flow depends on its pressure), so it
     * is connected only through flow controllers or machine outlets: two
     * flow controllers in series, say.  The Jacobian would be singular. */
    for (int k = 0; k < nh; k++) par[k] = k;
    for (int64_t e = 0; e < ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        if (off[e] || h->kind != EL_PIPE || !live[h->a]) continue;
        int ra = tg_sim_i_uf_find(par, h->a), rb = tg_sim_i_uf_find(par, h->b);
        if (ra != rb) par[ra] = rb;
    }
    for (int k = 0; k < nh; k++) touch[k] = 0;    /* reused: 1 = determined part */
    for (int k = 0; k < nh; k++)
        if (p->p_fixed[k] > 0) touch[tg_sim_i_uf_find(par, k)] = 1;
    for (int64_t e = 0; e < ne; e++)
        if (!off[e] && p->he[e].kind == EL_MACHINE && live[p->he[e].a]) touch[tg_sim_i_uf_find(par, p->he[e].a)] = 1;
    for (int k = 0; k < nh; k++)
        if (live[k] && p->p_fixed[k] <= 0 && !touch[tg_sim_i_uf_find(par, k)]) {
            s = tg_msg(msg, TG_ERR_ARG,
                       "sim.steady: node '%s'%s: pressure not determined (connected only through flow controllers "
                       "or machine outlets, no pipe or valve towards a pressure reference)",
                       p->node_id[p->hnode_of[k]], p->hside[k] ? " (LP side)" : "");
            goto out;
        }
    int nfree = 0;
    for (int k = 0; k < nh; k++) {
        double pd = p->p_fixed[k] > 0 ? p->p_fixed[k] : (p0 ? p0[k] : p->p_design[k]);
        pi[k] = pd * pd;
        if (!live[k]) (*stagnant)++;
        idx[k] = live[k] && p->p_fixed[k] <= 0 ? nfree++ : -1;
    }
    int sym = 1;
    for (int64_t e = 0; e < ne; e++) {
        const tg_sim_i_hedge *h = &p->he[e];
        if (h->kind == EL_MACHINE && !off[e] && idx[h->a] >= 0) sym = 0;
    }
    if (!sym) *solver = "klu";
    /* The stopping rule is relative to the flows of the current iterate
     * (largest |edge flow|, from eval_point): an absolute scale would stop a
     * network carrying 1e-7 kg/s after one iteration. */
    double fscale = 0;


    /* Passive networks from the design state: start from one linear solve
     * with the conductance each pipe has at a typical squared-pressure drop
     * (the references' spread over sqrt(free nodes)), which puts Newton
     * near the answer instead of halving its way down from a flat field. */
    if (sym && !p0 && nfree > 0) {
        double pmin = INFINITY, pmax = 0;
        for (int k = 0; k < nh; k++)
            if (p->p_fixed[k] > 0 && live[k]) {
                pmin = fmin(pmin, pi[k]);
                pmax = fmax(pmax, pi[k]);
            }
        double dref = pmax > pmin ? (pmax - pmin) / sqrt((double)nfree) : 0;
        if (dref > 0) {
            J.n = 0;
            for (int k = 0; k < nh; k++) F[k] = 0;
            for (int64_t e = 0; e < ne; e++) {
                const tg_sim_i_hedge *h = &p->he[e];
                if (off[e] || !live[h->a]) continue;
                int ia = idx[h->a], ib = idx[h->b];
                if (h->kind == EL_PIPE) {
                    double f, G;
                    pipe_law(h, dref, &f, &G);
                    G = f / dref;
                    if (ia >= 0 && tg_sim_i_trip_add(&J, ia, ia, G)) goto nomem;
                    if (ib >= 0 && tg_sim_i_trip_add(&J, ib, ib, G)) goto nomem;
                    if (ia >= 0 && ib >= 0) {
                        if (tg_sim_i_trip_add(&J, ia, ib, -G) || tg_sim_i_trip_add(&J, ib, ia, -G)) goto nomem;
                    }
                    if (ia >= 0 && ib < 0) F[h->a] += G * pi[h->b];
                    if (ib >= 0 && ia < 0) F[h->b] += G * pi[h->a];
                } else if (h->kind == EL_FLOWSET) {
                    F[h->a] -= h->open2 * h->m_nom;
                    F[h->b] += h->open2 * h->m_nom;
                }
            }
            for (int k = 0; k < nh; k++)
                if (idx[k] >= 0) dx[idx[k]] = F[k];
            s = tg_sim_i_solver_solve(&sv, 1, &J, nfree, dx, "sim.steady: hydraulic start", msg);
            if (s != TG_OK) goto out;
            int ok = 1;
            for (int k = 0; k < nh; k++)
                if (idx[k] >= 0 && !(dx[idx[k]] > 0)) ok = 0;
            if (ok)
                for (int k = 0; k < nh; k++)
                    if (idx[k] >= 0) pi[k] = dx[idx[k]];
        }
    }
    double last_step = INFINITY;
    hres cur = eval_point(p, off, live, idx, pi, F, flow);
    double norm = cur.norm, merit = cur.merit;
    fscale = cur.fscale;
    int it = 0;
    while (norm > tol * fscale) {
        if (it >= max_iter) {
            int worst = 0;
            for (int k = 0; k < nh; k++)
                if (idx[k] >= 0 && fabs(F[k]) > fabs(F[worst])) worst = k;
            s = tg_msg(msg, TG_ERR_NUMERIC,
                       "sim.steady: hydraulics did not converge in %d Newton iterations (mass residual %.3g kg/s at '%s')",
                       max_iter, norm, p->node_id[p->hnode_of[worst]]);
            goto out;
        }
        it++;
        /* Jacobian of -F (so that it is SPD for passive networks) */
        J.n = 0;
        for (int64_t e = 0; e < ne; e++) {
            const tg_sim_i_hedge *h = &p->he[e];
            if (off[e] || !live[h->a]) continue;
            int ia = idx[h->a], ib = idx[h->b];
            if (h->kind == EL_PIPE) {
                double f, df;
                pipe_law(h, pi[h->a] - pi[h->b], &f, &df);
                if (ia >= 0 && tg_sim_i_trip_add(&J, ia, ia, df)) goto nomem;
                if (ib >= 0 && tg_sim_i_trip_add(&J, ib, ib, df)) goto nomem;
                if (ia >= 0 && ib >= 0) {
                    if (tg_sim_i_trip_add(&J, ia, ib, -df) || tg_sim_i_trip_add(&J, ib, ia, -df)) goto nomem;
                }
            } else if (h->kind == EL_MACHINE && ia >= 0) {
                double pa = sqrt(fmax(pi[h->a], 1e-12));
                double df = h->open2 * h->m_nom / (2.0 * pa * h->p_nom);
                if (tg_sim_i_trip_add(&J, ia, ia, df)) goto nomem;
                if (ib >= 0 && tg_sim_i_trip_add(&J, ib, ia, -df)) goto nomem;
            }
        }
        for (int k = 0; k < nh; k++)
            if (idx[k] >= 0) dx[idx[k]] = F[k];
        s = tg_sim_i_solver_solve(&sv, sym, &J, nfree, dx, "sim.steady: hydraulic Jacobian", msg);
        if (s != TG_OK) goto out;
        /* a step below round-off of the pressures: converged as far as
         * double precision allows (flat laminar regions near zero flow) */
        double step = 0;
        for (int k = 0; k < nh; k++)
            if (idx[k] >= 0) step = fmax(step, fabs(dx[idx[k]]) / fmax(pi[k], 1e-300));
        /* damped step: halve until the squared residual decreases and
         * pressures stay positive */
        double lam = 1.0, ntry = norm, m0 = merit;
        int ok = 0;
        for (int ls = 0; ls < 40; ls++) {
            int neg = 0;
            for (int k = 0; k < nh; k++) {
                pi_try[k] = idx[k] >= 0 ? pi[k] + lam * dx[idx[k]] : pi[k];
                if (pi_try[k] <= 0) neg = 1;
            }
            if (!neg) {
                hres tr = eval_point(p, off, live, idx, pi_try, F, flow);
                ntry = tr.norm;
                merit = tr.merit;
                fscale = tr.fscale;
                /* sufficient decrease (Armijo, c = 1/4 on the squared residual): a
                 * sqrt-like law makes the full
                 * Newton step reflect d to about -d with a barely smaller residual */
                if (merit <= (1.0 - 0.5 * lam) * m0 || ntry <= tol * fscale) { ok = 1; break; }
            }
            lam *= 0.5;
        }
        if (ok) {
            /* F, flow and merit already hold the accepted point's values */
            memcpy(pi, pi_try, (size_t)nh * sizeof *pi);
            norm = ntry;
        } else {
            cur = eval_point(p, off, live, idx, pi, F, flow);
            norm = cur.norm;
            merit = cur.merit;
            fscale = cur.fscale;
        }
        last_step = step;
        if (step < 1e-14 || !ok) break;
    }
    /* Stopped above tol: accepted when the step fell below round-off of
     * the pressures or the residual is already below 1e-9 of the flows
     * (tg_sim_steady then reports converged from the balance residuals). */
    if (norm > tol * fscale && norm > 1e-9 * fscale && !(last_step < 1e-14)) {
        int worst = 0;
        for (int k = 0; k < nh; k++)
            if (idx[k] >= 0 && fabs(F[k]) > fabs(F[worst])) worst = k;
        s = tg_msg(msg, TG_ERR_NUMERIC,
                   "sim.steady: hydraulics stalled after %d Newton iterations (mass residual %.3g kg/s at '%s')", it,
                   norm, p->node_id[p->hnode_of[worst]]);
        goto out;
    }
    for (int k = 0; k < nh; k++) pres[k] = live[k] ? sqrt(fmax(pi[k], 0.0)) : p->p_design[k];
    *iters = it;
    goto out;
nomem:
    s = tg_msg(msg, TG_ERR_NOMEM, "sim.steady: out of memory");
out:
    tg_sim_i_trip_free(&J);
    tg_sim_i_solver_free(&sv);
    tg_free(off);
    tg_free(touch);
    tg_free(par);
    tg_free(idx);
    tg_free(live);
    tg_free(pi);
    tg_free(F);
    tg_free(dx);
    tg_free(pi_try);
    return s;
}
