/* risk_internal.h: the fault-tree model, expressions, BDD and ZBDD managers
 * shared by the files of src/risk. */
#ifndef TG_RISK_INTERNAL_H
#define TG_RISK_INTERNAL_H

#include "tg_risk.h"

/* ---- expressions ------------------------------------------------------- */

typedef enum rk_xop {
    X_CONST = 0, X_PARAM, X_MISSION, X_NEG, X_ADD, X_SUB, X_MUL, X_DIV, X_ABS, X_EXP, X_LOG,
    X_LOG10, X_SQRT, X_POW, X_MIN, X_MAX, X_MEAN, X_FLOOR, X_CEIL, X_MOD, X_SIN, X_COS, X_TAN,
    X_ASIN, X_ACOS, X_ATAN, X_SINH, X_COSH, X_TANH, X_PI,
    X_EXPONENTIAL, X_GLM, X_WEIBULL, X_PERIODIC,
    X_UNIFORM, X_NORMAL, X_LOGNORMAL, X_GAMMA, X_BETA,
    X_NOP
} rk_xop;

typedef struct rk_expr {
    rk_xop op;
    int nargs, first;           /* arguments: m->xargs[first .. first + nargs) */
    double value;               /* X_CONST */
    int param;                  /* X_PARAM: parameter index (after resolution) */
    const char *ref;            /* X_PARAM: name before resolution */
    const char *file;
    long line;
} rk_expr;

typedef struct rk_param {
    const char *name, *file;
    long line;
    int expr;
    int state;                  /* cycle check: 0 new, 1 on stack, 2 done */
} rk_param;

/* ---- events and gates ---------------------------------------------------- */

/* A reference to an event: kind in the low two bits, index above. */
enum { R_BASIC = 0, R_HOUSE = 1, R_GATE = 2 };
#define RK_REF(kind, i) (((i) << 2) | (kind))
#define RK_KIND(r) ((r) & 3)
#define RK_INDEX(r) ((r) >> 2)

/* Reference kinds as written: <basic-event>, <house-event>, <gate>, <event>. */
enum { W_BASIC = 0, W_HOUSE = 1, W_GATE = 2, W_ANY = 3 };

typedef struct rk_arg {
    const char *name;           /* as written (NULL for anonymous gates) */
    int want;                   /* W_* */
    int ref;                    /* resolved RK_REF, -1 before */
    long line;
    const char *scope;          /* container path for private names, NULL global */
} rk_arg;

typedef struct rk_gate {
    const char *name;           /* NULL: anonymous (nested formula) */
    const char *key;            /* namespace key (differs from name when private) */
    const char *file;
    long line;
    tg_risk_op op;
    int k;                      /* atleast */
    int nargs, first;           /* m->args[first .. first + nargs) */
    bool defined;               /* a formula was given */
    int state;                  /* cycle check */
    bool referenced;
    bool ccf;                   /* made by the CCF expansion: OR(member, its CCF events) */
} rk_gate;

typedef struct rk_basic {
    const char *name, *file;
    const char *key;
    long line;
    int expr;                   /* -1: no expression */
    double p;                   /* current point value (NaN if none) */
    bool defined;
    bool ccf;                   /* a common-cause event made by the CCF expansion */
} rk_basic;

typedef struct rk_house {
    const char *name, *file;
    const char *key;
    long line;
    bool value, defined;
} rk_house;

/* Common-cause group: members fail together. */
typedef enum rk_ccf_model { CCF_BETA = 0, CCF_MGL, CCF_ALPHA } rk_ccf_model;
typedef struct rk_ccf {
    const char *name, *file;
    long line;
    rk_ccf_model model;
    int nmembers, first_member;  /* m->ccf_members: basic-event indices */
    int dist;                    /* expression: total failure probability of a member */
    int nfactors, first_factor;  /* m->ccf_factors: (level, expr) pairs */
} rk_ccf;

struct tg_risk_model {
    tg_pool *pool;
    tg_strmap *names;           /* name -> RK_REF (events and gates share one namespace) */
    tg_strmap *pnames;          /* parameter name -> index */
    rk_gate *gates;   int ngates, gcap;      /* named and anonymous */
    int nnamed_gates;
    int *named;       int ncap_named;        /* named gate indices, in order */
    rk_basic *basics; int nbasics, bcap;
    rk_house *houses; int nhouses, hcap;
    rk_arg *args;     int nargs, acap;
    rk_expr *xs;      int nxs, xcap;
    int *xargs;       int nxargs, xacap;
    rk_param *params; int nparams, pcap;
    rk_ccf *ccfs;     int nccfs, ccap;
    int *ccf_members; int nccf_members, cmcap;
    int *ccf_factors; int nccf_factors, cfcap;   /* pairs (level, expr) */
    double mission_time;
    bool finished;
    bool ccf_expanded;
};

/* model.c */
/* The gates top_gate depends on (itself included), children before
 * parents, as a depth-first walk over the arguments in order finishes
 * them (no recursion): order has room for m->ngates; returns their
 * number, -1 when out of memory.  event_rank (may be NULL; m->nbasics
 * entries): each basic event's rank of first appearance in that walk, -1
 * for the events not reached; *nevents (may be NULL) their number. */
int tg_risk_i_gate_postorder(const tg_risk_model *m, int top_gate, int *order, int *event_rank,
                             int *nevents);
/* Definitions: key is the name in the namespace (a private element's is
 * "container.path.name"), name what reports show; key NULL = name. */
tg_status tg_risk_i_add_gate(tg_risk_model *m, const char *key, const char *name, const char *file,
                             long line, int *idx, char *msg);
tg_status tg_risk_i_add_arg(tg_risk_model *m, int gate, const char *name, int want, int ref,
                            long line, const char *scope, char *msg);
tg_status tg_risk_i_basic(tg_risk_model *m, const char *key, const char *name, const char *file,
                          long line, bool define, int *idx, char *msg);
tg_status tg_risk_i_house(tg_risk_model *m, const char *key, const char *name, const char *file,
                          long line, bool define, int *idx, char *msg);
tg_status tg_risk_i_param(tg_risk_model *m, const char *name, const char *file, long line,
                          int *idx, char *msg);
tg_status tg_risk_i_expr(tg_risk_model *m, rk_xop op, double value, const char *file, long line,
                         int *idx, char *msg);
tg_status tg_risk_i_expr_args(tg_risk_model *m, int x, int nargs, const int *args, char *msg);
const char *tg_risk_i_str(tg_risk_model *m, const char *s, char *msg);
/* Evaluate expression x: point value (rng NULL: deviates give their mean)
 * or one draw (rng given; each parameter use draws anew). */
double tg_risk_i_eval(const tg_risk_model *m, int x, tg_rng *rng);
/* One draw of x within a trial: pcache has m->nparams entries, all NaN at
 * the start of the trial; each parameter is drawn once and reused. */
double tg_risk_i_draw(const tg_risk_model *m, int x, tg_rng *rng, double *pcache);
bool tg_risk_i_is_random(const tg_risk_model *m, int x);
/* Standard normal quantile (inverse cdf) at p in (0, 1); NAN outside. */
double tg_risk_i_normal_quantile(double p);
/* modules.c: is_module[g] for every internal gate g (ngates bytes), below
 * internal gate top. */
tg_status tg_risk_i_modules(const tg_risk_model *m, int top, uint8_t *is_module, char *msg);
extern const char *const tg_risk_i_op_names[TG_RISK_NOP];
extern const char *const tg_risk_i_xop_names[X_NOP];

/* The BDD and ZBDD operations (apply, minimal cut sets, `without`, cut-set
 * walks) recurse once per variable level at most: the analysis refuses
 * trees whose top depends on more basic events than this, so the stack
 * (8 MB, frames larger under ASan) cannot overflow.  Gates are compiled
 * without recursion, so the depth of the tree itself is not limited. */
#define RK_MAX_LEVELS 20000

/* ---- BDD ---------------------------------------------------------------- */

/* Edges are uint32: node index << 1 | complement bit.  Node 0 is the
 * terminal ONE: edge 0 is true, edge 1 false.  The high edge of a stored
 * node is never complemented (canonical form). */
#define BDD_ONE 0u
#define BDD_ZERO 1u
#define BDD_NODE(e) ((e) >> 1)
#define BDD_NEG(e) ((e) ^ 1u)
#define BDD_IS_NEG(e) ((e) & 1u)

typedef struct rk_bnode {
    uint32_t level, hi, lo, next;
} rk_bnode;

typedef struct rk_cache_entry {
    uint32_t a, b, r, op;
} rk_cache_entry;

typedef struct rk_bdd {
    rk_bnode *nodes;
    uint32_t n, cap;
    uint32_t *buckets;          /* unique table heads, 0 = empty (node 0 is terminal) */
    uint32_t nbuckets;
    rk_cache_entry *cache;
    uint32_t ncache;
    int64_t max_nodes;
    bool full;                  /* allocation or budget failure: results invalid */
} rk_bdd;

tg_status tg_risk_i_bdd_init(rk_bdd *b, int64_t max_nodes);
void tg_risk_i_bdd_clear(rk_bdd *b);
uint32_t tg_risk_i_bdd_var(rk_bdd *b, uint32_t level);
uint32_t tg_risk_i_bdd_and(rk_bdd *b, uint32_t f, uint32_t g);
uint32_t tg_risk_i_bdd_or(rk_bdd *b, uint32_t f, uint32_t g);
uint32_t tg_risk_i_bdd_xor(rk_bdd *b, uint32_t f, uint32_t g);
/* Drop the nodes not reachable from the edges of the nlists lists (the
 * edges are renumbered in place; UINT32_MAX entries skipped). */
bool tg_risk_i_bdd_gc(rk_bdd *b, uint32_t *const *lists, const size_t *lens, int nlists);

/* ---- ZBDD --------------------------------------------------------------- */

/* Nodes: 0 is the empty family, 1 the family {{}} (base). */
#define ZB_EMPTY 0u
#define ZB_BASE 1u

typedef struct rk_zbdd {
    rk_bnode *nodes;            /* level, hi, lo, next as in the BDD */
    uint32_t n, cap;
    uint32_t *buckets;
    uint32_t nbuckets;
    rk_cache_entry *cache;
    uint32_t ncache;
    int64_t max_nodes;
    bool full;
} rk_zbdd;

tg_status tg_risk_i_zbdd_init(rk_zbdd *z, int64_t max_nodes);
void tg_risk_i_zbdd_clear(rk_zbdd *z);
/* Grow the computed table to about n entries (a hint: no error if not). */
void tg_risk_i_zbdd_reserve_cache(rk_zbdd *z, uint32_t n);
uint32_t tg_risk_i_zbdd_node(rk_zbdd *z, uint32_t level, uint32_t hi, uint32_t lo);
/* Union of two families (cache op 11). */
uint32_t tg_risk_i_zbdd_union(rk_zbdd *z, uint32_t f, uint32_t g);
uint32_t tg_risk_i_zbdd_without(rk_zbdd *z, uint32_t f, uint32_t g);
/* The minimal sets of f (no set contains another). */
uint32_t tg_risk_i_zbdd_minimal(rk_zbdd *z, uint32_t f);

/* Computed-table slot of (f, g, op) for the ZBDD operations of zbu.c and
 * mocus.c (ops 7, 11 and 41 are bdd.c's: without, union, minimal). */
static inline rk_cache_entry *tg_risk_i_zbdd_slot(rk_zbdd *z, uint32_t f, uint32_t g, uint32_t op)
{
    uint64_t h = ((uint64_t)f * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)g * 0xC2B2AE3D27D4EB4Full) ^
                 ((uint64_t)op * 0x165667B19E3779F9ull);
    h ^= h >> 31;
    return &z->cache[(uint32_t)h & (z->ncache - 1)];
}

/* Level of a ZBDD node (UINT32_MAX for the terminals: below every level). */
static inline uint32_t tg_risk_i_zbdd_level(const rk_zbdd *z, uint32_t f)
{
    return f <= ZB_BASE ? UINT32_MAX : z->nodes[f].level;
}

/* analysis.c, for prime.c: the analysis's BDD, root and variables. */
rk_bdd *tg_risk_i_analysis_bdd(tg_risk_analysis *a, uint32_t *root, int *nvars,
                               const int **var_event, const double **vp, bool *has_prob);

#endif
