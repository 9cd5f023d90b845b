-- The main study (`make demo`) runs end to end from the repository, and its
-- HTML report holds every section and draws every SVG the study wrote.
local T = ...

T.test("make demo's study runs and writes its summary and report", function()
  local dir = os.tmpname()
  os.remove(dir)
  local code, out, err = T.run(T.prog .. " " .. T.root .. "/scripts/lua/demo.lua " .. dir)
  T.eq(code, 0, "exit " .. err)
  local summary = tg.json.decode(T.read(dir .. "/summary.json"))
  for _, k in ipairs{"plant", "structure", "what_if", "resilience", "communities", "simulation",
                     "failure_chains", "redundancy", "gnn"} do
    T.truthy(summary[k], "summary." .. k)
  end
  T.eq(summary.plant.nodes, 439, "the plant model's components")

  local html = T.read(dir .. "/report.html")
  T.truthy(html:find("^<!DOCTYPE html>"), "an HTML5 page")
  -- every section title the study printed is a heading of the report
  local titles = 0
  for title in out:gmatch("\n== (%d+%. [^\n]-) =+\n") do
    titles = titles + 1
    local escaped = title:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;")
    T.truthy(html:find(">" .. escaped .. "</h2>", 1, true), "heading " .. title)
  end
  T.truthy(titles >= 10, "numbered sections found: " .. titles)
  -- one inline picture per SVG file the study says it wrote
  local svgs = 0
  for _ in out:gmatch("wrote [^\n]-%.svg\n") do svgs = svgs + 1 end
  local drawn = select(2, html:gsub("<svg", ""))
  T.truthy(svgs >= 2, "the study writes SVG pictures")
  T.eq(drawn, svgs, "SVGs drawn inline")
  T.truthy(not html:find("<script", 1, true), "no script in the report")
  os.execute("rm -rf '" .. dir .. "'")
end)
