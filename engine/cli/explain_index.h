/* explain_index.h - `gcisim explain --index META.csv DATA.csv UNIT`: one
 * unit's report on an index (COINr iMeta + iData) computed through a
 * pipeline given as options (unitreport.h, unittable.h), printed like
 * `gcisim explain`'s table. */
#ifndef GS_EXPLAIN_INDEX_H
#define GS_EXPLAIN_INDEX_H

/* Runs the index form with the arguments after "explain" (--index among
 * them); returns the exit code (run.h): 0, 64 for a bad command line or an
 * unknown unit, 65 for bad metadata or data (or a pipeline that fails on
 * them), 73 when --out cannot be written, 81 out of memory. */
int gs_explain_index_main(int argc, char **argv);
#endif
