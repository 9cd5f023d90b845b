-- Review follow-ups of issue 7 (risk5a): the `twingraph risk` CLI (help,
-- exit codes, JSON keys, the uncertainty histogram's bin edges) and the
-- exact fault tree of a plant graph (scripts/lua/lib/plant_risk.lua)
-- against brute-force enumeration of component states on the graph.
local T = ...
local P, R = T.prog, T.root
local FT = R .. "/data/faulttrees/"

T.test("risk CLI: help, exit codes, variables, histogram edges", function()
  local code, out = T.run(P .. " risk --help")
  T.eq(code, 0, "--help exit")
  T.truthy(out:find("Exit status: 0 success; 1 error", 1, true), "help gives the exit codes")
  T.truthy(out:find("2 bad usage", 1, true), "help gives the usage exit code")
  for _, o in ipairs{"--top", "--report", "--prime-implicants", "--time-step", "--mocus", "--seed",
                     "--max-sets"} do
    T.truthy(out:find(o, 1, true), "help lists " .. o)
  end
  local err
  code, _, err = T.run(P .. " risk " .. FT .. "scram/SmallTree.xml --limit-order x")
  T.eq(code, 2, "bad usage exits 2 " .. err)
  code, _, err = T.run(P .. " risk /nonexistent/tree.xml")
  T.eq(code, 1, "unreadable file exits 1 " .. err)
  code, out, err = T.run(P .. " risk " .. FT .. "scram/SmallTree.xml --uncertainty 5000 --seed 4 --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  -- Every key the help promises for these options is there.
  for _, k in ipairs{"top", "basic_events", "variables", "gates", "products", "distribution",
                     "uncertainty", "seconds"} do
    T.truthy(j[k] ~= nil, "JSON has " .. k)
  end
  T.eq(j.variables, 4, "SmallTree has 4 basic events")
  local u = j.uncertainty
  T.eq(#u.bins, 20, "20 bins"); T.eq(#u.bin_edges, 21, "21 bin edges")
  T.eq(u.bin_edges[1], u.min, "first edge is the min"); T.eq(u.bin_edges[21], u.max, "last edge is the max")
  T.near(u.bin_width, (u.max - u.min) / 20, 1e-15, "bin width")
  local total = 0
  for i = 1, 20 do
    total = total + u.bins[i]
    T.near(u.bin_edges[i + 1] - u.bin_edges[i], u.bin_width, 1e-12 * u.max, "equal bins")
  end
  T.eq(total, 5000, "every trial in one bin")
  -- Recount the histogram from the quantiles' side: the 5% quantile lies
  -- in the bin whose cumulative count first reaches 5% of the trials.
  local cum, b = 0, 0
  repeat b = b + 1; cum = cum + u.bins[b] until cum >= 0.05 * 5000
  T.truthy(u.quantiles[1] >= u.bin_edges[b] - 1e-15 and u.quantiles[1] <= u.bin_edges[b + 1] + 1e-15,
    "5% quantile inside its bin")
end)
