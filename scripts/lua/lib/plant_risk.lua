-- plant_risk.lua: the fault tree of "loss of supply" derived from a directed
-- plant graph, for tg.risk.
--
--   local pr = require("plant_risk")
--   local m, info = pr.fault_tree(g, {sources = {...}, sinks = {...}, mode = "any"})
--   local a = m:analyze()
--
-- What it models.  Supply flows along the edges from the sources.  A
-- component (node) fails at the constant rate of its `failure_rate`
-- attribute (per hour; nodes without a rate never fail) over the model's
-- mission time; edges do not fail.  A node is supplied when it works and it
-- is a source, or some in-neighbour is supplied: so a sink is supplied
-- exactly when a directed path of working nodes leads to it from a working
-- source.  The top event is the loss of supply to any sink (mode "any", an
-- OR) or to every sink (mode "all", an AND).  The fault tree is exact for
-- any directed graph: parallel feeds are AND gates (redundancy), a shared
-- component is one basic event used wherever it matters (the BDD handles
-- the repetition exactly), and loops cannot support themselves.
--
-- How.  Edges into a source are dropped (a working source is supplied by
-- itself, a failed one supplies nothing through any path), as are nodes that
-- no source reaches or that reach no sink.  Between strongly connected
-- components (SCCs) the feed graph is acyclic and one gate per node is
-- exact: lost(v) = fails(v) OR AND over in-neighbours u of lost(u).  Inside
-- an SCC that would let a loop feed itself, so there the tree unfolds along
-- paths, excluding the nodes already on the current path: lost(v | X),
-- with X the nodes of v's SCC that can still reach v without passing a
-- node of the path, is fails(v) OR AND over in-neighbours u (outside the
-- SCC: lost(u); in X: lost(u | X') with X' the part of X that reaches u
-- avoiding u).  The function depends on the path only through X, so equal
-- X share one gate.  This is exact but can grow exponentially with the
-- number of independent loops inside one SCC: opts.max_gates (default
-- 200000) bounds it and raises an error beyond.
--
-- opts.twins = {[id] = true}: give these components a redundant twin (same
-- rate, in parallel): the node fails only if both fail.  Used to ask which
-- single added redundancy lowers the risk most.
local M = {}

-- Strongly connected components (Tarjan, iterative) of the nodes `ids`
-- (array) with adjacency `out` (id -> array of ids); returns id -> scc number.
local function scc_of(ids, out)
  local index, low, on, stack, comp = {}, {}, {}, {}, {}
  local n, ncomp = 0, 0
  for _, root in ipairs(ids) do
    if not index[root] then
      local work = {{root, 1}}
      n = n + 1; index[root] = n; low[root] = n
      stack[#stack + 1] = root; on[root] = true
      while #work > 0 do
        local top = work[#work]
        local v, i = top[1], top[2]
        local nb = out[v] or {}
        if i <= #nb then
          top[2] = i + 1
          local w = nb[i]
          if not index[w] then
            n = n + 1; index[w] = n; low[w] = n
            stack[#stack + 1] = w; on[w] = true
            work[#work + 1] = {w, 1}
          elseif on[w] and index[w] < low[v] then
            low[v] = index[w]
          end
        else
          work[#work] = nil
          if #work > 0 then
            local p = work[#work][1]
            if low[v] < low[p] then low[p] = low[v] end
          end
          if low[v] == index[v] then
            ncomp = ncomp + 1
            repeat
              local w = table.remove(stack)
              on[w] = false
              comp[w] = ncomp
            until w == v
          end
        end
      end
    end
  end
  return comp
end

local function reach(starts, adj, ok)
  local seen, st = {}, {}
  for _, s in ipairs(starts) do
    if not seen[s] and ok(s) then seen[s] = true; st[#st + 1] = s end
  end
  while #st > 0 do
    local u = table.remove(st)
    for _, v in ipairs(adj[u] or {}) do
      if not seen[v] and ok(v) then seen[v] = true; st[#st + 1] = v end
    end
  end
  return seen
end

function M.fault_tree(g, opts)
  opts = opts or {}
  assert(opts.sources and #opts.sources > 0, "plant_risk.fault_tree: sources needed")
  assert(opts.sinks and #opts.sinks > 0, "plant_risk.fault_tree: sinks needed")
  local mode = opts.mode or "any"
  assert(mode == "any" or mode == "all", "plant_risk.fault_tree: mode is 'any' or 'all'")
  local attr = opts.rate or "failure_rate"
  local twins = opts.twins or {}
  local max_gates = opts.max_gates or 200000
  local is_source = {}
  for _, s in ipairs(opts.sources) do is_source[s] = true end
  -- Feed edges: no self loops, none into a source, no duplicates.
  local out, inn, dup = {}, {}, {}
  for _, e in ipairs(g:edges()) do
    local u, v = e.source, e.target
    local key = u .. "\0" .. v
    if u ~= v and not is_source[v] and not dup[key] then
      dup[key] = true
      out[u] = out[u] or {}; table.insert(out[u], v)
      inn[v] = inn[v] or {}; table.insert(inn[v], u)
    end
  end
  local all = function() return true end
  local fed = reach(opts.sources, out, all)
  for _, s in ipairs(opts.sinks) do
    if not fed[s] then error("plant_risk.fault_tree: sink " .. s .. " is not reached from the sources") end
  end
  local needed = reach(opts.sinks, inn, function(v) return fed[v] end)
  local ids = {}
  for id in pairs(needed) do ids[#ids + 1] = id end
  table.sort(ids)
  -- Restrict the adjacency to the needed nodes, in a stable order.
  local rin, rout = {}, {}
  for _, v in ipairs(ids) do
    local l = {}
    for _, u in ipairs(inn[v] or {}) do if needed[u] then l[#l + 1] = u end end
    table.sort(l)
    rin[v] = l
    for _, u in ipairs(l) do rout[u] = rout[u] or {}; table.insert(rout[u], v) end
  end
  local comp = scc_of(ids, rout)
  local csize = {}
  for _, v in ipairs(ids) do csize[comp[v]] = (csize[comp[v]] or 0) + 1 end

  local m = tg.risk.model()
  local info = {components = 0, gates = 0, twins = 0, loop_gates = 0}
  -- fails[v]: the event name of v's own failure, or nil when v cannot fail.
  local fails = {}
  for _, id in ipairs(ids) do
    local rate = g:get(id, attr)
    if rate and rate > 0 then
      info.components = info.components + 1
      m:basic_rate(id, rate)
      if twins[id] then
        m:basic_rate(id .. ".twin", rate)
        m:gate("fails." .. id, "and", {id, id .. ".twin"})
        fails[id] = "fails." .. id
        info.twins = info.twins + 1
      else
        fails[id] = id
      end
    end
  end
  -- Gates are built with constants folded: a result is a gate or event
  -- name, or true (certainly lost) / false (never lost).
  local function gate(name, kind, args)
    local keep = {}
    for _, a in ipairs(args) do
      if a == true then
        if kind == "or" then return true end
      elseif a == false then
        if kind == "and" then return false end
      else
        keep[#keep + 1] = a
      end
    end
    if #keep == 0 then return kind == "and" end
    if #keep == 1 then return keep[1] end
    table.sort(keep)
    m:gate(name, kind, keep)
    info.gates = info.gates + 1
    if info.gates > max_gates then
      local big = 0
      for _, k in pairs(csize) do if k > big then big = k end end
      error(("plant_risk.fault_tree: more than %d gates (loops inside a strongly connected part of %d " ..
        "nodes); raise opts.max_gates"):format(max_gates, big))
    end
    return name
  end
  local top_lost, memo, nloop = {}, {}, {}
  -- lost(v, X): X is nil for the node on its own (no path yet), else the
  -- set (array, sorted) of v's SCC nodes that may still feed v.
  local lost
  local function within(v, X)
    -- The nodes of X that reach v avoiding v (backward search inside X).
    local inX = {}
    for _, w in ipairs(X) do inX[w] = true end
    inX[v] = nil
    local seen = reach(rin[v], rin, function(w) return inX[w] end)
    local r = {}
    for _, w in ipairs(X) do if seen[w] then r[#r + 1] = w end end
    return r
  end
  lost = function(v, X)
    local key
    if X == nil then
      if top_lost[v] ~= nil then return top_lost[v] end
    else
      key = v .. "\1" .. table.concat(X, "\1")
      if memo[key] ~= nil then return memo[key] end
    end
    local c = comp[v]
    local loop = csize[c] > 1
    local args = {fails[v] or false}
    if not is_source[v] then
      local Xv
      if loop then
        Xv = X
        if Xv == nil then
          -- On its own, v may be fed by every other node of its SCC.
          Xv = {}
          for _, w in ipairs(ids) do if comp[w] == c and w ~= v then Xv[#Xv + 1] = w end end
        end
      end
      local inX = {}
      for _, w in ipairs(Xv or {}) do inX[w] = true end
      local feeds = {}
      for _, u in ipairs(rin[v]) do
        if comp[u] ~= c then
          feeds[#feeds + 1] = lost(u, nil)
        elseif inX[u] then
          feeds[#feeds + 1] = lost(u, within(u, Xv))
        end
      end
      local name = "nofeed." .. v
      if X ~= nil then
        nloop[v] = (nloop[v] or 0) + 1
        name = "loop" .. nloop[v] .. ".nofeed." .. v
      end
      args[#args + 1] = gate(name, "and", feeds)
    end
    local name = "lost." .. v
    if X ~= nil then name = "loop" .. nloop[v] .. ".lost." .. v end
    local r = gate(name, "or", args)
    if X == nil then top_lost[v] = r else memo[key] = r; info.loop_gates = info.loop_gates + 1 end
    -- (loop_gates: how many path-dependent copies the loops needed)
    return r
  end
  local tops = {}
  for _, s in ipairs(opts.sinks) do tops[#tops + 1] = lost(s, nil) end
  local top = gate("loss_of_supply", mode == "any" and "or" or "and", tops)
  if top ~= "loss_of_supply" then
    -- A single event or gate (or a constant): keep a top gate of that name.
    if top == true or top == false then
      m:basic("supply.constant", top and 1 or 0)
      top = "supply.constant"
    end
    m:gate("loss_of_supply", "null", {top})
    info.gates = info.gates + 1
  end
  m:finish()
  return m, info
end

return M
