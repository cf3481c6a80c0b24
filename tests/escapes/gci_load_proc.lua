-- gci.load of /proc/self/environ (secrets in the environment).
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: gci.load: /proc/self/environ: reading refused: outside the directories allowed ({root}/data, {root}/tests/escapes; see --allow-read)
return gci.load("/proc/self/environ")
