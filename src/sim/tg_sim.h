/* tg_sim.h: physical simulation on graphs.
 *
 * Two physical models on the graph core, both solved with SuiteSparse
 * direct solvers:
 *
 *  - DC power flow (B theta = P with a slack bus) on a graph whose edges
 *    carry `susceptance` (or `reactance`) and optionally `capacity`, and
 *    whose nodes carry `injection` (per unit).  One CHOLMOD factorisation
 *    of the reduced susceptance matrix serves the base case and every N-1
 *    line outage through rank-1 Sherman-Morrison corrections; the same
 *    screening by refactorising per contingency is there to compare.
 *    Overload cascades trip lines above capacity and re-solve.
 *
 *  - Cryogenic helium plant (models/lhc_sector.graphml schema, described
 *    in docs/sim.md): a pressure-flow network solved by Newton's method on
 *    the squared pressures with a sparse Jacobian (CHOLMOD when the system
 *    is symmetric, KLU otherwise), an energy balance with temperature set
 *    points, heat loads and heat-exchanger transfers (Newton, KLU), and
 *    implicit transients of the temperatures after events.
 *
 * Threads: different grids and plants may be used from different threads;
 * one grid must not be used by two threads at once (the const grid
 * functions use the grid's CHOLMOD workspace).  Plants are only read by
 * tg_sim_steady and tg_sim_transient.
 *
 * Conventions as in tg_core.h: tg_status returns, `char *msg` last,
 * `x_new(&x, ...)` / `x_free(&x)` pairs.  Arrays returned through OUT
 * pointers are allocated with tg_malloc; the caller frees them with tg_free
 * unless said otherwise.
 */
#ifndef TG_SIM_H
#define TG_SIM_H

#include "../core/tg_core.h"
#include "../graph/tg_graph.h"

/* ======================================================================
 * DC power flow
 * ====================================================================== */

typedef struct tg_sim_grid tg_sim_grid;

/* Build a grid from g (undirected or directed; direction only fixes the
 * sign of line flows, positive from source to target).  Edge attribute
 * `susceptance` (> 0, per unit) or else `reactance` (> 0; b = 1/x);
 * optional `capacity` (> 0; missing or 0 = unlimited); node attribute
 * `injection` (generation minus load, per unit; missing = 0).  slack_id
 * names the slack bus; NULL picks the node with the largest injection.
 * Errors name the offending edge or node (NaN, non-positive susceptance,
 * a self-loop, a bus not connected to the slack).
 * The graph is only read; the grid keeps no pointer to it (it copies the
 * node ids and line keys, so later edits of g do not affect it).
 * Cost: one AMD ordering and one supernodal Cholesky factorisation. */
tg_status tg_sim_grid_new(tg_sim_grid **grid /* OUT */, const tg_graph *g,
                          const char *slack_id, char *msg);
void tg_sim_grid_free(tg_sim_grid **grid);
int64_t tg_sim_grid_buses(const tg_sim_grid *grid);
int64_t tg_sim_grid_lines(const tg_sim_grid *grid);
int64_t tg_sim_grid_slack(const tg_sim_grid *grid);
/* Borrowed id of bus v (the graph's node id), NULL if out of range. */
const char *tg_sim_grid_bus_id(const tg_sim_grid *grid, int64_t v);
/* Borrowed key of line k: the edge id, else "source-target"; a key already
 * taken gets "#k" appended (k = line number from 1).  NULL if out of range. */
const char *tg_sim_grid_line_key(const tg_sim_grid *grid, int64_t k);
/* Line of a key, -1 if none. */
int64_t tg_sim_grid_line_index(const tg_sim_grid *grid, const char *key);

/* Base case: theta (buses, radians, slack 0) and flow (lines, per unit,
 * b (theta_from - theta_to)); either may be NULL.  Caller-sized arrays. */
tg_status tg_sim_dcpf(const tg_sim_grid *grid, double *theta /* OUT */, double *flow /* OUT */,
                      char *msg);

typedef enum tg_sim_n1_method {
    TG_SIM_N1_LOWRANK = 0,    /* one factorisation, rank-1 corrections */
    TG_SIM_N1_REFACTOR = 1,   /* assemble and factorise (analyse + numeric) per outage */
    TG_SIM_N1_UPDOWN = 2,     /* cholmod_updown: rank-1 downdate of an LDL' copy of the
                                 factor, solve, update back */
} tg_sim_n1_method;

/* N-1 screening of every line.  Per outage k (caller-sized arrays of
 * length lines, any may be NULL): islanding[k] = 1 when removing k splits
 * the grid (its flows are not computed: max_loading[k] = NAN),
 * overloads[k] = number of lines above capacity after the outage,
 * max_loading[k] = max over lines of |flow| / capacity (0 without
 * capacities).  If post_flow is not NULL it receives lines*lines values,
 * row k = flows after outage k (NAN rows for islanding outages).
 * *seconds receives the wall time of the screening. */
typedef struct tg_sim_n1_result {
    int64_t contingencies, islanding, overloading;   /* overloading: outages with >= 1 overload */
    int64_t overloaded_lines;                        /* sum of overloads[] */
    double seconds;
} tg_sim_n1_result;
tg_status tg_sim_n1(const tg_sim_grid *grid, tg_sim_n1_method method, int *islanding,
                    int *overloads, double *max_loading, double *post_flow,
                    tg_sim_n1_result *res /* OUT */, char *msg);

/* Overload cascade after tripping the n lines in `initial` (may be 0):
 * solve, trip every line above capacity, repeat until no overload.  Each
 * island balances on its own: if its generation exceeds its load the
 * generation is scaled down, otherwise the load is (load shedding); an
 * island without generation is not served.  tripped[k] receives the stage
 * at which line k tripped (0 = initial, -1 = never); caller-sized. */
typedef struct tg_sim_cascade_result {
    int stages;                 /* overload rounds after the initial trip */
    int64_t lines_tripped;      /* including the initial ones */
    int64_t islands;            /* connected parts at the end */
    double load_total, load_served;   /* per unit */
} tg_sim_cascade_result;
tg_status tg_sim_cascade(const tg_sim_grid *grid, int64_t n, const int64_t *initial,
                         int *tripped /* OUT, may be NULL */, tg_sim_cascade_result *res /* OUT */,
                         char *msg);

/* Read a MATPOWER case file (version 2: mpc.baseMVA, mpc.bus, mpc.gen,
 * mpc.branch) into a graph: nodes are buses (id = bus number), with
 * `injection` = (sum of Pg of in-service generators - Pd) / baseMVA; edges
 * are in-service branches (id "b<k>", k counted from 1 in file order) with
 * `reactance` (x), `susceptance` (1/x) and `capacity` (rateA/baseMVA, 0 =
 * unlimited).  The slack bus (type 3) is returned in *slack_id (tg_malloc,
 * caller frees) when slack_id is not NULL.  Errors name file and line. */
tg_status tg_sim_read_matpower(const char *path, tg_graph **g /* OUT */, char **slack_id /* OUT */,
                               char *msg);

/* ======================================================================
 * Helium properties
 * ====================================================================== */

/* A property model: enthalpy per unit mass as a function of temperature
 * (J/kg), its derivative cp (J/(kg K)), and density (kg/m3) from pressure
 * (Pa) and temperature.  Swap in a better model by filling this struct. */
typedef struct tg_sim_props {
    const char *name;
    double (*h)(double T, void *ud);
    double (*cp)(double T, void *ud);
    double (*rho)(double p, double T, void *ud);
    /* effective conductivity of He II (W/(m K)) below the lambda point; 0 above */
    double (*k_eff)(double T, void *ud);
    double t_min, t_max, p_max;      /* validity range (K, K, Pa) */
    void *ud;
} tg_sim_props;

/* The built-in simplified helium model (docs/sim.md): ideal gas above
 * 10 K (cp 5193 J/(kg K), R 2077 J/(kg K)), tabulated cp and dense-phase
 * density below 10 K, He II as a heat-transport medium with a constant
 * effective conductivity.  Valid 1.6 K - 400 K, up to 25 bar. */
const tg_sim_props *tg_sim_helium_simple(void);

/* ======================================================================
 * Cryogenic plant
 * ====================================================================== */

typedef struct tg_sim_plant tg_sim_plant;

/* Build a plant from a graph of the lhc_sector schema (docs/sim.md): node
 * `type`, `p_fixed`, `kv`, `opening`, `m_nom`, `flow_set`, `t_set`,
 * `heat_load`, `he_mass`, `heat_capacity`, `pressure`, `temperature`; edge
 * `kind`, `length`, `diameter`.  Validates everything; errors name the
 * node or edge id.  props NULL = tg_sim_helium_simple(). */
tg_status tg_sim_plant_new(tg_sim_plant **plant /* OUT */, const tg_graph *g,
                           const tg_sim_props *props, char *msg);
void tg_sim_plant_free(tg_sim_plant **plant);
int64_t tg_sim_plant_nodes(const tg_sim_plant *plant);    /* graph nodes */
int64_t tg_sim_plant_edges(const tg_sim_plant *plant);
/* Index of a node id, -1 if absent.  Borrowed id of a node index. */
int64_t tg_sim_plant_node_index(const tg_sim_plant *plant, const char *id);
const char *tg_sim_plant_node_id(const tg_sim_plant *plant, int64_t v);
const char *tg_sim_plant_edge_id(const tg_sim_plant *plant, int64_t e);
const char *tg_sim_plant_node_type(const tg_sim_plant *plant, int64_t v);

/* Change a machine: compressors and flow controllers run (on = 1) or are
 * tripped (0); valves, turbines and JT valves get an opening in [0, 1]
 * (0 = closed); heat loads in W.  Errors name the node. */
tg_status tg_sim_plant_set_opening(tg_sim_plant *plant, int64_t v, double opening, char *msg);
tg_status tg_sim_plant_set_heat_load(tg_sim_plant *plant, int64_t v, double watts, char *msg);

typedef struct tg_sim_steady_opts {
    int max_iter;          /* Newton iterations per stage; 0 = 50 */
    double tol;            /* Newton stopping residual relative to the largest edge flow; 0 = 1e-12 */
} tg_sim_steady_opts;

/* A steady state.  Per graph node: p (bar; heat exchangers: HP side),
 * p_lp (bar, LP side of split exchangers, else = p), T (K; exchangers: HP
 * outlet), T_lp, m (kg/s throughput = sum of inflows), duty (W removed
 * at a temperature set point, negative = heat added; exchangers: heat
 * moved from the HP to the LP stream); per edge: flow (kg/s). */
typedef struct tg_sim_state {
    int64_t nodes, edges;
    double *p, *p_lp, *T, *T_lp, *m, *duty;
    double *flow;
    int converged;              /* both residuals below max(1e-9, opts tol) */
    int iterations;             /* hydraulic + thermal Newton iterations */
    int iter_hydraulic, iter_thermal;
    double mass_residual;       /* max |net mass inflow| / max throughput */
    double energy_residual;     /* max |net energy inflow| / max enthalpy flow */
    double seconds;
    int64_t stagnant;           /* nodes cut off by closed valves (no flow, design p and T) */
    const char *solver;         /* "cholmod" or "klu" (static string) */
} tg_sim_state;

tg_status tg_sim_steady(const tg_sim_plant *plant, const tg_sim_steady_opts *opts,
                        tg_sim_state **out /* OUT */, char *msg);
void tg_sim_state_free(tg_sim_state **s);

/* ---- transients ---------------------------------------------------------- */

typedef enum tg_sim_event_kind {
    TG_SIM_EV_TRIP = 0,        /* compressor, cold compressor, flow controller or turbine stops */
    TG_SIM_EV_VALVE = 1,       /* valve opening set to value (0 = closed / stuck closed) */
    TG_SIM_EV_HEAT = 2,        /* heat load set to value W (a quench: a large step) */
    TG_SIM_EV_LOSS = 3,        /* loss of a utility node: every machine and valve of the node stops */
} tg_sim_event_kind;

typedef struct tg_sim_event {
    double t;                  /* s */
    tg_sim_event_kind kind;
    int64_t node;
    double value;
} tg_sim_event;

typedef struct tg_sim_transient_opts {
    double t_end;              /* s */
    double dt;                 /* s; backward Euler step */
    int record_every;          /* keep every k-th step in the series; 0 = 1 */
} tg_sim_transient_opts;

/* Series: times[k], T[k * nodes + v] (K), flow through node m[k*nodes+v]. */
typedef struct tg_sim_series {
    int64_t nodes, steps;
    double *times, *T, *m;
    double max_energy_error;   /* max over steps of |energy change - net input| relative */
    int max_active_set_iter;   /* most thermal Newton solves of one step's active-set
                                  iteration (an error if not settled after 30) */
} tg_sim_series;

/* Run from the steady state s0 (of this plant before the events) to
 * t_end.  Hydraulics are quasi-steady (re-solved after each event);
 * temperatures follow the lumped energy balance with the thermal capacity
 * of each node's helium hold-up and cold mass, backward Euler with Newton.
 * A set point is held while the required duty is within its capacity
 * (steady duty scaled by the node's flow relative to steady state).
 * The plant itself is not modified. */
tg_status tg_sim_transient(const tg_sim_plant *plant, const tg_sim_state *s0,
                           const tg_sim_event *events, int nevents,
                           const tg_sim_transient_opts *opts, tg_sim_series **out /* OUT */,
                           char *msg);
void tg_sim_series_free(tg_sim_series **s);

/* First time (s, linear interpolation between recorded steps) at which
 * node v's temperature rises above threshold; NAN if never.  If it starts
 * above, 0. */
double tg_sim_series_crossing(const tg_sim_series *s, int64_t v, double threshold);

/* ======================================================================
 * Connectome dynamics
 * ====================================================================== */

/* y = exp(-t L) x for the combinatorial Laplacian L of the symmetric
 * weighted n x n adjacency W (dense, row-major), by a Krylov (Lanczos)
 * approximation with m steps (0 = min(n, 30)).  Cost O(m n^2). */
tg_status tg_sim_heat_kernel(int64_t n, const double *W, double t, const double *x, int m,
                             double *y /* OUT */, char *msg);

/* Kuramoto oscillators: d theta_i/dt = omega_i + (K / n) sum_j W_ij
 * sin(theta_j - theta_i), classical Runge-Kutta 4 with step dt, steps
 * steps; omega_i ~ N(omega_mean, omega_sd) and theta_i(0) ~ U(0, 2 pi) from
 * seed.  series (steps+1) x n of sin(theta) (may be NULL), corr n x n
 * Pearson correlation of sin(theta) over the second half, r_mean the mean
 * order parameter over the second half. */
tg_status tg_sim_kuramoto(int64_t n, const double *W, double K, double omega_mean, double omega_sd,
                          double dt, int64_t steps, uint64_t seed, double *series /* OUT */,
                          double *corr /* OUT */, double *r_mean /* OUT */, char *msg);

/* Stochastic linear model (Ornstein-Uhlenbeck x' = -x + g W x + noise):
 * predicted functional connectivity = correlation matrix of the
 * stationary covariance Q solving A Q + Q A^T + I = 0, A = -I + g W.
 * Requires the largest eigenvalue of g W below 1.  Dense, O(n^3). */
tg_status tg_sim_linear_fc(int64_t n, const double *W, double g, double *fc /* OUT */, char *msg);

#endif
