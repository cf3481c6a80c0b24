/* cpu.h - which vector instructions the hot loops may use: one answer for
 * the whole process, so that every loop with an AVX-512 build (the
 * uncertainty draw loop, the dataset's grid scan) takes it or not alike.
 * GCISIM_SIMD=0 in the environment keeps the portable loops (for
 * comparing: both give the same numbers). */
#ifndef GS_CPU_H
#define GS_CPU_H

/* 1 when this build has the AVX-512 loops (GCC on x86-64 Linux), the
 * processor has AVX-512 F, VL, DQ and VPOPCNTDQ with BMI2 and POPCNT, and
 * GCISIM_SIMD is not "0"; else 0.  Decided on the first call (thread-safe)
 * and the same after. */
int gs_cpu_avx512(void);

#endif
