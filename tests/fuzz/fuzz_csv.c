/* fuzz_csv.c - libFuzzer harness for the strict CSV loader.
 *
 * Feeds arbitrary bytes to gs_load_csv_mem, with the default options and,
 * chosen by the first byte, with custom key/name/pillar options, and checks
 * the loader's contract: a dataset or NULL with a "name:line:col: " message,
 * never both, never a crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvload.h"
#include "dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const pil[] = {"a", "b", "legal"};
  gs_load_opts custom = {.key_col = "code", .name_col = "label", .pillars = pil, .npillars = 3,
                         .pmin = -1, .pmax = 1, .has_range = 1};
  const gs_load_opts *o = NULL;
  if (size > 0 && data[0] == '#') { o = &custom; data++; size--; } /* '#' first: the custom options */
  char err[1024];
  gs_dataset *d = gs_load_csv_mem("fuzz.csv", (const char *)data, size, o, err, sizeof err);
  if (d) {
    if (err[0]) abort(); /* success leaves no message */
    for (size_t r = 0; r < d->n; r++)
      if (!d->key[r] || !d->key[r][0] || !d->name[r]) abort();
    gs_dataset_free(d);
  } else {
    if (strncmp(err, "fuzz.csv:", 9) != 0) abort(); /* every failure says where */
  }
  return 0;
}
