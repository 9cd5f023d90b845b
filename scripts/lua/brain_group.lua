-- brain_group.lua: a group study over a folder of connectomes.
--
--   twingraph scripts/lua/brain_group.lua FOLDER [OUTDIR [GROUPS.csv [P]]]
--
-- Every *.csv matrix in FOLDER (one subject each, same regions) ->
-- OUTDIR/group_measures.csv, a tidy table subject,node,degree,strength,
-- clustering,betweenness,participation,module_zscore (BCT conventions, as
-- `twingraph brain`; matrices thresholded to density P, default 0.1).
-- With GROUPS.csv (lines "subject,group", group 0 or 1; subject = file
-- name without .csv), the network-based statistic (t > 3, group 0 > group
-- 1, 5000 permutations, seed 1) -> OUTDIR/nbs.json and OUTDIR/nbs_edges.csv
-- (the connections of the significant components).  Progress bars on a
-- terminal.  Without FOLDER, a demonstration on 40 synthetic subjects.
local function given(v) return v ~= nil and v ~= "" and v or nil end
local folder, outdir = given(arg[1]), given(arg[2]) or "out"
local gfile, p = given(arg[3]), tonumber(given(arg[4]) or "0.1")
os.execute('mkdir -p "' .. outdir .. '"')
if not folder then
  folder = outdir .. "/synthetic_subjects"
  os.execute('mkdir -p "' .. folder .. '"')
  local f = assert(io.open(outdir .. "/synthetic_groups.csv", "w"))
  for s = 1, 40 do
    local g = s <= 20 and 0 or 1
    tg.brain.synthetic{n = 90, modules = 6, seed = s, effect_nodes = 12, effect = g == 0 and 0.15 or 0}
      :save(("%s/sub%02d.csv"):format(folder, s))
    f:write(("sub%02d,%d\n"):format(s, g))
  end
  f:close()
  gfile = outdir .. "/synthetic_groups.csv"
  print(("no folder given: 40 synthetic subjects of 90 regions in %s (a planted difference among regions 1..12)"):format(folder))
end

local t0 = tg.clock()
local files = tg.brain.files(folder)
assert(#files > 0, folder .. ": no .csv matrices")
local csv = outdir .. "/group_measures.csv"
local n = tg.brain.group{files = files, csv = csv, proportional = p}
print(("%d subjects x %d regions -> %s (%.1f s)"):format(#files, n, csv, tg.clock() - t0))

if gfile then
  local group = {}
  local line = 0
  for l in io.lines(gfile) do
    line = line + 1
    local name, g = l:match("^%s*([^,]+)%s*,%s*([01])%s*$")
    if not name then error(("%s:%d: expected 'subject,0|1', got '%s'"):format(gfile, line, l), 0) end
    group[name] = tonumber(g)
  end
  local subs, labels = {}, {}
  for i, f in ipairs(files) do
    local name = f:match("([^/]+)%.csv$")
    if group[name] == nil then error(gfile .. ": no group for subject " .. name, 0) end
    subs[i], labels[i] = tg.brain.load(f), group[name]
  end
  local t1 = tg.clock()
  local r = tg.brain.nbs(subs, labels, {threshold = 3, tail = 1, perms = 5000, seed = 1})
  print(("NBS (t > 3, 5000 permutations, %.1f s): %d components"):format(tg.clock() - t1, #r.components))
  local ids = subs[1]:ids()
  local f = assert(io.open(outdir .. "/nbs_edges.csv", "w"))
  f:write("component,p,node1,node2,t\n")
  for c, comp in ipairs(r.components) do
    if c <= 5 then print(("  component %d: %d connections, FWE p = %.4f"):format(c, comp.size, comp.p)) end
    if comp.p < 0.05 then
      for i = 1, n do
        for j = i + 1, n do
          if r.component:get(i, j) == c then
            f:write(("%d,%.4f,%s,%s,%.6g\n"):format(c, comp.p, ids[i], ids[j], r.t:get(i, j)))
          end
        end
      end
    end
  end
  f:close()
  local jf = assert(io.open(outdir .. "/nbs.json", "w"))
  jf:write(tg.json.encode({subjects = #files, regions = n, threshold = 3, permutations = 5000,
                           components = r.components}, {indent = true}) .. "\n")
  jf:close()
  print("  wrote " .. outdir .. "/nbs.json and " .. outdir .. "/nbs_edges.csv")
end
