-- dofile runs any file as Lua (and would reveal its first line in the error).
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (global 'dofile')
return dofile("/etc/passwd")
