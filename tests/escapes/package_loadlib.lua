-- Redis CVE-2022-0543: package.loadlib opens any shared library.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to index a nil value (global 'package')
local f = package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")
return f("id")
