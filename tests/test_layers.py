"""The engine's layers (doc/ARCHITECTURE.md): each source file includes only
headers of its own layer or of the layers below it, and engine/core and
engine/io include neither Lua nor cairo.  The include graph is read from
the sources here, and engine/core is compiled with no include path but its
own (no pkg-config flags), so a Lua or cairo header there fails to build.
"""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from gstest import TMP, check, done  # noqa: E402

LAYERS = ["core", "io", "chart", "lua", "cli"]
FORBIDDEN = {  # system headers a layer must not use
    "core": re.compile(r"^(lua|lauxlib|lualib|cairo.*|editline/.*|histedit)\.h$"),
    "io": re.compile(r"^(lua|lauxlib|lualib|cairo.*|editline/.*|histedit)\.h$"),
    "chart": re.compile(r"^(lua|lauxlib|lualib|editline/.*|histedit)\.h$"),
    "lua": re.compile(r"^(editline/.*|histedit)\.h$"),
    "cli": None,
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

# Which layer owns each header name.
owner = {}
for layer in LAYERS:
    for h in glob.glob(f"engine/{layer}/*.h"):
        name = os.path.basename(h)
        check(name not in owner, f"{name} is in one layer only (also {owner.get(name)})")
        owner[name] = layer

files = 0
for i, layer in enumerate(LAYERS):
    allowed = set(LAYERS[: i + 1])
    for src in sorted(glob.glob(f"engine/{layer}/*.[ch]")):
        files += 1
        with open(src, encoding="utf-8") as f:
            text = f.read()
        for kind, name in INCLUDE.findall(text):
            if kind == '"':
                check(name in owner, f"{src}: includes \"{name}\", which no layer has")
                check(owner.get(name) in allowed,
                      f"{src}: {layer} includes \"{name}\" of layer {owner.get(name)} (above it)")
            else:
                bad = FORBIDDEN[layer]
                check(not (bad and bad.match(name)), f"{src}: {layer} includes <{name}>")
check(files >= 40, f"the engine has its sources in the layer folders ({files} files)")
check(not glob.glob("engine/*.c") and not glob.glob("engine/*.h"),
      "no source file outside a layer folder")

# engine/core builds with its own include path alone.
for src in sorted(glob.glob("engine/core/*.c")):
    p = subprocess.run(["cc", "-std=c17", "-D_POSIX_C_SOURCE=200809L", "-D_XOPEN_SOURCE=700",
                        "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-Iengine/core", src],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"{src} compiles without Lua or cairo: {p.stderr.strip()[:300]}")

# A deliberate violation is caught: a core file that includes lua.h.
bad = os.path.join(TMP, "bad.c")
with open(bad, "w") as f:
    f.write('#include <lua.h>\nint x;\n')
p = subprocess.run(["cc", "-fsyntax-only", "-Iengine/core", bad], capture_output=True, text=True)
check(p.returncode != 0, "the core include path alone does not find lua.h")
done()
