-- table.move over 2^40 slots runs in C, where no hook runs: the watchdog ends it.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: gcisim: timeout: the script ran longer than 1 s (--timeout) and was stopped
-- max-seconds: 8
return table.move({}, 1, 1 << 40, 1, {})
