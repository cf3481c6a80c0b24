/* policy.h - which files a script may read or write.
 *
 * A policy is a list of directories, each stored as its canonical path
 * (realpath).  A file is inside when its own canonical path lies under one
 * of them, so "..", symbolic links and doubled slashes cannot lead out.
 * The policy owns its strings; gs_policy_free accepts NULL. */
#ifndef GS_POLICY_H
#define GS_POLICY_H
#include <stddef.h>
#include <stdio.h>

typedef struct gs_policy gs_policy;

gs_policy *gs_policy_new(void);
void gs_policy_free(gs_policy *p);

/* Allows reading (write = 0) or writing (write = 1) under dir.  Returns 0,
 * or -1 when dir does not exist (message in err). */
int gs_policy_allow(gs_policy *p, const char *dir, int write, char *err, size_t errlen);

/* Lifts every restriction (trusted mode). */
void gs_policy_trust(gs_policy *p);

/* Checks that `path` may be read (an existing file) or written (its
 * directory exists).  Returns 0, or -1 with a message naming the path and
 * the allowed directories. */
int gs_policy_check(const gs_policy *p, const char *path, int write, char *err, size_t errlen);

/* Opens `path` for reading if the policy allows it, and checks the file
 * actually opened (through /proc/self/fd), so that a link swapped between
 * the check and the open cannot lead out; FIFOs and devices are refused
 * without blocking.  Returns the stream (the caller closes it), or NULL
 * with a message in err. */
FILE *gs_policy_open_read(const gs_policy *p, const char *path, char *err, size_t errlen);
/* It is THE way a file a script names is opened (sandbox rule: one open
 * helper).  p may be NULL (no policy, as in gci.so under stock lua5.4):
 * any path then, but still only a regular file, opened without blocking. */

/* The whole file at path, opened by gs_policy_open_read: a malloc'd buffer
 * (the caller frees it) of *len bytes plus a NUL, or NULL with a message in
 * err when refused, unreadable or larger than max bytes. */
char *gs_policy_read_file(const gs_policy *p, const char *path, size_t max, size_t *len, char *err,
                          size_t errlen);

#endif
