-- io.open: there is no io library.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to index a nil value (global 'io')
return io.open("/etc/passwd"):read("a")
