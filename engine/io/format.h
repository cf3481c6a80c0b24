/* format.h - output format names, numbers as the shortest exact text, and
 * strings as a CSV field or a JSON string (the one escaping every table,
 * summary and report gcisim writes uses).
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
#include <stdio.h>

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

/* Length of the valid UTF-8 sequence at s (at most n >= 1 bytes): 1 to 4,
 * or 0 when s starts no valid sequence (overlong, surrogate, > U+10FFFF,
 * truncated). */
size_t gs_utf8_len(const unsigned char *s, size_t n);

/* Writes s as an RFC 4180 CSV field: as it is, or quoted (quotes doubled)
 * when it holds a comma, a quote, CR or LF.  NULL writes nothing. */
void gs_csv_field(FILE *f, const char *s);

/* Writes s as a JSON string: quote and backslash escaped, \n \t \r, other
 * control characters as \u00XX, and each byte that starts no valid UTF-8
 * sequence as \ufffd (JSON text is UTF-8: the replacement character marks
 * what could not be carried). */
void gs_json_string(FILE *f, const char *s);
#endif
