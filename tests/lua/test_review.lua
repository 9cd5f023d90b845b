-- Regressions from the code review: user code must not run inside the
-- bindings (metamethods on option tables, callbacks that edit the graph),
-- stale vectors are refused, JSON edge cases, sandbox and memory caps.
local T = ...
local P = T.prog

local function small()
  local g = tg.graph.new()
  g:add_node("a"):add_node("b"):add_node("c")
  g:add_edge("a", "b", {w = 1.0}):add_edge("b", "c", {w = 2.0})
  return g
end

T.test("option tables are read raw", function()
  local g = small()
  local opts = setmetatable({}, {__index = function() error("metamethod ran") end})
  T.eq(g:betweenness(opts).b, 1.0, "unweighted, __index never consulted")
  local memb = setmetatable({}, {__index = function() error("metamethod ran") end})
  T.raises(function() g:modularity(memb) end, "node 'a' needs a community number 1..3")
  T.raises(function() g:modularity{1, 1, 9} end, "node 'c' needs a community number 1..3")
  T.near(g:modularity(g:louvain{seed = 1}.membership), g:louvain{seed = 1}.modularity, 1e-12, "vector membership")
end)

T.test("callbacks cannot pull the graph from under a method", function()
  local g = small()
  T.raises(function() g:filter(function() g:close() return true end) end, "closed graph")
  local h = small()
  T.raises(function() h:filter(function() h:remove_node("c") return true end) end,
           "the callback changed the graph's nodes or edges")
  local k = small()
  local f = k:filter(function(n) k:set(n.id, "seen", 1) return n.id ~= "b" end)
  T.eq(f:node_count(), 2, "attribute changes are fine")
end)

T.test("stale vectors are refused", function()
  local g = small()
  local d = g:degree()
  g:set("a", "x", 1.0)
  T.eq(d.a, 1.0, "attribute change keeps the vector valid")
  g:remove_node("a")
  g:add_node("zzz")
  T.raises(function() return d.zzz end, "have changed since this vector was computed")
  T.raises(function() return d:top(1) end, "have changed since this vector was computed")
end)

T.test("json edge cases", function()
  T.eq(tg.json.encode({[1.5] = "x", a = 1}), '{"1.5":"x","a":1}', "float key")
  T.raises(function() tg.json.encode({[1] = 1, ["1"] = 2, x = 3}) end, 'two keys are both named "1"')
  T.eq(tg.json.decode("99999999999999999999"), 1e20, "integer overflow becomes a double")
  T.raises(function() tg.json.decode('"\\ud800\\u0041"') end, "bad low surrogate")
  T.eq(tg.json.decode('"\\ud83d\\ude00"'), "\u{1F600}", "surrogate pair")
end)

T.test("sandbox: rawset on globals, memory of graphs counted", function()
  local code, _, err = T.run(P .. [[ --sandbox -e 'rawset(_G, "x", 1)']])
  T.eq(code, 1, "rawset exit"); T.truthy(err:find("rawset on the global table", 1, true), err)
  code = T.run(P .. [[ --sandbox -e 'assert(rawset({}, "a", 1).a == 1)']])
  T.eq(code, 0, "rawset on own tables still works")
  code, _, err = T.run(P .. [[ --sandbox --max-memory 64M -e ]] ..
    [['local g = tg.graph.new() for i = 1, 40 do g:add_node(("x"):rep(2e7) .. i) collectgarbage() end']])
  T.eq(code, 1, "graph memory exit"); T.truthy(err:find("out of memory", 1, true), err)
end)

T.test("GraphML: several type keys with split defaults", function()
  local g = tg.graph.load(T.root .. "/tests/graph/files/two_type_keys.graphml")
  T.eq(g:get("a", "type"), "valve", "last type key's default")
  T.eq(g:get("b", "type"), "tank", "explicit data")
end)
