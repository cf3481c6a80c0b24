-- loadfile reads any file.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (global 'loadfile')
return loadfile("/etc/passwd")
