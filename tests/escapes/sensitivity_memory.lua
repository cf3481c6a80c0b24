-- Class 7, memory C allocates for the script, unmetered: d:sensitivity
-- keeps n x (pillars + 2) model outputs and n indices per thread, so
-- n = 1e8 asked for gigabytes under --max-memory 64M (taken as the pages
-- were touched, until the timeout).  The core now charges them to
-- --max-memory before it allocates: the call fails at once.
-- args: --timeout 10 --max-memory 64M
-- exit: 81
-- error: {script}:9: memory limit: the script needed more than 64 MiB (--max-memory)
return gci.load("data/gci2020.csv"):sensitivity{n = 100000000, boot = 0}
