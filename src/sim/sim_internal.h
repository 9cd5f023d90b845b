/* sim_internal.h: internals shared by the files of src/sim. */
#ifndef TG_SIM_INTERNAL_H
#define TG_SIM_INTERNAL_H

#include <math.h>
#include <cholmod.h>
#include <klu.h>

#include "tg_sim.h"

/* Unit conversions. */
#define TG_SIM_BAR 1.0e5           /* Pa per bar */

/* ---- sparse helpers (sparse.c) --------------------------------------------- */

/* Union-find root of x (path halving); parent[k] = k for roots. */
int tg_sim_i_uf_find(int *parent, int x);

/* A growable triplet list (row, col, value), 0-based. */
typedef struct tg_sim_i_trip {
    int64_t n, cap;
    int *i, *j;
    double *x;
} tg_sim_i_trip;

tg_status tg_sim_i_trip_add(tg_sim_i_trip *t, int i, int j, double x);
void tg_sim_i_trip_free(tg_sim_i_trip *t);

/* Compressed-column form of an n x n triplet list (duplicates summed), in
 * tg_malloc'd arrays ap (n+1), ai, ax. */
tg_status tg_sim_i_trip_csc(const tg_sim_i_trip *t, int n, int **ap, int **ai, double **ax);

/* A factorisation reused across Newton iterations: the first solve
 * analyses the pattern (AMD ordering, supernodes / BTF), later solves
 * with the same pattern only refactorise numerically. */
typedef struct tg_sim_i_solver {
    int sym;                   /* 1: CHOLMOD, 0: KLU */
    int n;
    int started;
    cholmod_common cc;
    cholmod_factor *L;
    klu_common kc;
    klu_symbolic *ks;
    klu_numeric *kn;
    int *ap, *ai;              /* KLU's CSC pattern */
    double *ax;
    cholmod_sparse *A;         /* CHOLMOD: matrix of the last pattern */
    int *ti, *tj;              /* its triplet pattern (lower entries, in order) */
    int64_t tn;
    int64_t *pos;              /* triplet entry -> position in A->x */
} tg_sim_i_solver;

tg_status tg_sim_i_solver_solve(tg_sim_i_solver *sv, int sym, const tg_sim_i_trip *t, int n, double *b,
                                const char *what, char *msg);
void tg_sim_i_solver_free(tg_sim_i_solver *sv);

/* ---- plant internals (plant.c) ---------------------------------------------- */

/* Node types the model distinguishes (tg_sim_plant.type; type_code() in plant.c). */
enum {
    T_OTHER = 0, T_COMPRESSOR, T_COLD_COMPRESSOR, T_VALVE, T_JT, T_TURBINE, T_HX, T_COLD_BOX,
    T_MAGNET, T_SEPARATOR, T_SHIELD
};

typedef enum { EL_PIPE = 0, EL_MACHINE = 1, EL_FLOWSET = 2 } tg_sim_i_elkind;

/* Hydraulic edge: one per graph edge. */
typedef struct tg_sim_i_hedge {
    int a, b;                  /* hydraulic node indices (from, to) */
    tg_sim_i_elkind kind;
    double R;                  /* bar^2 / (kg/s)^2, pipe */
    double Rc;                 /* bar^2 / (kg/s)^2, downstream component fully open */
    double mlam;               /* kg/s: laminar-turbulent blend flow */
    double open2;              /* pipes: opening^2 of the downstream component (1 without);
                                  machines and flow controllers: on (opening) */
    double m_nom, p_nom;       /* machines: kg/s at inlet pressure p_nom (bar) */
    int machine;               /* graph node at the downstream end (component or machine) */
    double volume;             /* m3 */
} tg_sim_i_hedge;

struct tg_sim_plant {
    int64_t nv, ne;            /* graph nodes and edges */
    char **node_id, **edge_id, **node_type;
    tg_strmap *ids;            /* node id -> index (keys borrowed from node_id) */
    int *type;                 /* T_* above */
    int *hp, *lp;              /* graph node -> hydraulic node of the HP (main) and LP side */
    int nh;                    /* hydraulic nodes */
    int *hnode_of;             /* hydraulic node -> graph node */
    int *hside;                /* 0 main/HP, 1 LP */
    double *p_fixed;           /* per hydraulic node, bar; 0 = free */
    double *t_set;             /* per hydraulic node, K; 0 = none */
    double *q_load;            /* per hydraulic node, W */
    double *t_design, *p_design;  /* per hydraulic node (K, bar) */
    double *he_mass;           /* per hydraulic node, kg of helium hold-up besides pipes */
    double *c_mass;            /* per hydraulic node, J/K cold mass */
    double *opening;           /* per graph node (valves, machines) */
    double *kv;                /* per graph node */
    double *flow_set, *m_nom;  /* per graph node */
    tg_sim_i_hedge *he;        /* per graph edge */
    double *area, *length;     /* per graph edge */
    tg_sim_props props;
};

/* Recompute the opening factors of the elements after openings changed. */
void tg_sim_i_plant_refresh(tg_sim_plant *p);

/* Hydraulic solve: pressures (bar, per hydraulic node) and edge flows;
 * p0 is the starting point (NULL = design).  Used by steady and transient. */
tg_status tg_sim_i_hydraulics(const tg_sim_plant *p, const double *p0, int max_iter, double tol,
                              double *pres /* OUT nh */, double *flow /* OUT ne */, int *iters,
                              int64_t *stagnant, const char **solver, char *msg);

/* Thermal solve on given flows.  dt = 0: steady state (every set point
 * held).  dt > 0: one backward-Euler step from Tprev, with set points held
 * while their duty stays within cap[k] (cap NULL = unlimited) and the
 * active set iterated.  T (in: starting guess, out: solution) and duty
 * per hydraulic node.  held[k] receives 1 for nodes at their set point;
 * *rounds (may be NULL) the Newton solves of the active-set iteration, an
 * error if it has not settled after 30. */
tg_status tg_sim_i_thermal(const tg_sim_plant *p, const double *flow, const double *Tprev, double dt,
                           const double *cap, const double *qload, double *T, double *duty,
                           unsigned char *held, int *iters, int *rounds, double *resid, char *msg);

#endif
