-- gnn_surrogate.lua: a graph neural network as a surrogate of DC power flow.
--
--   twingraph scripts/lua/examples/gnn_surrogate.lua [--grids N] [--epochs E] [--seed S] [--json]
--
-- Generates N random grids (10..20 buses: a random spanning tree plus n/3
-- extra lines, reactances U(0.1, 1), loads U(0.2, 1) at every bus, three
-- generators sharing the total load), solves each with the simulator
-- (tg.sim.grid(g):dcpf()), and trains an MPNN (MeshGraphNets-style blocks:
-- edge MLP and node MLP with residuals) to predict every line's flow from
-- the bus injections and line susceptance / reactance.  Graphs 1, 6, 11...
-- are the test set, 2, 7, ... validation, the rest training.  Prints the
-- test RMSE (per unit) of the MPNN, of the mean predictor and of a linear
-- regression of each directed edge's flow on what the edge sees locally
-- (P_source, P_target, b, x, 1).  With --json: one JSON object only.
-- A small deterministic generator (no math.random: same grids everywhere).
local function run(grids, epochs, seed, progress)
  local state = seed * 7919 + 17
  local function rnd()
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  end

  local function random_grid()
    local n = 10 + math.floor(rnd() * 11)
    local g = tg.graph.new{directed = false}
    local load, total = {}, 0
    for b = 1, n do load[b] = 0.2 + 0.8 * rnd(); total = total + load[b] end
    local gen, wsum = {}, 0
    for _ = 1, 3 do
      local b, w = 1 + math.floor(rnd() * n), 0.5 + rnd()
      gen[b] = (gen[b] or 0) + w; wsum = wsum + w
    end
    for b = 1, n do
      g:add_node("b" .. b, {injection = (gen[b] or 0) * total / wsum - load[b]})
    end
    local adj, lines = {}, {}
    local function line(a, b)
      local x = 0.1 + 0.9 * rnd()
      adj[a .. "-" .. b], adj[b .. "-" .. a] = true, true
      g:add_edge("b" .. a, "b" .. b, {reactance = x, susceptance = 1 / x})
      lines[#lines + 1] = {"b" .. a, "b" .. b}
    end
    for b = 2, n do line(1 + math.floor(rnd() * (b - 1)), b) end
    local extra = 0
    while extra < n // 3 do
      local a, b = 1 + math.floor(rnd() * n), 1 + math.floor(rnd() * n)
      if a ~= b and not adj[a .. "-" .. b] then line(a, b); extra = extra + 1 end
    end
    -- The simulator: flow of every line, positive from its source to its target.
    local pf = tg.sim.grid(g):dcpf()
    for _, l in ipairs(lines) do g:set_edge(l[1], l[2], "flow", pf.flow[l[1] .. "-" .. l[2]]) end
    return g
  end

  local t0 = os.clock()
  local gs, split = {}, {}
  for k = 1, grids do
    gs[k] = random_grid()
    split[k] = (k % 5 == 1) and "test" or ((k % 5 == 2) and "val" or "train")
  end
  local data = tg.gnn.batch(gs, {features = {"injection"}, split = split,
                                 edge_features = {"susceptance", "reactance"}, edge_targets = {"flow"},
                                 antisymmetric = true})
  local t_sim = os.clock() - t0


  -- Node injections in batch order (graph by graph, bus by bus).
  local inj = {}
  for _, g in ipairs(gs) do
    for b = 1, g:node_count() do inj[#inj + 1] = g:get("b" .. b, "injection") end
  end

  -- Baselines on the directed edges: the training mean, and least squares on
  -- [P_source, P_target, b, x, 1] (normal equations, Gaussian elimination).
  local edges = data:edges()
  local function feats(e) return {inj[e[1]], inj[e[2]], e.x[1], e.x[2], 1} end
  local A, rhs, mean, ntr = {}, {}, 0, 0
  for r = 1, 5 do A[r] = {0, 0, 0, 0, 0}; rhs[r] = 0 end
  for _, e in ipairs(edges) do
    if e.split == "train" then
      local f = feats(e)
      for r = 1, 5 do
        for c = 1, 5 do A[r][c] = A[r][c] + f[r] * f[c] end
        rhs[r] = rhs[r] + f[r] * e.y[1]
      end
      mean, ntr = mean + e.y[1], ntr + 1
    end
  end
  mean = mean / ntr
  for c = 1, 5 do
    local p = c
    for r = c + 1, 5 do if math.abs(A[r][c]) > math.abs(A[p][c]) then p = r end end
    A[c], A[p], rhs[c], rhs[p] = A[p], A[c], rhs[p], rhs[c]
    for r = c + 1, 5 do
      local f = A[r][c] / A[c][c]
      for k = c, 5 do A[r][k] = A[r][k] - f * A[c][k] end
      rhs[r] = rhs[r] - f * rhs[c]
    end
  end
  local beta = {}
  for c = 5, 1, -1 do
    local s = rhs[c]
    for k = c + 1, 5 do s = s - A[c][k] * beta[k] end
    beta[c] = s / A[c][c]
  end

  -- The surrogate: four MPNN blocks of 32 units, the edge state read out, one linear output.
  local m = tg.gnn.model{tg.gnn.mpnn(32), tg.gnn.mpnn(32), tg.gnn.mpnn(32), tg.gnn.mpnn(32),
                         tg.gnn.edge_readout(), tg.gnn.linear(1)}
  local t1 = os.clock()
  local r = m:fit(data, {epochs = epochs, lr = 0.01, loss = "mse", patience = 50, seed = seed, progress = progress})
  local t_fit = os.clock() - t1
  local rmse_gnn = m:evaluate_regression(data, "test")
  local sm, sl, nte = 0, 0, 0
  for _, e in ipairs(edges) do
    if e.split == "test" then
      local f, p = feats(e), 0
      for k = 1, 5 do p = p + beta[k] * f[k] end
      sm, sl, nte = sm + (e.y[1] - mean) ^ 2, sl + (e.y[1] - p) ^ 2, nte + 1
    end
  end
  local rmse_mean, rmse_lin = math.sqrt(sm / nte), math.sqrt(sl / nte)

  return {grids = grids, edges = #edges, test_edges = nte, epochs = r.epochs, rmse_mpnn = rmse_gnn,
          rmse_linear = rmse_lin, rmse_mean = rmse_mean, epoch_ms_median = r.epoch_ms_median, sim_seconds = t_sim,
          fit_seconds = t_fit, model = tostring(m)}
  end

  -- Run as a script (twingraph gnn_surrogate.lua ...), or loaded with dofile
  -- (the demo), which gets {run = run}.
  if not (arg and arg[0] and arg[0]:match("gnn_surrogate%.lua$")) then return {run = run} end

  package.path = (arg[0]:match("^(.*)/examples/gnn_surrogate%.lua$") or ".") .. "/lib/?.lua;" .. package.path
  local cliargs = require("cliargs")
  local spec = {
    usage = "gnn_surrogate.lua [--grids N] [--epochs E] [--seed S] [--json]",
    about = "An MPNN surrogate of DC power flow on random grids, against the mean and a per-edge linear regression.",
    options = {
      {"--grids", "N", "random grids, a fifth of them for testing (default 150)", integer = true, min = 10, default = 150},
      {"--epochs", "E", "training epochs (default 300)", integer = true, min = 1, default = 300},
      {"--seed", "S", "seed of the grids and the weights (default 1)", integer = true, default = 1},
      {"--json", nil, "print one JSON object only"},
    },
  }
  local a = cliargs.parse(arg, spec)
  local grids, epochs, seed, json = a.grids, a.epochs, a.seed, a.json
  local res = run(grids, epochs, seed, not json)
  if json then
    print(tg.json.encode{grids = res.grids, edges = res.edges, epochs = res.epochs, rmse_mpnn = res.rmse_mpnn,
                         rmse_linear = res.rmse_linear, rmse_mean = res.rmse_mean,
                         epoch_ms_median = res.epoch_ms_median, sim_seconds = res.sim_seconds,
                         fit_seconds = res.fit_seconds})
  else
    print(string.format("%d random grids, %d directed lines (%d test); simulator %.2f s", res.grids, res.edges,
                        res.test_edges, res.sim_seconds))
    print(string.format("test RMSE of the line flows (per unit): MPNN %.4f   linear regression %.4f   mean %.4f",
                        res.rmse_mpnn, res.rmse_linear, res.rmse_mean))
    print(string.format("MPNN: %d epochs, %.1f ms per epoch, %.1f s; %.0f %% below the linear baseline",
                        res.epochs, res.epoch_ms_median, res.fit_seconds, 100 * (1 - res.rmse_mpnn / res.rmse_linear)))
  end
