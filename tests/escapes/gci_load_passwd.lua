-- gci.load of an absolute path outside the allowed directories.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: gci.load: /etc/passwd: reading refused: outside the directories allowed ({root}/data, {root}/tests/escapes; see --allow-read)
return gci.load("/etc/passwd")
