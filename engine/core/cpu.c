/* cpu.c - the vector instructions the hot loops may use (see cpu.h). */
#include "cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int avx512;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void decide(void) {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
  const char *e = getenv("GCISIM_SIMD");
  avx512 = !(e && strcmp(e, "0") == 0) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vpopcntdq") &&
           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#endif
}

int gs_cpu_avx512(void) {
  pthread_once(&once, decide);
  return avx512;
}
