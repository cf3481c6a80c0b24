"""Charts (issue 7): gci.plot and `gcisim run --plot`.

Every chart type is written as PNG, SVG and PDF and the files are inspected
here: the PNG signature and IHDR size, the PDF header and page size (pdfinfo),
the SVG parsed with xml.etree.  What the charts must show is worked out in
this file from data/*.csv (dense ranks of the published scores, the top 30,
pillar values), never taken from gcisim's own charts.
"""
import csv
import os
import re
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from gstest import TMP, check, done, ranks, run, table  # noqa: E402

NS = "{http://www.w3.org/2000/svg}"
OUT = os.path.join(TMP, "out")
os.mkdir(OUT)


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


D20 = load("data/gci2020.csv")
D18 = load("data/gci2018.csv")
PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]
NAME20 = {r["iso3"]: r["country"] for r in D20}


def dense(rows, key, digits):
    """iso3 -> dense rank of the value rounded to digits, higher is better."""
    return ranks({r["iso3"]: float(r[key]) for r in rows if r[key] != ""}, digits)


def in_rank_order(rows, ranks):
    """The rows in rank order, ties in file order (Python's sort is stable)."""
    return sorted([r for r in rows if r["iso3"] in ranks], key=lambda r: ranks[r["iso3"]])


# GCI 2020 score = the sum of the five pillars, ranked at 2 decimals
for r in D20:
    r["sum"] = "%.6f" % sum(float(r[p]) for p in PILLARS)
R20 = dense(D20, "sum", 2)
TOP20 = in_rank_order(D20, R20)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def pdf_size(path):
    with open(path, "rb") as f:
        if f.read(5) != b"%PDF-":
            return None
    p = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", p.stdout)
    return (float(m.group(1)), float(m.group(2))) if m else None


def svg(path):
    root = ET.parse(path).getroot()
    return root


def texts(root, cls=None):
    return [t for t in root.iter(NS + "text") if cls is None or t.get("class") == cls]


def by_key(root, tag, cls):
    return {e.get("data-key"): e for e in root.iter(NS + tag) if e.get("class") == cls}


def plot_all(kind, value_lua, opts_lua, w, h):
    """Writes the chart of value_lua as svg, png and pdf at w x h; checks
    the three files' types and sizes; returns the parsed SVG."""
    script = "local d = gci.load('data/gci2020.csv')\nlocal x = %s\n" % value_lua
    for ext in ("svg", "png", "pdf"):
        script += "gci.plot(x, '%s/%s.%s', {width = %d, height = %d, %s})\n" % (OUT, kind, ext, w, h, opts_lua)
    script += "return x\n"
    rc, out, err = run(["--allow-write", OUT, "--quiet", "--format", "csv"], script, name=kind + ".lua")
    check(rc == 0, "%s: plots written: %r" % (kind, err))
    check(png_size(os.path.join(OUT, kind + ".png")) == (w, h),
          "%s.png is a PNG of %dx%d: %r" % (kind, w, h, png_size(os.path.join(OUT, kind + ".png"))))
    ps = pdf_size(os.path.join(OUT, kind + ".pdf"))
    check(ps == (float(w), float(h)), "%s.pdf is a PDF page of %dx%d pt: %r" % (kind, w, h, ps))
    root = svg(os.path.join(OUT, kind + ".svg"))
    check(root.tag == NS + "svg" and root.get("width") == str(w) and root.get("height") == str(h),
          "%s.svg: <svg width=%d height=%d>: %r" % (kind, w, h, root.attrib))
    return root, out


# ---------- bars: the GCI 2020 top 20 ----------
root, _ = plot_all("bars", "d:score()", "title = 'Top 20'", 800, 560)
want = [r["country"] for r in TOP20[:20]]
labels = sorted(texts(root, "label"), key=lambda t: float(t.get("y")))
check([t.text for t in labels] == want, "bars: the top 20 names in rank order: %r" % [t.text for t in labels][:5])
bars = by_key(root, "rect", "bar")
check(sorted(bars) == sorted(r["iso3"] for r in TOP20[:20]), "bars: one bar per top-20 country")
# the axis starts at 0, so bar lengths are proportional to the scores
k = float(bars[TOP20[0]["iso3"]].get("width")) / float(TOP20[0]["sum"])
dev = max(abs(float(bars[r["iso3"]].get("width")) - k * float(r["sum"])) for r in TOP20[:20])
check(dev < 0.02, "bars: lengths proportional to the scores (largest deviation %.4f px)" % dev)
check(any(t.text == "Top 20" for t in texts(root)), "bars: the title is text")

# ---------- profile: VNM, SWE, KOR against the pillar maximum 20 ----------
root, _ = plot_all("profile", "d", "countries = {'VNM', 'SWE', 'KOR'}", 900, 500)
legend = " ".join(t.text for t in texts(root, "legend"))
for iso in ("VNM", "SWE", "KOR"):
    check(NAME20[iso] in legend, "profile: legend names %s" % NAME20[iso])
row = {r["iso3"]: r for r in D20}
ok = True
for iso in ("VNM", "SWE", "KOR"):
    full = [e for e in root.iter(NS + "rect") if e.get("data-key") == iso and e.get("class") == "max"]
    val = [e for e in root.iter(NS + "rect") if e.get("data-key") == iso and e.get("class") == "bar"]
    if len(full) != 5 or len(val) != 5:
        ok = False
        continue
    for p, f, v in zip(PILLARS, full, val):
        want_h = float(row[iso][p]) / 20 * float(f.get("height"))
        ok &= abs(float(v.get("height")) - want_h) <= 0.02
check(ok, "profile: five bars per country, each value/20 of the maximum bar")
pill = [t.text for t in texts(root, "pillar")]
check(all(any(p in t for t in pill) for p in PILLARS), "profile: pillar names as text: %r" % pill)

# ---------- slope: GCI 2018 -> 2020, published scores ----------
R18 = dense(D18, "score", 3)
P20 = dense(D20, "score", 2)
both = [i for i in P20 if i in R18]
sel = [i for i in both if R18[i] <= 30 or P20[i] <= 30]
root, _ = plot_all("slope", "gci.compare(gci.load('data/gci2018.csv'):column('score', {digits = 3}), "
                   "d:column('score'))", "before = 'GCI 2018', after = 'GCI 2020'", 900, 900)
for side, rank in (("label-before", R18), ("label-after", P20)):
    lab = texts(root, side)
    keys = sorted(t.get("data-key") for t in lab)
    check(keys == sorted(sel), "slope %s: the countries in the top 30 of either edition (%d, want %d)"
          % (side, len(keys), len(sel)))
    check(all(NAME20[t.get("data-key")] in t.text and str(rank[t.get("data-key")]) in t.text.split()
              for t in lab), "slope %s: name and rank in each label" % side)
    ys = sorted((float(t.get("y")), float(t.get("font-size"))) for t in lab)
    gaps = [b[0] - a[0] for a, b in zip(ys, ys[1:])]
    check(gaps and min(gaps) >= max(s for _, s in ys), "slope %s: labels at least a font size apart (min gap %.2f)"
          % (side, min(gaps) if gaps else -1))
lines = {}
for e in root.iter(NS + "line"):
    if e.get("data-key") in sel and e.get("class") != "leader":
        lines.setdefault(e.get("data-key"), e.get("stroke"))
colour = {}
for i in sel:
    sign = (R18[i] > P20[i]) - (R18[i] < P20[i])  # 1: rose
    colour.setdefault(sign, set()).add(lines.get(i))
check(all(len(v) == 1 for v in colour.values()) and len(colour) == 3,
      "slope: one colour per kind of move: %r" % colour)
if len(colour) == 3:
    c = {k: next(iter(v)) for k, v in colour.items()}
    check(c[1] != c[0] and c[-1] != c[0] and c[1] != c[-1], "slope: risers, fallers and unchanged differ: %r" % c)

# ---------- intervals: uncertainty of GCI 2020, top 30 ----------
root, out = plot_all("intervals", "d:uncertainty{n = 2000, seed = 1, perturb = 0.25}", "top = 30", 900, 700)
ua = table(out)  # the same result as CSV, full precision
check(len(ua) == 194, "intervals: the CSV of the same result has 194 rows")
want = [r["country"] for r in in_rank_order(D20, R20)[:30]]
labels = sorted(texts(root, "label"), key=lambda t: float(t.get("y")))
check([t.text for t in labels] == want, "intervals: the first 30 by nominal rank, top down")
check([r["country"] for r in ua[:30]] == want and all(int(float(r["nominal"])) == R20[r["iso3"]] for r in ua),
      "intervals: nominal ranks are the dense ranks of the pillar sums")
bands = by_key(root, "rect", "band")
med = by_key(root, "circle", "median")
nom = by_key(root, "line", "nominal")
# one linear scale x = a + b * rank, fitted on two rows, must hold for all
pts = [(float(r["p05"]), float(bands[r["iso3"]].get("x"))) for r in ua[:30] if r["iso3"] in bands]
(r1, x1), (r2, x2) = min(pts), max(pts)
b = (x2 - x1) / (r2 - r1) if r2 != r1 else 0
a = x1 - b * r1
ok = b > 0 and len(bands) == 30
for r in ua[:30]:
    e = bands.get(r["iso3"])
    if e is None:
        ok = False
        continue
    x, w = float(e.get("x")), float(e.get("width"))
    ok &= abs(x - (a + b * float(r["p05"]))) < 0.02 and abs(x + w - (a + b * float(r["p95"]))) < 0.02
    ok &= abs(float(med[r["iso3"]].get("cx")) - (a + b * float(r["median"]))) < 0.02
    ok &= abs(float(nom[r["iso3"]].get("x1")) - (a + b * float(r["nominal"]))) < 0.02
check(ok, "intervals: bands span p05..p95, dots at the median, ticks at the nominal rank, one scale")

# ---------- determinism and UTF-8 ----------
script = "local r = gci.load('data/gci2020.csv'):score()\n"
for ext in ("svg", "png", "pdf"):
    script += "gci.plot(r, '%s/all1.%s', {top = 194})\ngci.plot(r, '%s/all2.%s', {top = 194})\n" % (OUT, ext, OUT, ext)
rc, _, err = run(["--allow-write", OUT], script)
for ext in ("svg", "png", "pdf"):
    a1, a2 = (open(os.path.join(OUT, "all%d.%s" % (i, ext)), "rb").read() for i in (1, 2))
    check(rc == 0 and a1 == a2, "the same chart twice: byte-identical %s" % ext)
check(b"CreationDate" not in a1, "the PDF carries no date")
names = [t.text for t in texts(svg(os.path.join(OUT, "all1.svg")), "label")]
check("Côte d'Ivoire" in names and len(names) == 194, "UTF-8 names as text: Côte d'Ivoire (%d labels)" % len(names))

# ---------- the CLI: --plot ----------
cli = os.path.join(OUT, "cli.svg")
rc, out, err = run(["run", "scripts/editions.lua", "--plot", cli, "--quiet"])
check(rc == 0 and "VNM" in out, "--plot keeps printing the result: %r" % err)
check(len(texts(svg(cli), "label-after")) == len(sel), "--plot: a comparison becomes a slope chart")
rc, out, err = run(["run", "scripts/editions.lua", "--plot", os.path.join(OUT, "cli.png"),
                    "--out", os.path.join(OUT, "cli.csv")])
check(rc == 0 and png_size(os.path.join(OUT, "cli.png")) and os.path.exists(os.path.join(OUT, "cli.csv")),
      "--plot with --out: both written")
rc, out, err = run(["--plot", os.path.join(OUT, "cli-bars.pdf"), "--plot-type", "bars"],
                   "return gci.load('data/gci2020.csv'):score()", name="cli_bars.lua")
check(rc == 0 and pdf_size(os.path.join(OUT, "cli-bars.pdf")) is not None, "--plot-type bars to PDF: %r" % err)
rc, out, err = run(["run", "--help"])
check(rc == 0 and "--plot FILE" in out and "--plot-type" in out, "run --help documents --plot")

# Records are read raw: a metatable's __index that makes a fresh string per
# read (with enough garbage to start a collection) once left the chart
# pointing at freed strings (garbled labels, a use-after-free under ASan).
# Raw reads see only the records' own fields: no country, so the labels
# fall back to the iso3 codes.  Ranks: C01..C40 go from i to 41 - i.
script = """
local mt = {__index = function(t, k)
  if k ~= "country" then return nil end
  local junk = {}
  for q = 1, 3000 do junk[q] = {q} end
  return "Country of " .. rawget(t, "iso3") .. string.rep("!", 40)
end}
local recs = {}
for i = 1, 40 do
  recs[i] = setmetatable({iso3 = string.format("C%02d", i), rank_before = i, rank_after = 41 - i}, mt)
end
gci.plot(recs, arg[1], arg[2] == "meta-opts" and setmetatable({}, {__index = function() return "x" end}) or nil)
return 1
"""
meta = os.path.join(OUT, "meta.svg")
rc, out, err = run([meta, "--allow-write", OUT], script, name="meta.lua")
root = svg(meta) if rc == 0 else None
want_b = sorted("C%02d  %d" % (i, i) for i in range(1, 41))
want_a = sorted("%d  C%02d" % (41 - i, i) for i in range(1, 41))
check(root is not None and sorted(t.text for t in texts(root, "label-before")) == want_b
      and sorted(t.text for t in texts(root, "label-after")) == want_a
      and [t.text for t in texts(root, "title")] == ["Ranks from before to after: the top 30 of either"],
      "records with an __index metatable: labels are the records' own iso3 and ranks: %r"
      % (err if root is None else [t.text for t in texts(root, "label-before")][:3]))
# options too: an __index answering every option is not consulted
rc, out, err = run([meta, "meta-opts", "--allow-write", OUT], script, name="meta.lua")
# (no title from __index: the default one, as without options; no sides are known for a plain list)
check(rc == 0 and [t.text for t in texts(svg(meta), "title")] == ["Ranks from before to after: the top 30 of either"],
      "options are read raw (no title from __index): %r" % err)
if os.path.exists(meta):
    os.remove(meta)

# ---------- UX findings of issue 7 ----------
FIX = os.path.join(TMP, "fix")
os.mkdir(FIX)
SCORE = "return gci.load('data/gci2020.csv'):score()"


def fx(name):
    return os.path.join(FIX, name)


# finding 5: bars of a comparison or an uncertainty result are all "n/a":
# refused, as for a dataset, saying what bars need
for value, what in (("gci.compare(d:column('score'), d:column('score'))", "comparison"),
                    ("d:uncertainty{n = 50, seed = 1}", "uncertainty result")):
    rc, out, err = run(["--plot", fx("nb.svg"), "--plot-type", "bars", "--quiet"],
                       "local d = gci.load('data/gci2020.csv')\nreturn %s" % value, name="nb.lua")
    check(rc == 1 and "a bar chart needs a result" in err and "score" in err and not os.path.exists(fx("nb.svg")),
          "--plot-type bars of a %s: refused: %d %r" % (what, rc, err))
rc, out, err = run(["--allow-write", FIX], "gci.plot(gci.compare(gci.load('data/gci2020.csv'):column('score'), "
                   "gci.load('data/gci2018.csv'):column('score')), '%s', {type = 'bars'})" % fx("nb.svg"), name="nb.lua")
check(rc == 1 and "nb.lua:1: gci.plot: a bar chart needs" in err, "gci.plot type=bars of a comparison: %r" % err)

# finding 6: --plot with --shard is refused before anything runs
rc, out, err = run(["--shard", "0/2", "--out", fx("s0.txt"), "--plot", fx("s.png")],
                   "io = nil\nprint('ran')\nreturn 1", name="shard.lua")
check(rc == 64 and "--shard" in err and "ran" not in out and not os.listdir(FIX),
      "--plot with --shard: usage error, nothing run or written: %d %r" % (rc, err))

# finding 7: --plot and --out all or nothing
marker = "print('ran')\n" + SCORE
rc, out, err = run(["--plot", fx("nodir/x.svg"), "--out", fx("o.csv")], marker, name="m.lua")
check(rc == 73 and "ran" not in out and "cannot write" in err and not os.listdir(FIX),
      "--plot into a missing directory: refused before the script runs: %d %r %r" % (rc, out, err))
rc, out, err = run(["--plot", fx("p.svg"), "--out", fx("nodir/o.csv")], marker, name="m.lua")
check(rc == 73 and "ran" not in out and "nodir/o.csv" in err and not os.listdir(FIX),
      "--out into a missing directory: refused before the script runs, no chart: %d %r" % (rc, err))
rc, out, err = run(["--plot", fx("p.svg"), "--out", FIX], marker, name="m.lua")
check(rc == 73 and "is a directory" in err and not os.listdir(FIX), "--out naming a directory: refused: %r" % err)
# a value that cannot be charted: neither file, and stdout has no table
rc, out, err = run(["--plot", fx("p.svg"), "--out", fx("o.csv")], "print('ran')\nreturn 'hello'", name="m.lua")
check(rc == 1 and "cannot plot a string" in err and "nothing was written" in err and not os.listdir(FIX),
      "an unplottable value with --out: neither file written: %d %r" % (rc, err))
rc, out, err = run(["--plot", fx("p.svg")], "print('ran')\nreturn {{iso3 = 'AAA', x = 1}}", name="m.lua")
check(rc == 1 and out == "ran\n" and "nothing was written" in err and "not printed" in err and not os.listdir(FIX),
      "an unplottable value to stdout: the table not printed, and said so: %r %r" % (out, err))
# the table cannot be written (its directory made read-only after the
# check: a write-protected directory stands in for a full disk) -> no chart
rc, out, err = run(["--plot", fx("p.svg"), "--out", fx("o.csv"), "--quiet"], SCORE, name="m.lua")
check(rc == 0 and svg(fx("p.svg")) is not None and len(table(open(fx("o.csv")).read())) == 194,
      "--plot with --out: both written: %r" % err)
for f_ in os.listdir(FIX):
    os.remove(fx(f_))

# finding 15: a profile, a title and a top from the command line
rc, out, err = run(["--plot", fx("prof.svg"), "--plot-countries", "VNM, SWE,KOR", "--plot-title", "Three <countries>",
                    "--quiet"], "return gci.load('data/gci2020.csv')", name="prof.lua")
root = svg(fx("prof.svg")) if rc == 0 else None
legend = " ".join(t.text for t in texts(root, "legend")) if root is not None else ""
check(root is not None and all(NAME20[i] in legend for i in ("VNM", "SWE", "KOR"))
      and [t.text for t in texts(root, "title")] == ["Three <countries>"]
      and len(by_key(root, "rect", "bar")) == 3,
      "--plot-countries VNM,SWE,KOR --plot-title: a titled profile of three: %d %r" % (rc, err))
rc, out, err = run(["--plot", fx("top.svg"), "--plot-top", "5", "--quiet"], SCORE, name="top.lua")
labels = sorted(texts(svg(fx("top.svg")), "label"), key=lambda t: float(t.get("y"))) if rc == 0 else []
check([t.text for t in labels] == [r["country"] for r in TOP20[:5]], "--plot-top 5: the top 5 bars: %r" % err)
for args, msg in ((["--plot-countries", "VNM"], "--plot-countries needs --plot"),
                  (["--plot-title", "x"], "--plot-title needs --plot"),
                  (["--plot", fx("x.svg"), "--plot-top", "0"], "--plot-top needs a whole number"),
                  (["--plot", fx("x.svg"), "--plot-top", "2.5"], "--plot-top needs a whole number"),
                  (["--plot", fx("x.svg"), "--plot-countries", "VNM,,SWE"], "separated by commas"),
                  (["--plot", fx("x.svg"), "--plot-countries", "VNM", "--plot-type", "bars"], "profile"),
                  (["--plot", fx("x.svg"), "--plot-countries", "VNM", "--plot-top", "3"], "--plot-top")):
    rc, out, err = run(args, "print('ran')\nreturn 1", name="u.lua")
    check(rc == 64 and msg in err and "ran" not in out, "%s: usage error %r: %r" % (" ".join(args), msg, err))
rc, out, err = run(["--plot", fx("x.svg"), "--plot-countries", "VNM,XXX"], "return gci.load('data/gci2020.csv')",
                   name="u.lua")
check(rc == 1 and "unknown country 'XXX'" in err, "--plot-countries with an unknown code: %r" % err)
rc, out, err = run(["run", "--help"])
check(all(o_ in out for o_ in ("--plot-countries", "--plot-title", "--plot-top", "all or nothing")),
      "run --help documents the --plot options and all-or-nothing")

# suggestion: a profile names each country once
rc, out, err = run(["--plot", fx("x.svg"), "--plot-countries", "VNM,SWE,VNM"], "return gci.load('data/gci2020.csv')",
                   name="u.lua")
check(rc == 1 and "'VNM' is given twice" in err and not os.path.exists(fx("x.svg")), "duplicate countries: %r" % err)

# suggestion: bars of a record list in rank order (ties in list order),
# by score when the records have no rank.  The top 12 of 2020, reversed.
recs = ",".join("{iso3 = '%s', country = '%s', score = %s, rank = %d}" % (r["iso3"], r["iso3"], r["sum"], R20[r["iso3"]])
                for r in reversed(TOP20[:12]))
want = [r["iso3"] for r in sorted(reversed(TOP20[:12]), key=lambda r: R20[r["iso3"]])]
rc, out, err = run(["--plot", fx("rl.svg"), "--quiet"], "return {%s}" % recs, name="rl.lua")
labels = sorted(texts(svg(fx("rl.svg")), "label"), key=lambda t: float(t.get("y"))) if rc == 0 else []
check([t.text for t in labels] == want, "bars of a reversed record list: in rank order: %r" % [t.text for t in labels])
norank = ",".join("{iso3 = 'C%d', score = %d}" % (i, s_) for i, s_ in enumerate([3, 9, 5, 9, 1]))
rc, out, err = run(["--plot", fx("rl.svg"), "--quiet"], "return {%s}" % norank, name="rl.lua")
labels = sorted(texts(svg(fx("rl.svg")), "label"), key=lambda t: float(t.get("y"))) if rc == 0 else []
check([t.text for t in labels] == ["C1", "C3", "C2", "C0", "C4"], "bars without ranks: by score, ties in list order")

# finding 13: a slope chart 2014 -> 2020 names the top-30 countries ranked
# in one edition only; worked out here from the two CSVs
D14 = load("data/gci2014.csv")
R14 = dense(D14, "score", 3)
one = sorted([(R14[i], 0, NAME20.get(i) or next(r["country"] for r in D14 if r["iso3"] == i), "2014")
              for i in R14 if i not in P20 and R14[i] <= 30]
             + [(P20[i], 1, NAME20[i], "2020") for i in P20 if i not in R14 and P20[i] <= 30])
rc, out, err = run(["--plot", fx("s1420.svg"), "--quiet"],
                   "return gci.compare(gci.load('data/gci2014.csv'):column('score', {digits = 3}), "
                   "gci.load('data/gci2020.csv'):column('score'))", name="s1420.lua")
foot = texts(svg(fx("s1420.svg")), "footnote") if rc == 0 else []
check(any(n == NAME20["CAN"] for _, _, n, _ in one), "Canada is ranked in 2020's top 30 but not in 2014 (%r)" % one[:3])
if foot:
    m_ = re.fullmatch(r"Not shown, ranked on one side only: (.*?)(?:,? and (\d+) more)?", foot[0].text)
    # the sides are the editions compared (the files' names), not "before"/"after"
    named = re.findall(r"(?:^|, )(.+?) \((gci2020|gci2014): (\d+)\)", m_.group(1)) if m_ else []
    got = [(int(r_), n) for n, _, r_ in named]
    more = int(m_.group(2)) if m_ and m_.group(2) else 0
    check(m_ and got == [(r_, n) for r_, _, n, _ in one[:len(got)]] and len(got) + more == len(one) and got,
          "slope 2014 -> 2020: footnote names the one-sided countries by rank: %r" % foot[0].text)
else:
    check(False, "slope 2014 -> 2020: a footnote: %d %r" % (rc, err))

# finding 14: nothing cut at the edges.  Text widths from the font itself:
# DejaVu Sans's advance widths (its hmtx table, through its cmap), the
# metrics cairo lays out with (unhinted, no kerning in its toy API).
def font(bold):
    path = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans" + (":bold" if bold else "")],
                          capture_output=True, text=True).stdout
    data = open(path, "rb").read()
    ntab = struct.unpack(">H", data[4:6])[0]
    tab = {}
    for i in range(ntab):
        tag, _, off, ln = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tab[tag.decode()] = off
    upem = struct.unpack(">H", data[tab["head"] + 18:tab["head"] + 20])[0]
    nh = struct.unpack(">H", data[tab["hhea"] + 34:tab["hhea"] + 36])[0]
    adv = [struct.unpack(">H", data[tab["hmtx"] + 4 * i:tab["hmtx"] + 4 * i + 2])[0] for i in range(nh)]
    c = tab["cmap"]
    n = struct.unpack(">H", data[c + 2:c + 4])[0]
    cmap = {}
    for i in range(n):
        pid, eid, off = struct.unpack(">HHI", data[c + 4 + 8 * i:c + 12 + 8 * i])
        st = c + off
        if pid == 3 and eid == 1 and struct.unpack(">H", data[st:st + 2])[0] == 4:
            seg = struct.unpack(">H", data[st + 6:st + 8])[0] // 2
            ends = struct.unpack(">%dH" % seg, data[st + 14:st + 14 + 2 * seg])
            p = st + 16 + 2 * seg
            starts = struct.unpack(">%dH" % seg, data[p:p + 2 * seg])
            deltas = struct.unpack(">%dh" % seg, data[p + 2 * seg:p + 4 * seg])
            ro = p + 4 * seg
            offs = struct.unpack(">%dH" % seg, data[ro:ro + 2 * seg])
            for k in range(seg):
                for ch in range(starts[k], min(ends[k], 0xfffe) + 1):
                    if offs[k] == 0:
                        g = (ch + deltas[k]) & 0xffff
                    else:
                        a = ro + 2 * k + offs[k] + 2 * (ch - starts[k])
                        g = struct.unpack(">H", data[a:a + 2])[0]
                        g = (g + deltas[k]) & 0xffff if g else 0
                    cmap[ch] = g
    return upem, adv, cmap


FONT = {b: font(b) for b in (0, 1)}


def text_width(text, size, bold=False):
    upem, adv, cmap = FONT[1 if bold else 0]
    return sum(adv[min(cmap.get(ord(ch), 0), len(adv) - 1)] for ch in text) * size / upem


def outside(root):
    """The texts of an SVG whose extent is not within [0, width]."""
    w, bad = float(root.get("width")), []
    for t in texts(root):
        tw = text_width(t.text or "", float(t.get("font-size")), t.get("font-weight") == "bold")
        a = t.get("text-anchor", "start")
        left = float(t.get("x")) - (tw / 2 if a == "middle" else tw if a == "end" else 0)
        if left < -0.01 or left + tw > w + 0.01:
            bad.append((t.get("class"), t.text, round(left, 1), round(left + tw, 1)))
    return bad


LONG = "The Extraordinarily Long-Named Republic of Somewhere Far Away and Its Dependencies"
with open(fx("one.csv"), "w") as f:
    f.write("iso3,country,score\nAAA,%s,5000000\n" % LONG)
title = "A title far too long to fit across the top of a chart even at a smaller size, " * 3
cases = [("slope", "gci.compare(d:column('score'), d:column('score'))", "before = 'edition of 2014, published', after = 'edition of 2020, published'"),
         ("bars", "{{iso3 = 'AAA', country = %r, score = 5000000, rank = 1}, {iso3 = 'BBB', score = -2500000, rank = 2}}"
          % LONG, ""),
         ("intervals", "{{iso3 = 'AAA', country = %r, nominal = 1, median = 1, p05 = 1, p95 = 1}}" % LONG, ""),
         ("profile", "gci.load('data/gci2020.csv')", "countries = {'VNM', 'SWE', 'KOR', 'USA', 'GBR', 'FRA', 'DEU', 'CIV'}")]
for kind, value, opts in cases:
    for width in (420, 900):
        script = ("local d = gci.load(%r)\ngci.plot(%s, %r, {width = %d, title = %r, %s})\nreturn 1"
                  % (fx("one.csv"), value, fx("clip.svg"), width, title, opts))
        rc, out, err = run(["--allow-write", FIX, "--allow-read", FIX], script, name="clip.lua")
        root = svg(fx("clip.svg")) if rc == 0 else None
        bad = outside(root) if root is not None else ["no chart: %r" % err]
        check(not bad, "%s at width %d: every text within the image: %r" % (kind, width, bad[:3]))
        if root is not None and kind == "bars":
            check(any(t.text == "5000000.00" for t in texts(root, "value")), "bars: the value 5000000.00 is shown")
        if root is not None and kind == "slope":
            hy = [float(t.get("y")) for t in texts(root, "header")]
            ly = [float(t.get("y")) for t in texts(root, "legend")]
            check(hy and ly and min(hy) - max(ly) >= 12, "slope: headers on a row below the legend: %r %r" % (hy, ly))
        if os.path.exists(fx("clip.svg")):
            os.remove(fx("clip.svg"))

# ---------- errors ----------
old = os.path.join(OUT, "old.svg")
with open(old, "w") as f:
    f.write("old")
before = sorted(os.listdir(OUT))

rc, out, err = run(["run", "scripts/editions.lua", "--plot", os.path.join(OUT, "x.jpg")])
check(rc == 64 and ".png, .svg or .pdf" in err, "--plot x.jpg: usage error naming the formats: %r" % err)
rc, out, err = run(["run", "scripts/editions.lua", "--plot", old, "--plot-type", "pie"])
check(rc == 64 and "pie" in err, "--plot-type pie: usage error")
rc, out, err = run(["run", "scripts/editions.lua", "--plot-type", "bars"])
check(rc == 64, "--plot-type without --plot: usage error")
rc, out, err = run(["--plot", old], "return 'hello'", name="str.lua")
check(rc == 1 and "cannot plot a string" in err and open(old).read() == "old",
      "--plot of a string: error, the existing file untouched: %r" % err)
rc, out, err = run(["--plot", old, "--plot-type", "profile"], "return gci.load('data/gci2020.csv')", name="p.lua")
check(rc == 1 and "countries" in err and open(old).read() == "old", "--plot of a dataset needs countries: %r" % err)
rc, out, err = run(["--plot", os.path.join(OUT, "nodir", "x.svg")], "return gci.load('data/gci2020.csv'):score()",
                   name="nd.lua")
check(rc == 73 and "cannot write" in err, "--plot into a missing directory: exit 73: %r" % err)

# A PNG's raster (20000 x 20000 pixels x 4 bytes = 1.6 GB) counts against
# --max-memory: it once took 1.5 GB and a minute under a 64M limit.  An SVG
# of the same size has no raster and stays within it.
big = "gci.plot(gci.load('data/gci2020.csv'):score(), arg[1], {width = 20000, height = 20000})\nreturn 1\n"
t0 = time.time()
rc, out, err = run([os.path.join(OUT, "big.png"), "--allow-write", OUT, "--max-memory", "64M"], big, name="big.lua")
check(rc == 81 and "big.lua:1: gci.plot: memory limit" in err and time.time() - t0 < 10
      and not os.path.exists(os.path.join(OUT, "big.png")), "a 20000 x 20000 PNG passes a 64M limit: %d %r" % (rc, err))
rc, out, err = run([os.path.join(OUT, "big.svg"), "--allow-write", OUT, "--max-memory", "64M"], big, name="big.lua")
check(rc == 0 and svg(os.path.join(OUT, "big.svg")).get("width") == "20000", "the same size as SVG: %d %r" % (rc, err))
os.remove(os.path.join(OUT, "big.svg"))

# gci.plot: the sandbox decides where it may write
rc, out, err = run([], "gci.plot(gci.load('data/gci2020.csv'):score(), '%s/r.svg')" % OUT, name="nowrite.lua")
check(rc == 1 and "nowrite.lua:1: gci.plot:" in err and "refused" in err and "--allow-write" in err
      and not os.path.exists(os.path.join(OUT, "r.svg")), "gci.plot without --allow-write: refused: %r" % err)
rc, out, err = run(["--trusted"], "gci.plot(gci.load('data/gci2020.csv'):score(), '%s/t.svg')" % OUT,
                   name="trusted.lua")
check(rc == 0 and os.path.exists(os.path.join(OUT, "t.svg")), "gci.plot with --trusted: written: %r" % err)
os.remove(os.path.join(OUT, "t.svg"))

bad = [
    ("'%s/x.jpg'" % OUT, "{}", ".png, .svg or .pdf"),
    ("'%s'" % old, "{width = 'wide'}", "option 'width' must be a whole number"),
    ("'%s'" % old, "{height = 10}", "option 'height' must be from 50 to 20000"),
    ("'%s'" % old, "{type = 'pie'}", "unknown chart type 'pie'"),
    ("'%s'" % old, "{colour = 'red'}", "unknown option 'colour'"),
    ("'%s'" % old, "{top = 0}", "option 'top' must be a whole number"),
    ("'%s'" % old, "{countries = {'XXX'}}", "unknown country 'XXX'"),
    ("'%s'" % old, "{type = 'slope'}", "a slope chart needs a comparison"),
    ("'%s'" % old, "{type = 'intervals'}", "an uncertainty result"),
]
for path, opts, msg in bad:
    script = "local r = gci.load('data/gci2020.csv'):score()\n\ngci.plot(r, %s, %s)\n" % (path, opts)
    rc, out, err = run(["--allow-write", OUT], script, name="bad.lua")
    check(rc == 1 and "bad.lua:3: gci.plot: " in err and msg in err, "gci.plot %s: %r in %r" % (opts, msg, err))
for value, msg in (("42", "cannot plot a number"), ("{1, 2}", "cannot plot this table"),
                   ("gci.load('data/gci2020.csv')", "opts.countries")):
    rc, out, err = run(["--allow-write", OUT], "gci.plot(%s, '%s')" % (value, old), name="bad.lua")
    check(rc == 1 and "bad.lua:1: gci.plot: " in err and msg in err, "gci.plot(%s): %r in %r" % (value, msg, err))
check(open(old).read() == "old", "after every error the existing file is untouched")
check(sorted(os.listdir(OUT)) == before, "no temporary or partial file left behind: %r"
      % sorted(set(os.listdir(OUT)) ^ set(before)))

# ---- issue 13 point 8: the slope chart's rank breaks, titles and labels from the data ----
# editions.lua compares GCI 2018 (3 decimals) and 2020; the chart shows the
# top 30 of either side with both ranks.  The ranks that occur, from the
# CSVs; every skipped range between two of them is a break, marked on both
# axes with "a \u2026 b" (e.g. Georgia: 18 in 2018, 55 in 2020).
sb = fx("breaks.svg")
rc, out, err = run(["run", "scripts/editions.lua", "--quiet", "--plot", sb])
root = svg(sb) if rc == 0 else None
occ = sorted({R18[i] for i in sel} | {P20[i] for i in sel})
want_breaks = sorted(["%d \u2026 %d" % (a, b) for a, b in zip(occ, occ[1:]) if b - a > 1] * 2)
check(R18.get("GEO") == 18 and P20.get("GEO") == 55, "Georgia: 18 in 2018, 55 in 2020 (the CSVs)")
check("50 \u2026 55" in want_breaks, "a break just above 55 is expected: %r" % want_breaks)
got_breaks = sorted(t.text for t in texts(root, "break-rank")) if root is not None else []
check(rc == 0 and got_breaks == want_breaks, "slope: every rank break marked on both axes: %r, want %r" % (got_breaks, want_breaks))
marks = [e for e in root.iter() if e.get("class") == "break" and e.tag.endswith("line")] if root is not None else []
check(len(marks) == 2 * len(want_breaks), "two slashes per break mark: %d lines for %d marks" % (len(marks), len(want_breaks)))
# the sides and the title name the editions (the files), not before/after
check(root is not None and [t.text for t in texts(root, "header")] == ["gci2018", "gci2020"],
      "slope headers are the editions: %r" % ([t.text for t in texts(root, "header")] if root is not None else err))
title = [t.text for t in texts(root, "title")] if root is not None else []
check(title == ["Ranks from gci2018 to gci2020: the top 30 of either"], "slope title from the data: %r" % title)
check(root is not None and len(texts(root, "axis-title")) == 2, "both rank axes are labelled")
# ... unless --plot-before/--plot-after (and --plot-title) say otherwise
rc, out, err = run(["run", "scripts/editions.lua", "--quiet", "--plot", sb, "--plot-before", "GCI 2018",
                    "--plot-after=GCI 2020"])
root = svg(sb) if rc == 0 else None
check(root is not None and [t.text for t in texts(root, "header")] == ["GCI 2018", "GCI 2020"]
      and [t.text for t in texts(root, "title")] == ["Ranks from GCI 2018 to GCI 2020: the top 30 of either"],
      "--plot-before/--plot-after name the sides: %r" % (err,))
rc, out, err = run(["run", "scripts/editions.lua", "--plot-before", "x"])
check(rc == 64 and "--plot-before needs --plot" in err, "--plot-before without --plot: %d %r" % (rc, err))
# the movers of a comparison keep its editions (scripts/charts/slope.lua returns c:movers())
rc, out, err = run(["--plot", sb, "--quiet"], "local c = gci.compare(gci.load('data/gci2018.csv'):column('score', "
                   "{digits = 3}), gci.load('data/gci2020.csv'):column('score')) return c:movers()", name="mv.lua")
root = svg(sb) if rc == 0 else None
check(root is not None and [t.text for t in texts(root, "header")] == ["gci2018", "gci2020"], "movers keep the editions: %r" % err)
# one dataset on both sides (a scenario): the file, marked before and after
rc, out, err = run(["--plot", sb, "--quiet"], "local d = gci.load('data/gci2020.csv') return gci.compare(d:score(), "
                   "d:with{VNM = {technical = 20}}:score())", name="sc.lua")
root = svg(sb) if rc == 0 else None
check(root is not None and [t.text for t in texts(root, "header")] == ["gci2020 (before)", "gci2020 (after)"],
      "a scenario's sides: %r" % ([t.text for t in texts(root, "header")] if root is not None else err))
# every chart --plot makes has a title, and labelled axes
cases = [("bars", ["run", "scripts/gci2020.lua", "--plot-top", "10"], "Scores: the top 10", "score"),
         ("intervals", ["run", "scripts/uncertainty.lua", "200", "--quiet", "--plot-top", "25"],
          "Rank uncertainty over random weightings: 25 of 194 countries", "rank (1 = best)"),
         ("profile", ["run", fx("ds.lua"), "--plot-countries", "VNM,SWE"], "Pillar profile of VNM, SWE (gci2020)", "pillar value")]
with open(fx("ds.lua"), "w") as f:
    f.write('return gci.load("data/gci2020.csv")\n')
for kind, args, want_title, want_axis in cases:
    f_ = fx("t_%s.svg" % kind)
    rc, out, err = run(args + ["--plot", f_])
    root = svg(f_) if rc == 0 else None
    got = [t.text for t in texts(root, "title")] if root is not None else err
    check(got == [want_title], "%s: a title from the data: %r" % (kind, got))
    axes = [t.text for t in texts(root, "axis-title")] if root is not None else []
    check(want_axis in axes, "%s: axis labelled %r: %r" % (kind, want_axis, axes))

done()
