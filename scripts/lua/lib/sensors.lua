-- sensors.lua: sensor placement for fault detection and isolation on a
-- plant graph (used by examples/sensor_placement.lua and the demo).
--
-- Propagation model.  A fault at component v disturbs v and everything
-- downstream of it along the flow (the graph's edge direction) up to `hops`
-- edges away: a sensor at s sees the fault when the directed distance from
-- v to s is at most `hops` (a sensor at v itself sees it, distance 0).
-- Deviations fade along the flow through buffers, heat exchangers and
-- controllers, so a hop limit stands for the attenuation; on a strongly
-- connected plant plain reachability would make every sensor see every
-- fault.
--
-- The signature of a fault is the set of sensors that see it.  A fault is
-- detectable when its signature is not empty, and isolable (detectable
-- and distinguishable) when no other fault has the same signature.  The
-- objective is the number of isolable faults, with the number of
-- detectable faults as tie-breaker: isolable + detectable / (n + 1).
local M = {}

-- model(g, hops) -> {ids = {...}, n = #ids, hops = h, reach = {[s] = {v, ...}}}
-- reach[s]: the faults (node indices) sensor s sees, by one upstream BFS.
function M.model(g, hops)
  local ids = g:nodes()
  local index = {}
  for i, id in ipairs(ids) do index[id] = i end
  local reach = {}
  for s, id in ipairs(ids) do
    local d = g:bfs(id, {mode = "in"})
    local r = {}
    for v = 1, #ids do if d[v] <= hops then r[#r + 1] = v end end
    reach[s] = r
  end
  return {ids = ids, index = index, n = #ids, hops = hops, reach = reach}
end

-- score(m, sensors) -> isolable, detectable (sensors: node indices;
-- duplicates count once).
function M.score(m, sensors)
  local s = {}
  for i, v in ipairs(sensors) do s[i] = v end
  table.sort(s)
  local sig, last = {}, nil
  for _, v in ipairs(s) do
    if v ~= last then
      for _, f in ipairs(m.reach[v]) do
        local t = sig[f]
        if t then t[#t + 1] = v else sig[f] = {v} end
      end
    end
    last = v
  end
  local key, count = {}, {}
  for f, t in pairs(sig) do
    local k = table.concat(t, ",")
    key[f] = k
    count[k] = (count[k] or 0) + 1
  end
  local iso, det = 0, 0
  for _, k in pairs(key) do
    det = det + 1
    if count[k] == 1 then iso = iso + 1 end
  end
  return iso, det
end

function M.objective(m, sensors)
  local iso, det = M.score(m, sensors)
  return iso + det / (m.n + 1)
end

-- greedy(m, k): add the sensor that raises the objective most, k times
-- (ties to the lowest index).
function M.greedy(m, k)
  local chosen, used = {}, {}
  for step = 1, k do
    local best, bestv = nil, -1
    for v = 1, m.n do
      if not used[v] then
        chosen[step] = v
        local f = M.objective(m, chosen)
        if f > bestv then best, bestv = v, f end
      end
    end
    chosen[step] = best
    used[best] = true
  end
  return chosen, M.objective(m, chosen)
end

-- exhaustive(m, k): every k-subset of the n nodes (use on small graphs:
-- C(n, k) evaluations) -> best sensors, objective, subsets tried.
function M.exhaustive(m, k)
  local cur, best, bestv, tried = {}, nil, -1, 0
  local function rec(start, depth)
    if depth > k then
      tried = tried + 1
      local f = M.objective(m, cur)
      if f > bestv then best, bestv = {table.unpack(cur)}, f end
      return
    end
    for v = start, m.n - (k - depth) do
      cur[depth] = v
      rec(v + 1, depth + 1)
    end
  end
  rec(1, 1)
  return best, bestv, tried
end

-- ga(m, k, opts): integer genes = k node indices; a sensor listed twice is
-- a constraint violation (Deb's rules push it out).  opts: seed,
-- population (100), generations (300), log, initial (passed to tg.ga.run);
-- tournaments of 3, 2 elites, each gene re-drawn with probability 1.5 / k.
function M.ga(m, k, opts)
  opts = opts or {}
  local r = tg.ga.run{
    encoding = "integer", length = k, lower = 1, upper = m.n,
    population = opts.population or 100, generations = opts.generations or 300,
    tournament = 3, elite = 2, seed = opts.seed or 1, mutation_rate = 1.5 / k, log = opts.log,
    initial = opts.initial,
    fitness = function(x)
      local seen, dup = {}, 0
      for _, v in ipairs(x) do
        if seen[v] then dup = dup + 1 end
        seen[v] = true
      end
      return M.objective(m, x), dup
    end,
  }
  table.sort(r.best)
  return r.best, r.fitness, r
end

function M.names(m, sensors)
  local out = {}
  for i, v in ipairs(sensors) do out[i] = m.ids[v] end
  return out
end

return M
