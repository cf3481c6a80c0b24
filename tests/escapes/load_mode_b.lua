-- load with mode "b" would accept hand-made bytecode.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: load: only text chunks can be loaded in the sandbox (mode "t")
return load("\27Lua\84\0\25\147\13\10\26\10", "x", "b")
