--[[
mlsysim.lua: shows the values of `<mlsysim .../>` directives in a Quarto (or pandoc) document.

The filter evaluates nothing. `mlsysim-book build BOOK --emit-cache _mlsysim/values.json` (the
project's pre-render step) evaluates every directive of the book once and writes each one's
rendered Markdown to that cache; this filter only looks directives up there:

  * a directive in prose, a list, a table cell, a caption or a footnote (pandoc: a `RawInline`
    html element) becomes the inlines of its value, source footnotes included;
  * a directive inside `$...$` / `$$...$$` (pandoc: text of a `Math` element) is replaced by its
    LaTeX-safe form inside the math;
  * a `table` directive becomes a real pandoc Table, with the caption written after it
    (`: Caption {#tbl-id}`), so cross-references work as for a hand-written table;
  * a `figure` directive becomes a figure of its own (an image alone in its paragraph, with its
    caption, `#fig-` label and `fig-alt`), pointing to the SVG the pre-render step wrote beside
    the cache (`_mlsysim/figures/<id>.svg`); Quarto's figure and cross-reference machinery takes
    it from there;
  * a `let` directive disappears (with its line, as in `mlsysim-book build`).

A directive missing from the cache (the cache is stale or was written for another book) aborts
the render with the directive's location in the source file.

Options (document or `_quarto.yml` metadata):

  mlsysim:
    cache: _mlsysim/values.json   # relative to the project (or any folder above the document)
]]

local CACHE_FORMAT = 1
local DEFAULT_CACHE = "_mlsysim/values.json"

local cache_option = nil   -- from metadata
local cache = nil          -- the decoded cache, loaded on the first directive
local cache_path = nil
local current = nil        -- this document's entries
local input_abs = nil      -- this document's path, absolute

------------------------------------------------------------------------------------------------
-- JSON: pandoc >= 3.1.1 and Quarto bring a decoder; older pandoc (e.g. Debian's 2.17) uses this.

local function json_decode_builtin(s)
  local pos = 1
  local function fail(what)
    error(string.format("mlsysim: the value cache is not valid JSON (%s at byte %d)", what, pos), 0)
  end
  local function ws()
    pos = s:find("[^ \t\r\n]", pos) or (#s + 1)
  end
  local value
  local function str()
    pos = pos + 1
    local parts = {}
    while true do
      local i = s:find('["\\]', pos)
      if not i then fail("unterminated string") end
      parts[#parts + 1] = s:sub(pos, i - 1)
      if s:sub(i, i) == '"' then
        pos = i + 1
        return table.concat(parts)
      end
      local c = s:sub(i + 1, i + 1)
      local simple = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
      if simple[c] then
        parts[#parts + 1] = simple[c]
        pos = i + 2
      elseif c == "u" then
        local cp = tonumber(s:sub(i + 2, i + 5), 16) or fail("bad \\u escape")
        pos = i + 6
        if cp >= 0xD800 and cp <= 0xDBFF and s:sub(pos, pos + 1) == "\\u" then
          local lo = tonumber(s:sub(pos + 2, pos + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            pos = pos + 6
          end
        end
        parts[#parts + 1] = utf8.char(cp)
      else
        fail("bad escape")
      end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local obj = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "}" then
        pos = pos + 1
        return obj
      end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then fail("expected a key") end
        local k = str()
        ws()
        if s:sub(pos, pos) ~= ":" then fail("expected ':'") end
        pos = pos + 1
        obj[k] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return obj end
        if d ~= "," then fail("expected ',' or '}'") end
      end
    elseif c == "[" then
      local arr = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "]" then
        pos = pos + 1
        return arr
      end
      while true do
        arr[#arr + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return arr end
        if d ~= "," then fail("expected ',' or ']'") end
      end
    elseif c == '"' then
      return str()
    elseif s:sub(pos, pos + 3) == "true" then
      pos = pos + 4
      return true
    elseif s:sub(pos, pos + 4) == "false" then
      pos = pos + 5
      return false
    elseif s:sub(pos, pos + 3) == "null" then
      pos = pos + 4
      return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or num == "" then fail("unexpected character") end
      pos = pos + #num
      return tonumber(num)
    end
  end
  local v = value()
  ws()
  if pos <= #s then fail("trailing characters") end
  return v
end

local function json_decode(s)
  if os.getenv("MLSYSIM_LUA_JSON") ~= "builtin" then
    if pandoc.json and pandoc.json.decode then
      return pandoc.json.decode(s, false)
    end
    if quarto and quarto.json and quarto.json.decode then
      return quarto.json.decode(s)
    end
  end
  return json_decode_builtin(s)
end

------------------------------------------------------------------------------------------------
-- Paths

local function slashes(p)
  return (p:gsub("\\", "/"))
end

local function is_absolute(p)
  return p:sub(1, 1) == "/" or p:match("^%a:/") ~= nil
end

local function dirname(p)
  return p:match("^(.*)/[^/]*$")
end

local function normalize_path(p)
  local parts = {}
  for part in p:gmatch("[^/]+") do
    if part == ".." and #parts > 0 and parts[#parts] ~= ".." then
      table.remove(parts)
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  local lead = p:match("^%a:/") and "" or (p:sub(1, 1) == "/" and "/" or "")
  return lead .. table.concat(parts, "/")
end

local function absolute(p)
  p = slashes(p)
  if not is_absolute(p) then
    p = slashes(pandoc.system.get_working_directory()) .. "/" .. p
  end
  return normalize_path(p)
end

local function read_file(p)
  local f = io.open(p, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

local function input_file()
  if quarto and quarto.doc and quarto.doc.input_file then
    return quarto.doc.input_file
  end
  local files = PANDOC_STATE and PANDOC_STATE.input_files or {}
  if #files >= 1 and files[1] ~= "-" then
    return files[1]
  end
  return nil
end

------------------------------------------------------------------------------------------------
-- Directives

--- The directive as a cache key: whitespace runs become one space (pandoc may have turned tabs
--- into spaces; authors break long tags over lines).
local function normalize_key(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function is_directive(el)
  return el.t == "RawInline" and el.format:match("^html") ~= nil
      and el.text:match("^<mlsysim[%s/]") ~= nil
end

--- Byte index of the `>` closing the tag that starts at `i`, skipping quoted attribute values.
local function tag_end(text, i)
  local quote = nil
  local j = i + 8
  while j <= #text do
    local c = text:sub(j, j)
    if quote then
      if c == quote then quote = nil end
    elseif c == '"' or c == "'" then
      quote = c
    elseif c == ">" then
      return j
    end
    j = j + 1
  end
  return nil
end

local source_text = nil

--- This document's source text (nil when it came from stdin).
local function source()
  if source_text == nil then
    source_text = input_abs and read_file(input_abs) or false
  end
  return source_text or nil
end

--- `line:column` of the directive `key` in this document's source, if it can be found.
local function locate(key)
  local text = source()
  if not text then return nil end
  local from = 1
  while true do
    local i = text:find("<mlsysim", from, true)
    if not i then return nil end
    local j = tag_end(text, i)
    if j and normalize_key(text:sub(i, j)) == key then
      local before = text:sub(1, i - 1)
      local _, newlines = before:gsub("\n", "")
      local line_start = (before:match(".*()\n") or 0) + 1
      local column = (utf8.len(text:sub(line_start, i - 1)) or (i - line_start)) + 1
      return newlines + 1, column
    end
    from = i + 1
  end
end

local function where()
  local f = input_abs or "<stdin>"
  if cache and cache.root and f:sub(1, #cache.root + 1) == cache.root .. "/" then
    return f:sub(#cache.root + 2)
  end
  return f
end

local problems, seen_problems = {}, {}

--- Records a problem at the directive `key`; the render aborts with all of them at the end.
local function fail_at(key, message)
  local line, column = locate(key)
  local at = where() .. (line and string.format(":%d:%d", line, column) or "")
  local text = string.format("%s: error: %s\n  %s", at, message, key)
  if not seen_problems[text] then
    seen_problems[text] = true
    problems[#problems + 1] = { line = line or 0, column = column or 0, text = text }
  end
end

------------------------------------------------------------------------------------------------
-- The cache

local function find_cache()
  local name = slashes(cache_option or os.getenv("MLSYSIM_CACHE") or DEFAULT_CACHE)
  if is_absolute(name) then
    return read_file(name) and name or nil, { name }
  end
  local bases = {}
  if quarto and quarto.project and quarto.project.directory then
    bases[#bases + 1] = slashes(quarto.project.directory)
  end
  if os.getenv("QUARTO_PROJECT_DIR") then
    bases[#bases + 1] = slashes(os.getenv("QUARTO_PROJECT_DIR"))
  end
  local dir = input_abs and dirname(input_abs)
  while dir and dir ~= "" do
    bases[#bases + 1] = dir
    dir = dirname(dir)
  end
  bases[#bases + 1] = slashes(pandoc.system.get_working_directory())
  local tried = {}
  for _, b in ipairs(bases) do
    local p = normalize_path(b .. "/" .. name)
    tried[#tried + 1] = p
    if read_file(p) then return p, tried end
  end
  return nil, tried
end

local function load_cache()
  if cache then return end
  local tried
  cache_path, tried = find_cache()
  if not cache_path then
    error(string.format(
      "%s: error: this document has <mlsysim> directives but the value cache `%s` was not found " ..
      "(looked for %s).\n  Run `mlsysim-book build . --emit-cache %s` first; in a Quarto project " ..
      "make it the pre-render step (project: pre-render: ...).",
      input_abs or "<stdin>", cache_option or DEFAULT_CACHE, table.concat(tried, ", "),
      cache_option or DEFAULT_CACHE), 0)
  end
  cache = json_decode(read_file(cache_path))
  if type(cache) ~= "table" or cache.tool ~= "mlsysim-book" or type(cache.files) ~= "table" then
    error(cache_path .. ": error: not an mlsysim-book value cache", 0)
  end
  if cache.cache ~= CACHE_FORMAT then
    error(string.format("%s: error: cache format %s, but this filter reads format %d; " ..
      "update the filter or mlsysim-book so they match", cache_path, tostring(cache.cache), CACHE_FORMAT), 0)
  end
  cache.root = cache.root and normalize_path(slashes(cache.root))
  -- This document's entries: by its path under the book root, else by the longest file name of
  -- the cache that ends its path.
  if input_abs then
    local rel = nil
    if cache.root and input_abs:sub(1, #cache.root + 1) == cache.root .. "/" then
      rel = input_abs:sub(#cache.root + 2)
    else
      for r, _ in pairs(cache.files) do
        if (input_abs == r or input_abs:sub(-(#r + 1)) == "/" .. r) and (not rel or #r > #rel) then
          rel = r
        end
      end
    end
    current = rel and cache.files[rel]
  end
end

--- The cache entry of a directive in context `ctx` (`text` or `math`), and the file entries it
--- belongs to. Falls back to the other files of the book (content included from another file)
--- when they all agree on the value. Nil (and a recorded problem) when there is none.
local function lookup(raw, ctx)
  local key = normalize_key(raw)
  local e = current and current.directives[key]
  if e and e[ctx] ~= nil then
    return e, current
  end
  local found, found_file, value = nil, nil, nil
  for _, fe in pairs(cache.files) do
    local o = fe.directives[key]
    if o and o[ctx] ~= nil then
      if found and o[ctx] ~= value then
        fail_at(key, "this directive evaluates differently in different files of the book, and " ..
          "this document is not one of them; the cache " .. cache_path .. " cannot say which value is meant")
        return nil
      end
      found, found_file, value = o, fe, o[ctx]
    end
  end
  if not found then
    fail_at(key, "no value for this directive " .. (ctx == "math" and "(in math) " or "") ..
      "in the mlsysim cache " .. cache_path .. "; the cache is older than the source or was " ..
      "written for another book: run `mlsysim-book build BOOK --emit-cache PATH` (Quarto's " ..
      "pre-render step does it on every render)")
    return nil
  end
  return found, found_file
end

------------------------------------------------------------------------------------------------
-- Markdown to pandoc elements

local read_cache = {}

local function read_markdown(md)
  if read_cache[md] == nil then
    -- The document's own reader options: the same abbreviations (smart spaces after "et al."),
    -- column width (pipe-table widths) and tab stop as the text around the directive.
    local ok, doc = pcall(pandoc.read, md, "markdown", PANDOC_READER_OPTIONS)
    if not ok then
      doc = pandoc.read(md, "markdown")
    end
    read_cache[md] = doc.blocks
  end
  return read_cache[md]
end

--- The footnote definitions of a file, split once: { {label = "mlsysim-x", text = "[^mlsysim-x]: ..."}, ... }.
--- A definition runs to the next line that starts another one.
local function footnote_defs(file)
  if file.footnote_defs == nil then
    local defs = {}
    for line in (file.footnotes .. "\n"):gmatch("([^\n]*)\n") do
      local label = line:match("^%[%^([^%]]+)%]:")
      if label then
        defs[#defs + 1] = { label = label, text = line }
      elseif #defs > 0 then
        defs[#defs].text = defs[#defs].text .. "\n" .. line
      end
    end
    file.footnote_defs = defs
  end
  return file.footnote_defs
end

--- `md` with the definitions of the footnotes it references (only those: pandoc warns about a
--- definition that is not used).
local function with_footnotes(md, file)
  if not (file and file.footnotes and file.footnotes ~= "" and md:find("[^", 1, true)) then
    return md
  end
  local used = {}
  for _, d in ipairs(footnote_defs(file)) do
    if md:find("[^" .. d.label .. "]", 1, true) then
      used[#used + 1] = d.text
    end
  end
  if #used == 0 then return md end
  return md .. "\n\n" .. table.concat(used, "\n")
end

local function value_inlines(entry, file)
  local md = entry.text
  if md == "" then return pandoc.List() end
  local blocks = read_markdown(with_footnotes(md, file))
  if #blocks == 1 and (blocks[1].t == "Para" or blocks[1].t == "Plain") then
    return blocks[1].content
  end
  local out = pandoc.List()
  for _, b in ipairs(blocks) do
    if b.content then out:extend(b.content) end
  end
  return out
end

local function table_blocks(entry, file, caption_md)
  local md = entry.text
  if caption_md then
    -- A registry table ends with its source note ("Sources: ..."); the caption must follow the
    -- table itself, so it goes between the table and the note.
    local at = md:find("\n\nSources?: [^\n]*$")
    if at then
      md = md:sub(1, at - 1) .. "\n\n: " .. caption_md .. md:sub(at)
    else
      md = md .. "\n\n: " .. caption_md
    end
  end
  return read_markdown(with_footnotes(md, file))
end

local function caption_markdown(blocks)
  local md = pandoc.write(pandoc.Pandoc(blocks), "markdown", { wrap_text = "none" })
  return (md:gsub("%s+$", ""))
end

--- Every directive in `text` replaced by its cached Markdown (LaTeX for one found only in math).
local function expand_text(text)
  local out, from = {}, 1
  while true do
    local i = text:find("<mlsysim", from, true)
    if not i then break end
    local j = tag_end(text, i)
    if not j then break end
    local entry = lookup(text:sub(i, j), "text")
    out[#out + 1] = text:sub(from, i - 1) .. (entry and (entry.text or entry.math) or text:sub(i, j))
    from = j + 1
  end
  out[#out + 1] = text:sub(from)
  return table.concat(out)
end

local function is_break(el)
  return el and (el.t == "SoftBreak" or el.t == "Space" or el.t == "LineBreak")
end

local function table_directive(el)
  if not is_directive(el) then return false end
  local entry = lookup(el.text, "text")
  return entry ~= nil and entry.kind == "table"
end

--- A directive that prints a block of its own: a table or a figure.
local function block_directive(el)
  if not is_directive(el) then return false end
  local entry = lookup(el.text, "text")
  return entry ~= nil and (entry.kind == "table" or entry.kind == "figure")
end

------------------------------------------------------------------------------------------------
-- Filters

--- A hand-written table with directives in its cells: pandoc chose its column widths from the
--- source lines, which hold the long directives. Re-read the table's lines with every directive
--- expanded and take the widths pandoc gives that text, as it would for the built file.
local function Table(tbl)
  local keys = {}
  local collect = {
    RawInline = function(el)
      if is_directive(el) then keys[#keys + 1] = normalize_key(el.text) end
    end,
  }
  if tbl.walk then
    tbl:walk(collect)
  else
    pandoc.walk_block(tbl, collect)
  end
  if #keys == 0 then return nil end
  local text = source()
  local line = text and locate(keys[1])
  if not line then return nil end
  local lines = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local first, last = line, line
  while first > 1 and lines[first - 1]:match("%S") do first = first - 1 end
  while last < #lines and lines[last + 1]:match("%S") do last = last + 1 end
  local block = expand_text(table.concat(lines, "\n", first, last))
  for _, b in ipairs(read_markdown(block)) do
    if b.t == "Table" and #b.colspecs == #tbl.colspecs then
      local specs = {}
      for k, cs in ipairs(tbl.colspecs) do
        specs[k] = { cs[1], b.colspecs[k][2] }
      end
      tbl.colspecs = specs
      return tbl
    end
  end
  return nil
end

local function Meta(meta)
  local opt = meta.mlsysim
  if type(opt) == "table" and opt.cache then
    cache_option = pandoc.utils.stringify(opt.cache)
  end
  local f = input_file()
  input_abs = f and absolute(f)
end

local function Math(el)
  local text = el.text
  if not text:find("<mlsysim", 1, true) then return nil end
  local out, from = {}, 1
  while true do
    local i = text:find("<mlsysim", from, true)
    if not i then break end
    local j = tag_end(text, i)
    if not j then break end
    if i > 1 and text:sub(i - 1, i - 1) == "\\" then
      -- `\<mlsysim` in math prints the tag literally, as the build does.
      out[#out + 1] = text:sub(from, i - 2) .. "{<}"
      from = i + 1
    else
      local raw = text:sub(i, j)
      local entry = lookup(raw, "math")
      out[#out + 1] = text:sub(from, i - 1) .. (entry and entry.math or raw)
      from = j + 1
    end
  end
  out[#out + 1] = text:sub(from)
  el.text = table.concat(out)
  return el
end

local function Inlines(inlines)
  local out = pandoc.List()
  local changed = false
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    if is_directive(el) then
      local entry, file = lookup(el.text, "text")
      if entry == nil or entry.kind == "table" or entry.kind == "figure" then
        out:insert(el) -- a table or figure is replaced with its block by Blocks below
      else
        changed = true
        local values = value_inlines(entry, file)
        if #values == 0 then
          -- `let` prints nothing: drop the break after it too, so its line disappears.
          if is_break(inlines[i + 1]) then
            i = i + 1
          elseif inlines[i + 1] == nil and is_break(out[#out]) then
            out:remove()
          end
        else
          out:extend(values)
        end
      end
    else
      out:insert(el)
    end
    i = i + 1
  end
  if changed then return out end
  return nil
end

--- A paragraph that holds table or figure directives: each becomes its own block (two figures on
--- adjacent lines are two figures, as in the build); the text around them stays in paragraphs.
local function split_paragraph(b, caption_md, out)
  local run = pandoc.List()
  local function flush()
    while is_break(run[1]) do run:remove(1) end
    while is_break(run[#run]) do run:remove() end
    if #run > 0 then out:insert(b.t == "Plain" and pandoc.Plain(run) or pandoc.Para(run)) end
    run = pandoc.List()
  end
  for idx, el in ipairs(b.content) do
    if block_directive(el) then
      flush()
      local entry, file = lookup(el.text, "text")
      local last = true
      for k = idx + 1, #b.content do
        if not is_break(b.content[k]) then last = false end
      end
      if entry.kind == "figure" then
        -- An image alone in its paragraph: pandoc's (and Quarto's) figure, with its caption,
        -- `#fig-` label and alt text.
        out:extend(read_markdown(entry.text))
      else
        out:extend(table_blocks(entry, file, last and caption_md or nil))
      end
    else
      run:insert(el)
    end
  end
  flush()
end

local function has_block(inlines)
  for _, el in ipairs(inlines) do
    if block_directive(el) then return true end
  end
  return false
end

--- Whether the last directive of the paragraph that prints a block is a table (then a caption
--- paragraph after it is the table's).
local function ends_with_table(inlines)
  for k = #inlines, 1, -1 do
    if block_directive(inlines[k]) then return table_directive(inlines[k]) end
  end
  return false
end

--- `Table: caption` or `: caption` written as its own paragraph after a table directive.
local function caption_paragraph(b)
  if not b or b.t ~= "Para" or #b.content < 2 then return nil end
  local first = b.content[1]
  if first.t == "Str" and (first.text == "Table:" or first.text == ":") and b.content[2].t == "Space" then
    local rest = pandoc.List()
    for k = 3, #b.content do rest:insert(b.content[k]) end
    return caption_markdown({ pandoc.Plain(rest) })
  end
  return nil
end

local function Blocks(blocks)
  local out = pandoc.List()
  local changed = false
  local i = 1
  while i <= #blocks do
    local b = blocks[i]
    if (b.t == "Para" or b.t == "Plain") and #b.content == 0 then
      changed = true -- the line of a `let`
    elseif (b.t == "Para" or b.t == "Plain") and has_block(b.content) then
      changed = true
      local caption = ends_with_table(b.content) and caption_paragraph(blocks[i + 1]) or nil
      if caption then i = i + 1 end
      split_paragraph(b, caption, out)
    elseif b.t == "DefinitionList" then
      -- `<mlsysim table=.../>` followed by `: Caption {#tbl-id}` reads as a definition list.
      local pending = pandoc.List()
      local any = false
      for _, item in ipairs(b.content) do
        local term, defs = item[1], item[2]
        local terms = pandoc.List()
        for _, el in ipairs(term) do
          if not is_break(el) then terms:insert(el) end
        end
        if #terms == 1 and table_directive(terms[1]) then
          any = true
          if #pending > 0 then out:insert(pandoc.DefinitionList(pending)) end
          pending = pandoc.List()
          local entry, file = lookup(terms[1].text, "text")
          local caption = defs[1] and caption_markdown(defs[1]) or nil
          out:extend(table_blocks(entry, file, caption))
          for k = 2, #defs do out:extend(defs[k]) end
        else
          pending:insert(item)
        end
      end
      if any then
        changed = true
        if #pending > 0 then out:insert(pandoc.DefinitionList(pending)) end
      else
        out:insert(b)
      end
    else
      out:insert(b)
    end
    i = i + 1
  end
  if changed then return out end
  return nil
end

--- Anything still a directive here could not be placed (a table directive that is not alone on
--- its line); the build rejects it too.
local function RawInline(el)
  if block_directive(el) then
    local entry = lookup(el.text, "text")
    fail_at(normalize_key(el.text), "a " .. entry.kind .. " directive must stand alone on its own line")
  end
end

--- Whether the body holds a directive at all (then the cache is needed).
local function has_directives(body)
  local any = false
  local probe = {
    RawInline = function(el)
      if is_directive(el) then any = true end
    end,
    Math = function(el)
      if el.text:find("<mlsysim", 1, true) then any = true end
    end,
  }
  if body.walk then body:walk(probe) else pandoc.walk_block(body, probe) end
  return any
end

local function walk(block, filter)
  if block.walk then
    return block:walk(filter)
  end
  return pandoc.walk_block(block, filter)
end

--- The document body only: metadata (front matter) is left as written, as `mlsysim-book build`
--- leaves it.
function Pandoc(doc)
  Meta(doc.meta)
  local body = pandoc.Div(doc.blocks)
  if not has_directives(body) then
    return nil
  end
  load_cache()
  body = walk(body, { Table = Table })
  body = walk(body, { Math = Math, Inlines = Inlines })
  body = walk(body, { Blocks = Blocks })
  body = walk(body, { RawInline = RawInline })
  if #problems > 0 then
    table.sort(problems, function(a, b)
      if a.line ~= b.line then return a.line < b.line end
      return a.column < b.column
    end)
    local lines = {}
    for _, p in ipairs(problems) do lines[#lines + 1] = p.text end
    error(string.format("%s\n%d directive(s) could not be shown; the render stops here.",
      table.concat(lines, "\n"), #problems), 0)
  end
  doc.blocks = body.content
  return doc
end

return { { Pandoc = Pandoc } }
