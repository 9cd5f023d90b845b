-- network_reliability.lua: Monte Carlo variance reduction for network
-- reliability (issue 7, risk5b review): the RVR estimator of Cancela and
-- El Khadiri against plain sampling on the same inputs, same run.
--   twingraph bench/network_reliability.lua [SAMPLES]
-- For each network: the exact value where the frontier method can (width
-- <= 14), then both estimators with the same number of samples, their
-- per-sample variance, the variance ratio plain / RVR, and the efficiency
-- ratio (variance x time per sample, plain / RVR: how many times fewer
-- seconds RVR needs for the same standard error).  The plain variance is
-- also given in closed form, Q (1 - Q) with Q from RVR, since plain
-- sampling may see no failure at all on highly reliable networks.
-- Prints RESULT lines for bench/run.sh.
local NS = tonumber(arg and arg[1]) or 20000     -- the plant gets 10x (see below)
local NR = tg.risk.network_reliability

local function grid(N, p)
  local e = {}
  local function id(r, c) return r * N + c + 1 end
  for r = 0, N - 1 do for c = 0, N - 1 do
    if c + 1 < N then e[#e + 1] = {id(r, c), id(r, c + 1), p} end
    if r + 1 < N then e[#e + 1] = {id(r, c), id(r + 1, c), p} end
  end end
  return e
end

-- Undirected edge list of a GraphML file, node numbers 1..n in file order.
local function load(path, p)
  local g = tg.graph.load(path, path:match("%.gz$") and {format = "graphml"} or nil)
  local ids, idx = g:nodes(), {}
  for i, id in ipairs(ids) do idx[id] = i end
  local e = {}
  for _, x in ipairs(g:edges()) do
    if x.source ~= x.target then e[#e + 1] = {idx[x.source], idx[x.target], p} end
  end
  return g, ids, idx, e
end

local cases = {}
cases[#cases + 1] = {name = "grid10_p0.99", n = 100, edges = grid(10, 0.99), terminals = {1, 100}}
cases[#cases + 1] = {name = "grid10_p0.9_nodes0.99", n = 100, edges = grid(10, 0.9), terminals = {1, 100},
                     nodes = (function() local t = {} for i = 1, 100 do t[i] = 0.99 end return t end)()}
cases[#cases + 1] = {name = "grid30_p0.99", n = 900, edges = grid(30, 0.99), terminals = {1, 900}}
do
  local g, ids, _, e = load("data/networks/celegansneural.graphml", 0.5)
  cases[#cases + 1] = {name = "celegans_p0.5", n = #ids, edges = e, terminals = {1, #ids}}
end
do
  local g, ids, _, e = load("data/networks/power.graphml", 0.999)
  cases[#cases + 1] = {name = "power_p0.999_3term", n = #ids, edges = e, terminals = {1, 2, 3}}
end
do
  -- The demo plant: components fail over a month (730 h) at their
  -- failure_rate, pipes are perfect; supply from the first warm compressor
  -- must reach every magnet string (k-terminal).
  local g, ids, idx, e = load("models/lhc_sector.graphml", 1)
  local nodes = {}
  for i, id in ipairs(ids) do
    local rate = g:get(id, "failure_rate") or 0
    nodes[i] = math.exp(-rate * 730)
  end
  local terms = {}
  for _, id in ipairs(g:nodes("compressor")) do
    if g:get(id, "section") == "compressor_station" then terms[1] = idx[id]; break end
  end
  for _, id in ipairs(g:nodes("magnet_string")) do terms[#terms + 1] = idx[id] end
  -- RVR is heavy-tailed here: rare branches (about 1 sample in 10^5)
  -- carry a visible share of Q, so short runs underestimate Q and its se
  -- (docs/risk.md); 10x the samples.
  cases[#cases + 1] = {name = "plant_month_nodes", n = #ids, edges = e, terminals = terms, nodes = nodes,
                       samples = 10 * NS}
end

print(("network reliability Monte Carlo, %d samples per estimator, seed 1"):format(NS))
print(("%-24s %6s %6s %12s %12s %10s %10s %10s %9s %9s"):format("network", "n", "m", "exact Q",
  "RVR Q", "RVR se", "plain Q", "plain se", "var ratio", "eff ratio"))
for _, c in ipairs(cases) do
  local okx, rx = pcall(NR, {n = c.n, edges = c.edges, terminals = c.terminals, nodes = c.nodes})
  local qx = okx and string.format("%.6g", 1 - rx) or "refused"
  local res = {}
  for _, est in ipairs{"rvr", "plain"} do
    local t0 = tg.clock()
    local _, se, info = NR{n = c.n, edges = c.edges, terminals = c.terminals, nodes = c.nodes,
                           method = "mc", estimator = est, samples = c.samples or NS, seed = 1}
    res[est] = {q = info.unreliability, se = se, var = info.sample_var, t = tg.clock() - t0}
  end
  local q = res.rvr.q
  local vplain = q * (1 - q)                -- plain sampling's variance, closed form
  local vr = vplain / res.rvr.var
  local eff = vplain * res.plain.t / (res.rvr.var * res.rvr.t)
  print(("%-24s %6d %6d %12s %12.6g %10.3g %10.4g %10.3g %9.3g %9.3g"):format(c.name, c.n, #c.edges, qx,
    q, res.rvr.se, res.plain.q, res.plain.se, vr, eff))
  print(("%-24s measured plain variance %.4g (closed form %.4g); seconds rvr %.2f, plain %.2f"):format("",
    res.plain.var, vplain, res.rvr.t, res.plain.t))
  if okx then
    local z = (q - (1 - rx)) / res.rvr.se
    print(("%-24s RVR z-score against exact: %.2f (%d samples)"):format("", z, c.samples or NS))
  end
  print(("RESULT netrel_%s_var_ratio %.6g"):format(c.name, vr))
  print(("RESULT netrel_%s_eff_ratio %.6g"):format(c.name, eff))
end
