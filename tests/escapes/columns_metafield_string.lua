-- Class 3, a metafield trusted without a type check: the printer read
-- __columns with luaL_getmetafield and walked it with lua_rawgeti as if it
-- were a table; a string there segfaulted (short strings printed other
-- heap objects).  Every metafield is now type-checked before use.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: cannot print: __columns must be a list of column names, not a string
return setmetatable({{iso3 = "X"}}, {__columns = string.rep("A", 64)})
