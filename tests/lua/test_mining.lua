-- tg.mine and `twingraph mine`: exact FIMI counts (issue figures), a
-- brute-force cross-check on a small database, and usage errors.
local T = ...
local P, R = T.prog, T.root

T.test("counts on FIMI data equal the published figures", function()
  local db = tg.mine.read_fimi(R .. "/data/fimi/chess.dat.gz")
  T.eq(#db, 3196, "transactions")
  local r = db:itemsets{min_support = 70, count = true}
  T.eq(r.itemsets, 48731, "chess 70 %")
  T.eq(r.min_count, 2238, "ceil(0.7 * 3196)")
  local sum = 0
  for _, c in ipairs(r.by_size) do sum = sum + c end
  T.eq(sum, r.itemsets, "sizes add up")
  local code, out, err = T.run(P .. " mine " .. R .. "/data/fimi/retail.dat.gz --min-support 0.1 --count --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.transactions, 88162, "retail transactions"); T.eq(j.itemsets, 7589, "retail 0.1 %")
end)

T.test("brute force on a small database", function()
  local tx = {{"a", "b", "c"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "b", "c", "d"}, {"d"}}
  local db = tg.mine.transactions(tx)
  -- Supports by hand: a4 b4 c4 d2 ab3 ac3 bc3 abc2 ad1 bd1 cd1 abd1 ...
  local list = db:itemsets{min_count = 2}
  local got = {}
  for _, s in ipairs(list) do
    table.sort(s.items)
    got[table.concat(s.items)] = s.support
  end
  local want = {a = 4, b = 4, c = 4, d = 2, ab = 3, ac = 3, bc = 3, abc = 2}
  local n = 0
  for k, v in pairs(want) do T.eq(got[k], v, "support of " .. k); n = n + 1 end
  T.eq(#list, n, "no other itemset")
  T.eq(#db:itemsets{min_count = 2, max_len = 2}, 7, "max_len 2")
end)

T.test("errors", function()
  T.raises(function() tg.mine.read_fimi("/nonexistent.dat") end, "/nonexistent.dat: cannot open")
  local db = tg.mine.transactions{{"a"}}
  T.raises(function() db:itemsets{} end, "give exactly one of min_support (percent) and min_count")
  T.raises(function() db:itemsets{min_support = 150} end, "min_support must be in (0, 100]")
  T.raises(function() db:itemsets{min_count = 1, maxlen = 2} end, "unknown option 'maxlen'")
  T.raises(function() tg.mine.transactions{{"a", {}}} end, "transaction 1, item 2 is a table")
  local code, _, err = T.run(P .. " mine x.dat")
  T.eq(code, 2, "missing --min-support"); T.truthy(err:find("--min-support PCT is required", 1, true), err)
  code, _, err = T.run(P .. " mine /nonexistent.dat --min-support 1 --count")
  T.eq(code, 1, "missing file"); T.truthy(err:find("/nonexistent.dat: cannot open", 1, true), err)
end)
