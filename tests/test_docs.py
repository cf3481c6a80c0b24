"""Every example in README.md and docs/*.md runs and prints what it shows.

The convention (shared by everyone writing docs):
  ```lua     a runnable script: written to a file and run as
             `gcisim run FILE` from the repository root (sandboxed); it must
             exit 0.  If the fenced block right after it is ```output, the
             script's stdout must equal that block (trailing spaces and
             trailing blank lines ignored).
             A script whose first line is `-- docs: allow-write` may write
             files: it runs with `--allow-write .` in a fresh temporary
             directory instead, so its relative output paths land there,
             and GCISIM_DATADIR set to the repository so that its relative
             data paths ("data/gci2020.csv") still resolve (see README,
             Install: the data directory).
  ```sh      each line starting with `$ ` is a shell command (a line ending
             in a backslash continues on the next), run by /bin/sh from the
             repository root with the gcisim under test first on PATH and
             TMPDIR set to a fresh directory; it must exit 0, and its stdout
             must be exactly the lines after it up to the next `$ ` line
             (none: no output).
  other      (```text, ```console, ```lua-fragment, ```ini, ...) not run.
A fence without an info string, a ```sh block without a `$ ` command and an
```output block that does not follow a ```lua block are errors: say what
the block is.  Failures name the block as FILE:LINE (the opening fence).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from gstest import GCISIM, TMP, check, done  # noqa: E402

REPO = os.getcwd()
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
NOT_RUN = "not run"


def blocks(path):
    """Yields (line, info, text) for every fenced block of a Markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        start = i + 1
        body = []
        i += 1
        while i < len(lines):
            s = lines[i].lstrip()
            if s.startswith(fence[0] * len(fence)) and s.strip(fence[0]) == "":
                break
            ln = lines[i]
            body.append(ln[indent:] if ln[:indent].strip() == "" else ln.lstrip())
            i += 1
        yield start, info, "\n".join(body) + "\n"
        i += 1


def norm(s):
    return "\n".join(ln.rstrip() for ln in s.rstrip().split("\n")).strip("\n")


def tmpdir():
    return tempfile.mkdtemp(dir=TMP)


# The gcisim under test, callable by name from sh blocks: a wrapper, so
# that GCISIM=valgrind ... ./gcisim (make leakcheck) works there too.
BINDIR = os.path.join(TMP, "bin")
os.makedirs(BINDIR)
wrapper = os.path.join(BINDIR, "gcisim")
GCIBIN = GCISIM[:-1] + [os.path.abspath(GCISIM[-1])]
with open(wrapper, "w") as f:
    f.write("#!/bin/sh\nexec %s \"$@\"\n" % " ".join("'%s'" % a for a in GCIBIN))
os.chmod(wrapper, 0o755)


def run_lua(where, text, expected):
    d = tmpdir()
    script = os.path.join(d, "example.lua")
    with open(script, "w") as f:
        f.write(text)
    env = dict(os.environ)
    env.pop("GCISIM_DATADIR", None)
    args, cwd = ["run", script], REPO
    if os.environ.get("VALGRIND"):
        # valgrind runs a script some 50 times slower: the robustness
        # example alone then nears the default 10 s limit.
        args += ["--timeout", "600"]
    if text.startswith("-- docs: allow-write"):
        args += ["--allow-write", "."]
        cwd = d
        env["GCISIM_DATADIR"] = REPO
    p = subprocess.run(GCIBIN + args, capture_output=True, text=True, cwd=cwd, env=env, timeout=900)
    check(p.returncode == 0, "%s: ```lua block exits %d: %s" % (where, p.returncode, p.stderr.strip()[:500]))
    if expected is not None and p.returncode == 0:
        ok = norm(p.stdout) == norm(expected)
        if not ok:
            diff = [(a, b) for a, b in zip(norm(p.stdout).split("\n"), norm(expected).split("\n")) if a != b][:3]
            print("# %s: stdout:\n%s" % (where, p.stdout.rstrip()))
        check(ok, "%s: ```lua output differs from its ```output block (got, want): %s" % (where, diff if not ok else ""))


def run_sh(where, text):
    cmds = []  # (command, expected lines)
    cur = None
    cont = False
    for ln in text.rstrip("\n").split("\n"):
        if cont:
            cur[0] += "\n" + ln
            cont = ln.endswith("\\")
        elif ln.startswith("$ "):
            cur = [ln[2:], []]
            cmds.append(cur)
            cont = ln.endswith("\\")
        elif cur is not None:
            cur[1].append(ln)
    if not cmds:
        check(False, "%s: ```sh block without a `$ ` command (use ```console or ```text if it is not meant to run)" % where)
        return
    env = dict(os.environ)
    env.pop("GCISIM_DATADIR", None)
    env["PATH"] = BINDIR + os.pathsep + env.get("PATH", "")
    env["TMPDIR"] = tmpdir()
    for cmd, want in cmds:
        p = subprocess.run(["/bin/sh", "-c", cmd], capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
        check(p.returncode == 0, "%s: `$ %s` exits %d: %s" % (where, cmd, p.returncode, p.stderr.strip()[:500]))
        if p.returncode != 0:
            continue
        want_s = "\n".join(want).rstrip("\n")
        got_s = p.stdout.rstrip("\n")
        if got_s != want_s:
            print("# %s: `$ %s` printed:\n%s" % (where, cmd, p.stdout.rstrip()))
        check(got_s == want_s, "%s: `$ %s` prints what the block shows" % (where, cmd))


# The README shows the Lua module from the repository (`LUA_CPATH='./?.so'
# lua5.4`, "after make"): build it, without the outer make's flags, which
# under `make asan` would instrument it beyond what lua5.4 can load.
# (make also exports the variables the outer make was given on its command
# line, `make asan`'s CC, OPT and LDFLAGS among them: drop those too)
env = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CC", "OPT", "CFLAGS", "LDFLAGS")}
p = subprocess.run(["make", "-s", "lua-module"], capture_output=True, text=True, env=env)
check(p.returncode == 0, "make lua-module: %s" % (p.stdout + p.stderr).strip()[-500:])

files = ["README.md"] + sorted(glob.glob("docs/*.md"))
counts = {"lua": 0, "sh": 0, "output": 0, NOT_RUN: 0}
for path in files:
    bl = list(blocks(path))
    for k, (line, info, text) in enumerate(bl):
        where = "%s:%d" % (path, line)
        nxt = bl[k + 1] if k + 1 < len(bl) else None
        if info == "lua":
            counts["lua"] += 1
            expected = nxt[2] if nxt and nxt[1] == "output" else None
            run_lua(where, text, expected)
        elif info == "sh":
            counts["sh"] += 1
            run_sh(where, text)
        elif info == "output":
            counts["output"] += 1
            prev = bl[k - 1] if k else None
            check(prev is not None and prev[1] == "lua", "%s: ```output block not right after a ```lua block" % where)
        elif info == "":
            check(False, "%s: fenced block without an info string (lua, sh, output, text, console, ...)" % where)
        else:
            counts[NOT_RUN] += 1
print("# docs: %d files, %d lua blocks (%d with output), %d sh blocks, %d not run"
      % (len(files), counts["lua"], counts["output"], counts["sh"], counts[NOT_RUN]))
check(counts["lua"] > 0, "the docs hold runnable ```lua examples")
done()
