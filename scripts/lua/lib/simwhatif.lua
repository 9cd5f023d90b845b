-- simwhatif.lua: what-if helpers around tg.sim for plant graphs.
--   local w = require("simwhatif")
--   local g2 = w.duplicate(g, "CS_C1", "CS_C6")   -- a copy of g with a parallel twin of CS_C1
--   local g3 = w.remove(g, "CELL_05_QV")          -- a copy of g without the component
--   local a, b = tg.sim.plant(g):steady(), tg.sim.plant(g2):steady()
--   local d = w.diff(a, b)                        -- {{id, dp, dT, dm}, ...} by |dT| then |dm|
-- Setting a parameter is g:set(id, attr, value) (kv, opening, heat_load,
-- t_set, m_nom, ...) on a copy, or plant:set_opening / plant:set_heat_load.
local M = {}

-- A copy of g where node `id` has a twin `new_id` with the same attributes
-- and copies of its incident edges (ids "<source>__<target>", parallel to
-- the originals).  Duplicating a compressor adds a machine in parallel.
function M.duplicate(g, id, new_id)
  local h = g:copy()
  if h:has_node(new_id) then error("simwhatif.duplicate: node '" .. new_id .. "' exists") end
  local attrs = h:node(id)
  attrs.id = nil
  h:add_node(new_id, attrs)
  for _, e in ipairs(g:edges()) do
    if e.source == id or e.target == id then
      local ea = g:edge(e.id)
      local s = e.source == id and new_id or e.source
      local t = e.target == id and new_id or e.target
      ea.source, ea.target = nil, nil
      ea.id = s .. "__" .. t
      h:add_edge(s, t, ea)
    end
  end
  return h
end

-- A copy of g without node `id` (and its edges).
function M.remove(g, id)
  local h = g:copy()
  h:remove_node(id)
  return h
end

-- Per-node differences b - a of two steady states (tables from
-- plant:steady()), over the nodes present in both, sorted by |dT| then
-- |dm| (largest first); also returns the maxima.
function M.diff(a, b)
  local out, mx = {}, {dp = 0, dT = 0, dm = 0}
  for id, x in pairs(a.nodes) do
    local y = b.nodes[id]
    if y then
      local r = {id = id, dp = y.p - x.p, dT = y.T - x.T, dm = y.m - x.m}
      out[#out + 1] = r
      for _, k in ipairs{"dp", "dT", "dm"} do mx[k] = math.max(mx[k], math.abs(r[k])) end
    end
  end
  table.sort(out, function(p, q)
    if math.abs(p.dT) ~= math.abs(q.dT) then return math.abs(p.dT) > math.abs(q.dT) end
    if math.abs(p.dm) ~= math.abs(q.dm) then return math.abs(p.dm) > math.abs(q.dm) end
    return p.id < q.id
  end)
  return out, mx
end

return M
