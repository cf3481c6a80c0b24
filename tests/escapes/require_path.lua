-- require of a Lua file on package.path (escape_helper.lua sits beside
-- this script): only the preloaded gci can be required.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:6: module 'escape_helper' not found: only 'gci' can be required in the sandbox
return require("escape_helper")
