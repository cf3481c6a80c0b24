-- Not an attack: the module require_path.lua tries to load. If it ever
-- runs, it returns a marker the battery would see.
return "escaped"
