-- os.execute runs a shell command.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (field 'execute')
return os.execute("touch /tmp/gcisim-escaped")
