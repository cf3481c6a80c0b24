-- os.getenv leaks the environment (tokens, paths).
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (field 'getenv')
return os.getenv("HOME")
