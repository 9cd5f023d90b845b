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

-- ---- brain4: follow-ups of the review of issue 6 (each failed before its fix) ----

T.test("motter_lai alpha is typed strictly", function()
  local g = small()
  -- Fixed: {"0.5"} was converted silently while every scalar option
  -- (tg_lua_i_opt_number) refuses strings.
  T.raises(function() tg.resilience.motter_lai(g, {alpha = {0, "0.5"}}) end,
           "field 'alpha': entry 2 must be a number, got string", "string entry")
  T.raises(function() tg.resilience.motter_lai(g, {alpha = "0.5"}) end,
           "field 'alpha' must be an array of numbers, got string", "string alpha")
  T.raises(function() tg.resilience.motter_lai(g, {alpha = {true}}) end, "got boolean", "boolean entry")
  T.raises(function() tg.resilience.motter_lai(g, {alpha = {0 / 0}}) end, "must be finite and >= 0", "NaN alpha")
  T.raises(function() tg.resilience.motter_lai(g, {alpha = {math.huge}}) end, "must be finite and >= 0", "inf alpha")
  -- The model of the check, whose message said "got table" for any bad
  -- value (field_error in lstate.c read the options table, not the value).
  T.raises(function() tg.resilience.nk(g, {min_damage = "1"}) end, "field 'min_damage' must be a number, got string",
           "min_damage")
  local ml = tg.resilience.motter_lai(g, {alpha = {0.5}})
  T.eq(ml.alpha[1], 0.5, "a number is taken")
end)

T.test("indices: integral floats as in integer options, others refused", function()
  local g = small()
  -- Fixed: 3.0 was "not an id or index" although k = 2.0 is an integer.
  local a = tg.resilience.criticality(g, {sources = {1, 2}, sinks = {6, 7}, candidates = {3.0}})
  local b = tg.resilience.criticality(g, {sources = {1, 2}, sinks = {6, 7}, candidates = {3}})
  -- Losing A (node 3) cuts both loads: B is fed only through A (P is no source).
  T.eq(a[3], b[3], "3.0 is node 3"); T.eq(a[3], 2, "losing A cuts C and D")
  T.raises(function() tg.resilience.criticality(g, {candidates = {2.5}}) end, "entry 1 is not an integer index", "2.5")
  T.raises(function() tg.resilience.criticality(g, {candidates = {"3"}}) end, "unknown node id '3'", "string is an id")
end)

T.test("resilience on empty input: clear errors", function()
  local e = tg.graph.new{directed = true}
  -- Fixed: an attack on an empty graph returned flat rows of 0/0 fractions,
  -- an edge attack without edges a curve of nothing removed.
  T.raises(function() tg.resilience.attack(e, {strategy = "degree"}) end, "the graph has no nodes", "no nodes")
  T.raises(function() tg.resilience.motter_lai(e, {alpha = {0}}) end, "the graph has no nodes", "ml no nodes")
  local iso = tg.graph.new{directed = false}
  iso:add_node("a"); iso:add_node("b")
  T.raises(function() tg.resilience.attack(iso, {strategy = "random", edges = true}) end,
           "nothing to remove (the graph has no edges)", "no edges")
  T.raises(function() tg.resilience.attack(iso, {strategy = "degree", candidates = {}}) end,
           "the candidate list is empty", "empty candidates")
  -- One node, no edge: removing it leaves nothing (worked out by hand).
  local one = tg.graph.new{directed = false}
  one:add_node("x")
  local c = tg.resilience.attack(one, {strategy = "degree", points = 1, efficiency = false})
  T.eq(c.largest[1], 1, "intact: the one node"); T.eq(c.largest[2], 0, "after: nothing")
  T.eq(#tg.resilience.criticality(e), 0, "criticality of nothing")
  T.eq(#tg.resilience.nk(e, {k = 2}), 0, "no pairs")
end)

T.test("tg.brain entry points on degenerate matrices", function()
  -- Fixed: matrix() and from_graph() made 0 x 0 connectomes on which
  -- Louvain failed with "bad argument (matrix, n, ...)".
  T.raises(function() tg.brain.matrix({}) end, "the matrix is empty (0 x 0)", "0 x 0")
  T.raises(function() tg.brain.from_graph(tg.graph.new{}) end, "the graph has no nodes", "empty graph")
  -- Fixed: entries "0.5" were converted; inf was taken (tg.brain.load refuses it).
  T.raises(function() tg.brain.matrix({{0, "0.5"}, {"0.5", 0}}) end, "entry (1,2) is not a number (string)", "string")
  T.raises(function() tg.brain.matrix({{0, math.huge}, {1, 0}}) end, "entry (1,2) is infinite", "inf")
  T.raises(function() tg.brain.matrix({{0, 0 / 0}, {1, 0}}) end, "entry (1,2) is not a number", "nan")
  T.raises(function() tg.brain.matrix({{0, 1}, {1}}) end, "row 2 is not a table of 2 numbers", "ragged")
  local c = tg.brain.matrix({{0, 1}, {1, 0}})
  T.raises(function() c:set(1, 2, math.huge) end, "weights must be finite", "set inf")
  T.raises(function() c:set(1, 2, 0 / 0) end, "NaN is not a weight", "set nan")
  T.raises(function() c:modularity({"1", "1"}) end, "label 1 is not a number", "string label")
  -- No connection: BCT's values (docs/brain.md, "Degenerate input"), and
  -- the modules refuse because Q is 0/0.
  for _, rows in ipairs{{{0}}, {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}} do
    local z = tg.brain.matrix(rows)
    local n = z:n()
    for _, m in ipairs{"degree", "strength", "clustering", "betweenness", "local_efficiency"} do
      local v = z[m](z)
      for i = 1, n do T.eq(v[i], 0, m .. " of an empty connectome") end
    end
    local e = z:efficiency()
    if n == 1 then T.truthy(e ~= e, "efficiency of one region is 0/0") else T.eq(e, 0, "efficiency") end
    T.truthy(z:charpath().lambda ~= z:charpath().lambda, "no finite distance: lambda NaN")
    T.raises(function() z:louvain() end, "the matrix has no connections", "louvain")
    local p = {}
    for i = 1, n do p[i] = 1 end
    T.raises(function() z:modularity(p) end, "the matrix has no connections", "modularity")
  end
  -- Path measures use the positive weights only (documented): the signed
  -- matrix has the efficiency of its positive part.
  local s = tg.brain.matrix({{0, -1, 2}, {-1, 0, 1}, {2, 1, 0}})
  local pos = tg.brain.matrix({{0, 0, 2}, {0, 0, 1}, {2, 1, 0}})
  T.eq(s:efficiency(), pos:efficiency(), "negative weights are no connection for paths")
  T.raises(function() s:clustering() end, "is negative", "clustering refuses negatives")
  local k = {tg.brain.matrix({{0, 1}, {1, 0}}), tg.brain.matrix({{0, 1}, {1, 0}}),
             tg.brain.matrix({{0, 1}, {1, 0}}), tg.brain.matrix({{0, 1}, {1, 0}})}
  T.raises(function() tg.brain.nbs(k, {0, 0, "1", 1}) end, "group labels must be 0 or 1", "string group label")
end)

T.test("twingraph brain: matrices without connections are refused up front", function()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir -p "' .. dir .. '"'))
  local function file(name, text)
    local f = assert(io.open(dir .. "/" .. name, "w")); f:write(text); f:close()
    return dir .. "/" .. name
  end
  local tri = file("tri.csv", "0,1,1\n1,0,1\n1,1,0\n")
  local cases = {
    -- Fixed: these failed inside Louvain ("brain.louvain: the matrix has no
    -- connections"), naming neither the file nor the reason.
    {file("one.csv", "5\n"), "one.csv: a 1 x 1 matrix (one region) has no connections"},
    {file("zero.csv", "0,0,0\n0,0,0\n0,0,0\n"), "zero.csv: every off-diagonal weight is 0"},
    {file("diag.csv", "1,0\n0,1\n"), "diag.csv: every off-diagonal weight is 0"},
    {tri .. " --absolute 5", "tri.csv: no connections left after --absolute 5 (of 3 regions)"},
    {tri .. " --proportional 0", "tri.csv: no connections left after --proportional 0"},
    {file("zero.csv", "0,0\n0,0\n") .. " --partition " .. file("p.txt", "1\n2\n"),
     "zero.csv: every off-diagonal weight is 0"},
    -- Already refused by the reader, with the line.
    {file("hdr.csv", "a,b,c\n"), "hdr.csv:1: matrix is not square: 3 columns but 0 rows"},
    {file("blank.csv", "\n\n"), "blank.csv:1: file is empty"},
    {file("nonsq.csv", "0,1\n1,0\n2,2\n"), "nonsq.csv:3: matrix is not square"},
    {file("inf2.csv", "0,1\n-inf,0\n"), "inf2.csv:2: column 1: '-inf' is infinite"},
  }
  for _, c in ipairs(cases) do
    local code, out, err = T.run(P .. " brain --json " .. c[1])
    T.eq(code, 1, "exit of brain " .. c[1])
    T.eq(out, "", "nothing on stdout for " .. c[1])
    T.truthy(err:find(c[2], 1, true), "brain " .. c[1] .. ": " .. err)
  end
  -- brain_connectivity.lua refuses the same before its analysis.
  local code, _, err = T.run(P .. " " .. R .. "/scripts/lua/brain_connectivity.lua " .. dir .. "/zero.csv '' " .. dir)
  T.eq(code, 1, "study script exit"); T.truthy(err:find("zero.csv: no connections", 1, true), err)
  code, _, err = T.run(P .. " " .. R .. "/scripts/lua/brain_connectivity.lua " .. tri .. " '' " .. dir)
  T.eq(code, 1, "study script exit, 3 regions"); T.truthy(err:find("the small-world nulls need at least 4", 1, true), err)
  assert(os.execute('rm -rf "' .. dir .. '"'))
end)
