/* batch_pool.c - running the jobs of `gcisim batch` (see batch_pool.h).
 *
 * A scheduler keeps up to -j children running.  Each child calls gs_run
 * directly (fork without exec: a job costs a fork, not a program start),
 * with stdout on /dev/null and stderr on a pipe whose first line becomes
 * the job's message.  A SIGCHLD handler and the SIGINT/SIGTERM/SIGHUP
 * handlers write to a self-pipe, so the parent sleeps in poll() and wakes
 * as soon as a child ends or a stop is asked. */
#include "batch_pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "format.h"

static int status_of_exit(int code) {
  switch (code) {
  case GS_EX_OK: return ST_OK;
  case GS_EX_SCRIPT: return ST_SCRIPT;
  case GS_EX_USAGE: return ST_USAGE;
  case GS_EX_DATA: return ST_DATA;
  case GS_EX_TIMEOUT: return ST_TIMEOUT;
  case GS_EX_MEMORY: return ST_MEMORY;
  case GS_EX_INSTR: return ST_INSTR;
  case GS_EX_OUTPUT: return ST_OUTPUT;
  case GS_EX_OUTLIMIT: return ST_OUTLIMIT;
  default: return ST_CRASHED;
  }
}

/* Removes NAME.tmp.XXXXXX files that a killed run left, for the files this
 * batch owns (results, sidecars, summaries); other files are not touched. */
int batch_clean_temporaries(batch *b) {
  batch_strset own;
  if (batch_strset_init(&own, b->n + 2)) return batch_oom();
  for (size_t i = 0; i < b->n; i++) batch_strset_find(&own, batch_base_of(b->jobs[i].result), 1);
  batch_strset_find(&own, "summary.csv", 1);
  batch_strset_find(&own, "summary.json", 1);
  DIR *d = opendir(b->outdir);
  if (!d) { free(own.slot); return batch_err("cannot read the output directory: %s", strerror(errno)); }
  struct dirent *e;
  char name[NAME_MAX + 1], path[PATH_MAX];
  while ((e = readdir(d))) {
    const char *t = strstr(e->d_name, ".tmp.");
    if (!t) continue;
    while (strstr(t + 1, ".tmp.")) t = strstr(t + 1, ".tmp.");
    if (strlen(t + 5) != 6) continue;
    size_t k = (size_t)(t - e->d_name);
    memcpy(name, e->d_name, k);
    name[k] = '\0';
    if (k > 5 && strcmp(name + k - 5, ".hash") == 0) name[k - 5] = '\0';
    if (!batch_strset_find(&own, name, 0)) continue;
    snprintf(path, sizeof path, "%s/%s", b->outdir, e->d_name);
    unlink(path);
  }
  closedir(d);
  free(own.slot);
  return 0;
}

/* A finished job's inputs hash lives in an extended attribute of its result
 * (user.gcisim.hash): no second file per job, which halves the files a
 * batch creates (creating files dominated the cost of small jobs).  Where
 * the file system has no extended attributes, a .hash sidecar file holds it. */
#define HASH_XATTR "user.gcisim.hash"

int batch_result_current(const batch_job *j) {
  char want[32], got[40];
  snprintf(want, sizeof want, "%016llx\n", (unsigned long long)j->hash);
  ssize_t x = getxattr(j->result, HASH_XATTR, got, sizeof got - 1);
  if (x >= 0) {
    got[x] = '\0';
    return strcmp(got, want) == 0;
  }
  int fd = open(j->sidecar, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t r = read(fd, got, sizeof got - 1);
  close(fd);
  if (r < 0) return 0;
  got[r] = '\0';
  struct stat st;
  return strcmp(got, want) == 0 && stat(j->result, &st) == 0 && S_ISREG(st.st_mode);
}

/* Removes the temporaries of a job that was killed. */
static void remove_job_temporaries(const batch_job *j) {
  const char *files[2] = {j->result, j->sidecar};
  for (int f = 0; f < 2; f++) {
    char pat[PATH_MAX + 16];
    snprintf(pat, sizeof pat, "%s.tmp.??????", files[f]);
    glob_t g;
    if (glob(pat, GLOB_NOESCAPE, NULL, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
    globfree(&g);
  }
}

/* ---------- signals ---------- */

static int self_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_sig;

static void wake(void) {
  int e = errno;
  ssize_t r = write(self_pipe[1], "x", 1);
  (void)r;
  errno = e;
}

static void on_stop(int sig) {
  if (!stop_sig) stop_sig = sig;
  wake();
}

static void on_child(int sig) {
  (void)sig;
  wake();
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void set_handlers(int install) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
    sa.sa_handler = install ? on_stop : SIG_DFL;
    sigaction(stop_signals[i], &sa, NULL);
  }
  sa.sa_handler = install ? on_child : SIG_DFL;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = install ? SIG_IGN : SIG_DFL;
  sa.sa_flags = 0;
  sigaction(SIGPIPE, &sa, NULL);
}

/* ---------- running a job ---------- */

/* In the child: run the job and _exit with gs_run's code. */
static void child_main(batch *b, batch_job *j, int errfd, int devnull, batch_job *const *live) {
  set_handlers(0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  close(self_pipe[0]);
  close(self_pipe[1]);
  for (int i = 0; i < b->njobs_parallel; i++) /* the other jobs' pipes */
    if (live[i] && live[i]->fd >= 0) close(live[i]->fd);
  if (dup2(devnull, 1) < 0 || dup2(errfd, 2) < 0) _exit(GS_EX_OUTPUT);
  close(devnull);
  close(errfd);
  /* The job as data (run.h): no argv is built from the manifest's fields,
   * so a field such as "--trusted" is a file name and nothing else
   * (tests/escapes/batch_option_injection.lua). */
  gs_run_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.script = j->script;
  ro.args = j->args;
  ro.nargs = j->nargs;
  ro.dataset = j->dataset;
  ro.out = j->result;
  ro.fmt = (gs_format)gs_format_parse(b->fmt);
  ro.quiet = 1;
  ro.no_sync = 1; /* a killed job still leaves no half file; fsync per job cost ~1 ms */
  double th = 1;
  gs_parse_number(b->threads, &th);
  ro.threads = (int)th;
  ro.sbo = b->sbo;
  int rc = gs_run(&ro);
  if (rc == GS_EX_OK) {
    /* The hash, written after the result: both there = job done. */
    char hex[32];
    int k = snprintf(hex, sizeof hex, "%016llx\n", (unsigned long long)j->hash);
    char tmp[PATH_MAX + 32];
    FILE *f = setxattr(j->result, HASH_XATTR, hex, (size_t)k, 0) == 0 ? NULL
                                                                      : gs_atomic_open(j->sidecar, tmp, sizeof tmp);
    if (f) {
      fprintf(f, "%016llx\n", (unsigned long long)j->hash);
      if (fclose(f) != 0 || rename(tmp, j->sidecar) != 0) unlink(tmp);
    }
  }
  fflush(stdout);
  fflush(stderr);
  _exit(rc);
}

static int start_job(batch *b, batch_job *j, int devnull, batch_job *const *live) {
  unlink(j->sidecar); /* no longer a valid record of this job */
  unlink(j->result);
  int p[2];
  if (pipe(p) != 0) return -1;
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  fflush(NULL);
  j->t0 = batch_now();
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child_main(b, j, p[1], devnull, live);
  }
  int e = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(p[1]);
  if (pid < 0) { close(p[0]); errno = e; return -1; }
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  j->pid = pid;
  j->fd = p[0];
  j->msglen = 0;
  j->msg_done = 0;
  j->msg[0] = '\0';
  return 0;
}

/* Reads what is available of a job's stderr, keeping the first line.
 * Returns 0 at end of file, 1 otherwise. */
static int read_stderr(batch_job *j) {
  char buf[4096];
  for (;;) {
    ssize_t r = read(j->fd, buf, sizeof buf);
    if (r == 0) return 0;
    if (r < 0) return errno == EINTR ? 1 : (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : 0;
    for (ssize_t i = 0; i < r && !j->msg_done; i++) {
      if (buf[i] == '\n') { j->msg_done = 1; break; }
      if (j->msglen < sizeof j->msg - 1) j->msg[j->msglen++] = buf[i];
    }
    j->msg[j->msglen] = '\0';
  }
}

/* Makes a message valid UTF-8 without control characters. */
static void clean_msg(char *m) {
  size_t n = strlen(m), o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)m[i];
    size_t k = gs_utf8_len((unsigned char *)m + i, n - i);
    if (!k) { m[o++] = '?'; i++; continue; }
    if (c < 0x20 || c == 0x7f) { m[o++] = ' '; i++; continue; }
    memmove(m + o, m + i, k);
    o += k;
    i += k;
  }
  while (o > 0 && m[o - 1] == ' ') o--;
  m[o] = '\0';
}

static void finish_job(batch_job *j, int ws) {
  j->wall_ms = (batch_now() - j->t0) * 1000.0;
  if (j->fd >= 0) {
    /* The child is gone: the rest of the pipe reads to end of file. */
    fcntl(j->fd, F_SETFL, 0);
    while (read_stderr(j)) {}
    close(j->fd);
    j->fd = -1;
  }
  j->pid = 0;
  clean_msg(j->msg);
  if (WIFSIGNALED(ws)) {
    int sig = WTERMSIG(ws);
    if (batch_result_current(j)) {
      /* Killed after it wrote its result and sidecar: the job is done. */
      j->status = ST_OK;
      j->msg[0] = '\0';
    } else if (stop_sig) {
      j->status = ST_INTERRUPTED;
      snprintf(j->msg, sizeof j->msg, "interrupted (batch stopped by signal %d)", (int)stop_sig);
    } else {
      j->status = ST_CRASHED;
      const char *name = strsignal(sig);
      snprintf(j->msg, sizeof j->msg, "killed by signal %d (%s)", sig, name ? name : "?");
    }
    remove_job_temporaries(j);
    return;
  }
  int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 255;
  j->status = status_of_exit(code);
  if (j->status == ST_OK) { j->msg[0] = '\0'; return; }
  if (j->status == ST_CRASHED || !j->msg[0]) {
    char m[sizeof j->msg];
    snprintf(m, sizeof m, "exit code %d%s%.400s", code, j->msg[0] ? ": " : "", j->msg);
    memcpy(j->msg, m, sizeof m);
  }
}

int batch_pool_run(batch *b, batch_progress *pg) {
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull < 0) return batch_err("cannot open /dev/null: %s", strerror(errno));
  fcntl(devnull, F_SETFD, FD_CLOEXEC);
  size_t next = 0, running = 0;
  int killed = 0;
  struct pollfd *pfd = malloc(((size_t)b->njobs_parallel + 1) * sizeof *pfd);
  batch_job **pj = malloc(((size_t)b->njobs_parallel + 1) * sizeof *pj);
  batch_job **live = calloc((size_t)b->njobs_parallel, sizeof *live);
  if (!pfd || !pj || !live) { free(pfd); free(pj); free(live); close(devnull); return batch_oom(); }
  int rc = 0;
  for (;;) {
    while (!stop_sig && running < (size_t)b->njobs_parallel && next < b->n) {
      batch_job *j = &b->jobs[next++];
      if (j->status != ST_PENDING) continue; /* resumed */
      if (start_job(b, j, devnull, live) != 0) {
        j->status = ST_CRASHED;
        snprintf(j->msg, sizeof j->msg, "cannot start the job: %s", strerror(errno));
        pg->done++;
        pg->failed++;
        continue;
      }
      for (int s = 0; s < b->njobs_parallel; s++)
        if (!live[s]) { live[s] = j; break; }
      running++;
    }
    if (stop_sig && !killed) {
      for (int s = 0; s < b->njobs_parallel; s++)
        if (live[s]) kill(live[s]->pid, SIGKILL);
      killed = 1;
    }
    if (running == 0 && (next >= b->n || stop_sig)) break;
    nfds_t k = 0;
    pfd[k].fd = self_pipe[0];
    pfd[k].events = POLLIN;
    pj[k++] = NULL;
    for (int s = 0; s < b->njobs_parallel; s++)
      if (live[s] && live[s]->fd >= 0) {
        pfd[k].fd = live[s]->fd;
        pfd[k].events = POLLIN;
        pj[k++] = live[s];
      }
    int pr = poll(pfd, k, pg->on ? 100 : 1000);
    if (pr < 0 && errno != EINTR) { rc = batch_err("poll: %s", strerror(errno)); break; }
    if (pr > 0) {
      for (nfds_t i = 0; i < k; i++) {
        if (!pfd[i].revents) continue;
        if (!pj[i]) {
          char buf[256];
          while (read(self_pipe[0], buf, sizeof buf) > 0) {}
        } else if (!read_stderr(pj[i])) {
          close(pj[i]->fd);
          pj[i]->fd = -1;
        }
      }
    }
    int ws;
    pid_t pid;
    while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
      for (int s = 0; s < b->njobs_parallel; s++) {
        if (!live[s] || live[s]->pid != pid) continue;
        finish_job(live[s], ws);
        pg->done++;
        if (live[s]->status != ST_OK && live[s]->status != ST_INTERRUPTED) pg->failed++;
        live[s] = NULL;
        running--;
        break;
      }
    }
    batch_progress_show(pg, 0);
  }
  free(pfd);
  free(pj);
  free(live);
  close(devnull);
  return rc;
}

int batch_pool_begin(void) {
  if (pipe(self_pipe) != 0) return batch_err("pipe: %s", strerror(errno));
  for (int i = 0; i < 2; i++) {
    fcntl(self_pipe[i], F_SETFL, O_NONBLOCK);
    fcntl(self_pipe[i], F_SETFD, FD_CLOEXEC);
  }
  stop_sig = 0;
  set_handlers(1);
  return 0;
}

int batch_pool_stop_signal(void) { return stop_sig; }

void batch_pool_end(void) {
  set_handlers(0);
  close(self_pipe[0]);
  close(self_pipe[1]);
  self_pipe[0] = self_pipe[1] = -1;
}
