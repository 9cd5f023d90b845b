-- risk_report.lua: the results of a fault-tree analysis as an Open-PSA-style
-- XML report (the layout of SCRAM's reports, so tools that read those read
-- this one).
--
--   local risk_report = require("risk_report")
--   risk_report.write("out/report.xml", r)
--
-- r is the table `twingraph risk --json` prints: top, products, distribution,
-- basic_events, limit_order, mission_time and, when computed, probability,
-- rare_event, mcub, curve, importance, cut_sets, prime_implicants,
-- uncertainty (with n, the number of trials, and seed).  The file is written to
-- PATH.tmp and renamed: a failed write leaves no partial report.
local M = {}

local function esc(x)
  return (tostring(x):gsub("[&<>\"]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;"}))
end

local function num(x) return string.format("%.9g", x) end

-- Lines of one product: events (cut sets) or literals ("not x" negated).
local function product_lines(L, order, p, names, total)
  local share = total and total > 0 and (' contribution="%s"'):format(num(p / total)) or ""
  L[#L + 1] = ('      <product order="%d" probability="%s"%s>'):format(order, num(p), share)
  for _, e in ipairs(names) do
    local neg = e:match("^not (.+)$")
    if neg then
      L[#L + 1] = ('        <not><basic-event name="%s"/></not>'):format(esc(neg))
    else
      L[#L + 1] = ('        <basic-event name="%s"/>'):format(esc(e))
    end
  end
  L[#L + 1] = "      </product>"
end

local function count_list(d)
  local t = {}
  for k = 1, #d do t[k] = tostring(d[k]) end
  return table.concat(t, " ")
end

function M.lines(r)
  assert(type(r) == "table" and r.top and r.products and r.distribution,
    "risk_report: results need top, products and distribution")
  local L = {'<?xml version="1.0" encoding="UTF-8"?>', "<report>", "  <information>",
    ('    <software name="twingraph" version="%s"/>'):format(esc(tg and tg.version or "?")),
    ("    <time>%s</time>"):format(os.date("!%Y-%m-%dT%H:%M:%SZ")),
    ('    <calculated-quantity name="Minimal Cut Sets"><calculation-method name="Binary Decision Diagram">' ..
     '<limits><product-order>%d</product-order></limits></calculation-method></calculated-quantity>'):format(r.limit_order or 20)}
  if r.probability then
    L[#L + 1] = ('    <calculated-quantity name="Probability Analysis"><calculation-method name="Binary Decision Diagram">' ..
      '<limits><mission-time>%s</mission-time></limits></calculation-method></calculated-quantity>'):format(num(r.mission_time or 0))
  end
  if r.importance then
    L[#L + 1] = '    <calculated-quantity name="Importance Analysis" definition="Quantitative analysis of importance factors of basic events."/>'
  end
  if r.uncertainty then
    L[#L + 1] = ('    <calculated-quantity name="Uncertainty Analysis"><calculation-method name="Monte Carlo">' ..
      '<limits><number-of-trials>%d</number-of-trials><seed>%d</seed></limits></calculation-method></calculated-quantity>'):format(
      r.uncertainty.n or 0, r.uncertainty.seed or 0)
  end
  local listed = r.cut_sets and #r.cut_sets or 0
  if r.cut_sets and listed < r.products then
    L[#L + 1] = ("    <warning>%d of the %d minimal cut sets are listed</warning>"):format(
      listed, r.products)
  end
  if r.prime_implicants and #r.prime_implicants.implicants < r.prime_implicants.count then
    L[#L + 1] = ("    <warning>%d of the %d prime implicants are listed</warning>"):format(
      #r.prime_implicants.implicants, r.prime_implicants.count)
  end
  L[#L + 1] = "  </information>"
  L[#L + 1] = "  <results>"
  local attrs = ""
  if r.probability then attrs = (' probability="%s"'):format(num(r.probability)) end
  L[#L + 1] = ('    <sum-of-products name="%s" basic-events="%d" products="%d"%s distribution="%s">'):format(
    esc(r.top), r.basic_events or 0, r.products, attrs, count_list(r.distribution))
  -- contribution: the set's share of the rare-event sum, as SCRAM's.
  for _, c in ipairs(r.cut_sets or {}) do product_lines(L, c.order, c.p, c.events, r.rare_event) end
  L[#L + 1] = "    </sum-of-products>"
  if r.prime_implicants then
    local pi = r.prime_implicants
    L[#L + 1] = ('    <sum-of-products name="%s" description="prime implicants" products="%d" distribution="%s">'):format(
      esc(r.top), pi.count, count_list(pi.distribution))
    for _, i in ipairs(pi.implicants) do product_lines(L, i.order or #i.literals, i.p, i.literals) end
    L[#L + 1] = "    </sum-of-products>"
  end
  if r.curve and #r.curve > 0 then
    L[#L + 1] = ('    <curve name="%s" description="Probability values over the system mission time" ' ..
      'X-title="Mission time" Y-title="Probability" X-unit="hours">'):format(esc(r.top))
    for _, c in ipairs(r.curve) do L[#L + 1] = ('      <point X="%s" Y="%s"/>'):format(num(c.t), num(c.p)) end
    L[#L + 1] = "    </curve>"
  end
  if r.importance then
    L[#L + 1] = ('    <importance name="%s" basic-events="%d">'):format(esc(r.top), #r.importance)
    for _, e in ipairs(r.importance) do
      L[#L + 1] = ('      <basic-event name="%s" occurrence="%d" probability="%s" MIF="%s" CIF="%s" DIF="%s" RAW="%s" RRW="%s"/>'):format(
        esc(e.name), e.occurrence, num(e.p), num(e.mif), num(e.cif), num(e.dif), num(e.raw), num(e.rrw))
    end
    L[#L + 1] = "    </importance>"
  end
  local u = r.uncertainty
  if u then
    L[#L + 1] = ('    <measure name="%s">'):format(esc(r.top))
    L[#L + 1] = ('      <mean value="%s"/>'):format(num(u.mean))
    L[#L + 1] = ('      <standard-deviation value="%s"/>'):format(num(u.sd))
    if u.err95 then     -- half-width of the 95 % interval of the mean
      L[#L + 1] = ('      <confidence-range percentage="95" lower-bound="%s" upper-bound="%s"/>'):format(
        num(u.mean - u.err95), num(u.mean + u.err95))
    end
    local q = u.quantiles or {}
    if #q > 0 then
      -- q[i] is the i/#q quantile (q[#q] the largest draw): quantile i
      -- spans [q[i-1], q[i]], the first from the smallest draw.
      L[#L + 1] = ('      <quantiles number="%d">'):format(#q)
      local lo = u.min or q[1]
      for i = 1, #q do
        L[#L + 1] = ('        <quantile number="%d" value="%s" lower-bound="%s" upper-bound="%s"/>'):format(
          i, num(i / #q), num(lo), num(q[i]))
        lo = q[i]
      end
      L[#L + 1] = "      </quantiles>"
    end
    local bins = u.bins or {}
    if #bins > 0 and u.min and u.max then
      -- bins: counts over equal widths of [min, max].
      local w, n = (u.max - u.min) / #bins, 0
      for _, c in ipairs(bins) do n = n + c end
      L[#L + 1] = ('      <histogram number="%d">'):format(#bins)
      for i, c in ipairs(bins) do
        L[#L + 1] = ('        <bin number="%d" value="%s" lower-bound="%s" upper-bound="%s"/>'):format(
          i, num(n > 0 and c / n or 0), num(u.min + (i - 1) * w), num(i == #bins and u.max or u.min + i * w))
      end
      L[#L + 1] = "      </histogram>"
    end
    L[#L + 1] = "    </measure>"
  end
  L[#L + 1] = "  </results>"
  L[#L + 1] = "</report>"
  return L
end

-- Write the report to path (PATH.tmp, then renamed).  Errors: "path: reason".
function M.write(path, r)
  local L = M.lines(r)
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "w")
  if not f then error(("%s: cannot write the report: %s"):format(path, err), 2) end
  local ok, werr = f:write(table.concat(L, "\n"), "\n")
  local cok, cerr = f:close()
  if not ok or not cok then
    os.remove(tmp)
    error(("%s: cannot write the report: %s"):format(path, werr or cerr or "write failed"), 2)
  end
  local rok, rerr = os.rename(tmp, path)
  if not rok then
    os.remove(tmp)
    error(("%s: cannot write the report: %s"):format(path, rerr), 2)
  end
end

return M
