-- plant_risk.lua: the fault tree of "loss of supply" derived from a directed
-- plant graph, for tg.risk.
--
--   local pr = require("plant_risk")
--   local m, info = pr.fault_tree(g, {sources = {...}, sinks = {...}, mode = "any"})
--   local a = m:analyze()
--
-- Supply flows along the edges from the sources.  A component (node) fails
-- at the constant rate of its `failure_rate` attribute (per hour; nodes
-- without a rate never fail) over the model's mission time.  A node has lost
-- its supply when it has failed itself, or when every node feeding it has
-- lost its supply (a source: when it has failed).  So parallel feeds come out
-- as AND gates (redundancy) and a component shared by several paths is one
-- basic event used in several gates (the BDD handles the repetition
-- exactly).  The top event is the loss of supply to any sink (mode "any",
-- an OR) or to all sinks (mode "all", an AND).
--
-- Plant graphs have loops (the helium returns to the compressors).  The
-- supply direction is taken from a breadth-first search from the sources:
-- only edges u -> v with hops(u) < hops(v) are feeds, which makes the feed
-- graph acyclic and drops return and cross connections.  Nodes that cannot
-- feed a sink are left out.
--
-- opts.twins = {[id] = true}: give these components a redundant twin (same
-- rate, in parallel): the node fails only if both fail.  Used to ask which
-- single added redundancy lowers the risk most.
local M = {}

local function gate_name(id) return "lost." .. id end

function M.fault_tree(g, opts)
  opts = opts or {}
  assert(opts.sources and #opts.sources > 0, "plant_risk.fault_tree: sources needed")
  assert(opts.sinks and #opts.sinks > 0, "plant_risk.fault_tree: sinks needed")
  local mode = opts.mode or "any"
  assert(mode == "any" or mode == "all", "plant_risk.fault_tree: mode is 'any' or 'all'")
  local attr = opts.rate or "failure_rate"
  local twins = opts.twins or {}
  -- Breadth-first hops from the sources.
  local out, inn = {}, {}
  for _, e in ipairs(g:edges()) do
    out[e.source] = out[e.source] or {}
    table.insert(out[e.source], e.target)
  end
  local hops, queue, head = {}, {}, 1
  for _, s in ipairs(opts.sources) do
    if hops[s] == nil then hops[s] = 0; queue[#queue + 1] = s end
  end
  while queue[head] do
    local u = queue[head]; head = head + 1
    for _, v in ipairs(out[u] or {}) do
      if hops[v] == nil then hops[v] = hops[u] + 1; queue[#queue + 1] = v end
    end
  end
  -- Feeds: forward edges only; then the nodes that can feed a sink.
  for _, e in ipairs(g:edges()) do
    local hu, hv = hops[e.source], hops[e.target]
    if hu and hv and hu < hv then
      inn[e.target] = inn[e.target] or {}
      local seen = false
      for _, p in ipairs(inn[e.target]) do if p == e.source then seen = true end end
      if not seen then table.insert(inn[e.target], e.source) end
    end
  end
  local needed, stack = {}, {}
  for _, s in ipairs(opts.sinks) do
    if hops[s] == nil then error("plant_risk.fault_tree: sink " .. s .. " is not reached from the sources") end
    if not needed[s] then needed[s] = true; stack[#stack + 1] = s end
  end
  while #stack > 0 do
    local v = table.remove(stack)
    for _, p in ipairs(inn[v] or {}) do
      if not needed[p] then needed[p] = true; stack[#stack + 1] = p end
    end
  end
  local is_source = {}
  for _, s in ipairs(opts.sources) do is_source[s] = true end
  local m = tg.risk.model()
  local info = {components = 0, gates = 0, twins = 0}
  local ids = {}
  for id in pairs(needed) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    local rate = g:get(id, attr)
    local args = {}
    if rate and rate > 0 then
      info.components = info.components + 1
      if twins[id] then
        m:basic_rate(id, rate)
        m:basic_rate(id .. ".twin", rate)
        m:gate("fails." .. id, "and", {id, id .. ".twin"})
        args[#args + 1] = "fails." .. id
        info.twins = info.twins + 1
      else
        m:basic_rate(id, rate)
        args[#args + 1] = id
      end
    end
    if not is_source[id] then
      local feeds = {}
      for _, p in ipairs(inn[id] or {}) do if needed[p] then feeds[#feeds + 1] = gate_name(p) end end
      if #feeds == 1 then
        args[#args + 1] = feeds[1]
      elseif #feeds > 1 then
        table.sort(feeds)
        m:gate("nofeed." .. id, "and", feeds)
        args[#args + 1] = "nofeed." .. id
      end
    end
    if #args == 0 then
      -- A source that cannot fail: never loses supply.  Model it as a
      -- basic event of probability 0 so the gate stays well formed.
      m:basic(id .. ".never", 0)
      args[1] = id .. ".never"
    end
    m:gate(gate_name(id), #args == 1 and "null" or "or", args)
    info.gates = info.gates + 1
  end
  local tops = {}
  for _, s in ipairs(opts.sinks) do tops[#tops + 1] = gate_name(s) end
  m:gate("loss_of_supply", mode == "any" and "or" or "and", tops)
  m:finish()
  return m, info
end

return M
