/* format.h - output format names, and numbers as the shortest exact text.
 *
 * Formats:
 *   table  aligned columns for people (at most 4 decimals)
 *   csv    RFC 4180, full precision (shortest text that reads back exactly)
 *   json   an array of objects, full precision, missing values null
 *   md     a Markdown table */
#ifndef GS_FORMAT_H
#define GS_FORMAT_H
#include <stddef.h>

typedef enum { GS_FMT_TABLE, GS_FMT_CSV, GS_FMT_JSON, GS_FMT_MD } gs_format;

/* Parses a format name; -1 if unknown. */
int gs_format_parse(const char *name);

/* The format a file name's extension names ("out.csv" -> csv), or def. */
gs_format gs_format_for_path(const char *path, gs_format def);

/* Formats a number as the shortest decimal text that reads back as the same
 * double (integers without a decimal point) into buf. */
void gs_format_number(double v, char *buf, size_t len);
#endif
