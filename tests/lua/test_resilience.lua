-- tg.resilience argument handling and `twingraph brain` on bad input:
-- regression tests for the review of issue 6 (each marked test failed
-- before its fix).  Values of the algorithms themselves are tested in
-- tests/graph/test_resilience.c against networkx.
local T = ...
local P, R = T.prog, T.root

local function small()
  -- S1 -> A, S2 -> A, P -> B, A -> B, B -> C, B -> D, A -> D (as in test_resilience.c)
  local g = tg.graph.new{directed = true}
  for _, n in ipairs{{"S1", "source"}, {"S2", "source"}, {"A", "header"}, {"P", "pump"},
                     {"B", "header"}, {"C", "load"}, {"D", "load"}} do
    g:add_node(n[1], {type = n[2]})
  end
  for _, e in ipairs{{"S1", "A"}, {"S2", "A"}, {"P", "B"}, {"A", "B"}, {"B", "C"}, {"B", "D"}, {"A", "D"}} do
    g:add_edge(e[1], e[2])
  end
  return g
end

T.test("edge candidates are used (they were silently dropped)", function()
  local g = small()
  -- Fixed: the option table was popped instead of the 'type' probe, so
  -- edge candidates read as an empty list and nothing was removed.
  local c = tg.resilience.attack(g, {edges = true, strategy = "random", candidates = {1, 2}, points = 2,
                                     runs = 1, efficiency = false})
  T.eq(#c.order, 2, "two edge candidates")
  T.eq(c.removed[3], 1, "all candidates removed at the end")
  local c2 = tg.resilience.attack(g, {edges = true, strategy = "betweenness", points = 7, efficiency = false})
  T.eq(#c2.order, g:edge_count(), "all edges without candidates")
end)

T.test("indices are range-checked without overflow", function()
  local g = small()
  -- Fixed: the index was truncated to int in the message (and
  -- math.mininteger - 1 overflowed, caught by UBSan).
  T.raises(function() tg.resilience.criticality(g, {candidates = {1 << 40}}) end,
           "index 1099511627776 out of range 1..7", "big index")
  T.raises(function() tg.resilience.criticality(g, {candidates = {math.mininteger}}) end,
           "out of range", "mininteger")
  T.raises(function() tg.resilience.criticality(g, {candidates = {0}}) end, "index 0 out of range", "zero")
  T.raises(function() tg.resilience.criticality(g, {candidates = {type = 3}}) end, "'type' must be a string",
           "type not a string")
  -- Fixed: {type=} for edges read as an empty list; {type=, ...} dropped the list.
  T.raises(function() tg.resilience.attack(g, {edges = true, candidates = {type = "pump"}}) end,
           "edge sets are ids or indices", "edge type")
  T.raises(function() tg.resilience.criticality(g, {candidates = {"A", type = "pump"}}) end,
           "not both", "type and list")
end)

T.test("dependency options are checked", function()
  local g = small()
  -- Fixed: a string 'required' and a non-table 'supply' were ignored
  -- silently; numbers in 'required' became strings nothing held.
  T.raises(function() tg.resilience.dependency(g, {failed = {"P"}, required = "pump"}) end,
           "field 'required' must be an array of node types", "required string")
  T.raises(function() tg.resilience.dependency(g, {failed = {"P"}, required = {1}}) end,
           "node types (strings)", "required number")
  T.raises(function() tg.resilience.dependency(g, {failed = {"P"}, supply = "kind"}) end,
           "field 'supply' must be a table", "supply string")
  T.raises(function() tg.resilience.dependency(g, {failed = {"P"}, supply = {attr = "kind"}}) end,
           "needs both 'attr' and 'value'", "supply half")
  T.raises(function() tg.resilience.dependency(g, {failed = {"P"}, supply = {atr = "k", value = "v"}}) end,
           "atr", "supply unknown key")
  -- Supply filter (hand-worked): S -supply-> A, X -signal-> A.  Failing S
  -- kills A only when signal edges are not supply edges.
  local h = tg.graph.new{directed = true}
  for _, id in ipairs{"S", "X", "A"} do h:add_node(id) end
  h:add_edge("S", "A", {kind = "supply"}); h:add_edge("X", "A", {kind = "signal"})
  T.eq(tg.resilience.dependency(h, {failed = {"S"}}).count, 1, "X still supplies A")
  local ds = tg.resilience.dependency(h, {failed = {"S"}, supply = {attr = "kind", value = "supply"}})
  T.eq(ds.count, 2, "only supply edges count"); T.eq(ds.failed[2].id, "A", "A fails"); T.eq(ds.failed[2].round, 2, "round 2")
  T.raises(function() tg.resilience.dependency(h, {failed = {"S"}, supply = {attr = "nope", value = "x"}}) end,
           "no string edge attribute 'nope'", "unknown attr")
  local d = tg.resilience.dependency(g, {failed = {"P"}, required = {"pump"}})
  T.eq(d.count, 3, "P, then B (needs a pump), then C")
  T.eq(d.failed[3].id, "C", "C last"); T.eq(d.failed[3].round, 3, "round 3")
end)

T.test("sets must be consistent", function()
  local g = small()
  local S = {sources = {"S1", "S2"}, sinks = {"C", "D"}}
  -- Fixed: sinks without sources were ignored (damage became the drop of
  -- the largest component); repeated candidates were screened as {A, A}.
  T.raises(function() tg.resilience.criticality(g, {sinks = S.sinks}) end, "sinks given without sources", "crit")
  T.raises(function() tg.resilience.attack(g, {sinks = S.sinks}) end, "sinks given without sources", "attack")
  T.raises(function() tg.resilience.nk(g, {k = 2, sources = S.sources, sinks = S.sinks, candidates = {"A", "A", "B"},
                                            minimal = false}) end, "listed twice", "nk dup")
  T.raises(function() tg.resilience.motter_lai(g, {alpha = {0}, trigger = {}}) end, "trigger list is empty",
           "empty trigger")
  local nk = tg.resilience.nk(g, {k = 2, sources = S.sources, sinks = S.sinks})
  T.eq(#nk, 1, "one minimal pair"); T.eq(nk[1].ids[1] .. nk[1].ids[2], "S1S2", "{S1, S2}")
end)

T.test("twingraph brain: bad input gives a clear error and exit code", function()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir -p "' .. dir .. '"'))
  local function file(name, text)
    local f = assert(io.open(dir .. "/" .. name, "w")); f:write(text); f:close()
    return dir .. "/" .. name
  end
  local ok = file("ok.csv", "0,1\n1,0\n")
  local cases = {
    {dir .. "/missing.csv", 1, "cannot open"},
    {file("ragged.csv", "0,1,2\n1,0\n2,1,0\n"), 1, "ragged.csv:2: expected 3 values"},
    {file("nan.csv", "0,nan\nnan,0\n"), 1, "nan.csv:1: column 2: NaN is not allowed"},
    -- Fixed: "inf" was read and refused later as "brain.matrix: weight: edge #1".
    {file("inf.csv", "0,inf\ninf,0\n"), 1, "inf.csv:1: column 2: 'inf' is infinite"},
    {file("nonsq.csv", "0,1,2\n1,0,3\n"), 1, "matrix is not square"},
    {file("empty.csv", ""), 1, "file is empty"},
    {file("neg.csv", "0,-1\n-1,0\n"), 1, "is negative"},
    {ok .. " --bogus", 2, "unknown option '--bogus'"},
    {ok .. " --proportional", 2, "needs a value"},
    {ok .. " --proportional 2", 2, "wants P in [0, 1]"},
    {ok .. " --absolute nan", 2, "wants a number"},
    {ok .. " --proportional 0.5 --absolute 1", 2, "exclude each other"},
    -- Fixed: a seed beyond the integers fell back to the default silently.
    {ok .. " --seed 1e30", 2, "--seed wants an integer"},
    {ok .. " --seed 0.5", 2, "--seed wants an integer"},
    {ok .. " --partition " .. file("p1.txt", "1\n"), 1, "1 labels for 2 nodes"},
    {ok .. " --partition " .. file("px.txt", "1\nx\n"), 1, "px.txt:2: 'x' is not an integer module label"},
    {"", 2, "missing MATRIX"},
  }
  for _, c in ipairs(cases) do
    local code, out, err = T.run(P .. " brain --json " .. c[1])
    T.eq(code, c[2], "exit of brain " .. c[1])
    T.eq(out, "", "nothing on stdout for " .. c[1])
    T.truthy(err:find(c[3], 1, true), "brain " .. c[1] .. ": " .. err)
  end
  local code, out = T.run(P .. " brain " .. ok .. " --seed 3 --json")
  T.eq(code, 0, "good seed"); T.truthy(out:find('"nodes":2', 1, true), out)
  assert(os.execute('rm -rf "' .. dir .. '"'))
end)
