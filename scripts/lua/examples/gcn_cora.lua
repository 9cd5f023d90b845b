-- gcn_cora.lua: node classification on Cora with the standard Planetoid split
-- (140 train / 500 validation / 1000 test), with the published recipes.
--   twingraph scripts/lua/examples/gcn_cora.lua DATA_DIR [--model gcn|gat|sage|gin|gae|vgae]
--                                               [--seeds N] [--threads T] [--json]
-- Prints the test accuracy (mean and sample std over seeds 1..N) and the
-- median time of one training epoch (forward, loss, backward, optimiser
-- step).  gae / vgae: link prediction (Kipf & Welling 2016), test AUC and AP.
-- DATA_DIR holds cora.content, cora.cites (optionally .gz) and
-- planetoid_split.txt (data/cora in this repository).
package.path = (arg[0]:match("^(.*)/examples/gcn_cora%.lua$") or ".") .. "/lib/?.lua;" .. package.path
local cliargs = require("cliargs")
local spec = {
  usage = "gcn_cora.lua DATA_DIR [--model gcn|gat|sage|gin|gae|vgae] [--seeds N] [--threads T] [--json]",
  about = "Cora node classification (Planetoid split) or link prediction with published hyper-parameters.",
  positional = {"DATA_DIR"},
  options = {
    {"--model", "NAME", "gcn (default), gat, sage, gin, gae or vgae"},
    {"--seeds", "N", "number of seeds (default 10)", number = true},
    {"--threads", "T", "OpenMP threads (default: all)", number = true},
    {"--json", nil, "print one JSON object only"},
  },
}
local a = cliargs.parse(arg, spec)
local g = tg.gnn
local name = a.model or "gcn"
local seeds = math.tointeger(a.seeds or 10)
if not seeds or seeds < 1 then cliargs.fail(spec, "--seeds must be a positive integer") end

-- Each recipe: the layers and the fit options of its paper.
local recipes = {
  -- Kipf & Welling (ICLR 2017): 2 layers, 16 hidden, dropout 0.5, L2 5e-4 on the
  -- first layer, no bias, Adam lr 0.01, 200 epochs, early stopping window 10.
  gcn = function()
    return g.model{g.dropout(0.5), g.gcn(16, {weight_decay = 5e-4, bias = false}), g.relu(),
                   g.dropout(0.5), g.gcn(7, {weight_decay = 0, bias = false})},
           {epochs = 200, lr = 0.01, window = 10}
  end,
  -- Velickovic et al. (ICLR 2018): 8 heads x 8 ELU units, 1 output head, dropout
  -- 0.6 on inputs and attention, Adam lr 0.005, L2 5e-4, patience 100.
  gat = function()
    return g.model{g.dropout(0.6), g.gat(8, {heads = 8, dropout = 0.6}), g.elu(),
                   g.dropout(0.6), g.gat(7, {heads = 1, dropout = 0.6})},
           {epochs = 1000, lr = 0.005, weight_decay = 5e-4, patience = 100}
  end,
  -- GraphSAGE-mean and GIN with the GCN setting (16 hidden, dropout 0.5,
  -- Adam lr 0.01, L2 5e-4), keeping the best validation weights.
  sage = function()
    return g.model{g.dropout(0.5), g.sage(16), g.relu(), g.dropout(0.5), g.sage(7)},
           {epochs = 200, lr = 0.01, weight_decay = 5e-4, patience = 100}
  end,
  gin = function()
    return g.model{g.dropout(0.5), g.gin(16), g.relu(), g.dropout(0.5), g.gin(7)},
           {epochs = 200, lr = 0.01, weight_decay = 5e-4, patience = 100}
  end,
}

local function mean_std(v)
  local s = 0
  for _, x in ipairs(v) do s = s + x end
  local m = s / #v
  local q = 0
  for _, x in ipairs(v) do q = q + (x - m) ^ 2 end
  return m, #v > 1 and math.sqrt(q / (#v - 1)) or 0
end

local function median(v)
  table.sort(v)
  local n = #v
  return n % 2 == 1 and v[(n + 1) // 2] or (v[n // 2] + v[n // 2 + 1]) / 2
end

cliargs.run(function()
  if name == "gae" or name == "vgae" then
    -- Kipf & Welling (2016): raw features, GCN(32)-GCN(16) without biases, Adam
    -- lr 0.01, 200 epochs, 85/5/10 % edge split, their weighted reconstruction
    -- loss over all pairs (pos_weight, norm); docs/gnn.md.
    local data = g.cora(a.data_dir, {normalize = false})
    local aucs, aps, secs = {}, {}, {}
    for s = 1, seeds do
      local t0 = tg.clock()
      local r = g.link(data, {variational = name == "vgae", seed = s})
      aucs[s], aps[s], secs[s] = r.auc, r.ap, tg.clock() - t0
      if not a.json then print(("seed %2d: test AUC %.4f  AP %.4f"):format(s, r.auc, r.ap)) end
    end
    local am, as = mean_std(aucs)
    local pm, ps = mean_std(aps)
    local res = {model = name, auc_mean = am, auc_std = as, ap_mean = pm, ap_std = ps, seeds = seeds,
                 run_s_median = median(secs)}
    if a.json then print(tg.json.encode(res)); return end
    print(("%s on Cora: test AUC %.2f +- %.2f %%, AP %.2f +- %.2f %% over %d seeds"):format(
      name, 100 * am, 100 * as, 100 * pm, 100 * ps, seeds))
    return
  end
  local recipe = recipes[name]
  if not recipe then cliargs.fail(spec, "unknown --model '%s'", name) end
  local data = g.cora(a.data_dir)
  local accs, times = {}, {}
  for s = 1, seeds do
    local m, opts = recipe()
    opts.seed = s
    opts.progress = false
    opts.threads = math.tointeger(a.threads or 0)
    local r = m:fit(data, opts)
    accs[s] = m:evaluate(data, "test")
    times[s] = r.epoch_ms_median
    if not a.json then
      print(("seed %2d: %4d epochs, val %.3f, test accuracy %.4f, %.2f ms/epoch"):format(
        s, r.epochs, r.val_acc, accs[s], r.epoch_ms_median))
    end
  end
  local m, sd = mean_std(accs)
  local res = {model = name, acc_mean = m, acc_std = sd, epoch_ms_median = median(times), seeds = seeds}
  if a.json then print(tg.json.encode(res)); return end
  print(("%s on Cora: test accuracy %.2f +- %.2f %% over %d seeds; median epoch %.2f ms"):format(
    name, 100 * m, 100 * sd, seeds, res.epoch_ms_median))
end)
