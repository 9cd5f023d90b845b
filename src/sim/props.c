/* props.c: the simplified helium property model (docs/sim.md).
 *
 * Above 10 K helium is treated as an ideal monatomic gas: cp = 5193
 * J/(kg K), R = 2077 J/(kg K), rho = p / (R T).  Below 10 K cp and the
 * dense-phase density are tabulated (rounded values, pressure-independent,
 * read for about 1-3 bar; the lambda peak of cp is capped at 6 kJ/(kg K));
 * the fluid is dense when the pressure is above the saturation pressure
 * (below 5.2 K) or above the critical pressure 2.27 bar (5.2-10 K), a gas
 * otherwise.  Enthalpy is the integral of cp from 1.6 K (pressure
 * independent: no Joule-Thomson effect, no latent heat: expansions into the
 * two-phase region are represented by temperature set points).  Below the
 * lambda point (2.17 K) He II carries heat with a constant effective
 * conductivity of 1e4 W/(m K), an order of magnitude for the counterflow
 * mechanism at moderate heat fluxes.  Valid 1.6 K - 400 K, 0 - 25 bar;
 * meant for system-level balances and qualitative transients, not for
 * design (use HEPAK or CoolProp data through tg_sim_props for that). */
#include <threads.h>

#include "sim_internal.h"

#define NT 17
static const double tab_T[NT] = {1.6, 1.8, 1.9, 2.0, 2.1, 2.17, 2.3, 2.6, 3.0, 3.5,
                                  4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 10.0};
static const double tab_cp[NT] = {1400, 2500, 3200, 4100, 5500, 6000, 2700, 2300, 2300, 2600,
                                  3200, 4300, 5400, 7000, 6500, 6000, 5193};
#define ND 12
static const double den_T[ND] = {1.6, 2.17, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 10.0};
static const double den_rho[ND] = {145.5, 146.2, 145.0, 141.0, 137.0, 131.0, 124.0, 113.0,
                                   80.0, 55.0, 40.0, 28.0};
#define NS 13
static const double sat_T[NS] = {1.6, 1.8, 1.9, 2.0, 2.17, 2.5, 3.0, 3.5, 4.0, 4.22, 4.5, 5.0, 5.2};
static const double sat_p[NS] = {750, 1640, 2300, 3130, 5050, 10300, 24200, 47000, 81600,
                                 101300, 130000, 196000, 227000};

static const double CP_GAS = 5193.0, R_HE = 2077.0;

static double interp(const double *x, const double *y, int n, double t)
{
    if (t <= x[0]) return y[0];
    if (t >= x[n - 1]) return y[n - 1];
    int k = 0;
    while (t > x[k + 1]) k++;
    double w = (t - x[k]) / (x[k + 1] - x[k]);
    return y[k] + w * (y[k + 1] - y[k]);
}

/* Enthalpy at each table point, integral of the piecewise-linear cp.
 * Built once on first use; call_once makes that safe when several
 * threads solve plants at the same time (a plain "ready" flag raced). */
static double tab_h[NT];
static once_flag tab_h_once = ONCE_FLAG_INIT;

static void build_h(void)
{
    tab_h[0] = 0;
    for (int k = 1; k < NT; k++)
        tab_h[k] = tab_h[k - 1] + 0.5 * (tab_cp[k] + tab_cp[k - 1]) * (tab_T[k] - tab_T[k - 1]);
}

static void init_h(void) { call_once(&tab_h_once, build_h); }

static double he_cp(double T, void *ud)
{
    (void)ud;
    if (T >= 10.0) return CP_GAS;
    return interp(tab_T, tab_cp, NT, T);
}

static double he_h(double T, void *ud)
{
    (void)ud;
    init_h();
    if (T <= tab_T[0]) return tab_cp[0] * (T - tab_T[0]);
    if (T >= 10.0) return tab_h[NT - 1] + CP_GAS * (T - 10.0);
    int k = 0;
    while (T > tab_T[k + 1]) k++;
    double dT = T - tab_T[k], slope = (tab_cp[k + 1] - tab_cp[k]) / (tab_T[k + 1] - tab_T[k]);
    return tab_h[k] + tab_cp[k] * dT + 0.5 * slope * dT * dT;
}

static double he_rho(double p, double T, void *ud)
{
    (void)ud;
    if (T < 1e-3) T = 1e-3;
    double ideal = p / (R_HE * T);
    if (T >= 10.0) return ideal;
    double boundary = T < 5.2 ? interp(sat_T, sat_p, NS, T) : 227000.0;
    if (p < boundary) return ideal;
    double d = interp(den_T, den_rho, ND, T);
    return d > ideal ? d : ideal;
}

static double he_keff(double T, void *ud)
{
    (void)ud;
    return T < 2.17 ? 1.0e4 : 0.0;
}

static const tg_sim_props he_simple = {
    .name = "helium-simple",
    .h = he_h,
    .cp = he_cp,
    .rho = he_rho,
    .k_eff = he_keff,
    .t_min = 1.6,
    .t_max = 400.0,
    .p_max = 25.0e5,
    .ud = NULL,
};

const tg_sim_props *tg_sim_helium_simple(void)
{
    init_h();
    return &he_simple;
}
