-- gci.load through "..": canonical paths cannot lead out of data/.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: gci.load: data/../../../../../../../etc/passwd: reading refused: outside the directories allowed ({root}/data, {root}/tests/escapes; see --allow-read)
return gci.load("data/../../../../../../../etc/passwd")
