-- string.rep asks for 1 GiB in one allocation.
-- args: --timeout 10 --max-memory 64M
-- exit: 81
-- error: {script}: memory limit: the script needed more than 64 MiB (--max-memory)
return #string.rep("x", 1 << 30)
