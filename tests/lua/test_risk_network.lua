-- tg.risk.network_reliability after the risk5b review: Monte Carlo with
-- nodes failing (RVR and plain) against the exact method, node and edge
-- criticality, the frontier-width refusal, and every bad field rejected.
-- Exact references: the bridge network by conditioning on the bridge
-- (by hand, below) and the exact frontier method itself (checked against
-- brute force in tests/risk/test_network.c).
local T = ...
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

T.test("bridge with nodes failing: exact by hand, Monte Carlo within 4 se", function()
  -- Bridge 1-2 (0.9), 2-4 (0.8), 1-3 (0.7), 3-4 (0.6), 2-3 (0.5); inner
  -- nodes 2 and 3 work with 0.9 and 0.95, terminals perfect.
  local e = {{1, 2, 0.9}, {2, 4, 0.8}, {1, 3, 0.7}, {3, 4, 0.6}, {2, 3, 0.5}}
  local nodes = {1, 0.9, 0.95, 1}
  -- Condition on nodes 2 and 3: both up -> the bridge; one up -> its path.
  local up = 1 - (1 - 0.9) * (1 - 0.7)
  local down = 1 - (1 - 0.8) * (1 - 0.6)
  local bridge = 0.5 * up * down + 0.5 * (1 - (1 - 0.72) * (1 - 0.42))
  local want = 0.9 * 0.95 * bridge + 0.9 * 0.05 * 0.72 + 0.1 * 0.95 * 0.42
  local r = NR{n = 4, edges = e, terminals = {1, 4}, nodes = nodes}
  T.near(r, want, 1e-15, "exact with nodes")
  for _, est in ipairs{"rvr", "plain"} do
    local m, se, info = NR{n = 4, edges = e, terminals = {1, 4}, nodes = nodes, method = "mc",
                           estimator = est, samples = 50000, seed = 5}
    T.truthy(se > 0 and math.abs(m - want) < 4 * se, est .. " within 4 se")
    T.near(info.unreliability, 1 - m, 1e-15, est .. " unreliability")
    T.eq(info.samples, 50000, "samples")
    T.eq(info.estimator, est, "estimator")
  end
  local _, se_rvr, i_rvr = NR{n = 4, edges = e, terminals = {1, 4}, nodes = nodes, method = "mc",
                             samples = 50000, seed = 5}
  local _, se_pl, i_pl = NR{n = 4, edges = e, terminals = {1, 4}, nodes = nodes, method = "mc",
                           estimator = "plain", samples = 50000, seed = 5}
  T.truthy(i_pl.sample_var > 5 * i_rvr.sample_var and se_pl > se_rvr, "RVR lowers the variance")
end)

T.test("criticality with nodes: Birnbaum by hand", function()
  -- Two parallel paths 1-2-4 (0.9, 0.8) and 1-3-4 (0.7, 0.6), node 2 0.5.
  local e = {{1, 2, 0.9}, {2, 4, 0.8}, {1, 3, 0.7}, {3, 4, 0.6}}
  local r, ce, cn = NR{n = 4, edges = e, terminals = {1, 4}, nodes = {1, 0.5, 1, 1}, criticality = true}
  T.near(r, 1 - (1 - 0.5 * 0.72) * (1 - 0.42), 1e-15, "R")
  -- Node 2: R(up) - R(down) = (1 - 0.28 * 0.58) - 0.42.
  T.near(cn[2], (1 - 0.28 * 0.58) - 0.42, 1e-15, "node 2")
  -- Terminal 1: R(up) - 0 = R.
  T.near(cn[1], r, 1e-15, "terminal")
  -- Edge 1-2: node 2 up with 0.5: dR/dp = 0.5 * 0.8 * (1 - 0.42).
  T.near(ce[1], 0.5 * 0.8 * 0.58, 1e-15, "edge 1-2")
  T.eq(#cn, 4, "one value per node")
  local _, ce2, cn2 = NR{n = 4, edges = e, terminals = {1, 4}, criticality = true}
  T.near(ce2[1], 0.8 * 0.58, 1e-15, "perfect nodes: edge")
  T.near(cn2[2], (1 - 0.28 * 0.58) - 0.42, 1e-15, "perfect nodes: node 2 still has a Birnbaum")
end)

T.test("30 x 30 grid: exact refused at once, RVR instead", function()
  local e = grid(30, 0.9)
  local t0 = tg.clock()
  T.raises(function() NR{n = 900, edges = e, terminals = {1, 900}} end, "frontier width 31")
  T.raises(function() NR{n = 900, edges = e, terminals = {1, 900}} end, "use Monte Carlo")
  T.truthy(tg.clock() - t0 < 5, "refused without building states")
  -- 10 x 10: exact and RVR agree (exact 0.97566162314156 from the
  -- frontier method; the 10 x 10 value converges to twice the corner cut).
  local ex = NR{n = 100, edges = grid(10, 0.9), terminals = {1, 100}}
  local m, se = NR{n = 100, edges = grid(10, 0.9), terminals = {1, 100}, method = "mc",
                   samples = 4000, seed = 2}
  T.truthy(math.abs(m - ex) < 4 * se, "RVR within 4 se of exact on 10 x 10")
end)

T.test("network_reliability rejects bad fields", function()
  local e = {{1, 2, 0.9}, {2, 3, 0.8}}
  local function bad(t, pat) T.raises(function() NR(t) end, pat) end
  bad({n = 0, edges = e, terminals = {1, 3}}, "field 'n'")
  bad({n = 3, edges = {{1, 2}}, terminals = {1, 3}}, "edge 1: probability")
  bad({n = 3, edges = {{1, 4, 0.5}}, terminals = {1, 3}}, "edge 1: endpoints")
  bad({n = 3, edges = {{1.5, 2, 0.5}}, terminals = {1, 3}}, "edge 1: endpoints")
  bad({n = 3, edges = {{1, 2, 1.5}}, terminals = {1, 3}}, "edge 1: probability")
  bad({n = 3, edges = {{1, 2, "x"}}, terminals = {1, 3}}, "edge 1: probability")
  bad({n = 3, edges = {7}, terminals = {1, 3}}, "each edge is {u, v, p}")
  bad({n = 3, edges = e, terminals = {1}}, "2 to 250")
  bad({n = 3, edges = e, terminals = {1, 9}}, "terminal 2")
  bad({n = 3, edges = e, terminals = {1, 3}, nodes = {1, 1}}, "one probability per node")
  bad({n = 3, edges = e, terminals = {1, 3}, nodes = {1, 2, 1}}, "node 2: probability")
  bad({n = 3, edges = e, terminals = {1, 3}, nodes = 0.5}, "field 'nodes'")
  bad({n = 3, edges = e, terminals = {1, 3}, method = "bdd"}, "'exact' or 'mc'")
  bad({n = 3, edges = e, terminals = {1, 3}, method = "mc", estimator = "dagger"}, "'rvr' or 'plain'")
  bad({n = 3, edges = e, terminals = {1, 3}, estimator = "rvr"}, "only for method 'mc'")
  bad({n = 3, edges = e, terminals = {1, 3}, method = "mc", samples = 1}, "at least 2")
  bad({n = 3, edges = e, terminals = {1, 3}, method = "mc", samples = "many"}, "samples")
  bad({n = 3, edges = e, terminals = {1, 3}, sampels = 10}, "sampels")
  bad({n = 3, edges = e, terminals = {1, 3}, method = "mc", criticality = true}, "criticality")
end)
