-- run.lua: runs every tests/lua/test_*.lua.  Each file receives the test
-- kit T as its argument (...) and registers cases with T.test(name, fn).
-- Prints one line per case and a closing "lua: N passed, N failed".
local T = {cases = {}}
local root = arg and arg[0] and arg[0]:match("^(.*)/tests/lua/run%.lua$") or "."
T.root = root
T.prog = root .. "/build/twingraph"
do
  local b = os.getenv("BUILD")
  if b then T.prog = root .. "/" .. b .. "/twingraph" end
end

function T.test(name, fn) T.cases[#T.cases + 1] = {name = T.file .. ": " .. name, fn = fn} end

local function fmt(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function T.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", fmt(got), fmt(want)), 2)
  end
end

-- |got - want| <= tol * max(1, |want|)  (relative above 1, absolute below)
function T.near(got, want, tol, what)
  tol = tol or 1e-9
  local ok = (got == want) or (got ~= got and want ~= want) or
             (type(got) == "number" and math.abs(got - want) <= tol * math.max(1, math.abs(want)))
  if not ok then
    error(string.format("%s: got %.17g, want %.17g (tol %g)", what or "value", got or 0/0, want, tol), 2)
  end
end

function T.raises(fn, pattern, what)
  local ok, err = pcall(fn)
  if ok then error((what or "call") .. ": expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern, 1, true) then
    error(string.format("%s: error '%s' lacks '%s'", what or "call", tostring(err), pattern), 2)
  end
  return err
end

function T.truthy(v, what) if not v then error((what or "condition") .. " is false", 2) end end

function T.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Run a shell command; returns exit code, stdout, stderr.
function T.run(cmd)
  local errf = os.tmpname()
  local p = io.popen(cmd .. " 2>" .. errf)
  local out = p:read("a")
  local _, _, code = p:close()
  local err = T.read(errf)
  os.remove(errf)
  return code, out, err
end

local p = io.popen('ls "' .. root .. '/tests/lua"')
local files = {}
for f in p:lines() do if f:match("^test_.*%.lua$") then files[#files + 1] = f end end
p:close()
table.sort(files)
for _, f in ipairs(files) do
  T.file = f
  local chunk, err = loadfile(root .. "/tests/lua/" .. f, "t")
  if not chunk then
    T.cases[#T.cases + 1] = {name = f .. ": load", fn = function() error(err) end}
  else
    local ok, e = pcall(chunk, T)
    if not ok then T.cases[#T.cases + 1] = {name = f .. ": setup", fn = function() error(e) end} end
  end
end

local passed, failed = 0, 0
for _, c in ipairs(T.cases) do
  local t0 = tg.clock()
  local ok, err = pcall(c.fn)
  if ok then
    passed = passed + 1
    print(string.format("ok   %s (%.2fs)", c.name, tg.clock() - t0))
  else
    failed = failed + 1
    print("FAIL " .. c.name .. ": " .. tostring(err))
  end
  collectgarbage()
end
print(string.format("lua: %d passed, %d failed", passed, failed))
