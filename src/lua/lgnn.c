/* lgnn.c: tg.gnn, the Lua binding of src/gnn.
 *
 *   local data = tg.gnn.cora("data/cora")                  -- or tg.gnn.dataset(g, {...})
 *   local m = tg.gnn.model{ tg.gnn.dropout(0.5), tg.gnn.gcn(16, {weight_decay = 5e-4}),
 *                           tg.gnn.relu(), tg.gnn.dropout(0.5), tg.gnn.gcn(7) }
 *   local r = m:fit(data, {epochs = 200, lr = 0.01, window = 10, progress = true, log = "log.csv"})
 *   print(m:evaluate(data, "test"))                        -- accuracy, loss
 *   m:save("cora_gcn.safetensors"); local m2 = tg.gnn.load("cora_gcn.safetensors")
 *   tg.gnn.link(data, {variational = true})                -- {auc, ap, val_auc, val_ap, ...}
 *   m:fit_link(data, {loss = "sampled", schedule = "cosine"}) -- any encoder
 *   local ae = tg.gnn.autoencoder{sensors = 52}; ae:fit(rows); local s, per = ae:score(rows)
 *
 * Layers are plain tables ({kind = "gcn", out = 16, ...}); a model holds
 * them and builds its C model (weights) on the first fit, when the input
 * width is known, or at once with {in_features = n}. */
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "../gnn/tg_gnn.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

#define DATA_MT "tg.GnnData"
#define MODEL_MT "tg.GnnModel"

typedef struct ldata { tg_gnn_data *d; } ldata;
typedef struct lmodel {
    tg_gnn_model *m;            /* NULL until built */
    int nl;
    tg_gnn_layer_spec layers[64];
} lmodel;

static tg_gnn_data *check_data(lua_State *L, int idx)
{
    ldata *u = luaL_checkudata(L, idx, DATA_MT);
    if (!u->d) luaL_error(L, "gnn: attempt to use a closed dataset");
    return u->d;
}

static void push_data(lua_State *L, tg_gnn_data **d)
{
    ldata *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->d = NULL;
    luaL_setmetatable(L, DATA_MT);
    u->d = *d;
    *d = NULL;
}

/* ---- layers ------------------------------------------------------------- */

/* Integer field key of the table at idx, def if absent, checked to lie in
 * lo..hi before any narrowing cast (heads = 2^32 + 1 must not become 1). */
static long long opt_int(lua_State *L, int idx, const char *key, long long def, long long lo, long long hi,
                         const char *fn)
{
    long long v = tg_lua_i_opt_integer(L, idx, key, def);
    if (v < lo || v > hi) luaL_error(L, "%s: field '%s' must be in %I..%I (got %I)", fn, key, (lua_Integer)lo, (lua_Integer)hi,
                                     (lua_Integer)v);
    return v;
}

/* The options each layer kind takes: one that does nothing for a kind
 * (g.gcn(16, {dropout = 0.5})) is an error, not silently ignored. */
static const char *const OPTS_DENSE[] = {"weight_decay", "bias", NULL};
static const char *const OPTS_SAGE[] = {"weight_decay", "bias", "aggr", NULL};
static const char *const OPTS_GIN[] = {"weight_decay", "bias", "eps", NULL};
static const char *const OPTS_GAT[] = {"weight_decay", "bias", "heads", "concat", "dropout", "slope", NULL};
static const char *const OPTS_NONE[] = {NULL};
static const char *const OPTS_GINE[] = {"weight_decay", "bias", "eps", "edge_dim", NULL};
static const char *const OPTS_MPNN[] = {"weight_decay", "bias", "edge_dim", NULL};

/* A layer table {kind = name, out = n, <options>}. */
static int make_layer(lua_State *L, const char *kind, bool has_out, const char *const *opts)
{
    int oi = has_out ? 2 : 1;
    lua_Integer out = 0;
    if (has_out) {
        out = luaL_checkinteger(L, 1);
        luaL_argcheck(L, out >= 1 && out <= (1 << 24), 1, "units must be in 1..2^24");
    }
    if (!lua_isnoneornil(L, oi)) {
        luaL_checktype(L, oi, LUA_TTABLE);
        tg_lua_i_check_options(L, oi, opts);
    }
    lua_createtable(L, 0, 4);
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    if (has_out) {
        lua_pushinteger(L, out);
        lua_setfield(L, -2, "out");
    }
    if (lua_istable(L, oi)) {
        for (int k = 0; opts[k]; k++) {
            lua_getfield(L, oi, opts[k]);
            lua_setfield(L, -2, opts[k]);
        }
    }
    return 1;
}

static int l_linear(lua_State *L) { return make_layer(L, "linear", true, OPTS_DENSE); }
static int l_gcn(lua_State *L) { return make_layer(L, "gcn", true, OPTS_DENSE); }
static int l_sage(lua_State *L) { return make_layer(L, "sage", true, OPTS_SAGE); }
static int l_gin(lua_State *L) { return make_layer(L, "gin", true, OPTS_GIN); }
static int l_gat(lua_State *L) { return make_layer(L, "gat", true, OPTS_GAT); }
static int l_relu(lua_State *L) { return make_layer(L, "relu", false, OPTS_NONE); }
static int l_tanh(lua_State *L) { return make_layer(L, "tanh", false, OPTS_NONE); }
static int l_sum_pool(lua_State *L) { return make_layer(L, "sum_pool", false, OPTS_NONE); }
static int l_layer_norm(lua_State *L) { return make_layer(L, "layer_norm", false, OPTS_NONE); }
static int l_mean_pool(lua_State *L) { return make_layer(L, "mean_pool", false, OPTS_NONE); }
static int l_max_pool(lua_State *L) { return make_layer(L, "max_pool", false, OPTS_NONE); }
static int l_sigmoid(lua_State *L) { return make_layer(L, "sigmoid", false, OPTS_NONE); }
static int l_batch_norm(lua_State *L) { return make_layer(L, "batch_norm", false, OPTS_NONE); }
static int l_gine(lua_State *L) { return make_layer(L, "gine", true, OPTS_GINE); }
static int l_mpnn(lua_State *L) { return make_layer(L, "mpnn", true, OPTS_MPNN); }
static int l_edge_readout(lua_State *L) { return make_layer(L, "edge_readout", false, OPTS_NONE); }

static int l_param_layer(lua_State *L, const char *kind, const char *field, double def)
{
    double v = luaL_optnumber(L, 1, def);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    lua_pushnumber(L, v);
    lua_setfield(L, -2, field);
    return 1;
}

static int l_dropout(lua_State *L)
{
    double p = luaL_optnumber(L, 1, 0.5);
    luaL_argcheck(L, p >= 0 && p < 1, 1, "dropout probability must be in [0, 1)");
    return l_param_layer(L, "dropout", "p", p);
}
static int l_leaky_relu(lua_State *L) { return l_param_layer(L, "leaky_relu", "slope", 0.01); }
static int l_elu(lua_State *L) { return l_param_layer(L, "elu", "alpha", 1.0); }

/* The layer table at idx (layer number k for messages) into a spec. */
static tg_gnn_layer_spec to_spec(lua_State *L, int idx, int k)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) luaL_error(L, "gnn.model: layer %d is not a layer table (use tg.gnn.gcn(16), ...)", k);
    lua_getfield(L, idx, "kind");
    const char *kind = lua_tostring(L, -1);
    int kd = tg_gnn_layer_kind_from_name(kind);
    if (kd < 0) luaL_error(L, "gnn.model: layer %d has an unknown kind '%s'", k, kind ? kind : "nil");
    lua_pop(L, 1);
    tg_gnn_layer_spec s = tg_gnn_layer_default((tg_gnn_layer_kind)kd);
    s.out = opt_int(L, idx, "out", 0, 0, 1 << 24, "gnn.model");
    s.weight_decay = tg_lua_i_opt_number(L, idx, "weight_decay", -1);
    s.bias = tg_lua_i_opt_bool(L, idx, "bias", true);
    s.heads = (int)opt_int(L, idx, "heads", 1, 1, 64, "gnn.model");
    s.concat = tg_lua_i_opt_bool(L, idx, "concat", true);
    s.p = tg_lua_i_opt_number(L, idx, kd == TG_GNN_DROPOUT ? "p" : "dropout", 0);
    s.slope = tg_lua_i_opt_number(L, idx, "slope", s.slope);
    s.alpha = tg_lua_i_opt_number(L, idx, "alpha", 1);
    s.eps = tg_lua_i_opt_number(L, idx, "eps", 0);
    s.edge_dim = opt_int(L, idx, "edge_dim", 0, 0, 1 << 24, "gnn.model");
    if (kd == TG_GNN_SAGE_MEAN) {
        const char *aggr = tg_lua_i_opt_string(L, idx, "aggr", "mean");
        if (strcmp(aggr, "max") == 0) s.kind = TG_GNN_SAGE_MAX;
        else if (strcmp(aggr, "mean") != 0) luaL_error(L, "gnn.model: layer %d: aggr must be 'mean' or 'max'", k);
    }
    return s;
}

/* ---- models -------------------------------------------------------------- */

static lmodel *check_model(lua_State *L, int idx) { return luaL_checkudata(L, idx, MODEL_MT); }

static lmodel *new_model(lua_State *L)
{
    lmodel *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->m = NULL;
    u->nl = 0;
    luaL_setmetatable(L, MODEL_MT);
    return u;
}

/* Build the C model for in_features inputs (seed for the weights). */
static void build(lua_State *L, lmodel *u, int64_t in_f, uint64_t seed)
{
    char msg[TG_MSG_LEN] = "";
    tg_gnn_model *m = NULL;
    if (tg_gnn_model_new(&m, u->nl, u->layers, in_f, seed, msg) != TG_OK) luaL_error(L, "%s", msg);
    tg_gnn_model_free(&u->m);
    u->m = m;
}

/* tg.gnn.model{layer, layer, ...; in_features = n, seed = s} */
static int l_model(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int n = (int)lua_rawlen(L, 1);
    if (n < 1 || n > 64) luaL_argerror(L, 1, "a model needs 1..64 layers");
    lmodel *u = new_model(L);
    for (int k = 1; k <= n; k++) {
        lua_rawgeti(L, 1, k);
        u->layers[k - 1] = to_spec(L, -1, k);
        lua_pop(L, 1);
    }
    u->nl = n;
    lua_Integer in_f = opt_int(L, 1, "in_features", 0, 0, TG_GNN_MAX_IN_FEATURES, "gnn.model");
    if (in_f > 0) build(L, u, in_f, (uint64_t)tg_lua_i_opt_integer(L, 1, "seed", 1));
    return 1;
}

typedef struct fit_ctx { FILE *log; tg_progress bar; bool progress; } fit_ctx;

/* Per-epoch callback: CSV line and progress bar; never raises. */
static int on_epoch(void *ud, const tg_gnn_epoch *e)
{
    fit_ctx *c = ud;
    if (c->log)
        fprintf(c->log, "%d,%.6f,%.6f,%.6f,%.6f,%.3f\n", e->epoch, e->train_loss, e->train_acc, e->val_loss, e->val_acc,
                1000 * e->seconds);
    if (c->progress) tg_progress_update(&c->bar, e->epoch);
    return 0;
}

/* fit's schedule = {kind = "cosine" | "exponential" | "plateau" | "step", warmup, warmup_start,
 * t_max, lr_min, gamma (factor), step, patience, threshold, cooldown} (or just the kind's name)
 * into o->schedule; kind "step" sets o->lr_decay / o->lr_step. */
static void parse_schedule(lua_State *L, int idx, tg_gnn_fit_opts *o)
{
    static const char *const keys[] = {"kind", "warmup", "warmup_start", "t_max", "lr_min", "gamma", "factor",
                                       "step", "patience", "threshold", "cooldown", NULL};
    static const char *const kinds[] = {"step", "cosine", "exponential", "plateau", NULL};
    idx = lua_absindex(L, idx);
    lua_getfield(L, idx, "schedule");
    int top = lua_gettop(L);
    if (lua_isnil(L, top)) {
        lua_pop(L, 1);
        return;
    }
    const char *kind;
    if (lua_type(L, top) == LUA_TSTRING) {
        kind = lua_tostring(L, top);
        lua_newtable(L);   /* all defaults */
        lua_replace(L, top);
    } else {
        if (!lua_istable(L, top)) luaL_error(L, "gnn.fit: field 'schedule' must be a table or a kind name");
        tg_lua_i_check_options(L, top, keys);
        lua_getfield(L, top, "kind");
        kind = lua_tostring(L, -1);
        lua_pop(L, 1);
        if (!kind) luaL_error(L, "gnn.fit: schedule needs a kind ('cosine', 'exponential', 'plateau' or 'step')");
    }
    int k = 0;
    while (kinds[k] && strcmp(kinds[k], kind) != 0) k++;
    if (!kinds[k]) luaL_error(L, "gnn.fit: unknown schedule kind '%s' (cosine, exponential, plateau, step)", kind);
    tg_gnn_schedule sc = tg_gnn_schedule_default((tg_gnn_sched_kind)k);
    sc.warmup = (int)opt_int(L, top, "warmup", 0, 0, INT_MAX, "gnn.fit schedule");
    sc.warmup_start = tg_lua_i_opt_number(L, top, "warmup_start", sc.warmup_start);
    sc.t_max = (int)opt_int(L, top, "t_max", 0, 0, INT_MAX, "gnn.fit schedule");
    sc.lr_min = tg_lua_i_opt_number(L, top, "lr_min", 0);
    sc.gamma = tg_lua_i_opt_number(L, top, "factor", tg_lua_i_opt_number(L, top, "gamma", sc.gamma));
    sc.step = (int)opt_int(L, top, "step", 0, 0, INT_MAX, "gnn.fit schedule");
    sc.patience = (int)opt_int(L, top, "patience", sc.patience, 0, INT_MAX, "gnn.fit schedule");
    sc.threshold = tg_lua_i_opt_number(L, top, "threshold", sc.threshold);
    sc.cooldown = (int)opt_int(L, top, "cooldown", 0, 0, INT_MAX, "gnn.fit schedule");
    if (sc.kind == TG_GNN_SCHED_STEP) {
        o->lr_decay = sc.gamma;
        o->lr_step = sc.step;
    }
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_schedule_check(&sc, msg) != TG_OK) luaL_error(L, "gnn.fit: %s", msg);
    o->schedule = sc;
    lua_pop(L, 1);
}

/* The options table at idx (absent: an empty one), its keys checked against opts. */
static void options_arg(lua_State *L, int idx, const char *const *opts)
{
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        tg_lua_i_check_options(L, idx, opts);
    } else {
        lua_settop(L, idx - 1);
        lua_newtable(L);
    }
}

/* The training options fit, fit_link and ae:fit share: epochs (default
 * epochs), lr, weight_decay, momentum, patience, clip, lr_decay, lr_step,
 * schedule, seed, threads, optimizer. */
static tg_gnn_fit_opts training_opts(lua_State *L, int idx, int epochs, const char *fn)
{
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = (int)opt_int(L, idx, "epochs", epochs, 1, 1000000000, fn);
    o.lr = tg_lua_i_opt_number(L, idx, "lr", o.lr);
    o.weight_decay = tg_lua_i_opt_number(L, idx, "weight_decay", 0);
    o.momentum = tg_lua_i_opt_number(L, idx, "momentum", o.momentum);
    o.patience = (int)opt_int(L, idx, "patience", 0, 0, INT_MAX, fn);
    o.clip = tg_lua_i_opt_number(L, idx, "clip", 0);
    /* fit's older step-decay keys (the others refuse them as unknown);
     * read before the schedule, which may set them */
    o.lr_decay = tg_lua_i_opt_number(L, idx, "lr_decay", 1);
    o.lr_step = (int)opt_int(L, idx, "lr_step", 0, 0, INT_MAX, fn);
    parse_schedule(L, idx, &o);
    o.seed = (uint64_t)tg_lua_i_opt_integer(L, idx, "seed", 1);
    o.threads = (int)opt_int(L, idx, "threads", 0, 0, 1024, fn);
    const char *opt = tg_lua_i_opt_string(L, idx, "optimizer", "adam");
    if (strcmp(opt, "adam") == 0) o.optim = TG_GNN_ADAM;
    else if (strcmp(opt, "adamw") == 0) o.optim = TG_GNN_ADAMW;
    else if (strcmp(opt, "sgd") == 0) o.optim = TG_GNN_SGD;
    else luaL_argerror(L, idx, "field 'optimizer' must be 'adam', 'adamw' or 'sgd'");
    if (!(o.lr > 0)) luaL_argerror(L, idx, "field 'lr' must be > 0");
    return o;
}

/* m:fit(data, {epochs, lr, weight_decay, optimizer, momentum, patience, window,
 *              clip, lr_decay, lr_step, schedule, seed, threads, progress, log, loss, reset}) */
static int m_fit(lua_State *L)
{
    static const char *const opts[] = {"epochs", "lr", "weight_decay", "optimizer", "momentum", "patience", "window",
                                       "clip", "lr_decay", "lr_step", "seed", "threads", "progress", "log", "loss", "reset",
                                       "schedule", NULL};
    lmodel *u = check_model(L, 1);
    tg_gnn_data *d = check_data(L, 2);
    options_arg(L, 3, opts);
    tg_gnn_fit_opts o = training_opts(L, 3, tg_gnn_fit_defaults().epochs, "gnn.fit");
    o.window = (int)opt_int(L, 3, "window", 0, 0, INT_MAX, "gnn.fit");
    const char *loss = tg_lua_i_opt_string(L, 3, "loss", "ce");
    if (strcmp(loss, "ce") == 0) o.loss = TG_GNN_LOSS_CE;
    else if (strcmp(loss, "mse") == 0) o.loss = TG_GNN_LOSS_MSE;
    else if (strcmp(loss, "mae") == 0) o.loss = TG_GNN_LOSS_MAE;
    else luaL_argerror(L, 3, "field 'loss' must be 'ce', 'mse' or 'mae'");
    const char *log = tg_lua_i_opt_string(L, 3, "log", NULL);
    /* reset = false continues from the current weights (fine-tuning a
     * loaded or trained model); by default each fit starts afresh from seed. */
    bool reset = tg_lua_i_opt_bool(L, 3, "reset", true);
    /* The first edge layer takes the data's edge features unless told otherwise. */
    for (int k = 0; k < u->nl && !u->m; k++) {
        tg_gnn_layer_kind kd = u->layers[k].kind;
        if (kd != TG_GNN_GINE && kd != TG_GNN_MPNN && kd != TG_GNN_EDGE_READOUT) continue;
        if (!u->layers[k].edge_dim) u->layers[k].edge_dim = tg_gnn_data_edge_features(d);
        break;
    }
    if (!u->m || tg_gnn_model_in_features(u->m) != tg_gnn_data_features(d)) {
        if (!reset && u->m)
            return luaL_error(L, "gnn.fit: reset = false, but the model takes %I features and the data has %I",
                              (lua_Integer)tg_gnn_model_in_features(u->m), (lua_Integer)tg_gnn_data_features(d));
        build(L, u, tg_gnn_data_features(d), o.seed);
    } else if (reset)
        tg_gnn_model_reset(u->m, o.seed);
    fit_ctx c = {0};
    c.progress = tg_lua_i_opt_bool(L, 3, "progress", true);
    if (log) {
        if (tg_lua_is_sandboxed(L)) return luaL_error(L, "gnn.fit: writing a log is not allowed in the sandbox");
        if (!(c.log = fopen(log, "w"))) return luaL_error(L, "gnn.fit: cannot open %s for writing", log);
        fprintf(c.log, "epoch,train_loss,train_acc,val_loss,val_acc,ms\n");
    }
    if (c.progress) tg_progress_start(&c.bar, "gnn.fit", o.epochs);
    char msg[TG_MSG_LEN] = "";
    tg_gnn_fit_result r;
    tg_status s = tg_gnn_fit(u->m, d, &o, on_epoch, &c, &r, msg);
    if (c.progress) tg_progress_finish(&c.bar);
    if (c.log && fclose(c.log) != 0 && s == TG_OK) s = tg_msg(msg, TG_ERR_IO, "gnn.fit: %s: write failed", log);
    if (s != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, r.epochs);
    lua_setfield(L, -2, "epochs");
    lua_pushinteger(L, r.best_epoch);
    lua_setfield(L, -2, "best_epoch");
    lua_pushnumber(L, r.val_acc);
    lua_setfield(L, -2, "val_acc");
    lua_pushnumber(L, r.val_loss);
    lua_setfield(L, -2, "val_loss");
    lua_pushnumber(L, r.epoch_ms_median);
    lua_setfield(L, -2, "epoch_ms_median");
    return 1;
}

static tg_gnn_model *built(lua_State *L, lmodel *u, const char *fn)
{
    if (!u->m) luaL_error(L, "gnn.%s: the model has no weights yet (fit it, load it or give in_features)", fn);
    return u->m;
}

static int split_arg(lua_State *L, int idx)
{
    static const char *const names[] = {"train", "val", "test", NULL};
    return luaL_checkoption(L, idx, "test", names);
}

/* m:evaluate(data, "train"|"val"|"test") -> accuracy, loss */
static int m_evaluate(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "evaluate");
    tg_gnn_data *d = check_data(L, 2);
    int sp = split_arg(L, 3);
    double loss, acc;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_evaluate(m, d, (tg_gnn_split)sp, &loss, &acc, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushnumber(L, acc);
    lua_pushnumber(L, loss);
    return 2;
}

/* m:evaluate_regression(data, split) -> rmse, mae */
static int m_evaluate_regression(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "evaluate_regression");
    tg_gnn_data *d = check_data(L, 2);
    int sp = split_arg(L, 3);
    double rmse, mae;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_evaluate_regression(m, d, (tg_gnn_split)sp, &rmse, &mae, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushnumber(L, rmse);
    lua_pushnumber(L, mae);
    return 2;
}

/* The model's (arg 1) n x c outputs on the data (arg 2), in a userdata
 * pushed on the stack (Lua frees it). */
static const float *model_outputs(lua_State *L, const char *what, int64_t *n, int64_t *c)
{
    tg_gnn_model *m = built(L, check_model(L, 1), what);
    tg_gnn_data *d = check_data(L, 2);
    *n = tg_gnn_output_rows(m, d);
    *c = tg_gnn_model_out_features(m);
    float *z = lua_newuserdatauv(L, sizeof *z * (size_t)(*n * *c + 1), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_predict(m, d, z, msg) != TG_OK) luaL_error(L, "%s", msg);
    return z;
}

/* m:predict(data) -> {class of node 1, ...} (0-based class numbers; one per
 * graph for a pooling model on batched graphs) */
static int m_predict(lua_State *L)
{
    int64_t n, c;
    const float *z = model_outputs(L, "predict", &n, &c);
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        int64_t arg = 0;
        for (int64_t j = 1; j < c; j++)
            if (z[i * c + j] > z[i * c + arg]) arg = j;
        lua_pushinteger(L, arg);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* m:link_scores(data, {{i, j}, ...}, {variational = false}) -> {p1, ...}:
 * the link probability sigmoid(z_i . z_j) of each node pair (1-based) with
 * the model as encoder, as fit_link trains it (variational: z = mu, the
 * first half of the output) */
static int m_link_scores(lua_State *L)
{
    static const char *const opts[] = {"variational", NULL};
    luaL_checktype(L, 3, LUA_TTABLE);
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        tg_lua_i_check_options(L, 4, opts);
    }
    bool variational = !lua_isnoneornil(L, 4) && tg_lua_i_opt_bool(L, 4, "variational", false);
    lua_settop(L, 3);
    int64_t n, c;
    const float *z = model_outputs(L, "link_scores", &n, &c);
    if (variational && c % 2) return luaL_error(L, "gnn.link_scores: variational, but the output width %I is odd", (lua_Integer)c);
    int64_t dim = variational ? c / 2 : c;
    lua_Integer np = (lua_Integer)luaL_len(L, 3);
    lua_createtable(L, (int)np, 0);
    for (lua_Integer k = 1; k <= np; k++) {
        int64_t ends[2];
        if (lua_rawgeti(L, 3, k) != LUA_TTABLE) return luaL_error(L, "gnn.link_scores: pair %I must be {i, j}", k);
        for (int e = 0; e < 2; e++) {
            lua_rawgeti(L, -1, e + 1);
            int ok;
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            if (!ok || v < 1 || v > n)
                return luaL_error(L, "gnn.link_scores: pair %I: node %d must be an integer in 1..%I", k, e + 1, (lua_Integer)n);
            ends[e] = (int64_t)v - 1;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        double dot = 0;
        for (int64_t j = 0; j < dim; j++) dot += (double)z[ends[0] * c + j] * z[ends[1] * c + j];
        lua_pushnumber(L, 1 / (1 + exp(-dot)));
        lua_rawseti(L, -2, k);
    }
    return 1;
}

/* m:outputs(data) -> {row 1, ...}: the raw outputs (regression), one number per
 * row for a one-output model, else a table per row; rows are nodes, graphs
 * (pooling) or edges (edge readout, in data:edges() order) */
static int m_outputs(lua_State *L)
{
    int64_t n, c;
    const float *z = model_outputs(L, "outputs", &n, &c);
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        if (c == 1) lua_pushnumber(L, z[i]);
        else {
            lua_createtable(L, (int)c, 0);
            for (int64_t j = 0; j < c; j++) {
                lua_pushnumber(L, z[i * c + j]);
                lua_rawseti(L, -2, j + 1);
            }
        }
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* m:edge_saliency(data, row (1-based), output column (0-based)) -> vector of
 * d output / d edge weight, one per edge in data:edges() order */
static int m_edge_saliency(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "edge_saliency");
    tg_gnn_data *d = check_data(L, 2);
    lua_Integer row = luaL_checkinteger(L, 3), col = luaL_optinteger(L, 4, 0);
    luaL_argcheck(L, row >= 1 && row <= tg_gnn_output_rows(m, d), 3, "row out of range");
    luaL_argcheck(L, col >= 0 && col < tg_gnn_model_out_features(m), 4, "output column out of range");
    int64_t ne = tg_gnn_graph_edges(tg_gnn_data_graph(d));
    double *v = tg_lua_i_new_vector(L, ne, 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_edge_saliency(m, d, row - 1, col, v, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

/* m:saliency(data, node (1-based), class (0-based)) -> node scores, feature scores */
static int m_saliency(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "saliency");
    tg_gnn_data *d = check_data(L, 2);
    lua_Integer node = luaL_checkinteger(L, 3), cls = luaL_checkinteger(L, 4);
    int64_t n = tg_gnn_data_nodes(d), f = tg_gnn_data_features(d);
    luaL_argcheck(L, node >= 1 && node <= n, 3, "node out of range");
    luaL_argcheck(L, cls >= 0 && cls < tg_gnn_model_out_features(m), 4, "class out of range");
    double *ns = tg_lua_i_new_vector(L, n, 0);
    double *fs = tg_lua_i_new_vector(L, f, 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_saliency(m, d, node - 1, (int32_t)cls, ns, fs, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 2;
}

/* m:save(path, {key = "value", ...}) */
static int m_save(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "save");
    const char *path = luaL_checkstring(L, 2);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "gnn.save: writing files is not allowed in the sandbox");
    const char *keys[32], *vals[32];
    int nm = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            if (nm == 32) return luaL_error(L, "gnn.save: at most 32 metadata entries");
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "gnn.save: metadata keys and values must be strings");
            keys[nm] = lua_tostring(L, -2);
            vals[nm++] = lua_tostring(L, -1);   /* both stay alive in the table */
            lua_pop(L, 1);
        }
    }
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_model_save(m, path, nm, keys, vals, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 0;
}

static int l_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lmodel *u = new_model(L);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_model_load(path, &u->m, msg) != TG_OK) return luaL_error(L, "%s", msg);
    if (tg_gnn_model_layers(u->m) > 64) return luaL_error(L, "gnn.load: %s: more than 64 layers", path);
    u->nl = tg_gnn_model_layers(u->m);
    for (int k = 0; k < u->nl && k < 64; k++) u->layers[k] = *tg_gnn_model_layer(u->m, k);
    return 1;
}

/* m:weights() -> {name = {rows, cols, values = {...}}, ...} */
static int m_weights(lua_State *L)
{
    tg_gnn_model *m = built(L, check_model(L, 1), "weights");
    lua_createtable(L, 0, tg_gnn_model_params(m));
    for (int k = 0; k < tg_gnn_model_params(m); k++) {
        int64_t r, c;
        const float *v = tg_gnn_model_param(m, k, &r, &c);
        lua_createtable(L, 0, 3);
        lua_pushinteger(L, r);
        lua_setfield(L, -2, "rows");
        lua_pushinteger(L, c);
        lua_setfield(L, -2, "cols");
        lua_createtable(L, (int)(r * c), 0);
        for (int64_t i = 0; i < r * c; i++) {
            lua_pushnumber(L, v[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_setfield(L, -2, "values");
        lua_setfield(L, -2, tg_gnn_model_param_name(m, k));
    }
    return 1;
}

/* m:fit_config() -> "optimizer=adam lr=0.01 ..." ("" before any fit) */
static int m_fit_config(lua_State *L)
{
    lmodel *u = check_model(L, 1);
    lua_pushstring(L, u->m ? tg_gnn_model_fit_config(u->m) : "");
    return 1;
}

static int m_param_count(lua_State *L)
{
    lmodel *u = check_model(L, 1);
    lua_pushinteger(L, u->m ? tg_gnn_model_param_count(u->m) : 0);
    return 1;
}

static int m_describe(lua_State *L)
{
    lmodel *u = check_model(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int k = 0; k < u->nl; k++) {
        const tg_gnn_layer_spec *s = &u->layers[k];
        if (k) luaL_addstring(&b, " -> ");
        luaL_addstring(&b, tg_gnn_layer_name(s->kind));
        if (s->out > 0) {
            char tmp[64];
            if (s->kind == TG_GNN_GAT) snprintf(tmp, sizeof tmp, "(%lldx%d)", (long long)s->out, s->heads);
            else snprintf(tmp, sizeof tmp, "(%lld)", (long long)s->out);
            luaL_addstring(&b, tmp);
        } else if (s->kind == TG_GNN_DROPOUT) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "(%g)", s->p);
            luaL_addstring(&b, tmp);
        }
    }
    luaL_pushresult(&b);
    return 1;
}

static int m_gc(lua_State *L)
{
    lmodel *u = luaL_checkudata(L, 1, MODEL_MT);
    tg_gnn_model_free(&u->m);
    return 0;
}

/* ---- datasets ------------------------------------------------------------ */

/* tg.gnn.cora(dir, {normalize = true}) */
static int l_cora(lua_State *L)
{
    static const char *const opts[] = {"normalize", NULL};
    const char *dir = luaL_checkstring(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool norm = tg_lua_i_opt_bool(L, 2, "normalize", true);
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_data_read_cora(dir, norm, &d, msg) != TG_OK) return luaL_error(L, "gnn.cora: %s", msg);
    push_data(L, &d);
    return 1;
}

/* The strings of list field key of the options table at idx (NULL, 0 if
 * absent), in a userdata left on the stack. */
static const char **name_list(lua_State *L, int idx, const char *key, int *n)
{
    *n = 0;
    int ty = tg_lua_i_rawfield(L, idx, key);
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return NULL;
    }
    if (ty != LUA_TTABLE) luaL_error(L, "gnn: field '%s' must be a list of attribute names", key);
    int k = (int)lua_rawlen(L, -1);
    if (k < 1 || k > 4096) luaL_error(L, "gnn: field '%s' needs 1..4096 names", key);
    const char **names = lua_newuserdatauv(L, sizeof *names * (size_t)k, 1);
    lua_insert(L, -2);
    lua_setiuservalue(L, -2, 1);   /* the userdata keeps the list (and its strings) alive */
    lua_getiuservalue(L, -1, 1);
    for (int q = 0; q < k; q++) {
        lua_rawgeti(L, -1, q + 1);
        names[q] = lua_tostring(L, -1);
        if (!names[q]) luaL_error(L, "gnn: field '%s': names must be strings", key);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *n = k;
    return names;
}

/* edge_features / edge_targets / antisymmetric of the options at idx into d. */
static void edge_attrs(lua_State *L, int idx, tg_gnn_data *d, int64_t ng, const tg_graph *const *gs)
{
    int top = lua_gettop(L), nf, nt;
    const char **fe = name_list(L, idx, "edge_features", &nf);
    const char **te = name_list(L, idx, "edge_targets", &nt);
    bool anti = tg_lua_i_opt_bool(L, idx, "antisymmetric", false);
    char msg[TG_MSG_LEN] = "";
    if (nf + nt > 0 && tg_gnn_data_edge_attrs(d, ng, gs, nf, fe, nt, te, anti, msg) != TG_OK)
        luaL_error(L, "%s", msg);
    lua_settop(L, top);
}

/* tg.gnn.dataset(graph, {features = {"a", "b"}, label = "cls", split = "split"}) */
static int l_dataset(lua_State *L)
{
    static const char *const opts[] = {"features", "label", "split", "targets", "edge_features", "edge_targets",
                                       "antisymmetric", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    if (tg_lua_i_rawfield(L, 2, "features") != LUA_TTABLE) luaL_argerror(L, 2, "field 'features' must be a list of attribute names");
    int nf = (int)lua_rawlen(L, -1);
    if (nf < 1 || nf > 4096) luaL_argerror(L, 2, "field 'features' needs 1..4096 names");
    const char **names = lua_newuserdatauv(L, sizeof *names * (size_t)nf, 0);
    for (int k = 0; k < nf; k++) {
        lua_rawgeti(L, -2, k + 1);
        names[k] = lua_tostring(L, -1);
        if (!names[k]) luaL_argerror(L, 2, "feature names must be strings");
        lua_pop(L, 1);   /* still referenced by the features table */
    }
    const char *label = tg_lua_i_opt_string(L, 2, "label", NULL), *split = tg_lua_i_opt_string(L, 2, "split", NULL);
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_data_from_graph(g, nf, names, label, split, &d, msg) != TG_OK) return luaL_error(L, "%s", msg);
    push_data(L, &d);   /* owned by Lua from here */
    tg_gnn_data *dd = check_data(L, -1);
    if (tg_lua_i_rawfield(L, 2, "targets") == LUA_TTABLE) {
        /* Numeric node attributes as regression targets (n x t). */
        int nt = (int)lua_rawlen(L, -1);
        int64_t n = tg_gnn_data_nodes(dd);
        if (nt < 1 || nt > 4096) luaL_argerror(L, 2, "field 'targets' needs 1..4096 names");
        double *col = lua_newuserdatauv(L, sizeof *col * (size_t)(n ? n : 1), 0);
        float *y = lua_newuserdatauv(L, sizeof *y * (size_t)(n * nt + 1), 0);
        for (int k = 0; k < nt; k++) {
            lua_rawgeti(L, -3, k + 1);
            const char *name = lua_tostring(L, -1);
            if (!name) luaL_argerror(L, 2, "target names must be strings");
            if (tg_graph_attr_numeric(g, TG_NODES, name, false, col, msg) != TG_OK) return luaL_error(L, "%s", msg);
            for (int64_t i = 0; i < n; i++) y[i * nt + k] = (float)col[i];
            lua_pop(L, 1);
        }
        if (tg_gnn_data_set_targets(dd, nt, y, msg) != TG_OK) return luaL_error(L, "gnn.dataset: %s", msg);
        lua_pop(L, 2);
    } else if (!lua_isnil(L, -1)) luaL_argerror(L, 2, "field 'targets' must be a list of attribute names");
    lua_pop(L, 1);
    const tg_graph *gs[1] = {g};
    edge_attrs(L, 2, dd, 1, gs);
    return 1;
}

/* tg.gnn.batch({g1, g2, ...}, {features = {"a"}, labels = {0, 1, ...},
 *               split = {"train", "test", ...}}) -> graph-level dataset */
static int l_batch(lua_State *L)
{
    static const char *const opts[] = {"features", "labels", "split", "targets", "edge_features", "edge_targets",
                                       "antisymmetric", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    lua_Integer ng = (lua_Integer)lua_rawlen(L, 1);
    if (ng < 1 || ng > 10000000) luaL_argerror(L, 1, "need a list of 1.. graphs");
    const tg_graph **gs = lua_newuserdatauv(L, sizeof *gs * (size_t)ng, 0);
    int32_t *lab = lua_newuserdatauv(L, sizeof *lab * (size_t)ng, 0);
    uint8_t *sp = lua_newuserdatauv(L, (size_t)ng, 0);
    int scratch = lua_gettop(L);
    for (lua_Integer k = 1; k <= ng; k++) {
        lua_rawgeti(L, 1, k);
        gs[k - 1] = tg_lua_i_graph(L, -1);   /* the list keeps the graph alive */
        lua_pop(L, 1);
    }
    int lt = tg_lua_i_rawfield(L, 2, "labels");
    bool has_targets = tg_lua_i_rawfield(L, 2, "targets") != LUA_TNIL;
    lua_pop(L, 1);
    if (lt == LUA_TNIL) {   /* regression (graph or edge targets): no classes */
        lua_pop(L, 1);
        lua_createtable(L, (int)ng, 0);
        for (lua_Integer k = 1; k <= ng; k++) {
            lua_pushinteger(L, 0);
            lua_rawseti(L, -2, k);
        }
    } else if (lt != LUA_TTABLE || (lua_Integer)lua_rawlen(L, -1) != ng)
        luaL_argerror(L, 2, "field 'labels' must list one class number per graph");
    for (lua_Integer k = 1; k <= ng; k++) {
        lua_rawgeti(L, -1, k);
        int ok;
        lua_Integer c = lua_tointegerx(L, -1, &ok);
        if (!ok || c < 0 || c > 1000000) luaL_argerror(L, 2, "labels must be class numbers >= 0");
        lab[k - 1] = (int32_t)c;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    bool has_split = tg_lua_i_rawfield(L, 2, "split") == LUA_TTABLE;
    if (has_split) {
        if ((lua_Integer)lua_rawlen(L, -1) != ng) luaL_argerror(L, 2, "field 'split' must have one entry per graph");
        for (lua_Integer k = 1; k <= ng; k++) {
            lua_rawgeti(L, -1, k);
            const char *v = lua_tostring(L, -1);
            sp[k - 1] = !v ? 255 : strcmp(v, "train") == 0 ? 0 : strcmp(v, "val") == 0 ? 1 : strcmp(v, "test") == 0 ? 2 : 255;
            lua_pop(L, 1);
        }
    }
    lua_settop(L, scratch);
    if (tg_lua_i_rawfield(L, 2, "features") != LUA_TTABLE) luaL_argerror(L, 2, "field 'features' must be a list of attribute names");
    int nf = (int)lua_rawlen(L, -1);
    if (nf < 1 || nf > 4096) luaL_argerror(L, 2, "field 'features' needs 1..4096 names");
    const char **names = lua_newuserdatauv(L, sizeof *names * (size_t)nf, 0);
    for (int k = 0; k < nf; k++) {
        lua_rawgeti(L, -2, k + 1);
        names[k] = lua_tostring(L, -1);
        if (!names[k]) luaL_argerror(L, 2, "feature names must be strings");
        lua_pop(L, 1);
    }
    tg_gnn_data *d = NULL;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_data_batch_graphs(ng, (const tg_graph *const *)gs, nf, names, lab, has_split ? sp : NULL, &d, msg) != TG_OK)
        return luaL_error(L, "%s", msg);
    push_data(L, &d);
    tg_gnn_data *dd = check_data(L, -1);
    if (has_targets) {
        /* Graph-level regression targets: one number, or one list of t numbers, per graph. */
        lua_getfield(L, 2, "targets");
        if (!lua_istable(L, -1) || (lua_Integer)lua_rawlen(L, -1) != ng)
            luaL_argerror(L, 2, "field 'targets' must list one target (a number or a list) per graph");
        lua_rawgeti(L, -1, 1);
        lua_Integer t = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 1;
        lua_pop(L, 1);
        if (t < 1 || t > 4096) luaL_argerror(L, 2, "field 'targets': 1..4096 values per graph");
        float *y = lua_newuserdatauv(L, sizeof *y * (size_t)(ng * t), 0);
        for (lua_Integer k = 1; k <= ng; k++) {
            lua_rawgeti(L, -2, k);
            for (lua_Integer j = 1; j <= t; j++) {
                int ok;
                if (lua_istable(L, -1)) lua_rawgeti(L, -1, j);
                else lua_pushvalue(L, -1);
                lua_Number v = lua_tonumberx(L, -1, &ok);
                if (!ok || (lua_istable(L, -2) && (lua_Integer)lua_rawlen(L, -2) != t) || (!lua_istable(L, -2) && t != 1))
                    luaL_argerror(L, 2, "field 'targets': every graph needs the same number of numeric targets");
                y[(k - 1) * t + j - 1] = (float)v;
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        if (tg_gnn_data_set_graph_targets(dd, t, y, msg) != TG_OK) return luaL_error(L, "gnn.batch: %s", msg);
        lua_pop(L, 2);
    }
    edge_attrs(L, 2, dd, ng, (const tg_graph *const *)gs);
    return 1;
}

static int d_info(lua_State *L)
{
    tg_gnn_data *d = check_data(L, 1);
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, tg_gnn_data_nodes(d));
    lua_setfield(L, -2, "nodes");
    lua_pushinteger(L, tg_gnn_graph_edges(tg_gnn_data_graph(d)));
    lua_setfield(L, -2, "edges");
    lua_pushinteger(L, tg_gnn_data_features(d));
    lua_setfield(L, -2, "features");
    lua_pushinteger(L, tg_gnn_data_classes(d));
    lua_setfield(L, -2, "classes");
    lua_pushinteger(L, tg_gnn_data_split_count(d, TG_GNN_TRAIN));
    lua_setfield(L, -2, "train");
    lua_pushinteger(L, tg_gnn_data_split_count(d, TG_GNN_VAL));
    lua_setfield(L, -2, "val");
    lua_pushinteger(L, tg_gnn_data_split_count(d, TG_GNN_TEST));
    lua_setfield(L, -2, "test");
    lua_pushinteger(L, tg_gnn_data_graphs(d));
    lua_setfield(L, -2, "graphs");
    lua_pushinteger(L, tg_gnn_data_edge_features(d));
    lua_setfield(L, -2, "edge_features");
    return 1;
}

static void push_floats(lua_State *L, const float *v, int64_t n)
{
    lua_createtable(L, (int)n, 0);
    for (int64_t j = 0; j < n; j++) {
        lua_pushnumber(L, v[j]);
        lua_rawseti(L, -2, j + 1);
    }
}

/* data:edges() -> {{src, dst, x = {edge features}, y = {edge targets},
 * split = "train"|"val"|"test"}, ...}: the directed edges (1-based nodes) in
 * the order of edge outputs and edge saliency; x, y, split when present */
static int d_edges(lua_State *L)
{
    static const char *const SPLITS[] = {"train", "val", "test"};
    tg_gnn_data *d = check_data(L, 1);
    const tg_gnn_graph *g = tg_gnn_data_graph(d);
    int64_t m = tg_gnn_graph_edges(g), fe = tg_gnn_data_edge_features(d), te;
    const float *x = tg_gnn_data_edge_feature_values(d), *y = tg_gnn_data_edge_target_values(d, &te);
    const uint8_t *sp = tg_gnn_data_edge_split(d);
    lua_createtable(L, (int)m, 0);
    for (int64_t e = 0; e < m; e++) {
        int64_t s, t;
        tg_gnn_graph_edge(g, e, &s, &t);
        lua_createtable(L, 2, 3);
        lua_pushinteger(L, s + 1);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, t + 1);
        lua_rawseti(L, -2, 2);
        if (x) {
            push_floats(L, x + e * fe, fe);
            lua_setfield(L, -2, "x");
        }
        if (y) {
            push_floats(L, y + e * te, te);
            lua_setfield(L, -2, "y");
            if (sp[e] <= 2) {
                lua_pushstring(L, SPLITS[sp[e]]);
                lua_setfield(L, -2, "split");
            }
        }
        lua_rawseti(L, -2, e + 1);
    }
    return 1;
}

static int d_class_name(lua_State *L)
{
    tg_gnn_data *d = check_data(L, 1);
    lua_Integer c = luaL_checkinteger(L, 2);
    const char *s = c >= 0 && c <= INT32_MAX ? tg_gnn_data_class_name(d, (int32_t)c) : NULL;
    if (s) lua_pushstring(L, s);
    else lua_pushnil(L);
    return 1;
}

static int d_gc(lua_State *L)
{
    ldata *u = luaL_checkudata(L, 1, DATA_MT);
    tg_gnn_data_free(&u->d);
    return 0;
}

static void push_link_result(lua_State *L, const tg_gnn_link_result *r);

/* tg.gnn.link(data, {variational, hidden, latent, epochs, lr, seed, val, test, sampled}) */
static int l_link(lua_State *L)
{
    static const char *const opts[] = {"variational", "hidden", "latent", "epochs", "lr", "seed", "val", "test", "sampled", NULL};
    tg_gnn_data *d = check_data(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    tg_gnn_link_opts o = tg_gnn_link_defaults();
    o.variational = tg_lua_i_opt_bool(L, 2, "variational", false);
    o.hidden = opt_int(L, 2, "hidden", o.hidden, 1, 1 << 24, "gnn.link");
    o.latent = opt_int(L, 2, "latent", o.latent, 1, 1 << 24, "gnn.link");
    o.epochs = (int)opt_int(L, 2, "epochs", o.epochs, 1, 1000000000, "gnn.link");
    o.lr = tg_lua_i_opt_number(L, 2, "lr", o.lr);
    o.seed = (uint64_t)tg_lua_i_opt_integer(L, 2, "seed", 1);
    o.val_frac = tg_lua_i_opt_number(L, 2, "val", o.val_frac);
    o.test_frac = tg_lua_i_opt_number(L, 2, "test", o.test_frac);
    o.sampled = tg_lua_i_opt_bool(L, 2, "sampled", false);
    tg_gnn_link_result r;
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_link_train(d, &o, &r, msg) != TG_OK) return luaL_error(L, "%s", msg);
    push_link_result(L, &r);
    return 1;
}

static void push_link_result(lua_State *L, const tg_gnn_link_result *rp)
{
    tg_gnn_link_result r = *rp;
    lua_createtable(L, 0, 10);
    lua_pushinteger(L, r.val_edges);
    lua_setfield(L, -2, "val_edges");
    lua_pushinteger(L, r.epochs);
    lua_setfield(L, -2, "epochs");
    lua_pushinteger(L, r.best_epoch);
    lua_setfield(L, -2, "best_epoch");
    lua_pushnumber(L, r.epoch_ms_median);
    lua_setfield(L, -2, "epoch_ms_median");
    lua_pushnumber(L, r.auc);
    lua_setfield(L, -2, "auc");
    lua_pushnumber(L, r.ap);
    lua_setfield(L, -2, "ap");
    lua_pushnumber(L, r.val_auc);
    lua_setfield(L, -2, "val_auc");
    lua_pushnumber(L, r.val_ap);
    lua_setfield(L, -2, "val_ap");
    lua_pushinteger(L, r.train_edges);
    lua_setfield(L, -2, "train_edges");
    lua_pushinteger(L, r.test_edges);
    lua_setfield(L, -2, "test_edges");
}

/* m:fit_link(data, {epochs, lr, weight_decay, optimizer, momentum, patience, clip, schedule, seed,
 *                   threads, val, test, split_seed, variational, loss = "sampled" | "full", reset,
 *                   progress}): link prediction with the model as encoder. */
static int m_fit_link(lua_State *L)
{
    static const char *const opts[] = {"epochs", "lr", "weight_decay", "optimizer", "momentum", "patience", "clip",
                                       "schedule", "seed", "threads", "val", "test", "split_seed", "variational",
                                       "loss", "reset", "progress", NULL};
    lmodel *u = check_model(L, 1);
    tg_gnn_data *d = check_data(L, 2);
    options_arg(L, 3, opts);
    tg_gnn_fit_opts o = training_opts(L, 3, tg_gnn_fit_defaults().epochs, "gnn.fit_link");
    tg_gnn_link_task k = tg_gnn_link_task_defaults();
    k.val_frac = tg_lua_i_opt_number(L, 3, "val", k.val_frac);
    k.test_frac = tg_lua_i_opt_number(L, 3, "test", k.test_frac);
    k.split_seed = (uint64_t)tg_lua_i_opt_integer(L, 3, "split_seed", 1);
    k.variational = tg_lua_i_opt_bool(L, 3, "variational", false);
    const char *loss = tg_lua_i_opt_string(L, 3, "loss", "sampled");
    if (strcmp(loss, "full") == 0) k.full_loss = true;
    else if (strcmp(loss, "sampled") != 0) luaL_argerror(L, 3, "field 'loss' must be 'sampled' or 'full'");
    bool reset = tg_lua_i_opt_bool(L, 3, "reset", true);
    if (!u->m || tg_gnn_model_in_features(u->m) != tg_gnn_data_features(d)) {
        if (!reset && u->m)
            return luaL_error(L, "gnn.fit_link: reset = false, but the model takes %I features and the data has %I",
                              (lua_Integer)tg_gnn_model_in_features(u->m), (lua_Integer)tg_gnn_data_features(d));
        build(L, u, tg_gnn_data_features(d), o.seed);
    } else if (reset)
        tg_gnn_model_reset(u->m, o.seed);
    fit_ctx c = {0};
    c.progress = tg_lua_i_opt_bool(L, 3, "progress", false);
    if (c.progress) tg_progress_start(&c.bar, "gnn.fit_link", o.epochs);
    char msg[TG_MSG_LEN] = "";
    tg_gnn_link_result r;
    tg_status s = tg_gnn_link_fit(u->m, d, &o, &k, c.progress ? on_epoch : NULL, &c, &r, msg);
    if (c.progress) tg_progress_finish(&c.bar);
    if (s != TG_OK) return luaL_error(L, "%s", msg);
    push_link_result(L, &r);
    return 1;
}

/* ---- dense autoencoder ------------------------------------------------------ */

#define AE_MT "tg.GnnAutoencoder"

typedef struct lae { tg_gnn_ae *ae; } lae;

static tg_gnn_ae *check_ae(lua_State *L, int idx)
{
    lae *u = luaL_checkudata(L, idx, AE_MT);
    if (!u->ae) luaL_error(L, "gnn: attempt to use a closed autoencoder");
    return u->ae;
}

/* The table of rows at idx (n rows of p numbers) as a new float array
 * (tg_malloc'd, in a box on the stack so an error frees it). */
static float *rows_arg(lua_State *L, int idx, int64_t p, int64_t *n_out, const char *fn)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n < 1) luaL_error(L, "%s: no rows", fn);
    float **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, "tg.GnnRowsBox");
    float *x = tg_malloc(sizeof *x * (size_t)n * (size_t)p);
    if (!x) luaL_error(L, "%s: out of memory", fn);
    *box = x;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (!lua_istable(L, -1) || (int64_t)lua_rawlen(L, -1) != p)
            luaL_error(L, "%s: row %I must be a table of %I numbers", fn, i, (lua_Integer)p);
        for (int64_t j = 1; j <= p; j++) {
            lua_rawgeti(L, -1, j);
            int ok;
            lua_Number v = lua_tonumberx(L, -1, &ok);
            if (!ok) luaL_error(L, "%s: row %I, column %I is not a number", fn, i, (lua_Integer)j);
            x[(i - 1) * p + (j - 1)] = (float)v;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    *n_out = n;
    return x;
}

static int rows_box_gc(lua_State *L)
{
    float **box = lua_touserdata(L, 1);
    tg_free(*box);
    *box = NULL;
    return 0;
}

/* tg.gnn.autoencoder{sensors = p, hidden = {16, 4}, activation = "tanh", val = 0.1, quantile = 0.99, seed = 1} */
static int l_autoencoder(lua_State *L)
{
    static const char *const opts[] = {"sensors", "hidden", "activation", "val", "quantile", "seed", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    tg_lua_i_check_options(L, 1, opts);
    tg_gnn_ae_opts o = tg_gnn_ae_defaults();
    int64_t p = opt_int(L, 1, "sensors", 0, 1, 1 << 24, "gnn.autoencoder");
    lua_getfield(L, 1, "hidden");
    if (!lua_isnil(L, -1)) {
        if (!lua_istable(L, -1)) luaL_error(L, "gnn.autoencoder: 'hidden' must be a list of widths");
        o.nhidden = (int)lua_rawlen(L, -1);
        if (o.nhidden < 1 || o.nhidden > 8) luaL_error(L, "gnn.autoencoder: 1..8 hidden widths");
        for (int k = 0; k < o.nhidden; k++) {
            lua_rawgeti(L, -1, k + 1);
            int ok;
            lua_Integer w = lua_tointegerx(L, -1, &ok);
            if (!ok || w < 1 || w > (1 << 24)) luaL_error(L, "gnn.autoencoder: hidden width %d must be in 1..2^24", k + 1);
            o.hidden[k] = w;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    const char *act = tg_lua_i_opt_string(L, 1, "activation", "tanh");
    int kd = tg_gnn_layer_kind_from_name(act);
    if (kd < 0) luaL_error(L, "gnn.autoencoder: unknown activation '%s'", act);
    o.act = (tg_gnn_layer_kind)kd;
    o.val_frac = tg_lua_i_opt_number(L, 1, "val", o.val_frac);
    o.quantile = tg_lua_i_opt_number(L, 1, "quantile", o.quantile);
    o.seed = (uint64_t)tg_lua_i_opt_integer(L, 1, "seed", 1);
    lae *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->ae = NULL;
    luaL_setmetatable(L, AE_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_ae_new(&u->ae, p, &o, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

/* ae:fit(rows, {epochs = 300, lr = 0.01, weight_decay, optimizer, patience, clip, schedule, seed, threads}) */
static int ae_fit(lua_State *L)
{
    static const char *const opts[] = {"epochs", "lr", "weight_decay", "optimizer", "patience", "clip", "schedule",
                                       "seed", "threads", NULL};
    tg_gnn_ae *ae = check_ae(L, 1);
    int64_t n;
    float *x = rows_arg(L, 2, tg_gnn_ae_sensors(ae), &n, "gnn.autoencoder:fit");
    options_arg(L, 3, opts);
    tg_gnn_fit_opts o = training_opts(L, 3, 300, "gnn.autoencoder:fit");
    char msg[TG_MSG_LEN] = "";
    tg_gnn_fit_result r;
    if (tg_gnn_ae_fit(ae, n, x, &o, &r, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, r.epochs);
    lua_setfield(L, -2, "epochs");
    lua_pushinteger(L, r.best_epoch);
    lua_setfield(L, -2, "best_epoch");
    lua_pushnumber(L, r.val_loss);
    lua_setfield(L, -2, "val_loss");
    lua_pushnumber(L, tg_gnn_ae_threshold(ae));
    lua_setfield(L, -2, "threshold");
    return 1;
}

/* ae:score(rows) -> per-sample scores, per-sample per-sensor squared errors */
static int ae_score(lua_State *L)
{
    tg_gnn_ae *ae = check_ae(L, 1);
    int64_t n, p = tg_gnn_ae_sensors(ae);
    float *x = rows_arg(L, 2, p, &n, "gnn.autoencoder:score");
    double *buf = lua_newuserdatauv(L, sizeof(double) * (size_t)(n + n * p), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_ae_score(ae, n, x, buf, buf + n, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_pushnumber(L, buf[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_createtable(L, (int)p, 0);
        for (int64_t j = 0; j < p; j++) {
            lua_pushnumber(L, buf[n + i * p + j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

static int ae_threshold(lua_State *L)
{
    lua_pushnumber(L, tg_gnn_ae_threshold(check_ae(L, 1)));
    return 1;
}

/* ae:save(path): the fitted autoencoder with its standardisation */
static int ae_save(lua_State *L)
{
    tg_gnn_ae *ae = check_ae(L, 1);
    const char *path = luaL_checkstring(L, 2);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_ae_save(ae, path, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 0;
}

/* tg.gnn.load_autoencoder(path) -> a fitted autoencoder */
static int l_load_autoencoder(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lae *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->ae = NULL;
    luaL_setmetatable(L, AE_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_gnn_ae_load(path, &u->ae, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

static int ae_gc(lua_State *L)
{
    lae *u = luaL_checkudata(L, 1, AE_MT);
    tg_gnn_ae_free(&u->ae);
    return 0;
}

static int ae_tostring(lua_State *L)
{
    tg_gnn_ae *ae = check_ae(L, 1);
    lua_pushfstring(L, "tg.gnn.autoencoder(%I sensors, %I parameters)", (lua_Integer)tg_gnn_ae_sensors(ae),
                    (lua_Integer)tg_gnn_model_param_count(tg_gnn_ae_model(ae)));
    return 1;
}

int tg_lua_i_open_gnn(lua_State *L)
{
    static const luaL_Reg model_methods[] = {
        {"fit", m_fit},
        {"fit_link", m_fit_link},
        {"link_scores", m_link_scores},
        {"evaluate", m_evaluate},
        {"evaluate_regression", m_evaluate_regression},
        {"predict", m_predict},
        {"outputs", m_outputs},
        {"saliency", m_saliency},
        {"edge_saliency", m_edge_saliency},
        {"save", m_save},
        {"weights", m_weights},
        {"param_count", m_param_count},
        {"describe", m_describe},
        {"fit_config", m_fit_config},
        {"close", m_gc},
        {NULL, NULL},
    };
    static const luaL_Reg model_meta[] = {{"__gc", m_gc}, {"__close", m_gc}, {"__tostring", m_describe}, {NULL, NULL}};
    static const luaL_Reg data_methods[] = {{"info", d_info}, {"edges", d_edges}, {"class_name", d_class_name}, {"close", d_gc}, {NULL, NULL}};
    static const luaL_Reg data_meta[] = {{"__gc", d_gc}, {"__close", d_gc}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"model", l_model},     {"load", l_load},       {"cora", l_cora},       {"dataset", l_dataset},
        {"link", l_link},       {"linear", l_linear},   {"gcn", l_gcn},         {"sage", l_sage},
        {"gin", l_gin},         {"gat", l_gat},         {"relu", l_relu},       {"leaky_relu", l_leaky_relu},
        {"elu", l_elu},         {"tanh", l_tanh},       {"sigmoid", l_sigmoid}, {"dropout", l_dropout},
        {"sum_pool", l_sum_pool}, {"mean_pool", l_mean_pool}, {"max_pool", l_max_pool}, {"batch", l_batch},
        {"layer_norm", l_layer_norm}, {"batch_norm", l_batch_norm}, {"gine", l_gine}, {"mpnn", l_mpnn},
        {"edge_readout", l_edge_readout}, {"autoencoder", l_autoencoder}, {"load_autoencoder", l_load_autoencoder},
        {NULL, NULL},
    };
    luaL_newmetatable(L, MODEL_MT);
    luaL_setfuncs(L, model_meta, 0);
    luaL_newlib(L, model_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, DATA_MT);
    luaL_setfuncs(L, data_meta, 0);
    luaL_newlib(L, data_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    static const luaL_Reg ae_methods[] = {{"fit", ae_fit},   {"score", ae_score}, {"threshold", ae_threshold},
                                          {"save", ae_save}, {"close", ae_gc},    {NULL, NULL}};
    static const luaL_Reg ae_meta[] = {{"__gc", ae_gc}, {"__close", ae_gc}, {"__tostring", ae_tostring}, {NULL, NULL}};
    luaL_newmetatable(L, AE_MT);
    luaL_setfuncs(L, ae_meta, 0);
    luaL_newlib(L, ae_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, "tg.GnnRowsBox");
    lua_pushcfunction(L, rows_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
