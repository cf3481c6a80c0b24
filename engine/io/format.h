/* format.h - output format names, and numbers as the shortest exact text.
 *
 * Formats:
 *   table  aligned columns for people (at most 4 decimals)
 *   csv    RFC 4180, full precision (shortest text that reads back exactly)
 *   json   an array of objects, full precision, missing values null
 *   md     a Markdown table
 *   tsv    tab-separated values, full precision, a header line; a tab, a
 *          newline, a carriage return or a backslash inside a field is
 *          written as \t, \n, \r or \\ (so every line is one record) */
#ifndef GS_FORMAT_H
#define GS_FORMAT_H
#include <stddef.h>

typedef enum { GS_FMT_TABLE, GS_FMT_CSV, GS_FMT_JSON, GS_FMT_MD, GS_FMT_TSV } gs_format;

/* The format names, for messages: "table, csv, json, md or tsv". */
#define GS_FORMAT_NAMES "table, csv, json, md or tsv"
#define GS_FORMAT_EXTENSIONS "csv, .json, .md, .tsv or .table"

/* Parses a format name; -1 if unknown. */
int gs_format_parse(const char *name);

/* The format a file name's extension names, in any case ("out.csv" and
 * "OUT.CSV" -> csv); -1 when the file name (its last path component) has
 * no extension, -2 when the extension names no format. */
int gs_format_of_path(const char *path);

/* The format a file name's extension names, or def when it names none. */
gs_format gs_format_for_path(const char *path, gs_format def);

/* Formats a number as the shortest decimal text that reads back as the same
 * double (integers without a decimal point) into buf. */
void gs_format_number(double v, char *buf, size_t len);
#endif
