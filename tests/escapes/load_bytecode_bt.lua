-- mode "bt" also opens the door to binary chunks.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: load: only text chunks can be loaded in the sandbox (mode "t")
return load("\27LuaT", "x", "bt")
