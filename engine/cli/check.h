/* check.h - `gcisim check EXERCISE.lua`: grades a student's answers to an
 * exercise of scripts/teaching/.
 *
 * The student's file runs in the sandbox of `gcisim run`, with three
 * globals added: `exercise "ID"` names the exercise, `answers` is the
 * table the student fills, and `___` is the blank a template leaves to be
 * filled in.  The answer key of that exercise (a Lua script against the
 * gci API, scripts/teaching/keys/ID.lua, compiled into the binary, or
 * DIR/ID.lua under --keys DIR) then
 * runs in a fresh sandbox of its own and computes the reference answers
 * from the data; the two are compared answer by answer, with a hint for
 * the likely mistake.  The key format is described in
 * scripts/teaching/README.md. */
#ifndef GS_CHECK_H
#define GS_CHECK_H
#include <stddef.h>

/* An answer key compiled in: its exercise id and its Lua source (static
 * storage, not NUL-terminated in general: use len). */
typedef struct {
  const char *id;
  const char *src;
  size_t len;
} gs_check_key;

/* The compiled-in keys, ended by an entry whose id is NULL; generated at
 * build time from scripts/teaching/keys/ (engine/embed_keys.sh) and linked
 * into the gcisim binary only, which hands them to gs_check_main: so the
 * rest of the engine (the library, fuzzers, a Lua module) links without
 * them. */
extern const gs_check_key gs_check_keys[];

/* Runs `gcisim check` with the arguments after "check", grading against
 * `keys` (borrowed, ended by a NULL id); returns the exit code: 0 every
 * answer right, 1 some answer wrong or blank (or a script error), 64
 * usage, 65 data error, 80-82 limits (run.h); --expect ID makes a file
 * declaring another exercise a script error (1). */
int gs_check_main(int argc, char **argv, const gs_check_key *keys);
#endif
