-- os.remove / os.rename / os.exit: os holds clock and time only.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (field 'remove')
return os.remove("/tmp/gcisim-victim")
