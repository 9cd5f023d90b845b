/* lga.c: tg.ga, the Lua binding of the GA engine (tg_ga_solve) and of the
 * k-NN accuracy used for feature selection.
 *
 *   local r = tg.ga.run{encoding = "binary", length = 50, seed = 1,
 *                       fitness = function(x) return count_ones(x) end,
 *                       generations = 100, log = function(s) ... end}
 *   r.best, r.fitness, r.violation, r.evaluations, r.history
 *
 * Genes reach Lua as 1-based arrays: 0/1 for binary, integers for
 * integer, numbers for real, and 1 .. n for permutations.
 *
 * Lua errors longjmp.  tg_ga_solve holds C memory while it calls back, so
 * every call into Lua from a callback goes through lua_pcall of a small C
 * trampoline (which builds the gene table and calls the user's function);
 * an error is parked in a stack slot, the callback returns a failure, the
 * engine frees its memory and returns, and only then is the error raised
 * again, unchanged.  The result lives in a userdata with __gc from the
 * start, so converting it to tables may raise without leaking. */
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "../mining/tg_mining.h"
#include "tg_lua.h"

#define SOL_MT "tg.GaResult"
#define DATA_MT "tg.Dataset"

typedef struct lsol { tg_ga_sol *s; } lsol;

static int sol_gc(lua_State *L)
{
    lsol *u = luaL_checkudata(L, 1, SOL_MT);
    tg_ga_sol_free(&u->s);
    return 0;
}

/* State shared by the callbacks of one run (on l_run's C stack: nothing
 * longjmps past l_run while tg_ga_solve runs). */
typedef struct ctx {
    lua_State *L;
    int fit, rep, log, err;     /* absolute stack slots: functions, parked error */
    int n, nobj;
    tg_ga_encoding enc;
    const int32_t *ilo, *ihi;
    const double *lo, *hi;
    /* in/out of the trampolines */
    int32_t *ig;
    double *rg, *obj, *viol;
    const tg_ga_gen_stats *stats;
    int stop;
} ctx;

static void push_genes(lua_State *L, const ctx *c)
{
    lua_createtable(L, c->n, 0);
    for (int k = 0; k < c->n; k++) {
        if (c->rg) lua_pushnumber(L, c->rg[k]);
        else lua_pushinteger(L, c->ig[k] + (c->enc == TG_GA_PERMUTATION));
        lua_rawseti(L, -2, k + 1);
    }
}

/* [ctx] -> (): calls fitness(x), stores objectives and violation. */
static int tramp_fitness(lua_State *L)
{
    ctx *c = lua_touserdata(L, 1);
    lua_settop(L, 2);           /* ctx, fitness */
    push_genes(L, c);
    lua_call(L, 1, 2);
    /* stack: ctx, f, violation */
    if (c->nobj == 1) {
        if (!lua_isnumber(L, 2)) return luaL_error(L, "ga.run: fitness must return a number (got %s)", luaL_typename(L, 2));
        c->obj[0] = lua_tonumber(L, 2);
    } else {
        if (!lua_istable(L, 2)) return luaL_error(L, "ga.run: fitness must return a table of %d objectives", c->nobj);
        for (int k = 0; k < c->nobj; k++) {
            if (lua_rawgeti(L, 2, k + 1) != LUA_TNUMBER)
                return luaL_error(L, "ga.run: objective %d returned by fitness is not a number", k + 1);
            c->obj[k] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
    }
    if (!lua_isnoneornil(L, 3)) {
        if (!lua_isnumber(L, 3)) return luaL_error(L, "ga.run: the violation returned by fitness must be a number");
        *c->viol = lua_tonumber(L, 3);
        if (!(*c->viol >= 0)) return luaL_error(L, "ga.run: the violation returned by fitness must be >= 0");
    }
    return 0;
}

/* [ctx] -> (): calls repair(x), reads the genes back from the returned
 * table (or x itself if it returns nothing). */
static int tramp_repair(lua_State *L)
{
    ctx *c = lua_touserdata(L, 1);
    lua_settop(L, 2);           /* ctx, repair */
    push_genes(L, c);
    lua_pushvalue(L, -1);
    lua_insert(L, 2);           /* ctx, x, repair, x */
    lua_call(L, 1, 1);
    int t = lua_istable(L, -1) ? lua_gettop(L) : 2;
    for (int k = 0; k < c->n; k++) {
        lua_rawgeti(L, t, k + 1);
        if (c->rg) {
            if (!lua_isnumber(L, -1)) return luaL_error(L, "ga.run: repair: gene %d is not a number", k + 1);
            c->rg[k] = lua_tonumber(L, -1);
        } else {
            int isint = 0;
            lua_Integer v = lua_tointegerx(L, -1, &isint);
            if (!isint) return luaL_error(L, "ga.run: repair: gene %d is not an integer", k + 1);
            v -= c->enc == TG_GA_PERMUTATION;
            if (v < INT32_MIN || v > INT32_MAX) return luaL_error(L, "ga.run: repair: gene %d out of range", k + 1);
            c->ig[k] = (int32_t)v;
        }
        lua_pop(L, 1);
    }
    return 0;
}

static void push_stats(lua_State *L, const tg_ga_gen_stats *s)
{
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, s->generation);
    lua_setfield(L, -2, "generation");
    lua_pushinteger(L, s->evals);
    lua_setfield(L, -2, "evaluations");
    lua_pushnumber(L, s->best);
    lua_setfield(L, -2, "best");
    lua_pushnumber(L, s->mean);
    lua_setfield(L, -2, "mean");
    lua_pushnumber(L, s->worst);
    lua_setfield(L, -2, "worst");
    lua_pushinteger(L, s->feasible);
    lua_setfield(L, -2, "feasible");
    lua_pushinteger(L, s->front);
    lua_setfield(L, -2, "front");
}

/* [ctx] -> (): calls log(stats); a true result asks to stop. */
static int tramp_log(lua_State *L)
{
    ctx *c = lua_touserdata(L, 1);
    lua_settop(L, 2);           /* ctx, log */
    push_stats(L, c->stats);
    lua_call(L, 1, 1);
    c->stop = lua_toboolean(L, -1);
    return 0;
}

/* Run a trampoline under lua_pcall; park an error in slot c->err. */
static tg_status protected(ctx *c, lua_CFunction f, int fn, const char *what, char *msg)
{
    lua_State *L = c->L;
    /* Runs in l_run's frame: fn and c->err index l_run's stack.  The
     * trampoline gets (ctx, user function) as its arguments 1 and 2. */
    if (!lua_checkstack(L, 8)) return tg_msg(msg, TG_ERR_NOMEM, "ga.run: Lua stack overflow");
    lua_pushcfunction(L, f);
    lua_pushlightuserdata(L, c);
    lua_pushvalue(L, fn);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_replace(L, c->err);
        return tg_msg(msg, TG_ERR_LIB, "ga.run: the %s function raised an error", what);
    }
    return TG_OK;
}

static tg_status cb_eval(void *ud, const int32_t *ig, const double *rg, double *obj, double *viol, char *msg)
{
    ctx *c = ud;
    c->ig = (int32_t *)ig;
    c->rg = (double *)rg;
    c->obj = obj;
    c->viol = viol;
    return protected(c, tramp_fitness, c->fit, "fitness", msg);
}

static tg_status cb_repair(void *ud, int32_t *ig, double *rg, char *msg)
{
    ctx *c = ud;
    c->ig = ig;
    c->rg = rg;
    return protected(c, tramp_repair, c->rep, "repair", msg);
}

static int cb_log(void *ud, const tg_ga_gen_stats *s, char *msg)
{
    ctx *c = ud;
    c->stats = s;
    c->stop = 0;
    tg_status st = protected(c, tramp_log, c->log, "log", msg);
    return st != TG_OK ? (int)st : c->stop ? 1 : 0;
}

static int pick(lua_State *L, int idx, const char *key, const char *def, const char *const *names)
{
    const char *v = tg_lua_i_opt_string(L, idx, key, def);
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) return i;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "field '");
    luaL_addstring(&b, key);
    luaL_addstring(&b, "' must be one of");
    for (int i = 0; names[i]; i++) {
        luaL_addstring(&b, i ? ", '" : " '");
        luaL_addstring(&b, names[i]);
        luaL_addstring(&b, "'");
    }
    luaL_pushresult(&b);
    return luaL_argerror(L, idx, lua_tostring(L, -1));
}

/* Bounds field: a number for every gene or an array of n numbers. */
static void bounds(lua_State *L, const char *key, int n, double *out, bool integer)
{
    int t = tg_lua_i_rawfield(L, 1, key);
    if (t == LUA_TNUMBER) {
        for (int k = 0; k < n; k++) out[k] = lua_tonumber(L, -1);
    } else if (t == LUA_TTABLE) {
        if ((int)lua_rawlen(L, -1) != n) luaL_error(L, "ga.run: field '%s' must hold %d numbers", key, n);
        for (int k = 0; k < n; k++) {
            if (lua_rawgeti(L, -1, k + 1) != LUA_TNUMBER) luaL_error(L, "ga.run: field '%s'[%d] is not a number", key, k + 1);
            out[k] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
    } else luaL_error(L, "ga.run: field '%s' (a number or an array of %d numbers) is required", key, n);
    lua_pop(L, 1);
    for (int k = 0; k < n; k++)
        if (!isfinite(out[k]) || (integer && (out[k] != floor(out[k]) || fabs(out[k]) > 2e9)))
            luaL_error(L, "ga.run: field '%s'[%d] must be a finite %s", key, k + 1, integer ? "integer" : "number");
}

static void push_result(lua_State *L, const tg_ga_sol *s, int idx, const tg_ga_config *c)
{
    const int32_t *g = tg_ga_sol_int_genes(s, idx);
    const double *x = tg_ga_sol_real_genes(s, idx);
    lua_createtable(L, c->n, 0);
    for (int k = 0; k < c->n; k++) {
        if (x) lua_pushnumber(L, x[k]);
        else lua_pushinteger(L, g[k] + (c->encoding == TG_GA_PERMUTATION));
        lua_rawseti(L, -2, k + 1);
    }
}

/* tg.ga.run{...} -> result table (see docs/lua-api.md, "tg.ga"). */
static int l_run(lua_State *L)
{
    static const char *const opts[] = {
        "encoding", "length", "lower", "upper", "fitness", "objectives", "minimize", "population", "generations",
        "evaluations", "selection", "tournament", "rank_pressure", "crossover", "crossover_rate", "sbx_eta",
        "mutation", "mutation_rate", "sigma", "pm_eta", "elite", "constraints", "penalty", "repair", "islands",
        "migration_interval", "migrants", "seed", "log", "log_csv", "initial", NULL};
    static const char *const encs[] = {"binary", "integer", "real", "permutation", NULL};
    static const char *const sels[] = {"tournament", "roulette", "rank", "sus", NULL};
    static const char *const cxs[] = {"none", "one_point", "two_point", "uniform", "sbx", "pmx", "order", NULL};
    static const char *const muts[] = {"none", "bitflip", "uniform", "gaussian", "polynomial", "swap", NULL};
    static const char *const cons[] = {"deb", "penalty", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    tg_lua_i_check_options(L, 1, opts);
    tg_ga_encoding enc = (tg_ga_encoding)pick(L, 1, "encoding", "binary", encs);
    long long n = tg_lua_i_opt_integer(L, 1, "length", 0);
    if (n < 1 || n > (1 << 24)) luaL_argerror(L, 1, "field 'length' (genes) must be an integer in 1 .. 2^24");
    tg_ga_config c;
    tg_ga_config_default(&c, enc, (int)n);
    /* Slots 2, 3, 4: fitness, repair, log (nil if absent); 5: parked error. */
    if (tg_lua_i_rawfield(L, 1, "fitness") != LUA_TFUNCTION) luaL_argerror(L, 1, "field 'fitness' must be a function");
    int t = tg_lua_i_rawfield(L, 1, "repair");
    if (t != LUA_TNIL && t != LUA_TFUNCTION) luaL_argerror(L, 1, "field 'repair' must be a function");
    t = tg_lua_i_rawfield(L, 1, "log");
    if (t != LUA_TNIL && t != LUA_TFUNCTION) luaL_argerror(L, 1, "field 'log' must be a function");
    lua_pushnil(L);
    ctx x = {L, 2, 3, 4, 5, (int)n, 1, enc, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    /* Bounds live in a userdata (slot 6): collected by Lua whatever happens. */
    double *lo = NULL, *hi = NULL;
    int32_t *ilo = NULL, *ihi = NULL;
    if (enc == TG_GA_REAL || enc == TG_GA_INTEGER) {
        size_t bytes = (size_t)n * (2 * sizeof(double) + 2 * sizeof(int32_t));
        lo = lua_newuserdatauv(L, bytes, 0);
        hi = lo + n;
        ilo = (int32_t *)(hi + n);
        ihi = ilo + n;
        bounds(L, "lower", (int)n, lo, enc == TG_GA_INTEGER);
        bounds(L, "upper", (int)n, hi, enc == TG_GA_INTEGER);
        for (long long k = 0; k < n && enc != TG_GA_REAL; k++) {   /* integer bounds were range-checked */
            ilo[k] = (int32_t)lo[k];
            ihi[k] = (int32_t)hi[k];
        }
        if (enc == TG_GA_REAL) { c.lo = lo; c.hi = hi; }
        else { c.ilo = ilo; c.ihi = ihi; }
        x.lo = lo; x.hi = hi; x.ilo = ilo; x.ihi = ihi;
    } else lua_pushnil(L);
    long long nobj = tg_lua_i_opt_integer(L, 1, "objectives", 1);
    if (nobj < 1 || nobj > 64) luaL_argerror(L, 1, "field 'objectives' must be in 1 .. 64");
    c.nobj = x.nobj = (int)nobj;
    c.minimize = tg_lua_i_opt_bool(L, 1, "minimize", false);
    long long pop = tg_lua_i_opt_integer(L, 1, "population", c.pop);
    long long gens = tg_lua_i_opt_integer(L, 1, "generations", c.generations);
    long long evals = tg_lua_i_opt_integer(L, 1, "evaluations", 0);
    long long tour = tg_lua_i_opt_integer(L, 1, "tournament", c.tournament);
    long long elite = tg_lua_i_opt_integer(L, 1, "elite", c.elite);
    long long isl = tg_lua_i_opt_integer(L, 1, "islands", c.islands);
    long long mi = tg_lua_i_opt_integer(L, 1, "migration_interval", c.migration_interval);
    long long mg = tg_lua_i_opt_integer(L, 1, "migrants", c.migrants);
    if (pop < 4 || pop > (1 << 22) || gens < 0 || evals < 0 || tour < 2 || tour > 1000000 || elite < 0 ||
        elite >= pop || isl < 1 || isl > 4096 || mi < 1 || mi > (1 << 30) || mg < 0 || mg >= pop)
        luaL_argerror(L, 1, "population >= 4, generations >= 0, evaluations >= 0, tournament >= 2, "
                            "0 <= elite < population, islands >= 1, migration_interval >= 1, 0 <= migrants < population");
    c.pop = (int)pop;
    c.generations = gens;
    c.max_evals = evals;
    c.tournament = (int)tour;
    c.elite = (int)elite;
    c.islands = (int)isl;
    c.migration_interval = (int)mi;
    c.migrants = (int)mg;
    c.selection = (tg_ga_selection)pick(L, 1, "selection", sels[c.selection], sels);
    c.crossover = (tg_ga_crossover)pick(L, 1, "crossover", cxs[c.crossover], cxs);
    c.mutation = (tg_ga_mutation)pick(L, 1, "mutation", muts[c.mutation], muts);
    c.constraints = (tg_ga_constraints)pick(L, 1, "constraints", "deb", cons);
    c.rank_pressure = tg_lua_i_opt_number(L, 1, "rank_pressure", c.rank_pressure);
    c.crossover_rate = tg_lua_i_opt_number(L, 1, "crossover_rate", c.crossover_rate);
    c.sbx_eta = tg_lua_i_opt_number(L, 1, "sbx_eta", c.sbx_eta);
    c.mutation_rate = tg_lua_i_opt_number(L, 1, "mutation_rate", c.mutation_rate);
    c.sigma = tg_lua_i_opt_number(L, 1, "sigma", c.sigma);
    c.pm_eta = tg_lua_i_opt_number(L, 1, "pm_eta", c.pm_eta);
    c.penalty = tg_lua_i_opt_number(L, 1, "penalty", c.penalty);
    c.seed = (uint64_t)tg_lua_i_opt_integer(L, 1, "seed", 1);
    /* The path is copied: the fitness function runs in between and could
     * drop the options table's string. */
    const char *csv_opt = tg_lua_i_opt_string(L, 1, "log_csv", NULL);
    char csvbuf[4096];
    const char *csv = NULL;
    if (csv_opt) {
        if (tg_lua_is_sandboxed(L)) return luaL_error(L, "ga.run: writing files is not allowed in the sandbox");
        if (strlen(csv_opt) >= sizeof csvbuf) luaL_argerror(L, 1, "field 'log_csv': path too long");
        strcpy(csvbuf, csv_opt);
        csv = csvbuf;
    }
    /* Initial individuals: {{genes}, ...}, in a userdata (collected by Lua). */
    if (tg_lua_i_rawfield(L, 1, "initial") != LUA_TNIL) {
        if (!lua_istable(L, -1)) luaL_argerror(L, 1, "field 'initial' must be an array of gene arrays");
        lua_Integer ni = (lua_Integer)lua_rawlen(L, -1);
        if (ni > (lua_Integer)c.pop * c.islands) luaL_argerror(L, 1, "field 'initial' holds more than population x islands");
        int it = lua_gettop(L);
        size_t esz = enc == TG_GA_REAL ? sizeof(double) : sizeof(int32_t);
        void *buf = lua_newuserdatauv(L, esz * (size_t)(ni > 0 ? ni : 1) * (size_t)n, 0);
        for (lua_Integer i = 0; i < ni; i++) {
            if (lua_rawgeti(L, it, i + 1) != LUA_TTABLE || (long long)lua_rawlen(L, -1) != n)
                return luaL_error(L, "ga.run: initial[%d] must be an array of %d genes", (int)i + 1, (int)n);
            for (long long k = 0; k < n; k++) {
                lua_rawgeti(L, -1, k + 1);
                if (enc == TG_GA_REAL) {
                    if (!lua_isnumber(L, -1)) return luaL_error(L, "ga.run: initial[%d][%d] is not a number", (int)i + 1, (int)k + 1);
                    ((double *)buf)[i * n + k] = lua_tonumber(L, -1);
                } else {
                    int isint = 0;
                    lua_Integer v = lua_tointegerx(L, -1, &isint) - (enc == TG_GA_PERMUTATION);
                    if (!isint || v < INT32_MIN || v > INT32_MAX)
                        return luaL_error(L, "ga.run: initial[%d][%d] is not an integer", (int)i + 1, (int)k + 1);
                    ((int32_t *)buf)[i * n + k] = (int32_t)v;
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        if (enc == TG_GA_REAL) c.init_real = buf;
        else c.init_int = buf;
        c.ninit = (int)ni;
    }
    c.eval = cb_eval;
    c.repair = lua_isnil(L, 3) ? NULL : cb_repair;
    c.log = lua_isnil(L, 4) ? NULL : cb_log;
    c.ud = &x;
    /* Slot 7: the result box. */
    lsol *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->s = NULL;
    luaL_setmetatable(L, SOL_MT);
    char msg[TG_MSG_LEN] = "";
    tg_status st = tg_ga_solve(&c, &u->s, msg);
    if (st != TG_OK) {
        if (!lua_isnil(L, 5)) {
            lua_pushvalue(L, 5);
            return lua_error(L);    /* the callback's own error, unchanged */
        }
        return luaL_error(L, "%s", msg);
    }
    const tg_ga_sol *s = u->s;
    if (csv && tg_ga_sol_write_log(s, csv, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 8);
    int res = lua_gettop(L);
    if (c.nobj == 1) {
        push_result(L, s, 0, &c);
        lua_setfield(L, res, "best");
        lua_pushnumber(L, tg_ga_sol_objectives(s, 0)[0]);
        lua_setfield(L, res, "fitness");
        lua_pushnumber(L, tg_ga_sol_violation(s, 0));
        lua_setfield(L, res, "violation");
        lua_pushinteger(L, tg_ga_sol_evals_at_best(s));
        lua_setfield(L, res, "evaluations_at_best");
    } else {
        int F = tg_ga_sol_count(s);
        lua_createtable(L, F, 0);
        for (int i = 0; i < F; i++) {
            lua_createtable(L, 0, 3);
            push_result(L, s, i, &c);
            lua_setfield(L, -2, "genes");
            lua_createtable(L, c.nobj, 0);
            for (int k = 0; k < c.nobj; k++) {
                lua_pushnumber(L, tg_ga_sol_objectives(s, i)[k]);
                lua_rawseti(L, -2, k + 1);
            }
            lua_setfield(L, -2, "objectives");
            lua_pushnumber(L, tg_ga_sol_violation(s, i));
            lua_setfield(L, -2, "violation");
            lua_rawseti(L, -2, i + 1);
        }
        lua_setfield(L, res, "front");
    }
    lua_pushinteger(L, tg_ga_sol_evals(s));
    lua_setfield(L, res, "evaluations");
    lua_pushinteger(L, tg_ga_sol_generations(s));
    lua_setfield(L, res, "generations");
    int64_t nl;
    const tg_ga_gen_stats *hist = tg_ga_sol_log(s, &nl);
    lua_createtable(L, (int)nl, 0);
    for (int64_t i = 0; i < nl; i++) {
        push_stats(L, &hist[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, res, "history");
    return 1;
}

/* tg.ga.hypervolume(points, ref) -> area dominated by 2-objective points
 * (minimised) up to ref = {r1, r2}. */
static int l_hypervolume(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    double ref[2];
    for (int k = 0; k < 2; k++) {
        if (lua_rawgeti(L, 2, k + 1) != LUA_TNUMBER) luaL_argerror(L, 2, "reference point {r1, r2} expected");
        ref[k] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    double *p = lua_newuserdatauv(L, sizeof *p * 2 * (size_t)(n > 0 ? n : 1), 0);
    for (lua_Integer i = 0; i < n; i++) {
        if (lua_rawgeti(L, 1, i + 1) != LUA_TTABLE) luaL_argerror(L, 1, "points must be {f1, f2} tables");
        for (int k = 0; k < 2; k++) {
            if (lua_rawgeti(L, -1, k + 1) != LUA_TNUMBER) luaL_argerror(L, 1, "points must be {f1, f2} tables");
            p[2 * i + k] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    double hv;
    char msg[TG_MSG_LEN] = "";
    if (tg_ga_hypervolume2(p, (int)n, ref, &hv, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushnumber(L, hv);
    return 1;
}

/* ---- datasets for classifiers -------------------------------------------- */

typedef struct ldata { int n, d; double *X; int32_t *y; } ldata;

/* tg.ga.dataset(rows, labels): rows = {{x11, x12, ...}, ...} (numbers),
 * labels = {c1, c2, ...} (integers >= 0 or strings: classes).  The data
 * is copied into the userdata. */
static int l_dataset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    if (n < 2 || n > (1 << 24) || luaL_len(L, 2) != n) luaL_argerror(L, 2, "need at least 2 rows and one label per row");
    if (lua_rawgeti(L, 1, 1) != LUA_TTABLE) luaL_argerror(L, 1, "rows must be tables of numbers");
    lua_Integer d = luaL_len(L, -1);
    lua_pop(L, 1);
    if (d < 1 || d > (1 << 16) || (size_t)n * (size_t)d > ((size_t)1 << 28)) luaL_argerror(L, 1, "bad row length");
    ldata *u = lua_newuserdatauv(L, sizeof *u + sizeof(double) * (size_t)(n * d) + sizeof(int32_t) * (size_t)n, 1);
    u->n = (int)n;
    u->d = (int)d;
    u->X = (double *)(u + 1);
    u->y = (int32_t *)(u->X + n * d);
    int ud = lua_gettop(L);
    lua_newtable(L);            /* class name -> index, for string labels */
    int names = lua_gettop(L);
    int32_t next = 0;
    for (lua_Integer i = 0; i < n; i++) {
        if (lua_rawgeti(L, 1, i + 1) != LUA_TTABLE || luaL_len(L, -1) != d)
            return luaL_error(L, "ga.dataset: row %d must hold %d numbers", (int)i + 1, (int)d);
        for (lua_Integer j = 0; j < d; j++) {
            if (lua_rawgeti(L, -1, j + 1) != LUA_TNUMBER)
                return luaL_error(L, "ga.dataset: row %d, column %d is not a number", (int)i + 1, (int)j + 1);
            u->X[i * d + j] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        int t = lua_rawgeti(L, 2, i + 1);
        if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0 && lua_tointeger(L, -1) < (1 << 20)) {
            u->y[i] = (int32_t)lua_tointeger(L, -1);
        } else if (t == LUA_TSTRING) {
            lua_pushvalue(L, -1);
            if (lua_rawget(L, names) == LUA_TNIL) {
                lua_pop(L, 1);
                lua_pushvalue(L, -1);
                lua_pushinteger(L, next);
                lua_rawset(L, names);
                u->y[i] = next++;
            } else {
                u->y[i] = (int32_t)lua_tointeger(L, -1);
                lua_pop(L, 1);
            }
        } else return luaL_error(L, "ga.dataset: label %d must be an integer >= 0 or a string", (int)i + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_settop(L, ud);
    luaL_setmetatable(L, DATA_MT);
    return 1;
}

/* data:knn_accuracy{features = {true, false, ...} or {1, 0, ...}, k = 5,
 * folds = 5} -> cross-validated accuracy (rows in fold i % folds);
 * with train = m instead: trained on the first m rows, scored on the rest. */
static int d_knn_accuracy(lua_State *L)
{
    static const char *const opts[] = {"features", "k", "folds", "train", NULL};
    ldata *u = luaL_checkudata(L, 1, DATA_MT);
    tg_lua_i_check_options(L, 2, opts);
    long long k = tg_lua_i_opt_integer(L, 2, "k", 5), folds = tg_lua_i_opt_integer(L, 2, "folds", 5);
    if (k < 1 || k > 1000) luaL_argerror(L, 2, "field 'k' must be in 1 .. 1000");
    if (folds < 2 || folds > u->n) luaL_argerror(L, 2, "field 'folds' must be in 2 .. rows");
    long long train = tg_lua_i_opt_integer(L, 2, "train", 0);
    if (train < 0 || train >= u->n) luaL_argerror(L, 2, "field 'train' must be in 1 .. rows - 1");
    unsigned char *mask = NULL;
    if (!lua_isnoneornil(L, 2) && tg_lua_i_rawfield(L, 2, "features") != LUA_TNIL) {
        if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != u->d)
            luaL_argerror(L, 2, lua_pushfstring(L, "field 'features' must be an array of %d flags", u->d));
        mask = lua_newuserdatauv(L, (size_t)u->d, 0);
        for (int j = 0; j < u->d; j++) {
            int t = lua_rawgeti(L, -2, j + 1);
            mask[j] = t == LUA_TBOOLEAN ? (unsigned char)lua_toboolean(L, -1)
                      : t == LUA_TNUMBER ? (unsigned char)(lua_tonumber(L, -1) != 0) : 0;
            lua_pop(L, 1);
        }
    }
    double acc;
    char msg[TG_MSG_LEN] = "";
    tg_status st = train > 0 ? tg_knn_holdout_accuracy(u->X, u->y, u->n, u->d, mask, (int)k, (int)train, &acc, msg)
                             : tg_knn_cv_accuracy(u->X, u->y, u->n, u->d, mask, (int)k, (int)folds, &acc, msg);
    if (st != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushnumber(L, acc);
    return 1;
}

/* data:size() -> rows, columns */
static int d_size(lua_State *L)
{
    ldata *u = luaL_checkudata(L, 1, DATA_MT);
    lua_pushinteger(L, u->n);
    lua_pushinteger(L, u->d);
    return 2;
}

int tg_lua_i_open_ga(lua_State *L)
{
    static const luaL_Reg sol_meta[] = {{"__gc", sol_gc}, {"__close", sol_gc}, {NULL, NULL}};
    static const luaL_Reg data_methods[] = {{"knn_accuracy", d_knn_accuracy}, {"size", d_size}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"run", l_run}, {"hypervolume", l_hypervolume}, {"dataset", l_dataset}, {NULL, NULL}};
    luaL_newmetatable(L, SOL_MT);
    luaL_setfuncs(L, sol_meta, 0);
    lua_pop(L, 1);
    luaL_newmetatable(L, DATA_MT);
    luaL_newlib(L, data_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
