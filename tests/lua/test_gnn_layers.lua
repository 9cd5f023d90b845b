-- tg.gnn layers with edge features: batch norm, GINE, the MPNN block and
-- edge readout; datasets with edge attributes; graph- and edge-level
-- regression; edge saliency; the DC power-flow surrogate example.
local T = ...
local P, R = T.prog, T.root
local g = tg.gnn

-- Rings of 4..9 nodes with a chord; edge attribute w (1 on ring edges, 2 on
-- the chord); graph target = number of nodes / 10 + chords' weight / 10.
local function rings(count)
  local gs, y, split = {}, {}, {}
  for k = 1, count do
    local n = 4 + (k % 6)
    local gr = tg.graph.new{directed = false}
    for i = 1, n do gr:add_node("v" .. i, {one = 1}) end
    for i = 1, n do gr:add_edge("v" .. i, "v" .. (i % n + 1), {w = 1, f = i}) end
    gr:add_edge("v1", "v3", {w = 2, f = 0})
    gs[k], y[k] = gr, n / 10 + 0.2
    split[k] = (k % 3 == 0) and "test" or ((k % 3 == 1) and "val" or "train")
  end
  return gs, y, split
end

T.test("graph regression with GINE and batch norm on batched graphs", function()
  local gs, y, split = rings(60)
  local data = g.batch(gs, {features = {"one"}, targets = y, split = split, edge_features = {"w"}})
  local info = data:info()
  T.eq(info.graphs, 60, "graphs"); T.eq(info.edge_features, 1, "edge features")
  -- Batch norm over the pooled graph rows (over the nodes it would normalise
  -- away what tells these graphs apart: all their node features are 1).
  local m = g.model{g.gine(16, {eps = 0.1}), g.relu(), g.sum_pool(), g.batch_norm(), g.linear(1)}
  m:fit(data, {epochs = 300, lr = 0.01, loss = "mse", progress = false, seed = 2})
  T.truthy(m:fit_config():find("task=graph_regression_mse", 1, true), "graph regression recorded")
  local rmse = m:evaluate_regression(data, "test")
  -- The targets range over 0.6..1.1 (std ~0.17); sum pooling counts nodes.
  T.truthy(rmse < 0.05, "graph regression test RMSE " .. rmse)
  T.eq(#m:outputs(data), 60, "one output per graph")
  -- Running statistics are saved and restored: same predictions after load.
  local path = os.tmpname()
  m:save(path)
  local m2 = g.load(path)
  os.remove(path)
  local a, b = m:outputs(data), m2:outputs(data)
  for k = 1, 60 do T.eq(a[k], b[k], "output " .. k .. " after load") end
  T.truthy(m2:weights()["layer3.running_var"], "running_var saved")
end)

T.test("edge features and antisymmetric edge targets from a graph", function()
  local gr = tg.graph.new{directed = false}
  for i = 1, 4 do gr:add_node("n" .. i, {x = i}) end
  gr:add_edge("n1", "n2", {w = 5, flow = 1.5})
  gr:add_edge("n2", "n3", {w = 6, flow = -2})
  local data = g.dataset(gr, {features = {"x"}, edge_features = {"w"}, edge_targets = {"flow"}, antisymmetric = true})
  local edges = data:edges()
  T.eq(#edges, 4, "two undirected edges, both ways")
  for _, e in ipairs(edges) do
    local a, b = math.min(e[1], e[2]), math.max(e[1], e[2])
    local want = (a == 1) and 1.5 or -2
    T.eq(e.x[1], (a == 1) and 5 or 6, "edge feature")
    T.eq(e.y[1], e[1] < e[2] and want or -want, "flow sign follows the direction")
    T.eq(e.split, "train", "edges without a split train")
  end
  T.raises(function() g.dataset(gr, {features = {"x"}, edge_features = {"nope"}}) end, "nope")
  -- A GINE model on data without edge features is refused with the reason.
  local plain = g.dataset(gr, {features = {"x"}, targets = {"x"}})
  T.raises(function() g.model{g.gine(2), g.linear(1)}:fit(plain, {loss = "mse", progress = false}) end,
           "needs edge features")
  T.raises(function() g.mpnn(0) end, "units")
  T.raises(function() g.gine(2, {heads = 2}) end, "heads")
end)

T.test("edge saliency: gradient of an output with respect to every edge", function()
  local gs, y, split = rings(3)
  local data = g.batch(gs, {features = {"one"}, targets = y, split = split, edge_features = {"w"}})
  -- Built before any fit: tell it the edge width.
  local m = g.model{g.mpnn(4, {edge_dim = 1}), g.mpnn(4), g.edge_readout(), g.linear(1); in_features = 1, seed = 3}
  local edges = data:edges()
  local s = m:edge_saliency(data, 1, 0)
  T.eq(#s, #edges, "one value per edge")
  -- The edge weights scale the messages summed into the nodes: with one
  -- block an edge output would not depend on them at all (its state skips
  -- the aggregation); with two, edge 1's output depends on the sum at its
  -- destination, edge 1 included, and on no edge of another graph.
  T.truthy(s[1] ~= 0, "an edge matters to its own output")
  local n1 = gs[1]:node_count()
  for k, e in ipairs(edges) do
    if e[1] > n1 and e[2] > n1 then T.eq(s[k], 0, "an edge of another graph") end
  end
end)

T.test("the DC power-flow surrogate example beats the mean predictor", function()
  local code, out, err = T.run(P .. " " .. R .. "/scripts/lua/examples/gnn_surrogate.lua --grids 60 --epochs 120 --json")
  T.eq(code, 0, "exit status: " .. (err or ""))
  local j = tg.json.decode(out)
  T.eq(j.grids, 60, "grids")
  T.truthy(j.rmse_mpnn < j.rmse_mean, "MPNN " .. j.rmse_mpnn .. " below the mean predictor " .. j.rmse_mean)
  T.truthy(j.rmse_linear < j.rmse_mean, "linear baseline below the mean predictor")
end)
