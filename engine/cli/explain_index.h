/* explain_index.h - `gcisim explain --index META.csv DATA.csv UNIT`: one
 * unit's report on an index (COINr iMeta + iData) computed through a
 * pipeline given as options (unitreport.h, unittable.h), printed like
 * `gcisim explain`'s table. */
#ifndef GS_EXPLAIN_INDEX_H
#define GS_EXPLAIN_INDEX_H
#include "dataset.h"

/* Runs the index form with the arguments after "explain" (--index among
 * them); returns the exit code (run.h): 0, 64 for a bad command line or an
 * unknown unit, 65 for bad metadata or data (or a pipeline that fails on
 * them), 73 when --out cannot be written, 81 out of memory. */
int gs_explain_index_main(int argc, char **argv);

/* The row of the unit code typed on explain's command line in d (read
 * from file): exact, else ignoring case when that is unambiguous (vnm
 * means VNM).  -1 after the usage error "explain: unknown NOUN 'code'"
 * and where the codes are. */
long gs_explain_find_unit(const gs_dataset *d, const char *code, const char *noun, const char *file);
#endif
