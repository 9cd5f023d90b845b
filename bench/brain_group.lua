-- bench/brain_group.lua: the group study of issue 6, timed: 100 synthetic
-- subjects of 400 regions (tg.brain.synthetic; the first 50 carry a
-- planted difference among 20 regions), written as CSV matrices, then
-- tg.brain.group (per-subject, per-node measures -> one tidy CSV, with a
-- progress bar on a terminal) and tg.brain.nbs (1000 permutations).
-- Usage: twingraph bench/brain_group.lua DIR [SUBJECTS] [REGIONS]
local dir = assert(arg[1], "usage: brain_group.lua DIR [SUBJECTS] [REGIONS]")
local k, n = tonumber(arg[2] or 100), tonumber(arg[3] or 400)
os.execute('mkdir -p "' .. dir .. '/subjects"')
local t0 = tg.clock()
local groups = {}
for s = 1, k do
  groups[s] = s <= k // 2 and 0 or 1
  local path = ("%s/subjects/sub%03d.csv"):format(dir, s)
  local f = io.open(path, "r")
  if f then f:close() else
    tg.brain.synthetic{n = n, modules = 8, structure_seed = 1, seed = s, effect_nodes = 20,
                       effect = groups[s] == 0 and 0.15 or 0}:save(path)
  end
end
print(("RESULT brain_group_generate %.3f"):format(tg.clock() - t0))
local t1 = tg.clock()
local files = tg.brain.files(dir .. "/subjects")
local nodes = tg.brain.group{files = files, csv = dir .. "/group_measures.csv", proportional = 0.1}
local t_measures = tg.clock() - t1
local t2 = tg.clock()
local subs = {}
for i, p in ipairs(files) do subs[i] = tg.brain.load(p) end
local r = tg.brain.nbs(subs, groups, {threshold = 3, tail = 1, perms = 1000, seed = 1})
local t_nbs = tg.clock() - t2
print(("%d subjects x %d regions: measures %.2f s, NBS (load + 1000 permutations) %.2f s"):format(#files, nodes, t_measures, t_nbs))
if r.components[1] then
  print(("NBS: largest component %d connections, FWE p = %.3f (planted: the connections among regions 1..20)"):format(
    r.components[1].size, r.components[1].p))
end
print(("RESULT brain_group_measures %.3f"):format(t_measures))
print(("RESULT brain_group_nbs %.3f"):format(t_nbs))
print(("RESULT brain_group_total %.3f"):format(t_measures + t_nbs))
