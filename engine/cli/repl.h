/* repl.h - `gcisim repl [DATA.csv]`: an interactive Lua prompt with the
 * gci module (and the dataset as the global `d`), line editing and history
 * through libedit on a terminal, plain line reading from a pipe.  Each
 * line runs in the sandbox of `gcisim run` under its limits, restarted
 * per line; errors and Ctrl-C end the line, not the session. */
#ifndef GS_REPL_H
#define GS_REPL_H

/* Runs the session with the arguments after "repl"; returns the exit code
 * (run.h): 0 at end of input (1 when stdin is not a terminal and a line
 * failed), 64 for a bad command line, 65 when DATA.csv does not load,
 * 80-82 when a limit stops its loading. */
int gs_repl_main(int argc, char **argv);
#endif
