-- plant_ref.lua: an independent reference for scripts/lua/lib/plant_risk.lua,
-- straight on the graph (no fault tree): a state is the set of failed
-- components; a sink is supplied when a breadth-first search from the
-- working sources through working nodes along the edges reaches it.
--   local ref = dofile(root .. "/tests/lua/plant_ref.lua")
--   ref.brute(spec)        -> P(top), minimal cut sets (sorted arrays of names)
--   ref.mc(spec, n, seed)  -> P estimate, its standard error
-- spec = {nodes = {id, ...}, edges = {{u, v}, ...}, rate = {[id] = r},
--         sources =, sinks =, mode = "any" | "all", t = 8760}
local M = {}

local function prepare(spec)
  local out = {}
  for _, e in ipairs(spec.edges) do
    out[e[1]] = out[e[1]] or {}
    table.insert(out[e[1]], e[2])
  end
  local comps, q = {}, {}
  for _, id in ipairs(spec.nodes) do
    local r = spec.rate[id]
    if r and r > 0 then
      comps[#comps + 1] = id
      q[#comps] = 1 - math.exp(-r * (spec.t or 8760))
    end
  end
  return out, comps, q
end

-- top(failed): is the top event true when the components in `failed` fail?
local function top(spec, out, failed)
  local seen, queue, head = {}, {}, 1
  for _, s in ipairs(spec.sources) do
    if not failed[s] and not seen[s] then seen[s] = true; queue[#queue + 1] = s end
  end
  while queue[head] do
    local u = queue[head]; head = head + 1
    for _, v in ipairs(out[u] or {}) do
      if not seen[v] and not failed[v] then seen[v] = true; queue[#queue + 1] = v end
    end
  end
  local nlost = 0
  for _, s in ipairs(spec.sinks) do if not seen[s] then nlost = nlost + 1 end end
  if (spec.mode or "any") == "any" then return nlost > 0 end
  return nlost == #spec.sinks
end

function M.brute(spec)
  local out, comps, q = prepare(spec)
  local n = #comps
  assert(n <= 20, "plant_ref.brute: too many components")
  local is_top, p = {}, 0
  for mask = 0, (1 << n) - 1 do
    local failed, pr = {}, 1
    for i = 1, n do
      if mask & (1 << (i - 1)) ~= 0 then failed[comps[i]] = true; pr = pr * q[i]
      else pr = pr * (1 - q[i]) end
    end
    is_top[mask] = top(spec, out, failed)
    if is_top[mask] then p = p + pr end
  end
  -- Minimal cut sets: top states with no top state one failure fewer
  -- (the function is monotone: more failures never restore supply).
  local cuts = {}
  for mask = 0, (1 << n) - 1 do
    if is_top[mask] then
      local minimal = true
      for i = 1, n do
        local b = 1 << (i - 1)
        if mask & b ~= 0 and is_top[mask & ~b] then minimal = false; break end
      end
      if minimal then
        local c = {}
        for i = 1, n do if mask & (1 << (i - 1)) ~= 0 then c[#c + 1] = comps[i] end end
        table.sort(c)
        cuts[#cuts + 1] = c
      end
    end
  end
  return p, cuts
end

-- Monte Carlo with a 64-bit LCG (seeded), independent of tg's generator.
function M.mc(spec, nsamples, seed)
  local out, comps, q = prepare(spec)
  local state = seed * 2862933555777941757 + 3037000493
  local function u01()
    state = state * 6364136223846793005 + 1442695040888963407
    return ((state >> 11) & ((1 << 53) - 1)) / 9007199254740992.0
  end
  local hits = 0
  for _ = 1, nsamples do
    local failed = {}
    for i = 1, #comps do if u01() < q[i] then failed[comps[i]] = true end end
    if top(spec, out, failed) then hits = hits + 1 end
  end
  local p = hits / nsamples
  return p, math.sqrt(p * (1 - p) / nsamples)
end

-- The spec of a tg graph (nodes, edges, failure_rate attribute).
function M.spec_of(g, sources, sinks, mode)
  local spec = {nodes = g:nodes(), edges = {}, rate = {}, sources = sources, sinks = sinks, mode = mode}
  for _, e in ipairs(g:edges()) do spec.edges[#spec.edges + 1] = {e.source, e.target} end
  for _, id in ipairs(spec.nodes) do spec.rate[id] = g:get(id, "failure_rate") end
  return spec
end

return M
