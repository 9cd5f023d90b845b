-- tg.gnn: models from layers, training on a dataset built from a graph,
-- Cora through the example script, save / load, errors.
local T = ...
local P, R = T.prog, T.root
local g = tg.gnn

-- Two communities of 20 nodes (rings with chords) joined by two edges; the
-- features carry the community weakly (noise twice the signal), so a GNN
-- that averages over neighbours separates them far better than one node's
-- features can.  Deterministic: a small LCG, no math.random.
local function communities()
  local gr = tg.graph.new{directed = false}
  local state = 12345
  local function rnd() state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648 end
  for i = 1, 40 do
    local c = i <= 20 and 1 or 0
    gr:add_node("n" .. i, {a = c + 2 * (rnd() - 0.5) * 2, b = rnd(), cls = c == 1 and "left" or "right", y = c,
                           split = (i % 4 == 1) and "train" or ((i % 4 == 2) and "val" or "test")})
  end
  for base = 0, 20, 20 do
    for i = 1, 20 do
      gr:add_edge("n" .. (base + i), "n" .. (base + i % 20 + 1))
      gr:add_edge("n" .. (base + i), "n" .. (base + (i + 6) % 20 + 1))
    end
  end
  gr:add_edge("n1", "n21")
  gr:add_edge("n10", "n30")
  return gr
end

T.test("a GCN separates two communities from a graph's attributes", function()
  local data = g.dataset(communities(), {features = {"a", "b"}, label = "cls", split = "split"})
  local info = data:info()
  T.eq(info.nodes, 40, "nodes"); T.eq(info.edges, 2 * 82, "directed message edges")
  T.eq(info.classes, 2, "classes"); T.eq(info.train, 10, "train nodes"); T.eq(info.test, 20, "test nodes")
  T.eq(data:class_name(0), "left", "classes sorted")
  local m = g.model{g.gcn(8), g.relu(), g.gcn(2)}
  T.eq(tostring(m), "gcn(8) -> relu -> gcn(2)", "describe")
  local r = m:fit(data, {epochs = 100, lr = 0.05, progress = false, seed = 3})
  T.eq(r.epochs, 100, "epochs")
  local acc = m:evaluate(data, "test")
  -- Neighbourhood averaging removes most of the feature noise.
  T.eq(acc >= 0.9, true, "GCN test accuracy " .. acc)
  local pred = m:predict(data)
  T.eq(#pred, 40, "one prediction per node")
  local ns, fs = m:saliency(data, 1, 0)
  T.eq(#ns, 40, "node saliency"); T.eq(#fs, 2, "feature saliency")
  T.eq(ns[1] > 0, true, "a node matters to its own prediction")
  T.eq(ns[35], 0, "a node 3+ hops away in the other community does not (2 GCN layers)")
  T.eq(m:param_count(), 2 * 8 + 8 + 8 * 2 + 2, "weights and biases")
end)

T.test("node regression: the community as a number", function()
  local data = g.dataset(communities(), {features = {"a", "b"}, targets = {"y"}, split = "split"})
  -- Predicting the mean (0.5) gives RMSE 0.5; one node's features alone
  -- (noise twice the signal) cannot: measured, this GCN 0.22 and an MLP
  -- (linear-relu-linear) on the same features 0.87.
  local m = g.model{g.gcn(8), g.relu(), g.gcn(1)}
  local r = m:fit(data, {epochs = 150, lr = 0.05, loss = "mse", progress = false, seed = 2})
  local rmse, mae = m:evaluate_regression(data, "test")
  T.eq(rmse < 0.3, true, "test RMSE " .. rmse)
  T.eq(mae <= rmse, true, "MAE <= RMSE")
  T.near(r.val_acc, -m:evaluate_regression(data, "val"), 1e-9, "fit reports -RMSE on validation")
  T.truthy(m:fit_config():find("task=node_regression_mse", 1, true), "task in the fit config")
  local m2 = g.model{g.gcn(8), g.relu(), g.gcn(1)}
  m2:fit(data, {epochs = 150, lr = 0.05, loss = "mae", progress = false, seed = 2})
  T.eq(m2:evaluate_regression(data, "test") < 0.35, true, "MAE-trained model")
  T.raises(function() m:fit(data, {loss = "ce"}) end, "has no labels")
end)

T.test("Cora: example script, save and load", function()
  local code, out, err = T.run(P .. " " .. R .. "/scripts/lua/examples/gcn_cora.lua " .. R .. "/data/cora --seeds 1 --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.model, "gcn", "model"); T.eq(j.seeds, 1, "seeds")
  -- Kipf & Welling 81.5 %; seed 1 gives 80.8 % here (10 seeds: docs/gnn.md).
  T.eq(j.acc_mean >= 0.795, true, "GCN accuracy " .. j.acc_mean)
  T.eq(j.epoch_ms_median > 0, true, "epoch time")

  local data = g.cora(R .. "/data/cora")
  T.eq(data:info().train, 140, "Planetoid train"); T.eq(data:info().test, 1000, "Planetoid test")
  local m = g.model{g.dropout(0.5), g.gcn(16, {weight_decay = 5e-4}), g.relu(), g.gcn(7)}
  local log = os.tmpname()
  m:fit(data, {epochs = 30, progress = false, log = log})
  local lines = 0
  for l in io.lines(log) do
    lines = lines + 1
    if lines == 1 then T.eq(l, "epoch,train_loss,train_acc,val_loss,val_acc,ms", "log header") end
  end
  os.remove(log)
  T.eq(lines, 31, "one log line per epoch")
  local path = os.tmpname()
  m:save(path, {dataset = "cora"})
  local m2 = g.load(path)
  T.eq(tostring(m2), tostring(m), "architecture from the metadata")
  T.eq(m2:fit_config(), m:fit_config(), "training configuration from the metadata")
  T.truthy(m:fit_config():find("optimizer=adam lr=0.01 ", 1, true), "fit config " .. m:fit_config())
  T.truthy(m:fit_config():find("epochs_run=30 ", 1, true), "epochs run")
  local w1, w2 = m:weights(), m2:weights()
  for k, v in pairs(w1) do
    for i = 1, #v.values do
      if v.values[i] ~= w2[k].values[i] then error(k .. " differs at " .. i) end
    end
  end
  local a1, l1 = m:evaluate(data, "test")
  local a2, l2 = m2:evaluate(data, "test")
  T.eq(a2, a1, "same accuracy"); T.eq(l2, l1, "same loss")
  local p1, p2 = m:predict(data), m2:predict(data)
  for i = 1, #p1 do if p1[i] ~= p2[i] then error("prediction differs at node " .. i) end end
  -- Review finding 16: standard Python (json + struct only) reads the file
  -- and finds exactly the model's weights; skipped when no python3.
  local pc = T.run("command -v python3")
  if pc == 0 then
    local code2, out2, err2 = T.run("python3 " .. R .. "/tests/gnn/check_safetensors.py " .. path)
    T.eq(code2, 0, "check_safetensors.py: " .. err2)
    local nl, seen = 0, 0
    for line in out2:gmatch("[^\n]+") do
      nl = nl + 1
      if nl == 1 then
        T.eq(tg.json.decode(line).dataset, "cora", "metadata read by json.loads")
      else
        local vals = {}
        for tok in line:gmatch("%S+") do vals[#vals + 1] = tok end
        local w = w1[vals[1]]
        T.truthy(w, "tensor " .. vals[1])
        T.eq(#vals - 3, #w.values, vals[1] .. " size")
        for i = 1, #w.values do
          if tonumber(vals[i + 3]) ~= w.values[i] then error(vals[1] .. " differs at " .. i .. " in Python") end
        end
        seen = seen + 1
      end
    end
    local np = 0
    for _ in pairs(w1) do np = np + 1 end
    T.eq(seen, np, "every tensor read by Python")
  end
  -- A truncated file is refused.
  local f = io.open(path, "rb"); local bytes = f:read("a"); f:close()
  f = io.open(path, "wb"); f:write(bytes:sub(1, #bytes - 10)); f:close()
  T.raises(function() g.load(path) end, "truncated tensor")
  os.remove(path)
end)

T.test("graph classification over a batch of small graphs", function()
  -- Stars (class 1) against paths (class 0), feature 1 everywhere: only the
  -- structure (a hub's degree) tells them apart.
  local graphs, labels, split = {}, {}, {}
  for k = 1, 30 do
    local gr = tg.graph.new{directed = false}
    local n = 5 + k % 4
    for i = 1, n do gr:add_node("v" .. i, {one = 1}) end
    for i = 2, n do gr:add_edge(k % 2 == 1 and "v1" or ("v" .. (i - 1)), "v" .. i) end
    graphs[k], labels[k] = gr, k % 2
    split[k] = k % 3 == 0 and "test" or "train"
  end
  local data = g.batch(graphs, {features = {"one"}, labels = labels, split = split})
  T.eq(data:info().graphs, 30, "graphs")
  local m = g.model{g.gin(8), g.relu(), g.max_pool(), g.linear(2)}
  m:fit(data, {epochs = 100, progress = false, seed = 1})
  local acc = m:evaluate(data, "test")
  T.eq(acc, 1, "stars vs paths")
  T.eq(#m:predict(data), 30, "one prediction per graph")
  T.raises(function() g.model{g.gin(8), g.sum_pool(), g.gcn(2)} :fit(data, {}) end, "follows a pooling layer")
end)

T.test("errors", function()
  T.raises(function() g.gcn(0) end, "bad argument #1 to 'gcn'")
  T.raises(function() g.dropout(1) end, "bad argument #1 to 'dropout'")
  T.raises(function() g.gcn(4, {colour = 1}) end, "colour")
  T.raises(function() g.model{g.gcn(4), {kind = "conv"}} end, "layer 2 has an unknown kind 'conv'")
  T.raises(function() g.model{g.gcn(4)}:evaluate(g.cora(R .. "/data/cora"), "test") end, "has no weights yet")
  T.raises(function() g.load("/nonexistent.safetensors") end, "/nonexistent.safetensors: cannot open")
  T.raises(function() g.cora("/nonexistent") end, "cannot open")
  local m = g.model{g.gcn(4)}
  T.raises(function() m:fit(g.cora(R .. "/data/cora"), {optimizer = "lbfgs"}) end, "'optimizer' must be")
end)

T.test("layer options: each kind takes only its own (review finding 8)", function()
  T.raises(function() g.gcn(16, {dropout = 0.5}) end, "dropout")
  T.raises(function() g.linear(4, {heads = 2}) end, "heads")
  T.raises(function() g.sage(4, {eps = 0.1}) end, "eps")
  T.raises(function() g.gin(4, {aggr = "max"}) end, "aggr")
  T.raises(function() g.relu{slope = 0.1} end, "slope")
  -- the options a kind does take are still accepted
  T.eq(g.gat(8, {heads = 8, dropout = 0.6, concat = true, slope = 0.2}).kind, "gat", "gat options")
  T.eq(g.sage(8, {aggr = "max", bias = false}).aggr, "max", "sage options")
  T.eq(g.gin(8, {eps = 0.1, weight_decay = 1e-4}).eps, 0.1, "gin options")
end)

T.test("integer options are range-checked before narrowing (review findings 9, 1)", function()
  T.raises(function() g.model{g.gat(4, {heads = 2^32 + 1})} :fit(g.cora(R .. "/data/cora"), {epochs = 1}) end,
           "'heads' must be in 1..64")
  T.raises(function() g.model{g.gat(4), in_features = 4} :fit(g.cora(R .. "/data/cora"), {epochs = 2^32 + 1}) end,
           "'epochs' must be in")
  local data = g.cora(R .. "/data/cora")
  for _, k in ipairs{"patience", "window", "lr_step", "threads"} do
    T.raises(function() g.model{g.gcn(4)}:fit(data, {[k] = 2^32 + 1, progress = false}) end, "'" .. k .. "' must be in")
    T.raises(function() g.model{g.gcn(4)}:fit(data, {[k] = -1, progress = false}) end, "'" .. k .. "' must be in")
  end
  T.raises(function() g.model{g.linear(4), in_features = 2^62 + 1} end, "'in_features' must be in")
  T.raises(function() g.link(data, {hidden = 2^40}) end, "'hidden' must be in")
  T.eq(data:class_name(2^32), nil, "class 2^32 is not class 0")
end)

T.test("gnn.save and fit{log=} are refused in the sandbox (review finding 19)", function()
  local code, _, err = T.run(P .. " --sandbox -e 'tg.gnn.model{tg.gnn.linear(2), in_features = 2}:save(\"/tmp/tg_gnn_sandbox.safetensors\")'")
  T.eq(code, 1, "save refused"); T.truthy(err:find("not allowed in the sandbox", 1, true), err)
  code, _, err = T.run(P .. " --sandbox -e 'local g = tg.gnn; local gr = tg.graph.new{directed = false}; " ..
                       "gr:add_node(\"a\", {x = 1, y = 0}); gr:add_node(\"b\", {x = 0, y = 1}); gr:add_edge(\"a\", \"b\"); " ..
                       "local d = g.dataset(gr, {features = {\"x\"}, label = \"y\"}); " ..
                       "g.model{g.linear(2)}:fit(d, {epochs = 1, progress = false, log = \"/tmp/tg_gnn_sandbox.csv\"})'")
  T.eq(code, 1, "fit log refused"); T.truthy(err:find("not allowed in the sandbox", 1, true), err)
  local f = io.open("/tmp/tg_gnn_sandbox.safetensors"); T.eq(f, nil, "no file written"); if f then f:close() end
end)

T.test("link prediction symmetrises a directed graph (review finding 6)", function()
  -- 30 nodes, 60 arcs all from a later node to an earlier one (a ring and
  -- chords), plus one arc that reverses an existing one: 60 undirected
  -- pairs.  Split 10 % test (6), 5 % val (3), the rest (51) train.  Before
  -- the fix only arcs src < dst were kept: one pair, "too few edges".
  local gr = tg.graph.new{directed = true}
  for i = 1, 30 do gr:add_node("n" .. i, {a = i % 3, b = (i * 7) % 5}) end
  for i = 1, 30 do
    local j, k = i % 30 + 1, (i + 6) % 30 + 1
    gr:add_edge("n" .. math.max(i, j), "n" .. math.min(i, j))
    gr:add_edge("n" .. math.max(i, k), "n" .. math.min(i, k))
  end
  gr:add_edge("n1", "n2")   -- n2 -> n1 is there already
  local data = g.dataset(gr, {features = {"a", "b"}})
  local r = g.link(data, {epochs = 5, seed = 1})
  T.eq(r.test_edges, 6, "test pairs")
  T.eq(r.train_edges, 51, "train pairs")
end)

T.test("fit{reset = false} continues from the current weights (review finding 7)", function()
  local data = g.dataset(communities(), {features = {"a", "b"}, label = "cls", split = "split"})
  local m = g.model{g.gcn(4), g.relu(), g.gcn(2)}
  m:fit(data, {epochs = 30, progress = false, seed = 1})
  local w = m:weights()
  -- A tiny learning rate: continuing moves each weight by about 1e-9.
  m:fit(data, {epochs = 1, lr = 1e-9, progress = false, reset = false})
  for k, v in pairs(m:weights()) do
    for i = 1, #v.values do
      if math.abs(v.values[i] - w[k].values[i]) > 1e-6 then error(k .. " moved at " .. i) end
    end
  end
  -- The default starts again from the seed's initial weights.
  m:fit(data, {epochs = 1, lr = 1e-9, progress = false, seed = 2})
  local moved = false
  for k, v in pairs(m:weights()) do
    for i = 1, #v.values do moved = moved or math.abs(v.values[i] - w[k].values[i]) > 1e-3 end
  end
  T.truthy(moved, "reset by default")
  -- A loaded model can be fine-tuned.
  local path = os.tmpname()
  m:save(path)
  local m2 = g.load(path)
  os.remove(path)
  local before = m2:weights()
  m2:fit(data, {epochs = 1, lr = 1e-9, progress = false, reset = false})
  for k, v in pairs(m2:weights()) do
    for i = 1, #v.values do
      if math.abs(v.values[i] - before[k].values[i]) > 1e-6 then error(k .. " of the loaded model moved at " .. i) end
    end
  end
end)
