-- plots.lua: small SVG charts for the study scripts (no dependencies).
--
--   local plots = require("plots")
--   local svg = plots.heatmap(rows, {order = {...}, labels = {...}, modules = {...}, title = "..."})
--   local svg = plots.lines({{name = "random", x = {...}, y = {...}}, ...},
--                           {title = "...", xlabel = "...", ylabel = "..."})
local plots = {}

local PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf"}

local function esc(s)
  return (tostring(s):gsub("[&<>\"]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;"}))
end

-- A matrix (array of rows) as a heatmap, rows and columns in `order`
-- (default 1..n); `modules` (per node) draws module boundaries; colour
-- from white (0) to dark blue (max |w|), red for negative weights.
function plots.heatmap(rows, opts)
  opts = opts or {}
  local n = #rows
  local order = opts.order or {}
  if #order == 0 then for i = 1, n do order[i] = i end end
  local cell = math.max(2, math.floor(720 / math.max(n, 1)))
  local left, top = 120, 50
  local size = cell * n
  local W, H = left + size + 40, top + size + 40
  local mx = 0
  for i = 1, n do for j = 1, n do mx = math.max(mx, math.abs(rows[i][j])) end end
  if mx == 0 then mx = 1 end
  local out = {('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="10">'):format(W, H),
               ('<rect width="%d" height="%d" fill="white"/>'):format(W, H),
               ('<text x="%d" y="24" font-size="14">%s</text>'):format(left, esc(opts.title or ""))}
  for a = 1, n do
    local i = order[a]
    for b = 1, n do
      local v = rows[i][order[b]]
      if v ~= 0 then
        local f = math.min(1, math.abs(v) / mx)
        local c
        if v > 0 then
          c = ("rgb(%d,%d,%d)"):format(math.floor(255 - 247 * f), math.floor(255 - 207 * f), math.floor(255 - 148 * f))
        else
          c = ("rgb(%d,%d,%d)"):format(math.floor(255 - 52 * f), math.floor(255 - 231 * f), math.floor(255 - 223 * f))
        end
        out[#out + 1] = ('<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>'):format(
          left + (b - 1) * cell, top + (a - 1) * cell, cell, cell, c)
      end
    end
  end
  if opts.modules then
    local start = 1
    for a = 2, n + 1 do
      if a == n + 1 or opts.modules[order[a]] ~= opts.modules[order[start]] then
        local x0, w = left + (start - 1) * cell, (a - start) * cell
        out[#out + 1] = ('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s" stroke-width="2"/>'):format(
          x0, top + (start - 1) * cell, w, w, PALETTE[(opts.modules[order[start]] - 1) % #PALETTE + 1])
        start = a
      end
    end
  end
  if opts.labels and cell >= 8 then
    for a = 1, n do
      out[#out + 1] = ('<text x="%d" y="%d" text-anchor="end">%s</text>'):format(
        left - 4, top + (a - 1) * cell + cell - 1, esc(opts.labels[order[a]]))
    end
  end
  out[#out + 1] = ('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>'):format(left, top, size, size)
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n") .. "\n"
end

-- Line chart of series {name=, x={...}, y={...}} on [0,1] x [0,ymax].
function plots.lines(series, opts)
  opts = opts or {}
  local W, H, left, right, top, bottom = 720, 420, 60, 170, 40, 50
  local ymax = opts.ymax or 1
  local function px(x) return left + x * (W - left - right) end
  local function py(y) return H - bottom - (y / ymax) * (H - top - bottom) end
  local out = {('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'):format(W, H),
               ('<rect width="%d" height="%d" fill="white"/>'):format(W, H),
               ('<text x="%d" y="22" font-size="14">%s</text>'):format(left, esc(opts.title or "")),
               ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, py(0), px(1), py(0)),
               ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, py(0), left, py(ymax))}
  for k = 0, 10 do
    local x = k / 10
    out[#out + 1] = ('<text x="%.1f" y="%.1f" text-anchor="middle">%.1f</text>'):format(px(x), py(0) + 16, x)
    local y = ymax * k / 10
    out[#out + 1] = ('<text x="%.1f" y="%.1f" text-anchor="end">%.2g</text>'):format(left - 6, py(y) + 4, y)
  end
  out[#out + 1] = ('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'):format(px(0.5), H - 12, esc(opts.xlabel or ""))
  out[#out + 1] = ('<text x="14" y="%.1f" transform="rotate(-90 14 %.1f)" text-anchor="middle">%s</text>'):format(
    py(ymax / 2), py(ymax / 2), esc(opts.ylabel or ""))
  for s, ser in ipairs(series) do
    local pts = {}
    for i = 1, #ser.x do
      local y = ser.y[i]
      if y == y then pts[#pts + 1] = ("%.1f,%.1f"):format(px(ser.x[i]), py(y)) end
    end
    local c = PALETTE[(s - 1) % #PALETTE + 1]
    out[#out + 1] = ('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'):format(c, table.concat(pts, " "))
    out[#out + 1] = ('<text x="%d" y="%d" fill="%s">%s</text>'):format(W - right + 10, top + 16 * s, c, esc(ser.name))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n") .. "\n"
end

return plots
