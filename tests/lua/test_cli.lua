-- The twingraph program: usage, exit codes, error reports, the sandbox,
-- and the subcommands.
local T = ...
local P = T.prog
local R = T.root

T.test("help, version and usage errors", function()
  local code, out = T.run(P .. " --help")
  T.eq(code, 0, "--help exit"); T.truthy(out:find("usage: twingraph", 1, true), "usage text")
  code, out = T.run(P .. " --version")
  T.eq(code, 0, "--version exit"); T.truthy(out:find("twingraph " .. tg.version, 1, true), "version")
  local err
  code, _, err = T.run(P .. " --bogus")
  T.eq(code, 2, "unknown option exit"); T.truthy(err:find("unknown option '--bogus'", 1, true), err)
  code, _, err = T.run(P .. " --max-memory lots -e 'x=1'")
  T.eq(code, 2, "bad size exit")
  code, _, err = T.run(P .. " nosuchcommand")
  T.eq(code, 2, "unknown command exit")
  code, _, err = T.run(P .. " /nonexistent/script.lua")
  T.eq(code, 2, "missing script exit"); T.truthy(err:find("cannot open /nonexistent/script.lua", 1, true), err)
  code, out = T.run("echo 'print(6 * 7)' | " .. P)
  T.eq(code, 0, "script on stdin exit"); T.eq(out, "42\n", "script on stdin")
  code, out = T.run(P .. " measures --help")
  T.eq(code, 0, "measures --help exit"); T.truthy(out:find("--weight ATTR", 1, true), "measures usage")
  code, _, err = T.run(P .. " measures")
  T.eq(code, 2, "measures without FILE"); T.truthy(err:find("missing FILE", 1, true), err)
  code, _, err = T.run(P .. " measures x.graphml --frobnicate")
  T.eq(code, 2, "measures bad flag"); T.truthy(err:find("unknown option '--frobnicate'", 1, true), err)
  code, _, err = T.run(P .. " measures x.graphml --directed --undirected")
  T.eq(code, 2, "measures conflicting flags")
  code, out = T.run(P .. " help")
  T.eq(code, 0, "help exit"); T.truthy(out:find("measures", 1, true), "help lists measures")
end)

T.test("script errors give file:line and a traceback, exit 1", function()
  local f = os.tmpname() .. ".lua"
  local fh = io.open(f, "w")
  fh:write("local x = 1\nlocal function boom() error('kaput') end\nboom()\n")
  fh:close()
  local code, _, err = T.run(P .. " " .. f)
  os.remove(f)
  T.eq(code, 1, "exit"); T.truthy(err:find(":2: kaput", 1, true), err)
  T.truthy(err:find("stack traceback", 1, true), "traceback")
  code, _, err = T.run(P .. " -e 'local x = ('")
  T.eq(code, 1, "syntax error exit")
  local out
  code, out = T.run(P .. " -e 'print(arg[1], #arg)' hello")
  T.eq(code, 0, "-e exit"); T.eq(out, "hello\t1\n", "arg table")
end)

T.test("sandbox blocks escapes", function()
  local probes = {
    {"os.execute('true')", "attempt to index a nil value (global 'os')"},
    {"io.open('/etc/passwd')", "global 'io'"},
    {"dofile('/etc/passwd')", "global 'dofile'"},
    {"require('os')", "global 'require'"},
    {"newglobal = 1", "assignment to undeclared global 'newglobal'"},
    {"assert(load(string.dump or '\\27Lua'))()", "attempt to load a binary chunk"},
    {"debug.getinfo(1)", "global 'debug'"},
    {"tg.graph.new():save('/tmp/tg_sandbox_probe.graphml')", "not allowed in the sandbox"},
  }
  for _, p in ipairs(probes) do
    local code, _, err = T.run(P .. " --sandbox -e \"" .. p[1] .. "\"")
    T.eq(code, 1, p[1] .. " exit")
    T.truthy(err:find(p[2], 1, true), p[1] .. " -> " .. err)
  end
  local code = T.run(P .. " --sandbox -e 'local g = tg.graph.new(); g:add_node(\"a\"); assert(#g == 1)'")
  T.eq(code, 0, "tg usable in the sandbox")
end)

T.test("instruction and memory limits hold, even under pcall", function()
  local code, _, err = T.run(P .. " --sandbox --max-instructions 1e6 -e " ..
    "'for i = 1, 10 do pcall(function() while true do end end) end'")
  T.eq(code, 1, "instruction limit exit"); T.truthy(err:find("instruction limit", 1, true), err)
  code, _, err = T.run(P .. " --sandbox --max-memory 8M -e " ..
    "'local t = {} for i = 1, 1e8 do t[i] = string.rep(\"x\", 100) .. i end'")
  T.eq(code, 1, "memory limit exit"); T.truthy(err:find("not enough memory", 1, true), err)
end)

T.test("measures --json agrees with python-igraph", function()
  local code, out, err = T.run(P .. " measures " .. R .. "/data/networks/celegansneural.graphml --json")
  T.eq(code, 0, "exit " .. err)
  local r = tg.json.decode(out)
  local G = tg.json.decode(T.read(R .. "/tests/golden/celegansneural.json"))
  for _, k in ipairs{"nodes", "edges", "components", "largest_component", "max_core",
                     "articulation_points", "bridges"} do
    T.eq(r[k], G[k], k)
  end
  for _, k in ipairs{"transitivity", "average_clustering", "average_path_length", "diameter",
                     "global_efficiency", "assortativity"} do
    T.near(r[k], G[k], 1e-9, k)
  end
  T.eq(r.pagerank_top10[1][1], G.pagerank_top10[1][1], "pagerank top id")
  T.eq(r.betweenness_top10[10][1], G.betweenness_top10[10][1], "betweenness 10th id")
  T.truthy(r.modularity >= G.modularity_louvain_median20, "modularity >= igraph median")
  T.truthy(r.seconds.betweenness >= 0, "timings present")
  code, out = T.run(P .. " measures " .. R .. "/data/networks/celegansneural.graphml --undirected --weight weight --json")
  T.eq(code, 0, "undirected weighted exit")
  r = tg.json.decode(out)
  T.eq(r.directed, false, "undirected view"); T.truthy(r.weighted.modularity > 0, "weighted section")
  code, out = T.run(P .. " info " .. R .. "/models/lhc_sector.graphml --json")
  T.eq(code, 0, "info exit")
  r = tg.json.decode(out)
  T.truthy(r.node_types.magnet_string >= 1, "plant has magnet strings")
end)

T.test("malformed inputs: exit 1, file and line, no crash", function()
  local dir = R .. "/tests/graph/bad"
  local p = io.popen('ls "' .. dir .. '" 2>/dev/null')
  local n = 0
  for f in p:lines() do
    n = n + 1
    local fmt = f:match("%.matrix%.") and " --format matrix" or ""
    local code, out, err = T.run(P .. " info " .. dir .. "/" .. f .. fmt)
    T.eq(code, 1, f .. " exit (" .. err .. ")")
    T.eq(out, "", f .. " prints nothing on stdout")
    T.truthy(err:find(f, 1, true), f .. " message names the file: " .. err)
    T.truthy(err:find(":%d+") or err:find("element"), f .. " message has a line or element: " .. err)
  end
  p:close()
  T.truthy(n >= 5, "bad-input files present (" .. n .. ")")
end)
