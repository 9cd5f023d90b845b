-- tg.gnn tasks beyond node classification: learning-rate schedules through
-- fit, the dense autoencoder on Tennessee Eastman rows, link prediction with
-- any encoder (m:fit_link) and the GAE recipe's options.
local T = ...
local R = T.root
local g = tg.gnn

-- data/tep/tep_anomaly.csv: split, fault, sample, x1..x52 (data/tep/SOURCE.md).
local function tep(every)
  local train, test, fault = {}, {}, {}
  local f = assert(io.open(R .. "/data/tep/tep_anomaly.csv"))
  f:read("l")
  local k = 0
  for l in f:lines() do
    k = k + 1
    local cells = {}
    for w in l:gmatch("[^,]+") do cells[#cells + 1] = w end
    local row = {}
    for j = 4, #cells do row[#row + 1] = tonumber(cells[j]) end
    if cells[1] == "train" then train[#train + 1] = row
    elseif k % every == 0 then test[#test + 1] = row; fault[#fault + 1] = tonumber(cells[2]) end
  end
  f:close()
  return train, test, fault
end

T.test("schedules through fit: recorded in the configuration, bad ones refused", function()
  local gr = tg.graph.new{directed = false}
  for i = 1, 12 do gr:add_node("n" .. i, {a = i % 2, b = i / 12, y = i % 2, split = i % 3 == 0 and "val" or "train"}) end
  for i = 1, 12 do gr:add_edge("n" .. i, "n" .. (i % 12 + 1)) end
  local data = g.dataset(gr, {features = {"a", "b"}, label = "y", split = "split"})
  local m = g.model{g.linear(2)}
  m:fit(data, {epochs = 20, progress = false, schedule = {kind = "cosine", warmup = 3, lr_min = 1e-4}})
  T.truthy(m:fit_config():find("schedule=cosine warmup=3", 1, true), "cosine in " .. m:fit_config())
  m:fit(data, {epochs = 20, progress = false, schedule = "plateau"})
  T.truthy(m:fit_config():find("schedule=plateau", 1, true), "plateau")
  m:fit(data, {epochs = 20, progress = false, schedule = {kind = "exponential", gamma = 0.9}})
  T.truthy(m:fit_config():find("schedule=exponential", 1, true), "exponential")
  m:fit(data, {epochs = 20, progress = false, schedule = {kind = "step", step = 5, gamma = 0.5}})
  T.truthy(m:fit_config():find("lr_decay=0.5 lr_step=5", 1, true), "step maps onto lr_decay / lr_step")
  T.raises(function() m:fit(data, {progress = false, schedule = {kind = "sine"}}) end, "unknown schedule kind")
  T.raises(function() m:fit(data, {progress = false, schedule = {kind = "plateau", factor = 2}}) end, "factor")
  T.raises(function() m:fit(data, {progress = false, schedule = {kind = "cosine", t_max = -1}}) end, "t_max")
  T.raises(function() m:fit(data, {progress = false, schedule = {kind = "cosine", tmax = 3}}) end, "tmax")
end)

T.test("autoencoder: TEP faults score above normal operation", function()
  local train, test, fault = tep(3)
  local ae = g.autoencoder{sensors = 52, hidden = {16, 4}, seed = 1}
  local r = ae:fit(train, {epochs = 400, lr = 0.01, schedule = "cosine", threads = 1})
  T.eq(r.epochs, 400, "epochs")
  T.truthy(r.threshold > 0 and r.threshold == ae:threshold(), "threshold")
  local score, per = ae:score(test)
  T.eq(#score, #test, "one score per row"); T.eq(#per[1], 52, "one error per sensor")
  -- AUC of IDV(1) (a step in the A/C feed ratio, detected by every method)
  -- against normal operation, by counting pairs.
  local pos, neg = {}, {}
  for i, f in ipairs(fault) do
    if f == 1 then pos[#pos + 1] = score[i] elseif f == 0 then neg[#neg + 1] = score[i] end
  end
  local good = 0
  for _, p in ipairs(pos) do for _, q in ipairs(neg) do good = good + (p > q and 1 or (p == q and 0.5 or 0)) end end
  local auc = good / (#pos * #neg)
  T.truthy(auc > 0.99, "IDV(1) AUC " .. auc)
  T.raises(function() ae:score({{1, 2}}) end, "row 1 must be a table of 52 numbers")
  T.raises(function() g.autoencoder{sensors = 52, hidden = {}} end, "1..8 hidden")
  T.raises(function() g.autoencoder{sensors = 4, activation = "softmax"} end, "unknown activation")
  T.raises(function() g.autoencoder{sensors = 4}:score({{1, 2, 3, 4}}) end, "fit the autoencoder first")
  T.raises(function() ae:fit(train, {epoch = 3}) end, "epoch")
end)

T.test("link prediction with any encoder and the GAE options", function()
  local data = g.cora(R .. "/data/cora", {normalize = false})
  local m = g.model{g.sage(16), g.relu(), g.sage(8)}
  local r = m:fit_link(data, {epochs = 40, lr = 0.01, seed = 2, schedule = {kind = "cosine", warmup = 5}})
  T.eq(r.test_edges, 527, "test edges"); T.eq(r.val_edges, 263, "val edges"); T.eq(r.epochs, 40, "epochs")
  T.truthy(r.auc > 0.75 and r.ap > 0.75, ("SAGE encoder, 40 epochs: AUC %.3f AP %.3f"):format(r.auc, r.ap))
  T.truthy(m:fit_config():find("task=link_prediction", 1, true), "fit config")
  -- Scores of given pairs: the sigmoid of the inner product of the two
  -- embeddings, checked against m:outputs computed here.
  local z = m:outputs(data)
  local pairs = {{1, 2}, {5, 9}, {2708, 1}, {100, 100}}
  local got = m:link_scores(data, pairs)
  for k, p in ipairs(pairs) do
    local dot = 0
    for j = 1, 8 do dot = dot + z[p[1]][j] * z[p[2]][j] end
    T.near(got[k], 1 / (1 + math.exp(-dot)), 1e-12, "pair " .. k)
  end
  -- variational: the first half of the output is mu
  local gv = m:link_scores(data, {{5, 9}}, {variational = true})
  local dv = 0
  for j = 1, 4 do dv = dv + z[5][j] * z[9][j] end
  T.near(gv[1], 1 / (1 + math.exp(-dv)), 1e-12, "variational pair")
  T.raises(function() m:link_scores(data, {{0, 1}}) end, "node 1 must be an integer in 1..2708")
  T.raises(function() m:link_scores(data, {{1}}) end, "node 2 must be an integer")
  T.raises(function() m:link_scores(data, {3}) end, "pair 1 must be {i, j}")
  T.raises(function() m:link_scores(data, {}, {variation = true}) end, "variation")
  T.raises(function() g.model{g.gcn(3); in_features = 1433}:link_scores(data, {}, {variational = true}) end, "odd")
  T.raises(function() m:fit_link(data, {loss = "hinge"}) end, "'sampled' or 'full'")
  T.raises(function() g.model{g.gcn(4), g.gcn(3)}:fit_link(data, {variational = true, epochs = 1}) end, "even width")
  local s = g.link(data, {sampled = true, epochs = 20, seed = 1})
  T.truthy(s.auc > 0.6 and s.epochs == 20, "GAE with sampled non-edges runs")
end)
