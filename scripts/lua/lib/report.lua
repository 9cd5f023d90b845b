-- report.lua: a study's printed output as one self-contained HTML page.
--
--   local report = require("report")
--   local rep = report.new("twingraph demo")
--   rep:section("1. The plant as a graph")
--   rep:line("  439 nodes")                 -- what the study prints
--   rep:line("  wrote out/attack.svg")      -- an SVG named like this is drawn inline
--   rep:write("out/report.html")
--
-- The page keeps the text as printed (monospace, so the study's tables stay
-- aligned), draws every SVG file the study says it wrote right after the
-- section's text, and links the other files.  Nothing is fetched from the
-- network: styles and pictures are inside the page.
local report = {}
report.__index = report

local function escape(s)
  return (s:gsub("[&<>\"]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;"}))
end

function report.new(title)
  return setmetatable({title = title, sections = {}}, report)
end

function report:section(title)
  self.sections[#self.sections + 1] = {title = title, lines = {}, files = {}}
end

-- One printed line (print's arguments, joined by tabs as print does).  A
-- line before the first section goes to an untitled preface.
function report:line(...)
  if #self.sections == 0 then self:section("") end
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  local text = table.concat(parts, "\t")
  local s = self.sections[#self.sections]
  for l in (text .. "\n"):gmatch("(.-)\n") do s.lines[#s.lines + 1] = l end
  for f in text:gmatch("wrote (%S+)") do s.files[#s.files + 1] = f end
end

-- The SVG document of a file without its XML prologue, or nil (a missing or
-- unreadable file is linked instead of drawn).
local function inline_svg(file)
  local f = io.open(file, "r")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  local start = text:find("<svg", 1, true)
  return start and text:sub(start) or nil
end

local function basename(p) return p:match("([^/]+)$") or p end

-- Write the page to path; the links are relative to its folder, so the
-- page and the files it names can move together.
function report:write(path)
  local out = {}
  local function w(s) out[#out + 1] = s end
  w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
  w("<title>" .. escape(self.title) .. "</title>\n")
  w([[<style>
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
pre { background: #f6f6f4; padding: .8rem; overflow-x: auto; font-size: .85rem; line-height: 1.3; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .85rem; color: #555; } nav li { margin: .1rem 0; }
</style>
</head>
<body>
]])
  w("<h1>" .. escape(self.title) .. "</h1>\n<nav><ol>\n")
  for i, s in ipairs(self.sections) do
    if s.title ~= "" then w(("<li><a href=\"#s%d\">%s</a></li>\n"):format(i, escape(s.title))) end
  end
  w("</ol></nav>\n")
  for i, s in ipairs(self.sections) do
    if s.title ~= "" then w(("<h2 id=\"s%d\">%s</h2>\n"):format(i, escape(s.title))) end
    -- drop the blank lines around the text; keep the ones inside it
    local first, last = 1, #s.lines
    while first <= last and s.lines[first]:match("^%s*$") do first = first + 1 end
    while last >= first and s.lines[last]:match("^%s*$") do last = last - 1 end
    if first <= last then w("<pre>" .. escape(table.concat(s.lines, "\n", first, last)) .. "</pre>\n") end
    local links = {}
    for _, f in ipairs(s.files) do
      local svg = f:match("%.svg$") and inline_svg(f)
      if svg then
        w("<figure>\n" .. svg .. "\n<figcaption>" .. escape(f) .. "</figcaption>\n</figure>\n")
      else
        links[#links + 1] = ("<a href=\"%s\">%s</a>"):format(escape(basename(f)), escape(f))
      end
    end
    if #links > 0 then w("<p>Files: " .. table.concat(links, ", ") .. "</p>\n") end
  end
  w("</body>\n</html>\n")
  local f = assert(io.open(path, "w"))
  f:write(table.concat(out))
  f:close()
end

return report
