/* explain_cmd.h - the `gcisim explain DATA.csv ISO3` command: one
 * country's score and rank explained (explain.h), printed like a script's
 * value (output.h). */
#ifndef GS_EXPLAIN_CMD_H
#define GS_EXPLAIN_CMD_H

/* Runs the command with the arguments after "explain"; returns the exit
 * code (run.h): 0, 64 for a bad command line or an unknown country, 65 for
 * a bad dataset, 73 when --out cannot be written. */
int gs_explain_main(int argc, char **argv);
#endif
