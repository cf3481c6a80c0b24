#!/usr/bin/env python3
"""The common protocol of every tabular object, and the one option reader.

1. Every tabular object (result, comparison, records, uncertainty,
   sensitivity, target, explain, index result, index uncertainty, levels,
   tiers) answers #x, x[i] and x:rows() alike; print(x) shows exactly what
   returning x prints;
   its metatable is protected; CSV and JSON exports hold #x rows, JSON keeps
   the footer as metadata.  Counts and first rows are computed here from
   the CSV (Python's csv module), never taken from gcisim.
2. Every gci function and method is listed here with the options README
   documents for it; each one that takes options rejects an unknown key
   with an error naming exactly those.  The list is checked against the
   live module (a function missing here fails the test).
3. Hostile values at the Lua boundary (issue 11 classes 2, 3, 4, 9, 10)
   and what cannot be printed (issue 13 point 4) give clear errors.
"""
import csv
import json
import os

from gstest import TMP, check, done, run

PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]
with open(os.path.join("data", "gci2020.csv"), newline="", encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f))
SUM = {r["iso3"]: sum(float(r[p]) for p in PILLARS) for r in ROWS}
N = len(ROWS)
TOP = max(SUM, key=SUM.get)

PRE = '''local d = gci.load("data/gci2020.csv")
local r = d:score()
local nodes = {{code = "Index"}}
for _, p in ipairs(d:pillars()) do nodes[#nodes + 1] = {code = p, parent = "Index"} end
local ix = gci.index(nodes)
local res = ix:compute(d)
'''

# name -> (Lua expression, expected #x, expected first key or None)
OBJECTS = {
    "result": ("r", N, TOP),
    "index result": ("res", N, None),
    "index uncertainty": ('ix:uncertainty(d, {vary = {normalise = {{"minmax", 0, 100}, "prank"}}, n = 20})', N, None),
    "records (r:top)": ("r:top(1)", 1, TOP),
    "tiers (r:tiers)": ("r:tiers()", N, TOP),
    "comparison": ('gci.compare(r, d:with{VNM = {technical = 20}}:score())', N, None),
    "records (gci.records)": ('gci.records({{a = 1, b = "x"}, {a = 2, b = "y"}}, {"b", "a"})', 2, None),
    "uncertainty": ("d:uncertainty{n = 20}", N, None),
    "sensitivity": ("d:sensitivity{n = 8, boot = 0}", len(PILLARS) + 1, None),
    "target": ('d:target("VNM", {rank = 20})', len(PILLARS) + 1, None),
    "explain": ('r:explain("VNM")', len(PILLARS) + 1, None),
    "levels": ("ix:levels()", len(PILLARS) + 1, None),
    "index tiers": ('res:tiers("Index")', N, None),
    # the analyses of an index result (one Index over the five pillars):
    # counts from the structure (K pillars, K + 1 nodes, N units)
    "unit report (res:unit)": ('res:unit("VNM")', len(PILLARS) + 1, None),
    "unit report (res:report)": ('res:report("VNM")', len(PILLARS) + 1, None),
    "strengths": ('res:strengths("VNM")', 2 * len(PILLARS), None),
    "correlations": ("res:correlations()", len(PILLARS), None),
    "cronbach": ("res:cronbach()", 1, None),
    "pca": ("(res:pca())", len(PILLARS), None),
    "mpi": ("res:mpi()", N, None),
    "bod": ("res:bod()", N, None),
    "remove_elements": ("res:remove_elements()", len(PILLARS), None),
    "opt_weights": ("res:opt_weights()", len(PILLARS), None),
    "availability": ("res:availability()", N, None),
    "level": ("res:level(1)", N, None),
    "effective_weights": ("res:effective_weights()", len(PILLARS) + 1, None),
}

for name, (expr, count, first) in OBJECTS.items():
    script = PRE + '''local x = %s
local n = 0
for row in x:rows() do
  n = n + 1
  assert(rawequal(row, x[n]), "rows() and x[i] differ at " .. n)
end
local changed = pcall(setmetatable, x, {})
return {#x, n, type(getmetatable(x)), tostring(changed)}
''' % expr
    rc, out, err = run([], script)
    check(rc == 0 and out.split() == [str(count), str(count), "string", "false"],
          "%s: #x, rows(), protected metatable: %r %r" % (name, out, err))
    # print(x) is what returning x prints
    rc1, printed, err1 = run([], PRE + "print(%s)\n" % expr)
    rc2, returned, err2 = run([], PRE + "return %s\n" % expr)
    check(rc1 == 0 and rc2 == 0 and printed == returned and returned.strip(),
          "%s: print(x) == return x: %r / %r" % (name, printed[:300] + err1, returned[:300] + err2))
    lines = returned.rstrip("\n").split("\n")
    footer = [ln[2:] for ln in lines if ln.startswith("# ")]
    body = [ln for ln in lines if not ln.startswith("# ")]
    check(len(body) == count + 1, "%s: a header and %d rows printed, got %d lines" % (name, count, len(body)))
    header = body[0].split()
    # CSV: the same columns, count rows, no footer in the data
    rc, out, err = run(["--format", "csv"], PRE + "return %s\n" % expr)
    rows = list(csv.reader(out.splitlines()))
    check(rc == 0 and rows and rows[0] == header and len(rows) == count + 1,
          "%s: csv has the columns and %d rows: %r" % (name, count, out[:200] + err))
    if first:
        check(rows[1][0] == first, "%s: first key %s, got %r" % (name, first, rows[1][:1]))
    # JSON: rows, and the footer as metadata when there is one
    rc, out, err = run(["--format", "json"], PRE + "return %s\n" % expr)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    if footer:
        ok = isinstance(doc, dict) and doc.get("metadata", {}).get("footer") == "\n".join(footer)
        recs = doc.get("rows") if isinstance(doc, dict) else None
    else:
        ok = isinstance(doc, list)
        recs = doc
    check(rc == 0 and ok and isinstance(recs, list) and len(recs) == count
          and all(list(rec) == header for rec in recs),
          "%s: json rows (and footer as metadata): %r" % (name, out[:200] + err))

# gci.records keeps the column order it was given
rc, out, err = run(["--format", "csv"], 'return gci.records({{a = 1, b = "x"}}, {"b", "a"})\n')
check(rc == 0 and out.splitlines() == ["b,a", "x,1"], "gci.records column order: %r" % out)

# a result: #r, r[i], r:rows() alike, printed as its records
rc, out, err = run([], PRE + '''local n = 0
for row in r:rows() do n = n + 1; assert(row.iso3 == r[n].iso3) end
return {#r, n, r[1].iso3}
''')
check(rc == 0 and out.split() == [str(N), str(N), TOP], "result protocol: %r %r" % (out, err))

# an index result: the same, over its root node's records
rc, out, err = run([], PRE + '''local n = 0
for row in res:rows() do n = n + 1; assert(row.iso3 == res[n].iso3) end
return {#res, n, res[1].iso3}
''')
check(rc == 0 and out.split() == [str(N), str(N), TOP], "index result protocol: %r %r" % (out, err))

# one key column name for every object built from one dataset
rc, a, err = run(["--format", "csv"], PRE + "return d:score()\n")
rc2, b, err2 = run(["--format", "csv"], PRE + "return res\n")
rc3, c, err3 = run(["--format", "csv"], PRE + "return d:uncertainty{n = 5}\n")
check(rc == rc2 == rc3 == 0 and a.split(",")[0] == b.split(",")[0] == c.split(",")[0] == "iso3",
      "d:score, ix:compute and d:uncertainty name the key column alike: %r %r %r"
      % (a[:20], b[:20] + err2, c[:20] + err3))

# ---- issue 13 point 4: what a script returns is always shown ----
rc, out, err = run([], "return {3, 1.5, 'x', true}\n")
check(rc == 0 and out == "3\n1.5\nx\ntrue\n", "a list of values, one per line: %r %r" % (out, err))
rc, out, err = run(["--format", "csv"], "return {3, 1.5, 'x'}\n")
check(rc == 0 and list(csv.reader(out.splitlines())) == [["3"], ["1.5"], ["x"]], "one-column csv: %r" % out)
rc, out, err = run(["--format", "json"], "return {3, 1.5, 'x'}\n")
check(rc == 0 and json.loads(out) == [3, 1.5, "x"], "json array of values: %r" % out)
rc, out, err = run(["--format", "csv"], "return {{iso3 = 'A', z = 1, b = 2}, {iso3 = 'B', a = 3}}\n")
check(rc == 0 and out.splitlines() == ["iso3,b,z,a", "A,2,1,", "B,,,3"],
      "plain records: the first record's keys, then new keys as they appear: %r %r" % (out, err))
for script, want in [("return {{}, {}, {}}", "its 3 records have no fields"),
                     ("return {1, {a = 1}}", "item 1 is a number but item 2 is a table"),
                     ("return {print}", "a function has no text"),
                     ("return {{a = {}}}", "record 1, column 'a'"),
                     # a table of records inside a cell would break the table around it
                     ('return {{a = gci.load("data/gci2020.csv"):score():top(1)}}', "cannot be a cell"),
                     ('return {{a = gci.load("data/gci2020.csv"):score()}}', "cannot be a cell")]:
    rc, out, err = run([], script + "\n")
    check(rc != 0 and out == "" and want in err, "%s: an error, not blank output: %r %r" % (script, out, err))

# ---- issue 11: hostile values ----
# class 3: metafields are type-checked
for mt, want in [('{__columns = string.rep("A", 64)}', "__columns must be a list of column names"),
                 ('{__columns = {1, 2}}', "__columns[1] must be a column name"),
                 ('{__columns = {"iso3"}, __footer = {}}', "__footer must be a string"),
                 ('{__rows = 5}', "__rows must be a function"),
                 ('{__raw = "x"}', "__raw must be a function")]:
    rc, out, err = run([], 'return setmetatable({{iso3 = "X"}}, %s)\n' % mt)
    check(rc == 1 and want in err, "%s: %r" % (mt, err))
# class 4: no script can reach or change a records metatable
rc, out, err = run([], '''local d = gci.load("data/gci2020.csv")
local t = d:score():top(1)
local ok = pcall(setmetatable, t, {__gc = function() end})
return {tostring(getmetatable(t)), tostring(ok), tostring(getmetatable(d:score():top(2)) == getmetatable(t))}
''')
check(rc == 0 and out.split() == ["gci.records", "false", "true"], "protected metatables: %r %r" % (out, err))
# class 2: options are read raw from a private copy: no __index runs
rc, out, err = run(["--trusted"], '''local called = false
local o = setmetatable({}, {__index = function(_, k) called = true; collectgarbage(); return "iso3" end})
local d = gci.load("data/gci2020.csv", o)
local r = d:score(setmetatable({}, {__index = function() called = true end}))
return {#d, tostring(called)}
''')
check(rc == 0 and out.split() == [str(N), "false"], "options read raw, no __index: %r %r" % (out, err))
rc, out, err = run([], '''local d = gci.load("data/gci2020.csv")
local w = {legal = 1, technical = 1, organizational = 1, capacity = 1, cooperation = 1}
local r = d:score{weights = w, ties = "dense"}
w.legal = 100   -- changing the table afterwards changes nothing already computed
return r:score("VNM")
''')
check(rc == 0 and abs(float(out) - SUM["VNM"]) < 1e-9, "weights copied: %r %r" % (out, err))
# class 9: a formula's record is read-only, whichever way a script tries
rc, out, err = run([], '''local d = gci.load("data/gci2020.csv")
local a = pcall(function() d:score(function(c) rawset(c, "legal", 99) return 1 end) end)
local b = pcall(function() d:score(function(c) c.legal = 99 return 1 end) end)
local leaked = false
d:score(function(c) local f, s = pairs(c); leaked = leaked or type(s) == "table"; return 1 end)
return {tostring(a), tostring(b), tostring(leaked), d:score(function(c) return c.legal end):score("VNM"),
        d:get("VNM").legal}
''')
vnm = next(r for r in ROWS if r["iso3"] == "VNM")
check(rc == 0 and out.split() == ["false", "false", "false", vnm["legal"], vnm["legal"]],
      "formula records are read-only: %r %r" % (out, err))
# class 10: every numeric option has a finite documented range
for call, want in [("d:uncertainty{n = 10, offset = 1e308}", "uncertainty: option 'offset' must be a number from 0 to 1000000"),
                   ("d:uncertainty{n = 1/0}", "uncertainty: option 'n' must be a finite number"),
                   ("d:score{digits = 13}", "score: option 'digits' must be a whole number from -1 to 12"),
                   ("d:score{digits = 2.5}", "score: option 'digits' must be a whole number from -1 to 12"),
                   ('d:score{digits = "2"}', "score: option 'digits' must be a number, got string"),
                   ('d:uncertainty{digits = "2"}', "uncertainty: option 'digits' must be a number, got string"),
                   ("d:score{scale = -1}", "score: option 'scale' must be a number from 0 to"),
                   ("d:score{offset = 0/0}", "score: option 'offset' must be a finite number"),
                   ('d:score{weights = {legal = -1}}', "weight of 'legal' must be a finite number from 0 to 1e12"),
                   ('d:uncertainty{weights = {legal = 1/0}}', "weight of 'legal' must be a finite number from 0 to 1e12"),
                   ('d:score{agg = "geometric", method = "geometric"}', "give 'agg' only"),
                   ('d:score{ties = "olympic"}', "score: unknown tie rule 'olympic' (known: dense, competition, ordinal, fractional)")]:
    rc, out, err = run([], 'local d = gci.load("data/gci2020.csv")\nreturn %s\n' % call)
    check(rc == 1 and "t.lua:2: " in err and want in err, "%s: %r" % (call, err))
# agg is the name everywhere; the old method/methods still work
rc, out, err = run([], '''local d = gci.load("data/gci2020.csv")
return {d:score{agg = "geometric"}:score("VNM") == d:score{method = "geometric"}:score("VNM"),
        d:score{agg = "geometric"}:score("VNM") ~= d:score():score("VNM"),
        #d:uncertainty{n = 5, agg = "geometric"} == #d:uncertainty{n = 5, methods = {"geometric"}}}
''')
check(rc == 0 and out.split() == ["true", "true", "true"], "agg and its old spellings: %r %r" % (out, err))
# ix:compute's grouping column is group_by; its old name group still works
rc, out, err = run([], '''local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local a = ix:compute(d, {impute = "group_mean", group_by = "EurAsia_group"})
local b = ix:compute(d, {impute = "group_mean", group = "EurAsia_group"})
local c = ix:compute(d, {impute = "group_mean", group_by = "EurAsia_group", digits = 6})
return {tostring(a[1].score == b[1].score), tostring(a[1].score == c[1].score),
        tostring(pcall(ix.compute, ix, d, {impute = "group_mean", group = "x", group_by = "y"}))}
''')
check(rc == 0 and out.split() == ["true", "true", "false"], "group_by and group: %r %r" % (out, err))

# a weight of 0 leaves a pillar out in every call (one rule)
rc, out, err = run([], '''local d = gci.load("data/gci2020.csv")
local w = {legal = 0, technical = 1, organizational = 1, capacity = 1, cooperation = 1}
return {d:score{weights = w}:score("VNM"), #d:uncertainty{n = 5, weights = w}}
''')
want_vnm = SUM["VNM"] - float(vnm["legal"])
check(rc == 0 and len(out.split()) == 2 and abs(float(out.split()[0]) - want_vnm) < 1e-9 and out.split()[1] == str(N),
      "weight 0 accepted by score and uncertainty: %r %r" % (out, err))

# ---- 2. every function and method rejects an unknown option ----
# README's options per call (None: the call takes no options table)
OPTIONS = {
    "gci.load": ('gci.load("data/gci2020.csv", %s)', ["key", "name", "pillars", "min", "max", "na", "max_size"]),
    "gci.load_panel": ('gci.load_panel("data/gci2020.csv", %s)', ["year", "key", "name", "na"]),
    "gci.ampi": ("gci.ampi({[2020] = res}, %s)", ["node", "polarity", "goalposts", "base"]),
    "gci.dataset": (None, None),  # gci.load's options, when a dataset is given
    "gci.compare": ("gci.compare(r, r, %s)", ["tiers"]),
    "gci.plot": ('gci.plot(r, "' + TMP + '/p.svg", %s)', ["type", "title", "width", "height", "top",
                                                          "countries", "before", "after"]),
    "gci.group": (None, None), "gci.tier": (None, None), "gci.records": (None, None),
    "gci.write": (None, None), "gci.dataset_path": (None, None), "gci.index": (None, None),
    "gci.index_meta": (None, None),
    "d:score": ("d:score(%s)", ["weights", "agg", "scale", "offset", "digits", "ties", "method"]),
    "d:column": ('d:column("score", %s)', ["digits", "ties"]),
    "d:uncertainty": ("d:uncertainty(%s)", ["weights", "perturb", "n", "seed", "agg", "digits", "ties",
                                            "offset", "threads", "methods"]),
    "d:sensitivity": ("d:sensitivity(%s)", ["weights", "perturb", "n", "seed", "agg", "digits", "ties",
                                            "offset", "threads", "boot", "methods"]),
    "d:target": ('d:target("VNM", %s)', ["rank", "tier", "thresholds", "score", "weights", "agg", "scale",
                                         "offset", "digits", "ties", "step_digits", "method"]),
    "d:with": (None, None), "d:without": (None, None), "d:get": (None, None), "d:countries": (None, None),
    "d:pillars": (None, None), "d:columns": (None, None), "d:source": (None, None),
    "r:rank": ('r:rank("VNM", %s)', ["digits", "ties", "group", "missing"]),
    "r:ranks": ("r:ranks(%s)", ["digits", "ties"]),
    "r:ranked": ("r:ranked(%s)", ["digits", "ties"]),
    "r:explain": ('r:explain("VNM", %s)', []),
    "r:score": (None, None), "r:top": (None, None), "r:rows": (None, None), "r:tiers": (None, None),
    "ix:compute": ("ix:compute(d, %s)", ["steps", "denominate", "impute", "group_by", "screen", "treat", "normalise",
                                         "agg", "digits", "ties", "group"]),
    "ix:uncertainty": ("ix:uncertainty(d, %s)", ["base", "vary", "n", "seed"]),
    "ix:levels": (None, None), "ix:effective_weights": (None, None),
    "res:correlations": ("res:correlations(%s)", ["method"]),
    "ix:whatif": ("ix:whatif(d, {}, %s)", ["steps", "denominate", "impute", "group_by", "screen", "treat",
                                           "normalise", "agg", "digits", "ties", "group"]),
    "ix:panel": ("ix:panel({[2020] = d}, %s)", ["steps", "denominate", "impute", "group_by", "screen", "treat",
                                                "normalise", "agg", "digits", "ties", "group", "global"]),
    "res:unit": (None, None),
    "res:report": ('res:report("VNM", %s)', ["group", "top", "bottom", "data"]),
    "res:strengths": ('res:strengths("VNM", %s)', ["top", "bottom", "min_discard", "data", "level"]),
    "res:corr_flags": ("res:corr_flags(%s)", ["threshold", "type", "level", "group_level", "method", "data"]),
    "res:cronbach": ("res:cronbach(%s)", ["level", "data"]),
    "res:pca": ("res:pca(%s)", ["level", "data"]),
    "res:mpi": ("res:mpi(%s)", ["node", "method", "polarity", "goalposts"]),
    "res:bod": ("res:bod(%s)", ["node", "bounds"]),
    "res:remove_elements": ("res:remove_elements(%s)", ["level", "node"]),
    "res:opt_weights": ("res:opt_weights(%s)", ["level", "target", "type", "tol", "maxiter"]),
    "res:group_ranks": ('res:group_ranks("country", %s)', ["node"]),
    "res:availability": (None, None), "res:effective_weights": (None, None), "res:level": (None, None),
    "res:levels": (None, None), "res:node": (None, None), "res:rank": (None, None), "res:score": (None, None),
    "res:screened": (None, None), "res:tiers": (None, None), "res:treated": (None, None),
    "res:warnings": (None, None), "res:rows": (None, None),
    "c:movers": (None, None), "c:unmatched": (None, None), "c:tier_changes": (None, None), "c:rows": (None, None),
}

rc, out, err = run(["--trusted"], PRE + '''local out = {}
for k, v in pairs(gci) do if type(v) == "function" then out[#out + 1] = "gci." .. k end end
local function methods(prefix, obj)
  local mt = debug.getmetatable(obj)
  local idx = mt.__index
  if type(idx) == "function" then idx = mt.methods or select(2, debug.getupvalue(idx, 1)) end
  for k in pairs(idx) do out[#out + 1] = prefix .. ":" .. k end
end
methods("d", d); methods("r", r); methods("ix", ix); methods("res", res); methods("c", gci.compare(r, r))
table.sort(out)
return out
''')
live = out.split()
check(rc == 0 and len(live) > 30, "enumerating the module: %r" % err)
for fn in live:
    check(fn in OPTIONS, "%s is not listed in test_protocol.py's OPTIONS (add its options)" % fn)
for fn, (call, known) in OPTIONS.items():
    check(fn in live, "%s is listed but not in the module" % fn)
    if call is None:
        continue
    rc, out, err = run(["--allow-write", TMP], PRE + "return " + call % "{bogus_option = 1}" + "\n")
    names = ", ".join(known) if known else "none: it takes no options"
    check(rc == 1 and "unknown option 'bogus_option' (known: %s)" % names in err,
          "%s rejects an unknown option naming the known ones: %r" % (fn, err))

done()
